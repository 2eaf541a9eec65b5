#include "events/util/disk_space.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace taskledger {
namespace {

// `dir`, or its nearest ancestor that exists (a store's directory before its first open).
std::string Existing(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(dir, ec);
  while (!p.empty() && !std::filesystem::exists(p, ec) && p != p.parent_path()) p = p.parent_path();
  return p.empty() ? dir : p.string();
}

}  // namespace

Result<uint64_t> FreeBytes(const std::string& dir) {
  struct statvfs s {};
  if (statvfs(Existing(dir).c_str(), &s) != 0) {
    return Status::IOError("cannot read the free space of the data directory: " +
                           std::string(std::strerror(errno)));
  }
  return static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
}

Result<uint64_t> FilesystemBytes(const std::string& dir) {
  struct statvfs s {};
  if (statvfs(Existing(dir).c_str(), &s) != 0) {
    return Status::IOError("cannot read the size of the data directory's filesystem: " +
                           std::string(std::strerror(errno)));
  }
  return static_cast<uint64_t>(s.f_blocks) * s.f_frsize;
}

uint64_t DefaultFloorBytes(const std::string& dir) {
  constexpr uint64_t kDefault = 64u << 20;
  auto size = FilesystemBytes(dir);
  if (!size.ok()) return kDefault;
  return std::min<uint64_t>(kDefault, *size / 20);
}

std::string MiB(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1u << 20));
  return text;
}

SpaceFloor::SpaceFloor(std::string dir, std::optional<uint64_t> floor_bytes, FreeBytesFn free_bytes)
    : dir_(std::move(dir)),
      floor_(floor_bytes ? *floor_bytes : DefaultFloorBytes(dir_)),
      free_(free_bytes ? std::move(free_bytes) : FreeBytesFn(FreeBytes)) {}

Result<uint64_t> SpaceFloor::Free() const { return free_(dir_); }

Status SpaceFloor::Check(uint64_t extra) const {
  if (floor_ == 0) return Status::Ok();
  auto free = free_(dir_);
  if (!free.ok()) return Status::Ok();  // cannot tell: let the write itself say
  if (*free >= floor_ + extra) return Status::Ok();
  return Status::NoSpace("the disk is full: " + MiB(*free) + " free, writes need " +
                         MiB(floor_ + extra) + "; they resume once space is freed");
}

}  // namespace taskledger
