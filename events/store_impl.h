// EventStore's private state, shared by event_store.cpp (open, reads, verify) and
// event_store_append.cpp (group commit). Private to events/.
#pragma once

#include <rocksdb/db.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "events/event_store.h"
#include "events/sha256.h"

namespace taskledger {

// One caller of Append, queued until its events are committed by itself or by another leader.
struct Writer {
  std::string_view stream;
  ExpectedVersion expected;
  std::vector<NewEvent>* events;
  size_t bytes = 0;
  AppendResult result;
  bool done = false;  // guarded by Impl::queue_mu
  std::condition_variable cv;
};

struct EventStore::Impl {
  ~Impl();

  Status FromRocks(const rocksdb::Status& s, std::string_view what) const;
  int64_t NowMs() const;

  // Commits what it can of `group` in one synced batch and fills in every writer's result.
  // Called only by the writer at the front of the queue, without queue_mu held.
  void CommitGroup(const std::vector<Writer*>& group);
  // Makes `h` the visible head, wakes waiters and runs subscriptions.
  void Publish(const Head& h);

  StoreOptions options;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // owned; destroyed before db closes
  rocksdb::ColumnFamilyHandle* log = nullptr;
  rocksdb::ColumnFamilyHandle* streams = nullptr;
  rocksdb::ColumnFamilyHandle* stream_heads = nullptr;
  rocksdb::ColumnFamilyHandle* ids = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;

  // The writer queue. The front writer is the leader; only it touches `tail` and `hasher`.
  std::mutex queue_mu;
  std::deque<Writer*> writers;  // guarded by queue_mu
  Status write_error;           // guarded by queue_mu; non-ok refuses every later append
  Head tail;                    // leader-only: the last committed head
  Sha256 hasher;                // leader-only

  // The head readers see. A position is published only after its batch is synced.
  mutable std::mutex head_mu;
  mutable std::condition_variable head_cv;
  Head head;             // guarded by head_mu
  bool closing = false;  // guarded by head_mu

  std::mutex subs_mu;  // held while callbacks run, so Unsubscribe waits for a running callback
  std::vector<std::pair<SubscriptionId, std::function<void(uint64_t)>>> subs;  // guarded
  SubscriptionId next_sub = 1;                                                 // guarded
};

// The "head" metadata value: u64 position | hash[32] | i64 recorded_at_ms.
std::string EncodeHead(const Head& h);
bool DecodeHead(std::string_view v, Head* out);

}  // namespace taskledger
