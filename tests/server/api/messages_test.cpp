// Problems worded for people: a stable code and params for programs, and the detail in Vietnamese
// or English as Accept-Language asks, next to the field concerned.
#include "server/api/messages.h"

#include <catch2/catch.hpp>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using namespace taskledger::server;
using nlohmann::json;

TEST_CASE("Accept-Language picks Vietnamese or English by preference", "[server][messages]") {
  CHECK(PreferredLanguage("vi-VN,vi;q=0.9,en;q=0.8") == Language::kVietnamese);
  CHECK(PreferredLanguage("en-GB,en;q=0.9,vi;q=0.5") == Language::kEnglish);
  CHECK(PreferredLanguage("en;q=0.5, vi") == Language::kVietnamese);
  CHECK(PreferredLanguage("fr-FR") == Language::kEnglish);
  CHECK(PreferredLanguage("") == Language::kEnglish);
  CHECK(PreferredLanguage("vi;q=abc") == Language::kEnglish);  // a broken q counts as 0
}

TEST_CASE("a refused command says why in the user's language, with its code and field",
          "[server][integration][messages]") {
  ApiFixture f;
  const std::vector<std::pair<std::string, std::string>> vi = {
      {"Accept-Language", "vi-VN,vi;q=0.9"}, {"Content-Type", "application/json"}};
  const std::vector<std::pair<std::string, std::string>> en = {
      {"Accept-Language", "en"}, {"Content-Type", "application/json"}};
  const std::string request = json{{"due", "2027-03-31"}, {"reason", "Chờ hướng dẫn"}}.dump();

  // Only the lead agency may ask for more time; this Department only coordinates I.2.
  const std::string coordinated = "/v1/tasks/hp-tieng-anh-2025:I.2/extension-requests";
  HttpResult r = f.Post(f.agency_hp, coordinated, request, vi);
  REQUIRE(r.status == 403);
  json p = r.json();
  CHECK(p["code"] == "part-required");
  CHECK(p["params"]["part"] == "lead");
  CHECK(p["params"]["task"] == "hp-tieng-anh-2025:I.2");
  CHECK(p["title"] == "Không có quyền thực hiện");
  CHECK(p["detail"] ==
        "Chỉ cơ quan chủ trì của nhiệm vụ hp-tieng-anh-2025:I.2 mới được xin gia hạn.");
  r = f.Post(f.agency_hp, coordinated, request, en);
  CHECK(r.json()["detail"] ==
        "Only the lead agency of task hp-tieng-anh-2025:I.2 may request an extension.");

  // A new due date before the one in force: the field named, the date as people write it.
  const std::string led = "/v1/tasks/hp-tieng-anh-2025:I.1/extension-requests";
  r = f.Post(f.agency_hp, led, json{{"due", "2026-06-30"}, {"reason", "x"}}.dump(), vi);
  REQUIRE(r.status == 422);
  p = r.json();
  CHECK(p["code"] == "due-not-after");
  CHECK(p["detail"] == "Hạn mới phải sau hạn hiện hành (31/12/2026).");
  REQUIRE(p["errors"].size() == 1);
  CHECK(p["errors"][0]["field"] == "due");
  CHECK(p["errors"][0]["message"] == p["detail"]);

  // An unknown agency in a reassignment, a missing reason.
  r = f.Post(f.coordinator, "/v1/tasks/hp-tieng-anh-2025:I.1/assignment",
             json{{"lead", {"khong-co"}}, {"reason", "x"}}.dump(), vi);
  REQUIRE(r.status == 422);
  CHECK(r.json()["detail"] == "Không có cơ quan “khong-co” trong danh mục (cơ quan chủ trì).");
  r = f.Post(f.coordinator, "/v1/tasks/hp-tieng-anh-2025:I.1/assignment",
             json{{"lead", {"so-gddt-hp"}}, {"reason", " "}}.dump(), vi);
  REQUIRE(r.status == 422);
  CHECK(r.json()["detail"] == "Chưa nhập lý do.");
  CHECK(r.json()["errors"][0]["field"] == "reason");

  // A date before the log began.
  r = f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/report?as_of=2020-01-01",
            {{"Accept-Language", "vi"}});
  REQUIRE(r.status == 404);
  CHECK(r.json()["code"] == "before-log");
  CHECK(r.json()["detail"].get<std::string>().starts_with(
      "Ngày 01/01/2020 ở trước khi sổ theo dõi bắt đầu"));

  // An import's problems, each worded by its own code.
  const std::string csv =
      "TT,Nhiệm vụ,Cơ quan chủ trì,Thời gian hoàn thành\n1,Việc thử,Sở Không Có,Năm 2026\n";
  r = f.Post(f.coordinator, "/v1/plans/hp-tieng-anh-2025/import?dry_run=true", csv,
             {{"Accept-Language", "vi"}, {"Content-Type", "text/csv"}});
  REQUIRE(r.status == 422);
  p = r.json();
  CHECK(p["code"] == "import-problems");
  REQUIRE(p["errors"].size() == 1);
  CHECK(p["errors"][0]["code"] == "import-unknown-agency");
  CHECK(p["errors"][0]["message"] ==
        "Chưa có cơ quan “Sở Không Có” trong danh mục: chọn cơ quan đã có hoặc tạo mới.");
  CHECK(p["detail"] ==
        "Tệp có 1 vấn đề cần xử lý trước khi nhập; vấn đề đầu tiên (dòng 2, cột Cơ quan chủ trì): "
        "Chưa có cơ quan “Sở Không Có” trong danh mục: chọn cơ quan đã có hoặc tạo mới.");
}
