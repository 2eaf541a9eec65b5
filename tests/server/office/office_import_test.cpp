// Importing the plan's own documents over HTTP: Word and Excel files written by independent
// writers (python3-docx, python3-openpyxl; tests/server/office/make_fixtures.py), CSV in the
// encodings offices save, and files that must be refused with nothing written.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

const char* kDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const char* kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

std::string Read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// The fixtures (read only), made once per version of the script and its inputs and shared by
// the test processes: made in a directory of their own, then renamed into place. Empty when
// python3-docx or openpyxl is missing.
const std::string& Fixtures() {
  static const std::string made = [] {
    namespace fs = std::filesystem;
    const std::string src = TASKLEDGER_SOURCE_DIR;
    const std::string script = src + "/tests/server/office/make_fixtures.py";
    std::string inputs = Read(script);
    for (const auto& e : fs::directory_iterator(src + "/deploy/demo")) {
      if (e.path().extension() == ".csv") inputs += Read(e.path().string());
    }
    const fs::path final_dir =
        fs::temp_directory_path() /
        ("taskledger-office-fixtures-" + std::to_string(std::hash<std::string>{}(inputs)));
    if (fs::exists(final_dir / "done")) return final_dir.string();
    const fs::path scratch = final_dir.string() + ".tmp" + std::to_string(getpid());
    const std::string cmd = "/usr/bin/python3 " + script + " " + scratch.string() + " " + src +
                            "/deploy/demo > " + scratch.string() + ".log 2>&1";
    if (std::system(cmd.c_str()) != 0) return std::string();
    std::ofstream(scratch / "done") << "ok\n";
    std::error_code ec;
    fs::rename(scratch, final_dir, ec);  // another process may have been first: use its copy
    if (ec) fs::remove_all(scratch, ec);
    fs::remove(scratch.string() + ".log", ec);
    return final_dir.string();
  }();
  return made;
}

#define REQUIRE_FIXTURES()                                                                       \
  if (Fixtures().empty()) {                                                                      \
    WARN("python3-docx and python3-openpyxl are needed (deploy/install-deps.sh installs them)"); \
    return;                                                                                      \
  }

// A plan of Hải Phòng for 2025-2030, empty.
void NewPlan(ApiFixture& f, const std::string& id) {
  REQUIRE(f.PostJson(f.coordinator, "/v1/plans",
                     {{"id", id},
                      {"title", "Kế hoạch thử"},
                      {"authority", "ubnd-hp"},
                      {"period", {{"start", "2025-01-01"}, {"end", "2030-12-31"}}}})
              .status == 201);
}

HttpResult Import(ApiFixture& f, const std::string& plan, const std::string& file,
                  const std::string& type, const std::string& query = "") {
  return f.Post(f.coordinator, "/v1/plans/" + plan + "/import" + query,
                Read(Fixtures() + "/" + file), {{"Content-Type", type}});
}

// A multipart/form-data body with the file and, when given, the mapping.
std::string Form(const std::string& file, const std::string& name, const std::string& type,
                 const std::string& mapping) {
  std::string b = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
                  "\"\r\nContent-Type: " + type + "\r\n\r\n" + Read(file) + "\r\n";
  if (!mapping.empty()) {
    b += "--XyZ\r\nContent-Disposition: form-data; name=\"mapping\"\r\n\r\n" + mapping + "\r\n";
  }
  return b + "--XyZ--\r\n";
}

}  // namespace

