// The ordered key-value store an outbox keeps its messages, attempts, cursors and secrets in:
// RocksDB in a directory (one node), or a table in the log's PostgreSQL database (every node of
// a cluster sees the same outbox). Keys are bytes, ordered bytewise in both. Private to webhooks/.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/util/status.h"
#include "webhooks/outbox.h"

namespace taskledger::webhooks {

// Writes applied together, in order: all or none.
class KvBatch {
 public:
  struct Op {
    enum class Kind { kPut, kDelete, kDeleteRange } kind;
    std::string key;
    std::string value;  // kPut: the value; kDeleteRange: the end (exclusive)
  };
  void Put(std::string_view key, std::string_view value) {
    bytes_ += key.size() + value.size();
    ops_.push_back({Op::Kind::kPut, std::string(key), std::string(value)});
  }
  void Delete(std::string_view key) {
    bytes_ += key.size();
    ops_.push_back({Op::Kind::kDelete, std::string(key), {}});
  }
  void DeleteRange(std::string_view begin, std::string_view end) {
    ops_.push_back({Op::Kind::kDeleteRange, std::string(begin), std::string(end)});
  }
  size_t Count() const { return ops_.size(); }
  size_t bytes() const { return bytes_; }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
  size_t bytes_ = 0;
};

using KvVisit = std::function<bool(std::string_view key, std::string_view value)>;

class KvStore {
 public:
  virtual ~KvStore() = default;
  // The value at `key`; nullopt when there is none.
  virtual Result<std::optional<std::string>> Get(std::string_view key) const = 0;
  // Keys starting with `prefix`, from `start` on (empty: all), ascending, until `fn` is false.
  virtual Status Scan(std::string_view prefix, std::string_view start, const KvVisit& fn) const = 0;
  // Keys starting with `prefix` and before `before` (empty: all), descending.
  virtual Status ScanBack(std::string_view prefix, std::string_view before,
                          const KvVisit& fn) const = 0;
  // Writes `batch` (synced with `sync`, where the store can choose). A failure says what it was
  // (`what`) and, for RocksDB, fails the store (write_status) until TryRecover heals it.
  virtual Status Write(const KvBatch& batch, bool sync, std::string_view what) = 0;
  virtual Status write_status() const = 0;
  // After a failed write, once writing can work again: true when it does.
  virtual bool TryRecover() = 0;
  // A consistent copy as a RocksDB store in `dir` (which must not exist), for backups.
  virtual Status Checkpoint(const std::string& dir) const = 0;
};

// The RocksDB store in `dir` (created when missing; owner-only permissions).
Result<std::unique_ptr<KvStore>> OpenRocksKv(const std::string& dir, const OutboxOptions& options);
// Box `box` of the table taskledger_kv in the PostgreSQL database at `uri`.
Result<std::unique_ptr<KvStore>> OpenPgKv(const std::string& uri, const std::string& box);

}  // namespace taskledger::webhooks
