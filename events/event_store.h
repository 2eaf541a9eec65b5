// The append-only event log over RocksDB: append, read, subscribe, verify.
//
// Guarantees
//  - Positions are global, gapless and start at 1; each stream's versions are gapless from 0.
//  - Append is atomic per call: all of its events or none, at consecutive positions.
//  - Append returns success only after the write batch holding the events is synced to the WAL
//    (fdatasync). Concurrent appends share one sync (group commit).
//  - After a failed write or sync no later append touches that RocksDB instance, because the
//    state of its WAL is then unknown (leveldb's rule): appends fail with kReadOnly until the
//    store is reopened. When the write failed for lack of space they fail with kNoSpace, and
//    once the disk has room again the store closes RocksDB and opens it afresh by itself
//    (recovering the WAL as after a crash) and appends resume. Reads go on meanwhile; they wait
//    out the few milliseconds of the reopen.
//  - Appends are refused with kNoSpace, without a write, while the disk has less free space
//    than min_free_bytes; they resume by themselves once it has more.
//  - Event ids are unique forever: appending events whose ids are already stored, with the same
//    stream, type and data, returns the original positions and writes nothing.
//  - recorded_at never decreases along the log, so "the log as of instant T" is a prefix.
//  - Every record carries SHA-256(previous hash || body); Verify() walks the chain.
//
// Thread-safety: every method may be called from any thread concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.h"
#include "events/util/disk_space.h"
#include "events/util/status.h"

namespace rocksdb {
class Env;
}

namespace taskledger {

struct StoreOptions {
  // Creates an empty log when the directory holds none. Default: true.
  bool create_if_missing = true;
  // Opens a store whose tail fails the open-time check, with appends refused, so that Verify()
  // can say where it is damaged. Default: false (such a store does not open).
  bool allow_damaged = false;
  // How many records at the end of the log are re-hashed on open. Default: 1024.
  uint64_t tail_check_records = 1024;
  // Shared block cache for all column families. Default: 64 MiB.
  size_t block_cache_bytes = 64u << 20;
  // Longest a commit may wait for writers who were answered by the previous commit and are
  // likely to append again, so they share its sync; only while they keep arriving, and never
  // when one writer is alone. Zero disables the delay. Default: 200 µs.
  std::chrono::microseconds max_commit_delay{200};
  // Upper bound on the bytes one group commit writes. Default: 4 MiB.
  size_t max_group_bytes = 4u << 20;
  // Limits on what one append may carry. Defaults: 1,000 events, 1 MiB of data per event.
  size_t max_events_per_append = 1000;
  size_t max_event_bytes = 1u << 20;
  // UTC milliseconds for recorded_at. Default: the system clock.
  std::function<int64_t()> clock_ms;
  // RocksDB environment, for fault injection in tests. Default: nullptr (the default Env).
  rocksdb::Env* env = nullptr;
  // Appends are refused with kNoSpace while the filesystem has less free space than this, so
  // RocksDB keeps room to flush and to reopen; they resume by themselves once there is room.
  // 0 turns the check off. Default: 64 MiB, or 5% of the filesystem if that is less.
  std::optional<uint64_t> min_free_bytes;
  // Where free space is read from. Default: statvfs on the store's directory.
  FreeBytesFn free_bytes;
  // How often a store whose write failed for lack of space looks whether it can resume.
  // Default: 1 s.
  std::chrono::milliseconds recovery_interval{1000};
};

// The outcome of an append. On success `first_position..last_position` hold the events and
// `stream_version` is the stream's last version. On kWrongExpectedVersion `stream_version` is the
// stream's current version (nullopt: the stream does not exist). On other errors nothing was
// written.
struct [[nodiscard]] AppendResult {
  Status status;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  std::optional<uint64_t> stream_version;
  bool duplicate = false;  // every event id was already stored; nothing was written

  bool ok() const { return status.ok(); }
};

// Counters since open, for metrics and benchmarks.
struct WriteStats {
  uint64_t appends = 0;       // Append calls that wrote events
  uint64_t events = 0;        // events written
  uint64_t groups = 0;        // synced batches (group commits)
  uint64_t write_micros = 0;  // time inside the synced RocksDB writes
};

struct VerifyReport {
  bool ok = true;
  uint64_t checked = 0;             // records whose hash was recomputed
  uint64_t first_bad_position = 0;  // 0 when ok
  std::string problem;              // what is wrong at first_bad_position
  Head head;                        // the head recorded in the store's metadata
};

class EventStore {
 public:
  using SubscriptionId = uint64_t;

