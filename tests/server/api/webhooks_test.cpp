// Webhooks end to end: a real server delivering to real receivers on loopback. Retry schedules
// are shrunk by flags; reminder days are reached by restarting the server on another day.
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <thread>

#include "tests/server/server_fixture.h"
#include "tests/server/webhook_receiver.h"
#include "webhooks/signature.h"

using namespace taskledger;
using namespace taskledger::testing;
using nlohmann::json;

namespace {

// Loopback receivers allowed, retries 200 ms apart (or `retry`) without jitter.
std::vector<std::string> Fast(std::vector<std::string> more = {},
                              const std::string& retry = "0,200ms,200ms") {
  std::vector<std::string> args = {"--webhook-addresses", "loopback", "--webhook-retry", retry,
                                   "--webhook-jitter",    "0"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

json CreateHook(ApiFixture& f, const std::string& token, const json& body) {
  const HttpResult r = f.PostJson(token, "/v1/webhooks", body);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.json();
}

// The delivery, once it is no longer pending (or after 10 s).
json Settled(ApiFixture& f, const std::string& hook, const std::string& msg) {
  json d;
  for (int i = 0; i < 200; ++i) {
    const HttpResult r = f.Get(f.coordinator, "/v1/webhooks/" + hook + "/deliveries/" + msg);
    REQUIRE(r.status == 200);
    d = r.json();
    if (d["state"] != "pending") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return d;
}

json History(ApiFixture& f, const std::string& task) {
  const HttpResult r = f.Get(f.auditor, "/v1/tasks/" + task + "/history");
  REQUIRE(r.status == 200);
  return r.json()["events"];
}

std::vector<json> OfType(const json& events, const std::string& type) {
  std::vector<json> out;
  for (const json& e : events) {
    if (e["type"] == type) out.push_back(e);
  }
  return out;
}

constexpr const char* kTask = "hp-tieng-anh-2025:III.1";  // led by so-gddt-hp in the demo

}  // namespace

TEST_CASE("deliveries carry Standard Webhooks headers that verify, and the task records them",
          "[server][webhooks][integration]") {
  WebhookReceiver receiver;
  ApiFixture f("2026-03-02", Fast());
  const json hook = CreateHook(
      f, f.coordinator,
      {{"url", receiver.url()}, {"agency", "so-gddt-hp"}, {"description", "Phòng CNTT Sở GD&ĐT"}});
  const std::string id = hook["id"];
  const std::string secret = hook["secret"];
  CHECK(secret.starts_with("whsec_"));
  CHECK(hook["description"] == "Phòng CNTT Sở GD&ĐT");

  // The secret is shown once: never again, and never in the log.
  HttpResult r = f.Get(f.coordinator, "/v1/webhooks/" + id);
  REQUIRE(r.status == 200);
  CHECK_FALSE(r.json().contains("secret"));
  CHECK(r.body.find(secret.substr(6)) == std::string::npos);

  // A ping arrives signed.
  r = f.Post(f.coordinator, "/v1/webhooks/" + id + "/test", "");
  REQUIRE(r.status == 202);
  const std::string ping = r.json()["id"];
  REQUIRE(receiver.WaitForCount(1));
  Hit hit = receiver.hits()[0];
  CHECK(hit.id == ping);
  CHECK(hit.content_type == "application/json");
  const int64_t ts = std::stoll(hit.timestamp);
  const auto key = webhooks::SecretKey(secret);
  REQUIRE(key.ok());
  CHECK(webhooks::Verify(*key, hit.id, ts, hit.body, hit.signature, ts));
  CHECK_FALSE(webhooks::Verify(*key, hit.id, ts, hit.body + " ", hit.signature, ts));
  CHECK(json::parse(hit.body)["type"] == "webhook.ping");
  CHECK(Settled(f, id, ping)["state"] == "delivered");

  // A comment on a task the agency leads is a notification; its outcome is an event on the task.
  r = f.PostJson(f.coordinator, std::string("/v1/tasks/") + kTask + "/comments",
                 {{"text", "Đề nghị Sở báo cáo tiến độ trước ngày 15/3"}});
  REQUIRE(r.status == 201);
  REQUIRE(receiver.WaitForCount(2));
  hit = receiver.hits()[1];
  const json body = json::parse(hit.body);
  CHECK(body["type"] == "task.comment.added");
  CHECK(body["id"] == hit.id);
  CHECK(body["data"]["task"]["id"] == kTask);
  CHECK(body["data"]["task"]["lead"][0] == "so-gddt-hp");
  CHECK(body["data"]["change"]["data"]["text"] == "Đề nghị Sở báo cáo tiến độ trước ngày 15/3");
  CHECK(webhooks::Verify(*key, hit.id, std::stoll(hit.timestamp), hit.body, hit.signature,
                         std::stoll(hit.timestamp)));
  CHECK(Settled(f, id, hit.id)["state"] == "delivered");
  std::vector<json> told;
  for (int i = 0; i < 100 && told.empty(); ++i) {
    told = OfType(History(f, kTask), "task.notification_delivered");
    if (told.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(told.size() == 1);
  CHECK(told[0]["actor"] == "system:webhooks");
  CHECK(told[0]["data"]["message"] == hit.id);
  CHECK(told[0]["data"]["endpoint"] == id);
  CHECK(told[0]["data"]["agency"] == "so-gddt-hp");
  CHECK(told[0]["data"]["status"] == 204);

  // The audit export carries the subscription but not its secret.
  r = f.Get(f.auditor, "/v1/audit/export");
  REQUIRE(r.status == 200);
  CHECK(r.body.find("webhook.created") != std::string::npos);
  CHECK(r.body.find(secret.substr(6)) == std::string::npos);
}

TEST_CASE("an agency manages its own webhooks only, and bad input changes nothing",
          "[server][webhooks][integration]") {
  WebhookReceiver receiver;
  ApiFixture f("2026-03-02", Fast());
  // An agency subscribes for itself without naming itself.
  const json mine = CreateHook(f, f.agency_hp, {{"url", receiver.url()}});
  CHECK(mine["agency"] == "so-gddt-hp");
  const std::string id = mine["id"];

  HttpResult r =
      f.PostJson(f.agency_hp, "/v1/webhooks", {{"url", receiver.url()}, {"agency", "so-gddt-bk"}});
  CHECK(r.status == 403);
  r = f.PostJson(f.auditor, "/v1/webhooks", {{"url", receiver.url()}, {"agency", "so-gddt-hp"}});
  CHECK(r.status == 403);
  // Another agency's endpoint does not exist for it.
  CHECK(f.Get(f.agency_bk, "/v1/webhooks/" + id).status == 404);
  CHECK(f.Send(f.agency_bk, "DELETE", "/v1/webhooks/" + id).status == 404);
  CHECK(f.Get(f.agency_bk, "/v1/webhooks").json()["items"].empty());
  CHECK(f.Get(f.auditor, "/v1/webhooks/" + id).status == 200);
  CHECK(f.Post(f.auditor, "/v1/webhooks/" + id + "/test", "").status == 403);

  const uint64_t before = f.HeadPosition();
  struct Bad {
    json body;
    std::string field;
  };
  for (const Bad& bad :
       {Bad{{{"url", "ftp://example.org/x"}}, "url"},
        Bad{{{"url", "http://user:pw@example.org/x"}}, "url"},
        Bad{{{"url", receiver.url()}, {"types", {"task.exploded"}}}, "types"},
        Bad{{{"url", receiver.url()}, {"reminders", {{"hour", 25}}}}, "reminders.hour"},
        Bad{{{"url", receiver.url()}, {"reminders", {{"days_before", {-1}}}}},
            "reminders.days_before"},
        Bad{{{"url", receiver.url()}, {"colour", "blue"}}, "colour"}, Bad{{{"url", 7}}, "url"}}) {
    r = f.PostJson(f.agency_hp, "/v1/webhooks", bad.body);
    INFO(bad.body.dump() + " -> " + r.body);
    CHECK((r.status == 400 || r.status == 422));  // malformed, or well-formed but not valid
    CHECK(r.header("content-type") == "application/problem+json");
    CHECK(r.body.find(bad.field) != std::string::npos);
  }
  CHECK(f.HeadPosition() == before);
  CHECK(f.Get(f.coordinator, "/v1/webhooks").json()["items"].size() == 1);

  // Changes are events too; the coordinator may change any webhook.
  r = f.Send(f.coordinator, "PATCH", "/v1/webhooks/" + id,
             {{"types", {"task.overdue"}}, {"reminders", {{"days_before", {3}}}}});
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.json()["types"] == json({"task.overdue"}));
  CHECK(r.json()["reminders"]["days_before"] == json({3}));
  CHECK(r.json()["reminders_own"] == true);
  r = f.Send(f.agency_hp, "DELETE", "/v1/webhooks/" + id);
  CHECK(r.status == 204);
  CHECK(f.Get(f.agency_hp, "/v1/webhooks/" + id).status == 404);
}

TEST_CASE("a receiver that fails then recovers gets the same webhook-id again",
          "[server][webhooks][integration]") {
  WebhookReceiver receiver([](const Hit& h) { return Answer{h.n <= 2 ? 500 : 204}; });
  ApiFixture f("2026-03-02", Fast());
  const std::string id =
      CreateHook(f, f.coordinator, {{"url", receiver.url()}, {"agency", "so-gddt-hp"}})["id"];
  const std::string msg = f.Post(f.coordinator, "/v1/webhooks/" + id + "/test", "").json()["id"];
  REQUIRE(receiver.WaitForCount(3));
  for (const Hit& h : receiver.hits()) CHECK(h.id == msg);
  const json d = Settled(f, id, msg);
  CHECK(d["state"] == "delivered");
  CHECK(d["attempts"] == 3);
  REQUIRE(d["attempt_log"].size() == 3);
  CHECK(d["attempt_log"][0]["status"] == 500);
  CHECK(d["attempt_log"][0]["response"] == "nope");
  CHECK(d["attempt_log"][2]["status"] == 204);
  CHECK(d["payload"]["type"] == "webhook.ping");

  // Given up after the last attempt; sent again on request, same id, fresh schedule.
  receiver.set_behaviour([](const Hit&) { return Answer{502}; });
  const std::string lost = f.Post(f.coordinator, "/v1/webhooks/" + id + "/test", "").json()["id"];
  json failed = Settled(f, id, lost);
  CHECK(failed["state"] == "failed");
  CHECK(failed["attempts"] == 3);
  CHECK(failed["last_status"] == 502);
  const json health = f.Get(f.coordinator, "/v1/webhooks/" + id).json()["health"];
  CHECK(health["failing_since_ms"].is_number());
  CHECK(health["last_error"] == "HTTP 502");
  receiver.set_behaviour([](const Hit&) { return Answer{200}; });
  HttpResult r =
      f.Post(f.coordinator, "/v1/webhooks/" + id + "/deliveries/" + lost + "/redeliver", "");
  REQUIRE(r.status == 202);
  CHECK(Settled(f, id, lost)["state"] == "delivered");
  CHECK(receiver.hits().back().id == lost);

  // Recovery resends what failed since a day.
  receiver.set_behaviour([](const Hit&) { return Answer{500}; });
  const std::string second = f.Post(f.coordinator, "/v1/webhooks/" + id + "/test", "").json()["id"];
  CHECK(Settled(f, id, second)["state"] == "failed");
  receiver.set_behaviour([](const Hit&) { return Answer{204}; });
  r = f.Post(f.coordinator, "/v1/webhooks/" + id + "/recover?since=2026-03-02", "");
  INFO(r.body);
  REQUIRE(r.status == 202);
  CHECK(r.json()["resent"] == 1);
  CHECK(Settled(f, id, second)["state"] == "delivered");
  CHECK(f.Post(f.coordinator, "/v1/webhooks/" + id + "/recover?since=soon", "").status == 400);

  // The listing pages newest first.
  r = f.Get(f.coordinator, "/v1/webhooks/" + id + "/deliveries?limit=2");
  REQUIRE(r.status == 200);
  REQUIRE(r.json()["items"].size() == 2);
  CHECK(r.json()["items"][0]["id"] == second);
  const std::string next = r.json()["next"];
  r = f.Get(f.coordinator, "/v1/webhooks/" + id + "/deliveries?limit=2&after=" + next);
  REQUIRE(r.json()["items"].size() == 1);
  CHECK(r.json()["items"][0]["id"] == msg);
}

TEST_CASE("410 disables the endpoint and says why; Retry-After is honoured",
          "[server][webhooks][integration]") {
  WebhookReceiver gone([](const Hit&) { return Answer{410}; });
  WebhookReceiver busy([](const Hit& h) {
    return h.n == 1 ? Answer{429, 0, {{"Retry-After", "1"}}} : Answer{204};
  });
  ApiFixture f("2026-03-02", Fast());
  const std::string g =
      CreateHook(f, f.coordinator, {{"url", gone.url()}, {"agency", "so-gddt-hp"}})["id"];
  const std::string b =
      CreateHook(f, f.coordinator, {{"url", busy.url()}, {"agency", "so-gddt-bk"}})["id"];

  const std::string msg = f.Post(f.coordinator, "/v1/webhooks/" + g + "/test", "").json()["id"];
  CHECK(Settled(f, g, msg)["state"] == "failed");
  CHECK(gone.hits().size() == 1);  // no retry after 410
  json hook = f.Get(f.coordinator, "/v1/webhooks/" + g).json();
  CHECK(hook["enabled"] == false);
  CHECK(hook["disabled_reason"].get<std::string>().find("410 Gone") != std::string::npos);
  CHECK(f.Post(f.coordinator, "/v1/webhooks/" + g + "/test", "").status == 409);
  // Enabled again by a person, with the reason cleared.
  HttpResult r = f.Send(f.coordinator, "PATCH", "/v1/webhooks/" + g, {{"enabled", true}});
  CHECK(r.json()["enabled"] == true);
  CHECK(r.json()["disabled_reason"].is_null());

  const std::string slow = f.Post(f.coordinator, "/v1/webhooks/" + b + "/test", "").json()["id"];
  REQUIRE(busy.WaitForCount(2));
  const auto hits = busy.hits();
  CHECK(hits[1].arrived_ms - hits[0].arrived_ms >= 900);  // not the 200 ms schedule
  CHECK(Settled(f, b, slow)["state"] == "delivered");

  // Retry-After as an HTTP date is read on the server's clock (here --clock-start's, months
  // before the machine's): two seconds after the attempt's own timestamp.
  WebhookReceiver dated([](const Hit& h) {
    if (h.n > 1) return Answer{204};
    const std::time_t at = static_cast<std::time_t>(std::stoll(h.timestamp) + 2);
    std::tm tm{};
    gmtime_r(&at, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return Answer{503, 0, {{"Retry-After", text}}};
  });
  const std::string d =
      CreateHook(f, f.coordinator, {{"url", dated.url()}, {"agency", "so-gddt-hp"}})["id"];
  const std::string later = f.Post(f.coordinator, "/v1/webhooks/" + d + "/test", "").json()["id"];
  REQUIRE(dated.WaitForCount(2));
  const auto dated_hits = dated.hits();
  CHECK(dated_hits[1].arrived_ms - dated_hits[0].arrived_ms >= 900);
  CHECK(Settled(f, d, later)["state"] == "delivered");
}

TEST_CASE("a restart in the middle of a retry schedule resumes it",
          "[server][webhooks][integration]") {
  WebhookReceiver receiver([](const Hit& h) { return Answer{h.n == 1 ? 503 : 204}; });
  ApiFixture f("2026-03-02", Fast({}, "0,2s,2s"));
  const std::string id =
      CreateHook(f, f.coordinator, {{"url", receiver.url()}, {"agency", "so-gddt-hp"}})["id"];
  const std::string msg = f.Post(f.coordinator, "/v1/webhooks/" + id + "/test", "").json()["id"];
  REQUIRE(receiver.WaitForCount(1));
  // Once the failed attempt is on record, SIGKILL before the retry is due.
  json d;
  for (int i = 0; i < 100; ++i) {
    d = f.Get(f.coordinator, "/v1/webhooks/" + id + "/deliveries/" + msg).json();
    if (d["attempts"] == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(d["attempts"] == 1);
  REQUIRE(d["state"] == "pending");
  f.Restart({}, /*crash=*/true);
  REQUIRE(receiver.WaitForCount(2));
  CHECK(receiver.hits()[1].id == msg);
  d = Settled(f, id, msg);
  CHECK(d["state"] == "delivered");
  CHECK(d["attempts"] == 2);
}

TEST_CASE("reminders follow an extension and are not sent twice across restarts",
          "[server][webhooks][integration]") {
  WebhookReceiver receiver;
  ApiFixture f("2026-03-01", Fast());
  HttpResult r = f.PostJson(f.coordinator, "/v1/plans",
                            {{"id", "nh-2026"},
                             {"title", "Kế hoạch năm học 2025-2026"},
                             {"authority", "ubnd-hp"},
                             {"period", {{"start", "2025-09-01"}, {"end", "2026-12-31"}}}});
  REQUIRE(r.status == 201);
  r = f.Post(f.coordinator, "/v1/plans/nh-2026/import",
             "TT;Nhiệm vụ;Cơ quan chủ trì;Cơ quan phối hợp;Kết quả/ Sản phẩm;Thời gian hoàn thành\n"
             "I;Báo cáo;;;;\n"
             "1;Báo cáo sơ kết học kỳ I;Sở GD&ĐT;;Báo cáo sơ kết;2026-03-04\n",
             {{"Content-Type", "text/csv"}});
  INFO(r.body);
  REQUIRE(r.status == 201);
  const std::string task = "nh-2026:I.1";
  const json hook =
      CreateHook(f, f.agency_hp,
                 {{"url", receiver.url()},
                  {"types", {"task.deadline.approaching", "task.deadline.today", "task.overdue"}},
                  {"reminders", {{"days_before", {7, 1, 0}}, {"overdue_every_days", 0}}}});
  const std::string id = hook["id"];

  // Due 03-04, extended to 03-09: the reminders move with it.
  r = f.PostJson(
      f.agency_hp, "/v1/tasks/" + task + "/extension-requests",
      {{"id", "gia-han-1"}, {"due", "2026-03-09"}, {"reason", "Chờ số liệu các trường"}});
  INFO(r.body);
  REQUIRE(r.status == 201);
  r = f.PostJson(f.coordinator, "/v1/tasks/" + task + "/extension-requests/gia-han-1/decision",
                 {{"decision", "granted"}});
  INFO(r.body);
  REQUIRE(r.status == 201);

  // 2026-03-03 08:00: since 03-01 the only reminder due is 7 days before 03-09 (03-02); the
  // old date's "1 day before" (03-03) is not sent.
  f.Restart("2026-03-03");
  REQUIRE(receiver.WaitForCount(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // a few ticks for anything else
  auto hits = receiver.hits();
  REQUIRE(hits.size() == 1);
  json body = json::parse(hits[0].body);
  CHECK(body["type"] == "task.deadline.approaching");
  CHECK(body["data"]["due"] == "2026-03-09");
  CHECK(body["data"]["days_left"] == 7);
  CHECK(body["data"]["task"]["id"] == task);

  // The same morning again, after a crash: nothing new.
  f.Restart("2026-03-03", /*crash=*/true);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  CHECK(receiver.hits().size() == 1);

  // The old due date passes without a word.
  f.Restart("2026-03-04");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  CHECK(receiver.hits().size() == 1);

  // The day before the new one: one reminder, the first not repeated.
  f.Restart("2026-03-08");
  REQUIRE(receiver.WaitForCount(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  hits = receiver.hits();
  REQUIRE(hits.size() == 2);
  body = json::parse(hits[1].body);
  CHECK(body["type"] == "task.deadline.approaching");
  CHECK(body["data"]["days_left"] == 1);
  CHECK(hits[0].id != hits[1].id);

  // Both are on the task's record, for the auditor.
  std::vector<json> told;
  for (int i = 0; i < 100 && told.size() < 2; ++i) {
    told = OfType(History(f, task), "task.notification_delivered");
    if (told.size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(told.size() == 2);
  CHECK(told[0]["data"]["type"] == "task.deadline.approaching");
  CHECK(told[0]["data"]["occurrence"] == "1");
  CHECK(told[0]["data"]["endpoint"] == id);

  // And on the task and in the plan's report.
  r = f.Get(f.agency_hp, "/v1/tasks/" + task);
  REQUIRE(r.status == 200);
  const json notes = r.json()["notifications"];
  REQUIRE(notes.size() == 2);
  CHECK(notes[1]["type"] == "task.deadline.approaching");
  CHECK(notes[1]["delivered"] == true);
  r = f.Get(f.coordinator, "/v1/plans/nh-2026/report");
  REQUIRE(r.status == 200);
  CHECK(r.json()["lines"][0]["notified"]["delivered"] == 2);
  CHECK(r.json()["lines"][0]["notified"]["last_delivered_at_ms"].is_number());
}

TEST_CASE("a slow receiver does not hold up a fast one", "[server][webhooks][integration]") {
  WebhookReceiver slow([](const Hit&) { return Answer{204, 1500}; });
  WebhookReceiver fast;
  ApiFixture f("2026-03-02", Fast({"--webhook-per-endpoint", "1"}));
  CreateHook(f, f.coordinator,
             {{"url", slow.url()}, {"agency", "so-gddt-hp"}, {"types", {"task.comment.added"}}});
  CreateHook(f, f.coordinator,
             {{"url", fast.url()}, {"agency", "so-gddt-hp"}, {"types", {"task.comment.added"}}});
  for (int i = 0; i < 5; ++i) {
    const HttpResult r = f.PostJson(f.coordinator, std::string("/v1/tasks/") + kTask + "/comments",
                                    {{"text", "Nhắc lần " + std::to_string(i + 1)}});
    REQUIRE(r.status == 201);
  }
  REQUIRE(fast.WaitForCount(5, 5000));
  CHECK(slow.hits().size() < 5);  // 1.5 s each, one at a time
}

TEST_CASE("rotation signs with both secrets for a day", "[server][webhooks][integration]") {
  WebhookReceiver receiver;
  ApiFixture f("2026-03-02", Fast());
  const json hook =
      CreateHook(f, f.coordinator, {{"url", receiver.url()}, {"agency", "so-gddt-hp"}});
  const std::string id = hook["id"];
  const HttpResult r = f.Post(f.coordinator, "/v1/webhooks/" + id + "/rotate-secret", "");
  INFO(r.body);
  REQUIRE(r.status == 200);
  const std::string fresh = r.json()["secret"];
  CHECK(fresh != hook["secret"]);
  CHECK(r.json()["secret_rotated_at_ms"].is_number());
  f.Post(f.coordinator, "/v1/webhooks/" + id + "/test", "");
  REQUIRE(receiver.WaitForCount(1));
  const Hit hit = receiver.hits()[0];
  const int64_t ts = std::stoll(hit.timestamp);
  CHECK(std::count(hit.signature.begin(), hit.signature.end(), ' ') == 1);
  CHECK(webhooks::Verify(*webhooks::SecretKey(fresh), hit.id, ts, hit.body, hit.signature, ts));
  CHECK(webhooks::Verify(*webhooks::SecretKey(hook["secret"].get<std::string>()), hit.id, ts,
                         hit.body, hit.signature, ts));
}

TEST_CASE("by default deliveries do not reach loopback or private addresses",
          "[server][webhooks][integration]") {
  WebhookReceiver receiver;
  ApiFixture f("2026-03-02", {"--webhook-retry", "0"});
  const std::string id =
      CreateHook(f, f.coordinator, {{"url", receiver.url()}, {"agency", "so-gddt-hp"}})["id"];
  const std::string msg = f.Post(f.coordinator, "/v1/webhooks/" + id + "/test", "").json()["id"];
  const json d = Settled(f, id, msg);
  CHECK(d["state"] == "failed");
  CHECK(d["last_error"].get<std::string>().find("address not allowed") != std::string::npos);
  CHECK(receiver.hits().empty());
}
