// What people's tools use: the dashboard's files at "/", the calendar feed and its keys (read back
// by an independent iCalendar implementation), the printable report, the matrix export that the
// importer takes back, and the review queue.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "server/views/calendar.h"
#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Runs `command` and returns what it printed, or fails the test.
std::string Capture(const std::string& command) {
  FILE* p = popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = pclose(p);
  INFO(command << "\n" << out);
  REQUIRE(rc == 0);
  return out;
}

// The feed as python3-icalendar reads it.
json ParseIcs(const TempDir& dir, const std::string& ics) {
  const std::string file = dir.Sub("feed.ics");
  Write(file, ics);
  return json::parse(Capture("/usr/bin/python3 " + std::string(TASKLEDGER_SOURCE_DIR) +
                             "/tests/server/api/ics_check.py " + file + " 2>&1"));
}

const json* EventByUid(const json& cal, const std::string& uid) {
  for (const json& e : cal["events"]) {
    if (e["uid"] == uid) return &e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("calendar text is escaped and folded at 75 octets, never inside a character",
          "[server][calendar]") {
  using taskledger::server::IcsLine;
  using taskledger::server::IcsText;
  CHECK(IcsText("a;b,c\\d\ne\r") == "a\\;b\\,c\\\\d\\ne");
  CHECK(IcsLine("SHORT:x") == "SHORT:x\r\n");
  // 73 ASCII octets, then "ệ" (3 octets): it does not fit in the first 75, so it starts the next.
  const std::string line = "SUMMARY:" + std::string(65, 'a') + "ệ" + std::string(80, 'b');
  const std::string folded = IcsLine(line);
  size_t start = 0;
  std::string unfolded;
  for (size_t end; (end = folded.find("\r\n", start)) != std::string::npos; start = end + 2) {
    const std::string physical = folded.substr(start, end - start);
    CHECK(physical.size() <= 75);
    unfolded += start == 0 ? physical : physical.substr(1);  // a continuation starts with a space
  }
  CHECK(unfolded == line);
  CHECK(folded.substr(0, 75) == "SUMMARY:" + std::string(65, 'a') + "\r\n");
  CHECK(folded.substr(75, 4) == " ệ");
}

TEST_CASE("the dashboard's files are served at / to anyone, and nothing outside them",
          "[server][integration][dashboard]") {
  TempDir web;
  Write(web.Sub("index.html"), "<!doctype html><title>Sổ theo dõi nhiệm vụ</title>");
  Write(web.Sub("app.js"), "console.log('xin chào');");
  std::filesystem::create_directory(web.Sub("vendor"));
  Write(web.Sub("vendor/chart.umd.js"), "/* chart */");
  Write(web.Sub(".secret"), "hidden");
  TempDir outside;
  Write(outside.Sub("passwd"), "root:x:0:0");
  std::filesystem::create_symlink(outside.Sub("passwd"), web.Sub("escape.txt"));
  ApiFixture f("2026-03-02", {"--web-dir", web.path()});
  const uint16_t port = f.server->port();

  HttpResult page = HttpCall(port, "GET", "/");
  CHECK(page.status == 200);
  CHECK(page.body == "<!doctype html><title>Sổ theo dõi nhiệm vụ</title>");
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  CHECK(page.header("content-security-policy").find("default-src 'self'") != std::string::npos);
  CHECK(page.header("x-content-type-options") == "nosniff");
  CHECK(HttpCall(port, "GET", "/index.html").body == page.body);

  HttpResult script = HttpCall(port, "GET", "/vendor/chart.umd.js");
  CHECK(script.status == 200);
  CHECK(script.header("content-type") == "text/javascript; charset=utf-8");
  const std::string etag = HttpCall(port, "GET", "/app.js").header("etag");
  REQUIRE_FALSE(etag.empty());
  CHECK(HttpCall(port, "GET", "/app.js", "", {{"If-None-Match", etag}}).status == 304);

  for (const char* bad : {"/.secret", "/escape.txt", "/../index.html", "/vendor/../../x",
                          "/%2e%2e/%2e%2e/etc/passwd", "/nothing.js", "/vendor"}) {
    INFO(bad);
    HttpResult r = HttpCall(port, "GET", bad);
    CHECK(r.status == 404);
    CHECK(r.body.find("root:x") == std::string::npos);
  }
  CHECK(HttpCall(port, "POST", "/", "x").status == 405);
  // The API is untouched: still authenticated, still problem+json.
  CHECK(HttpCall(port, "GET", "/v1/tasks").status == 401);
  CHECK(HttpCall(port, "GET", "/v1/nothing", "", {{"Authorization", "Bearer " + f.coordinator}})
            .status == 404);
}

TEST_CASE("an agency's calendar feed: keys, events, alarms, stable UIDs, revocation",
          "[server][integration][dashboard][calendar]") {
  ApiFixture f;
  const std::string feed = "/v1/agencies/so-gddt-hp/calendar.ics";

  // Only the agency itself (or a coordinator) makes keys for its feed.
  CHECK(f.PostJson(f.agency_bk, "/v1/agencies/so-gddt-hp/calendar-keys", json::object()).status ==
        403);
  CHECK(f.PostJson(f.auditor, "/v1/agencies/so-gddt-hp/calendar-keys", json::object()).status ==
        403);
  CHECK(f.PostJson(f.agency_hp, "/v1/agencies/so-gddt-hp/calendar-keys", {{"nam", "x"}}).status ==
        400);
  HttpResult made = f.PostJson(f.agency_hp, "/v1/agencies/so-gddt-hp/calendar-keys",
                               {{"name", "Lịch Google của văn phòng"}});
  REQUIRE(made.status == 201);
  const std::string key = made.json()["key"];
  const std::string key_id = made.json()["id"];
  CHECK(made.json()["path"] == feed + "?key=" + key);

  const uint16_t port = f.server->port();
  CHECK(HttpCall(port, "GET", feed).status == 401);
  CHECK(HttpCall(port, "GET", feed + "?key=tl_000000000000_nope").status == 401);
  CHECK(HttpCall(port, "GET", "/v1/agencies/so-gddt-bk/calendar.ics?key=" + key).status == 401);
  // A feed key opens the feed and nothing else.
  CHECK(f.Get(key, "/v1/agencies/so-gddt-hp/tasks").status == 401);

  HttpResult ics = HttpCall(port, "GET", feed + "?key=" + key);
  REQUIRE(ics.status == 200);
  CHECK(ics.header("content-type") == "text/calendar; charset=utf-8");
  CHECK(ics.body.find("\r\n") != std::string::npos);
  for (size_t at = 0, next; (next = ics.body.find("\r\n", at)) != std::string::npos;
       at = next + 2) {
    INFO(ics.body.substr(at, next - at));
    CHECK(next - at <= 75);  // folded
  }
  json cal = ParseIcs(f.dir, ics.body);
  CHECK(cal["version"] == "2.0");
  CHECK(cal["name"] == "Nhiệm vụ — Sở Giáo dục và Đào tạo");
  CHECK(cal["timezones"] == json::array({"Asia/Ho_Chi_Minh"}));

  // One all-day event per open, dated occurrence the agency leads or coordinates.
  json list = f.Get(f.agency_hp, "/v1/agencies/so-gddt-hp/tasks?limit=1000").json();
  std::set<std::string> uids;
  for (const json& e : cal["events"]) {
    CHECK(e["all_day"] == true);
    CHECK(uids.insert(e["uid"].get<std::string>()).second);
  }
  size_t dated_tasks = 0;
  for (const json& t : list["items"]) {
    if (t.contains("days_left")) {
      ++dated_tasks;
      const std::string uid =
          t["id"].get<std::string>() + "/" + t["occurrence"].get<std::string>() + "@taskledger";
      INFO(uid);
      CHECK(uids.count(uid) == 1);
    }
  }
  CHECK(dated_tasks > 5);
  CHECK(uids.size() >= dated_tasks);

  const std::string uid = "hp-tieng-anh-2025:I.1/1@taskledger";
  const json* ev = EventByUid(cal, uid);
  REQUIRE(ev != nullptr);
  CHECK((*ev)["start"] == "2026-12-31");
  CHECK((*ev)["end"] == "2027-01-01");
  CHECK((*ev)["summary"].get<std::string>().starts_with(
      "[Chủ trì] I.1 Kế hoạch thông tin, tuyên truyền"));
  CHECK((*ev)["description"].get<std::string>().find("Thời hạn trong kế hoạch: Năm 2026") !=
        std::string::npos);
  // Alarms at 08:00 Vietnam time, 30, 7 and 1 days before and on the day.
  CHECK((*ev)["alarms"] ==
        json::array({-(29 * 86400 + 16 * 3600), -(6 * 86400 + 16 * 3600), -16 * 3600, 8 * 3600}));
  const int sequence = (*ev)["sequence"];

  // The deadline moves: the same UID, a later sequence, the new date.
  HttpResult moved = f.PostJson(f.coordinator, "/v1/tasks/hp-tieng-anh-2025:I.1/deadline",
                                {{"deadline", "Quý II/2027"}, {"reason", "Công văn điều chỉnh"}});
  REQUIRE(moved.status == 201);
  cal = ParseIcs(f.dir, HttpCall(port, "GET", feed + "?key=" + key).body);
  ev = EventByUid(cal, uid);
  REQUIRE(ev != nullptr);
  CHECK((*ev)["start"] == "2027-06-30");
  CHECK((*ev)["sequence"].get<int>() > sequence);

  // Listed without the secret; revoked, it opens nothing; the key never reached the log.
  HttpResult keys = f.Get(f.agency_hp, "/v1/agencies/so-gddt-hp/calendar-keys");
  REQUIRE(keys.status == 200);
  REQUIRE(keys.json()["items"].size() == 1);
  CHECK(keys.json()["items"][0]["name"] == "Lịch Google của văn phòng");
  CHECK(keys.body.find(key) == std::string::npos);
  CHECK(f.Get(f.agency_bk, "/v1/agencies/so-gddt-hp/calendar-keys").status == 403);
  CHECK(f.Send(f.agency_hp, "DELETE", "/v1/agencies/so-gddt-hp/calendar-keys/" + key_id).status ==
        200);
  CHECK(f.Send(f.agency_hp, "DELETE", "/v1/agencies/so-gddt-hp/calendar-keys/" + key_id).status ==
        409);
  CHECK(HttpCall(port, "GET", feed + "?key=" + key).status == 401);
  CHECK(f.server->log().find(key.substr(16)) == std::string::npos);
  HttpResult exported = f.Get(f.auditor, "/v1/audit/export");
  CHECK(exported.body.find(key.substr(16)) == std::string::npos);
}

TEST_CASE("the report prints as an official Vietnamese document with the JSON's figures",
          "[server][integration][dashboard][report]") {
  ApiFixture f("2026-03-02");
  const std::string plan = "/v1/plans/hn-68-2025/report";
  json report = f.Get(f.coordinator, plan + "?as_of=2026-03-02").json();
  HttpResult html = f.Get(f.coordinator, plan + "?as_of=2026-03-02&format=html");
  REQUIRE(html.status == 200);
  CHECK(html.header("content-type") == "text/html; charset=utf-8");
  const std::string& h = html.body;
  CHECK(h.find("<html lang=\"vi\">") != std::string::npos);
  CHECK(h.find("Cộng hòa xã hội chủ nghĩa Việt Nam") != std::string::npos);
  CHECK(h.find("<h1>BÁO CÁO</h1>") != std::string::npos);
  CHECK(h.find("Kế hoạch số 68/KH-SGDĐT") != std::string::npos);
  CHECK(h.find("Số liệu tính đến hết ngày 02/03/2026") != std::string::npos);
  // The header block as the Word report writes it: the issuer's number line, place and date.
  CHECK(h.find("Hà Nội, ngày 02 tháng 3 năm 2026") != std::string::npos);
  CHECK(h.find("/BC-SGDĐT") != std::string::npos);
  const json& totals = report["totals"];
  const std::pair<const char*, const char*> groups[] = {
      {"completed_on_time", "Hoàn thành đúng hạn"},
      {"completed_late", "Hoàn thành nhưng quá hạn"},
      {"in_progress_within_deadline", "Chưa hoàn thành, còn trong thời hạn"},
      {"overdue", "Chưa hoàn thành, quá hạn"}};
  for (const auto& [key, label] : groups) {
    INFO(key);
    const std::string row = std::string("<tr><td>") + label + "</td><td class=\"n\">" +
                            std::to_string(totals[key].get<int>()) + "</td>";
    CHECK(h.find(row) != std::string::npos);
  }
  CHECK(h.find("<script") == std::string::npos);
  CHECK(f.Get(f.coordinator, plan + "?format=pdf").status == 400);
}

TEST_CASE("a plan exported as CSV imports back unchanged, and into a new plan identically",
          "[server][integration][dashboard][export]") {
  ApiFixture f;
  for (const char* plan : {"hp-tieng-anh-2025", "bk-ngoai-ngu-2018", "hn-68-2025"}) {
    INFO(plan);
    HttpResult exported =
        f.Get(f.coordinator, std::string("/v1/plans/") + plan + "/export?format=csv");
    REQUIRE(exported.status == 200);
    CHECK(exported.header("content-type") == "text/csv; charset=utf-8");
    const size_t tasks =
        f.Get(f.coordinator, std::string("/v1/plans/") + plan).json()["task_count"];
    HttpResult again = f.Post(f.coordinator, std::string("/v1/plans/") + plan + "/import",
                              exported.body, {{"Content-Type", "text/csv"}});
    REQUIRE(again.status == 201);
    CHECK(again.json()["tasks_unchanged"] == tasks);
    CHECK(again.json()["tasks_changed"] == 0);
    CHECK(again.json()["tasks_created"] == 0);
    CHECK(again.json()["sections_added"] == 0);
  }

  // Into a fresh plan of the same authority and period: the same matrix, cell for cell.
  const json source = f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025").json();
  REQUIRE(f.PostJson(f.coordinator, "/v1/plans",
                     {{"id", "hp-copy"},
                      {"title", "Bản sao"},
                      {"authority", source["authority"]},
                      {"period", source["period"]}})
              .status == 201);
  const std::string csv = f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/export").body;
  HttpResult imported =
      f.Post(f.coordinator, "/v1/plans/hp-copy/import", csv, {{"Content-Type", "text/csv"}});
  REQUIRE(imported.status == 201);
  CHECK(imported.json()["tasks_created"] == source["task_count"]);
  CHECK(f.Get(f.coordinator, "/v1/plans/hp-copy/export").body == csv);

  CHECK(f.Get(f.agency_hp, "/v1/plans/hp-tieng-anh-2025/export").status == 403);
  CHECK(f.Get(f.coordinator, "/v1/plans/nope/export").status == 404);
  CHECK(f.Get(f.coordinator, "/v1/plans/hp-copy/export?format=pdf").status == 400);
}

TEST_CASE("who am I, and the coordinator's review queue", "[server][integration][dashboard]") {
  ApiFixture f;
  json me = f.Get(f.agency_hp, "/v1/me").json();
  CHECK(me["role"] == "agency");
  CHECK(me["agency"] == "so-gddt-hp");
  CHECK(me["agency_name"] == "Sở Giáo dục và Đào tạo");
  CHECK(me["today"] == "2026-03-02");
  CHECK(f.Get(f.auditor, "/v1/me").json()["role"] == "auditor");
  CHECK(f.Get("", "/v1/me").status == 401);

  const std::string task = "/v1/tasks/hp-tieng-anh-2025:I.1";
  REQUIRE(f.PostJson(f.agency_hp, task + "/deliverables", {{"name", "Kế hoạch tuyên truyền.pdf"}})
              .status == 201);
  REQUIRE(f.PostJson(f.agency_hp, task + "/extension-requests",
                     {{"due", "2027-03-31"}, {"reason", "Chờ hướng dẫn của Bộ"}})
              .status == 201);
  HttpResult queue = f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/queue");
  REQUIRE(queue.status == 200);
  const json q = queue.json();
  REQUIRE(q["deliverables"].size() == 1);
  CHECK(q["deliverables"][0]["task"] == "hp-tieng-anh-2025:I.1");
  CHECK(q["deliverables"][0]["deliverable"]["name"] == "Kế hoạch tuyên truyền.pdf");
  REQUIRE(q["extension_requests"].size() == 1);
  CHECK(q["extension_requests"][0]["request"]["requested_due"] == "2027-03-31");
  const std::string deliverable = q["deliverables"][0]["deliverable"]["id"];
  REQUIRE(f.PostJson(f.coordinator, task + "/deliverables/" + deliverable + "/review",
                     {{"decision", "accepted"}})
              .status == 201);
  const json after = f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/queue").json();
  CHECK(after["deliverables"].empty());
  CHECK(after["extension_requests"].empty());  // the task is complete: nothing left to decide
  CHECK(f.Get(f.agency_hp, "/v1/plans/hp-tieng-anh-2025/queue").status == 403);
}
