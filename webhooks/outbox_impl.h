// The outbox's keys and its RocksDB instance behind a write guard. Private to webhooks/.
//
// Keys, one letter of kind first:
//   m<id>                          message (JSON)
//   b<id>                          its body, as sent
//   q<BE next_ms><id>              pending, by next attempt
//   r<id>                          outcome not yet in the event log
//   d<BE done_ms><id>              finished (delivered or given up), by when: for retention
//   e<endpoint>\0<BE created><id>  an endpoint's messages, by creation
//   k<endpoint>\0<key>             -> id: every keyed message enqueued (until pruned)
//   a<id>\0<BE n>                  attempt (JSON)
//   s<endpoint>                    secrets (JSON)
//   h<endpoint>                    health (JSON)
//   c:log, c:clock                 cursors
//   c:done-index                   the d keys cover every finished message
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <mutex>
#include <string>

#include "events/rocksdb_guard.h"
#include "events/util/coding.h"
#include "events/util/disk_space.h"
#include "events/util/reopenable.h"
#include "webhooks/outbox.h"

namespace taskledger::webhooks {

// A key of one letter of kind and `parts` after it. (Appending, rather than "m" + string, also
// keeps GCC 12's false -Wrestrict quiet.)
template <class... Parts>
std::string Key(char kind, const Parts&... parts) {
  std::string k(1, kind);
  (k.append(parts), ...);
  return k;
}

inline std::string MessageKey(std::string_view id) { return Key('m', id); }
inline std::string QueueKey(int64_t next_ms, std::string_view id) {
  return Key('q', BigEndian(static_cast<uint64_t>(next_ms)), id);
}
inline std::string UnrecordedKey(std::string_view id) { return Key('r', id); }
inline std::string DoneKey(int64_t done_ms, std::string_view id) {
  return Key('d', BigEndian(static_cast<uint64_t>(std::max<int64_t>(done_ms, 0))), id);
}
// The body, as sent, stored once beside the record (which changes with every attempt).
inline std::string BodyKey(std::string_view id) { return Key('b', id); }
inline std::string EndpointPrefix(std::string_view endpoint) {
  std::string k = Key('e', endpoint);
  k.push_back('\0');
  return k;
}
inline std::string EndpointKey(const Message& m) {
  return EndpointPrefix(m.endpoint) + BigEndian(static_cast<uint64_t>(m.created_ms)) + m.id;
}
inline std::string DedupeKey(std::string_view endpoint, std::string_view key) {
  std::string k = Key('k', endpoint);
  k.push_back('\0');
  return k + std::string(key);
}
inline std::string AttemptPrefix(std::string_view id) {
  std::string k = Key('a', id);
  k.push_back('\0');
  return k;
}
inline constexpr std::string_view kDoneIndexKey = "c:done-index";

std::string Encode(const Message& m);
Result<Message> Decode(std::string_view text);

// The RocksDB instance and how it is written. Every write goes through Write(), one at a time:
// after one fails no other may touch that instance (rocksdb_guard.h), and one thread checking
// while another fails would not be enough.
// Thread-safety: used from any thread. The const members are set at construction; `dbs` hands
// out the instance under its own lock (Reopenable); the write state is guarded by `write_mu`.
struct Outbox::Impl {
  Impl(std::string dir, OutboxOptions options);

  // Opens RocksDB in `dir` and installs it for readers.
  Status Open();
  // The instance for a read; kBusy while it is being reopened (after 10 s of waiting).
  Result<std::shared_ptr<rocksdb::DB>> Db() const;
  // Writes `batch`: refused without writing while the outbox is failed or the disk under its
  // floor (kNoSpace); a failed write fails the outbox (kNoSpace when the disk was full, which
  // TryRecover heals; kIOError otherwise, until restart).
  Status Write(rocksdb::WriteBatch& batch, bool sync, std::string_view what);
  Status write_status() const;
  // When the outbox failed on a full disk and there is room again: closes and reopens it.
  bool TryRecover();

  Status From(const rocksdb::Status& s, std::string_view what) const;
  // The message `id`; its body too when `body`.
  Result<Message> Load(rocksdb::DB& db, const std::string& id, bool body) const;
  // The messages an index names: keys starting with `prefix`, the id from byte `id_at` on.
  Result<std::vector<Message>> LoadAll(const std::string& prefix, size_t id_at, bool bodies) const;
  // Calls fn(key, value) for keys starting with `prefix` from `start` on; fn returns false to
  // stop.
  Status Scan(rocksdb::DB& db, const std::string& prefix, const std::string& start,
              const std::function<bool(std::string_view, std::string_view)>& fn) const;
  // Adds d keys for finished messages stored before the retention index existed (once).
  Status IndexDone();

  const std::string dir;
  const OutboxOptions options;
  SpaceFloor space;
  std::shared_ptr<WriteErrorListener> listener = std::make_shared<WriteErrorListener>();
  Reopenable<rocksdb::DB> dbs;
  mutable std::mutex write_mu;  // held for every write, and for a reopen
  Status write_error;           // by write_mu
  bool recoverable = false;     // by write_mu
};

}  // namespace taskledger::webhooks
