// Members' parts of tasks given to groups: each member's own progress, deliverables, extension
// and review, judged by its own dates; the task judged from its parts by its rule; members who
// join or leave the group mid-plan.
#include <catch2/catch.hpp>

#include "tests/domain/domain_fixture.h"

using namespace taskledger;
using namespace taskledger::testing;

namespace {

constexpr auto kDenied = Status::Code::kPermissionDenied;

// Seed() plus a second school in the group, and a task the group leads, due 30/06/2025.
class PartsFixture : public DomainFixture {
 public:
  PartsFixture() {
    Seed();
    Do(RegisterAgency{{"truong-b", "Trường THPT B", "", AgencyKind::kInstitution, "", {}, {}}});
    Do(RegisterAgency{{"co-so-gd",
                       "Cơ sở giáo dục",
                       "Educational institutions",
                       AgencyKind::kGroup,
                       "",
                       {},
                       {"truong-a", "truong-b"}},
                      true},
       kCoordinator, At({2025, 1, 1}));
  }

  const Occurrence& Occ(const std::string& task, const std::string& key = "1") {
    const Task* t = ledger().FindTask(task);
    REQUIRE(t);
    const Occurrence* o = t->Find(key);
    REQUIRE(o);
    return *o;
  }
  const Part& PartOf(const std::string& member, const std::string& task,
                     const std::string& key = "1") {
    const Part* p = ledger().PartOf(member, Occ(task, key));
    REQUIRE(p);
    return *p;
  }
  // The item `agency`'s list has for `task`, if any.
  std::optional<AgencyItem> Listed(const std::string& agency, const std::string& task, Date today) {
    for (const AgencyItem& i : ledger().AgencyTasks(agency, today)) {
      if (i.task->id == task) return i;
    }
    return std::nullopt;
  }
};

const Actor kA = AgencyActor("truong-a");
const Actor kB = AgencyActor("truong-b");

}  // namespace