TEST_CASE(
    "a Word appendix imports: motto block, two-row header, numbering, merges, tracked changes",
    "[server][integration][office]") {
  REQUIRE_FIXTURES();
  ApiFixture f;
  NewPlan(f, "hp-word");
  const uint64_t before = f.HeadPosition();

  // The preview, before anything is written: one unknown agency, in its place.
  HttpResult dry = Import(f, "hp-word", "appendix.docx", kDocx, "?dry_run=true");
  REQUIRE(dry.status == 422);
  json p = dry.json();
  CHECK(p["document"]["kind"] == "docx");
  CHECK(p["document"]["table"] == 2);
  CHECK(p["document"]["header_row"] == 2);
  REQUIRE(p["errors"].size() == 1);
  CHECK(p["errors"][0]["table"] == 2);
  CHECK(p["errors"][0]["row"] == 10);
  CHECK(p["errors"][0]["column"] == "Chủ trì");
  CHECK(p["unknown_agencies"] == json::array({"Phòng Khảo thí Mới"}));
  const json& rows = p["preview"];
  REQUIRE(rows.size() == 6);
  CHECK(rows[0]["kind"] == "section");
  CHECK(rows[0]["code"] == "I");  // automatic numbering: the number is not in the text
  CHECK(rows[0]["title"] == "TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC");
  CHECK(rows[1]["code"] == "I.1");
  CHECK(rows[1]["title"] == "Xây dựng kế hoạch thông tin, tuyên truyền");  // changes accepted
  CHECK(rows[1]["lead"][0]["id"] == "so-gddt-hp");
  CHECK(rows[1]["deliverable"] == "- Kế hoạch\n- Báo cáo");
  CHECK(rows[1]["occurrences"] == json::array({"2026-12-31"}));
  CHECK(rows[2]["code"] == "I.2");
  CHECK(rows[2]["lead"][0]["id"] == "so-gddt-hp");  // merged down
  CHECK(rows[2]["deadline"] == "Năm 2026");         // merged down
  CHECK(rows[2]["title"] == "Xây dựng chuyên mục trên Cổng thông tin\n(ngành giáo dục và đào tạo)");
  CHECK(rows[3]["code"] == "II");
  CHECK(rows[4]["code"] == "II.1");  // numbering restarts under each section
  CHECK(rows[4]["coordinating"].size() == 2);
  CHECK(rows[5]["code"] == "II.2");
  CHECK(rows[5]["occurrences"] == json::array({"2026-12-31", "2028-12-31"}));
  CHECK(rows[5]["unknown_agencies"] == json::array({"Phòng Khảo thí Mới"}));
  CHECK(f.HeadPosition() == before);

  // Mapped in a form, as the dashboard sends it: the name becomes an alias of an agency.
  const std::string form =
      Form(Fixtures() + "/appendix.docx", "Phụ lục.docx", "application/octet-stream",
           R"({"aliases": {"Phòng Khảo thí Mới": "so-gddt-hp"}})");
  HttpResult done = f.Post(f.coordinator, "/v1/plans/hp-word/import", form,
                           {{"Content-Type", "multipart/form-data; boundary=XyZ"}});
  REQUIRE(done.status == 201);
  CHECK(done.json()["tasks_created"] == 4);
  CHECK(done.json()["sections_added"] == 2);
  CHECK(done.json()["aliases_added"] == json::array({"Phòng Khảo thí Mới -> so-gddt-hp"}));
  const json task = f.Get(f.coordinator, "/v1/tasks/hp-word:II.2").json();
  CHECK(task["lead"] == json::array({"so-gddt-hp"}));
  CHECK(task["deadline"]["text"] == "2026;\n2028");
  const json agency = f.Get(f.coordinator, "/v1/agencies/so-gddt-hp").json();
  CHECK(agency["aliases"].dump().find("Phòng Khảo thí Mới") != std::string::npos);

  // Again, with no mapping: the alias is remembered, nothing changes, nothing is written.
  const uint64_t after = f.HeadPosition();
  HttpResult again = Import(f, "hp-word", "appendix.docx", kDocx);
  REQUIRE(again.status == 201);
  CHECK(again.json()["tasks_unchanged"] == 4);
  CHECK(again.json()["events"] == 0);
  CHECK(f.HeadPosition() == after);
}

