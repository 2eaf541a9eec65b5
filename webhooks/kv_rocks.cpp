// The outbox's RocksDB store: opening, the write guard, reopening after a full disk, reads.
#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <mutex>

#include "events/rocksdb_guard.h"
#include "events/util/disk_space.h"
#include "events/util/reopenable.h"
#include "webhooks/kv.h"

namespace taskledger::webhooks {
namespace {

// Every write goes through Write(), one at a time: after one fails no other may touch that
// instance (rocksdb_guard.h), and one thread checking while another fails would not be enough.
class RocksKv final : public KvStore {
 public:
  RocksKv(std::string dir, OutboxOptions options)
      : dir_(std::move(dir)),
        options_(std::move(options)),
        space_(dir_, options_.min_free_bytes, options_.free_bytes) {}

  Status Open() {
    rocksdb::Options o;
    o.create_if_missing = true;
    o.keep_log_file_num = 3;
    o.max_manifest_file_size = 64 << 20;
    o.listeners.push_back(listener_);
    if (options_.env) o.env = options_.env;
    o.info_log = MakeInfoLog(dir_);
    rocksdb::DB* raw = nullptr;
    if (Status s = From(rocksdb::DB::Open(o, dir_, &raw), "opening " + dir_); !s.ok()) return s;
    // Closing it (once the last reader lets go) is part of dropping the last reference.
    dbs_.Install(std::shared_ptr<rocksdb::DB>(raw, [](rocksdb::DB* db) {
      db->Close().PermitUncheckedError();
      delete db;
    }));
    return Status::Ok();
  }

  Result<std::optional<std::string>> Get(std::string_view key) const override {
    auto db = Db();
    if (!db.ok()) return db.status();
    std::string v;
    const rocksdb::Status s = (*db)->Get(rocksdb::ReadOptions(), key, &v);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (Status st = From(s, "reading"); !st.ok()) return st;
    return std::optional<std::string>(std::move(v));
  }

  Status Scan(std::string_view prefix, std::string_view start, const KvVisit& fn) const override {
    auto db = Db();
    if (!db.ok()) return db.status();
    std::unique_ptr<rocksdb::Iterator> it((*db)->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(start.empty() ? prefix : start); it->Valid(); it->Next()) {
      const std::string_view k = it->key().ToStringView();
      if (!k.starts_with(prefix)) break;
      if (!fn(k, it->value().ToStringView())) break;
    }
    return From(it->status(), "scanning");
  }

  Status ScanBack(std::string_view prefix, std::string_view before,
                  const KvVisit& fn) const override {
    auto db = Db();
    if (!db.ok()) return db.status();
    std::unique_ptr<rocksdb::Iterator> it((*db)->NewIterator(rocksdb::ReadOptions()));
    if (before.empty()) {
      it->SeekToLast();
      std::string end(prefix);
      // The first key after every key with the prefix.
      while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
      if (!end.empty()) {
        end.back() = static_cast<char>(end.back() + 1);
        it->SeekForPrev(end);
        if (it->Valid() && it->key().ToStringView() == end) it->Prev();
      }
    } else {
      it->SeekForPrev(before);
      if (it->Valid() && it->key().ToStringView() == before) it->Prev();
    }
    for (; it->Valid(); it->Prev()) {
      const std::string_view k = it->key().ToStringView();
      if (!k.starts_with(prefix)) break;
      if (!fn(k, it->value().ToStringView())) break;
    }
    return From(it->status(), "scanning");
  }

