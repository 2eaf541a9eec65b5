// Importing task matrices: CSV dialects, sections, agency matching, problems, re-import.
#include "domain/import.h"

#include <catch2/catch.hpp>

#include "domain/csv.h"
#include "tests/domain/domain_fixture.h"

using namespace taskledger;
using namespace taskledger::testing;

namespace {

// Imports `rows` into plan hp-ta through the fixture, as the server will.
ImportPlan Import(DomainFixture& f, const std::vector<MatrixRow>& rows, bool create = false) {
  ImportOptions options;
  options.create_unknown_agencies = create;
  ImportPlan plan = PlanImport(f.ledger(), "hp-ta", rows, options);
  for (const Command& c : plan.commands) f.Do(c);
  return plan;
}

std::vector<MatrixRow> Csv(const std::string& text) {
  std::vector<ImportProblem> problems;
  auto rows = ReadMatrixCsv(text, &problems);
  REQUIRE(problems.empty());
  return rows;
}

const char* kMatrix =
    "\xEF\xBB\xBFTT;Nhiệm vụ;Cơ quan chủ trì;Cơ quan phối hợp;Kết quả/ Sản phẩm;Thời gian hoàn "
    "thành\r\n"
    "I;Tuyên truyền;;;;\r\n"
    "1;\"Kế hoạch thông tin; tuyên truyền\";Sở GD&ĐT;Sở Tài chính, Cơ sở giáo dục;Kế hoạch;Năm "
    "2026\r\n"
    "2;\"Xây dựng chuyên mục\n(nhiều dòng)\";Sở Giáo dục và Đào tạo;;\"Ít nhất 01 tin, "
    "bài/tuần\";Thường xuyên\r\n"
    "II;Cơ chế;;;;\r\n"
    "1;Nghị quyết;so-tc;;Nghị quyết;Giai đoạn 2025-2030\r\n";

}  // namespace

TEST_CASE("CSV as Excel writes it: BOM, semicolons, quotes and line breaks in cells",
          "[domain][import]") {
  auto rows = ParseCsv(
      "\xEF\xBB\xBF"
      "a;b;c\r\n1;\"x;y\";\"say \"\"hi\"\"\nagain\"\r\n\r\n2;;\n");
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[1].cells == std::vector<std::string>{"1", "x;y", "say \"hi\"\nagain"});
  CHECK((*rows)[2].line == 5);
  CHECK((*rows)[2].cells.size() == 3);
  CHECK(ParseCsv("a,b\n\"open,1\n").status().message() == "line 2: a quoted cell is never closed");
  CHECK_FALSE(ParseCsv("a,b\n\xff,1\n").ok());
  CHECK(WriteCsvRow({"a", "b,c", "d\"e"}) == "a,\"b,c\",\"d\"\"e\"\r\n");
}

TEST_CASE("a matrix imports its sections and tasks with qualified codes", "[domain][import]") {
  DomainFixture f;
  f.Seed();
  const ImportPlan plan = Import(f, Csv(kMatrix));
  REQUIRE(plan.problems.empty());
  CHECK(plan.tasks_created == 3);
  CHECK(plan.sections_added == 0);  // I and II exist already
  const Task* t = f.ledger().FindTask("hp-ta:I.1");
  REQUIRE(t);
  CHECK(t->title == "Kế hoạch thông tin; tuyên truyền");
  CHECK(t->lead == std::vector<std::string>{"so-gddt"});
  CHECK(t->coordinating == std::vector<std::string>{"so-tc", "co-so-gd"});
  CHECK(t->schedule.text == "Năm 2026");
  CHECK(f.ledger().FindTask("hp-ta:I.2")->deliverable == "Ít nhất 01 tin, bài/tuần");
  CHECK(f.ledger().FindTask("hp-ta:II.1")->section == "II");

  // The same file again writes nothing.
  const ImportPlan again = Import(f, Csv(kMatrix));
  CHECK(again.commands.empty());
  CHECK(again.tasks_unchanged == 3);

  // A changed deadline and lead become events on the existing task.
  std::string changed = kMatrix;
  changed.replace(changed.find("Năm 2026"), std::string("Năm 2026").size(), "tháng 6/2026");
  const ImportPlan update = Import(f, Csv(changed));
  CHECK(update.tasks_changed == 1);
  CHECK(update.commands.size() == 1);
  CHECK(f.ledger().FindTask("hp-ta:I.1")->schedule.text == "tháng 6/2026");
}