TEST_CASE(
    "two members of a group each hold their own part, and one's work never shows as the "
    "other's",
    "[domain][parts]") {
  PartsFixture f;
  f.Do(f.NewTask("V.1", "tháng 6/2025", {"co-so-gd"}, {"so-tc"}), kCoordinator, At({2025, 1, 2}));
  const std::string task = "hp-ta:V.1";
  REQUIRE(f.Occ(task).parts.size() == 2);

  f.Do(ReportProgress{task, "", 30, "Đã tổ chức 1 lớp", "{}"}, kA, At({2025, 3, 1}));
  f.Do(SubmitDeliverable{task, "", {"d1", "Báo cáo trường A.pdf", "", 0, ""}}, kA,
       At({2025, 6, 10}));
  CHECK(f.PartOf("truong-a", task).status == OccurrenceStatus::kSubmitted);
  CHECK(f.PartOf("truong-a", task).percent == 30);
  CHECK(f.PartOf("truong-a", task).deliverables().size() == 1);
  CHECK(f.PartOf("truong-b", task).status == OccurrenceStatus::kNotStarted);
  CHECK(f.PartOf("truong-b", task).deliverables().empty());
  // The occurrence's own record is untouched: A's 30% is A's, not the task's.
  CHECK(f.Occ(task).percent == 0);
  CHECK(f.Occ(task).deliverables.empty());
  CHECK(f.Occ(task).status == OccurrenceStatus::kInProgress);  // a part has started

  // Each sees its own part in its list, and B's list says nothing was submitted.
  auto a = f.Listed("truong-a", task, {2025, 6, 15});
  auto b = f.Listed("truong-b", task, {2025, 6, 15});
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(a->part);
  REQUIRE(b->part);
  CHECK(a->part->status == OccurrenceStatus::kSubmitted);
  CHECK(b->part->status == OccurrenceStatus::kNotStarted);
  CHECK(a->via == "co-so-gd");

  // A's deliverable is accepted on time; B does nothing by the due date.
  CHECK(f.Fails(ReviewDeliverable{task, "", "d1", true, ""}, kCoordinator).code() ==
        Status::Code::kNotFound);  // the occurrence has no deliverable d1: name the part
  f.Do(ReviewDeliverable{task, "", "d1", true, "Đạt", {}, "", "truong-a"}, kCoordinator,
       At({2025, 6, 20}));
  CHECK(f.PartOf("truong-a", task).status == OccurrenceStatus::kCompleted);
  CHECK_FALSE(f.PartOf("truong-a", task).completed_late);
  // All parts done is the default for a task only groups lead: not yet.
  CHECK(f.Occ(task).open());
  CHECK_FALSE(f.Listed("truong-a", task, {2025, 7, 1}));  // done: off A's list
  REQUIRE(f.Listed("truong-b", task, {2025, 7, 1}));

  auto r = f.ledger().Report("hp-ta", {2025, 7, 1});
  REQUIRE(r.ok());
  CHECK(r->totals.tasks[Category::kOverdue] == 1);
  CHECK(r->totals.parts[Category::kCompletedOnTime] == 1);
  CHECK(r->totals.parts[Category::kOverdue] == 1);
  CHECK(r->by_lead.at("co-so-gd").parts.completed() == 1);

  // B finishes late: the task is completed, late, on the day its last part was.
  f.Do(SubmitDeliverable{task, "", {"d1", "Báo cáo trường B.pdf", "", 0, ""}}, kB,
       At({2025, 7, 8}));
  f.Do(ReviewDeliverable{task, "", "d1", true, "", {}, "", "truong-b"}, kCoordinator,
       At({2025, 7, 10}));
  CHECK(f.PartOf("truong-b", task).completed_late);
  CHECK(f.Occ(task).status == OccurrenceStatus::kCompleted);
  CHECK(f.Occ(task).completed_on == Date{2025, 7, 10});
  CHECK(f.Occ(task).completed_late);
  r = f.ledger().Report("hp-ta", {2025, 7, 31});
  CHECK(r->totals.tasks[Category::kCompletedLate] == 1);
  CHECK(r->totals.parts[Category::kCompletedOnTime] == 1);
  CHECK(r->totals.parts[Category::kCompletedLate] == 1);
  // As now known, asked of 05/07: B's part and the task were still open then.
  r = f.ledger().Report("hp-ta", {2025, 7, 5});
  CHECK(r->totals.tasks[Category::kOverdue] == 1);
  CHECK(r->totals.parts[Category::kOverdue] == 1);
}

TEST_CASE("a member acts on its own part only, and a coordinator names the part it decides on",
          "[domain][parts][roles]") {
  PartsFixture f;
  f.Do(f.NewTask("V.1", "tháng 6/2025", {"co-so-gd"}, {}));
  const std::string task = "hp-ta:V.1";
  CHECK(f.Fails(ReportProgress{task, "", 10, "", "{}", "truong-b"}, kA).code() == kDenied);
  CHECK(f.Fails(ReviewDeliverable{task, "", "d", true, "", {}, "", "truong-a"}, kA).code() ==
        kDenied);
  CHECK(f.Fails(RequestExtension{task, "", "r1", {2025, 9, 30}, "x", "truong-b"}, kA).code() ==
        kDenied);
  // An agency the task does not name through any group has no part to act on.
  CHECK(f.Fails(ReportProgress{task, "", 10, "", "{}"}, AgencyActor("so-tc")).code() == kDenied);
  // A coordinator naming a member without a part is told so.
  CHECK(f.Fails(RecordCompletion{task, "", {2025, 1, 2}, "x", "so-tc"}, kCoordinator).code() ==
        Status::Code::kNotFound);

  // A comment by a member is on its own part: it names the part it is about.
  f.Do(AddComment{task, "1", "Trường A đề nghị hướng dẫn thêm"}, kA);
  CHECK(f.log().back().data.find("\"part\":\"truong-a\"") != std::string::npos);
  f.Do(AddComment{task, "", "Về phần của trường"}, kA);  // on its part of the current occurrence
  CHECK(f.log().back().data.find("\"occurrence\":\"1\"") != std::string::npos);

  // An agency named in the task itself acts on the occurrence as a whole.
  f.Do(f.NewTask("V.2", "tháng 6/2025", {"so-gddt", "co-so-gd"}, {}));
  f.Do(ReportProgress{"hp-ta:V.2", "", 50, "Sở đã ban hành hướng dẫn", "{}"},
       AgencyActor("so-gddt"));
  CHECK(f.Occ("hp-ta:V.2").percent == 50);
  CHECK(f.PartOf("truong-a", "hp-ta:V.2").percent == 0);
}

