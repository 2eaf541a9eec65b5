// The checkpoints of a data directory (<data>/checkpoints): which are kept, writing the missing
// ones in the background, and loading the nearest usable one for start-up and "as of" answers.
//
// What is kept: the end of every day of the last `recent_days` days (default 14), of every week
// (Sunday) and of every month, forever, each a full checkpoint of that day's end (a day without
// events needs none: the one before it is the same state). So a date in the last two weeks is at
// most a day's events from a checkpoint, and any older date at most six days' events: about 64
// checkpoints a year, each the size of the state (30 MiB at 450,000 tasks: 1.9 GiB a year).
//
// The writer folds a State of its own from the nearest checkpoint and the log, never the live
// server's, so commands and reads never wait for it: it costs memory and a CPU while it runs
// (about once a day, just after midnight Vietnam time, or at start-up when some are missing).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "events/event_store.h"
#include "server/app/checkpoint.h"

namespace taskledger {
class Progress;
}

namespace rocksdb {
class FileSystem;
}

namespace taskledger::server {

struct CheckpointOptions {
  bool enabled = true;  // false: neither written nor read
  int recent_days = 14;
  // How often the writer looks for a day that has ended without its checkpoint.
  int64_t check_every_ms = 60'000;
  // Where checkpoints are written and read (tests cut the power under it). Default: the real file
  // system.
  rocksdb::FileSystem* fs = nullptr;
};

class Checkpoints {
 public:
  Checkpoints(std::string dir, const EventStore& store, std::function<int64_t()> clock,
              CheckpointOptions options);
  ~Checkpoints();

  const std::string& dir() const { return dir_; }
  bool enabled() const { return options_.enabled; }

  // The checkpoints on disk whose headers read, by position. Kept in memory between changes this
  // process makes (it is the only writer while it runs); CatchUp() reads the disk afresh.
  std::vector<CheckpointInfo> List() const;

  // Loads into `state` the newest checkpoint at or before `position` that is whole, of
  // this build's format and matches the log (the hash of the event at its position). Those that
  // do not are moved aside (*.ckpt.bad) with a log line saying why, and an older one is tried.
  // None usable: nullopt, and `state` is left new. With `plans`, only those plans' tasks;
  // without `details`, without their parts' details (LoadCheckpoint). `state` is always
  // replaced, and left in a replay (Ledger::BeginReplay) for the caller to fold the tail and
  // then end.
  std::optional<CheckpointInfo> LoadNearest(
      uint64_t position, std::unique_ptr<State>& state,
      const std::set<std::string, std::less<>>* plans = nullptr, bool details = true) const;

  // Whether the log's event at the checkpoint's position has the checkpoint's hash (false when
  // the log is shorter); an error when the log cannot be read.
  Result<bool> Matches(const CheckpointInfo& info) const;
  // Whether a state may start from `info`: checkpoints are on, it is of this build's format and
  // fold, and it matches the log. One that never can (another build's, or another log's) is
  // moved aside, saying why; one whose log event cannot be read now is only passed over. Every
  // reader of checkpoints asks this (LoadNearest, App::AgencyAsOf).
  bool Usable(const CheckpointInfo& info) const;

  // Writes the checkpoints the rule above wants and the disk lacks, up to the end of yesterday,
  // and removes those it no longer wants; blocking. Returns how many it wrote. `log_progress`:
  // a line every few seconds while folding.
  Result<int> CatchUp(bool log_progress = true);

  // Compares the checkpoint with the log folded afresh up to its position (taskledger verify):
  // empty when they are equal, else which parts differ.
  Result<std::string> CompareWithFold(const CheckpointInfo& info, Progress* progress) const;

  // Runs CatchUp() on a thread of its own every check_every_ms, until Stop().
  void Start();
  void Stop();

  // Whether the checkpoint for the end of `day` is kept, as of `today`.
  static bool Kept(domain::Date day, domain::Date today, int recent_days);

 private:
  std::string PathFor(domain::Date day, uint64_t position) const;
  void SetAside(const CheckpointInfo& info, const std::string& why) const;
  void Prune(domain::Date today) const;

  void Forget() const;  // List() reads the disk again next time

  std::string dir_;
  const EventStore& store_;
  mutable std::mutex list_mu_;
  mutable std::optional<std::vector<CheckpointInfo>> listed_;  // by list_mu_
  std::function<int64_t()> clock_;
  CheckpointOptions options_;
  std::mutex write_mu_;  // one CatchUp at a time
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // by mu_
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace taskledger::server
