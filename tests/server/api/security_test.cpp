// Who may do what: tokens, roles, agencies, optimistic concurrency and idempotent retries,
// each over real HTTP against the demo plans.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

// A Hải Phòng task led by so-gddt-hp, and a Bắc Kạn one it has nothing to do with.
const char* kHpTask = "hp-tieng-anh-2025:I.1";

std::string BkTask(ApiFixture& f) {
  HttpResult r = f.Get(f.coordinator, "/v1/tasks?plan=bk-ngoai-ngu-2018&limit=1");
  REQUIRE(r.status == 200);
  return r.json()["items"][0]["id"];
}

void RequireProblem(const HttpResult& r, int status) {
  INFO(r.body);
  REQUIRE(r.status == status);
  CHECK(r.header("content-type") == "application/problem+json");
  const json p = r.json();
  CHECK(p["status"] == status);
  CHECK(p["type"].get<std::string>().rfind("https://", 0) == 0);
  CHECK_FALSE(p["title"].get<std::string>().empty());
  CHECK_FALSE(p["detail"].get<std::string>().empty());
}

}  // namespace

TEST_CASE("every route but health wants a valid token", "[server][integration][security]") {
  ApiFixture f;
  CHECK(f.Get("", "/healthz").status == 200);
  for (const char* path : {"/v1/agencies", "/v1/plans", "/v1/tasks", "/v1/events", "/v1/audit/head",
                           "/metrics", "/v1/tasks/hp-tieng-anh-2025:I.1"}) {
    INFO(path);
    const HttpResult none = f.Get("", path);
    RequireProblem(none, 401);
    CHECK(none.header("www-authenticate").rfind("Bearer", 0) == 0);
    RequireProblem(f.Get("tl_000000000000_bm90LWEtdG9rZW4", path), 401);
  }
  RequireProblem(f.Post("", "/v1/tasks/hp-tieng-anh-2025:I.1/comments", "{}"), 401);
}

TEST_CASE("an agency sees and acts on its own tasks only", "[server][integration][security]") {
  ApiFixture f;
  const std::string bk = BkTask(f);

  // Reads.
  HttpResult r = f.Get(f.agency_hp, "/v1/tasks?limit=1000");
  REQUIRE(r.status == 200);
  const json listed = r.json();
  for (const json& t : listed["items"]) CHECK(t["plan"] != "bk-ngoai-ngu-2018");
  RequireProblem(f.Get(f.agency_hp, "/v1/agencies/so-gddt-bk/tasks"), 403);
  RequireProblem(f.Get(f.agency_hp, "/v1/tasks?agency=so-gddt-bk"), 403);
  RequireProblem(f.Get(f.agency_hp, "/v1/tasks/" + bk), 403);
  RequireProblem(f.Get(f.agency_hp, "/v1/tasks/" + bk + "/history"), 403);
  CHECK(f.Get(f.agency_hp, std::string("/v1/tasks/") + kHpTask).status == 200);

  // Writes: another agency's task, a coordinator's command, an auditor writing.
  const uint64_t head = f.HeadPosition();
  RequireProblem(f.PostJson(f.agency_hp, "/v1/tasks/" + bk + "/comments", {{"text", "xin chào"}}),
                 403);
  RequireProblem(
      f.PostJson(f.agency_bk, std::string("/v1/tasks/") + kHpTask + "/progress", {{"percent", 10}}),
      403);
  RequireProblem(f.PostJson(f.agency_hp, std::string("/v1/tasks/") + kHpTask + "/deadline",
                            {{"deadline", "Năm 2030"}, {"reason", "muốn lùi"}}),
                 403);
  RequireProblem(f.PostJson(f.agency_hp, "/v1/plans",
                            {{"id", "x"},
                             {"title", "x"},
                             {"period", {{"start", "2026-01-01"}, {"end", "2026-12-31"}}}}),
                 403);
  RequireProblem(f.PostJson(f.agency_hp, "/v1/tokens", {{"role", "coordinator"}}), 403);
  RequireProblem(f.PostJson(f.auditor, std::string("/v1/tasks/") + kHpTask + "/comments",
                            {{"text", "kiểm tra"}}),
                 403);
  CHECK(f.HeadPosition() == head);

  // The refusals were logged, and no token ever was.
  const std::string log = f.server->log();
  CHECK(log.find("403") != std::string::npos);
  CHECK(log.find("refused") != std::string::npos);
  for (const std::string& t : {f.coordinator, f.auditor, f.agency_hp, f.agency_bk}) {
    CHECK(log.find(t) == std::string::npos);
    // nor its secret part (after "tl_<id>_"; base64url secrets may hold '_' themselves)
    CHECK(log.find(t.substr(t.find('_', 3) + 1)) == std::string::npos);
  }

  // What it may do, it can.
  r = f.PostJson(f.agency_hp, std::string("/v1/tasks/") + kHpTask + "/comments",
                 {{"text", "Đã gửi dự thảo kế hoạch"}});
  REQUIRE(r.status == 201);
  CHECK(f.HeadPosition() == head + 1);
}

