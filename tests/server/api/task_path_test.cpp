// A task's whole life over real HTTP: a plan, its matrix imported, the task assigned, worked,
// delivered, reviewed and reported; then the same server restarted and everything still there.
#include <catch2/catch.hpp>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

const char* kMatrix =
    "\xEF\xBB\xBFTT;Nhiệm vụ;Cơ quan chủ trì;Cơ quan phối hợp;Kết quả/ Sản phẩm;Thời gian hoàn "
    "thành\r\n"
    "I;Kiểm tra, đánh giá;;;;\r\n"
    "1;Tổ chức khảo sát năng lực tiếng Anh giáo viên;Sở Giáo dục và Đào tạo;Sở Tài chính;"
    "Báo cáo kết quả khảo sát;Quý II/2026\r\n"
    "2;Tổng kết năm học;Sở GD&ĐT;;Báo cáo tổng kết;Năm 2025\r\n";

void CreatePlan(ApiFixture& f) {
  const HttpResult r = f.PostJson(f.coordinator, "/v1/plans",
                                  {{"id", "kt-2026"},
                                   {"title", "Kế hoạch kiểm tra tiếng Anh"},
                                   {"number", "12/KH-SGDĐT"},
                                   {"authority", "ubnd-hp"},
                                   {"period", {{"start", "2025-01-01"}, {"end", "2026-12-31"}}}});
  INFO(r.body);
  REQUIRE(r.status == 201);
}

}  // namespace

TEST_CASE("a task goes from import to the report over HTTP, and survives a restart",
          "[server][integration]") {
  ApiFixture f;  // today is 2026-03-02
  CreatePlan(f);
  const std::vector<std::pair<std::string, std::string>> csv = {{"Content-Type", "text/csv"}};

  // A dry run validates and writes nothing.
  const uint64_t before = f.HeadPosition();
  HttpResult r = f.Post(f.coordinator, "/v1/plans/kt-2026/import?dry_run=true", kMatrix, csv);
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.json()["tasks_created"] == 2);
  CHECK(f.HeadPosition() == before);

  r = f.Post(f.coordinator, "/v1/plans/kt-2026/import", kMatrix, csv);
  REQUIRE(r.status == 201);
  CHECK(r.json()["tasks_created"] == 2);
  CHECK(f.HeadPosition() > before);

  // The agency sees both, the overdue one first, with the deadline as written.
  r = f.Get(f.agency_hp, "/v1/agencies/so-gddt-hp/tasks?plan=kt-2026");
  REQUIRE(r.status == 200);
  json items = r.json()["items"];
  REQUIRE(items.size() == 2);
  CHECK(items[0]["id"] == "kt-2026:I.2");
  CHECK(items[0]["category"] == "overdue");
  CHECK(items[1]["id"] == "kt-2026:I.1");
  CHECK(items[1]["deadline"]["text"] == "Quý II/2026");
  CHECK(items[1]["next_due"] == "2026-06-30");
  CHECK(items[1]["days_left"] == 120);
  CHECK(items[1]["title"] == "Tổ chức khảo sát năng lực tiếng Anh giáo viên");
  CHECK(items[1]["coordinating"] == json::array({"so-tc-hp"}));

  // The coordinator adds a coordinating agency.
  r = f.PostJson(f.coordinator, "/v1/tasks/kt-2026:I.1/assignment",
                 {{"lead", {"so-gddt-hp"}},
                  {"coordinating", {"so-tc-hp", "so-nv-hp"}},
                  {"reason", "Sở Nội vụ phối hợp tổng hợp số liệu"}});
  REQUIRE(r.status == 201);
  CHECK(r.json()["task"]["coordinating"].size() == 2);

  // The lead agency works it and delivers.
  r = f.PostJson(f.agency_hp, "/v1/tasks/kt-2026:I.1/status", {{"status", "in_progress"}});
  REQUIRE(r.status == 201);
  r = f.PostJson(f.agency_hp, "/v1/tasks/kt-2026:I.1/progress",
                 {{"percent", 60}, {"narrative", "Đã khảo sát 1.200 giáo viên"}});
  REQUIRE(r.status == 201);
  CHECK(r.json()["task"]["occurrences"][0]["percent"] == 60);
  r = f.PostJson(f.agency_hp, "/v1/tasks/kt-2026:I.1/deliverables",
                 {{"id", "bc-khao-sat"}, {"name", "Báo cáo khảo sát.pdf"}, {"size", 1024}});
  REQUIRE(r.status == 201);
  CHECK(r.json()["task"]["status"] == "submitted");

  // The coordinator accepts it: completed on time.
  r = f.PostJson(f.coordinator, "/v1/tasks/kt-2026:I.1/deliverables/bc-khao-sat/review",
                 {{"decision", "accepted"}, {"comment", "Đạt yêu cầu"}});
  REQUIRE(r.status == 201);
  CHECK(r.json()["task"]["category"] == "completed_on_time");

  // The report counts one completed on time and one overdue.
  r = f.Get(f.coordinator, "/v1/plans/kt-2026/report");
  REQUIRE(r.status == 200);
  json report = r.json();
  CHECK(report["as_of"] == "2026-03-02");
  CHECK(report["totals"]["completed_on_time"] == 1);
  CHECK(report["totals"]["overdue"] == 1);
  CHECK(report["totals"]["total"] == 2);
  CHECK(report["by_lead"]["so-gddt-hp"]["total"] == 2);

  // As the report stood on 2026-03-01, before any of it: nothing.
  r = f.Get(f.coordinator, "/v1/plans/kt-2026/report?as_of=2026-03-01");
  REQUIRE(r.status == 404);

  r = f.Get(f.coordinator, "/v1/plans/kt-2026/report?format=csv");
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "text/csv; charset=utf-8");
  CHECK(r.body.rfind("\xEF\xBB\xBF"
                     "TT,Nhiệm vụ",
                     0) == 0);
  CHECK(r.body.find("completed_on_time") != std::string::npos);

  // The auditor sees every step with its actor.
  r = f.Get(f.auditor, "/v1/tasks/kt-2026:I.1/history");
  INFO(r.body);
  REQUIRE(r.status == 200);
  std::vector<std::string> types, actors;
  const json history = r.json();
  for (const json& e : history["events"]) {
    types.push_back(e["type"]);
    actors.push_back(e["actor"]);
  }
  CHECK(types == std::vector<std::string>{"task.created", "task.reassigned", "task.started",
                                          "task.progress_reported", "task.deliverable_submitted",
                                          "task.deliverable_reviewed"});
  REQUIRE(actors.size() == 6);
  CHECK(actors[0].find("Phòng GDTrH") != std::string::npos);
  CHECK(actors[2].find("so-gddt-hp") != std::string::npos);
  CHECK(actors[5].find("Phòng GDTrH") != std::string::npos);

  // A restart over the same directory keeps all of it, and the chain still verifies.
  const uint64_t head = f.HeadPosition();
  const std::string etag = f.Get(f.auditor, "/v1/tasks/kt-2026:I.1").header("etag");
  f.Restart();
  CHECK(f.HeadPosition() == head);
  r = f.Get(f.auditor, "/v1/tasks/kt-2026:I.1");
  REQUIRE(r.status == 200);
  CHECK(r.header("etag") == etag);
  CHECK(r.json()["category"] == "completed_on_time");
  CHECK(r.json()["coordinating"].size() == 2);
  r = f.Get(f.auditor, "/v1/audit/verify");
  REQUIRE(r.status == 200);
  CHECK(r.json()["ok"] == true);
  CHECK(r.json()["checked"] == head);
}

