// taskledger-cluster-bench: durable appends at 1/16/64 clients on the RocksDB store, the
// PostgreSQL store and a plain PostgreSQL event table, and the store's failover time.
//   taskledger-cluster-bench appends --rocks DIR --pg URI [--appends N]
//   taskledger-cluster-bench failover --pg URI --kill-cmd "…"
// bench/cluster.sh starts the servers and runs it; bench/README.md has the figures.
#include <libpq-fe.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/pg_event_store.h"
#include "events/rocks_event_store.h"

using namespace taskledger;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
  double per_second = 0, p50_ms = 0, p99_ms = 0;
};

// `clients` threads, each appending `each` one-event appends to a stream of its own.
Figures Run(int clients, int each, const std::function<void(int client, int i)>& append) {
  std::vector<std::vector<double>> lat(clients);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int i = 0; i < each; ++i) {
        const auto t = Clock::now();
        append(c, i);
        lat[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  return {all.size() / secs, all[all.size() / 2], all[all.size() * 99 / 100]};
}

NewEvent Event(int c, int i) {
  NewEvent e;
  e.type = "task.commented";
  e.data = R"({"text":"Báo cáo tiến độ )" + std::to_string(c) + "." + std::to_string(i) + "\"}";
  e.actor = "bench";
  return e;
}

void Print(const char* store, int clients, const Figures& f) {
  std::printf("%-22s %3d clients  %8.0f appends/s  p50 %6.2f ms  p99 %6.2f ms\n", store, clients,
              f.per_second, f.p50_ms, f.p99_ms);
  std::fflush(stdout);
}

void Die(const std::string& why) {
  std::fprintf(stderr, "cluster-bench: %s\n", why.c_str());
  std::exit(1);
}

// The plain table: what an application would write without a store of its own.
constexpr const char* kPlain = R"sql(
DROP TABLE IF EXISTS plain_events;
CREATE TABLE plain_events (position bigserial PRIMARY KEY, stream text NOT NULL,
  version bigint NOT NULL, type text NOT NULL, data jsonb NOT NULL, UNIQUE (stream, version));
CREATE OR REPLACE FUNCTION plain_append(s text, t text, d jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE p bigint;
BEGIN
  INSERT INTO plain_events (stream, version, type, data)
  VALUES (s, coalesce((SELECT max(version) + 1 FROM plain_events WHERE stream = s), 0), t, d)
  RETURNING position INTO p;
  RETURN p;
END $$;
)sql";

void Appends(const std::string& rocks_dir, const std::string& uri, int total, const char* label) {
  for (int clients : {1, 16, 64}) {
    const int each = std::max(20, total / clients);
    if (!rocks_dir.empty()) {
      std::filesystem::remove_all(rocks_dir);
      auto store = OpenRocksEventStore(rocks_dir);
      if (!store.ok()) Die(store.status().ToString());
      Print("rocksdb", clients, Run(clients, each, [&](int c, int i) {
              if (!(*store)
                       ->Append("task-" + std::to_string(c), ExpectedVersion::Any(), {Event(c, i)})
                       .ok()) {
                Die("rocksdb append failed");
              }
            }));
    }
    {
      PgStoreOptions options;
      auto store = OpenPgEventStore(uri, options);
      if (!store.ok()) Die(store.status().ToString());
      const std::string run = std::to_string(clients) + "-" + std::to_string(std::rand());
      Print((std::string("postgresql store") + label).c_str(), clients,
            Run(clients, each, [&](int c, int i) {
              if (!(*store)
                       ->Append("task-" + run + "-" + std::to_string(c), ExpectedVersion::Any(),
                                {Event(c, i)})
                       .ok()) {
                Die("pg append failed");
              }
            }));
    }
    {
      std::vector<PGconn*> conns;
      for (int c = 0; c < clients; ++c) {
        conns.push_back(PQconnectdb(uri.c_str()));
        if (PQstatus(conns.back()) != CONNECTION_OK) Die(PQerrorMessage(conns.back()));
      }
      if (clients == 1) {
        PQsetNoticeProcessor(
            conns[0], [](void*, const char*) {}, nullptr);
        PQclear(PQexec(conns[0], kPlain));
      }
      const std::string run = std::to_string(clients) + "-" + std::to_string(std::rand());
      Print((std::string("plain table") + label).c_str(), clients,
            Run(clients, each, [&](int c, int i) {
              const std::string s = "task-" + run + "-" + std::to_string(c);
              const NewEvent e = Event(c, i);
              const char* params[] = {s.c_str(), e.type.c_str(), e.data.c_str()};
              PGresult* r = PQexecParams(conns[c], "SELECT plain_append($1, $2, $3::jsonb)", 3,
                                         nullptr, params, nullptr, nullptr, 0);
              if (PQresultStatus(r) != PGRES_TUPLES_OK) Die(PQresultErrorMessage(r));
              PQclear(r);
            }));
      for (PGconn* c : conns) PQfinish(c);
    }
  }
}

// Four writers append through the store while `kill_cmd` kills the primary and promotes the
// standby. The failover time is the longest wait between two acknowledged appends (of any
// writer): the last before the kill to the first after.
void Failover(const std::string& uri, const std::string& kill_cmd) {
  PgStoreOptions options;
  auto store = OpenPgEventStore(uri, options);
  if (!store.ok()) Die(store.status().ToString());
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<Clock::time_point> acks;  // by mu
  std::atomic<int> refused{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop; ++i) {
        AppendResult r = (*store)->Append("failover-" + std::to_string(w), ExpectedVersion::Any(),
                                          {Event(w, i)});
        if (!r.ok()) {
          ++refused;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          continue;
        }
        std::lock_guard lock(mu);
        acks.push_back(Clock::now());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const auto killed_at = Clock::now();
  if (std::system(kill_cmd.c_str()) != 0) Die("the kill command failed");
  const auto resumed = [&] {
    std::lock_guard lock(mu);
    return std::count_if(acks.begin(), acks.end(), [&](auto t) { return t > killed_at; });
  };
  while (resumed() < 100 && Clock::now() - killed_at < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop = true;
  for (auto& t : writers) t.join();
  if (resumed() < 100) Die("writes did not resume within 60 s");
  std::sort(acks.begin(), acks.end());
  double gap = 0;
  for (size_t i = 1; i < acks.size(); ++i) {
    gap = std::max(gap, std::chrono::duration<double>(acks[i] - acks[i - 1]).count());
  }
  const VerifyReport v = (*store)->Verify();
  std::printf(
      "failover: the longest wait between acknowledged appends, across the kill: %.2f s "
      "(%d appends refused meanwhile: a server answers those 503 with Retry-After); the "
      "log verifies: %s (%llu events)\n",
      gap, refused.load(), v.ok ? "yes" : v.problem.c_str(),
      static_cast<unsigned long long>(v.checked));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"TaskLedger on PostgreSQL: appends and failover"};
  std::string mode, rocks, uri, kill_cmd, label;
  int appends = 6400;
  app.add_option("mode", mode, "appends or failover")->required();
  app.add_option("--rocks", rocks, "a scratch directory for the RocksDB store (appends)");
  app.add_option("--pg", uri, "the database")->required();
  app.add_option("--appends", appends, "appends per client count");
  app.add_option("--label", label, "after the store's name (\" +standby\")");
  app.add_option("--kill-cmd", kill_cmd, "kills the primary and promotes the standby (failover)");
  CLI11_PARSE(app, argc, argv);
  if (mode == "appends") Appends(rocks, uri, appends, label.c_str());
  if (mode == "failover") Failover(uri, kill_cmd);
  return 0;
}