TEST_CASE("an extension granted to one member moves its part's due date, not the others'",
          "[domain][parts]") {
  PartsFixture f;
  f.Do(f.NewTask("V.1", "tháng 6/2025", {"co-so-gd"}, {}));
  const std::string task = "hp-ta:V.1";
  f.Do(RequestExtension{task, "", "r1", {2025, 9, 30}, "Trường đang sửa chữa"}, kA,
       At({2025, 6, 1}));
  CHECK(f.Fails(RequestExtension{task, "", "r2", {2025, 10, 30}, "x"}, kA).code() ==
        Status::Code::kFailedPrecondition);  // one awaiting a decision already
  f.Do(DecideExtension{task, "", "r1", true, std::nullopt, "Đồng ý", "truong-a"}, kCoordinator,
       At({2025, 6, 3}));
  CHECK(DueOf(f.PartOf("truong-a", task), f.Occ(task)) == Date{2025, 9, 30});
  CHECK(DueOf(f.PartOf("truong-b", task), f.Occ(task)) == Date{2025, 6, 30});
  CHECK(f.Occ(task).due == Date{2025, 6, 30});
  // A is within its own deadline on 15/07, B is overdue.
  auto r = f.ledger().Report("hp-ta", {2025, 7, 15});
  CHECK(r->totals.parts[Category::kInProgressWithinDeadline] == 1);
  CHECK(r->totals.parts[Category::kOverdue] == 1);
  auto a = f.Listed("truong-a", task, {2025, 7, 15});
  REQUIRE(a);
  CHECK(a->days_left == 77);
  auto b = f.Listed("truong-b", task, {2025, 7, 15});
  REQUIRE(b);
  CHECK(b->days_left == -15);
  // Its reminders are planned from its own date.
  const auto own = f.ledger().PartsDueBetween({2025, 9, 1}, {2025, 9, 30});
  REQUIRE(own.size() == 1);
  CHECK(f.ledger().AgencyIdOf(own[0].part->member) == "truong-a");
  // Done, it leaves the index.
  f.Do(RecordCompletion{task, "", {2025, 7, 20}, "Đã nộp bản giấy", "truong-a"}, kCoordinator,
       At({2025, 7, 21}));
  CHECK(f.ledger().PartsDueBetween({2025, 9, 1}, {2025, 9, 30}).empty());
  CHECK_FALSE(f.PartOf("truong-a", task).completed_late);
}