  static Result<std::unique_ptr<EventStore>> Open(const std::string& dir,
                                                  StoreOptions options = {});
  // Close() if not closed yet.
  ~EventStore();
  // Stops taking appends (later ones are refused with kReadOnly), commits and answers every one
  // already queued, then flushes the memtables so the next open replays no WAL. Reads keep
  // working until the store is destroyed. Call it before tearing down what the appends'
  // callbacks use. Idempotent.
  void Close();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Appends `events` to `stream` if its version matches `expected`. Stream ids are 1-512 bytes of
  // UTF-8 without control characters; types are 1-200 bytes; data must be a JSON value.
  // Blocks until the append is durable or refused.
  AppendResult Append(std::string_view stream, ExpectedVersion expected,
                      std::vector<NewEvent> events);
  // The same without blocking: `done` gets the result, on the calling thread when the append is
  // refused before queueing (invalid, store closing), otherwise on the store's notifier thread
  // after the group holding it is synced, in commit order. `done` must be quick and must not
  // block on another append (it holds up every later answer); it may call AppendAsync. Appends
  // queued before the store is destroyed are committed and answered before the destructor returns.
  void AppendAsync(std::string_view stream, ExpectedVersion expected, std::vector<NewEvent> events,
                   std::function<void(AppendResult)> done);

  // Several streams at once: every part's expected version holds and all their events are
  // written, at consecutive positions in the order given, or none is (a part may name a stream
  // an earlier part wrote; it then sees that part's events). The store assigns every event id:
  // a multi-stream append is retried by deciding it again, not by ids. The result's positions
  // span the whole append; a refusal names the first part that did not match. At most 100,000
  // events and 64 MiB in all.
  struct StreamAppend {
    std::string stream;
    ExpectedVersion expected = ExpectedVersion::Any();
    std::vector<NewEvent> events;
  };
  AppendResult AppendMany(std::vector<StreamAppend> parts);
  void AppendManyAsync(std::vector<StreamAppend> parts, std::function<void(AppendResult)> done);

  // Up to `max_count` events of `stream` from `from_version` on. An unknown stream is empty.
  Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream, uint64_t from_version,
                                                size_t max_count) const;
  // Up to `max_count` events of the whole log from `from_position` on.
  Result<std::vector<RecordedEvent>> ReadAll(uint64_t from_position, size_t max_count) const;
  // The event at `position`; kNotFound past the head.
  Result<RecordedEvent> Get(uint64_t position) const;
  // Calls `fn` for each event in [from_position, to_position] (to_position 0: the head when the
  // scan starts) without copying; stops early when `fn` returns false. The fast path for replay.
  Status Scan(uint64_t from_position, uint64_t to_position,
              const std::function<bool(const EventView&)>& fn) const;

  // The last acknowledged position and its hash. Every position up to it is readable.
  Head head() const;
  // The stream's last version; nullopt when it has no events.
  Result<std::optional<uint64_t>> StreamVersion(std::string_view stream) const;
  // The last position recorded at or before `unix_ms` (0 when none): the log as of that instant.
  Result<uint64_t> PositionAt(int64_t unix_ms) const;

  // Blocks until the head passes `after`, the timeout expires or the store shuts down; returns
  // the head position then.
  uint64_t WaitForAppend(uint64_t after, std::chrono::milliseconds timeout) const;
  // `fn(head_position)` runs after every committed group, on the committer thread. It must be
  // quick and must not call Append (which would wait for the thread running it); AppendAsync is
  // allowed.
  SubscriptionId Subscribe(std::function<void(uint64_t)> fn);
  void Unsubscribe(SubscriptionId id);

  // Walks the chain from `from_position` (1: everything) and reports the first record whose
  // position, hash, or stream version is wrong. `progress(checked)` is called for every record.
  VerifyReport Verify(uint64_t from_position = 1,
                      const std::function<void(uint64_t)>& progress = {}) const;

  WriteStats write_stats() const;

  // Non-ok once a write or sync has failed: appends are refused until the store is reopened
  // (kReadOnly), or until it has reopened itself once space is back (kNoSpace).
  Status write_status() const;
  // How many times the store has reopened itself after a full disk.
  uint64_t recoveries() const;

  // A consistent copy of the store in `dir`, which must not exist (a RocksDB checkpoint: hard
  // links where possible), taken while appends go on. Returns the head the copy holds, read
  // back from it (opened read-only, its tail re-hashed).
  Result<Head> Checkpoint(const std::string& dir) const;

  struct Impl;

 private:
  explicit EventStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace taskledger