TEST_CASE("an Excel workbook imports from the sheet with the matrix, dates as dates",
          "[server][integration][office]") {
  REQUIRE_FIXTURES();
  ApiFixture f;
  NewPlan(f, "hp-excel");
  HttpResult dry = Import(f, "hp-excel", "workbook.xlsx", kXlsx, "?dry_run=true");
  REQUIRE(dry.status == 200);
  const json d = dry.json();
  CHECK(d["document"]["kind"] == "xlsx");
  CHECK(d["document"]["sheet"] == "Phụ lục");
  CHECK(d["document"]["header_row"] == 4);  // under a title block
  const json& rows = d["preview"];
  REQUIRE(rows.size() == 5);
  CHECK(rows[1]["code"] == "I.1");
  CHECK(rows[1]["deadline"] == "31/12/2026");  // typed as a date
  CHECK(rows[1]["occurrences"] == json::array({"2026-12-31"}));
  CHECK(rows[2]["lead"][0]["id"] == "so-gddt-hp");   // a merged range
  CHECK(rows[4]["title"] == "Ban hành chính sách");  // rich text runs, phonetic hint left out
  CHECK(rows[4]["lead"][0]["id"] == "so-nv-hp");     // a shared string

  HttpResult wrong =
      Import(f, "hp-excel", "workbook.xlsx", kXlsx, "?dry_run=true&sheet=Hướng%20dẫn");
  CHECK(wrong.status == 422);
  HttpResult missing = Import(f, "hp-excel", "workbook.xlsx", kXlsx, "?sheet=Sheet9");
  REQUIRE(missing.status == 422);
  CHECK(missing.json()["detail"].get<std::string>().find("no sheet \"Sheet9\"") !=
        std::string::npos);

  HttpResult done = Import(f, "hp-excel", "workbook.xlsx", "application/octet-stream",
                           "?sheet=Ph%E1%BB%A5%20l%E1%BB%A5c");
  REQUIRE(done.status == 201);
  CHECK(done.json()["tasks_created"] == 3);
  CHECK(f.Get(f.coordinator, "/v1/tasks/hp-excel:I.1").json()["next_due"] == "2026-12-31");
}

TEST_CASE("CSV saved by Vietnamese Windows (Windows-1258) or as Unicode text keeps its diacritics",
          "[server][integration][office]") {
  REQUIRE_FIXTURES();
  ApiFixture f;
  NewPlan(f, "hp-1258");
  NewPlan(f, "hp-utf8");
  NewPlan(f, "hp-utf16");
  HttpResult a = Import(f, "hp-1258", "matrix-cp1258.csv", "text/csv");
  REQUIRE(a.status == 201);
  CHECK(a.json()["document"]["encoding"] == "windows-1258");
  HttpResult b = Import(f, "hp-utf8", "matrix-utf8.csv", "text/csv");
  REQUIRE(b.status == 201);
  HttpResult c = Import(f, "hp-utf16", "matrix-utf16.txt", "text/plain");
  REQUIRE(c.status == 201);
  CHECK(c.json()["document"]["encoding"] == "UTF-16LE");
  // Decoded and composed (NFC): the same bytes as the UTF-8 file's.
  for (const char* plan : {"hp-1258", "hp-utf16"}) {
    const json t = f.Get(f.coordinator, std::string("/v1/tasks/") + plan + ":I.2").json();
    const json u = f.Get(f.coordinator, "/v1/tasks/hp-utf8:I.2").json();
    CHECK(t["title"] == "Bồi dưỡng giáo viên tiếng Anh");
    CHECK(t["title"] == u["title"]);
    CHECK(t["lead"] == json::array({"so-nv-hp"}));
    CHECK(t["deadline"]["text"] == "Hằng năm");
  }
}

TEST_CASE("the demo plans as Word appendices import exactly like their CSV files",
          "[server][integration][office]") {
  REQUIRE_FIXTURES();
  ApiFixture f;
  for (const char* plan :
       {"hp-tieng-anh-2025", "bk-ngoai-ngu-2018", "hn-68-2025", "hp-cambridge-2026"}) {
    INFO(plan);
    const json source = f.Get(f.coordinator, std::string("/v1/plans/") + plan).json();
    const std::string copy = std::string(plan) + "-word";
    REQUIRE(f.PostJson(f.coordinator, "/v1/plans",
                       {{"id", copy},
                        {"title", "Bản Word"},
                        {"authority", source["authority"]},
                        {"period", source["period"]}})
                .status == 201);
    HttpResult done = Import(f, copy, std::string(plan) + ".docx", kDocx);
    INFO(done.body.substr(0, 600));
    REQUIRE(done.status == 201);
    CHECK(done.json()["tasks_created"] == source["task_count"]);
    // The same matrix, cell for cell: codes, leads, deadlines, targets, sections.
    CHECK(f.Get(f.coordinator, "/v1/plans/" + copy + "/export").body ==
          f.Get(f.coordinator, std::string("/v1/plans/") + plan + "/export").body);
  }
}

