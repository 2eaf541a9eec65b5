// What the mail service plans from the ledger and the clock, on its own: the reminders under
// the server's days or an address's own, the latest digest each address chose (daily, or the
// Monday's), what it says and which tasks it lists, and nothing twice for the same window.
#include "webhooks/mail/mail_plan.h"

#include <catch2/catch.hpp>

#include "events/rocks_event_store.h"
#include "tests/domain/domain_fixture.h"
#include "tests/support/temp_dir.h"
#include "tests/webhooks/channel_fold.h"

using namespace taskledger;
using namespace taskledger::testing;
using namespace taskledger::webhooks;
using namespace taskledger::webhooks::mail;

namespace {

// A confirmed address of `agency`, as a coordinator vouches for it.
void Subscribe(Mailboxes& boxes, const domain::Ledger& ledger, uint64_t& position,
               const std::string& id, const std::string& agency, MailboxSpec spec) {
  spec.agency = agency;
  spec.address = id + "@" + agency + ".gov.vn";
  spec.confirmed = true;
  spec.changes = false;
  auto d = DecideCreate(boxes, ledger, id, spec, kCoordinator);
  REQUIRE(d.ok());
  Fold(boxes, *d, position);
}

std::vector<std::string> Keys(const MailPlan& plan, const std::string& box) {
  std::vector<std::string> out;
  for (const PlannedMail& m : plan.mails) {
    if (m.box.id == box) out.push_back(m.key);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const PlannedMail& Find(const MailPlan& plan, const std::string& box, const std::string& type) {
  for (const PlannedMail& m : plan.mails) {
    if (m.box.id == box && m.type == type) return m;
  }
  FAIL("no " << type << " for " << box);
  throw;
}

}  // namespace

TEST_CASE("mail planned for a window: reminders by whose days, the latest digest, once",
          "[webhooks][email]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "30/6/2026"));
  f.Do(f.NewTask("I.2", "10/6/2026", {"truong-a"}, {}));
  f.Do(f.NewTask("I.3", "26/6/2026", {"so-gddt"}, {"co-so-gd"}));  // truong-a through its group
  Mailboxes boxes;
  uint64_t position = 0;
  MailboxSpec daily;
  daily.digest = Digest::kDaily;
  Subscribe(boxes, f.ledger(), position, "em_a", "so-gddt", daily);
  MailboxSpec weekly;
  weekly.digest = Digest::kWeekly;
  weekly.schedule = ReminderPolicy{{3}, 0, 8};  // three days before, nothing while overdue
  Subscribe(boxes, f.ledger(), position, "em_b", "truong-a", weekly);
  MailboxSpec quiet;
  quiet.digest = Digest::kNone;
  quiet.reminders = false;
  Subscribe(boxes, f.ledger(), position, "em_c", "so-gddt", quiet);

  TempDir dir;
  auto store = OpenRocksEventStore(dir.Sub("log"));
  REQUIRE(store.ok());
  MailOptions options;
  options.public_url = "https://tl.example.vn";
  // From Monday 22/06/2026 07:00 to Tuesday 23/06 09:00, Vietnam time.
  const int64_t from = At({2026, 6, 22}, 7), to = At({2026, 6, 23}, 9);
  const uint64_t folded = f.ledger().position();
  const MailPlan plan = PlanMail(f.ledger(), boxes, **store, options, folded, from, to);
  REQUIRE(plan.failed.ok());

  // so-gddt on the server's days: I.1 a week before; Tuesday's daily digest only.
  CHECK(Keys(plan, "em_a") ==
        std::vector<std::string>{"digest:2026-06-23", "rem:hp-ta:I.1|1|2026-06-30|7"});
  // truong-a on its own days: I.3 three days before (through its group); Monday's weekly digest.
  CHECK(Keys(plan, "em_b") ==
        std::vector<std::string>{"digest:2026-06-22", "rem:hp-ta:I.3|1|2026-06-26|3"});
  CHECK(Keys(plan, "em_c").empty());  // no reminders, no digest

  const PlannedMail& a = Find(plan, "em_a", "email.digest");
  INFO(a.text.text);
  CHECK(a.text.subject ==
        "[Tổng hợp] 23/06/2026 — 1 đến hạn tuần này, 1 đến hạn tháng này · Sở Giáo dục và Đào tạo");
  CHECK(a.text.text.find("- I.3 · hạn 26/06/2026, còn 3 ngày — Nhiệm vụ I.3\r\n") !=
        std::string::npos);
  CHECK(a.text.text.find("- I.1 · hạn 30/06/2026, còn 7 ngày — Nhiệm vụ I.1\r\n") !=
        std::string::npos);
  CHECK(a.due_ms == At({2026, 6, 23}, 0) + (7 * 60 + 30) * 60'000LL);
  CHECK(a.about == std::vector<std::string>{"hp-ta:I.3", "hp-ta:I.1"});

  const PlannedMail& b = Find(plan, "em_b", "email.digest");
  INFO(b.text.text);
  CHECK(b.text.subject.starts_with("[Tổng hợp] 22/06/2026 — 1 quá hạn, 1 đến hạn tuần này · "));
  CHECK(b.text.text.find("Quá hạn (1)\r\n- I.2 · hạn 10/06/2026, quá 12 ngày — ") !=
        std::string::npos);
  CHECK(b.text.text.find("- I.3 · hạn 26/06/2026, còn 4 ngày (phối hợp) — ") != std::string::npos);
  CHECK(b.about == std::vector<std::string>{"hp-ta:I.2", "hp-ta:I.3"});

  // The same window is not planned twice: the next round starts where this one ended.
  const MailPlan again = PlanMail(f.ledger(), boxes, **store, options, folded, to, to + 1000);
  CHECK(again.mails.empty());
}

TEST_CASE("each member's digest speaks of its own part: done, it is not listed",
          "[webhooks][email][parts]") {
  DomainFixture f;
  f.Seed();
  f.Do(RegisterAgency{{"truong-b", "Trường B", "", AgencyKind::kInstitution, "", {}, {}}});
  f.Do(RegisterAgency{
      {"co-so-gd", "Cơ sở giáo dục", "", AgencyKind::kGroup, "", {}, {"truong-a", "truong-b"}},
      true});
  f.Do(f.NewTask("V.1", "10/6/2026", {"co-so-gd"}, {}));
  f.Do(RecordCompletion{"hp-ta:V.1", "", {2026, 6, 1}, "x", "truong-a"}, kCoordinator,
       At({2026, 6, 2}));
  f.Do(SubmitDeliverable{"hp-ta:V.1", "", {"b1", "Báo cáo B.pdf", "", 0, ""}},
       AgencyActor("truong-b"), At({2026, 6, 15}));
  Mailboxes boxes;
  uint64_t position = 0;
  MailboxSpec daily;
  daily.digest = Digest::kDaily;
  Subscribe(boxes, f.ledger(), position, "em_a", "truong-a", daily);
  Subscribe(boxes, f.ledger(), position, "em_b", "truong-b", daily);
  TempDir dir;
  auto store = OpenRocksEventStore(dir.Sub("log"));
  REQUIRE(store.ok());
  const MailPlan plan = PlanMail(f.ledger(), boxes, **store, MailOptions{}, f.ledger().position(),
                                 At({2026, 6, 22}, 7), At({2026, 6, 22}, 9));
  REQUIRE(plan.failed.ok());
  // A has done its part: nothing to say, no digest.
  CHECK(Keys(plan, "em_a").empty());
  const PlannedMail& b = Find(plan, "em_b", "email.digest");
  INFO(b.text.text);
  CHECK(b.text.text.find("Quá hạn (1)\r\n- V.1 · hạn 10/06/2026, quá 12 ngày") !=
        std::string::npos);
  CHECK(b.text.text.find("Báo cáo B.pdf · nộp ngày 15/06/2026") != std::string::npos);
}
