// The restore drill: a backup taken while clients write, restored elsewhere, answers as the
// original did at that point, with the same deliverable files, and its webhooks deliver again
// signed with the secrets the receivers already hold.
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <mutex>
#include <thread>

#include "tests/server/server_fixture.h"
#include "tests/server/webhook_receiver.h"
#include "webhooks/signature.h"

using namespace taskledger;
using namespace taskledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kTask = "/v1/tasks/hp-tieng-anh-2025:III.1";  // led by so-gddt-hp

// Events [from, to] as the API lists them.
json Events(uint16_t port, const std::string& token, uint64_t from, uint64_t to) {
  json out = json::array();
  for (uint64_t after = from - 1; after < to;) {
    const HttpResult r =
        HttpCall(port, "GET", "/v1/events?after=" + std::to_string(after) + "&limit=1000", "",
                 {{"Authorization", "Bearer " + token}});
    REQUIRE(r.status == 200);
    const json page = r.json()["items"];
    if (page.empty()) break;
    for (const json& e : page) {
      if (e["position"].get<uint64_t>() > to) break;
      out.push_back(e);
    }
    after = page.back()["position"];
  }
  return out;
}

HttpResult Get(uint16_t port, const std::string& token, const std::string& target) {
  return HttpCall(port, "GET", target, "", {{"Authorization", "Bearer " + token}});
}

}  // namespace

TEST_CASE(
    "a backup taken under load restores elsewhere: same answers, same files, deliveries "
    "resume with the same secrets",
    "[server][integration][backup]") {
  WebhookReceiver receiver;
  ApiFixture f("2026-03-02", {"--rate-limit", "0", "--webhook-addresses", "loopback",
                              "--webhook-retry", "0,200ms", "--webhook-jitter", "0"});
  HttpResult r = f.PostJson(f.coordinator, "/v1/webhooks",
                            {{"url", receiver.url()}, {"agency", "so-gddt-hp"}});
  REQUIRE(r.status == 201);
  const std::string hook = r.json()["id"];
  const std::string secret = r.json()["secret"];
  const std::string pdf(300000, 'P');
  r = f.Post(
      f.agency_hp, std::string(kTask) + "/deliverables",
      "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Báo cáo.pdf\"\r\n\r\n" +
          pdf + "\r\n--b--\r\n",
      {{"Content-Type", "multipart/form-data; boundary=b"}});
  REQUIRE(r.status == 201);
  const std::string deliverable = r.json()["task"]["occurrences"][0]["deliverables"][0]["id"];

  // Writers keep writing (and the webhook keeps being told) while the backup is taken.
  std::atomic<bool> done{false};
  std::atomic<int> written{0};
  std::mutex errors_mu;
  std::vector<std::string> errors;  // a writer thread must not throw (nor use Catch)
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !done; ++i) {
        try {
          const HttpResult c =
              f.PostJson(f.coordinator, std::string(kTask) + "/comments",
                         {{"text", "luồng " + std::to_string(w) + " ý " + std::to_string(i)}});
          if (c.status == 201) ++written;
        } catch (const std::exception& e) {
          std::lock_guard lock(errors_mu);
          errors.push_back(e.what());
        }
      }
    });
  }
  while (written < 40) std::this_thread::yield();
  r = f.Post(f.coordinator, "/v1/backups", "", {{"Content-Type", "application/json"}});
  while (written < 80) std::this_thread::yield();
  done = true;
  for (auto& t : writers) t.join();
  INFO("writers' errors: " << json(errors).dump());
  CHECK(errors.empty());
  INFO(r.body);
  if (r.status != 201) {
    const std::string log = f.server->log();
    FAIL(log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
  }
  const json backup = r.json();
  const uint64_t at = backup["head"]["position"];
  CHECK(backup["outbox"] == true);
  CHECK(backup["files"] == 1);
  CHECK(at < f.HeadPosition());  // writes went on after it
  CHECK(Get(f.server->port(), f.auditor, "/v1/backups").json()["items"][0]["name"] ==
        backup["name"]);
  CHECK(f.Post(f.agency_hp, "/v1/backups", "").status == 403);

  // Restore elsewhere, offline, and serve it.
  const std::string copy = f.dir.Sub("data-backups/" + backup["name"].get<std::string>());
  const std::string restored = f.dir.Sub("restored");
  const ToolRun run = RunTool({"restore", "--from", copy, "--data-dir", restored});
  INFO(run.out);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("restored position " + std::to_string(at) + " ") != std::string::npos);
  CHECK(run.out.find("chain verified") != std::string::npos);
  ServerProcess again(restored, {"--clock-start", "2026-03-02", "--webhook-addresses", "loopback",
                                 "--webhook-retry", "0,200ms", "--webhook-jitter", "0"});

  // The same log up to the backup's head: every event, every hash.
  const json original = Events(f.server->port(), f.auditor, 1, at);
  const json copied = Events(again.port(), f.auditor, 1, at);
  CHECK(copied.size() == at);
  CHECK(copied == original);
  // (Past it, the restored server records the outcomes of what it delivers.)
  CHECK(Get(again.port(), f.auditor, "/v1/audit/verify").json()["ok"] == true);
  // The same answers from the same log: a task replayed as of today on both, the file.
  const json task_then = Get(f.server->port(), f.auditor, "/v1/tasks/hp-tieng-anh-2025:I.2").json();
  CHECK(Get(again.port(), f.auditor, "/v1/tasks/hp-tieng-anh-2025:I.2").json() == task_then);
  const HttpResult file = Get(again.port(), f.coordinator,
                              std::string(kTask) + "/deliverables/" + deliverable + "/file");
  REQUIRE(file.status == 200);
  CHECK(file.body == pdf);

  // Deliveries resume: a change on the restored server reaches the receiver signed with the
  // secret it was given before the backup.
  const size_t before = receiver.hits().size();
  REQUIRE(
      HttpCall(again.port(), "POST", std::string(kTask) + "/comments",
               json{{"text", "sau khi khôi phục"}}.dump(),
               {{"Authorization", "Bearer " + f.coordinator}, {"Content-Type", "application/json"}})
          .status == 201);
  bool told = false;
  for (int i = 0; i < 200 && !told; ++i) {
    for (const Hit& h : receiver.hits()) {
      if (h.body.find("sau khi khôi phục") == std::string::npos) continue;
      const int64_t ts = std::stoll(h.timestamp);
      CHECK(webhooks::Verify(*webhooks::SecretKey(secret), h.id, ts, h.body, h.signature, ts));
      told = true;
    }
    if (!told) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(told);
  CHECK(receiver.hits().size() > before);
  CHECK(again.Stop() == 0);
  (void)hook;
}

TEST_CASE("backup and restore refuse to overwrite", "[server][integration][backup]") {
  ApiFixture f;
  REQUIRE(f.server->Stop() == 0);
  const std::string data = f.dir.Sub("data");
  ToolRun r = RunTool({"backup", "--to", f.dir.Sub("b1"), "--data-dir", data});
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(RunTool({"backup", "--to", f.dir.Sub("b1"), "--data-dir", data}).exit_code != 0);
  CHECK(RunTool({"restore", "--from", f.dir.Sub("b1"), "--data-dir", data}).exit_code == 2);
  CHECK(RunTool({"restore", "--from", f.dir.Sub("nothing"), "--data-dir", f.dir.Sub("x")})
            .exit_code == 2);
  r = RunTool({"restore", "--from", f.dir.Sub("b1"), "--data-dir", f.dir.Sub("r1")});
  INFO(r.out);
  CHECK(r.exit_code == 0);
  f.Restart();
}
