// Plain RocksDB with default options and the same record bytes the event store writes, so the
// store's own overhead shows as a ratio against these lines.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "bench/bench_util.h"
#include "bench/log_bench.h"
#include "events/record.h"

namespace taskledger::bench {
namespace {

std::unique_ptr<rocksdb::DB> OpenRaw(const std::string& dir, bool fresh) {
  if (fresh) std::filesystem::remove_all(dir);
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    std::fprintf(stderr, "raw open %s: %s\n", dir.c_str(), s.ToString().c_str());
    std::exit(1);
  }
  return std::unique_ptr<rocksdb::DB>(db);
}

// The bytes the event store would store for event `i`, chained to `*previous`.
class RecordMaker {
 public:
  std::string Next(uint64_t i) {
    std::string data = Payload(i);
    std::string stream = "task-" + std::to_string(i % 500);
    EventView e;
    e.position = i + 1;
    e.stream = stream;
    e.version = i / 500;
    e.id = Uuid::NewV7(1'790'000'000'000 + static_cast<int64_t>(i));
    e.type = "task.progress_reported";
    e.recorded_at_ms = 1'790'000'000'000 + static_cast<int64_t>(i);
    e.actor = "agency:so-gddt";
    e.data = data;
    return record::Encode(e, previous_, hasher_, &previous_);
  }

 private:
  Sha256 hasher_;
  Hash previous_{};
};

// The first `n` records, built before timing starts.
std::vector<std::string> MakeValues(uint64_t n) {
  RecordMaker maker;
  std::vector<std::string> values;
  values.reserve(n);
  for (uint64_t i = 0; i < n; ++i) values.push_back(maker.Next(i));
  return values;
}

rocksdb::WriteOptions SyncWrite() {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return sync;
}

void Check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

}  // namespace

double RawSyncPut(const std::string& dir, uint64_t n) {
  auto db = OpenRaw(dir, true);
  const std::vector<std::string> values = MakeValues(n);
  const rocksdb::WriteOptions sync = SyncWrite();
  ResetPeakRss();
  Stopwatch clock;
  for (uint64_t i = 0; i < n; ++i) Check(db->Put(sync, record::BigEndian(i + 1), values[i]), "put");
  return PrintRow("4a. raw RocksDB sync Put, 1 thread", n, clock.Seconds(), "events");
}

double RawSyncPutThreads(const std::string& dir, int threads, uint64_t n) {
  auto db = OpenRaw(dir, true);
  const std::vector<std::string> values = MakeValues(n);
  const rocksdb::WriteOptions sync = SyncWrite();
  ResetPeakRss();
  std::atomic<uint64_t> next{0};
  Stopwatch clock;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (uint64_t i; (i = next.fetch_add(1)) < n;) {
        Check(db->Put(sync, record::BigEndian(i + 1), values[i]), "put");
      }
    });
  }
  for (auto& t : pool) t.join();
  char name[64];
  std::snprintf(name, sizeof name, "4b. raw sync Put, %d threads", threads);
  return PrintRow(name, n, clock.Seconds(), "events");
}

double RawSyncBatch(const std::string& dir, int batch, uint64_t n) {
  auto db = OpenRaw(dir, true);
  const std::vector<std::string> values = MakeValues(n);
  const rocksdb::WriteOptions sync = SyncWrite();
  ResetPeakRss();
  Stopwatch clock;
  for (uint64_t i = 0; i < n; i += batch) {
    rocksdb::WriteBatch b;
    for (uint64_t j = i; j < std::min<uint64_t>(n, i + batch); ++j) {
      b.Put(record::BigEndian(j + 1), values[j]);
    }
    Check(db->Write(sync, &b), "write");
  }
  char name[64];
  std::snprintf(name, sizeof name, "4c. raw sync WriteBatch of %d", batch);
  return PrintRow(name, n, clock.Seconds(), "events");
}

double RawScan(const std::string& dir, uint64_t n) {
  bool filled = false;
  {
    auto db = OpenRaw(dir, false);
    std::string last;
    filled = db->Get(rocksdb::ReadOptions(), record::BigEndian(n), &last).ok();
    if (filled) {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
      it->SeekToLast();
      filled = it->Valid() && it->key() == record::BigEndian(n);
    }
  }
  if (!filled) {
    auto db = OpenRaw(dir, true);
    RecordMaker maker;
    const rocksdb::WriteOptions sync = SyncWrite();
    for (uint64_t i = 0; i < n; i += 1000) {
      rocksdb::WriteBatch b;
      for (uint64_t j = i; j < std::min<uint64_t>(n, i + 1000); ++j) {
        b.Put(record::BigEndian(j + 1), maker.Next(j));
      }
      Check(db->Write(sync, &b), "write");
    }
  }
  auto db = OpenRaw(dir, false);
  ResetPeakRss();
  uint64_t records = 0, bytes = 0;
  Stopwatch clock;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++records;
    bytes += it->key().size() + it->value().size();
  }
  Check(it->status(), "scan");
  return PrintRow("4d. raw RocksDB iterator scan", records, clock.Seconds(), "records",
                  std::to_string(bytes >> 20) + " MiB");
}

}  // namespace taskledger::bench
