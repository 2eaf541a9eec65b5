// Reading a matrix from tables as documents hold them: header rows found among title blocks and
// other tables, two-row headers, merged cells, numbering rows; the preview and agency aliases.
#include <catch2/catch.hpp>

#include "domain/import.h"
#include "tests/domain/domain_fixture.h"

using namespace taskledger;
using namespace taskledger::testing;

namespace {

// A row from its cells; ">" marks a cell covered by a merge from its left.
SourceRow Row(int number, std::vector<std::string> cells) {
  SourceRow r;
  r.number = number;
  for (std::string& c : cells) {
    if (c == ">") {
      r.cells.push_back({"", true});
    } else {
      r.cells.push_back({std::move(c), false});
    }
  }
  return r;
}

SourceTable Table(int number, std::vector<SourceRow> rows) {
  SourceTable t;
  t.table = number;
  t.rows = std::move(rows);
  return t;
}

// The national-motto block every document starts with: two columns, no matrix.
SourceTable MottoBlock() {
  return Table(1, {Row(1, {"UBND THÀNH PHỐ HẢI PHÒNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}),
                   Row(2, {"Số: 01/KH-UBND", "Độc lập - Tự do - Hạnh phúc"})});
}

}  // namespace

TEST_CASE("the matrix is found by its two-row header, past the motto block and a numbering row",
          "[domain][import]") {
  const std::vector<SourceTable> tables = {
      MottoBlock(),
      Table(2,
            {
                Row(1, {"STT", "Nội dung nhiệm vụ", "Cơ quan thực hiện", ">", "Sản phẩm",
                        "Thời gian hoàn thành"}),
                Row(2, {"STT", "Nội dung nhiệm vụ", "Chủ trì", "Phối hợp", "Sản phẩm",
                        "Thời gian hoàn thành"}),
                Row(3, {"(1)", "(2)", "(3)", "(4)", "(5)", "(6)"}),
                Row(4, {"I. TUYÊN TRUYỀN", ">", ">", ">", ">", ">"}),
                Row(5, {"1.", "Kế hoạch", "Sở GD&ĐT", "Sở Tài chính", "Kế hoạch", "Năm 2026"}),
                Row(6, {"", "", "", "", "", ""}),
                // The lead and the deadline merged down: the reader repeats them.
                Row(7, {"2.", "Chuyên mục", "Sở GD&ĐT", "", "Tin bài", "Năm 2026"}),
                Row(8, {"II", "Cơ chế", ">", ">", ">", ">"}),
                Row(9, {"1)", "Nghị quyết", "so-tc", "", "Nghị quyết", "Quý IV/2025"}),
            }),
      Table(3, {Row(1, {"Nơi nhận:", "KT. CHỦ TỊCH"})}),
  };
  MatrixLayout layout;
  std::vector<ImportProblem> problems;
  const auto rows = ReadMatrixTables(tables, "", &layout, &problems);
  REQUIRE(problems.empty());
  CHECK(layout.table == 2);
  CHECK(layout.header_row == 2);
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].code == "I");
  CHECK(rows[0].title == "TUYÊN TRUYỀN");
  CHECK(rows[0].lead.empty());
  CHECK(rows[1].code == "1");
  CHECK(rows[1].lead == "Sở GD&ĐT");
  CHECK(rows[1].coordinating == "Sở Tài chính");
  CHECK(rows[1].row == 5);
  CHECK(rows[1].table == 2);
  CHECK(rows[3].code == "II");
  CHECK(rows[3].title == "Cơ chế");
  CHECK(rows[4].code == "1");
  CHECK(rows[4].deadline == "Quý IV/2025");

  DomainFixture f;
  f.Seed();
  ImportOptions options;
  const ImportPlan plan = PlanImportTables(f.ledger(), "hp-ta", tables, "", options);
  REQUIRE(plan.problems.empty());
  CHECK(plan.tasks_created == 3);
  REQUIRE(plan.preview.size() == 5);
  CHECK(plan.preview[0].kind == "section");
  CHECK(plan.preview[1].kind == "task");
  CHECK(plan.preview[1].code == "I.1");
  CHECK(plan.preview[1].lead == std::vector<std::string>{"so-gddt"});
  CHECK(plan.preview[1].change == "new");
  REQUIRE(plan.preview[1].occurrences.size() == 1);
  CHECK(plan.preview[1].occurrences[0] == Date{2026, 12, 31});
}

