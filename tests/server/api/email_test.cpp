// Email through the real server: an address receives nothing before its owner follows the
// mailed link; a coordinator may vouch for an official one; one-click unsubscribe is honoured
// and recorded; a 4xx is retried (also across a restart) as the same message, a 5xx marks the
// address failing; addresses and link tokens stay out of the server's log. The SMTP server is
// aiosmtpd and the mail is read with Python's email package.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/server/email_helpers.h"
#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

// The link in a mail's plain text that starts with `prefix`.
std::string LinkIn(const json& mail, const std::string& prefix) {
  const std::string text = mail["parts"][0]["text"];
  const size_t at = text.find(prefix);
  REQUIRE(at != std::string::npos);
  const size_t end = text.find_first_of(" \r\n", at);
  return text.substr(at, end - at);
}

std::string PathOf(const std::string& url) { return url.substr(std::string(kPublic).size()); }

// Polls `f.Get(token, path)` until `done(body)` or a few seconds pass.
json WaitUntil(ApiFixture& f, const std::string& token, const std::string& path,
               const std::function<bool(const json&)>& done) {
  json body;
  for (int i = 0; i < 200; ++i) {
    body = f.Get(token, path).json();
    if (done(body)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return body;
}

}  // namespace

TEST_CASE("an address receives mail only once confirmed, and one click stops it, on the record",
          "[server][integration][email]") {
  SmtpSink sink;
  ApiFixture f("2026-03-02", MailFlags(sink));
  const std::string address = "vanthu.hp@sogddt-hp.gov.vn";

  HttpResult created = f.PostJson(f.agency_hp, "/v1/email-subscriptions",
                                  {{"address", address}, {"digest", "daily"}});
  REQUIRE(created.status == 201);
  const json sub = created.json();
  const std::string id = sub["id"];
  CHECK(sub["agency"] == "so-gddt-hp");
  CHECK(sub["confirmed"] == false);
  CHECK(sub["sends"] == false);
  CHECK(sub["confirmation"]["sent"] == true);
  const std::string path = "/v1/email-subscriptions/" + id;

  // Nothing but the confirmation goes to it before the link is followed.
  CHECK(f.Post(f.agency_hp, path + "/test", "").status == 409);
  std::vector<json> mail = sink.WaitFor(1);
  REQUIRE(mail.size() == 1);
  CHECK(mail[0]["envelope"]["rcpt"] == json::array({address}));
  CHECK(mail[0]["subject"].get<std::string>().find("Xác nhận địa chỉ thư") != std::string::npos);
  CHECK(mail[0]["content_type"] == "multipart/alternative");
  CHECK(mail[0]["headers"]["auto-submitted"][0] == "auto-generated");
  const std::string confirm = LinkIn(mail[0], std::string(kPublic) + "/v1/email/confirm?t=");

  // An altered link does nothing; the page asks for a button press; the press confirms.
  std::string altered = PathOf(confirm);
  altered[altered.size() - 1] = altered.back() == 'a' ? 'b' : 'a';
  CHECK(f.Post("", altered, "").status == 400);
  HttpResult page = f.Get("", PathOf(confirm));
  CHECK(page.status == 200);
  CHECK(page.body.find("<form method=\"post\"") != std::string::npos);
  CHECK(f.Get(f.agency_hp, path).json()["confirmed"] == false);  // a GET changes nothing
  HttpResult done = f.Post("", PathOf(confirm), "");
  CHECK(done.status == 200);
  CHECK(done.body.find(address) != std::string::npos);
  json now = f.Get(f.agency_hp, path).json();
  CHECK(now["confirmed"] == true);
  CHECK(now["confirmed_by"] == "link");
  CHECK(f.Post("", PathOf(confirm), "").status == 200);  // again: says so, changes nothing

  // A test mail now goes, with a one-click unsubscribe.
  REQUIRE(f.Post(f.agency_hp, path + "/test", "").status == 202);
  mail = sink.WaitFor(2);
  REQUIRE(mail.size() == 2);
  const json& test = mail[1];
  const std::string unsubscribe = test["headers"]["list-unsubscribe"][0];
  REQUIRE(unsubscribe.starts_with(std::string("<") + kPublic + "/v1/email/unsubscribe?t="));
  CHECK(test["headers"]["list-unsubscribe-post"][0] == "List-Unsubscribe=One-Click");
  CHECK(test["headers"]["message-id"][0].get<std::string>().ends_with("@taskledger.example.vn>"));

  // The mail client's one click (RFC 8058): a POST, no token, recorded.
  const std::string unsubscribe_path = PathOf(unsubscribe.substr(1, unsubscribe.size() - 2));
  HttpResult off = f.Post("", unsubscribe_path, "List-Unsubscribe=One-Click",
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
  CHECK(off.status == 200);
  now = f.Get(f.coordinator, path).json();
  CHECK(now["enabled"] == false);
  CHECK(now["sends"] == false);
  CHECK(now["unsubscribed_at_ms"].is_number());
  const json events = f.Get(f.auditor, "/v1/events?limit=1000").json();
  bool recorded = false;
  for (const json& e : events["items"]) {
    if (e["type"] == "email.unsubscribed") {
      recorded = e["data"]["how"] == "one-click" && e["stream"] == "email-" + id;
    }
  }
  CHECK(recorded);
  CHECK(f.Post(f.agency_hp, path + "/test", "").status == 409);

  // On again: the owner confirms anew.
  json on = f.Send(f.agency_hp, "PATCH", path, {{"enabled", true}}).json();
  CHECK(on["enabled"] == true);
  CHECK(on["confirmed"] == false);
  CHECK(on["confirmation"]["sent"] == true);

  // A backup holds the mail outbox with the key of the links: restored elsewhere, the link of
  // the confirmation mailed before the backup still works.
  mail = sink.WaitFor(3);
  REQUIRE(mail.size() == 3);
  const std::string again = LinkIn(mail[2], std::string(kPublic) + "/v1/email/confirm?t=");
  HttpResult backup =
      f.Post(f.coordinator, "/v1/backups", "", {{"Content-Type", "application/json"}});
  INFO(backup.body);
  REQUIRE(backup.status == 201);
  CHECK(backup.json()["mail"] == true);
  const std::string restored = f.dir.Sub("restored");
  const ToolRun run = RunTool(
      {"restore", "--from", f.dir.Sub("data-backups/" + backup.json()["name"].get<std::string>()),
       "--data-dir", restored});
  INFO(run.out);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("the mail outbox") != std::string::npos);
  std::vector<std::string> flags = MailFlags(sink);
  flags.insert(flags.end(), {"--clock-start", "2026-03-02"});
  ServerProcess elsewhere(restored, flags);
  CHECK(HttpCall(elsewhere.port(), "POST", PathOf(again)).status == 200);
  CHECK(HttpCall(elsewhere.port(), "GET", path, "", {{"Authorization", "Bearer " + f.agency_hp}})
            .json()["confirmed"] == true);

  // Addresses and link tokens never reach the server's log. The request log is written out
  // every second: wait for the lines of the links followed, then look.
  const std::string token = confirm.substr(confirm.find("t=") + 2);
  std::string log;
  for (int i = 0; i < 60; ++i) {
    log = f.server->log();
    if (log.find("POST /v1/email/unsubscribe?t=[redacted]") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(log.find("GET /v1/email/confirm?t=[redacted]") != std::string::npos);
  CHECK(log.find("POST /v1/email/unsubscribe?t=[redacted]") != std::string::npos);
  CHECK(log.find(address) == std::string::npos);
  CHECK(log.find(token) == std::string::npos);
}

TEST_CASE("a coordinator vouches for an official address; agencies see only their own",
          "[server][integration][email]") {
  SmtpSink sink;
  ApiFixture f("2026-03-02", MailFlags(sink));
  // An agency may not vouch for itself.
  CHECK(f.PostJson(f.agency_bk, "/v1/email-subscriptions",
                   {{"address", "vanthu@bk.gov.vn"}, {"confirmed", true}})
            .status == 403);
  HttpResult created =
      f.PostJson(f.coordinator, "/v1/email-subscriptions",
                 {{"agency", "so-gddt-bk"}, {"address", "vanthu@bk.gov.vn"}, {"confirmed", true}});
  REQUIRE(created.status == 201);
  const json sub = created.json();
  CHECK(sub["confirmed"] == true);
  CHECK(sub["confirmed_by"].get<std::string>().starts_with("coordinator:"));
  CHECK_FALSE(sub.contains("confirmation"));
  const std::string path = "/v1/email-subscriptions/" + sub["id"].get<std::string>();
  CHECK(f.Get(f.agency_bk, path).status == 200);
  CHECK(f.Get(f.agency_hp, path).status == 404);
  CHECK(f.Get(f.agency_hp, "/v1/email-subscriptions").json()["items"].empty());
  CHECK(f.Get(f.auditor, "/v1/email-subscriptions").json()["items"].size() == 1);
  CHECK(f.Send(f.auditor, "DELETE", path).status == 403);
  // The same address twice, and bad ones, are refused with the field named.
  CHECK(f.PostJson(f.coordinator, "/v1/email-subscriptions",
                   {{"agency", "so-gddt-bk"}, {"address", "VANTHU@bk.gov.vn"}})
            .status == 409);
  HttpResult bad = f.PostJson(f.agency_bk, "/v1/email-subscriptions",
                              {{"address", "Văn thư <vanthu@bk.gov.vn>"}});
  CHECK(bad.status == 422);
  CHECK(bad.body.find("address") != std::string::npos);
  CHECK(f.PostJson(f.agency_bk, "/v1/email-subscriptions",
                   {{"address", "a@bk.gov.vn"}, {"digest", "hourly"}})
            .status == 400);
  // Nothing was mailed: the address was vouched for, the others refused.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(sink.Messages().empty());
}

TEST_CASE(
    "a busy relay's mail is sent again as the same message, across a restart; a refused "
    "address is marked failing",
    "[server][integration][email]") {
  SmtpSink sink;
  ApiFixture f("2026-03-02", MailFlags(sink));
  const json sub =
      f.PostJson(
           f.coordinator, "/v1/email-subscriptions",
           {{"agency", "so-gddt-hp"}, {"address", "vanthu@sogddt-hp.gov.vn"}, {"confirmed", true}})
          .json();
  const std::string path = "/v1/email-subscriptions/" + sub["id"].get<std::string>();
  // Three refusals (451), then a restart in the middle of the schedule.
  sink.Control({{"data", {451, 451, 451}}});
  REQUIRE(f.Post(f.coordinator, path + "/test", "").status == 202);
  json deliveries = WaitUntil(f, f.coordinator, path + "/deliveries", [](const json& b) {
    return !b["items"].empty() && b["items"][0]["attempts"].get<int>() >= 1;
  });
  REQUIRE_FALSE(deliveries["items"].empty());
  CHECK(deliveries["items"][0]["last_status"] == 451);
  f.Restart();
  std::vector<json> mail = sink.WaitFor(1);
  REQUIRE(mail.size() == 1);
  deliveries = WaitUntil(f, f.coordinator, path + "/deliveries",
                         [](const json& b) { return b["items"][0]["state"] == "delivered"; });
  CHECK(deliveries["items"][0]["state"] == "delivered");
  CHECK(deliveries["items"][0]["attempts"] == 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(sink.Messages().size() == 1);  // once, under its one Message-ID

  // A 5xx is final: not retried, and the address is marked for the coordinator.
  const json gone =
      f.PostJson(
           f.coordinator, "/v1/email-subscriptions",
           {{"agency", "so-gddt-hp"}, {"address", "gone@sogddt-hp.gov.vn"}, {"confirmed", true}})
          .json();
  sink.Control({{"rcpt", {{"gone@sogddt-hp.gov.vn", 550}}}});
  const std::string gone_path = "/v1/email-subscriptions/" + gone["id"].get<std::string>();
  REQUIRE(f.Post(f.coordinator, gone_path + "/test", "").status == 202);
  const json marked =
      WaitUntil(f, f.coordinator, gone_path, [](const json& b) { return !b["failing"].is_null(); });
  CHECK(marked["failing"].get<std::string>().find("550") != std::string::npos);
  deliveries = f.Get(f.coordinator, gone_path + "/deliveries").json();
  CHECK(deliveries["items"][0]["state"] == "failed");
  CHECK(deliveries["items"][0]["attempts"] == 1);
}

TEST_CASE(
    "confirmed addresses get the deadline reminders and the changes of their agency's "
    "tasks, once, across a restart",
    "[server][integration][email]") {
  SmtpSink sink;
  // Two seconds before 08:00 in Vietnam on 24/12/2026: a week before I.1 (led by so-gddt-hp) is
  // due on 31/12/2026, its reminder goes out at 08:00.
  ApiFixture f("2026-12-24T07:59:58", MailFlags(sink));
  const json hp = f.PostJson(f.coordinator, "/v1/email-subscriptions",
                             {{"agency", "so-gddt-hp"},
                              {"address", "vanthu@sogddt-hp.gov.vn"},
                              {"confirmed", true},
                              {"digest", "none"}})
                      .json();
  // An unconfirmed address of the same agency gets only its confirmation.
  REQUIRE(f.PostJson(f.agency_hp, "/v1/email-subscriptions", {{"address", "khac@sogddt-hp.gov.vn"}})
              .status == 201);
  // An English-speaking address that wants no reminders, only changes.
  REQUIRE(f.PostJson(f.coordinator, "/v1/email-subscriptions",
                     {{"agency", "so-gddt-hp"},
                      {"address", "it@sogddt-hp.gov.vn"},
                      {"confirmed", true},
                      {"reminders", false},
                      {"language", "en"}})
              .status == 201);
  // One with reminder days of its own: three days before, only.
  const json own = f.PostJson(f.coordinator, "/v1/email-subscriptions",
                              {{"agency", "so-gddt-hp"},
                               {"address", "lanhdao@sogddt-hp.gov.vn"},
                               {"confirmed", true},
                               {"changes", false},
                               {"reminder_schedule", {{"days_before", {3}}}}})
                       .json();
  CHECK(own["reminder_schedule_own"] == true);
  CHECK(own["reminder_schedule"]["days_before"] == json::array({3}));
  CHECK(hp["reminder_schedule_own"] == false);
  CHECK(hp["reminder_schedule"]["days_before"] == json::array({30, 7, 1, 0}));
  HttpResult bad = f.PostJson(f.coordinator, "/v1/email-subscriptions",
                              {{"agency", "so-gddt-hp"},
                               {"address", "sai@sogddt-hp.gov.vn"},
                               {"reminder_schedule", {{"days_before", {400}}}}});
  CHECK(bad.status == 400);
  CHECK(bad.json()["errors"][0]["field"] == "reminder_schedule.days_before");
  const auto to = [&](const std::string& address) { return MailTo(sink, address); };
  const auto with_subject = [](const std::vector<json>& mails, const std::string& part) {
    return std::count_if(mails.begin(), mails.end(), [&](const json& m) {
      return m["subject"].get<std::string>().find(part) != std::string::npos;
    });
  };
  std::vector<json> got;
  for (int i = 0; i < 200; ++i) {
    got = to("vanthu@sogddt-hp.gov.vn");
    if (with_subject(got, "[Nhắc hạn] I.1 — hạn 31/12/2026, còn 7 ngày") > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(with_subject(got, "[Nhắc hạn] I.1 — hạn 31/12/2026, còn 7 ngày") == 1);
  const json& reminder = *std::find_if(got.begin(), got.end(), [](const json& m) {
    return m["subject"].get<std::string>().find("] I.1 —") != std::string::npos;
  });
  CHECK(reminder["headers"]["x-taskledger-type"][0] == "task.deadline.approaching");
  CHECK(reminder["parts"][0]["text"].get<std::string>().find(
            "https://taskledger.example.vn/#/task/hp-tieng-anh-2025:I.1") != std::string::npos);
  CHECK(reminder["parts"][1]["text"].get<std::string>().find("Xem nhiệm vụ") != std::string::npos);
  CHECK(reminder["headers"].contains("list-unsubscribe"));
  // Its outcome is on the task, in the log: channel email, the address, the attempts.
  json recorded;
  for (int i = 0; i < 100 && recorded.is_null(); ++i) {
    const json events = f.Get(f.auditor, "/v1/events?limit=1000").json();
    for (const json& e : events["items"]) {
      if (e["type"] == "task.notification_delivered" &&
          e["stream"] == "task-hp-tieng-anh-2025:I.1" &&
          e["data"].value("channel", "") == "email") {
        recorded = e;
      }
    }
    if (recorded.is_null()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE_FALSE(recorded.is_null());
  CHECK(recorded["data"]["address"] == "vanthu@sogddt-hp.gov.vn");
  CHECK(recorded["data"]["type"] == "task.deadline.approaching");
  CHECK(recorded["data"]["attempts"] == 1);
  // The report counts it among the task's notifications.
  const json report = f.Get(f.coordinator, "/v1/plans/hp-tieng-anh-2025/report").json();
  int told = 0;
  for (const json& line : report["lines"]) {
    if (line["task"] == "hp-tieng-anh-2025:I.1") told += line["notified"]["delivered"].get<int>();
  }
  CHECK(told >= 1);
  CHECK(with_subject(to("it@sogddt-hp.gov.vn"), "I.1") == 0);    // wants no reminders
  CHECK(with_subject(to("khac@sogddt-hp.gov.vn"), "I.1") == 0);  // not confirmed

  // A comment on I.1: its lead agency's addresses that want changes hear of it.
  REQUIRE(f.PostJson(f.coordinator, "/v1/tasks/hp-tieng-anh-2025:I.1/comments",
                     {{"text", "Đề nghị báo cáo tiến độ"}})
              .status == 201);
  std::vector<json> it_mail;
  for (int i = 0; i < 200 && with_subject(it_mail, "[Comment] I.1") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    it_mail = to("it@sogddt-hp.gov.vn");
  }
  CHECK(with_subject(it_mail, "[Comment] I.1") == 1);
  got = to("vanthu@sogddt-hp.gov.vn");
  for (int i = 0; i < 100 && with_subject(got, "[Ý kiến] I.1") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    got = to("vanthu@sogddt-hp.gov.vn");
  }
  CHECK(with_subject(got, "[Ý kiến] I.1") == 1);

  // After a restart nothing is sent again.
  const size_t before = sink.Messages().size();
  f.Restart();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(sink.Messages().size() == before);
  CHECK(with_subject(to("lanhdao@sogddt-hp.gov.vn"), "I.1") == 0);  // not its day

  // Three days before, at 08:00: the address with its own days hears of I.1; the others, whose
  // days are the server's (30, 7, 1, 0), do not.
  f.Restart("2026-12-28T07:59:58");
  std::vector<json> own_mail;
  for (int i = 0; i < 200; ++i) {
    own_mail = to("lanhdao@sogddt-hp.gov.vn");
    if (with_subject(own_mail, "[Nhắc hạn] I.1 — hạn 31/12/2026, còn 3 ngày") > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(with_subject(own_mail, "[Nhắc hạn] I.1 — hạn 31/12/2026, còn 3 ngày") == 1);
  CHECK(with_subject(to("vanthu@sogddt-hp.gov.vn"), "còn 3 ngày") == 0);
}
