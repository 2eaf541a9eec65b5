// Deadline reminders planned from the Ledger: 30, 7 and 1 days before, on the day, and every 7
// days while overdue; re-planned when the deadline moves; none once the occurrence is done.
#include "webhooks/reminders.h"

#include <catch2/catch.hpp>

#include "tests/domain/domain_fixture.h"
#include "webhooks/audience.h"

using namespace taskledger;
using namespace taskledger::testing;
using webhooks::Reminder;
using webhooks::ReminderPolicy;
using webhooks::RemindersBetween;

namespace {

// "<offset>@<date>" for each reminder, to compare with a list.
std::vector<std::string> Summary(const std::vector<Reminder>& rs) {
  std::vector<std::string> out;
  for (const Reminder& r : rs) {
    out.push_back(r.task->code + " " + std::to_string(r.offset_days) + "@" +
                  ToIso(DateAtUtcMs(r.at_ms)));
  }
  return out;
}

int64_t Ms(Date d, int hour = 0) { return StartOfDayUtcMs(d) + int64_t{hour} * 3600 * 1000; }

}  // namespace

TEST_CASE("reminders go out 30, 7 and 1 days before, on the day and weekly while overdue",
          "[webhooks][reminders]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "30/6/2026"));
  const ReminderPolicy policy;
  const auto rs = RemindersBetween(f.ledger(), policy, Ms({2026, 5, 1}), Ms({2026, 7, 22}));
  CHECK(Summary(rs) == std::vector<std::string>{"I.1 30@2026-05-31", "I.1 7@2026-06-23",
                                                "I.1 1@2026-06-29", "I.1 0@2026-06-30",
                                                "I.1 -7@2026-07-07", "I.1 -14@2026-07-14",
                                                "I.1 -21@2026-07-21"});
  REQUIRE(rs.size() == 7);
  CHECK(std::string(rs[0].type()) == "task.deadline.approaching");
  CHECK(std::string(rs[3].type()) == "task.deadline.today");
  CHECK(std::string(rs[4].type()) == "task.overdue");
  // At 08:00 in Vietnam, which is 01:00 UTC.
  CHECK(rs[3].at_ms == Ms({2026, 6, 30}, 8));
  CHECK(rs[3].key() == "hp-ta:I.1|1|2026-06-30|0");
}

TEST_CASE("windows split anywhere give each reminder exactly once", "[webhooks][reminders]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "30/6/2026"));
  f.Do(f.NewTask("I.2", "Hàng năm"));
  const ReminderPolicy policy;
  const int64_t from = Ms({2026, 1, 1}), to = Ms({2027, 2, 1});
  const std::vector<std::string> whole = Summary(RemindersBetween(f.ledger(), policy, from, to));
  REQUIRE(whole.size() > 10);
  // The scheduler asks for (last scan, now]; windows of 5 h 17 min cut days at odd places, and
  // one boundary falls exactly on a sending instant.
  std::vector<std::string> pieces;
  const int64_t step = (5 * 60 + 17) * 60 * 1000;
  std::vector<int64_t> cuts;
  for (int64_t t = from; t < to; t += step) cuts.push_back(t);
  cuts.push_back(Ms({2026, 6, 30}, 8));
  std::sort(cuts.begin(), cuts.end());
  cuts.push_back(to);
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    for (std::string& s : Summary(RemindersBetween(f.ledger(), policy, cuts[i], cuts[i + 1]))) {
      pieces.push_back(std::move(s));
    }
  }
  CHECK(pieces == whole);
}

