// The append-only event log: the contract every implementation keeps. The tests of this contract
// are written once (tests/events/store_contract.h) and run against each implementation.
//
// Guarantees
//  - Positions are global, gapless and start at 1; each stream's versions are gapless from 0.
//  - Append is atomic per call: all of its events or none, at consecutive positions.
//  - An append is checked against the stream's version as the caller expects it: any, no stream
//    yet, an existing stream, or an exact last version (ExpectedVersion, events/event.h). A
//    mismatch writes nothing and is kWrongExpectedVersion with the stream's current version.
//  - Append returns success only after the events are durable: a crash or power cut after it
//    returned keeps them. Concurrent appends may share one sync.
//  - Event ids are unique forever: appending events whose ids are already stored, with the same
//    stream, type and data, returns the original positions and writes nothing (duplicate); the
//    same id with other content is kIdempotencyConflict.
//  - Stream ids, types, metadata and data are checked alike by every implementation
//    (events/append_check.h), on the caller's thread, before anything is queued.
//  - recorded_at never decreases along the log, so "the log as of instant T" is a prefix
//    (PositionAt).
//  - Every record carries SHA-256(previous hash || body); Verify() walks the chain.
//  - After a write that failed, appends are refused (kReadOnly; kNoSpace when the disk was
//    full, see the implementation) rather than guessed at; reads go on.
//
// Thread-safety: every method may be called from any thread concurrently.
//
// Implementations: RocksDB (events/rocks_event_store.h) and PostgreSQL (events/pg_event_store.h).
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
#include "events/util/status.h"

namespace taskledger {

// What every implementation takes. An implementation's own options extend these
// (RocksStoreOptions).
struct StoreOptions {
  // Creates an empty log when there is none. Default: true.
  bool create_if_missing = true;
  // Opens a store whose tail fails the open-time check, with appends refused, so that Verify()
  // can say where it is damaged. Default: false (such a store does not open).
  bool allow_damaged = false;
  // Limits on what one append may carry. Defaults: 1,000 events, 1 MiB of data per event.
  size_t max_events_per_append = 1000;
  size_t max_event_bytes = 1u << 20;
  // UTC milliseconds for recorded_at. Default: the system clock.
  std::function<int64_t()> clock_ms;
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

  // An implementation's destructor Close()s it if not closed yet.
  virtual ~EventStore() = default;
  // Stops taking appends (later ones are refused with kReadOnly), commits and answers every one
  // already queued, and leaves the store so that the next open has nothing to recover. Reads
  // keep working until the store is destroyed. Call it before tearing down what the appends'
  // callbacks use. Idempotent.
  virtual void Close() = 0;
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Appends `events` to `stream` if its version matches `expected`. Stream ids are 1-512 bytes of
  // UTF-8 without control characters; types are 1-200 bytes; data must be a JSON value.
  // Blocks until the append is durable or refused.
  AppendResult Append(std::string_view stream, ExpectedVersion expected,
                      std::vector<NewEvent> events);
  // The same without blocking: `done` gets the result, on the calling thread when the append is
  // refused before queueing (invalid, store closing), otherwise on the store's notifier thread
  // after the append is durable, in commit order. `done` must be quick and must not block on
  // another append (it holds up every later answer); it may call AppendAsync. Appends queued
  // before the store is closed are committed and answered before Close() returns.
  virtual void AppendAsync(std::string_view stream, ExpectedVersion expected,
                           std::vector<NewEvent> events,
                           std::function<void(AppendResult)> done) = 0;

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
  virtual void AppendManyAsync(std::vector<StreamAppend> parts,
                               std::function<void(AppendResult)> done) = 0;

  // Copies records another store made onto the end of this one, exactly as they are (migrating
  // a log between implementations, backups of a database store): each must follow the head (the
  // next position, chained to its hash, recorded no earlier, its stream's next version, an id not
  // stored yet). All of them or none; kCorruption says which record does not follow. At most
  // 100,000 records and 64 MiB at once.
  AppendResult AppendRecords(std::vector<RecordedEvent> records);
  virtual void AppendRecordsAsync(std::vector<RecordedEvent> records,
                                  std::function<void(AppendResult)> done) = 0;

