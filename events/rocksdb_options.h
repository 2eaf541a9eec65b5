// Every RocksDB option the event store sets, in one place. Private to events/.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <vector>

#include "events/rocks_event_store.h"

namespace taskledger {

// Column families. All of an append's keys go into one WriteBatch across them.
inline constexpr const char* kLogFamily = "log";         // BE position -> record
inline constexpr const char* kStreamFamily = "streams";  // stream \0 BE version -> BE position
inline constexpr const char* kIdFamily = "ids";          // event id (16 bytes) -> BE position
inline constexpr const char* kMetaFamily = "meta";       // "head" -> position, hash, time
inline constexpr const char* kHeadKey = "head";

struct RocksDbSetup {
  rocksdb::DBOptions db;
  // In the order above: log, streams, ids, meta, then "default" (unused, required).
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
};

RocksDbSetup MakeRocksDbSetup(const RocksStoreOptions& options);

// Appends are durable: sync=true makes RocksDB fdatasync the WAL before Write returns.
// RocksDB default: sync=false.
rocksdb::WriteOptions DurableWrite();

// Long scans (replay, verify): checksums verified, large readahead, and no block-cache pollution.
rocksdb::ReadOptions ScanRead();

}  // namespace taskledger