TEST_CASE("tokens are created by a coordinator, shown once, and revoked",
          "[server][integration][security]") {
  ApiFixture f;
  HttpResult r = f.PostJson(f.coordinator, "/v1/tokens",
                            {{"role", "agency"}, {"agency", "so-tc-hp"}, {"name", "Sở Tài chính"}});
  REQUIRE(r.status == 201);
  const std::string token = r.json()["token"], id = r.json()["id"];
  CHECK(f.Get(token, "/v1/agencies/so-tc-hp/tasks").status == 200);

  r = f.Get(f.coordinator, "/v1/tokens");
  REQUIRE(r.status == 200);
  CHECK(r.body.find(token) == std::string::npos);  // listed without the secret
  CHECK(r.body.find(id) != std::string::npos);

  RequireProblem(f.PostJson(f.coordinator, "/v1/tokens", {{"role", "agency"}}), 422);
  RequireProblem(
      f.PostJson(f.coordinator, "/v1/tokens", {{"role", "agency"}, {"agency", "không-có"}}), 404);
  RequireProblem(HttpCall(f.server->port(), "DELETE", "/v1/tokens/" + id, {},
                          {{"Authorization", "Bearer " + f.agency_hp}}),
                 403);
  r = HttpCall(f.server->port(), "DELETE", "/v1/tokens/" + id, {},
               {{"Authorization", "Bearer " + f.coordinator}});
  REQUIRE(r.status == 200);
  RequireProblem(f.Get(token, "/v1/agencies/so-tc-hp/tasks"), 401);
  f.Restart();
  RequireProblem(f.Get(token, "/v1/agencies/so-tc-hp/tasks"), 401);
}

TEST_CASE("If-Match refuses a command on a task that changed since it was read",
          "[server][integration]") {
  ApiFixture f;
  const std::string path = std::string("/v1/tasks/") + kHpTask;
  const std::string etag = f.Get(f.agency_hp, path).header("etag");
  REQUIRE_FALSE(etag.empty());

  // Someone else comments first.
  REQUIRE(f.PostJson(f.coordinator, path + "/comments", {{"text", "Đề nghị báo cáo sớm"}}).status ==
          201);
  const uint64_t head = f.HeadPosition();
  HttpResult r =
      f.PostJson(f.agency_hp, path + "/progress", {{"percent", 30}}, {{"If-Match", etag}});
  RequireProblem(r, 412);
  CHECK(f.HeadPosition() == head);

  // With the version it now has, it goes through, and the new ETag is one more.
  const std::string fresh = f.Get(f.agency_hp, path).header("etag");
  r = f.PostJson(f.agency_hp, path + "/progress", {{"percent", 30}}, {{"If-Match", fresh}});
  REQUIRE(r.status == 201);
  const auto version = [](const std::string& e) { return std::stoull(e.substr(1, e.size() - 2)); };
  CHECK(version(r.header("etag")) == version(fresh) + 1);
  RequireProblem(
      f.PostJson(f.agency_hp, path + "/progress", {{"percent", 30}}, {{"If-Match", "abc"}}), 400);
}

TEST_CASE("a retried command with the same Idempotency-Key appends nothing",
          "[server][integration]") {
  ApiFixture f;
  const std::string path = std::string("/v1/tasks/") + kHpTask + "/comments";
  const json body = {{"text", "Gửi lại do mất kết nối"}};
  HttpResult first = f.PostJson(f.agency_hp, path, body, {{"Idempotency-Key", "k-1"}});
  REQUIRE(first.status == 201);
  const uint64_t head = f.HeadPosition();

  HttpResult again = f.PostJson(f.agency_hp, path, body, {{"Idempotency-Key", "k-1"}});
  REQUIRE(again.status == 200);
  CHECK(again.header("idempotent-replayed") == "true");
  CHECK(again.json()["positions"] == first.json()["positions"]);
  CHECK(f.HeadPosition() == head);

  // The same key with another body is a client error; another caller's key is its own.
  RequireProblem(f.PostJson(f.agency_hp, path, {{"text", "khác"}}, {{"Idempotency-Key", "k-1"}}),
                 422);
  CHECK(f.PostJson(f.coordinator, path, body, {{"Idempotency-Key", "k-1"}}).status == 201);
  CHECK(f.HeadPosition() == head + 1);

  // Keys outlive a restart.
  f.Restart();
  again = f.PostJson(f.agency_hp, path, body, {{"Idempotency-Key", "k-1"}});
  CHECK(again.status == 200);
  CHECK(f.HeadPosition() == head + 1);
}

