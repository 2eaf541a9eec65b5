// What a group commit decides before it writes, the same for every implementation: which queued
// appends go in, at which positions and versions, with which record bytes and chained hashes,
// and each append's answer. The store supplies what is stored (a stream's last version, the
// record holding an event id) and writes what is staged. Private to events/.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/event_store.h"
#include "events/util/sha256.h"

namespace taskledger {

// One queued append, owned by the queue until the committer has written it and called `done`.
struct Writer {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;
  size_t bytes = 0;
  bool fresh_ids = false;  // the store assigned every id, so none needs an idempotency lookup
  AppendResult result;
  std::function<void(AppendResult)> done;
  // AppendMany: the parts after this one, written with it or not at all (stream, expected and
  // events used; fresh ids always).
  std::vector<Writer> more;
  // AppendRecords: records made by another store, copied as they are (stream and events unused).
  std::vector<RecordedEvent> records;
};

// Writers for the three kinds of append, checked (append_check.h) on the caller's thread; a
// refusal is the error, and the caller answers `done` with it.
Result<std::unique_ptr<Writer>> MakeWriter(const StoreOptions& options, std::string_view stream,
                                           ExpectedVersion expected, std::vector<NewEvent> events,
                                           int64_t now_ms);
Result<std::unique_ptr<Writer>> MakeManyWriter(const StoreOptions& options,
                                               std::vector<EventStore::StreamAppend> parts,
                                               int64_t now_ms);
Result<std::unique_ptr<Writer>> MakeRecordsWriter(const StoreOptions& options,
                                                  std::vector<RecordedEvent> records);

// Committed groups handed from a store's committer to its notifier thread, which answers them in
// commit order while the committer writes the next group.
// Thread-safety: Push and Stop from any thread; Run on the notifier thread.
class AnswerQueue {
 public:
  void Push(std::vector<std::unique_ptr<Writer>> group) {
    {
      std::lock_guard lock(mu_);
      groups_.push_back(std::move(group));
    }
    cv_.notify_one();
  }
  // Answers every group pushed, in order; returns once Stop() was called and all are answered.
  void Run() {
    for (;;) {
      std::vector<std::unique_ptr<Writer>> group;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !groups_.empty(); });
        if (groups_.empty()) return;
        group = std::move(groups_.front());
        groups_.pop_front();
      }
      for (const auto& w : group) w->done(std::move(w->result));
    }
  }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<std::unique_ptr<Writer>>> groups_;  // by mu_
  bool stopping_ = false;                                    // by mu_
};

// What is stored, as the group sees it before its own writes.
struct StoredLookups {
  // The stream's last version (nullopt: it has no events).
  std::function<Result<std::optional<uint64_t>>(std::string_view stream)> stream_version;
  // The record holding event `id` (nullopt: none does).
  std::function<Result<std::optional<RecordedEvent>>(const Uuid& id)> record_of;
};

struct StagedGroup {
  Head next;                      // the head after the group
  std::vector<Writer*> in_batch;  // the writers answered only once the batch is durable
  // Every stream the group looked at, with its last version after the group (nullopt: none).
  std::unordered_map<std::string_view, std::optional<uint64_t>> versions;
};

// Receives each record to write, in position order: its fields and its stored bytes.
using RecordSink = std::function<void(const EventView& e, std::string value)>;

// Decides `group` on top of `tail` at `now_ms`, in order: fills in every writer's result (a
// refusal, a duplicate, or the positions it gets) and hands each new record to `sink`.
StagedGroup StageGroup(const std::vector<std::unique_ptr<Writer>>& group, const Head& tail,
                       int64_t now_ms, Sha256& hasher, const StoredLookups& stored,
                       const RecordSink& sink);

}  // namespace taskledger
