// Checkpoints and power cuts: the writer's every step (create, append, range sync, fsync, close,
// rename, directory sync) is a point where the power may go. At each, the disk as it would come
// back (tests/support/power_loss_fs.h: only what was synced, only names whose directory was
// synced) must hold the checkpoints it held before, or those and the whole new one; never a
// torn checkpoint that loads.
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/app/checkpoint.h"
#include "tests/server/random_history.h"
#include "tests/support/power_loss_fs.h"
#include "tests/support/temp_dir.h"

using namespace taskledger;
using namespace taskledger::server;
using namespace taskledger::testing;

namespace {

// Calls `step` after every operation that changes what a power cut would leave: the points at
// which the power may go.
class CutPointsFs : public rocksdb::FileSystemWrapper {
 public:
  CutPointsFs(std::shared_ptr<rocksdb::FileSystem> base, std::function<void()> step)
      : FileSystemWrapper(std::move(base)), step_(std::move(step)) {}
  const char* Name() const override { return "CutPointsFs"; }

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* d) override {
    rocksdb::IOStatus s = target()->NewWritableFile(f, o, r, d);
    if (s.ok()) r->reset(new File(std::move(*r), step_));
    return Stepped(s);
  }
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    return Stepped(target()->RenameFile(from, to, o, d));
  }
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* d) override {
    return Stepped(target()->DeleteFile(f, o, d));
  }
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& o,
                                 std::unique_ptr<rocksdb::FSDirectory>* r,
                                 rocksdb::IODebugContext* d) override {
    rocksdb::IOStatus s = target()->NewDirectory(name, o, r, d);
    if (s.ok()) r->reset(new Directory(std::move(*r), step_));
    return s;
  }

 private:
  rocksdb::IOStatus Stepped(rocksdb::IOStatus s) {
    step_();
    return s;
  }

  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> f, std::function<void()> step)
        : FSWritableFileOwnerWrapper(std::move(f)), step_(std::move(step)) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* d) override {
      return Stepped(target()->Append(data, o, d));
    }
    rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t n, const rocksdb::IOOptions& o,
                                rocksdb::IODebugContext* d) override {
      return Stepped(target()->RangeSync(offset, n, o, d));
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
      return Stepped(target()->Sync(o, d));
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
      return Stepped(target()->Fsync(o, d));
    }
    rocksdb::IOStatus Close(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
      return Stepped(target()->Close(o, d));
    }

   private:
    rocksdb::IOStatus Stepped(rocksdb::IOStatus s) {
      step_();
      return s;
    }
    std::function<void()> step_;
  };

  class Directory : public rocksdb::FSDirectoryWrapper {
   public:
    Directory(std::unique_ptr<rocksdb::FSDirectory> d, std::function<void()> step)
        : FSDirectoryWrapper(std::move(d)), step_(std::move(step)) {}
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
      rocksdb::IOStatus s = FSDirectoryWrapper::Fsync(o, d);
      step_();
      return s;
    }
    rocksdb::IOStatus FsyncWithDirOptions(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d,
                                          const rocksdb::DirFsyncOptions& options) override {
      rocksdb::IOStatus s = FSDirectoryWrapper::FsyncWithDirOptions(o, d, options);
      step_();
      return s;
    }

   private:
    std::function<void()> step_;
  };

  std::function<void()> step_;
};

// A state folded to `position` of `store`, written as a checkpoint needs it.
struct Folded {
  std::unique_ptr<State> state;
  Hash hash{};
  int64_t recorded_at_ms = 0;
  std::string canonical;
};

Folded FoldTo(const EventStore& store, uint64_t position) {
  Folded f;
  f.state = FoldFromZero(store, position);
  auto event = store.Get(position);
  REQUIRE(event.ok());
  f.hash = event->hash;
  f.recorded_at_ms = event->recorded_at_ms;
  f.canonical = Canonical(*f.state);
  return f;
}

Status Write(const Folded& f, const std::string& path, rocksdb::FileSystem* fs) {
  auto written = WriteCheckpoint(*f.state, f.hash, f.recorded_at_ms,
                                 domain::DateAtUtcMs(f.recorded_at_ms), path, nullptr, fs);
  return written.status();
}

// The canonical form of the checkpoint at `path` as it loads; nullopt when it does not.
std::optional<std::string> Loaded(const std::string& path, rocksdb::FileSystem* fs) {
  auto info = ReadCheckpointInfo(path, fs);
  if (!info.ok()) return std::nullopt;
  State state;
  if (!LoadCheckpoint(*info, state).ok()) return std::nullopt;
  return Canonical(state);
}

}  // namespace

TEST_CASE(
    "a power cut at any point of writing a checkpoint leaves the old ones or the whole new one",
    "[server][checkpoint][durability]") {
  TempDir dir;
  History h(dir.Sub("data"), 7);
  for (int i = 0; i < 300; ++i) h.Step();
  const EventStore& store = h.app().store();
  const uint64_t head = store.head().position;
  const Folded before = FoldTo(store, head / 2);
  const Folded after = FoldTo(store, head);
  REQUIRE(before.canonical != after.canonical);

  PowerLossDisk disk;
  const std::string ckpts = "/checkpoints";
  REQUIRE(disk.fs->CreateDirIfMissing(ckpts, rocksdb::IOOptions(), nullptr).ok());
  const std::string kept = ckpts + "/kept.ckpt", target = ckpts + "/target.ckpt";
  REQUIRE(Write(before, kept, disk.fs.get()).ok());

  // The new checkpoint replaces one of the same name, or takes a name of its own.
  bool replaces = false;
  SECTION("over an older checkpoint of the same name") {
    REQUIRE(Write(before, target, disk.fs.get()).ok());
    replaces = true;
  }
  SECTION("under a new name") {}

  std::vector<PowerLossFs::Image> cuts{disk.fs->Capture({ckpts})};
  CutPointsFs cutting(disk.fs, [&] { cuts.push_back(disk.fs->Capture({ckpts})); });
  REQUIRE(Write(after, target, &cutting).ok());
  const size_t acknowledged = cuts.size();  // from here on, the new one must be there
  cuts.push_back(disk.fs->Capture({ckpts}));
  CHECK(acknowledged > 5);  // every step was a cut point, not just the ends

  size_t old_ones = 0, new_ones = 0;
  for (size_t i = 0; i < cuts.size(); ++i) {
    INFO("power cut " << i << " of " << cuts.size());
    disk.fs->Restore({ckpts}, cuts[i]);
    CHECK(Loaded(kept, disk.fs.get()) == before.canonical);
    const std::optional<std::string> now = Loaded(target, disk.fs.get());
    if (now == after.canonical) {
      ++new_ones;
    } else if (replaces) {
      CHECK(now == before.canonical);
      ++old_ones;
    } else {
      // Not there at all: a file by that name that does not load would be a torn one.
      CHECK_FALSE(disk.fs->FileExists(target, rocksdb::IOOptions(), nullptr).ok());
      ++old_ones;
    }
    if (i >= acknowledged) CHECK(now == after.canonical);
  }
  CHECK(old_ones > 0);
  CHECK(new_ones > 0);
}
