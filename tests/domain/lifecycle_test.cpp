// The occurrence lifecycle, who may do each step, and classification as of a date.
#include <catch2/catch.hpp>

#include "tests/domain/domain_fixture.h"

using namespace taskledger;
using namespace taskledger::testing;

namespace {

const Occurrence& Occ(DomainFixture& f, const std::string& task, const std::string& key = "1") {
  const auto* t = f.ledger().FindTask(task);
  REQUIRE(t);
  const auto* o = t->Find(key);
  REQUIRE(o);
  return *o;
}

}  // namespace

TEST_CASE("a deliverable accepted by the due date completes the occurrence on time",
          "[domain][lifecycle]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "tháng 6/2025"));
  const Actor lead = AgencyActor("so-gddt");
  f.Do(StartWork{"hp-ta:I.1", ""}, lead, At({2025, 2, 1}));
  CHECK(Occ(f, "hp-ta:I.1").status == OccurrenceStatus::kInProgress);
  f.Do(ReportProgress{"hp-ta:I.1", "", 40, "Đã dự thảo kế hoạch", R"({"schools":12})"}, lead,
       At({2025, 3, 1}));
  CHECK(Occ(f, "hp-ta:I.1").percent == 40);
  f.Do(SubmitDeliverable{"hp-ta:I.1", "", {"d1", "Kế hoạch số 12.pdf", "ab12", 1024, ""}}, lead,
       At({2025, 6, 20}));
  CHECK(Occ(f, "hp-ta:I.1").status == OccurrenceStatus::kSubmitted);
  f.Do(ReviewDeliverable{"hp-ta:I.1", "", "d1", true, "Đạt"}, kCoordinator, At({2025, 6, 30}, 23));
  const Occurrence& o = Occ(f, "hp-ta:I.1");
  CHECK(o.status == OccurrenceStatus::kCompleted);
  CHECK(o.completed_on == Date{2025, 6, 30});
  CHECK_FALSE(o.completed_late);
  CHECK(Classify(o, {2026, 1, 1}) == Category::kCompletedOnTime);
  // The event carries the acting agency as its actor.
  CHECK(f.log()[f.log().size() - 2].actor == "agency:so-gddt:t");
}

TEST_CASE("a returned deliverable goes back to in progress; late acceptance is late",
          "[domain][lifecycle]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "tháng 6/2025"));
  const Actor lead = AgencyActor("so-gddt");
  f.Do(SubmitDeliverable{"hp-ta:I.1", "", {"d1", "v1.pdf", "", 0, ""}}, lead, At({2025, 6, 1}));
  CHECK(f.Fails(ReviewDeliverable{"hp-ta:I.1", "", "d1", false, ""}, kCoordinator).code() ==
        Status::Code::kInvalidArgument);  // returning needs a reason
  f.Do(ReviewDeliverable{"hp-ta:I.1", "", "d1", false, "Thiếu số liệu"}, kCoordinator,
       At({2025, 6, 2}));
  CHECK(Occ(f, "hp-ta:I.1").status == OccurrenceStatus::kInProgress);
  f.Do(SubmitDeliverable{"hp-ta:I.1", "", {"d2", "v2.pdf", "", 0, ""}}, lead, At({2025, 7, 3}));
  f.Do(ReviewDeliverable{"hp-ta:I.1", "", "d2", true, ""}, kCoordinator, At({2025, 7, 4}));
  CHECK(Occ(f, "hp-ta:I.1").completed_late);
  CHECK(Classify(Occ(f, "hp-ta:I.1"), {2025, 8, 1}) == Category::kCompletedLate);
  CHECK(f.Fails(ReviewDeliverable{"hp-ta:I.1", "", "d2", true, ""}, kCoordinator).code() ==
        Status::Code::kFailedPrecondition);
}

