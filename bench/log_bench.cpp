// Benchmark modes over TaskLedger's own event store.
#include "bench/log_bench.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "bench/bench_util.h"
#include "events/rocks_event_store.h"

namespace taskledger::bench {
namespace {

std::unique_ptr<EventStore> OpenOrDie(const std::string& dir) {
  auto store = OpenRocksEventStore(dir);
  if (!store.ok()) {
    std::fprintf(stderr, "open %s: %s\n", dir.c_str(), store.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(store).value();
}

std::string GroupNote(const EventStore& store) {
  const WriteStats stats = store.write_stats();
  const uint64_t groups = std::max<uint64_t>(1, stats.groups);
  return "avg group " + std::to_string(stats.events / groups) + ", " +
         std::to_string(stats.write_micros / groups) + " us/write";
}

NewEvent ProgressEvent(uint64_t i) {
  NewEvent e;
  e.type = "task.progress_reported";
  e.data = Payload(i);
  e.actor = "agency:so-gddt";
  return e;
}

void MustAppend(EventStore& store, const std::string& stream, std::vector<NewEvent> events) {
  AppendResult r = store.Append(stream, ExpectedVersion::Any(), std::move(events));
  if (!r.ok()) {
    std::fprintf(stderr, "append: %s\n", r.status.ToString().c_str());
    std::exit(1);
  }
}

}  // namespace

double AppendSingle(const std::string& dir, uint64_t n) {
  std::filesystem::remove_all(dir);
  auto store = OpenOrDie(dir);
  ResetPeakRss();
  Stopwatch clock;
  for (uint64_t i = 0; i < n; ++i) {
    MustAppend(*store, "task-" + std::to_string(i % 500), {ProgressEvent(i)});
  }
  return PrintRow("1. append, 1 writer, 1 event", n, clock.Seconds(), "events");
}

double AppendConcurrent(const std::string& dir, int writers, uint64_t n) {
  std::filesystem::remove_all(dir);
  auto store = OpenOrDie(dir);
  ResetPeakRss();
  std::atomic<uint64_t> next{0};
  Stopwatch clock;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (uint64_t i; (i = next.fetch_add(1)) < n;) {
        MustAppend(*store, "task-" + std::to_string(w) + "-" + std::to_string(i % 50),
                   {ProgressEvent(i)});
      }
    });
  }
  for (auto& t : threads) t.join();
  char name[64];
  std::snprintf(name, sizeof name, "2a. append, %d threads, 1 event", writers);
  const double rate = PrintRow(name, n, clock.Seconds(), "events", GroupNote(*store));
  if (store->head().position != n) {
    std::fprintf(stderr, "expected head %llu, got %llu\n", static_cast<unsigned long long>(n),
                 static_cast<unsigned long long>(store->head().position));
    std::exit(1);
  }
  return rate;
}

double AppendInFlight(const std::string& dir, int in_flight, uint64_t n) {
  std::filesystem::remove_all(dir);
  auto store = OpenOrDie(dir);
  ResetPeakRss();
  std::mutex mu;
  std::condition_variable cv;
  uint64_t acked = 0;
  std::atomic<uint64_t> next{0};
  // Two I/O threads, as the server has on this machine: completions are posted to them, and the
  // next append is built and validated there, not on the store's committer thread.
  boost::asio::thread_pool io(2);
  // Each writer is a chain of appends: the next starts when the previous is acknowledged, as a
  // client that waits for its response before sending the next request.
  std::function<void(int)> start = [&](int w) {
    const uint64_t i = next.fetch_add(1);
    if (i >= n) return;
    store->AppendAsync("task-" + std::to_string(w) + "-" + std::to_string(i % 50),
                       ExpectedVersion::Any(), {ProgressEvent(i)}, [&, w](AppendResult r) {
                         if (!r.ok()) {
                           std::fprintf(stderr, "append: %s\n", r.status.ToString().c_str());
                           std::exit(1);
                         }
                         {
                           std::lock_guard lock(mu);
                           ++acked;
                         }
                         cv.notify_one();
                         boost::asio::post(io, [&, w] { start(w); });
                       });
  };
  Stopwatch clock;
  for (int w = 0; w < in_flight; ++w) boost::asio::post(io, [&, w] { start(w); });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return acked == n; });
  }
  const double seconds = clock.Seconds();
  io.join();
  char name[64];
  std::snprintf(name, sizeof name, "2b. append, %d async in flight", in_flight);
  return PrintRow(name, n, seconds, "events", GroupNote(*store));
}