TEST_CASE("a bad matrix reports every problem with row and column and writes nothing",
          "[domain][import]") {
  DomainFixture f;
  f.Seed();
  const std::string bad =
      "Task,Lead,Coordinating,Deliverable,Deadline,Code\n"
      "Good one,so-gddt,,Plan,2026,A.1\n"
      "No deadline,so-gddt,,Plan,sớm nhất có thể,A.2\n"
      "Unknown lead,Sở Không Có,,Plan,2026,A.3\n"
      ",so-gddt,,Plan,2026,A.4\n"
      "Dup,so-gddt,,Plan,2026,A.1\n";
  const size_t before = f.log().size();
  const ImportPlan plan = Import(f, Csv(bad));
  CHECK(plan.commands.empty());
  CHECK(f.log().size() == before);
  REQUIRE(plan.problems.size() == 4);
  CHECK(plan.problems[0].row == 3);
  CHECK(plan.problems[0].column == "Thời gian hoàn thành");
  CHECK_THAT(plan.problems[0].message, Catch::Contains("accepted forms"));
  CHECK(plan.problems[1].row == 4);
  CHECK(plan.problems[1].column == "Cơ quan chủ trì");
  CHECK(plan.problems[2].row == 5);
  CHECK(plan.problems[2].column == "Nhiệm vụ");
  CHECK(plan.problems[3].row == 6);
  CHECK_THAT(plan.problems[3].message, Catch::Contains("appears twice"));

  std::vector<ImportProblem> problems;
  ReadMatrixCsv("TT,Something\n1,x\n", &problems);
  REQUIRE(problems.size() == 3);  // task, lead and deadline columns missing
  CHECK(problems[0].column == "Nhiệm vụ");
}

TEST_CASE("unknown agencies are created when asked, and names with commas stay whole",
          "[domain][import]") {
  DomainFixture f;
  f.Seed();
  f.Do(RegisterAgency{{"ubnd-xa", "UBND xã, phường, đặc khu", "", AgencyKind::kGroup, "", {}, {}}});
  const std::string csv =
      "TT,Nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Kết quả,Thời gian hoàn thành\n"
      "I.9,Biển trường song ngữ,Sở Nội vụ,\"UBND xã, phường, đặc khu, Sở Tài chính\",100%,Năm học "
      "2026 – 2027\n";
  const ImportPlan refused = Import(f, Csv(csv));
  REQUIRE(refused.problems.size() == 1);
  CHECK_THAT(refused.problems[0].message, Catch::Contains("Sở Nội vụ"));
  const ImportPlan created = Import(f, Csv(csv), /*create=*/true);
  REQUIRE(created.problems.empty());
  CHECK(created.new_agencies == std::vector<std::string>{"so-noi-vu"});
  const Task* t = f.ledger().FindTask("hp-ta:I.9");
  REQUIRE(t);
  CHECK(t->lead == std::vector<std::string>{"so-noi-vu"});
  CHECK(t->coordinating == std::vector<std::string>{"ubnd-xa", "so-tc"});
  CHECK(f.ledger().FindAgency("so-noi-vu")->name == "Sở Nội vụ");
}

TEST_CASE("JSON matrices carry the same rows, lists allowed", "[domain][import]") {
  DomainFixture f;
  f.Seed();
  std::vector<ImportProblem> problems;
  const auto rows = ReadMatrixJson(R"({"rows":[
      {"code":"III","title":"Đội ngũ"},
      {"code":"1","title":"Rà soát","lead":["so-gddt"],"coordinating":["so-tc","co-so-gd"],
       "deliverable":"Báo cáo","deadline":"2021; 2023; 2025",
       "occurrence_targets":["10% trường","20% trường","50% trường"]}]})",
                                   &problems);
  REQUIRE(problems.empty());
  const ImportPlan plan = Import(f, rows);
  REQUIRE(plan.problems.empty());
  CHECK(plan.sections_added == 1);
  const Task* t = f.ledger().FindTask("hp-ta:III.1");
  REQUIRE(t);
  REQUIRE(t->occurrences.size() == 3);
  CHECK(t->occurrences[2].target == "50% trường");
  CHECK(f.ledger().FindPlan("hp-ta")->sections.back().code == "III");
  ReadMatrixJson("{not json", &problems);
  CHECK(problems.size() == 1);
}