TEST_CASE("an extension moves the due date that completion is judged against",
          "[domain][lifecycle]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "tháng 6/2025"));
  const Actor lead = AgencyActor("so-gddt");
  f.Do(RequestExtension{"hp-ta:I.1", "", "r1", {2025, 9, 30}, "Chờ số liệu"}, lead,
       At({2025, 6, 15}));
  CHECK(f.Fails(RequestExtension{"hp-ta:I.1", "", "r2", {2025, 10, 30}, "again"}, lead).code() ==
        Status::Code::kFailedPrecondition);  // one pending request at a time
  CHECK(f.Fails(DecideExtension{"hp-ta:I.1", "", "r1", true, std::nullopt, ""}, lead).code() ==
        Status::Code::kPermissionDenied);
  f.Do(DecideExtension{"hp-ta:I.1", "", "r1", true, std::nullopt, "Đồng ý"}, kCoordinator,
       At({2025, 6, 20}));
  CHECK(Occ(f, "hp-ta:I.1").due == Date{2025, 9, 30});
  CHECK(Occ(f, "hp-ta:I.1").original_due == Date{2025, 6, 30});
  // Around the old and new due dates.
  CHECK(Classify(Occ(f, "hp-ta:I.1"), {2025, 7, 15}) == Category::kInProgressWithinDeadline);
  CHECK(Classify(Occ(f, "hp-ta:I.1"), {2025, 10, 1}) == Category::kOverdue);
  f.Do(SubmitDeliverable{"hp-ta:I.1", "", {"d1", "x.pdf", "", 0, ""}}, lead, At({2025, 9, 1}));
  f.Do(ReviewDeliverable{"hp-ta:I.1", "", "d1", true, ""}, kCoordinator, At({2025, 9, 2}));
  CHECK_FALSE(Occ(f, "hp-ta:I.1").completed_late);  // late against June, on time after extension
  // As of a date before the extension was granted, the old due date was in force.
  auto before = f.AsOf(At({2025, 6, 16}));
  const Occurrence* then = before->FindTask("hp-ta:I.1")->Find("1");
  CHECK(then->due == Date{2025, 6, 30});
  CHECK(then->extensions.size() == 1);
  CHECK(then->extensions[0].decision.empty());
}

TEST_CASE("roles: agencies act only on their own tasks, auditors never write", "[domain][roles]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "Năm 2026"));
  const auto denied = Status::Code::kPermissionDenied;
  const Actor coordinating = AgencyActor("so-tc");
  const Actor stranger = AgencyActor("truong-a");
  CHECK(f.Fails(StartWork{"hp-ta:I.1", ""}, coordinating).code() == denied);
  CHECK(f.Fails(SubmitDeliverable{"hp-ta:I.1", "", {"d", "x", "", 0, ""}}, coordinating).code() ==
        denied);
  f.Do(ReportProgress{"hp-ta:I.1", "", 10, "Phối hợp", "{}"}, coordinating);  // allowed
  f.Do(AddComment{"hp-ta:I.1", "", "Góp ý"}, coordinating);
  CHECK(f.Fails(ReportProgress{"hp-ta:I.1", "", 10, "", "{}"}, stranger).code() == denied);
  CHECK(f.Fails(AddComment{"hp-ta:I.1", "", "x"}, stranger).code() == denied);
  CHECK(f.Fails(f.NewTask("I.2", "Năm 2026"), AgencyActor("so-gddt")).code() == denied);
  CHECK(f.Fails(CancelOccurrence{"hp-ta:I.1", "", "x"}, AgencyActor("so-gddt")).code() == denied);
  CHECK(f.Fails(AddComment{"hp-ta:I.1", "", "x"}, kAuditor).code() == denied);
  CHECK(f.Fails(Reassign{"hp-ta:I.1", {"so-tc"}, {}, "x"}, kAuditor).code() == denied);
}

TEST_CASE("a group assigned a task makes it visible to its members", "[domain][roles]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "Năm 2026", {"co-so-gd"}, {}));
  const auto items = f.ledger().AgencyTasks("truong-a", {2026, 1, 1});
  REQUIRE(items.size() == 1);
  CHECK(items[0].via == "co-so-gd");
  CHECK(items[0].role == Role::kLead);
  f.Do(StartWork{"hp-ta:I.1", ""}, AgencyActor("truong-a"));
}

TEST_CASE("cancellation needs a reason and closes the occurrence", "[domain][lifecycle]") {
  DomainFixture f;
  f.Seed();
  f.Do(f.NewTask("I.1", "Hàng năm"));
  CHECK(f.Fails(CancelOccurrence{"hp-ta:I.1", "2025", ""}, kCoordinator).code() ==
        Status::Code::kInvalidArgument);
  CHECK(f.Fails(StartWork{"hp-ta:I.1", ""}, AgencyActor("so-gddt")).code() ==
        Status::Code::kInvalidArgument);  // several occurrences: one must be named
  f.Do(CancelOccurrence{"hp-ta:I.1", "2025", "Không còn phù hợp"});
  CHECK(Occ(f, "hp-ta:I.1", "2025").status == OccurrenceStatus::kCancelled);
  CHECK(f.Fails(StartWork{"hp-ta:I.1", "2025"}, AgencyActor("so-gddt")).code() ==
        Status::Code::kFailedPrecondition);
  CHECK(f.ledger().AgencyTasks("so-gddt", {2025, 1, 1}).size() == 2);  // 2026, 2027 remain
}

