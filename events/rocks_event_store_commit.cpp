// Append with group commit. Callers validate on their own thread and queue; one committer thread
// takes everything queued, writes it as one synced WriteBatch and reports each result, so one
// fdatasync acknowledges every append that arrived while the previous one ran. leveldb's
// DBImpl::Write does the same with a leader chosen among blocked callers; a dedicated thread also
// serves callers that must not block (the HTTP server's I/O threads), and keeps the group whole
// instead of splitting writers into alternating cohorts. A second thread, the notifier, runs the
// callbacks of a committed group while the committer already writes the next one.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <unordered_map>

#include "events/event_store.h"
#include "events/record.h"
#include "events/rocksdb_options.h"
#include "events/store_impl.h"

namespace taskledger {
namespace {

// How long the committer waits for the next returning writer before it stops delaying a commit.
constexpr std::chrono::microseconds kArrivalGap{50};
constexpr size_t kMaxExpectedWriters = 1024;

}  // namespace

void RocksEventStore::Impl::CommitGroup(const std::vector<std::unique_ptr<Writer>>& group) {
  rocksdb::WriteBatch batch;
  StoredLookups stored;
  stored.stream_version = [this](std::string_view stream) -> Result<std::optional<uint64_t>> {
    if (auto c = stream_versions.find(stream); c != stream_versions.end()) {
      return std::optional<uint64_t>(c->second);
    }
    return LastStreamVersion(*db, stream);
  };
  stored.record_of = [this](const Uuid& id) -> Result<std::optional<RecordedEvent>> {
    std::string pos;
    rocksdb::Status st = db->db->Get(rocksdb::ReadOptions(), db->ids, id.AsBytes(), &pos);
    if (st.IsNotFound()) return std::optional<RecordedEvent>();
    if (!st.ok()) return FromRocks(st, "id lookup");
    if (pos.size() != 8) return Status::Corruption("unreadable id index entry");
    auto r = ReadRecord(*this, *db, record::FromBigEndian(pos));
    if (!r.ok()) return r.status();
    return std::optional<RecordedEvent>(std::move(*r));
  };
  StagedGroup staged =
      StageGroup(group, tail, NowMs(), hasher, stored, [&](const EventView& e, std::string value) {
        const std::string key = record::BigEndian(e.position);
        batch.Put(db->log, key, value);
        batch.Put(db->streams, record::StreamKey(e.stream, e.version), key);
        batch.Put(db->ids, e.id.AsBytes(), key);
      });
  const Head& next = staged.next;
  std::vector<Writer*>& in_batch = staged.in_batch;
  const auto& versions = staged.versions;

  if (next.position == tail.position) return;  // nothing new to write
  batch.Put(db->meta, kHeadKey, EncodeHead(next));
  const auto write_start = std::chrono::steady_clock::now();
  const rocksdb::Status st = db->db->Write(DurableWrite(), &batch);
  stat_write_micros += std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - write_start)
                           .count();
  if (!st.ok()) {
    // The WAL may or may not hold the batch; no later write can be trusted to land after it.
    FailWrites(st, "an append");
    Status err;
    {
      std::lock_guard lock(queue_mu);
      err = write_error.code() == Status::Code::kNoSpace
                ? write_error
                : Status::IOError("append not durable (" + st.ToString() +
                                  "); the store refuses writes until it is reopened");
    }
    for (Writer* w : in_batch) w->result = AppendResult{err};
    return;
  }
  if (stream_versions.size() + versions.size() > kMaxCachedStreams) stream_versions.clear();
  for (const auto& [stream, version] : versions) {
    if (!version) continue;
    if (auto c = stream_versions.find(stream); c != stream_versions.end()) {
      c->second = *version;
    } else {
      stream_versions.emplace(std::string(stream), *version);
    }
  }
  stat_groups += 1;
  stat_events += next.position - tail.position;
  for (Writer* w : in_batch) stat_appends += w->result.duplicate ? 0 : 1;
  tail = next;
  Publish(next);
}

void RocksEventStore::Impl::FailWrites(const rocksdb::Status& st, std::string_view what) {
  std::lock_guard lock(queue_mu);
  if (!write_error.ok()) return;  // refused already; the first failure says why
  if (IsNoSpace(st)) {
    write_error = Status::NoSpace("the disk is full (" + std::string(what) +
                                  " failed); writes resume once space is freed");
    recoverable = true;
  } else {
    write_error = Status::ReadOnly(std::string(what) + " failed (" + st.ToString() +
                                   "); the store refuses writes until it is reopened");
    recoverable = false;
  }
  next_recovery = std::chrono::steady_clock::now() + options.recovery_interval;
}