TEST_CASE(
    "a plan's report: whole for coordinators and auditors, an agency's own tasks, or whole "
    "when the plan is open to its participants",
    "[server][integration][security]") {
  ApiFixture f;
  const std::string plan = "/v1/plans/hp-tieng-anh-2025";
  const json whole = f.Get(f.auditor, plan + "/report").json();
  CHECK(whole["scope"]["kind"] == "plan");
  const size_t all_lines = whole["lines"].size();

  // The Department reads the report of the tasks it leads or coordinates, counted alike.
  HttpResult r = f.Get(f.agency_hp, plan + "/report");
  REQUIRE(r.status == 200);
  json own = r.json();
  CHECK(own["scope"] == json{{"kind", "agency"}, {"agency", "so-gddt-hp"}});
  REQUIRE(own["lines"].size() > 0);
  CHECK(own["lines"].size() < all_lines);  // the schools' and the newspaper's are not in it
  CHECK(own["totals"]["total"] == own["lines"].size());
  std::set<std::string> tasks;
  for (const json& l : own["lines"]) tasks.insert(l["task"]);
  for (const std::string& t : tasks) {
    INFO(t);
    CHECK(f.Get(f.agency_hp, "/v1/tasks/" + t).status == 200);  // each one its own
  }
  // The same in every format, and on a past day.
  r = f.Get(f.agency_hp, plan + "/report?format=csv");
  REQUIRE(r.status == 200);
  CHECK(static_cast<size_t>(std::count(r.body.begin(), r.body.end(), '\n')) < all_lines + 1);
  r = f.Get(f.agency_hp, plan + "/report?format=html");
  REQUIRE(r.status == 200);
  CHECK(r.body.find("Phạm vi") != std::string::npos);
  f.Restart("2026-05-01");
  r = f.Get(f.agency_hp, plan + "/report?as_of=2026-03-02");
  REQUIRE(r.status == 200);
  CHECK(r.json()["lines"].size() == own["lines"].size());

  // Bắc Kạn's Department has no task in Hải Phòng's plan: nothing of it.
  CHECK(f.Get(f.agency_bk, plan + "/report").status == 403);
  CHECK(f.Get(f.agency_bk, plan).status == 403);
  for (const json& p : f.Get(f.agency_bk, "/v1/plans").json()["items"]) {
    CHECK(p["id"] != "hp-tieng-anh-2025");
  }

  // Only a coordinator opens a plan to its participants; then the Department reads it whole.
  const json open = {{"open_to_participants", true}, {"reason", "Họp giao ban quý I"}};
  CHECK(f.PostJson(f.agency_hp, plan + "/visibility", open).status == 403);
  CHECK(f.PostJson(f.auditor, plan + "/visibility", open).status == 403);
  REQUIRE(f.PostJson(f.coordinator, plan + "/visibility", open).status == 201);
  CHECK(f.PostJson(f.coordinator, plan + "/visibility", open).status == 409);  // already open
  CHECK(f.Get(f.auditor, plan).json()["open_to_participants"] == true);
  r = f.Get(f.agency_hp, plan + "/report");
  REQUIRE(r.status == 200);
  CHECK(r.json()["scope"]["kind"] == "plan");
  CHECK(r.json()["lines"].size() == all_lines);
  CHECK(f.Get(f.agency_bk, plan + "/report").status == 403);  // still not a participant
}

TEST_CASE("a token or key sent where it does not belong never reaches the request log",
          "[server][integration][security]") {
  ApiFixture f;
  HttpResult r =
      f.PostJson(f.agency_hp, "/v1/agencies/so-gddt-hp/calendar-keys", {{"name", "lịch"}});
  REQUIRE(r.status == 201);
  const std::string key = r.json()["key"];
  const std::string secret = key.substr(key.find('_', 3) + 1);
  // Pasted as the key id (with and without a token), in a query, as a path, and the feed itself.
  CHECK(f.Send("", "DELETE", "/v1/agencies/so-gddt-hp/calendar-keys/" + key).status == 401);
  CHECK(f.Send(f.agency_hp, "DELETE", "/v1/agencies/so-gddt-hp/calendar-keys/" + key).status ==
        404);
  CHECK(f.Get(f.agency_hp, "/v1/tasks?plan=" + key).status == 200);
  CHECK(f.Get(f.agency_hp, "/v1/tasks?token=" + f.coordinator).status == 400);
  CHECK(f.Get("", "/v1/" + f.coordinator).status == 404);
  CHECK(f.Get("", "/v1/agencies/so-gddt-hp/calendar.ics?key=" + key).status == 200);
  const std::string coordinator_secret = f.coordinator.substr(f.coordinator.find('_', 3) + 1);
  REQUIRE(f.server->Stop() == 0);  // the log is flushed
  const std::string log = f.server->log();
  CHECK(log.find("calendar-keys/[redacted]") != std::string::npos);
  CHECK(log.find(secret) == std::string::npos);
  CHECK(log.find(coordinator_secret) == std::string::npos);
  f.Restart();
}