TEST_CASE("bad input names the field and writes nothing", "[domain][commands]") {
  DomainFixture f;
  f.Seed();
  auto bad_deadline = f.NewTask("I.1", "sớm nhất có thể");
  Status s = f.Fails(bad_deadline, kCoordinator);
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK_THAT(s.message(), Catch::StartsWith("deadline:") && Catch::Contains("accepted forms"));
  auto unknown_lead = f.NewTask("I.1", "Năm 2026", {"so-khong-co"});
  CHECK_THAT(f.Fails(unknown_lead, kCoordinator).message(), Catch::StartsWith("lead:"));
  auto bad_section = f.NewTask("I.1", "Năm 2026");
  bad_section.section = "IX";
  CHECK_THAT(f.Fails(bad_section, kCoordinator).message(), Catch::StartsWith("section:"));
  f.Do(f.NewTask("I.1", "Năm 2026"));
  CHECK(f.Fails(f.NewTask("I.1", "Năm 2026"), kCoordinator).code() == Status::Code::kAlreadyExists);
  auto several =
      f.Try(f.NewTask("I.2", "Năm 2026", {"so-gddt", "so-tc"}, {}), kCoordinator, At({2025, 1, 2}));
  REQUIRE(several.ok());
  REQUIRE(several->warnings.size() == 1);
  CHECK_THAT(several->warnings[0], Catch::Contains("primary lead"));
}

TEST_CASE("a plan's authority must be a registered agency that issues, on create and on edit",
          "[domain][commands]") {
  DomainFixture f;
  f.Seed();
  Plan p;
  p.id = "kh-moi";
  p.title = "Kế hoạch mới";
  p.period = {{2025, 1, 1}, {2025, 12, 31}};
  p.authority = "khong-co-that";
  Status unknown = f.Fails(CreatePlan{p}, kCoordinator);
  CHECK(unknown.code() == Status::Code::kInvalidArgument);
  CHECK_THAT(unknown.message(),
             Catch::StartsWith("authority:") && Catch::Contains("khong-co-that"));
  p.authority = "co-so-gd";  // a group: its members do not issue plans together
  CHECK_THAT(f.Fails(CreatePlan{p}, kCoordinator).message(), Catch::StartsWith("authority:"));
  p.authority = "so-gddt";
  f.Do(CreatePlan{p});
  CHECK(f.ledger().FindPlan("kh-moi")->authority == "so-gddt");

  EditPlan edit{.plan = "kh-moi", .authority = "khong-co-that"};
  CHECK_THAT(f.Fails(edit, kCoordinator).message(), Catch::StartsWith("authority:"));
  edit.authority = "so-tc";
  f.Do(edit);
  CHECK(f.ledger().FindPlan("kh-moi")->authority == "so-tc");
  // Left unnamed, as a plan may be before its issuer is known.
  edit.authority = "";
  f.Do(edit);
  CHECK(f.ledger().FindPlan("kh-moi")->authority.empty());
}

TEST_CASE("a plan logged with a name for its authority still folds, as it was written",
          "[domain][commands]") {
  // Before commands checked it, an authority could be any text; the log keeps such plans.
  RecordedEvent r;
  r.position = 1;
  r.stream = "plan-kh-cu";
  r.type = "plan.created";
  r.recorded_at_ms = At({2024, 5, 2});
  r.actor = "coordinator:test";
  r.data = R"({"id": "kh-cu", "title": "Kế hoạch cũ", "number": "", "authority": "UBND tỉnh",
               "period": {"start": "2024-01-01", "end": "2024-12-31"}, "sections": [],
               "targets": []})";
  Ledger l;
  REQUIRE(l.Apply(ViewOf(r)).ok());
  REQUIRE(l.FindPlan("kh-cu"));
  CHECK(l.FindPlan("kh-cu")->authority == "UBND tỉnh");
}
