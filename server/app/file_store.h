// Deliverable files, kept by their SHA-256 under the data directory (files/ab/abcdef…): the same
// file submitted twice is stored once, and the name in the log is the proof of its content.
//
// Durability: Put() returns once the file and its directory entries are synced, so an event that
// names the hash never points at a file a crash could lose. A full disk: Put() is kNoSpace
// (nothing left behind) while free space is under the floor plus the file, or when the write
// meets a full disk anyway; files already stored stay readable.
// I/O goes through a RocksDB FileSystem, so tests can run it over a faulty disk.
// Thread-safety: Put and Get may be called concurrently (writes go to unique temporary names
// and are renamed into place).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "events/util/disk_space.h"
#include "events/util/status.h"

namespace rocksdb {
class FileSystem;
}

namespace taskledger::server {

// The whole of a file; NotFound when it cannot be read.
Result<std::string> ReadWholeFile(const std::string& path);

struct FileStoreOptions {
  // Where bytes go. Default: nullptr (the real file system).
  rocksdb::FileSystem* fs = nullptr;
  // Free space kept beside each file stored, as the event store's floor. Default: its default.
  std::optional<uint64_t> min_free_bytes;
  FreeBytesFn free_bytes;  // default: statvfs
};

class FileStore {
 public:
  explicit FileStore(std::string dir, FileStoreOptions options = {});

  // Stores `bytes`; returns their SHA-256 in hex.
  Result<std::string> Put(std::string_view bytes);
  // The contents of the file with this hash.
  Result<std::string> Get(std::string_view sha256_hex) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string PathOf(std::string_view hex) const;
  std::string dir_;
  rocksdb::FileSystem* fs_;
  SpaceFloor space_;
};

}  // namespace taskledger::server