TEST_CASE("ladder rows become the occurrences of the task above, with their own targets",
          "[domain][import]") {
  DomainFixture f;
  f.Seed();
  const std::string csv =
      "TT,Nhiệm vụ,Kết quả/Sản phẩm,Cơ quan chủ trì,Cơ quan phối hợp,Thời gian hoàn thành\n"
      "II.4,Triển khai chương trình ngoại ngữ,,,,2025 - 2027\n"
      ",,10% cơ sở giáo dục,Sở GD&ĐT,Sở Tài chính,2025\n"
      ",,20% cơ sở giáo dục,Sở GD&ĐT,Sở Tài chính,2026\n"
      ",,30% cơ sở giáo dục,Sở GD&ĐT,Sở Tài chính,2027\n"
      ",Lớp 3 - 12,,,,\n"
      "II.5,Tổng kết,Báo cáo,Cơ sở giáo dục có nhu cầu và đủ điều kiện thực hiện,,2026\n";
  const ImportPlan plan = Import(f, Csv(csv));
  for (const ImportProblem& p : plan.problems)
    FAIL_CHECK(p.row << " " << p.column << " " << p.message);
  CHECK(plan.tasks_created == 2);
  CHECK(plan.warnings.size() == 1);  // the unnumbered heading
  const Task* t = f.ledger().FindTask("hp-ta:II.4");
  REQUIRE(t);
  CHECK(t->lead == std::vector<std::string>{"so-gddt"});  // from the rungs: the task row has none
  CHECK(t->schedule.text == "2025; 2026; 2027");
  REQUIRE(t->occurrences.size() == 3);
  CHECK(t->occurrences[1].target == "20% cơ sở giáo dục");
  CHECK(f.ledger().FindTask("hp-ta:II.5")->lead == std::vector<std::string>{"co-so-gd"});
  CHECK(Import(f, Csv(csv)).commands.empty());  // unchanged on re-import

  const ImportPlan orphan = Import(f, Csv("TT,Nhiệm vụ,Cơ quan chủ trì,Thời gian hoàn thành\n"
                                          ",,Sở Tài chính,2026\n"));
  REQUIRE(orphan.problems.size() == 1);
  CHECK(orphan.problems[0].row == 2);
}

TEST_CASE("a name shared by several provinces resolves to the plan authority's own agency",
          "[domain][import]") {
  DomainFixture f;
  f.Seed();  // so-gddt "Sở Giáo dục và Đào tạo", without a parent: any plan may name it
  f.Do(RegisterAgency{{"ubnd-bk", "UBND tỉnh Bắc Kạn", "", AgencyKind::kCommittee, "", {}, {}}});
  f.Do(RegisterAgency{
      {"so-gddt-bk", "Sở Giáo dục và Đào tạo", "", AgencyKind::kDepartment, "ubnd-bk", {}, {}}});
  f.Do(RegisterAgency{{"so-yt-bk", "Sở Y tế", "", AgencyKind::kDepartment, "ubnd-bk", {}, {}}});
  domain::Plan bk;
  bk.id = "bk";
  bk.title = "Kế hoạch Bắc Kạn";
  bk.authority = "ubnd-bk";
  bk.period = {{2018, 1, 1}, {2025, 12, 31}};
  f.Do(CreatePlan{bk});
  const std::string csv =
      "TT,Nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Thời gian hoàn thành\n"
      "1,Hướng dẫn,Sở Giáo dục và Đào tạo,Sở Y tế,2019\n";
  const ImportPlan in_bk = PlanImport(f.ledger(), "bk", Csv(csv), {});
  REQUIRE(in_bk.problems.empty());
  const auto& created = std::get<CreateTask>(in_bk.commands.front());
  CHECK(created.lead == std::vector<std::string>{"so-gddt-bk"});
  CHECK(created.coordinating == std::vector<std::string>{"so-yt-bk"});
  // Hai Phong's plan has no Sở Y tế of its own, and Bắc Kạn's is not its to assign.
  const ImportPlan in_hp = PlanImport(f.ledger(), "hp-ta", Csv(csv), {});
  REQUIRE(in_hp.problems.size() == 1);
  CHECK(in_hp.problems[0].column == "Cơ quan phối hợp");
  CHECK_THAT(in_hp.problems[0].message, Catch::Contains("another authority"));
}

