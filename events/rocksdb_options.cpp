#include "events/rocksdb_options.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <cstring>
#include <memory>

namespace taskledger {
namespace {

// The stream part of a stream-index key ("stream \0 BE version"), up to and including the
// separator. Stream ids have no control characters, so the first '\0' ends the stream.
class StreamPrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "taskledger.StreamPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    const void* zero = std::memchr(key.data(), 0, key.size());
    return rocksdb::Slice(key.data(), static_cast<const char*>(zero) - key.data() + 1);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return std::memchr(key.data(), 0, key.size()) != nullptr;
  }
};

// `insert_hint` groups keys that arrive in ascending order (see RocksDbSetup below).
rocksdb::ColumnFamilyOptions FamilyOptions(
    const std::shared_ptr<rocksdb::Cache>& cache, bool point_lookups, size_t block_size,
    std::shared_ptr<const rocksdb::SliceTransform> insert_hint = nullptr) {
  rocksdb::BlockBasedTableOptions table;
  // One cache for the whole store, sized by RocksStoreOptions::block_cache_bytes. Default: 8 MiB
  // per table factory, which would multiply by the number of families.
  table.block_cache = cache;
  // Keep index and filter blocks in that cache so memory stays bounded as the log grows, but pin
  // level-0's so fresh lookups do not miss. Defaults: false, false.
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Larger blocks compress better and scan faster. Default: 4 KiB.
  table.block_size = block_size;
  // The id and stream-head lookups made for every append are mostly misses (new ids, new
  // streams); a 10-bit Bloom filter answers those without reading a block. Default: no filter.
  if (point_lookups) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));

  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // LZ4 decompresses several times faster than the default Snappy's ratio is worth, which is what
  // replay speed depends on. Default: kSnappyCompression.
  cf.compression = rocksdb::kLZ4Compression;
  // Memtable size before a flush. Default: 64 MiB; kept, and stated because it bounds how much
  // WAL is replayed on open.
  cf.write_buffer_size = 64u << 20;
  cf.level_compaction_dynamic_level_bytes = true;  // steadier space amplification. Default: false.
  // Keys with the same prefix under this transform are inserted in ascending order (positions;
  // a stream's versions; time-ordered v7 ids), so the memtable keeps a per-prefix insert hint
  // instead of searching its skip list from the top: the memtable insert is the largest CPU cost
  // of a group commit. Default: nullptr (no hints).
  cf.memtable_insert_with_hint_prefix_extractor = std::move(insert_hint);
  return cf;
}

}  // namespace

RocksDbSetup MakeRocksDbSetup(const RocksStoreOptions& options) {
  RocksDbSetup s;
  s.db.create_if_missing = options.create_if_missing;  // Default: false.
  s.db.create_missing_column_families = true;          // Default: false.
  // Refuse to open on detected corruption and stop writing on background errors, rather than
  // carry on over damage. Default: true; stated because the log's trust depends on it.
  s.db.paranoid_checks = true;
  // After a crash, recover the WAL up to the first torn record. Only unsynced writes can be torn,
  // and no append is acknowledged before its sync, so nothing acknowledged is dropped.
  // Default: kPointInTimeRecovery.
  s.db.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // fdatasync, not fsync, for the WAL: file size changes are covered by the WAL's own
  // preallocation and recovery. Default: false.
  s.db.use_fsync = false;
  // Two cores: one flush and one compaction at a time. Default: 2.
  s.db.max_background_jobs = 2;
  // Write SST data back in 1 MiB steps instead of one burst at file close. Default: 0 (off).
  s.db.bytes_per_sync = 1u << 20;
  // Table files stay open: no open/close on reads. Default: -1.
  s.db.max_open_files = -1;
  // Bound the WAL. The meta family gets one small key per commit and would otherwise never fill
  // its memtable, so no WAL file could be deleted and a restart after a crash would replay
  // gigabytes. Past this size RocksDB flushes the families that pin the oldest WAL, which bounds
  // recovery to about this many bytes. Default: 0 (4x the sum of all write buffers, ~2.5 GiB).
  s.db.max_total_wal_size = 128u << 20;
  // Keep the info LOG files from piling up in the data directory. Default: 1000.
  s.db.keep_log_file_num = 5;
  // One committer thread writes each batch, so RocksDB never has a group to insert in parallel, and
  // concurrent inserts would disable the memtable insert hints. Default: true.
  s.db.allow_concurrent_memtable_write = false;
  if (options.env != nullptr) s.db.env = options.env;

  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  s.families = {
      // Positions ascend: one hint for all (the first 4 bytes change every 2^32 events).
      {kLogFamily, FamilyOptions(cache, /*point_lookups=*/false, 16u << 10,
                                 std::shared_ptr<const rocksdb::SliceTransform>(
                                     rocksdb::NewFixedPrefixTransform(4)))},
      // Each stream's versions ascend: one hint per stream in the memtable (~250 bytes each).
      {kStreamFamily, FamilyOptions(cache, true, 4u << 10, std::make_shared<StreamPrefix>())},
      // Store-assigned UUIDv7 ids ascend with time; one byte of prefix bounds the hints to 256
      // even when clients send random v4 ids, for which the hint is merely useless.
      {kIdFamily, FamilyOptions(cache, true, 4u << 10,
                                std::shared_ptr<const rocksdb::SliceTransform>(
                                    rocksdb::NewFixedPrefixTransform(1)))},
      {kMetaFamily, FamilyOptions(cache, true, 4u << 10)},
      {rocksdb::kDefaultColumnFamilyName, FamilyOptions(cache, false, 4u << 10)},
  };
  return s;
}

rocksdb::WriteOptions DurableWrite() {
  rocksdb::WriteOptions w;
  w.sync = true;
  return w;
}

rocksdb::ReadOptions ScanRead() {
  rocksdb::ReadOptions r;
  r.verify_checksums = true;    // Default: true.
  r.fill_cache = false;         // A full scan would evict everything hot. Default: true.
  r.readahead_size = 2u << 20;  // Default: 0 (auto-readahead from 8 KiB).
  return r;
}

}  // namespace taskledger
