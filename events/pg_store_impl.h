// The PostgreSQL event store's private state, shared by pg_event_store.cpp (open, schema, the
// listener, reads, verify, checkpoints) and pg_event_store_commit.cpp (the queue and group
// commit). Private to events/: others open it with OpenPgEventStore.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "events/event_store.h"
#include "events/group_stage.h"
#include "events/head_watch.h"
#include "events/pg_conn.h"
#include "events/pg_event_store.h"
#include "events/util/sha256.h"

namespace taskledger {

class PgEventStore final : public EventStore {
 public:
  struct Impl;
  explicit PgEventStore(std::unique_ptr<Impl> impl);
  ~PgEventStore() override;
  void Close() override;

  void AppendAsync(std::string_view stream, ExpectedVersion expected, std::vector<NewEvent> events,
                   std::function<void(AppendResult)> done) override;
  void AppendManyAsync(std::vector<StreamAppend> parts,
                       std::function<void(AppendResult)> done) override;
  void AppendRecordsAsync(std::vector<RecordedEvent> records,
                          std::function<void(AppendResult)> done) override;

  Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream, uint64_t from_version,
                                                size_t max_count) const override;
  Result<RecordedEvent> Get(uint64_t position) const override;
  Status Scan(uint64_t from_position, uint64_t to_position,
              const std::function<bool(const EventView&)>& fn) const override;
  Head head() const override;
  Result<Head> LatestHead() const override;
  Result<std::optional<uint64_t>> StreamVersion(std::string_view stream) const override;
  Result<uint64_t> PositionAt(int64_t unix_ms) const override;
  uint64_t WaitForAppend(uint64_t after, std::chrono::milliseconds timeout) const override;
  SubscriptionId Subscribe(std::function<void(uint64_t)> fn) override;
  void Unsubscribe(SubscriptionId id) override;
  VerifyReport Verify(uint64_t from_position,
                      const std::function<void(uint64_t)>& progress) const override;
  WriteStats write_stats() const override;
  Status write_status() const override;
  uint64_t recoveries() const override;
  Result<Head> Checkpoint(const std::string& dir) const override;
  std::string location() const override;
  bool shared() const override { return true; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct PgEventStore::Impl {
  Impl(std::string uri, PgStoreOptions options);

  int64_t NowMs() const;
  // The stored records in [from, to], in order, as their stored bytes; stops when `fn` is false.
  Status ScanRaw(uint64_t from, uint64_t to,
                 const std::function<bool(std::string_view value)>& fn) const;
  // The head row as stored; `begin_and_lock`: in a transaction begun here, locked until it ends.
  static Result<Head> ReadHead(pg::PgConn& conn, bool begin_and_lock = false);

  // The committer: takes what is queued (up to max_group_bytes), commits it in one transaction
  // and hands the group to the notifier. Returns when stopping and the queue is empty.
  void RunCommitter();
  // Listens for other processes' appends (and looks at the head every poll_interval).
  void RunListener();
  // One group in one transaction; fills in every writer's result. Committer only.
  void CommitGroup(const std::vector<std::unique_ptr<Writer>>& group);
  Status CommitStaged(const std::vector<std::unique_ptr<Writer>>& group, StagedGroup* staged);
  // The committer's connection, reconnected when lost (no more often than poll_interval).
  Result<pg::PgConn*> WriteConn();
  void Enqueue(std::unique_ptr<Writer> w);

  const std::string uri;
  const std::string where;  // the URI without its password
  PgStoreOptions options;
  mutable pg::PgPool readers;

  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<std::unique_ptr<Writer>> writers;  // guarded by queue_mu
  bool stopping = false;                        // guarded by queue_mu
  bool closed = false;                          // guarded by queue_mu
  Status write_error;  // guarded by queue_mu: why the last attempt to write failed (ok: none)
  std::thread committer;

  AnswerQueue answers;
  std::thread notifier;

  std::thread listener;
  std::atomic<bool> listener_stopping{false};

  // Committer-only.
  std::unique_ptr<pg::PgConn> conn;
  std::chrono::steady_clock::time_point next_connect;
  Head tail;  // the head the last commit left (or found)
  Sha256 hasher;
  // Last versions of streams this process wrote since the head last moved under it.
  static constexpr size_t kMaxCachedStreams = 1 << 20;
  std::unordered_map<std::string, uint64_t> stream_versions;

  std::atomic<uint64_t> stat_appends{0}, stat_events{0}, stat_groups{0}, stat_write_micros{0};
  std::atomic<uint64_t> stat_reconnects{0};
  HeadWatch watch;
};

}  // namespace taskledger
