// The digest through the real server: at 07:30 Vietnam time a confirmed address that chose one
// receives where its agency's tasks stand (due this week, deliverables awaiting review, the
// extension decisions since the last digest), in its language; an agency with nothing to say
// receives none; a restart sends nothing again.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/server/email_helpers.h"
#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The digests `address` received (it may also receive the changes it wants).
std::vector<json> DigestsTo(const SmtpSink& sink, const std::string& address) {
  std::vector<json> out;
  for (json& m : MailTo(sink, address)) {
    if (m["headers"]["x-taskledger-type"][0] == "email.digest") out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

TEST_CASE("a daily and a weekly digest at 07:30 say where the agency's tasks stand",
          "[server][integration][email]") {
  SmtpSink sink;
  // Monday 28/12/2026, a quarter of a minute before 07:30 in Vietnam (time to set up what the
  // digest should say): I.1 (led by so-gddt-hp) is due on Thursday 31/12/2026.
  ApiFixture f("2026-12-28T07:29:45", MailFlags(sink));
  const auto subscribe = [&](const json& body) {
    HttpResult r = f.PostJson(f.coordinator, "/v1/email-subscriptions", body);
    INFO(r.body);
    REQUIRE(r.status == 201);
  };
  subscribe({{"agency", "so-gddt-hp"},
             {"address", "vanthu@sogddt-hp.gov.vn"},
             {"confirmed", true},
             {"digest", "daily"}});
  subscribe({{"agency", "so-gddt-hp"},
             {"address", "it@sogddt-hp.gov.vn"},
             {"confirmed", true},
             {"language", "en"},
             {"digest", "weekly"}});
  subscribe({{"agency", "so-gddt-hp"},
             {"address", "khac@sogddt-hp.gov.vn"},
             {"confirmed", true},
             {"digest", "none"}});
  // An agency with no task at all: nothing to say, no digest.
  REQUIRE(f.PostJson(f.coordinator, "/v1/agencies",
                     {{"id", "truong-thu"}, {"name", "Trường Thử"}, {"kind", "institution"}})
              .status == 201);
  subscribe({{"agency", "truong-thu"},
             {"address", "truong-thu@hp.edu.vn"},
             {"confirmed", true},
             {"digest", "daily"}});

  // Before 07:30: a deliverable submitted (awaiting review) and an extension refused.
  const std::string task = "/v1/tasks/hp-tieng-anh-2025:I.1";
  REQUIRE(f.PostJson(f.agency_hp, task + "/deliverables", {{"name", "Kế hoạch tuyên truyền.pdf"}})
              .status == 201);
  REQUIRE(f.PostJson(f.agency_hp, task + "/extension-requests",
                     {{"id", "gia-han-1"}, {"due", "2027-01-15"}, {"reason", "Chờ số liệu"}})
              .status == 201);
  REQUIRE(f.PostJson(f.coordinator, task + "/extension-requests/gia-han-1/decision",
                     {{"decision", "refused"}, {"comment", "Đề nghị hoàn thành đúng hạn"}})
              .status == 201);

  std::vector<json> vi, en;
  for (int i = 0; i < 800 && (vi.empty() || en.empty()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    vi = DigestsTo(sink, "vanthu@sogddt-hp.gov.vn");
    en = DigestsTo(sink, "it@sogddt-hp.gov.vn");
  }
  REQUIRE(vi.size() == 1);
  REQUIRE(en.size() == 1);

  const std::string subject = vi[0]["subject"];
  INFO(subject);
  CHECK(subject.starts_with("[Tổng hợp] 28/12/2026 — "));
  CHECK(Has(subject, " đến hạn tuần này"));
  CHECK(Has(subject, "1 chờ duyệt"));
  CHECK(Has(subject, "1 quyết định gia hạn"));
  CHECK(subject.ends_with(" · Sở Giáo dục và Đào tạo"));
  CHECK(vi[0]["headers"]["x-taskledger-type"][0] == "email.digest");
  CHECK(vi[0]["headers"].contains("list-unsubscribe"));
  CHECK(vi[0]["content_type"] == "multipart/alternative");
  const std::string text = vi[0]["parts"][0]["text"];
  INFO(text);
  CHECK(Has(text, "Đến hạn trong tuần này ("));
  CHECK(Has(text, "- I.1 · hạn 31/12/2026, còn 3 ngày — "));
  CHECK(Has(text, "https://taskledger.example.vn/#/task/hp-tieng-anh-2025:I.1"));
  CHECK(Has(text, "Sản phẩm đã nộp, đang chờ duyệt (1)"));
  CHECK(Has(text, "- I.1 · Kế hoạch tuyên truyền.pdf · nộp ngày 28/12/2026"));
  CHECK(Has(text, "Đề nghị gia hạn đã có quyết định (1)"));
  CHECK(Has(text, "- I.1 · không chấp thuận"));
  const std::string html = vi[0]["parts"][1]["text"];
  CHECK(Has(html, "<h3"));
  CHECK(Has(html, "href=\"https://taskledger.example.vn/#/task/hp-tieng-anh-2025:I.1\""));

  const std::string english = en[0]["subject"];
  INFO(english);
  CHECK(english.starts_with("[Digest] 28/12/2026 — "));
  const std::string en_text = en[0]["parts"][0]["text"];
  CHECK(Has(en_text, "Due this week ("));
  CHECK(Has(en_text, "- I.1 · due 31/12/2026, 3 day(s) left — "));
  CHECK(Has(en_text, "- I.1 · refused"));

  // Each digest's outcome is in the log, on the address's stream, with the tasks it listed.
  json recorded;
  for (int i = 0; i < 100 && recorded.is_null(); ++i) {
    const json events = f.Get(f.auditor, "/v1/events?limit=1000").json();
    for (const json& e : events["items"]) {
      if (e["type"] == "email.digest_sent" && e["data"]["address"] == "vanthu@sogddt-hp.gov.vn") {
        recorded = e;
      }
    }
    if (recorded.is_null()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE_FALSE(recorded.is_null());
  CHECK(recorded["data"]["delivered"] == true);
  CHECK(recorded["data"]["day"] == "2026-12-28");
  CHECK(recorded["data"]["attempts"] == 1);
  CHECK("<" + recorded["data"]["message"].get<std::string>() + "@taskledger.example.vn>" ==
        vi[0]["headers"]["message-id"][0]);
  const json& listed = recorded["data"]["tasks"];
  CHECK(std::find(listed.begin(), listed.end(), "hp-tieng-anh-2025:I.1") != listed.end());
  const json boxes = f.Get(f.coordinator, "/v1/email-subscriptions?agency=so-gddt-hp").json();
  for (const json& b : boxes["items"]) {
    if (b["address"] == "vanthu@sogddt-hp.gov.vn") CHECK(b["last_digest_at_ms"].is_number());
  }

  // No digest chosen, or nothing to say: no mail.
  CHECK(DigestsTo(sink, "khac@sogddt-hp.gov.vn").empty());
  CHECK(MailTo(sink, "truong-thu@hp.edu.vn").empty());

  // The same digest is not sent again after a restart.
  const size_t before = sink.Messages().size();
  f.Restart();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(sink.Messages().size() == before);
}

TEST_CASE("a coordinator sees which agencies of a plan cannot be reached, and why",
          "[server][integration][email]") {
  SmtpSink sink;
  ApiFixture f("2026-03-02", MailFlags(sink));
  const std::string path = "/v1/plans/hp-tieng-anh-2025/reach";
  const auto reach = [&] {
    HttpResult r = f.Get(f.coordinator, path);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return r.json();
  };
  const auto of = [](const json& body, const std::string& agency) {
    for (const json& a : body["agencies"]) {
      if (a["agency"] == agency) return a;
    }
    FAIL("no " << agency << " in the plan's reach");
    return json();
  };

  // Nothing set up yet: nobody can be told.
  json body = reach();
  const size_t agencies = body["agencies"].size();
  REQUIRE(agencies >= 3);
  CHECK(body["unreachable"] == agencies);
  CHECK(body["mail"] == true);
  json hp = of(body, "so-gddt-hp");
  CHECK(hp["reachable"] == false);
  CHECK(hp["problems"] == json::array({"no_channel"}));
  CHECK(hp["open_tasks"].get<int>() > 0);
  // Two other agencies of the plan, to give them channels that do not reach.
  std::vector<std::string> others;
  for (const json& a : body["agencies"]) {
    if (a["agency"] != "so-gddt-hp" && others.size() < 2) others.push_back(a["agency"]);
  }
  REQUIRE(others.size() == 2);

  // A confirmed address reaches so-gddt-hp: it moves after those still unreachable.
  REQUIRE(
      f.PostJson(
           f.coordinator, "/v1/email-subscriptions",
           {{"agency", "so-gddt-hp"}, {"address", "vanthu@sogddt-hp.gov.vn"}, {"confirmed", true}})
          .status == 201);
  // An address waiting for its owner's confirmation does not reach the first other agency.
  REQUIRE(f.PostJson(f.coordinator, "/v1/email-subscriptions",
                     {{"agency", others[0]}, {"address", "chua-xac-nhan@hp.gov.vn"}})
              .status == 201);
  // One that fails for good (550) does not reach the second.
  sink.Control({{"rcpt", {{"sai@hp.gov.vn", 550}}}});
  const json bad =
      f.PostJson(f.coordinator, "/v1/email-subscriptions",
                 {{"agency", others[1]}, {"address", "sai@hp.gov.vn"}, {"confirmed", true}})
          .json();
  REQUIRE(
      f.Post(f.coordinator, "/v1/email-subscriptions/" + bad["id"].get<std::string>() + "/test", "")
          .status == 202);
  for (int i = 0; i < 200; ++i) {
    if (!of(reach(), others[1])["problems"].empty() &&
        of(reach(), others[1])["problems"][0] == "email_failing") {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  body = reach();
  CHECK(body["unreachable"] == agencies - 1);
  hp = of(body, "so-gddt-hp");
  CHECK(hp["reachable"] == true);
  CHECK(hp["problems"].empty());
  CHECK(hp["email"]["sending"] == 1);
  CHECK(body["agencies"].back()["agency"] == "so-gddt-hp");  // the only one reached: last
  const json waiting = of(body, others[0]);
  CHECK(waiting["reachable"] == false);
  CHECK(waiting["problems"] == json::array({"email_unconfirmed"}));
  const json failing = of(body, others[1]);
  CHECK(failing["reachable"] == false);
  CHECK(failing["problems"] == json::array({"email_failing"}));
  CHECK(failing["email"]["sending"] == 1);
  CHECK(failing["email"]["failing"] == 1);

  // An enabled webhook reaches the first other agency.
  REQUIRE(f.PostJson(f.coordinator, "/v1/webhooks",
                     {{"agency", others[0]}, {"url", "https://hooks.example.vn/taskledger"}})
              .status == 201);
  const json hooked = of(reach(), others[0]);
  CHECK(hooked["reachable"] == true);
  CHECK(hooked["webhooks"]["enabled"] == 1);
  CHECK(hooked["problems"] == json::array({"email_unconfirmed"}));

  // Coordinators and auditors only.
  CHECK(f.Get(f.auditor, path).status == 200);
  CHECK(f.Get(f.agency_hp, path).status == 403);
  CHECK(f.Get(f.coordinator, "/v1/plans/khong-co/reach").status == 404);
}
