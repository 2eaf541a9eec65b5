// Deliverable files, kept by their SHA-256 under the data directory (files/ab/abcdef…), or, with
// the log on PostgreSQL, in its database so that every node serves them: the same file submitted
// twice is stored once, and the name in the log is the proof of its content. In the database a
// Put returns once the row is committed (synchronously replicated where the cluster is).
//
// Durability: Put() returns once the file and its directory entries are synced, so an event that
// names the hash never points at a file a crash could lose. A full disk: Put() is kNoSpace
// (nothing left behind) while free space is under the floor plus the file, or when the write
// meets a full disk anyway; files already stored stay readable.
// I/O goes through a RocksDB FileSystem, so tests can run it over a faulty disk.
// Thread-safety: Put and Get may be called concurrently (writes go to unique temporary names
// and are renamed into place).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "events/util/disk_space.h"
#include "events/util/status.h"

namespace rocksdb {
class FileSystem;
}
namespace taskledger::pg {
class PgPool;
}

namespace taskledger::server {

// The whole of a file; NotFound when it cannot be read.
Result<std::string> ReadWholeFile(const std::string& path);

struct FileStoreOptions {
  // Keep the files in this PostgreSQL database (the log's; table taskledger_files), where every
  // node reads them; empty: under the directory.
  std::string store_uri;
  // Where bytes go. Default: nullptr (the real file system).
  rocksdb::FileSystem* fs = nullptr;
  // Free space kept beside each file stored, as the event store's floor. Default: its default.
  std::optional<uint64_t> min_free_bytes;
  FreeBytesFn free_bytes;  // default: statvfs
};

class FileStore {
 public:
  explicit FileStore(std::string dir, FileStoreOptions options = {});
  ~FileStore();

  // Stores `bytes`; returns their SHA-256 in hex.
  Result<std::string> Put(std::string_view bytes);
  // The contents of the file with this hash.
  Result<std::string> Get(std::string_view sha256_hex) const;
  // Copies every file into `dir` as a directory store holds them (backups); the number copied.
  // A directory store's backup links them instead (backup.cpp).
  Result<size_t> CopyTo(const std::string& dir) const;
  const std::string& dir() const { return dir_; }
  bool in_database() const { return pool_ != nullptr; }

 private:
  std::string PathOf(std::string_view hex) const;
  std::string dir_;
  // In the database (table taskledger_files, made with the log's schema): its connections.
  std::unique_ptr<pg::PgPool> pool_;
  rocksdb::FileSystem* fs_;
  SpaceFloor space_;
};

}  // namespace taskledger::server
