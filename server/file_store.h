// Deliverable files, kept by their SHA-256 under the data directory (files/ab/abcdef…): the same
// file submitted twice is stored once, and the name in the log is the proof of its content.
//
// Durability: Put() returns once the file and its directory entry are synced, so an event that
// names the hash never points at a file a crash could lose.
// Thread-safety: Put and Open may be called concurrently (writes go to unique temporary names
// and are renamed into place).
#pragma once

#include <string>
#include <string_view>

#include "events/status.h"

namespace taskledger::server {

// The whole of a file; NotFound when it cannot be read.
Result<std::string> ReadWholeFile(const std::string& path);

class FileStore {
 public:
  explicit FileStore(std::string dir);

  // Stores `bytes`; returns their SHA-256 in hex.
  Result<std::string> Put(std::string_view bytes);
  // The contents of the file with this hash.
  Result<std::string> Get(std::string_view sha256_hex) const;

 private:
  std::string PathOf(std::string_view hex) const;
  std::string dir_;
};

}  // namespace taskledger::server