TEST_CASE("the task's status follows the rule its coordinator chose", "[domain][parts][rule]") {
  PartsFixture f;
  f.Do(RegisterAgency{{"truong-c", "Trường C", "", AgencyKind::kInstitution, "", {}, {}}});
  f.Do(RegisterAgency{{"truong-d", "Trường D", "", AgencyKind::kInstitution, "", {}, {}}});
  f.Do(RegisterAgency{{"co-so-gd",
                       "Cơ sở giáo dục",
                       "",
                       AgencyKind::kGroup,
                       "",
                       {},
                       {"truong-a", "truong-b", "truong-c", "truong-d"}},
                      true});
  f.Do(f.NewTask("V.1", "tháng 6/2025", {"co-so-gd"}, {}));
  f.Do(f.NewTask("V.2", "tháng 6/2025", {"so-gddt"}, {"co-so-gd"}));
  const std::string task = "hp-ta:V.1";
  CHECK(f.ledger().FindTask(task)->EffectiveRule().kind == RuleKind::kAllParts);
  CHECK(f.ledger().FindTask("hp-ta:V.2")->EffectiveRule().kind == RuleKind::kLeadAcceptance);

  CHECK(f.Fails(SetCompletionRule{task, {RuleKind::kThreshold, 75}, ""}, kCoordinator).code() ==
        Status::Code::kInvalidArgument);  // a reason
  CHECK(f.Fails(SetCompletionRule{task, {RuleKind::kThreshold, 0}, "x"}, kCoordinator).code() ==
        Status::Code::kInvalidArgument);
  CHECK(f.Fails(SetCompletionRule{task, {RuleKind::kThreshold, 75}, "x"}, kA).code() == kDenied);
  f.Do(SetCompletionRule{task, {RuleKind::kThreshold, 75}, "Đạt 75% là đạt chỉ tiêu"});

  const auto done = [&](const char* member, Date on) {
    f.Do(RecordCompletion{task, "", on, "Báo cáo giấy", member}, kCoordinator, At({2025, 7, 1}));
  };
  done("truong-a", {2025, 6, 1});
  done("truong-c", {2025, 6, 20});
  CHECK(f.Occ(task).open());
  // An exempted member does not count: 3 parts, of which 75% needs 3... then the third.
  f.Do(CancelOccurrence{task, "", "Trường đã sáp nhập", "truong-b"});
  CHECK(f.Occ(task).open());
  done("truong-d", {2025, 6, 10});
  CHECK(f.Occ(task).status == OccurrenceStatus::kCompleted);
  CHECK(f.Occ(task).completed_on == Date{2025, 6, 20});  // the day the third part was done
  CHECK_FALSE(f.Occ(task).completed_late);

  // Back to all parts, with one exempted: still completed (3 of 3).
  f.Do(SetCompletionRule{task, {RuleKind::kAllParts, 100}, "Yêu cầu tất cả"});
  CHECK(f.Occ(task).status == OccurrenceStatus::kCompleted);
  // The lead's own acceptance: the occurrence's own record decides.
  f.Do(SetCompletionRule{task, {RuleKind::kLeadAcceptance, 100}, "Sở nghiệm thu"});
  CHECK(f.Occ(task).status == OccurrenceStatus::kInProgress);
  f.Do(RecordCompletion{task, "", {2025, 6, 25}, "Sở đã nghiệm thu"}, kCoordinator,
       At({2025, 7, 1}));
  CHECK(f.Occ(task).status == OccurrenceStatus::kCompleted);
  CHECK(f.Occ(task).completed_on == Date{2025, 6, 25});
}

