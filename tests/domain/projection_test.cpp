// Projections: by agency, due index, plan report, reassignment and deadline changes, and "as of".
#include <catch2/catch.hpp>

#include "tests/domain/domain_fixture.h"

using namespace taskledger;
using namespace taskledger::testing;

TEST_CASE("an agency's open occurrences come ordered by due date with days left",
          "[domain][projection]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.3", "Năm 2027"));
  f.Do(f.NewTask("I.1", "tháng 3/2025"));
  f.Do(f.NewTask("I.2", "Thường xuyên"));
  f.Do(f.NewTask("II.1", "Quý II/2025", {"so-tc"}, {"so-gddt"}));
  const auto items = f.ledger().AgencyTasks("so-gddt", {2025, 4, 10});
  REQUIRE(items.size() == 4);
  CHECK(items[0].task->code == "I.1");
  CHECK(items[0].days_left == -10);  // 10 days overdue
  CHECK(items[1].task->code == "II.1");
  CHECK(items[1].role == Role::kCoordinating);
  CHECK(items[1].days_left == 81);
  CHECK(items[2].task->code == "I.3");
  CHECK(items[3].task->code == "I.2");  // undated last
  CHECK_FALSE(items[3].days_left.has_value());
  AgencyQuery lead_only;
  lead_only.role = Role::kLead;
  lead_only.limit = 2;
  const auto leads = f.ledger().AgencyTasks("so-gddt", {2025, 4, 10}, lead_only);
  REQUIRE(leads.size() == 2);
  CHECK(leads[1].task->code == "I.3");

  const auto overdue = f.ledger().Overdue({2025, 4, 10});
  REQUIRE(overdue.size() == 1);
  CHECK(overdue[0].task->code == "I.1");
  CHECK(f.ledger().DueBetween({2025, 1, 1}, {2025, 12, 31}).size() == 2);
}

TEST_CASE("reassignment and deadline changes move a task between agencies and dates",
          "[domain][projection]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "Năm 2025"));
  f.Do(StartWork{"hp-ta:I.1", ""}, AgencyActor("so-gddt"));
  f.Do(Reassign{"hp-ta:I.1", {"so-tc"}, {"so-gddt"}, "Chuyển chủ trì"});
  CHECK(f.ledger().AgencyTasks("so-tc", {2025, 1, 1}).front().role == Role::kLead);
  CHECK(f.ledger().AgencyTasks("so-gddt", {2025, 1, 1}).front().role == Role::kCoordinating);
  CHECK(f.Fails(StartWork{"hp-ta:I.1", ""}, AgencyActor("so-gddt")).code() ==
        Status::Code::kPermissionDenied);
  f.Do(ChangeDeadline{"hp-ta:I.1", "tháng 3/2026", "Điều chỉnh theo chỉ đạo"});
  const Occurrence* o = f.ledger().FindTask("hp-ta:I.1")->Find("1");
  CHECK(o->due == Date{2026, 3, 31});
  CHECK(o->status == OccurrenceStatus::kInProgress);  // same occurrence, history kept
  CHECK(f.ledger().FindTask("hp-ta:I.1")->schedule.text == "tháng 3/2026");
  CHECK(f.ledger().Overdue({2026, 1, 1}).empty());
  f.Do(ChangeDeadline{"hp-ta:I.1", "Hàng năm", "Thành nhiệm vụ thường niên"});
  CHECK(f.ledger().AgencyTasks("so-tc", {2025, 1, 1}).size() == 3);
}

TEST_CASE("the plan report counts occurrences in the official groups as of a date",
          "[domain][report]") {
  DomainFixture f;
  f.Seed();
  const Actor lead = AgencyActor("so-gddt");
  f.Do(f.NewTask("I.1", "tháng 3/2025"));       // completed on time
  f.Do(f.NewTask("I.2", "tháng 3/2025"));       // completed late
  f.Do(f.NewTask("I.3", "tháng 3/2025"));       // overdue
  f.Do(f.NewTask("I.4", "Năm 2026"));           // within deadline
  f.Do(f.NewTask("I.5", "Năm học 2026-2027"));  // not yet due on 2025-06-01
  f.Do(f.NewTask("I.6", "Thường xuyên"));       // unscheduled
  for (const char* id : {"hp-ta:I.1", "hp-ta:I.2"}) {
    f.Do(SubmitDeliverable{id, "", {"d", "x.pdf", "", 0, ""}}, lead, At({2025, 3, 20}));
  }
  f.Do(ReviewDeliverable{"hp-ta:I.1", "", "d", true, ""}, kCoordinator, At({2025, 3, 25}));
  f.Do(ReviewDeliverable{"hp-ta:I.2", "", "d", true, ""}, kCoordinator, At({2025, 4, 5}));

  const auto r = f.ledger().Report("hp-ta", {2025, 6, 1});
  REQUIRE(r.ok());
  CHECK(r->totals.tasks[Category::kCompletedOnTime] == 1);
  CHECK(r->totals.tasks[Category::kCompletedLate] == 1);
  CHECK(r->totals.tasks[Category::kOverdue] == 1);
  CHECK(r->totals.tasks[Category::kInProgressWithinDeadline] == 1);
  CHECK(r->totals.tasks[Category::kNotYetDue] == 1);
  CHECK(r->totals.tasks[Category::kUnscheduled] == 1);
  CHECK(r->by_lead.at("so-gddt").tasks.total() == 6);
  CHECK(r->by_section.at("I").tasks[Category::kOverdue] == 1);

  // As of 2025-03-31 (folding only events recorded by then): I.2 was not yet accepted.
  auto then = f.AsOf(EndOfDayUtcMs({2025, 3, 31}));
  const auto r0 = then->Report("hp-ta", {2025, 3, 31});
  REQUIRE(r0.ok());
  CHECK(r0->totals.tasks[Category::kCompletedOnTime] == 1);
  CHECK(r0->totals.tasks[Category::kCompletedLate] == 0);
  CHECK(r0->totals.tasks[Category::kInProgressWithinDeadline] == 3);  // I.2, I.3 due that day; I.4
  CHECK(f.ledger().Report("nope", {2025, 1, 1}).status().code() == Status::Code::kNotFound);
}