Status RocksEventStore::Impl::WriteRefusal() {
  // RocksDB reports a failed flush or compaction (and a failed write again) to the listener.
  if (listener->failed()) {
    FailWrites(listener->error(), "a background flush or compaction");
    listener->Clear();
  }
  {
    std::lock_guard lock(queue_mu);
    if (!write_error.ok()) return write_error;
  }
  // Below the floor: refuse before RocksDB meets the full disk, so nothing needs recovering.
  return space.Check();
}

namespace {

// Bytes of the write-ahead logs in `dir`: what a reopen replays and flushes into tables.
uint64_t WalBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
    if (f.path().extension() == ".log") total += f.file_size(ec);
  }
  return total;
}

}  // namespace

void RocksEventStore::Impl::TryRecover() {
  {
    std::lock_guard lock(queue_mu);
    if (!recoverable) return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now < next_recovery) return;
  next_recovery = now + options.recovery_interval;
  // The reopen flushes what only the WAL holds into tables: it needs that much beyond the floor.
  if (!space.Check(WalBytes(dir)).ok()) return;
  // No reader may hold the old instance while it closes; they wait for the new one.
  db.reset();
  dbs.Retire();
  Head recovered;
  auto d = OpenRocks(&recovered);
  const Status checked =
      d.ok() ? CheckTail(*this, **d, recovered, options.tail_check_records) : d.status();
  if (!checked.ok()) {
    // Still no room, or worse: readers get kBusy until a later attempt opens it. A store that
    // does not match its log is not served at all.
    if (d.ok() && checked.code() != Status::Code::kCorruption) {
      db = *d;
      dbs.Install(*d);
    }
    if (failed_recoveries++ % 60 == 0) {  // the first, then once a minute or so
      std::fprintf(stderr, "taskledger: the event store could not reopen after a full disk: %s\n",
                   checked.ToString().c_str());
    }
    return;
  }
  failed_recoveries = 0;
  listener->Clear();
  stream_versions.clear();  // a batch whose write failed may or may not be in the log now
  const Head before = tail;
  tail = recovered;
  db = *d;
  dbs.Install(std::move(*d));
  {
    std::lock_guard lock(queue_mu);
    write_error = Status::Ok();
    recoverable = false;
  }
  ++stat_recoveries;
  // A batch that failed may have reached the disk after all: then it is part of the log (its
  // writers were told it failed: as with a timeout, Idempotency-Key tells them what happened).
  if (recovered.position != before.position) Publish(recovered);
}

void RocksEventStore::Impl::RunCommitter() {
  using Clock = std::chrono::steady_clock;
  std::vector<std::unique_ptr<Writer>> group;
  // Writers answered last round plus those already waiting then: how many may be coming back.
  size_t expected = 0;
  for (;;) {
    Status refused;
    {
      std::unique_lock lock(queue_mu);
      // A store waiting for space wakes now and then to see whether it can resume.
      if (recoverable) {
        queue_cv.wait_for(lock, options.recovery_interval,
                          [this] { return stopping || !writers.empty(); });
        if (recoverable && !stopping) {
          lock.unlock();
          TryRecover();
          lock.lock();
        }
        if (writers.empty()) {
          if (stopping) return;
          continue;
        }
      } else {
        queue_cv.wait(lock, [this] { return stopping || !writers.empty(); });
      }
      if (writers.empty()) return;  // stopping, and everything queued has been answered
      // Commit delay (PostgreSQL's commit_delay, made adaptive): the writers just answered tend
      // to come straight back with their next append. Waiting briefly while they are still
      // arriving keeps them in one group instead of splitting the load into two alternating
      // half-size groups, each paying a full sync. A lone writer never waits: nobody else is
      // expected. The wait ends at options.max_commit_delay, or when no one arrives for a gap.
      if (options.max_commit_delay.count() > 0 && writers.size() < expected) {
        const auto deadline = Clock::now() + options.max_commit_delay;
        while (!stopping && writers.size() < expected) {
          const size_t before = writers.size();
          const auto until = std::min(deadline, Clock::now() + kArrivalGap);
          queue_cv.wait_until(lock, until, [&] { return stopping || writers.size() >= expected; });
          if (writers.size() == before || Clock::now() >= deadline) break;
        }
      }
      size_t bytes = 0;
      while (!writers.empty() &&
             (group.empty() || bytes + writers.front()->bytes <= options.max_group_bytes)) {
        bytes += writers.front()->bytes;
        group.push_back(std::move(writers.front()));
        writers.pop_front();
      }
      expected = std::min(group.size() + writers.size(), kMaxExpectedWriters);
    }
    refused = WriteRefusal();
    if (refused.ok()) {
      CommitGroup(group);
    } else {
      for (const auto& w : group) w->result = AppendResult{refused};
    }
    answers.Push(std::move(group));
    group.clear();
  }
}

}  // namespace taskledger