TEST_CASE("without a matrix the problem says which tables were seen", "[domain][import]") {
  MatrixLayout layout;
  std::vector<ImportProblem> problems;
  ReadMatrixTables({MottoBlock(), Table(2, {Row(1, {"Nơi nhận:", "GIÁM ĐỐC"})})}, "", &layout,
                   &problems);
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0].message, Catch::Contains("table 1 (2 rows, first row: UBND THÀNH PHỐ"));
  CHECK_THAT(problems[0].message, Catch::Contains("table 2 (1 rows"));
}

TEST_CASE("problems name the file's own header, table and cell", "[domain][import]") {
  DomainFixture f;
  f.Seed();
  SourceTable sheet;
  sheet.sheet = "Phụ lục";
  sheet.rows = {Row(1, {"KẾ HOẠCH", ">", ">", ">"}), Row(2, {"", "", "", ""}),
                Row(3, {"TT", "Tên nhiệm vụ", "Đơn vị chủ trì", "Tiến độ"}),
                Row(4, {"1", "Kế hoạch", "Sở Không Có", "Năm 2026"}),
                Row(5, {"2", "Tổng kết", "so-gddt", "tháng 13/2026"})};
  const ImportPlan plan = PlanImportTables(f.ledger(), "hp-ta", {sheet}, "", {});
  REQUIRE(plan.problems.size() == 2);
  CHECK(plan.problems[0].sheet == "Phụ lục");
  CHECK(plan.problems[0].row == 4);
  CHECK(plan.problems[0].column == "Đơn vị chủ trì");
  CHECK(plan.problems[0].cell == "C4");
  CHECK(plan.problems[1].column == "Tiến độ");
  CHECK(plan.problems[1].cell == "D5");
  CHECK(plan.unknown_agencies == std::vector<std::string>{"Sở Không Có"});
  REQUIRE(plan.preview.size() == 2);
  CHECK(plan.preview[0].unknown == std::vector<std::string>{"Sở Không Có"});

  std::vector<ImportProblem> problems;
  ReadMatrixTables({sheet}, "Sheet2", nullptr, &problems);
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0].message, Catch::Contains("no sheet \"Sheet2\""));
}

TEST_CASE("an unknown name mapped to an agency becomes its alias; another is created",
          "[domain][import]") {
  DomainFixture f;
  f.Seed();
  const std::vector<SourceTable> tables = {
      Table(1, {Row(1, {"TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian"}),
                Row(2, {"1", "Kế hoạch", "Sở GDĐT thành phố", "Ban Mới", "Năm 2026"}),
                Row(3, {"2", "Tổng kết", "Sở GDĐT thành phố", "", "Năm 2027"})})};
  ImportOptions options;
  options.aliases = {{"Sở GDĐT thành phố", "so-gddt"}};
  options.create = {"Ban Mới"};
  const ImportPlan plan = PlanImportTables(f.ledger(), "hp-ta", tables, "", options);
  REQUIRE(plan.problems.empty());
  CHECK(plan.aliases_added == std::vector<std::string>{"Sở GDĐT thành phố -> so-gddt"});
  CHECK(plan.new_agencies == std::vector<std::string>{"ban-moi"});
  for (const Command& c : plan.commands) f.Do(c);
  CHECK(f.ledger().MatchAgency("Sở GDĐT thành phố") == std::vector<std::string>{"so-gddt"});
  CHECK(f.ledger().FindTask("hp-ta:2")->lead == std::vector<std::string>{"so-gddt"});
  CHECK(f.ledger().FindTask("hp-ta:1")->coordinating == std::vector<std::string>{"ban-moi"});

  // The next import of the same file needs no mapping and changes nothing.
  const ImportPlan again = PlanImportTables(f.ledger(), "hp-ta", tables, "", {});
  REQUIRE(again.problems.empty());
  CHECK(again.tasks_unchanged == 2);
  CHECK(again.commands.empty());

  options.aliases = {{"Ban Khác", "no-such-agency"}};
  CHECK_FALSE(PlanImportTables(f.ledger(), "hp-ta", tables, "", options).problems.empty());
}
