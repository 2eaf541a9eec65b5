#include "server/app/file_store.h"

#include <rocksdb/file_system.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>

#include "events/file_io.h"
#include "events/pg_conn.h"
#include "events/rocksdb_guard.h"
#include "events/util/sha256.h"

namespace taskledger::server {

namespace {

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A failed write as a Status: the disk being full is kNoSpace; anything else kIOError, with the
// path for the operator's log (problem.h keeps paths out of answers).
Status Failed(const rocksdb::IOStatus& s, const std::string& what) {
  if (IsNoSpace(s)) {
    return Status::NoSpace("the disk is full: " + what + " could not be stored");
  }
  return Status::IOError(what + ": " + s.ToString());
}

Status SyncDir(rocksdb::FileSystem* fs, const std::string& dir) {
  const rocksdb::IOStatus s = SyncDirectory(*fs, dir);
  return s.ok() ? Status::Ok() : Failed(s, "syncing " + dir);
}

}  // namespace

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

FileStore::~FileStore() = default;

FileStore::FileStore(std::string dir, FileStoreOptions options)
    : dir_(std::move(dir)),
      pool_(options.store_uri.empty()
                ? nullptr
                : std::make_unique<pg::PgPool>(options.store_uri, "taskledger files", 2)),
      fs_(options.fs ? options.fs : rocksdb::FileSystem::Default().get()),
      space_(dir_.substr(0, dir_.rfind('/') == std::string::npos ? dir_.size() : dir_.rfind('/')),
             options.min_free_bytes, std::move(options.free_bytes)) {}

std::string FileStore::PathOf(std::string_view hex) const {
  return dir_ + "/" + std::string(hex.substr(0, 2)) + "/" + std::string(hex);
}

Result<std::string> FileStore::Put(std::string_view bytes) {
  Sha256 hasher;
  const std::string hex = ToHex(hasher.Digest(bytes));
  if (pool_) {
    auto c = pool_->Acquire();
    if (!c.ok()) return c.status();
    auto r = (*c)->Query(
        "INSERT INTO taskledger_files (sha256, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        {hex, std::string(bytes)}, false, {1});
    if (!r.ok()) return r.status();
    return hex;
  }
  const std::string path = PathOf(hex);
  if (fs_->FileExists(path, rocksdb::IOOptions(), nullptr).ok()) return hex;
  // The file and the floor's room beside it, or nothing at all.
  if (Status s = space_.Check(bytes.size()); !s.ok()) return s;
  const std::string sub = dir_ + "/" + hex.substr(0, 2);
  rocksdb::IOStatus io = fs_->CreateDirIfMissing(dir_, rocksdb::IOOptions(), nullptr);
  if (io.ok()) io = fs_->CreateDirIfMissing(sub, rocksdb::IOOptions(), nullptr);
  if (!io.ok()) return Failed(io, "the deliverables directory");
  static std::atomic<uint64_t> counter{0};
  const std::string tmp =
      path + ".tmp" + std::to_string(::getpid()) + "." + std::to_string(counter++);
  const auto discard = [&](const rocksdb::IOStatus& why) {
    fs_->DeleteFile(tmp, rocksdb::IOOptions(), nullptr).PermitUncheckedError();
    return Failed(why, "the file");
  };
  std::unique_ptr<rocksdb::FSWritableFile> f;
  io = fs_->NewWritableFile(tmp, rocksdb::FileOptions(), &f, nullptr);
  if (!io.ok()) return discard(io);
  io = f->Append(rocksdb::Slice(bytes.data(), bytes.size()), rocksdb::IOOptions(), nullptr);
  if (io.ok()) io = f->Sync(rocksdb::IOOptions(), nullptr);
  rocksdb::IOStatus closed = f->Close(rocksdb::IOOptions(), nullptr);
  if (io.ok()) io = closed;
  if (!io.ok()) return discard(io);
  io = fs_->RenameFile(tmp, path, rocksdb::IOOptions(), nullptr);
  if (!io.ok()) return discard(io);
  // The new name, and the shard directory's entry in its parent.
  if (Status s = SyncDir(fs_, sub); !s.ok()) return s;
  if (Status s = SyncDir(fs_, dir_); !s.ok()) return s;
  return hex;
}

Result<std::string> FileStore::Get(std::string_view hex) const {
  if (!IsHex64(hex)) return Status::NotFound("no such file");
  if (pool_) {
    auto c = pool_->Acquire();
    if (!c.ok()) return c.status();
    auto r = (*c)->Query("SELECT bytes FROM taskledger_files WHERE sha256 = $1", {std::string(hex)},
                         /*binary=*/true);
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) == 0) {
      return Status::NotFound("the file " + std::string(hex) + " is not stored here");
    }
    return std::string(PQgetvalue(r->get(), 0, 0), PQgetlength(r->get(), 0, 0));
  }
  std::string bytes;
  const rocksdb::IOStatus s = rocksdb::ReadFileToString(fs_, PathOf(hex), &bytes);
  if (!s.ok()) return Status::NotFound("the file " + std::string(hex) + " is not stored here");
  return bytes;
}

Result<size_t> FileStore::CopyTo(const std::string& dir) const {
  if (!pool_) return Status::Unsupported("a directory store's files are linked, not copied");
  auto c = pool_->Acquire();
  if (!c.ok()) return c.status();
  auto names = (*c)->Query("SELECT sha256 FROM taskledger_files ORDER BY sha256", {});
  if (!names.ok()) return names.status();
  FileStore copy(dir);
  size_t n = 0;
  for (int i = 0; i < PQntuples(names->get()); ++i) {
    auto bytes = Get(PQgetvalue(names->get(), i, 0));
    if (!bytes.ok()) return bytes.status();
    auto put = copy.Put(*bytes);
    if (!put.ok()) return put.status();
    ++n;
  }
  return n;
}

}  // namespace taskledger::server
