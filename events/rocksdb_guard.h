// What TaskLedger does when RocksDB fails to write. RocksDB 7.8 (Debian 12) may abort the
// process if anything writes to a WAL whose last write failed (its assertions are on, and the
// fix, facebook/rocksdb#12448, came in 9.x), and its automatic recovery from a full disk is one
// such writer. So a store that sees a write fail never writes to that RocksDB instance again:
// it refuses writes, turns RocksDB's own recovery off (this listener), and when space is back
// closes the instance and opens it afresh, the crash-recovery path RocksDB is built around.
//
// Thread-safe.
#pragma once

#include <rocksdb/listener.h>
#include <rocksdb/status.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace taskledger {

// Whether a RocksDB status says the disk is full.
bool IsNoSpace(const rocksdb::Status& s);

// RocksDB's own diagnostic log ("LOG" in `dir`), written so that a full disk costs lines, not
// the process: RocksDB's default logger writes through the same checked writer as its WAL,
// and its next line after a failed one aborts. At most `max_bytes` (then LOG becomes LOG.old).
std::shared_ptr<rocksdb::Logger> MakeInfoLog(const std::string& dir, size_t max_bytes = 8u << 20);

// Records RocksDB's background errors (a flush or compaction that failed) for the owner to act
// on, and keeps RocksDB from recovering by itself.
class WriteErrorListener : public rocksdb::EventListener {
 public:
  const char* Name() const override { return "taskledger.WriteErrorListener"; }
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override;
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
    if (auto_recovery) *auto_recovery = false;
  }

  // The first background error since the last Clear(); ok when none.
  rocksdb::Status error() const;
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  void Clear();

 private:
  std::atomic<bool> failed_{false};
  mutable std::mutex mu_;
  rocksdb::Status error_;  // by mu_
};

}  // namespace taskledger
