// A RocksDB file system that can lose power: what was written but not synced, and files whose
// directory entry was not synced, are gone after a simulated power cut — unlike kill -9, which
// leaves the page cache to the kernel and so cannot show a missing sync. The model of
// leveldb's fault_injection_test and RocksDB's FaultInjectionTestFS:
//   - a file's bytes are durable up to its last Sync/Fsync;
//   - a file created (or renamed into place) is durable once its directory was synced after;
//     before that, a power cut removes it (or brings back what a rename replaced).
// Capture() takes the durable image at that instant, while the store keeps running (so no
// error path of RocksDB runs); Restore() makes the directories hold exactly that image, as the
// disk would after the power came back.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace taskledger::testing {

class PowerLossFs : public rocksdb::FileSystemWrapper {
 public:
  explicit PowerLossFs(std::shared_ptr<rocksdb::FileSystem> base)
      : FileSystemWrapper(std::move(base)) {}
  const char* Name() const override { return "PowerLossFs"; }

  // The durable contents of every file under `dirs` (one level), at this instant.
  using Image = std::map<std::string, std::string>;
  Image Capture(const std::vector<std::string>& dirs) {
    std::lock_guard lock(mu_);
    Image image;
    for (const std::string& dir : dirs) {
      std::vector<std::string> children;
      if (!target()->GetChildren(dir, rocksdb::IOOptions(), &children, nullptr).ok()) continue;
      for (const std::string& name : children) {
        const std::string path = dir + "/" + name;
        auto it = files_.find(path);
        if (it == files_.end()) {  // untracked (a directory, or older than tracking): as is
          std::string content;
          if (rocksdb::ReadFileToString(target(), path, &content).ok()) image[path] = content;
          continue;
        }
        const State& s = it->second;
        if (!s.durable_name) {
          if (s.replaced) image[path] = *s.replaced;
          continue;
        }
        std::string content;
        if (!rocksdb::ReadFileToString(target(), path, &content).ok()) continue;
        content.resize(std::min<size_t>(content.size(), s.synced));
        image[path] = std::move(content);
      }
    }
    return image;
  }