TEST_CASE(
    "members who join a group later hold parts from that day; one who leaves keeps its "
    "history",
    "[domain][parts][membership]") {
  PartsFixture f;
  f.Do(RegisterAgency{{"truong-c", "Trường C", "", AgencyKind::kInstitution, "", {}, {}}});
  f.Do(f.NewTask("V.1", "Năm 2025", {"co-so-gd"}, {}), kCoordinator, At({2025, 1, 2}));
  f.Do(f.NewTask("V.2", "tháng 3/2025", {"co-so-gd"}, {}), kCoordinator, At({2025, 1, 2}));
  f.Do(SubmitDeliverable{"hp-ta:V.1", "", {"b1", "Báo cáo B.pdf", "", 0, ""}}, kB,
       At({2025, 2, 10}));
  const auto members = [&](std::vector<std::string> list, Date on) {
    f.Do(RegisterAgency{{"co-so-gd", "Cơ sở giáo dục", "", AgencyKind::kGroup, "", {}, list}, true},
         kCoordinator, At(on));
  };
  members({"truong-a", "truong-b", "truong-c"}, {2025, 4, 1});  // C joins in April
  const auto parts = [&](const Ledger& l, const char* task, Date on) {
    auto r = l.Report("hp-ta", on);
    REQUIRE(r.ok());
    for (const ReportLine& line : r->lines) {
      if (line.task->id == task) return line.parts.total();
    }
    FAIL("no line");
    return -1;
  };
  CHECK(parts(f.ledger(), "hp-ta:V.1", {2025, 3, 15}) == 2);  // as now known: C not yet in
  CHECK(parts(f.ledger(), "hp-ta:V.1", {2025, 4, 15}) == 3);
  CHECK(parts(f.ledger(), "hp-ta:V.2", {2025, 4, 15}) == 2);  // due in March: C was not in then
  CHECK(f.Listed("truong-c", "hp-ta:V.1", {2025, 4, 15}));
  CHECK_FALSE(f.Listed("truong-c", "hp-ta:V.2", {2025, 4, 15}));
  CHECK(f.PartOf("truong-c", "hp-ta:V.1").joined == DayOf({2025, 4, 1}));

  members({"truong-a", "truong-c"}, {2025, 5, 1});            // B leaves in May
  CHECK(parts(f.ledger(), "hp-ta:V.1", {2025, 4, 30}) == 3);  // B still counts then
  CHECK(parts(f.ledger(), "hp-ta:V.1", {2025, 6, 1}) == 2);
  CHECK(parts(f.ledger(), "hp-ta:V.2", {2025, 6, 1}) == 2);             // due in March: A and B
  CHECK(f.PartOf("truong-b", "hp-ta:V.1").deliverables().size() == 1);  // its history is kept
  CHECK(f.PartOf("truong-b", "hp-ta:V.1").left == DayOf({2025, 5, 1}));
  CHECK_FALSE(f.Listed("truong-b", "hp-ta:V.1", {2025, 6, 1}));
  CHECK(f.Fails(ReportProgress{"hp-ta:V.1", "", 50, "", "{}", "truong-b"}, kCoordinator,
                At({2025, 6, 1}))
            .code() == Status::Code::kFailedPrecondition);  // B's part is no longer its own

  // As recorded then: February's report knows two schools, and so does a ledger of that day.
  auto feb = f.AsOf(EndOfDayUtcMs({2025, 2, 28}));
  CHECK(parts(*feb, "hp-ta:V.1", {2025, 2, 28}) == 2);
  // The whole history folded again from the log answers as the live ledger does.
  auto all = f.AsOf(At({2030, 1, 1}));
  for (Date d : {Date{2025, 3, 15}, Date{2025, 4, 30}, Date{2025, 6, 1}}) {
    CHECK(parts(*all, "hp-ta:V.1", d) == parts(f.ledger(), "hp-ta:V.1", d));
  }

  // A member added with a past effective day holds parts from then.
  CHECK(f.Fails(RegisterAgency{{"co-so-gd", "Cơ sở giáo dục", "", AgencyKind::kGroup, "", {}, {}},
                               true,
                               Date{2025, 3, 1},
                               ""},
                kCoordinator, At({2025, 6, 2}))
            .code() == Status::Code::kInvalidArgument);  // needs a reason
  f.Do(RegisterAgency{{"co-so-gd",
                       "Cơ sở giáo dục",
                       "",
                       AgencyKind::kGroup,
                       "",
                       {},
                       {"truong-a", "truong-c", "truong-b"}},
                      true,
                      Date{2025, 3, 1},
                      "Quyết định sáp nhập ký ngày 01/03"},
       kCoordinator, At({2025, 6, 2}));
  // B came back: its part holds again (a part keeps one span).
  CHECK(f.PartOf("truong-b", "hp-ta:V.1").left == kNever);
}

