#include "server/file_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "events/sha256.h"

namespace taskledger::server {

namespace fs = std::filesystem;

namespace {

Status SyncPath(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return Status::IOError("open " + path);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::IOError("fsync " + path);
}

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

FileStore::FileStore(std::string dir) : dir_(std::move(dir)) {}

std::string FileStore::PathOf(std::string_view hex) const {
  return dir_ + "/" + std::string(hex.substr(0, 2)) + "/" + std::string(hex);
}

Result<std::string> FileStore::Put(std::string_view bytes) {
  Sha256 hasher;
  const std::string hex = ToHex(hasher.Digest(bytes));
  const std::string path = PathOf(hex);
  std::error_code ec;
  if (fs::exists(path, ec)) return hex;
  const std::string sub = dir_ + "/" + hex.substr(0, 2);
  fs::create_directories(sub, ec);
  if (ec) return Status::IOError("cannot create " + sub + ": " + ec.message());
  static std::atomic<uint64_t> counter{0};
  const std::string tmp = path + ".tmp" + std::to_string(::getpid()) + "." + std::to_string(counter++);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot write " + tmp);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      fs::remove(tmp, ec);
      return Status::IOError("cannot write " + tmp);
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    fs::remove(tmp, ec);
    return Status::IOError("fsync " + tmp);
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::IOError("rename into " + path + ": " + ec.message());
  if (Status s = SyncPath(sub, O_RDONLY | O_DIRECTORY); !s.ok()) return s;
  if (Status s = SyncPath(dir_, O_RDONLY | O_DIRECTORY); !s.ok()) return s;
  return hex;
}

Result<std::string> FileStore::Get(std::string_view hex) const {
  if (!IsHex64(hex)) return Status::NotFound("no such file");
  auto bytes = ReadWholeFile(PathOf(hex));
  if (!bytes.ok()) return Status::NotFound("the file " + std::string(hex) + " is not stored here");
  return bytes;
}

}  // namespace taskledger::server
