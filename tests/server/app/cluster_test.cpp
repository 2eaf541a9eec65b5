// Several `taskledger serve` nodes on one PostgreSQL log (events/pg_event_store.h), against real
// PostgreSQL servers started in temporary directories: what one node writes another reads,
// conflicting writes on two nodes, a lost database, bad configuration, and migrating a log
// between RocksDB and PostgreSQL.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/server/server_fixture.h"
#include "tests/support/pg_server.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {

const std::string kTask = "/v1/tasks/bk-ngoai-ngu-2018:A.I.1.1";

std::vector<std::pair<std::string, std::string>> Auth(const std::string& token,
                                                      std::string position = {}) {
  std::vector<std::pair<std::string, std::string>> h = {{"Authorization", "Bearer " + token},
                                                        {"Content-Type", "application/json"}};
  if (!position.empty()) h.emplace_back("TaskLedger-Position", std::move(position));
  return h;
}

int CommentCount(uint16_t port, const std::string& token, const std::string& position = {}) {
  const HttpResult r = HttpCall(port, "GET", kTask, {}, Auth(token, position));
  REQUIRE(r.status == 200);
  return r.json().value("version", -1);
}

}  // namespace

TEST_CASE("two nodes on one PostgreSQL log: each reads what the other wrote",
          "[server][integration][cluster]") {
  PgServer& pg = PgServer::Shared();
  ApiFixture a("2026-03-02", {"--rate-limit", "0", "--node-name", "a"}, pg.NewDatabase());
  TempDir b_dir;
  ServerProcess b(b_dir.Sub("data"), {"--clock-start", "2026-03-02", "--rate-limit", "0",
                                      "--node-name", "b", "--store", a.store_uri()});

  // Both answer with the same log.
  const json health_a = HttpCall(a.server->port(), "GET", "/healthz").json();
  const json health_b = HttpCall(b.port(), "GET", "/healthz").json();
  CHECK(health_a["store"] == "postgresql");
  CHECK(health_b["node"] == "b");
  CHECK(health_a["position"] == health_b["position"]);

  // A command on A, read back on B with the position A answered with: at once.
  const int before = CommentCount(b.port(), a.coordinator);
  const HttpResult wrote = a.PostJson(a.coordinator, kTask + "/comments", {{"text", "Từ nút A"}});
  REQUIRE(wrote.status == 201);
  const std::string position = wrote.header("taskledger-position");
  REQUIRE(!position.empty());
  CHECK(std::stoull(position) >= wrote.json()["positions"][1].get<uint64_t>());
  CHECK(CommentCount(b.port(), a.coordinator, position) == before + 1);

  // Without the position, B still sees it within a bounded delay: the notification wakes it,
  // and it reads the head every second should one be missed.
  const HttpResult again = HttpCall(b.port(), "POST", kTask + "/comments",
                                    json{{"text", "Từ nút B"}}.dump(), Auth(a.coordinator));
  REQUIRE(again.status == 201);
  const auto start = std::chrono::steady_clock::now();
  while (CommentCount(a.server->port(), a.coordinator) < before + 2 &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(2)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(CommentCount(a.server->port(), a.coordinator) == before + 2);

  // A position this node cannot reach in time: 503 with Retry-After, not a stale answer.
  const HttpResult ahead = HttpCall(b.port(), "GET", kTask, {}, Auth(a.coordinator, "999999999"));
  CHECK(ahead.status == 503);
  CHECK(!ahead.header("retry-after").empty());
  CHECK(HttpCall(b.port(), "GET", kTask, {}, Auth(a.coordinator, "x1")).status == 400);
}

TEST_CASE("conflicting commands on two nodes: one wins, the other is decided again or gets 412",
          "[server][integration][cluster]") {
  PgServer& pg = PgServer::Shared();
  ApiFixture a("2026-03-02", {"--rate-limit", "0"}, pg.NewDatabase());
  TempDir b_dir;
  ServerProcess b(b_dir.Sub("data"),
                  {"--clock-start", "2026-03-02", "--rate-limit", "0", "--store", a.store_uri()});
  const std::string etag = a.Get(a.coordinator, kTask).header("etag");
  REQUIRE(!etag.empty());

  // With If-Match on the same version, sent to A and B at once: exactly one is applied.
  HttpResult on_a, on_b;
  std::thread ta([&] {
    on_a = a.PostJson(a.coordinator, kTask + "/comments", {{"text", "A"}}, {{"If-Match", etag}});
  });
  std::thread tb([&] {
    auto h = Auth(a.coordinator);
    h.emplace_back("If-Match", etag);
    on_b = HttpCall(b.port(), "POST", kTask + "/comments", json{{"text", "B"}}.dump(), h);
  });
  ta.join();
  tb.join();
  INFO("A: " << on_a.status << " " << on_a.body << "\nB: " << on_b.status << " " << on_b.body);
  CHECK(((on_a.status == 201 && on_b.status == 412) || (on_a.status == 412 && on_b.status == 201)));

  // Without If-Match, many at once on both nodes: every one applied, the log gapless.
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const uint16_t port = t % 2 == 0 ? a.server->port() : b.port();
      for (int i = 0; i < 10; ++i) {
        const HttpResult r =
            HttpCall(port, "POST", kTask + "/comments",
                     json{{"text", "lượt " + std::to_string(t) + "." + std::to_string(i)}}.dump(),
                     Auth(a.coordinator));
        if (r.status == 201) ++created;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(created == 80);
  ToolRun verify = RunTool({"verify", "--store", a.store_uri(), "--data-dir", b_dir.Sub("v")});
  INFO(verify.out);
  CHECK(verify.exit_code == 0);
}

TEST_CASE("a lost database: writes get 503 with Retry-After, reads go on, writes resume",
          "[server][integration][cluster]") {
  auto pg = PgServer::Start();
  ApiFixture f("2026-03-02", {"--rate-limit", "0"}, pg->NewDatabase());
  const int before = CommentCount(f.server->port(), f.coordinator);

  pg->Stop();
  const HttpResult refused = f.PostJson(f.coordinator, kTask + "/comments", {{"text", "mất"}});
  CHECK(refused.status == 503);
  CHECK(refused.json()["type"].get<std::string>().ends_with("storage-unavailable"));
  CHECK(!refused.header("retry-after").empty());
  CHECK(CommentCount(f.server->port(), f.coordinator) == before);  // reads go on
  CHECK(HttpCall(f.server->port(), "GET", "/healthz").json()["writes"] == "Unavailable");

  pg->Restart();
  int status = 0;
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    status = f.PostJson(f.coordinator, kTask + "/comments", {{"text", "trở lại"}}).status;
    if (status == 201) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  CHECK(status == 201);
  CHECK(CommentCount(f.server->port(), f.coordinator) == before + 1);
}

TEST_CASE("bad store configuration stops start-up with a clear message",
          "[server][integration][cluster]") {
  PgServer& pg = PgServer::Shared();
  TempDir dir;
  // Nothing listens there.
  ToolRun r = RunTool({"verify", "--data-dir", dir.Sub("d"), "--store",
                       "postgresql://tl@127.0.0.1:1/none?connect_timeout=2"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("cannot connect") != std::string::npos);
  // No such database.
  r = RunTool({"verify", "--data-dir", dir.Sub("d"), "--store", pg.Uri("no_such_db")});
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("no_such_db") != std::string::npos);
  // A schema this build does not read.
  const std::string uri = pg.NewDatabase();
  REQUIRE(RunTool({"verify", "--data-dir", dir.Sub("d"), "--store", uri}).exit_code == 0);
  pg.Psql("UPDATE taskledger_meta SET value = '99' WHERE key = 'schema_version'",
          uri.substr(uri.rfind('/') + 1));
  r = RunTool({"serve", "--data-dir", dir.Sub("d"), "--listen", "127.0.0.1:0", "--store", uri});
  CHECK(r.exit_code != 0);
  CHECK(r.out.find("schema version 99") != std::string::npos);
}

TEST_CASE("migrate copies a log from RocksDB to PostgreSQL and back with its chain intact",
          "[server][integration][cluster]") {
  PgServer& pg = PgServer::Shared();
  TempDir dir;
  REQUIRE(RunTool({"load-demo", "--data-dir", dir.Sub("rocks"), "--clock-start", "2026-03-02"})
              .exit_code == 0);
  const std::string uri = pg.NewDatabase();
  ToolRun there = RunTool({"migrate", "--from", dir.Sub("rocks"), "--to", uri});
  INFO(there.out);
  REQUIRE(there.exit_code == 0);
  CHECK(there.out.find("both verify") != std::string::npos);
  ToolRun back = RunTool({"migrate", "--from", uri, "--to", dir.Sub("back")});
  INFO(back.out);
  REQUIRE(back.exit_code == 0);
  // The same log three times: the verify reports name the same head.
  const auto head_of = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "verify");
    ToolRun v = RunTool(args);
    INFO(v.out);
    REQUIRE(v.exit_code == 0);
    const size_t at = v.out.find("head");
    REQUIRE(at != std::string::npos);
    return v.out.substr(at, v.out.find('\n', at) - at);
  };
  const std::string original = head_of({"--data-dir", dir.Sub("rocks")});
  CHECK(head_of({"--data-dir", dir.Sub("node"), "--store", uri}) == original);
  CHECK(head_of({"--data-dir", dir.Sub("back")}) == original);
  // A target holding a prefix takes the rest; one holding another log is refused, unchanged.
  REQUIRE(
      RunTool({"token", "create", "--role", "auditor", "--data-dir", dir.Sub("back")}).exit_code ==
      0);
  ToolRun rest = RunTool({"migrate", "--from", dir.Sub("back"), "--to", dir.Sub("rocks")});
  INFO(rest.out);
  CHECK(rest.exit_code == 0);
  CHECK(rest.out.find("migrated 1 events") != std::string::npos);
  REQUIRE(RunTool({"token", "create", "--role", "auditor", "--data-dir", dir.Sub("node"), "--store",
                   uri})
              .exit_code == 0);
  const std::string before = head_of({"--data-dir", dir.Sub("node"), "--store", uri});
  ToolRun diverged = RunTool({"migrate", "--from", dir.Sub("back"), "--to", uri});
  CHECK(diverged.exit_code != 0);
  CHECK(diverged.out.find("not a prefix") != std::string::npos);
  CHECK(head_of({"--data-dir", dir.Sub("node"), "--store", uri}) == before);
}
