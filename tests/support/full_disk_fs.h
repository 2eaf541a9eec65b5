// A RocksDB file system whose disk fills on command: while `full` is set, creating or growing a
// file fails with ENOSPC (IOStatus::NoSpace), as a real full disk answers. Every store of
// TaskLedger can be opened over it (the event log, the webhook outbox, the file store), and
// `free_bytes` is what their floor checks read.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>
#include <string>

#include "events/util/disk_space.h"

namespace taskledger::testing {

class FullDiskFs : public rocksdb::FileSystemWrapper {
 public:
  explicit FullDiskFs(std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default())
      : FileSystemWrapper(std::move(base)) {}
  const char* Name() const override { return "FullDiskFs"; }

  // The disk refuses to take more bytes.
  std::atomic<bool> full{false};
  // What the free-space check reads: plenty, unless a test says otherwise.
  std::atomic<uint64_t> reported_free{1ull << 40};
  // Writes refused since construction.
  std::atomic<uint64_t> refused{0};

  FreeBytesFn free_bytes() {
    return [this](const std::string&) -> Result<uint64_t> { return reported_free.load(); };
  }

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* d) override {
    if (full) return Refuse();
    rocksdb::IOStatus s = target()->NewWritableFile(f, o, r, d);
    if (s.ok()) r->reset(new File(std::move(*r), this));
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* d) override {
    if (full) return Refuse();
    rocksdb::IOStatus s = target()->ReopenWritableFile(f, o, r, d);
    if (s.ok()) r->reset(new File(std::move(*r), this));
    return s;
  }

  rocksdb::IOStatus Refuse() {
    ++refused;
    return rocksdb::IOStatus::NoSpace("injected: No space left on device");
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> f, FullDiskFs* fs)
        : FSWritableFileOwnerWrapper(std::move(f)), fs_(fs) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* d) override {
      if (fs_->full) return fs_->Refuse();
      return target()->Append(data, o, d);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             const rocksdb::DataVerificationInfo& v,
                             rocksdb::IODebugContext* d) override {
      if (fs_->full) return fs_->Refuse();
      return target()->Append(data, o, v, d);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& o,
                                       rocksdb::IODebugContext* d) override {
      if (fs_->full) return fs_->Refuse();
      return target()->PositionedAppend(data, offset, o, d);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
      if (fs_->full) return fs_->Refuse();
      return target()->Sync(o, d);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
      if (fs_->full) return fs_->Refuse();
      return target()->Fsync(o, d);
    }

   private:
    FullDiskFs* fs_;
  };
};

// A FullDiskFs and the Env to hand to a store, kept alive together.
struct FullDisk {
  FullDisk() : fs(std::make_shared<FullDiskFs>()), env(rocksdb::NewCompositeEnv(fs)) {}
  std::shared_ptr<FullDiskFs> fs;
  std::unique_ptr<rocksdb::Env> env;
};

}  // namespace taskledger::testing