TEST_CASE("completions of many members' parts recorded at once, each on its own day",
          "[domain][parts]") {
  PartsFixture f;
  f.Do(f.NewTask("V.1", "Năm 2025", {"co-so-gd"}, {}), kCoordinator, At({2025, 1, 2}));
  const std::string task = "hp-ta:V.1";
  RecordPartCompletions bulk{task,
                             "",
                             {{"truong-a", {2025, 3, 1}}, {"truong-b", {2026, 1, 5}}},
                             "Số liệu trước khi theo dõi trên hệ thống"};
  // All or nothing: one bad member refuses the whole.
  RecordPartCompletions bad = bulk;
  bad.parts.push_back({"so-tc", {2025, 3, 1}});
  CHECK(f.Fails(bad, kCoordinator, At({2026, 2, 1})).code() == Status::Code::kNotFound);
  CHECK(f.Fails(bulk, kA, At({2026, 2, 1})).code() == kDenied);
  f.Do(bulk, kCoordinator, At({2026, 2, 1}));
  CHECK(f.PartOf("truong-a", task).completed_on == DayOf({2025, 3, 1}));
  CHECK(f.PartOf("truong-b", task).completed_late);
  CHECK(f.Occ(task).completed_on == Date{2026, 1, 5});
  CHECK(f.Occ(task).completed_late);
  // Two events, one append.
  CHECK(f.log()[f.log().size() - 1].version == f.log()[f.log().size() - 2].version + 1);
}

TEST_CASE("a reminder to members names only those whose parts are open", "[domain][parts]") {
  PartsFixture f;
  f.Do(f.NewTask("V.1", "tháng 6/2025", {"co-so-gd"}, {}));
  const std::string task = "hp-ta:V.1";
  f.Do(RecordCompletion{task, "", {2025, 5, 1}, "x", "truong-a"}, kCoordinator, At({2025, 5, 2}));
  CHECK(
      f.Fails(RemindParts{task, "1", {"truong-a", "truong-b"}, ""}, kCoordinator, At({2025, 7, 1}))
          .code() == Status::Code::kInvalidArgument);  // A has done its part
  CHECK(f.Fails(RemindParts{task, "1", {"truong-b"}, ""}, kA, At({2025, 7, 1})).code() == kDenied);
  f.Do(RemindParts{task, "1", {"truong-b"}, "Đề nghị nộp báo cáo trước 10/7"}, kCoordinator,
       At({2025, 7, 1}));
  CHECK(f.log().back().type == "task.parts_reminded");
}

TEST_CASE(
    "a log written before parts folds as it did: events without a part are the "
    "occurrence's own",
    "[domain][parts][compat]") {
  PartsFixture f;
  f.Do(f.NewTask("V.1", "tháng 6/2025", {"co-so-gd"}, {}));
  // What a member's submission looked like before parts: no "part" in its data.
  const Task* t = f.ledger().FindTask("hp-ta:V.1");
  REQUIRE(t);
  RecordedEvent e;
  e.position = f.ledger().position() + 1;
  e.stream = "task-hp-ta:V.1";
  e.version = t->version + 1;
  e.type = "task.deliverable_submitted";
  e.recorded_at_ms = At({2025, 6, 10});
  e.actor = "agency:truong-a:t";
  e.data = R"({"occurrence":"1","deliverable":{"id":"d1","name":"Báo cáo.pdf"}})";
  REQUIRE(f.ledger().Apply(ViewOf(e)).ok());
  const Occurrence& o = f.Occ("hp-ta:V.1");
  CHECK(o.deliverables.size() == 1);  // the occurrence's own, as then
  CHECK(o.status == OccurrenceStatus::kSubmitted);
  CHECK(f.PartOf("truong-a", "hp-ta:V.1").deliverables().empty());
  // Its acceptance, as then, completes the occurrence itself, whatever its parts say.
  e.position += 1;
  e.version += 1;
  e.type = "task.deliverable_reviewed";
  e.actor = "coordinator:test";
  e.data =
      R"({"occurrence":"1","deliverable":"d1","decision":"accepted","completed_on":"2025-06-12","late":false})";
  REQUIRE(f.ledger().Apply(ViewOf(e)).ok());
  CHECK(f.Occ("hp-ta:V.1").status == OccurrenceStatus::kCompleted);
  CHECK(f.Occ("hp-ta:V.1").completed_on == Date{2025, 6, 12});
}
