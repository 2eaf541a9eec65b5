// Benchmark modes. Each prints one line: events, seconds, events/s, and peak RSS of the mode.
#pragma once

#include <cstdint>
#include <string>

namespace taskledger::bench {

// Over TaskLedger's event store (log_bench.cpp). `dir` is removed and recreated unless noted.
double AppendSingle(const std::string& dir, uint64_t n);
double AppendConcurrent(const std::string& dir, int writers, uint64_t n);
// Fills `dir` with `n` events unless it already holds exactly that many.
// `in_flight` chains of AppendAsync, each starting its next append when the last is acknowledged.
double AppendInFlight(const std::string& dir, int in_flight, uint64_t n);
void FillLog(const std::string& dir, uint64_t n);
double Replay(const std::string& dir, uint64_t n);
void Verify(const std::string& dir, uint64_t n);
// Appends `n` events and exits without closing the store (ColdStart's crash).
[[noreturn]] void CrashAppend(const std::string& dir, uint64_t n);
void ColdStart(const std::string& dir, uint64_t n, bool drop_caches);

// Plain RocksDB with the same record bytes (raw_bench.cpp).
double RawSyncPut(const std::string& dir, uint64_t n);
double RawSyncPutThreads(const std::string& dir, int threads, uint64_t n);
double RawSyncBatch(const std::string& dir, int batch, uint64_t n);
double RawScan(const std::string& dir, uint64_t n);

}  // namespace taskledger::bench