  // Up to `max_count` events of `stream` from `from_version` on. An unknown stream is empty.
  virtual Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream,
                                                        uint64_t from_version,
                                                        size_t max_count) const = 0;
  // Up to `max_count` events of the whole log from `from_position` on (a Scan, copied).
  Result<std::vector<RecordedEvent>> ReadAll(uint64_t from_position, size_t max_count) const;
  // The event at `position`; kNotFound past the head.
  virtual Result<RecordedEvent> Get(uint64_t position) const = 0;
  // Calls `fn` for each event in [from_position, to_position] (to_position 0: the head when the
  // scan starts) without copying; stops early when `fn` returns false. The fast path for replay.
  virtual Status Scan(uint64_t from_position, uint64_t to_position,
                      const std::function<bool(const EventView&)>& fn) const = 0;

  // The last acknowledged position and its hash. Every position up to it is readable.
  virtual Head head() const = 0;
  // The head as the storage holds it now: for a shared log, read from the database, with other
  // processes' appends (and head() moves to it). Default: head().
  virtual Result<Head> LatestHead() const { return head(); }
  // The stream's last version; nullopt when it has no events.
  virtual Result<std::optional<uint64_t>> StreamVersion(std::string_view stream) const = 0;
  // The last position recorded at or before `unix_ms` (0 when none): the log as of that instant.
  virtual Result<uint64_t> PositionAt(int64_t unix_ms) const = 0;

  // Blocks until the head passes `after`, the timeout expires or the store shuts down; returns
  // the head position then.
  virtual uint64_t WaitForAppend(uint64_t after, std::chrono::milliseconds timeout) const = 0;
  // `fn(head_position)` runs after every committed group of appends, on the store's own thread,
  // before their callbacks. It must be quick and must not call Append (which would wait for the
  // thread running it); AppendAsync is allowed. After Unsubscribe returns, `fn` is not running
  // and will not run again.
  virtual SubscriptionId Subscribe(std::function<void(uint64_t)> fn) = 0;
  virtual void Unsubscribe(SubscriptionId id) = 0;

  // Walks the chain from `from_position` (1: everything) and reports the first record whose
  // position, hash, or stream version is wrong. `progress(checked)` is called for every record.
  virtual VerifyReport Verify(uint64_t from_position = 1,
                              const std::function<void(uint64_t)>& progress = {}) const = 0;

  virtual WriteStats write_stats() const = 0;

  // Non-ok once a write has failed: appends are refused until the store is reopened
  // (kReadOnly), or until it has recovered by itself once space is back (kNoSpace).
  virtual Status write_status() const = 0;
  // How many times the store has recovered by itself after a full disk.
  virtual uint64_t recoveries() const = 0;

  // A consistent copy of the store in `dir`, which must not exist, taken while appends go on: a
  // RocksDB store (OpenRocksEventStore opens it) whatever the implementation, so a backup is
  // one self-contained directory. Returns the head the copy holds, read back from it.
  virtual Result<Head> Checkpoint(const std::string& dir) const = 0;

  // Where the log lives, for messages and /healthz: a directory, or a database without its
  // password.
  virtual std::string location() const = 0;
  // Whether other processes append to the same log (a database store): then the head moves
  // without this process appending, and whoever folds the log follows it (Subscribe).
  virtual bool shared() const { return false; }

 protected:
  EventStore() = default;
};

// Copies `from`'s log after `to`'s head up to `through` (0: `from`'s head when the copy starts)
// onto `to`, record for record (AppendRecords), in batches; `progress(copied)` after each.
// Returns `to`'s head after the copy. `to` must hold a prefix of `from`'s log (or nothing).
Result<Head> CopyLog(const EventStore& from, EventStore& to, uint64_t through = 0,
                     const std::function<void(uint64_t)>& progress = {});

}  // namespace taskledger
