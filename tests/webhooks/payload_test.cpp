// Notification bodies: the fields an agency's system needs, Vietnamese intact, under 20 kB.
#include "webhooks/payload.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/domain/domain_fixture.h"

using namespace taskledger;
using namespace taskledger::testing;
using nlohmann::json;

TEST_CASE("a reminder's body names the task, the due date, days left and the agencies",
          "[webhooks][payload]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "30/6/2026"));
  const webhooks::ReminderPolicy policy;
  const auto rs = webhooks::RemindersBetween(f.ledger(), policy, StartOfDayUtcMs({2026, 6, 23}),
                                             StartOfDayUtcMs({2026, 6, 24}));
  REQUIRE(rs.size() == 1);
  const webhooks::PayloadContext c{"msg_01", StartOfDayUtcMs({2026, 6, 23}) + 3600000,
                                   "https://taskledger.example.vn"};
  const json j = json::parse(webhooks::ReminderPayload(rs[0], c));
  CHECK(j["type"] == "task.deadline.approaching");
  CHECK(j["id"] == "msg_01");
  CHECK(j["timestamp"] == "2026-06-22T18:00:00.000Z");  // 01:00 on the 23rd in Vietnam
  const json& d = j["data"];
  CHECK(d["task"]["id"] == "hp-ta:I.1");
  CHECK(d["task"]["title"] == "Nhiệm vụ I.1");
  CHECK(d["task"]["lead"] == json{"so-gddt"});
  CHECK(d["task"]["coordinating"] == json{"so-tc"});
  CHECK(d["task"]["deliverable"] == "Kế hoạch");
  CHECK(d["task"]["deadline"] == "30/6/2026");
  CHECK(d["task"]["link"] == "https://taskledger.example.vn/tasks/hp-ta:I.1");
  CHECK(d["due"] == "2026-06-30");
  CHECK(d["due_at"] == "2026-06-30T16:59:59.999Z");  // the end of the day in Vietnam
  CHECK(d["days_left"] == 7);
  CHECK(d["occurrence"] == "1");
}

TEST_CASE("bodies stay under 20 kB, texts cut at a character boundary", "[webhooks][payload]") {
  DomainFixture f;
  f.Seed();
  CreateTask t = f.NewTask("I.1", "30/6/2026");
  t.title.clear();
  while (t.title.size() < 3900) t.title += "Đổi mới ";  // as long as the domain allows
  t.deliverable = t.title;
  f.Do(t);
  const auto rs =
      webhooks::RemindersBetween(f.ledger(), webhooks::ReminderPolicy{},
                                 StartOfDayUtcMs({2026, 6, 30}), StartOfDayUtcMs({2026, 7, 1}));
  REQUIRE(rs.size() == 1);
  const std::string body = webhooks::ReminderPayload(rs[0], {"msg_02", 0, ""});
  CHECK(body.size() <= webhooks::kMaxPayloadBytes);
  CHECK(json::parse(body)["data"]["task"]["title"] == t.title);  // fits whole

  // A change whose details alone exceed the budget is sent without them.
  std::string details = R"({"comment": ")";
  while (details.size() < 30000) details += "Đổi mới ";
  details += R"("})";
  const std::string change = webhooks::ChangePayload(
      "task.comment.added", *f.ledger().FindTask("hp-ta:I.1"), details, {"msg_04", 0, ""});
  CHECK(change.size() <= webhooks::kMaxPayloadBytes);
  CHECK(json::parse(change)["data"]["change"]["truncated"] == true);
}

TEST_CASE("a change and a ping have the same envelope", "[webhooks][payload]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "30/6/2026"));
  const webhooks::PayloadContext c{"msg_03", 0, ""};
  json j = json::parse(webhooks::ChangePayload("task.assigned", *f.ledger().FindTask("hp-ta:I.1"),
                                               R"({"by": "coordinator"})", c));
  CHECK(j["type"] == "task.assigned");
  CHECK(j["data"]["change"]["by"] == "coordinator");
  CHECK(j["data"]["task"]["id"] == "hp-ta:I.1");
  j = json::parse(webhooks::PingPayload(c));
  CHECK(j["type"] == "webhook.ping");
  CHECK(j["timestamp"] == "1970-01-01T00:00:00.000Z");
}
