// The documents an office files, read back by independent readers: the matrix as a spreadsheet
// (python3-openpyxl) that imports back unchanged, the report as Word (python3-docx, and rendered
// to PDF by LibreOffice) and as Excel, with the JSON report's totals.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/server/server_fixture.h"
#include "tests/support/temp_dir.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

const char* kDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const char* kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

bool HaveReaders() {
  return std::system("/usr/bin/python3 -c 'import docx, openpyxl' > /dev/null 2>&1") == 0;
}

#define REQUIRE_READERS()                                                                \
  if (!HaveReaders()) {                                                                  \
    WARN("python3-docx and python3-openpyxl are needed (deploy/test.sh installs them)"); \
    return;                                                                              \
  }

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// `bytes` written to `dir`/`name` and read by tests/server/office/read_documents.py.
json ReadBack(const TempDir& dir, const std::string& kind, const std::string& name,
              const std::string& bytes) {
  const std::string path = dir.path() + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  const std::string out = path + ".json";
  const std::string cmd = "/usr/bin/python3 " + std::string(TASKLEDGER_SOURCE_DIR) +
                          "/tests/server/office/read_documents.py " + kind + " " + path + " > " +
                          out + " 2> " + out + ".err";
  INFO(Slurp(out + ".err"));
  REQUIRE(std::system(cmd.c_str()) == 0);
  return json::parse(Slurp(out));
}

constexpr const char* kGroups[] = {
    "completed_on_time", "completed_late", "in_progress_within_deadline",
    "overdue",           "not_yet_due",    "unscheduled"};

int Counted(const json& counts) {
  int n = 0;
  for (const char* g : kGroups) n += counts[g].get<int>();
  return n;
}

// A Word table's row of counts as numbers: the groups and the total, from its second cell on
// (a last cell of members' parts, "183/250", is not one of them).
std::vector<int> Numbers(const json& row, size_t from = 1) {
  std::vector<int> out;
  for (size_t i = from; i < row.size() && i < from + 7; ++i) {
    out.push_back(std::stoi(row[i].get<std::string>()));
  }
  return out;
}

// "done/counted" of a report's parts counts, as the tables' last cell writes it.
std::string PartsCell(const json& counts) {
  const int counted = counts["total"].get<int>() - counts["cancelled"].get<int>();
  const int done = counts["completed_on_time"].get<int>() + counts["completed_late"].get<int>();
  return counted ? std::to_string(done) + "/" + std::to_string(counted) : "";
}

std::vector<int> Expected(const json& counts) {
  std::vector<int> out;
  for (const char* g : kGroups) out.push_back(counts[g]);
  out.push_back(Counted(counts));
  return out;
}

}  // namespace

