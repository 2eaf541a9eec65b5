#include "events/chain.h"

#include "events/record.h"

namespace taskledger {

ChainChecker::ChainChecker(uint64_t position, Hash previous)
    : position_(position), hash_(previous) {}

bool ChainChecker::Check(const EventView& e) {
  if (e.position != position_ + 1) {
    problem_ = "position " + std::to_string(e.position) + " follows " + std::to_string(position_);
    return false;
  }
  Hash h{};
  record::Encode(e, hash_, hasher_, &h);
  if (h != e.hash) {
    problem_ = "position " + std::to_string(e.position) + ": hash " + ToHex(e.hash) +
               " is not the chain's " + ToHex(h) + " (the record or one before it was changed)";
    return false;
  }
  position_ = e.position;
  hash_ = h;
  return true;
}

}  // namespace taskledger