void FillLog(const std::string& dir, uint64_t n) {
  {
    auto existing = OpenRocksEventStore(dir, RocksStoreOptions{{.create_if_missing = false}});
    if (existing.ok() && existing.value()->head().position == n) return;
  }
  std::filesystem::remove_all(dir);
  auto store = OpenOrDie(dir);
  Stopwatch clock;
  constexpr uint64_t kBatch = 1000;
  for (uint64_t i = 0; i < n; i += kBatch) {
    std::vector<NewEvent> events;
    for (uint64_t j = i; j < std::min(n, i + kBatch); ++j) events.push_back(ProgressEvent(j));
    MustAppend(*store, "task-" + std::to_string(i / kBatch % 5000), std::move(events));
  }
  PrintRow("   (fill: appends of 1,000 events)", n, clock.Seconds(), "events");
}

double Replay(const std::string& dir, uint64_t n) {
  FillLog(dir, n);
  auto store = OpenOrDie(dir);
  ResetPeakRss();
  uint64_t records = 0, bytes = 0, checksum = 0;
  Stopwatch clock;
  Status s = store->Scan(1, 0, [&](const EventView& e) {
    ++records;
    bytes += e.data.size() + e.stream.size() + e.type.size() + e.actor.size();
    checksum += e.version + e.hash[0] + static_cast<uint64_t>(e.recorded_at_ms);
    return true;
  });
  double seconds = clock.Seconds();
  if (!s.ok() || records != n) {
    std::fprintf(stderr, "scan: %s, %llu records\n", s.ToString().c_str(),
                 static_cast<unsigned long long>(records));
    std::exit(1);
  }
  return PrintRow(
      "3. replay: scan + decode", records, seconds, "records",
      std::to_string(bytes >> 20) + " MiB of fields, sum " + std::to_string(checksum % 997));
}

void Verify(const std::string& dir, uint64_t n) {
  FillLog(dir, n);
  auto store = OpenOrDie(dir);
  ResetPeakRss();
  Stopwatch clock;
  VerifyReport report = store->Verify();
  PrintRow("   verify: re-hash the chain", report.checked, clock.Seconds(), "records",
           report.ok ? "ok" : "BAD at " + std::to_string(report.first_bad_position));
}

void CrashAppend(const std::string& dir, uint64_t n) {
  auto store = OpenOrDie(dir);
  const uint64_t base = store->head().position;
  for (uint64_t i = 0; i < n; i += 1000) {
    std::vector<NewEvent> events;
    for (uint64_t j = i; j < std::min(n, i + 1000); ++j) events.push_back(ProgressEvent(base + j));
    MustAppend(*store, "task-crash-" + std::to_string(i / 1000), std::move(events));
  }
  std::fflush(stdout);
  _exit(0);  // no destructor: the memtables are left to the WAL
}

void ColdStart(const std::string& dir, uint64_t n, bool drop_caches) {
  FillLog(dir, n);
  // A crash: a child process appends 300,000 more events and exits without closing the store,
  // leaving its memtables to be recovered from the WAL on the next open. (A child, not a fork:
  // RocksDB's background threads do not survive fork.)
  const std::string self = std::filesystem::read_symlink("/proc/self/exe");
  const std::string count = std::to_string(300'000);
  char* args[] = {const_cast<char*>(self.c_str()),
                  const_cast<char*>("crash-append"),
                  const_cast<char*>("--dir"),
                  const_cast<char*>(dir.c_str()),
                  const_cast<char*>("--appends"),
                  const_cast<char*>(count.c_str()),
                  nullptr};
  pid_t child = 0;
  if (posix_spawn(&child, self.c_str(), nullptr, nullptr, args, environ) != 0) {
    std::perror("posix_spawn");
    std::exit(1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "crash-append child failed\n");
    std::exit(1);
  }
  auto timed_open = [&](const char* what) {
    if (drop_caches) {
      ::sync();
      std::ofstream("/proc/sys/vm/drop_caches") << "3";
    }
    ResetPeakRss();
    Stopwatch clock;
    auto store = OpenOrDie(dir);
    const double seconds = clock.Seconds();
    std::printf("%-34s %10llu events   %9.3f s  peak RSS %7.1f MiB  %s, page cache %s\n",
                "5. cold start (open)", static_cast<unsigned long long>(store->head().position),
                seconds, PeakRssMiB(), what, drop_caches ? "dropped" : "warm");
    return store;
  };
  timed_open("after a crash (WAL replayed)");  // closes cleanly: flushes
  timed_open("after a clean close");
}

}  // namespace taskledger::bench
