// The channel registry every kind shares (webhooks/channels.h, channel_rules.h), checked for
// both kinds alike: who sees and manages a channel, the agency's limit, deletion, and the
// checkpoint form.
#include "webhooks/channels.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/webhooks/channel_fold.h"
#include "webhooks/mail/mailbox.h"
#include "webhooks/subscription.h"

using namespace taskledger;
using namespace taskledger::webhooks;
using taskledger::testing::Fold;

namespace {

const domain::Actor kCoordinator{domain::ActorRole::kCoordinator, "", "Điều phối"};
const domain::Actor kAuditor{domain::ActorRole::kAuditor, "", "Thanh tra"};
domain::Actor Agency(std::string id) {
  return {domain::ActorRole::kAgency, std::move(id), "Văn thư"};
}

// A request for channel number `n` of `agency`, of either kind.
SubscriptionSpec SpecOf(WebhookKind, const std::string& agency, int n) {
  SubscriptionSpec s;
  s.agency = agency;
  s.url = "https://hooks.example.org/" + std::to_string(n);
  return s;
}
mail::MailboxSpec SpecOf(mail::MailKind, const std::string& agency, int n) {
  mail::MailboxSpec s;
  s.agency = agency;
  s.address = "vanthu" + std::to_string(n) + "@sogddt.gov.vn";
  return s;
}

// Registers two agencies in `l`.
void AddTwoAgencies(domain::Ledger& l) {
  uint64_t position = 0;
  for (const char* id : {"so-gddt-hp", "ubnd-q1"}) {
    EventView v;
    v.position = ++position;
    const std::string stream = std::string("agency-") + id;
    v.stream = stream;
    v.type = "agency.registered";
    const std::string data =
        nlohmann::json{{"id", id}, {"name", id}, {"kind", "department"}}.dump();
    v.data = data;
    REQUIRE(l.Apply(v).ok());
  }
}

}  // namespace

TEMPLATE_TEST_CASE("every kind of channel is seen, managed, limited and removed alike",
                   "[webhooks][channels]", WebhookKind, mail::MailKind) {
  domain::Ledger ledger;
  AddTwoAgencies(ledger);
  Channels<TestType> r;
  uint64_t position = 0;
  // An agency creates its own (named or not), never another's; an auditor creates none.
  auto spec = SpecOf(TestType{}, "so-gddt-hp", 0);
  CHECK(DecideCreate(r, ledger, "c0", spec, Agency("ubnd-q1")).status().code() ==
        Status::Code::kPermissionDenied);
  CHECK(DecideCreate(r, ledger, "c0", spec, kAuditor).status().code() ==
        Status::Code::kPermissionDenied);
  spec.agency.reset();
  CHECK(DecideCreate(r, ledger, "c0", spec, kCoordinator).status().code() ==
        Status::Code::kInvalidArgument);
  auto created = DecideCreate(r, ledger, "c0", spec, Agency("so-gddt-hp"));
  REQUIRE(created.ok());
  Fold(r, *created, position);
  REQUIRE(r.Find("c0"));
  CHECK(r.Find("c0")->agency == "so-gddt-hp");
  CHECK(DecideCreate(r, ledger, "c0", SpecOf(TestType{}, "so-gddt-hp", 1), kCoordinator)
            .status()
            .code() == Status::Code::kAlreadyExists);

  // Others' channels do not exist for an agency; an auditor reads but does not change.
  CHECK(CanRead(*r.Find("c0"), Agency("ubnd-q1")).code() == Status::Code::kNotFound);
  CHECK(CanRead(*r.Find("c0"), kAuditor).ok());
  CHECK(CanManage(*r.Find("c0"), kAuditor).code() == Status::Code::kPermissionDenied);
  CHECK(DecideDelete(r, "c0", Agency("ubnd-q1")).status().code() == Status::Code::kNotFound);
  typename TestType::Spec nothing;
  CHECK(DecideUpdate(r, ledger, "c0", nothing, kCoordinator).status().code() ==
        Status::Code::kInvalidArgument);
  nothing.agency = "ubnd-q1";
  CHECK(DecideUpdate(r, ledger, "c0", nothing, kCoordinator).status().code() ==
        Status::Code::kInvalidArgument);  // a channel's agency stays

  // The agency's limit counts the channels not deleted.
  for (int n = 1; n < static_cast<int>(TestType::kMaxPerAgency); ++n) {
    auto d = DecideCreate(r, ledger, "c" + std::to_string(n), SpecOf(TestType{}, "so-gddt-hp", n),
                          kCoordinator);
    REQUIRE(d.ok());
    Fold(r, *d, position);
  }
  const auto one_more = [&] {
    return DecideCreate(r, ledger, "extra", SpecOf(TestType{}, "so-gddt-hp", 99), kCoordinator);
  };
  CHECK(one_more().status().code() == Status::Code::kFailedPrecondition);
  auto deleted = DecideDelete(r, "c0", kCoordinator);
  REQUIRE(deleted.ok());
  Fold(r, *deleted, position);
  CHECK(one_more().ok());
  CHECK(r.Find("c0")->deleted);
  CHECK(Existing(r, "c0").status().code() == Status::Code::kNotFound);
  CHECK(r.Of("so-gddt-hp").size() == TestType::kMaxPerAgency - 1);
  CHECK(r.Live("so-gddt-hp").size() == TestType::kMaxPerAgency - 1);
  CHECK(r.All().size() == TestType::kMaxPerAgency - 1);

  // The checkpoint form decodes to the same table, deleted ones kept but not listed.
  std::string bytes;
  r.Encode(bytes);
  Channels<TestType> copy;
  REQUIRE(copy.Decode(bytes).ok());
  std::string again;
  copy.Encode(again);
  CHECK(again == bytes);
  CHECK(copy.Find("c0")->deleted);
  CHECK(copy.Of("so-gddt-hp").size() == r.Of("so-gddt-hp").size());
  Channels<TestType> cut;
  CHECK(cut.Decode(bytes.substr(0, bytes.size() - 1)).code() == Status::Code::kCorruption);
}
