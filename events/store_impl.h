// The RocksDB event store and its private state, shared by rocks_event_store.cpp (open, close,
// checkpoints, subscriptions), rocks_event_store_read.cpp (reads, verify, the tail check),
// rocks_event_store_append.cpp (the queue) and rocks_event_store_commit.cpp (group commit,
// recovery after a full disk). Private to events/: others open it with OpenRocksEventStore.
#pragma once

#include <rocksdb/db.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "events/event_store.h"
#include "events/group_stage.h"
#include "events/head_watch.h"
#include "events/rocks_event_store.h"
#include "events/rocksdb_guard.h"
#include "events/util/disk_space.h"
#include "events/util/reopenable.h"
#include "events/util/sha256.h"

namespace taskledger {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// One open RocksDB instance with its column families. Readers hold it through a shared_ptr for
// one operation; it closes when the last holder lets go (a reopen waits for that).
struct OpenDb {
  ~OpenDb();
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // owned; destroyed before db closes
  rocksdb::ColumnFamilyHandle* log = nullptr;
  rocksdb::ColumnFamilyHandle* streams = nullptr;
  rocksdb::ColumnFamilyHandle* ids = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
};

// EventStore over RocksDB (rocks_event_store.h says what it promises beyond the contract).
// The state lives in Impl, which the committer and notifier threads hold by pointer.
class RocksEventStore final : public EventStore {
 public:
  struct Impl;
  explicit RocksEventStore(std::unique_ptr<Impl> impl);
  ~RocksEventStore() override;
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

 private:
  std::unique_ptr<Impl> impl_;
};

struct RocksEventStore::Impl {
  Impl(std::string dir, RocksStoreOptions options);

  Status FromRocks(const rocksdb::Status& s, std::string_view what) const;
  int64_t NowMs() const;
  // Opens RocksDB in `dir` with the store's options and reads its head.
  Result<std::shared_ptr<OpenDb>> OpenRocks(Head* head);
  // The open instance, for a read; waits while it is being reopened, and is kUnavailable-like
  // (kBusy) after 10 s of that.
  Result<std::shared_ptr<OpenDb>> Reader() const;
  // The last version of `stream` from the stream index (nullopt: no events). A stream's last
  // version is not stored separately: that would be one more random-key insert per append, the
  // most expensive kind for the memtable.
  Result<std::optional<uint64_t>> LastStreamVersion(const OpenDb& d, std::string_view stream) const;

  // The committer thread: takes every queued append (up to max_group_bytes), commits them in one
  // synced batch, and reports each result. Returns when `stopping` is set and the queue is empty.
  void RunCommitter();
  // Commits what it can of `group` in one synced batch and fills in every writer's result.
  // Called only on the committer thread.
  void CommitGroup(const std::vector<std::unique_ptr<Writer>>& group);
  // Committer only. Why appends are refused now (ok: they are not): a failed write or a
  // background error noticed since, or the disk under its floor.
  Status WriteRefusal();
  // Committer only. After a write failed for lack of space: once the disk has room again,
  // closes RocksDB and opens it afresh (recovering the WAL as after a crash), so appends resume.
  void TryRecover();
  // Marks appends refused after a failed write: kNoSpace (recoverable, see TryRecover) when
  // the disk was full, kReadOnly until restart otherwise.
  void FailWrites(const rocksdb::Status& st, std::string_view what);
  // Makes `h` the visible head, wakes waiters and runs subscriptions.
  void Publish(const Head& h) { watch.Publish(h); }

  const std::string dir;
  RocksStoreOptions options;
  SpaceFloor space;
  std::shared_ptr<WriteErrorListener> listener = std::make_shared<WriteErrorListener>();
  Reopenable<OpenDb> dbs;      // what readers use
  std::shared_ptr<OpenDb> db;  // committer-only (and open/close): the instance appends go to

  // The append queue, drained by the committer thread, which alone touches the
  // committer-only members below.
  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<std::unique_ptr<Writer>> writers;  // guarded by queue_mu
  Status write_error;        // guarded by queue_mu; non-ok refuses every later append
  bool recoverable = false;  // guarded by queue_mu: write_error is a full disk, TryRecover heals it
  std::chrono::steady_clock::time_point next_recovery;  // committer-only
  uint64_t failed_recoveries = 0;                       // committer-only
  bool stopping = false;                                // guarded by queue_mu
  bool closed = false;  // guarded by queue_mu: Close() has run (or is running)
  std::thread committer;
  // Committed groups waiting for their callbacks, handed from the committer to the notifier
  // thread (answers.Run), so the committer goes on to the next group and its sync meanwhile.
  AnswerQueue answers;
  std::thread notifier;
  Head tail;      // committer-only: the last committed head
  Sha256 hasher;  // committer-only
  // Last versions of recently written streams, so appends skip the stream-head lookup.
  // Committer-only; updated only after a successful write; cleared when it outgrows the limit.
  // A national deployment writes to ~500,000 streams (a task each) in no order: a smaller limit
  // cleared the map every few seconds, and each miss is an index seek (17% of an append's CPU
  // at 450,000 tasks). About 100 bytes each: ~100 MiB when full.
  static constexpr size_t kMaxCachedStreams = 1 << 20;
  std::unordered_map<std::string, uint64_t, StringHash, std::equal_to<>> stream_versions;
  std::atomic<uint64_t> stat_appends{0}, stat_events{0}, stat_groups{0}, stat_write_micros{0};
  std::atomic<uint64_t> stat_recoveries{0};

  // The head readers see. A position is published only after its batch is synced.
  HeadWatch watch;
};

inline std::string PositionText(uint64_t p) { return "position " + std::to_string(p); }

// The stored record at `position`, decoded (an owning copy).
Result<RecordedEvent> ReadRecord(const RocksEventStore::Impl& s, const OpenDb& d,
                                 uint64_t position);
// Re-hashes the last `count` records of `d` and checks they end exactly at `head`.
Status CheckTail(RocksEventStore::Impl& s, const OpenDb& d, const Head& head, uint64_t count);

// The "head" metadata value: u64 position | hash[32] | i64 recorded_at_ms.
std::string EncodeHead(const Head& h);
bool DecodeHead(std::string_view v, Head* out);

}  // namespace taskledger
