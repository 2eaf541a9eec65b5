// A checkpoint file's framing, private to server/app: its header and trailer marks, its sections
// (zstd-compressed, CRC-checked) and their index, and the file I/O through rocksdb::FileSystem
// that writes one whole or not at all (Output) and reads it back (Input). checkpoint.cpp puts a
// State into sections and takes it out of them.
#pragma once

#include <rocksdb/file_system.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "events/file_io.h"
#include "events/rocksdb_guard.h"
#include "events/util/status.h"
#include "server/app/checkpoint.h"

namespace taskledger::server::ckpt {

constexpr std::string_view kMagic = "TLCKPT\r\n";
constexpr std::string_view kEndMagic = "TLCKEND\n";
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8 + 32 + 8 + 8 + 4;
constexpr size_t kTrailerBytes = 8 + 4 + 8;

enum class Kind : uint64_t {
  kShared,
  kTokens,
  kChannels,  // the notification channels: webhook subscriptions and email addresses
  kIdem,
  kTasks,
  kPlan,
  kCounts,
  kPartDetails,  // a plan's members' parts' words, files and requests: what reports never read
  kAgencyPlans,  // by agency, the plans it takes part in (lead, coordinating, a member's part)
};

struct Entry {
  Kind kind;
  std::string name;
  uint64_t offset = 0;
  uint64_t size = 0;      // stored (compressed)
  uint64_t raw_size = 0;  // decoded
  uint64_t crc = 0;       // of the stored bytes
};

// Sections are compressed with zstd at its fastest level: the state's text (titles, names,
// narratives) shrinks several times, and decompresses at well over a gigabyte a second.
std::string Compress(std::string_view raw);
bool Decompress(std::string_view stored, uint64_t raw_size, std::string& out);
// Little-endian integers of `bytes` bytes, as the header and trailer hold them.
void PutFixed(std::string& out, uint64_t v, int bytes);
uint64_t GetFixed(std::string_view in, size_t at, int bytes);
uint32_t Crc(std::string_view bytes);
// A failed read or write as a Status: kNoSpace when the disk is full, kIOError otherwise.
Status Failed(const rocksdb::IOStatus& s, const std::string& what);

// A file written whole or not at all: into `path`.tmp, synced, renamed over `path`, and the
// directory synced, so that a crash or power cut leaves the old file or the whole new one.
// Through `fs` (the real file system, or a test's that can fail or lose power); any error is
// kept and returned by Commit(), which then leaves `path` as it was.
class Output {
 public:
  Output(rocksdb::FileSystem* fs, std::string path)
      : fs_(fs), path_(std::move(path)), tmp_(path_ + ".tmp") {
    rocksdb::FileOptions options;
    // RangeSync then waits for the writeback it started last before starting the next
    // (sync_file_range with SYNC_FILE_RANGE_WAIT_BEFORE over the file so far). Default: false.
    options.strict_bytes_per_sync = true;
    rocksdb::IOStatus s = fs_->NewWritableFile(tmp_, options, &file_, nullptr);
    if (!s.ok()) status_ = Failed(s, "creating " + tmp_);
  }
  ~Output() {
    if (file_) file_->Close(rocksdb::IOOptions(), nullptr).PermitUncheckedError();
    if (!committed_) fs_->DeleteFile(tmp_, rocksdb::IOOptions(), nullptr).PermitUncheckedError();
  }
  void Write(std::string_view bytes) {
    if (!status_.ok()) return;
    rocksdb::IOStatus s =
        file_->Append(rocksdb::Slice(bytes.data(), bytes.size()), rocksdb::IOOptions(), nullptr);
    if (!s.ok()) {
      status_ = Failed(s, "writing " + tmp_);
      return;
    }
    written_ += bytes.size();
    // Out to the disk a megabyte at a time, each waiting for the one before: a 30 MiB burst at
    // the final fsync queued ahead of the log's own syncs and held commands up for tens of
    // milliseconds.
    if (written_ - synced_ >= kSyncEvery) {
      s = file_->RangeSync(synced_, written_ - synced_, rocksdb::IOOptions(), nullptr);
      if (!s.ok()) status_ = Failed(s, "writing " + tmp_ + " out");
      synced_ = written_;
    }
  }
  Status Commit() {
    if (!status_.ok()) return status_;
    rocksdb::IOStatus s = file_->Fsync(rocksdb::IOOptions(), nullptr);
    if (!s.ok()) return Failed(s, "syncing " + tmp_);
    s = file_->Close(rocksdb::IOOptions(), nullptr);
    file_.reset();
    if (!s.ok()) return Failed(s, "closing " + tmp_);
    s = fs_->RenameFile(tmp_, path_, rocksdb::IOOptions(), nullptr);
    if (!s.ok()) return Failed(s, "renaming " + tmp_);
    committed_ = true;
    const std::string dir = std::filesystem::path(path_).parent_path().string();
    s = SyncDirectory(*fs_, dir);
    return s.ok() ? Status::Ok() : Failed(s, "syncing " + dir);
  }

 private:
  static constexpr uint64_t kSyncEvery = 1 << 20;
  rocksdb::FileSystem* fs_;
  std::string path_, tmp_;
  std::unique_ptr<rocksdb::FSWritableFile> file_;
  uint64_t written_ = 0, synced_ = 0;
  Status status_ = Status::Ok();
  bool committed_ = false;
};

// A checkpoint open for reading, through `fs` (nullptr: the real file system).
class Input {
 public:
  Input(rocksdb::FileSystem* fs, std::string path) : path_(std::move(path)) {
    if (!fs) fs = rocksdb::FileSystem::Default().get();
    rocksdb::IOStatus s = fs->GetFileSize(path_, rocksdb::IOOptions(), &size_, nullptr);
    if (s.ok()) s = fs->NewRandomAccessFile(path_, rocksdb::FileOptions(), &file_, nullptr);
    if (!s.ok()) status_ = Failed(s, "opening " + path_);
  }
  // Ok when the file is open.
  const Status& status() const { return status_; }
  uint64_t size() const { return size_; }
  // Bytes [offset, offset + size); kCorruption when the file ends before.
  Result<std::string> Read(uint64_t offset, uint64_t size) const {
    if (!status_.ok()) return status_;
    std::string out(size, '\0');
    size_t done = 0;
    while (done < size) {
      rocksdb::Slice got;
      const rocksdb::IOStatus s = file_->Read(offset + done, size - done, rocksdb::IOOptions(),
                                              &got, out.data() + done, nullptr);
      if (!s.ok()) return Failed(s, "reading " + path_);
      if (got.empty()) return Status::Corruption(path_ + " is shorter than its index says");
      if (got.data() != out.data() + done) std::memcpy(out.data() + done, got.data(), got.size());
      done += got.size();
    }
    return out;
  }

 private:
  std::string path_;
  std::unique_ptr<rocksdb::FSRandomAccessFile> file_;
  uint64_t size_ = 0;
  Status status_ = Status::Ok();
};

// The index of the checkpoint open as `in`: each section checked to lie between the header and
// the index, the shared four first and in order.
Result<std::vector<Entry>> ReadIndex(const CheckpointInfo& info, const Input& in);
// One section's bytes, decoded into `raw`.
Status ReadSection(const CheckpointInfo& info, const Input& in, const Entry& e, std::string& raw);

}  // namespace taskledger::server::ckpt