TEST_CASE("a plan under way imports with where each task stands, and again changes nothing",
          "[domain][import][state]") {
  DomainFixture f;
  f.Seed();
  const std::string text =
      "TT;Nhiệm vụ;Cơ quan chủ trì;Thời gian hoàn thành;Trạng thái;Tiến độ (%);Ngày hoàn thành\n"
      "I;Tuyên truyền;;;;;\n"
      "1;Kế hoạch;Sở GD&ĐT;Năm 2025;Đã hoàn thành;100;20/12/2024\n"
      "2;Chuyên mục;Sở GD&ĐT;Năm 2026;Đang thực hiện;40%;\n"
      "3;Nghị quyết;so-tc;Năm 2026;Chưa hoàn thành;0;\n";
  ImportOptions options;
  options.today = Date{2025, 1, 2};
  ImportPlan plan = PlanImport(f.ledger(), "hp-ta", Csv(text), options);
  REQUIRE(plan.problems.empty());
  CHECK(plan.tasks_created == 3);
  for (const Command& c : plan.commands) f.Do(c);
  const Occurrence& done = f.ledger().FindTask("hp-ta:I.1")->occurrences.front();
  CHECK(done.status == OccurrenceStatus::kCompleted);
  CHECK(done.completed_on == Date{2024, 12, 20});
  CHECK_FALSE(done.completed_late);
  const Occurrence& going = f.ledger().FindTask("hp-ta:I.2")->occurrences.front();
  CHECK(going.status == OccurrenceStatus::kInProgress);
  CHECK(going.percent == 40);
  CHECK(f.ledger().FindTask("hp-ta:I.3")->occurrences.front().status ==
        OccurrenceStatus::kNotStarted);
  // The completion is a fact of its own day, recorded with the import's reason.
  bool recorded = false;
  for (const RecordedEvent& e : f.log()) {
    if (e.type == "task.completion_recorded") {
      recorded = true;
      CHECK(e.data.find("\"effective_on\":\"2024-12-20\"") != std::string::npos);
      CHECK(e.data.find("\"reason\":\"import\"") != std::string::npos);
    }
  }
  CHECK(recorded);

  // The same file again: nothing to do.
  ImportPlan again = PlanImport(f.ledger(), "hp-ta", Csv(text), options);
  CHECK(again.commands.empty());
  CHECK(again.tasks_unchanged == 3);

  // Problems, each on its row and column; nothing is written.
  const std::string bad =
      "TT;Nhiệm vụ;Cơ quan chủ trì;Thời gian hoàn thành;Trạng thái;Tiến độ (%);Ngày hoàn thành\n"
      "I;Tuyên truyền;;;;;\n"
      "4;Không ngày;Sở GD&ĐT;Năm 2026;Đã hoàn thành;;\n"
      "5;Ngày mai;Sở GD&ĐT;Năm 2026;;;03/01/2025\n"
      "6;Phần trăm;Sở GD&ĐT;Năm 2026;;nhiều;\n"
      "7;Không phải ngày;Sở GD&ĐT;Năm 2026;;;31/02/2025\n";
  ImportPlan refused = PlanImport(f.ledger(), "hp-ta", Csv(bad), options);
  CHECK(refused.commands.empty());
  REQUIRE(refused.problems.size() == 4);
  CHECK(refused.problems[0].row == 3);
  CHECK(refused.problems[0].column == "Ngày hoàn thành");
  CHECK(refused.problems[0].code == "cell-empty");
  CHECK(refused.problems[1].code == "effective-in-future");
  CHECK(refused.problems[2].column == "Tiến độ (%)");
  CHECK(refused.problems[3].code == "date-unreadable");
}
