// The hash chain outside the store: recomputes it over records that have left it (an export),
// so an auditor can check a copy of the log without the server or its RocksDB files.
//
// Thread-safety: a ChainChecker is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>

#include "events/event.h"
#include "events/util/sha256.h"

namespace taskledger {

class ChainChecker {
 public:
  // Starts after `position` whose hash is `previous` (the beginning: 0 and zeros).
  explicit ChainChecker(uint64_t position = 0, Hash previous = {});

  // Checks the next record: its position follows, and its hash is the chain's. False at the
  // first that does not; problem() then says why.
  bool Check(const EventView& e);

  uint64_t position() const { return position_; }
  const Hash& hash() const { return hash_; }
  const std::string& problem() const { return problem_; }

 private:
  uint64_t position_;
  Hash hash_;
  Sha256 hasher_;
  std::string problem_;
};

}  // namespace taskledger