TEST_CASE("a task and a report as they stood on an earlier day", "[server][integration]") {
  ApiFixture f;  // the demo is loaded on 2026-03-02
  HttpResult r = f.Get(f.coordinator, "/v1/tasks?plan=hp-tieng-anh-2025&limit=1");
  REQUIRE(r.status == 200);
  const json first = r.json()["items"][0];
  const std::string id = first["id"];
  const std::string original = first["deadline"]["text"];
  const json report_then = f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/report").json();

  f.Restart("2026-04-15");
  r = f.PostJson(f.coordinator, "/v1/tasks/" + id + "/deadline",
                 {{"deadline", "Năm 2027"}, {"reason", "Điều chỉnh theo Kế hoạch 99/KH"}});
  REQUIRE(r.status == 201);
  CHECK(r.json()["task"]["deadline"]["text"] == "Năm 2027");

  r = f.Get(f.auditor, "/v1/tasks/" + id + "?as_of=2026-03-20");
  REQUIRE(r.status == 200);
  CHECK(r.json()["deadline"]["text"] == original);
  CHECK(r.json()["as_of"] == "2026-03-20");
  r = f.Get(f.auditor, "/v1/tasks/" + id + "?as_of=2026-04-15");
  REQUIRE(r.status == 200);
  CHECK(r.json()["deadline"]["text"] == "Năm 2027");
  r = f.Get(f.auditor, "/v1/tasks/" + id + "?as_of=2026-03-01");
  CHECK(r.status == 404);

  // The report replayed as of 2026-03-02 matches what it said that day.
  r = f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/report?as_of=2026-03-02");
  REQUIRE(r.status == 200);
  CHECK(r.json()["totals"] == report_then["totals"]);
  CHECK(r.json()["lines"] == report_then["lines"]);
}
