// Several `taskledger serve` nodes on one PostgreSQL log (events/pg_event_store.h), against real
// PostgreSQL servers started in temporary directories: what one node writes another reads,
// conflicting writes on two nodes, a lost database, bad configuration, and migrating a log
// between RocksDB and PostgreSQL.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/server/email_helpers.h"
#include "tests/server/server_fixture.h"
#include "tests/server/webhook_receiver.h"
#include "tests/support/pg_server.h"
#include "tests/support/smtp_sink.h"
#include "webhooks/signature.h"

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

// The flags of a second node on `first`'s database: the same clock, `flags`, the same store.
std::vector<std::string> SecondNode(const ApiFixture& first, std::vector<std::string> flags) {
  std::vector<std::string> args = {"--clock-start", "2026-03-02"};
  args.insert(args.end(), flags.begin(), flags.end());
  for (const std::string& arg : first.store_args()) args.push_back(arg);
  return args;
}

// Whether the node on `port` says it delivers (it holds the delivery lock).
bool Delivers(uint16_t port) {
  const HttpResult h = HttpCall(port, "GET", "/healthz");
  return h.status == 200 && h.json().value("delivers", false);
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
  ServerProcess b(b_dir.Sub("data"), SecondNode(a, {"--rate-limit", "0", "--node-name", "b"}));

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
  ServerProcess b(b_dir.Sub("data"), SecondNode(a, {"--rate-limit", "0"}));
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
  std::ofstream(dir.Sub("key")) << std::string(64, '7');
  r = RunTool({"serve", "--data-dir", dir.Sub("d"), "--listen", "127.0.0.1:0", "--store", uri,
               "--secrets-key-file", dir.Sub("key")});
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

TEST_CASE("kill -9 of the node that delivers: another takes over and every notification arrives",
          "[server][integration][cluster][webhooks]") {
  PgServer& pg = PgServer::Shared();
  // The first attempt of each delivery fails; the retry comes 3 s later, from whichever node
  // delivers then.
  WebhookReceiver receiver([](const Hit& h) { return Answer{h.n == 1 ? 500 : 204}; });
  const std::vector<std::string> fast = {
      "--webhook-addresses", "loopback", "--webhook-retry", "0,3s,1s",
      "--webhook-jitter",    "0",        "--rate-limit",    "0"};
  ApiFixture a("2026-03-02", fast, pg.NewDatabase());
  const std::vector<std::string> b_args = SecondNode(a, fast);
  TempDir b_dir;
  auto b = std::make_unique<ServerProcess>(b_dir.Sub("data"), b_args);

  // Exactly one node delivers.
  bool a_delivers = false, b_delivers = false;
  for (int i = 0; i < 100 && a_delivers == b_delivers; ++i) {
    a_delivers = Delivers(a.server->port());
    b_delivers = Delivers(b->port());
    if (a_delivers == b_delivers) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(a_delivers != b_delivers);

  // A subscription made on one node, a change on the other: the first attempt reaches the
  // receiver (and fails).
  const HttpResult hook =
      HttpCall(b->port(), "POST", "/v1/webhooks",
               json{{"url", receiver.url()}, {"agency", "so-gddt-hp"}}.dump(), Auth(a.coordinator));
  REQUIRE(hook.status == 201);
  const std::string task = "/v1/tasks/hp-tieng-anh-2025:III.1";
  REQUIRE(a.PostJson(a.coordinator, task + "/comments", {{"text", "Trước khi dừng"}}).status ==
          201);
  REQUIRE(receiver.WaitForCount(1));
  const std::string first_id = receiver.hits()[0].id;

  // The delivering node dies with the retry still to come.
  const auto killed_at = std::chrono::steady_clock::now();
  uint16_t survivor = 0;
  if (a_delivers) {
    a.server->Kill();
    survivor = b->port();
  } else {
    b->Kill();
    survivor = a.server->port();
  }
  bool took_over = false;
  while (!took_over && std::chrono::steady_clock::now() - killed_at < std::chrono::seconds(30)) {
    took_over = Delivers(survivor);
    if (!took_over) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double takeover_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
  INFO("took over after " << takeover_s << " s");
  REQUIRE(took_over);
  CHECK(takeover_s < 30);

  // A change after the kill, on the survivor.
  const HttpResult after = HttpCall(survivor, "POST", task + "/comments",
                                    json{{"text", "Sau khi dừng"}}.dump(), Auth(a.coordinator));
  REQUIRE(after.status == 201);

  // Both arrive in the end: the one tried before the kill again under its webhook-id, the new
  // one (first attempt failing, then its retry).
  REQUIRE(receiver.WaitForCount(4, 20000));
  std::map<std::string, int> delivered;  // webhook-id -> attempts answered 204
  for (const Hit& h : receiver.hits()) delivered[h.id] += h.n == 1 ? 0 : 1;
  CHECK(delivered.size() == 2);
  CHECK(delivered[first_id] == 1);

  // Each outcome is in the log once.
  std::vector<json> told;
  for (int i = 0; i < 100; ++i) {
    told.clear();
    const HttpResult h = HttpCall(survivor, "GET", task + "/history", {}, Auth(a.auditor));
    REQUIRE(h.status == 200);
    const json history = h.json();
    for (const json& e : history["events"]) {
      if (e["type"] == "task.notification_delivered") told.push_back(e);
    }
    if (told.size() >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(told.size() == 2);
  CHECK(told[0]["data"]["message"] != told[1]["data"]["message"]);
}

TEST_CASE(
    "the primary killed mid-load and its synchronous standby promoted: nothing acknowledged "
    "is lost, and retries are applied once",
    "[server][integration][cluster][failover]") {
  PgServerOptions durable;
  durable.durable = true;
  auto primary = PgServer::Start(durable);
  const std::string db_uri = primary->NewDatabase();
  const std::string db = db_uri.substr(db_uri.rfind('/') + 1);
  PgServerOptions standby_options;
  standby_options.durable = true;
  standby_options.standby_of_uri = primary->Uri();
  // Promoted, it stands alone: it must not wait for a standby of its own.
  standby_options.settings = "synchronous_standby_names = ''";
  auto standby = PgServer::Start(standby_options);
  // From now on a commit returns once the standby has it too.
  primary->Psql("ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (*)'");
  primary->Psql("SELECT pg_reload_conf()");
  for (int i = 0; i < 100; ++i) {
    if (primary->Psql("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'quorum'")
            .starts_with("1")) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(primary->Psql("SHOW synchronous_standby_names").starts_with("ANY 1"));
  // Both servers in one URI: libpq finds the one that takes writes.
  const std::string uri = "postgresql://tl@127.0.0.1:" + std::to_string(primary->port()) +
                          ",127.0.0.1:" + std::to_string(standby->port()) + "/" + db +
                          "?target_session_attrs=read-write&connect_timeout=2";
  ApiFixture a("2026-03-02", {"--rate-limit", "0"}, uri);
  TempDir b_dir;
  ServerProcess b(b_dir.Sub("data"), SecondNode(a, {"--rate-limit", "0"}));

  // Writers on both nodes, each request with its own Idempotency-Key, retried with the same key
  // after a 503 until it is answered 2xx.
  constexpr int kWriters = 4, kEach = 40;
  std::atomic<int> acknowledged{0}, unavailable{0}, other{0};
  std::atomic<bool> killed{false};
  std::mutex mu;
  std::set<std::string> acked_texts;
  uint64_t newest = 0;  // the highest TaskLedger-Position acknowledged
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      const uint16_t port = w % 2 == 0 ? a.server->port() : b.port();
      for (int i = 0; i < kEach; ++i) {
        const std::string text = "ghi " + std::to_string(w) + "." + std::to_string(i);
        auto h = Auth(a.coordinator);
        h.emplace_back("Idempotency-Key", "k-" + text);
        const auto start = std::chrono::steady_clock::now();
        for (;;) {
          const HttpResult r =
              HttpCall(port, "POST", kTask + "/comments", json{{"text", text}}.dump(), h);
          if (r.status == 201 || r.status == 200) {
            ++acknowledged;
            std::lock_guard lock(mu);
            acked_texts.insert(text);
            newest = std::max<uint64_t>(newest, std::stoull(r.header("taskledger-position")));
            break;
          }
          if (r.status == 503) {
            ++unavailable;
            CHECK(!r.header("retry-after").empty());
          } else {
            ++other;
            INFO(r.status << " " << r.body);
            CHECK(r.status == 503);
          }
          if (std::chrono::steady_clock::now() - start > std::chrono::seconds(60)) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        if (i == kEach / 4 && w == 0) killed = true;
      }
    });
  }
  while (!killed) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  primary->Kill();  // kill -9 of the postmaster, writes in flight
  standby->Promote();
  for (auto& t : writers) t.join();
  INFO("acknowledged " << acknowledged << ", 503s " << unavailable << ", other " << other);
  CHECK(acknowledged == kWriters * kEach);
  CHECK(other == 0);

  // Every acknowledged comment is on the task once, as either node reads it once it has caught
  // up with every answer (TaskLedger-Position); the log verifies, gapless, on the new primary.
  const HttpResult events =
      HttpCall(b.port(), "GET", kTask + "/history", {}, Auth(a.auditor, std::to_string(newest)));
  REQUIRE(events.status == 200);
  const json history = events.json();
  std::map<std::string, int> seen;
  for (const json& e : history["events"]) {
    if (e["type"] == "task.commented") ++seen[e["data"]["text"].get<std::string>()];
  }
  for (const std::string& text : acked_texts) {
    INFO(text);
    CHECK(seen[text] == 1);
  }
  ToolRun verify = RunTool({"verify", "--store", uri, "--data-dir", b_dir.Sub("verify")});
  INFO(verify.out);
  CHECK(verify.exit_code == 0);
  CHECK(verify.out.find("ok:") != std::string::npos);
}

TEST_CASE("a PostgreSQL node's backup is one directory, and restores into another database",
          "[server][integration][cluster][backup]") {
  PgServer& pg = PgServer::Shared();
  WebhookReceiver receiver;
  const std::vector<std::string> fast = {
      "--webhook-addresses", "loopback", "--webhook-retry", "0,200ms",
      "--webhook-jitter",    "0",        "--rate-limit",    "0"};
  ApiFixture f("2026-03-02", fast, pg.NewDatabase());
  HttpResult r = f.PostJson(f.coordinator, "/v1/webhooks",
                            {{"url", receiver.url()}, {"agency", "so-gddt-hp"}});
  REQUIRE(r.status == 201);
  const std::string secret = r.json()["secret"];
  const std::string task = "/v1/tasks/hp-tieng-anh-2025:III.1";
  const std::string pdf(200000, 'Q');
  r = f.Post(f.agency_hp, task + "/deliverables",
             "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Báo cáo.pdf\"\r\n"
             "\r\n" +
                 pdf + "\r\n--b--\r\n",
             {{"Content-Type", "multipart/form-data; boundary=b"}});
  REQUIRE(r.status == 201);
  const std::string deliverable = r.json()["task"]["occurrences"][0]["deliverables"][0]["id"];
  const std::string file_path = task + "/deliverables/" + deliverable + "/file";

  // Another node on the same database serves the file: it is in the database, not on A's disk.
  const std::vector<std::string> b_args = SecondNode(f, fast);
  TempDir b_dir;
  {
    ServerProcess b(b_dir.Sub("data"), b_args);
    const HttpResult file = HttpCall(b.port(), "GET", file_path, {}, Auth(f.coordinator));
    REQUIRE(file.status == 200);
    CHECK(file.body == pdf);
  }

  r = f.Post(f.coordinator, "/v1/backups", "", {{"Content-Type", "application/json"}});
  INFO(r.body);
  REQUIRE(r.status == 201);
  const json backup = r.json();
  CHECK(backup["files"] == 1);
  CHECK(backup["outbox"] == true);
  const std::string copy = f.dir.Sub("data-backups/" + backup["name"].get<std::string>());

  // Into a new database: the log, the outbox (with its secrets) and the file.
  const std::string target = pg.NewDatabase();
  const ToolRun run = RunTool({"restore", "--from", copy, "--data-dir", b_dir.Sub("restored"),
                               "--store", target, "--secrets-key-file", f.dir.Sub("secrets.key")});
  INFO(run.out);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("chain verified") != std::string::npos);
  std::vector<std::string> c_args = {
      "--clock-start", "2026-03-02",         "--store",
      target,          "--secrets-key-file", f.dir.Sub("secrets.key")};
  c_args.insert(c_args.end(), fast.begin(), fast.end());
  ServerProcess c(b_dir.Sub("restored"), c_args);
  const HttpResult file = HttpCall(c.port(), "GET", file_path, {}, Auth(f.coordinator));
  REQUIRE(file.status == 200);
  CHECK(file.body == pdf);
  // Deliveries go on from the restored database, signed with the secret the receiver holds.
  f.server->Stop();
  const size_t before = receiver.hits().size();
  REQUIRE(HttpCall(c.port(), "POST", task + "/comments", json{{"text", "Sau khôi phục"}}.dump(),
                   Auth(f.coordinator))
              .status == 201);
  REQUIRE(receiver.WaitForCount(before + 1, 15000));
  const Hit hit = receiver.hits().back();
  const auto key = taskledger::webhooks::SecretKey(secret);
  REQUIRE(key.ok());
  CHECK(taskledger::webhooks::Verify(*key, hit.id, std::stoll(hit.timestamp), hit.body,
                                     hit.signature, std::stoll(hit.timestamp)));
}

TEST_CASE(
    "mail on two nodes: either node queues it, the delivering one sends it, and after a "
    "kill -9 the other does",
    "[server][integration][cluster][email]") {
  PgServer& pg = PgServer::Shared();
  SmtpSink sink;
  std::vector<std::string> flags = MailFlags(sink);
  flags.insert(flags.end(), {"--rate-limit", "0"});
  ApiFixture a("2026-03-02", flags, pg.NewDatabase());
  const std::vector<std::string> b_args = SecondNode(a, flags);
  TempDir b_dir;
  auto b = std::make_unique<ServerProcess>(b_dir.Sub("data"), b_args);
  bool a_delivers = false;
  for (int i = 0; i < 100; ++i) {
    a_delivers = Delivers(a.server->port());
    if (a_delivers != Delivers(b->port())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const uint16_t other = a_delivers ? b->port() : a.server->port();

  // An address added on the node that does not deliver: its confirmation goes out anyway.
  const std::string address = "vanthu.hp@sogddt-hp.gov.vn";
  const HttpResult created =
      HttpCall(other, "POST", "/v1/email-subscriptions",
               json{{"address", address}, {"digest", "none"}}.dump(), Auth(a.agency_hp));
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json()["id"];
  std::vector<json> mail = sink.WaitFor(1);
  REQUIRE(mail.size() == 1);
  const std::string text = mail[0]["parts"][0]["text"];
  const std::string prefix = std::string(kPublic) + "/v1/email/confirm?t=";
  const size_t at = text.find(prefix);
  REQUIRE(at != std::string::npos);
  const std::string confirm =
      text.substr(at + std::string(kPublic).size(),
                  text.find_first_of(" \r\n", at) - at - std::string(kPublic).size());

  // The delivering node dies; the other confirms the address (the link key is shared, sealed in
  // the database) and sends a test mail once it has taken over.
  if (a_delivers) {
    a.server->Kill();
  } else {
    b->Kill();
  }
  REQUIRE(HttpCall(other, "POST", confirm, "", {}).status == 200);
  bool took_over = false;
  for (int i = 0; i < 300 && !took_over; ++i) {
    took_over = Delivers(other);
    if (!took_over) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(took_over);
  REQUIRE(HttpCall(other, "POST", "/v1/email-subscriptions/" + id + "/test", "", Auth(a.agency_hp))
              .status == 202);
  mail = sink.WaitFor(2);
  REQUIRE(mail.size() == 2);
  CHECK(mail[1]["envelope"]["rcpt"] == json::array({address}));
  CHECK(mail[0]["headers"]["message-id"] != mail[1]["headers"]["message-id"]);
}
