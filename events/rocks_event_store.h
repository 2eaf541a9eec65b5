// The event store over RocksDB: one process, one directory. It keeps the contract of
// events/event_store.h, and says here what it means on a local disk:
//  - Durable: the write batch holding the events is synced to the WAL (fdatasync). One committer
//    thread writes everything queued as one batch, so concurrent appends share one sync (group
//    commit).
//  - After a failed write or sync no later append touches that RocksDB instance, because the
//    state of its WAL is then unknown (leveldb's rule): appends fail with kReadOnly until the
//    store is reopened. When the write failed for lack of space they fail with kNoSpace, and
//    once the disk has room again the store closes RocksDB and opens it afresh by itself
//    (recovering the WAL as after a crash) and appends resume. Reads go on meanwhile; they wait
//    out the few milliseconds of the reopen.
//  - Appends are refused with kNoSpace, without a write, while the disk has less free space
//    than min_free_bytes; they resume by themselves once it has more.
//  - Close() flushes the memtables, so the next open replays no WAL.
//  - Checkpoint() is a RocksDB checkpoint (hard links where possible) that OpenRocksEventStore
//    opens.
//
// Thread-safety: as EventStore.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "events/event_store.h"
#include "events/util/disk_space.h"
#include "events/util/status.h"

namespace rocksdb {
class Env;
}

namespace taskledger {

struct RocksStoreOptions : StoreOptions {
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

// Opens (or, with create_if_missing, creates) the log in `dir`, re-hashing its last
// tail_check_records records: a tail that does not end at its recorded head is kCorruption
// (unless allow_damaged). kIOError or kBusy when RocksDB cannot open it (another process holds
// it).
Result<std::unique_ptr<EventStore>> OpenRocksEventStore(const std::string& dir,
                                                        RocksStoreOptions options = {});

}  // namespace taskledger