TEST_CASE("a moved deadline re-plans its reminders and a completed one stops them",
          "[webhooks][reminders]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "30/6/2026"));
  f.Do(f.NewTask("I.2", "30/6/2026"));
  const ReminderPolicy policy{{7}, 7, 8};

  // I.1 moves to 31 July; I.2 is cancelled.
  f.Do(ChangeDeadline{"hp-ta:I.1", "31/7/2026", "Lùi hạn theo đề nghị"}, kCoordinator,
       At({2026, 6, 1}));
  f.Do(CancelOccurrence{"hp-ta:I.2", "1", "Không còn phù hợp"}, kCoordinator, At({2026, 6, 1}));
  const auto rs = RemindersBetween(f.ledger(), policy, Ms({2026, 6, 2}), Ms({2026, 8, 8}));
  CHECK(Summary(rs) == std::vector<std::string>{"I.1 7@2026-07-24", "I.1 -7@2026-08-07"});
  REQUIRE_FALSE(rs.empty());
  CHECK(rs[0].key() == "hp-ta:I.1|1|2026-07-31|7");  // a new key for the new date

  // No overdue reminders when the policy sends none, and none before the window.
  const ReminderPolicy no_overdue{{7}, 0, 8};
  CHECK(Summary(RemindersBetween(f.ledger(), no_overdue, Ms({2026, 6, 2}), Ms({2026, 8, 8}))) ==
        std::vector<std::string>{"I.1 7@2026-07-24"});
  CHECK(RemindersBetween(f.ledger(), policy, Ms({2026, 8, 8}), Ms({2026, 8, 8})).empty());
}

TEST_CASE("a group's task reminds each member of its own part, and not once it is done",
          "[webhooks][reminders][parts]") {
  DomainFixture f;
  f.Seed();
  f.Do(RegisterAgency{{"truong-b", "Trường B", "", AgencyKind::kInstitution, "", {}, {}}});
  f.Do(RegisterAgency{
      {"co-so-gd", "Cơ sở giáo dục", "", AgencyKind::kGroup, "", {}, {"truong-a", "truong-b"}},
      true});
  f.Do(f.NewTask("V.1", "30/6/2026", {"co-so-gd"}, {"so-tc"}));
  const std::string task = "hp-ta:V.1";
  // A has done its part; B asked for time and was given until 31/7.
  f.Do(RecordCompletion{task, "", {2026, 6, 1}, "x", "truong-a"}, kCoordinator, Ms({2026, 6, 2}));
  f.Do(RequestExtension{task, "", "r", {2026, 7, 31}, "x"}, AgencyActor("truong-b"),
       Ms({2026, 6, 3}));
  f.Do(DecideExtension{task, "", "r", true, std::nullopt, "ok", "truong-b"}, kCoordinator,
       Ms({2026, 6, 4}));
  ReminderPolicy policy;
  policy.days_before = {1};
  policy.overdue_every_days = 0;
  // The day before 30/6: so-tc (named) hears, A (done) does not, B (its own date) does not.
  auto rs = RemindersBetween(f.ledger(), policy, Ms({2026, 6, 29}), Ms({2026, 6, 30}));
  REQUIRE(rs.size() == 1);
  std::vector<std::string> heard;
  for (const webhooks::Hearer& h : webhooks::ReminderAudience(f.ledger(), rs[0])) {
    heard.push_back(*h.agency + (h.part ? "*" : ""));
  }
  CHECK(heard == std::vector<std::string>{"co-so-gd", "so-tc"});
  // The day before 31/7: B alone, about its own part.
  rs = RemindersBetween(f.ledger(), policy, Ms({2026, 7, 30}), Ms({2026, 7, 31}));
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].member == "truong-b");
  CHECK(rs[0].due == Date{2026, 7, 31});
  CHECK(rs[0].key() == task + "|1|2026-07-31|1|truong-b");
  const auto b = webhooks::ReminderAudience(f.ledger(), rs[0]);
  REQUIRE(b.size() == 1);
  CHECK(*b[0].agency == "truong-b");
  CHECK(b[0].part->status == OccurrenceStatus::kNotStarted);

  // Without B's extension both would be told at 30/6 but A: a fresh task shows it.
  f.Do(f.NewTask("V.2", "30/6/2026", {"co-so-gd"}, {}));
  f.Do(RecordCompletion{"hp-ta:V.2", "", {2026, 6, 1}, "x", "truong-a"}, kCoordinator,
       Ms({2026, 6, 2}));
  rs = RemindersBetween(f.ledger(), policy, Ms({2026, 6, 29}), Ms({2026, 6, 30}));
  REQUIRE(rs.size() == 2);
  heard.clear();
  for (const webhooks::Hearer& h : webhooks::ReminderAudience(f.ledger(), rs[1])) {
    heard.push_back(*h.agency + (h.part ? "*" : ""));
  }
  CHECK(heard == std::vector<std::string>{"co-so-gd", "truong-b*"});
}