TEST_CASE(
    "a plan's matrix as a spreadsheet: frozen header, merged sections, imports back unchanged",
    "[server][integration][office][export]") {
  REQUIRE_READERS();
  ApiFixture f;
  TempDir dir;
  for (const char* plan : {"hp-tieng-anh-2025", "bk-ngoai-ngu-2018", "hn-68-2025"}) {
    INFO(plan);
    const std::string base = std::string("/v1/plans/") + plan;
    HttpResult exported = f.Get(f.coordinator, base + "/export?format=xlsx");
    REQUIRE(exported.status == 200);
    CHECK(exported.header("content-type") == kXlsx);
    CHECK(exported.header("content-disposition").find(".xlsx") != std::string::npos);
    const size_t tasks = f.Get(f.coordinator, base).json()["task_count"];
    const uint64_t before = f.HeadPosition();
    HttpResult again =
        f.Post(f.coordinator, base + "/import", exported.body, {{"Content-Type", kXlsx}});
    REQUIRE(again.status == 201);
    CHECK(again.json()["tasks_unchanged"] == tasks);
    CHECK(again.json()["tasks_changed"] == 0);
    CHECK(again.json()["tasks_created"] == 0);
    CHECK(f.HeadPosition() == before);  // nothing to write

    const json book = ReadBack(dir, "xlsx", std::string(plan) + ".xlsx", exported.body);
    const json& rows = book["sheets"]["Nhiệm vụ"];
    REQUIRE(rows.size() > 4);
    CHECK(rows[3][0] == "TT");
    CHECK(rows[3][1] == "Nhiệm vụ");
    CHECK(rows[3][5] == "Thời gian hoàn thành");
    CHECK(book["freeze"]["Nhiệm vụ"] == "A5");
    // Every section row is merged across, from the title to the last column.
    int sections = 0;
    for (size_t r = 4; r < rows.size(); ++r) {
      if (rows[r][2].is_null() && rows[r][5].is_null() && !rows[r][1].is_null()) {
        ++sections;
        const std::string range = "B" + std::to_string(r + 1) + ":O" + std::to_string(r + 1);
        const json& merged = book["merged"]["Nhiệm vụ"];
        CHECK(std::find(merged.begin(), merged.end(), range) != merged.end());
      }
    }
    CHECK(sections > 0);
    // Deadlines in force are dates, not text.
    bool a_date = false;
    for (size_t r = 4; r < rows.size(); ++r) a_date = a_date || rows[r][10].is_object();
    CHECK(a_date);
  }

  // Into a fresh plan: the same matrix, cell for cell, as the CSV export shows it.
  const json source = f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025").json();
  REQUIRE(f.PostJson(f.coordinator, "/v1/plans",
                     {{"id", "hp-copy"},
                      {"title", "Bản sao"},
                      {"authority", source["authority"]},
                      {"period", source["period"]}})
              .status == 201);
  const std::string xlsx =
      f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/export?format=xlsx").body;
  HttpResult imported =
      f.Post(f.coordinator, "/v1/plans/hp-copy/import", xlsx, {{"Content-Type", kXlsx}});
  REQUIRE(imported.status == 201);
  CHECK(imported.json()["tasks_created"] == source["task_count"]);
  CHECK(f.Get(f.coordinator, "/v1/plans/hp-copy/export").body ==
        f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/export").body);

  CHECK(f.Get(f.agency_hp, "/v1/plans/hp-tieng-anh-2025/export?format=xlsx").status == 403);
  CHECK(f.Get(f.coordinator, "/v1/plans/nope/export?format=xlsx").status == 404);
  CHECK(f.Get(f.coordinator, "/v1/plans/hp-copy/export?format=ods").status == 400);
}

TEST_CASE("the report as a Word document in the official layout, with the JSON report's totals",
          "[server][integration][office][export]") {
  REQUIRE_READERS();
  ApiFixture f;
  TempDir dir;
  for (const char* as_of : {"", "2026-09-30"}) {
    INFO("as_of " << as_of);
    const std::string query = *as_of ? std::string("&as_of=") + as_of : "";
    const std::string base = "/v1/plans/hp-tieng-anh-2025/report";
    const json report = f.Get(f.coordinator, base + "?format=json" + query).json();
    HttpResult got = f.Get(f.coordinator, base + "?format=docx" + query);
    REQUIRE(got.status == 200);
    CHECK(got.header("content-type") == kDocx);
    const json d = ReadBack(dir, "docx", std::string("report") + as_of + ".docx", got.body);

    // The page and the letters the decree asks for.
    CHECK(d["page"]["width_mm"] == 210);
    CHECK(d["page"]["height_mm"] == 297);
    CHECK(d["page"]["left_mm"] == 30);
    CHECK(d["page"]["top_mm"] == 20);
    CHECK(d["font"] == "Times New Roman");
    CHECK(d["page"]["different_first_page"] == true);  // numbers from page 2
    CHECK(d["header_has_page_number"] == true);

    // The header block, a borderless two-column table.
    const json& head = d["tables"][0]["rows"];
    CHECK(head[0][0] == "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG");  // the plan's authority
    CHECK(head[0][1] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    CHECK(head[1][0] == "");
    CHECK(head[1][1] == "Độc lập - Tự do - Hạnh phúc");
    CHECK(head[2][1].get<std::string>().starts_with("Hải Phòng, ngày "));
    const json& paragraphs = d["paragraphs"];
    CHECK(std::find(paragraphs.begin(), paragraphs.end(), "BÁO CÁO") != paragraphs.end());

    // I. the groups overall: each count, then the total; beside them, the members' parts of
    // the tasks given to groups.
    const json& overall = d["tables"][1]["rows"];
    REQUIRE(overall.size() == 8);
    REQUIRE(report.contains("parts"));
    CHECK(overall[0][3] == "Phần việc của đơn vị thành viên");
    CHECK(std::stoi(overall[7][3].get<std::string>()) ==
          report["parts"]["totals"]["total"].get<int>() -
              report["parts"]["totals"]["cancelled"].get<int>());
    CHECK(d["tables"][1]["header_repeats"][0] == true);
    for (size_t i = 0; i < 6; ++i) {
      INFO(kGroups[i]);
      CHECK(std::stoi(overall[i + 1][1].get<std::string>()) == report["totals"][kGroups[i]]);
    }
    CHECK(overall[7][0] == "Tổng số");
    CHECK(std::stoi(overall[7][1].get<std::string>()) == Counted(report["totals"]));

    // II. by section and III. by lead agency: a row each, and the totals line.
    const json& by_section = d["tables"][2]["rows"];
    CHECK(by_section.size() == report["by_section"].size() + 2);
    CHECK(Numbers(by_section.back()) == Expected(report["totals"]));
    CHECK(by_section.back().back() == PartsCell(report["parts"]["totals"]));
    const json& by_lead = d["tables"][3]["rows"];
    REQUIRE(by_lead.size() == report["by_lead"].size() + 2);
    CHECK(Numbers(by_lead.back()) == Expected(report["totals"]));
    // Each group that leads, with its members' parts done.
    for (const auto& [group, counts] : report["parts"]["by_lead"].items()) {
      bool listed = false;
      for (const json& row : by_lead) listed = listed || row.back() == PartsCell(counts);
      CHECK(listed);
    }
    CHECK(by_lead[1][0] != "");
    const json& lead_so = report["by_lead"]["so-gddt-hp"];
    bool found = false;
    for (const json& row : by_lead) {
      if (row[0] == "Sở Giáo dục và Đào tạo") {
        found = true;
        CHECK(Numbers(row) == Expected(lead_so));
      }
    }
    CHECK(found);

    // IV. the overdue tasks, one row each (when there are any).
    const int overdue = report["totals"]["overdue"];
    if (overdue > 0) {
      const json& t = d["tables"][4]["rows"];
      CHECK(t[0][0] == "TT");
      CHECK(static_cast<int>(t.size()) == overdue + 1);
    }
    // The end block: recipients and the signer.
    const json& end = d["tables"].back()["rows"];
    CHECK(end[0][0] == "Nơi nhận:");
    CHECK(end[1][0].get<std::string>().find("- Lưu: VT.") != std::string::npos);
  }

  // A department's report: the authority above it, then the department, and its number's code.
  HttpResult hn = f.Get(f.coordinator, "/v1/plans/hn-68-2025/report?format=docx");
  REQUIRE(hn.status == 200);
  const json hn_doc = ReadBack(dir, "docx", "hn.docx", hn.body);
  const json& hn_head = hn_doc["tables"][0]["rows"];
  CHECK(hn_head[0][0] == "UBND THÀNH PHỐ HÀ NỘI");
  CHECK(hn_head[1][0] == "SỞ GIÁO DỤC VÀ ĐÀO TẠO HÀ NỘI");
  CHECK(hn_head[2][0] == "Số:        /BC-SGDĐT");
  CHECK(hn_head[2][1] == "Hà Nội, ngày 02 tháng 3 năm 2026");

  // An agency's report says whose tasks it counts.
  HttpResult scoped = f.Get(f.agency_hp, "/v1/plans/hp-tieng-anh-2025/report?format=docx");
  REQUIRE(scoped.status == 200);
  const json d = ReadBack(dir, "docx", "scoped.docx", scoped.body);
  bool says_scope = false;
  for (const json& p : d["paragraphs"]) {
    says_scope = says_scope || p.get<std::string>().find("Phạm vi") != std::string::npos;
  }
  CHECK(says_scope);
  CHECK(f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/report?format=pdf").status == 400);
  CHECK(f.Get(f.coordinator, "/v1/plans/nope/report?format=docx").status == 404);
}

TEST_CASE("the report as a workbook carries the same tables",
          "[server][integration][office][export]") {
  REQUIRE_READERS();
  ApiFixture f;
  TempDir dir;
  const std::string base = "/v1/plans/bk-ngoai-ngu-2018/report";
  const json report = f.Get(f.coordinator, base).json();
  HttpResult got = f.Get(f.coordinator, base + "?format=xlsx");
  REQUIRE(got.status == 200);
  CHECK(got.header("content-type") == kXlsx);
  const json book = ReadBack(dir, "xlsx", "report.xlsx", got.body);
  const json& overall = book["sheets"]["Tổng hợp"];
  REQUIRE(overall.size() >= 11);
  CHECK(overall[3] ==
        json::array({"Nhóm", "Số lượng", "Tỷ lệ", "Phần việc của đơn vị thành viên", "Tỷ lệ"}));
  for (size_t i = 0; i < 6; ++i) {
    CHECK(overall[4 + i][1] == report["totals"][kGroups[i]]);
    CHECK(overall[4 + i][3] == report["parts"]["totals"][kGroups[i]]);
  }
  CHECK(overall[10][1] == Counted(report["totals"]));
  const json& by_lead = book["sheets"]["Theo cơ quan chủ trì"];
  REQUIRE(by_lead.size() == 4 + report["by_lead"].size() + 1);
  const json& last = by_lead.back();
  for (size_t i = 0; i < 6; ++i) CHECK(last[1 + i] == report["totals"][kGroups[i]]);
  CHECK(last[7] == Counted(report["totals"]));
  CHECK(last[9] == Counted(report["parts"]["totals"]));
  const json& lines = book["sheets"]["Chi tiết"];
  int cancelled = report["totals"]["cancelled"];
  CHECK(lines.size() == report["lines"].size() - cancelled + 1);
  CHECK(book["freeze"]["Chi tiết"] == "A2");
}

TEST_CASE("LibreOffice opens the Word report and prints its totals",
          "[server][integration][office][export]") {
  if (!std::filesystem::exists("/usr/bin/soffice") ||
      !std::filesystem::exists("/usr/bin/pdftotext")) {
    WARN("LibreOffice (soffice) and poppler-utils (pdftotext) are needed for this test");
    return;
  }
  ApiFixture f;
  TempDir dir;
  const std::string base = "/v1/plans/hn-68-2025/report";
  const json report = f.Get(f.coordinator, base).json();
  HttpResult got = f.Get(f.coordinator, base + "?format=docx");
  REQUIRE(got.status == 200);
  std::ofstream(dir.path() + "/report.docx", std::ios::binary) << got.body;
  // A profile of its own, so parallel tests and a running LibreOffice do not collide.
  const std::string cmd = "cd " + dir.path() + " && HOME=" + dir.path() +
                          " /usr/bin/soffice -env:UserInstallation=file://" + dir.path() +
                          "/profile --headless --norestore --convert-to pdf report.docx"
                          " > soffice.log 2>&1 && /usr/bin/pdftotext -layout report.pdf report.txt";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string text = Slurp(dir.path() + "/report.txt");
  CHECK(text.find("BÁO CÁO") != std::string::npos);
  CHECK(text.find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA") != std::string::npos);
  CHECK(text.find("Nơi nhận") != std::string::npos);
  // The total line of the first table: "Tổng số", the count, 100%.
  const std::string total = std::to_string(Counted(report["totals"]));
  const size_t at = text.find("Tổng số");
  REQUIRE(at != std::string::npos);
  const std::string line = text.substr(at, text.find('\n', at) - at);
  INFO(line);
  CHECK(line.find(" " + total + " ") != std::string::npos);
  CHECK(line.find("100%") != std::string::npos);
}

TEST_CASE(
    "a report issued by the department preparing it, with its number, place, signer and "
    "narrative, alike in print and in Word",
    "[server][integration][office][export][report]") {
  REQUIRE_READERS();
  ApiFixture f;
  TempDir dir;
  const std::string plan = "/v1/plans/hp-tieng-anh-2025";
  const json words = {{"issuer", "so-gddt-hp"},
                      {"number", "15/BC-SGDĐT"},
                      {"place", "Hải Phòng"},
                      {"signer_title", "GIÁM ĐỐC"},
                      {"signer_name", "Nguyễn Văn An"},
                      {"recipients", "- UBND thành phố (để báo cáo);\n- Lưu: VT, GDTrH."},
                      {"assessment", "Các trường đã chủ động triển khai kế hoạch."},
                      {"shortcomings", "Một số trường chưa bố trí đủ giáo viên."},
                      {"recommendations", "Đề nghị UBND thành phố bổ sung kinh phí."},
                      {"proposals", "Đề xuất mở rộng mô hình trường điểm."}};
  CHECK(f.Send(f.agency_hp, "PUT", plan + "/reports/2026-03-02", words).status == 403);
  json bad = words;
  bad["issuer"] = "khong-co";
  CHECK(f.Send(f.coordinator, "PUT", plan + "/reports/2026-03-02", bad).status == 422);
  CHECK(f.Get(f.coordinator, plan + "/reports/2026-03-02").json()["recorded"] == false);
  REQUIRE(f.Send(f.coordinator, "PUT", plan + "/reports/2026-03-02", words).status == 201);
  const json kept = f.Get(f.auditor, plan + "/reports/2026-03-02").json();
  CHECK(kept["recorded"] == true);
  CHECK(kept["number"] == "15/BC-SGDĐT");
  CHECK(kept["issuer_name"] == "Sở Giáo dục và Đào tạo");
  CHECK(f.Get(f.coordinator, plan + "/reports").json()["items"].size() == 1);
  // The same again changes nothing.
  CHECK(f.Send(f.coordinator, "PUT", plan + "/reports/2026-03-02", words).status == 409);

  // Word: the department's header block, its number and place, the narrative, the signer.
  HttpResult got = f.Get(f.coordinator, plan + "/report?format=docx&as_of=2026-03-02");
  REQUIRE(got.status == 200);
  const json d = ReadBack(dir, "docx", "issued.docx", got.body);
  const json& head = d["tables"][0]["rows"];
  CHECK(head[0][0] == "UBND THÀNH PHỐ HẢI PHÒNG");
  CHECK(head[1][0] == "SỞ GIÁO DỤC VÀ ĐÀO TẠO");
  CHECK(head[2][0] == "Số: 15/BC-SGDĐT");
  CHECK(head[2][1] == "Hải Phòng, ngày 02 tháng 3 năm 2026");
  const json& paragraphs = d["paragraphs"];
  for (const char* p : {"VI. ĐÁNH GIÁ CHUNG", "Các trường đã chủ động triển khai kế hoạch.",
                        "VII. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "VIII. KIẾN NGHỊ", "IX. ĐỀ XUẤT",
                        "Đề xuất mở rộng mô hình trường điểm."}) {
    INFO(p);
    CHECK(std::find(paragraphs.begin(), paragraphs.end(), p) != paragraphs.end());
  }
  const json& end = d["tables"].back()["rows"];
  CHECK(end[0][1] == "GIÁM ĐỐC");
  CHECK(end[1][0].get<std::string>().find("- Lưu: VT, GDTrH.") != std::string::npos);
  CHECK(end[1][1].get<std::string>().find("Nguyễn Văn An") != std::string::npos);

  // The printed page says the same.
  const std::string html = f.Get(f.coordinator, plan + "/report?format=html&as_of=2026-03-02").body;
  for (const char* s : {"UBND THÀNH PHỐ HẢI PHÒNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 15/BC-SGDĐT",
                        "Hải Phòng, ngày 02 tháng 3 năm 2026", "ĐÁNH GIÁ CHUNG",
                        "Một số trường chưa bố trí đủ giáo viên.", "GIÁM ĐỐC", "Nguyễn Văn An",
                        "- Lưu: VT, GDTrH."}) {
    INFO(s);
    CHECK(html.find(s) != std::string::npos);
  }
  // Another day's report keeps the plan's defaults: the authority, a number to fill in, a place.
  const std::string other =
      f.Get(f.coordinator, plan + "/report?format=html&as_of=2026-03-05").body;
  CHECK(other.find("15/BC-SGDĐT") == std::string::npos);
  CHECK(other.find("Hải Phòng, ngày 05 tháng 3 năm 2026") != std::string::npos);
  CHECK(other.find("THỦ TRƯỞNG CƠ QUAN") != std::string::npos);

  // The JSON report names the log's head it was computed at; the files carry it in a header.
  const json report = f.Get(f.auditor, plan + "/report").json();
  const json audit = f.Get(f.auditor, "/v1/audit/head").json();
  CHECK(report["head"]["position"] == audit["position"]);
  CHECK(report["head"]["hash"] == audit["hash"]);
  CHECK(got.header("x-taskledger-head").find(' ') != std::string::npos);
}
