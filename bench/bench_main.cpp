// taskledger-bench: prints throughput and peak memory of the event log next to plain RocksDB.
//
//   taskledger-bench [all|append|replay|raw|coldstart] [--dir DIR] [--appends N]
//                    [--writers N] [--replay-events N] [--coldstart-events N] [--repeat N]
//                    [--drop-caches]
//
// `all` (the default) runs modes 1-4 and prints the ratios the targets in bench/README.md use.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/domain_bench.h"
#include "bench/log_bench.h"

namespace {

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace taskledger::bench;
  CLI::App app{"TaskLedger event log benchmarks"};
  std::string mode = "all";
  std::string dir = "/tmp/taskledger-bench";
  uint64_t appends = 20'000;
  int writers = 64;
  uint64_t replay_events = 1'000'000;
  uint64_t coldstart_events = 10'000'000;
  bool drop_caches = false;
  int repeat = 3;
  uint64_t domain_tasks = 100'000;
  uint64_t domain_events = 1'000'000;
  app.add_option("mode", mode, "all, append, replay, raw, coldstart, domain")
      ->check(
          CLI::IsMember({"all", "append", "replay", "raw", "coldstart", "crash-append", "domain"}));
  app.add_option("--dir", dir, "scratch directory (its contents are replaced)");
  app.add_option("--appends", appends, "events appended by modes 1, 2 and 4a-c");
  app.add_option("--writers", writers, "concurrent writers in mode 2");
  app.add_option("--replay-events", replay_events, "size of the replayed log");
  app.add_option("--coldstart-events", coldstart_events, "size of the log opened cold");
  app.add_option("--repeat", repeat, "runs of the append and raw write modes")
      ->check(CLI::Range(1, 20));
  app.add_option("--domain-tasks", domain_tasks, "tasks in the domain benchmark");
  app.add_option("--domain-events", domain_events, "events in the domain benchmark");
  app.add_flag("--drop-caches", drop_caches, "drop the page cache before the cold open (root)");
  CLI11_PARSE(app, argc, argv);

  std::filesystem::create_directories(dir);
  if (mode != "crash-append")
    std::printf("%-34s %10s %-8s %11s %15s\n", "mode", "count", "", "time", "rate");
  // The disk's sync latency varies from second to second on a virtual machine, so the append
  // modes and their raw counterparts run interleaved, `repeat` times, and ratios use medians.
  std::vector<double> single, threads, in_flight, raw_put, raw_batch;
  double replay = 0, raw_scan = 0;
  for (int r = 0; r < repeat; ++r) {
    if (mode == "all" || mode == "append") {
      single.push_back(AppendSingle(dir + "/append1", appends / 4));
      threads.push_back(AppendConcurrent(dir + "/append64", writers, appends * 5));
      in_flight.push_back(AppendInFlight(dir + "/append64-async", writers, appends * 5));
    }
    if (mode == "all" || mode == "raw") {
      raw_put.push_back(RawSyncPut(dir + "/raw-put", appends / 4));
      if (r == 0) RawSyncPutThreads(dir + "/raw-put16", 16, appends);
      raw_batch.push_back(RawSyncBatch(dir + "/raw-batch", 64, appends * 5));
    }
  }
  if (mode == "all" || mode == "replay") {
    replay = Replay(dir + "/replay", replay_events);
    Verify(dir + "/replay", replay_events);
  }
  if (mode == "all" || mode == "raw") raw_scan = RawScan(dir + "/raw-scan", replay_events);
  if (mode == "all") {
    std::printf("\nratios of medians over %d runs\n", repeat);
    std::printf("  1  / 4a  single durable append vs raw sync Put     %5.0f%%\n",
                100 * Median(single) / Median(raw_put));
    std::printf("  2a / 4c  %d threads vs raw sync WriteBatch of 64   %5.0f%%  (target >= 50%%)\n",
                writers, 100 * Median(threads) / Median(raw_batch));
    std::printf("  2b / 4c  %d in flight vs raw sync WriteBatch of 64 %5.0f%%  (target >= 50%%)\n",
                writers, 100 * Median(in_flight) / Median(raw_batch));
    std::printf("  3  / 4d  replay vs raw iterator scan               %5.0f%%  (target >= 70%%)\n",
                100 * replay / raw_scan);
  }
  if (mode == "crash-append") CrashAppend(dir, appends);
  if (mode == "all" || mode == "domain") FoldBench(domain_tasks, domain_events, dir + "/domain");
  if (mode == "coldstart") ColdStart(dir + "/coldstart", coldstart_events, drop_caches);
  return 0;
}