TEST_CASE("files that cannot be what they claim, or would cost too much, are refused",
          "[server][integration][office]") {
  REQUIRE_FIXTURES();
  ApiFixture f;
  NewPlan(f, "hp-bad");
  const uint64_t before = f.HeadPosition();
  struct Case {
    const char* file;
    const char* type;
    int status;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {"bomb.docx", "application/octet-stream", 422, "inflates to more than"},
           {"many-parts.docx", kDocx, 422, "more than 10000 parts"},
           {"entities.docx", kDocx, 422, "declares a document type"},
           {"encrypted.docx", "application/octet-stream", 422, "password-protected"},
           {"truncated.docx", kDocx, 422, "cut short or damaged"},
           {"plan.pdf", "application/pdf", 415, "a .docx, .xlsx"},
           {"plan.pdf", "application/octet-stream", 415, "PDF"},
           {"appendix.docx", "text/csv", 415, "was sent as text/csv"},
           {"workbook.xlsx", kDocx, 415, "Excel workbook"},
           {"matrix-utf8.csv", kXlsx, 415, "not an Office document"},
           {"no-matrix.docx", kDocx, 422, "seen: table 1 (2 rows, first row: UBND THÀNH PHỐ"},
       }) {
    INFO(c.file << " as " << c.type);
    HttpResult r = Import(f, "hp-bad", c.file, c.type);
    CHECK(r.status == c.status);
    CHECK(r.header("content-type") == "application/problem+json");
    CHECK(r.json()["detail"].get<std::string>().find(c.says) != std::string::npos);
  }
  CHECK(f.HeadPosition() == before);
  CHECK(f.server->running());
}

TEST_CASE("an old .doc is converted by LibreOffice where the server has it, else refused",
          "[server][integration][office]") {
  REQUIRE_FIXTURES();
  if (!std::filesystem::exists("/usr/bin/soffice")) {
    WARN("LibreOffice (libreoffice-writer-nogui) is not installed: .doc conversion not tested");
    return;
  }
  // LibreOffice itself writes the old binary file, from an OpenDocument text with the matrix.
  TempDir dir;
  std::filesystem::copy_file(Fixtures() + "/old-word.fodt", dir.Sub("old-word.fodt"));
  const std::string cmd = "cd " + dir.path() + " && HOME=" + dir.path() +
                          " /usr/bin/soffice --headless --norestore --convert-to doc old-word.fodt"
                          " > soffice.log 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string doc = Read(dir.Sub("old-word.doc"));
  REQUIRE(doc.size() > 1000);
  {
    ApiFixture off("2026-03-02", {"--libreoffice", "off"});
    NewPlan(off, "hp-doc");
    HttpResult r = off.Post(off.coordinator, "/v1/plans/hp-doc/import", doc,
                            {{"Content-Type", "application/msword"}});
    CHECK(r.status == 415);
    CHECK(r.json()["detail"].get<std::string>().find(".docx") != std::string::npos);
  }
  ApiFixture f("2026-03-02", {"--libreoffice", "/usr/bin/soffice"});
  NewPlan(f, "hp-doc");
  HttpResult r = f.Post(f.coordinator, "/v1/plans/hp-doc/import", doc,
                        {{"Content-Type", "application/octet-stream"}});
  INFO(r.body.substr(0, 400));
  REQUIRE(r.status == 201);
  CHECK(r.json()["tasks_created"] == 2);
  CHECK(f.Get(f.coordinator, "/v1/tasks/hp-doc:2").json()["lead"] == json::array({"so-tc-hp"}));
}