  Status Write(const KvBatch& ops, bool sync, std::string_view what) override {
    rocksdb::WriteBatch batch;
    for (const KvBatch::Op& op : ops.ops()) {
      switch (op.kind) {
        case KvBatch::Op::Kind::kPut:
          batch.Put(op.key, op.value);
          break;
        case KvBatch::Op::Kind::kDelete:
          batch.Delete(op.key);
          break;
        case KvBatch::Op::Kind::kDeleteRange:
          batch.DeleteRange(op.key, op.value);
          break;
      }
    }
    std::lock_guard lock(write_mu_);
    if (write_error_.ok() && listener_->failed()) {  // a flush or compaction failed meanwhile
      write_error_ = From(listener_->error(), "a background flush or compaction");
      recoverable_ = write_error_.code() == Status::Code::kNoSpace;
      listener_->Clear();
    }
    if (!write_error_.ok()) return write_error_;
    if (Status s = space_.Check(batch.GetDataSize()); !s.ok()) return s;
    auto db = Db();
    if (!db.ok()) return db.status();
    rocksdb::WriteOptions w;
    w.sync = sync;
    const rocksdb::Status st = (*db)->Write(w, &batch);
    if (st.ok()) return Status::Ok();
    // Nothing may write to this instance again (rocksdb_guard.h).
    write_error_ = From(st, what);
    recoverable_ = write_error_.code() == Status::Code::kNoSpace;
    spdlog::error("outbox {}: {}; {}", dir_, write_error_.ToString(),
                  recoverable_ ? "deliveries pause until space is freed"
                               : "the outbox refuses writes until the server restarts");
    return write_error_;
  }

  Status write_status() const override {
    std::lock_guard lock(write_mu_);
    return write_error_;
  }

  bool TryRecover() override {
    std::lock_guard lock(write_mu_);
    if (!recoverable_) return false;
    uint64_t wal = 0;
    std::error_code ec;
    for (const auto& f : std::filesystem::directory_iterator(dir_, ec)) {
      if (f.path().extension() == ".log") wal += f.file_size(ec);
    }
    if (!space_.Check(wal).ok()) return false;
    dbs_.Retire();  // readers wait for the new instance
    if (Status s = Open(); !s.ok()) {
      spdlog::warn("outbox {} could not reopen after a full disk: {}", dir_, s.ToString());
      return false;
    }
    listener_->Clear();
    write_error_ = Status::Ok();
    recoverable_ = false;
    spdlog::info("outbox {} has room again; deliveries resume", dir_);
    return true;
  }

  Status Checkpoint(const std::string& dir) const override {
    auto db = Db();
    if (!db.ok()) return db.status();
    rocksdb::Checkpoint* raw = nullptr;
    rocksdb::Status st = rocksdb::Checkpoint::Create(db->get(), &raw);
    if (!st.ok()) return From(st, "creating a checkpoint");
    std::unique_ptr<rocksdb::Checkpoint> cp(raw);
    return From(cp->CreateCheckpoint(dir), "writing a checkpoint");
  }

 private:
  Result<std::shared_ptr<rocksdb::DB>> Db() const {
    auto db = dbs_.Get();
    if (!db) return Status::Busy("the outbox is reopening after a full disk; retry shortly");
    return db;
  }

  Status From(const rocksdb::Status& s, std::string_view what) const {
    if (s.ok()) return Status::Ok();
    if (IsNoSpace(s))
      return Status::NoSpace("outbox: the disk is full (" + std::string(what) + ")");
    return Status::IOError("outbox: " + std::string(what) + ": " + s.ToString());
  }

  const std::string dir_;
  const OutboxOptions options_;
  SpaceFloor space_;
  std::shared_ptr<WriteErrorListener> listener_ = std::make_shared<WriteErrorListener>();
  Reopenable<rocksdb::DB> dbs_;
  mutable std::mutex write_mu_;  // held for every write, and for a reopen
  Status write_error_;           // by write_mu_
  bool recoverable_ = false;     // by write_mu_
};

}  // namespace

Result<std::unique_ptr<KvStore>> OpenRocksKv(const std::string& dir, const OutboxOptions& options) {
  // The signing secrets are in here: owner only, whatever the umask.
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  if (ec) return Status::IOError("outbox: cannot restrict " + dir + ": " + ec.message());
  auto kv = std::make_unique<RocksKv>(dir, options);
  if (Status s = kv->Open(); !s.ok()) return s;
  return std::unique_ptr<KvStore>(std::move(kv));
}

}  // namespace taskledger::webhooks