TEST_CASE("an as-of ledger equals replaying only the earlier events", "[domain][asof]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "Hàng năm"), kCoordinator, At({2025, 1, 2}));
  f.Do(StartWork{"hp-ta:I.1", "2025"}, AgencyActor("so-gddt"), At({2025, 2, 1}));
  f.Do(Reassign{"hp-ta:I.1", {"so-tc"}, {}, "x"}, kCoordinator, At({2025, 3, 1}));
  f.Do(CancelOccurrence{"hp-ta:I.1", "2026", "x"}, kCoordinator, At({2025, 4, 1}));
  auto then = f.AsOf(At({2025, 2, 15}));
  const Task* t = then->FindTask("hp-ta:I.1");
  REQUIRE(t);
  CHECK(t->lead == std::vector<std::string>{"so-gddt"});
  CHECK(t->Find("2025")->status == OccurrenceStatus::kInProgress);
  CHECK(t->Find("2026")->status == OccurrenceStatus::kNotStarted);
  CHECK(then->AgencyTasks("so-gddt", {2025, 2, 15}).size() == 3);
  CHECK(f.ledger().AgencyTasks("so-gddt", {2025, 2, 15}).empty());
  CHECK(f.ledger().AgencyTasks("so-tc", {2025, 2, 15}).size() == 2);
  // Agencies match by name, alias, diacritics and case aside.
  CHECK(f.ledger().MatchAgency("SỞ GD&ĐT") == std::vector<std::string>{"so-gddt"});
  CHECK(f.ledger().MatchAgency("so giao duc va dao tao") == std::vector<std::string>{"so-gddt"});
}

TEST_CASE("indexes rebuilt after a bulk replay equal those kept event by event", "[domain][asof]") {
  DomainFixture f;
  f.Seed();
  const Actor lead = AgencyActor("so-gddt");
  f.Do(f.NewTask("I.1", "Hàng năm"));
  f.Do(f.NewTask("I.2", "tháng 3/2025", {"co-so-gd"}, {"so-gddt"}));
  f.Do(f.NewTask("II.1", "Sau mỗi học kỳ", {"so-tc"}, {"co-so-gd"}));
  f.Do(CancelOccurrence{"hp-ta:I.1", "2026", "x"});
  f.Do(SubmitDeliverable{"hp-ta:I.1", "2025", {"d", "x", "", 0, ""}}, lead);
  f.Do(ReviewDeliverable{"hp-ta:I.1", "2025", "d", true, ""});
  f.Do(RequestExtension{"hp-ta:I.2", "", "r", {2025, 12, 31}, "x"}, AgencyActor("truong-a"));
  // truong-a sees I.2 through its group: the request and the grant are its own part's.
  f.Do(DecideExtension{"hp-ta:I.2", "", "r", true, std::nullopt, "ok", "truong-a"});
  f.Do(Reassign{"hp-ta:II.1", {"so-gddt"}, {"so-tc"}, "x"});
  auto replayed = f.AsOf(At({2030, 1, 1}));
  const auto keys = [](const std::vector<AgencyItem>& items) {
    std::vector<std::string> out;
    for (const auto& i : items) {
      out.push_back(i.task->id + "/" + i.occurrence->key + "/" + std::string(ToString(i.role)) +
                    "/" + i.via);
    }
    return out;
  };
  for (const char* agency : {"so-gddt", "so-tc", "truong-a", "co-so-gd"}) {
    INFO(agency);
    const auto live = keys(f.ledger().AgencyTasks(agency, {2025, 6, 1}));
    CHECK_FALSE(live.empty());
    CHECK(live == keys(replayed->AgencyTasks(agency, {2025, 6, 1})));
  }
  CHECK(f.ledger().Overdue({2026, 6, 1}).size() == replayed->Overdue({2026, 6, 1}).size());
  CHECK(f.ledger().PartsDueBetween({2025, 1, 1}, {2028, 1, 1}).size() == 1);
  CHECK(replayed->PartsDueBetween({2025, 1, 1}, {2028, 1, 1}).size() == 1);
  CHECK(f.ledger().DueBetween({2025, 1, 1}, {2028, 1, 1}).size() ==
        replayed->DueBetween({2025, 1, 1}, {2028, 1, 1}).size());
}
