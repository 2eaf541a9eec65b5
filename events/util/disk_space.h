// How much room the disk has, and the floor below which TaskLedger stops writing rather than
// let RocksDB (or a deliverable) run the filesystem out of space. Refusing early keeps room for
// what must still be written when writes stop (memtable flushes, the reopen after a failed
// write), so a full disk costs a pause in writes, never the process or the data.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "events/util/status.h"

namespace taskledger {

// Bytes an unprivileged writer may still use on the filesystem that holds `dir`.
Result<uint64_t> FreeBytes(const std::string& dir);
// Bytes of the whole filesystem that holds `dir`.
Result<uint64_t> FilesystemBytes(const std::string& dir);

// The default floor: 64 MiB, or 5% of the filesystem when that is smaller (a small volume would
// otherwise be full from the start).
uint64_t DefaultFloorBytes(const std::string& dir);

// Where free space is read from: statvfs by default; tests pass their own.
using FreeBytesFn = std::function<Result<uint64_t>(const std::string& dir)>;

// A floor check for one directory: Check() is kNoSpace, saying how much is free and needed,
// while fewer than floor + `extra` bytes are free. A floor of 0 turns the check off.
class SpaceFloor {
 public:
  SpaceFloor(std::string dir, std::optional<uint64_t> floor_bytes, FreeBytesFn free_bytes = {});
  Status Check(uint64_t extra = 0) const;
  uint64_t floor_bytes() const { return floor_; }
  Result<uint64_t> Free() const;

 private:
  std::string dir_;
  uint64_t floor_;
  FreeBytesFn free_;
};

// "48.0 MiB": a size for people.
std::string MiB(uint64_t bytes);

}  // namespace taskledger