  // Makes `dirs` hold exactly `image` (everything else in them removed), all of it durable.
  void Restore(const std::vector<std::string>& dirs, const Image& image) {
    std::lock_guard lock(mu_);
    for (const std::string& dir : dirs) {
      std::vector<std::string> children;
      if (!target()->GetChildren(dir, rocksdb::IOOptions(), &children, nullptr).ok()) continue;
      for (const std::string& name : children) {
        target()
            ->DeleteFile(dir + "/" + name, rocksdb::IOOptions(), nullptr)
            .PermitUncheckedError();
      }
    }
    files_.clear();
    for (const auto& [path, content] : image) {
      std::unique_ptr<rocksdb::FSWritableFile> f;
      if (!target()->NewWritableFile(path, rocksdb::FileOptions(), &f, nullptr).ok()) continue;
      f->Append(content, rocksdb::IOOptions(), nullptr).PermitUncheckedError();
      f->Close(rocksdb::IOOptions(), nullptr).PermitUncheckedError();
    }
  }

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* d) override {
    std::optional<std::string> replaced = DurableContent(f);
    rocksdb::IOStatus s = target()->NewWritableFile(f, o, r, d);
    if (!s.ok()) return s;
    {
      std::lock_guard lock(mu_);
      files_[f] = State{0, 0, false, std::move(replaced)};
    }
    r->reset(new File(std::move(*r), this, f));
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* d) override {
    rocksdb::IOStatus s = target()->ReopenWritableFile(f, o, r, d);
    if (!s.ok()) return s;
    uint64_t size = 0;
    target()->GetFileSize(f, rocksdb::IOOptions(), &size, nullptr).PermitUncheckedError();
    {
      std::lock_guard lock(mu_);
      if (!files_.count(f)) files_[f] = State{size, size, true, std::nullopt};
    }
    r->reset(new File(std::move(*r), this, f));
    return s;
  }
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& o,
                                 std::unique_ptr<rocksdb::FSDirectory>* r,
                                 rocksdb::IODebugContext* d) override {
    rocksdb::IOStatus s = target()->NewDirectory(name, o, r, d);
    if (s.ok()) r->reset(new Directory(std::move(*r), this, name));
    return s;
  }
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    std::optional<std::string> replaced = DurableContent(to);
    rocksdb::IOStatus s = target()->RenameFile(from, to, o, d);
    if (!s.ok()) return s;
    std::lock_guard lock(mu_);
    State moved{0, 0, true, std::nullopt};
    if (auto it = files_.find(from); it != files_.end()) {
      moved = it->second;
      files_.erase(it);
    } else {
      uint64_t size = 0;
      target()->GetFileSize(to, rocksdb::IOOptions(), &size, nullptr).PermitUncheckedError();
      moved.size = moved.synced = size;
    }
    moved.durable_name = false;  // the new name needs its directory synced
    moved.replaced = std::move(replaced);
    files_[to] = std::move(moved);
    return s;
  }
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* d) override {
    rocksdb::IOStatus s = target()->DeleteFile(f, o, d);
    std::lock_guard lock(mu_);
    files_.erase(f);  // deletions count as durable at once: a file back from the dead is harmless
    return s;
  }

 private:
  struct State {
    uint64_t size = 0;    // bytes written
    uint64_t synced = 0;  // bytes durable
    bool durable_name = false;
    std::optional<std::string> replaced;  // what a power cut brings back under this name
  };

  static std::string Parent(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
  }

  // What a power cut would leave under `path` now, if anything.
  std::optional<std::string> DurableContent(const std::string& path) {
    std::string content;
    if (!rocksdb::ReadFileToString(target(), path, &content).ok()) return std::nullopt;
    std::lock_guard lock(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return content;
    if (!it->second.durable_name) return it->second.replaced;
    content.resize(std::min<size_t>(content.size(), it->second.synced));
    return content;
  }

  void Wrote(const std::string& path, uint64_t end) {
    std::lock_guard lock(mu_);
    if (auto it = files_.find(path); it != files_.end())
      it->second.size = std::max(it->second.size, end);
  }
  void Truncated(const std::string& path, uint64_t size) {
    std::lock_guard lock(mu_);
    if (auto it = files_.find(path); it != files_.end()) {
      it->second.size = size;
      it->second.synced = std::min(it->second.synced, size);
    }
  }
  void Synced(const std::string& path) {
    std::lock_guard lock(mu_);
    if (auto it = files_.find(path); it != files_.end()) it->second.synced = it->second.size;
  }
  void DirSynced(std::string dir) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    std::lock_guard lock(mu_);
    for (auto& [path, s] : files_) {
      if (Parent(path) == dir) {
        s.durable_name = true;
        s.replaced.reset();
      }
    }
  }
  uint64_t SizeOf(const std::string& path) {
    std::lock_guard lock(mu_);
    auto it = files_.find(path);
    return it == files_.end() ? 0 : it->second.size;
  }

  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> f, PowerLossFs* fs, std::string path)
        : FSWritableFileOwnerWrapper(std::move(f)), fs_(fs), path_(std::move(path)) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* d) override {
      rocksdb::IOStatus s = target()->Append(data, o, d);
      if (s.ok()) fs_->Wrote(path_, fs_->SizeOf(path_) + data.size());
      return s;
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             const rocksdb::DataVerificationInfo& v,
                             rocksdb::IODebugContext* d) override {
      rocksdb::IOStatus s = target()->Append(data, o, v, d);
      if (s.ok()) fs_->Wrote(path_, fs_->SizeOf(path_) + data.size());
      return s;
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& o,
                                       rocksdb::IODebugContext* d) override {
      rocksdb::IOStatus s = target()->PositionedAppend(data, offset, o, d);
      if (s.ok()) fs_->Wrote(path_, offset + data.size());
      return s;
    }
    rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* d) override {
      rocksdb::IOStatus s = target()->Truncate(size, o, d);
      if (s.ok()) fs_->Truncated(path_, size);
      return s;
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
      rocksdb::IOStatus s = target()->Sync(o, d);
      if (s.ok()) fs_->Synced(path_);
      return s;
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
      rocksdb::IOStatus s = target()->Fsync(o, d);
      if (s.ok()) fs_->Synced(path_);
      return s;
    }
    // RangeSync makes no promise about the file's size: not counted as durable.

   private:
    PowerLossFs* fs_;
    std::string path_;
  };

  class Directory : public rocksdb::FSDirectoryWrapper {
   public:
    Directory(std::unique_ptr<rocksdb::FSDirectory> d, PowerLossFs* fs, std::string path)
        : FSDirectoryWrapper(std::move(d)), fs_(fs), path_(std::move(path)) {}
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
      rocksdb::IOStatus s = FSDirectoryWrapper::Fsync(o, d);
      if (s.ok()) fs_->DirSynced(path_);
      return s;
    }
    rocksdb::IOStatus FsyncWithDirOptions(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d,
                                          const rocksdb::DirFsyncOptions& options) override {
      rocksdb::IOStatus s = FSDirectoryWrapper::FsyncWithDirOptions(o, d, options);
      if (s.ok()) fs_->DirSynced(path_);
      return s;
    }

   private:
    PowerLossFs* fs_;
    std::string path_;
  };

  std::mutex mu_;
  std::map<std::string, State> files_;  // by mu_
};

// An in-memory disk that can lose power, and the Env to hand to a store.
struct PowerLossDisk {
  PowerLossDisk()
      : mem(rocksdb::NewMemEnv(rocksdb::Env::Default())),
        fs(std::make_shared<PowerLossFs>(mem->GetFileSystem())),
        env(rocksdb::NewCompositeEnv(fs)) {}
  std::unique_ptr<rocksdb::Env> mem;
  std::shared_ptr<PowerLossFs> fs;
  std::unique_ptr<rocksdb::Env> env;
};

}  // namespace taskledger::testing
