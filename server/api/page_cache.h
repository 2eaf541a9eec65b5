// Rendered list pages, reused while the projection has not moved.
//
// A dashboard polling an agency's first page, or fifty schools opening theirs after a reminder,
// cost one render per change of the ledger instead of one per request. An entry is keyed by the
// caller's scope and the canonical query (the caller builds the key) and is valid only at the
// folded log position it was rendered at: any event folded since makes it stale, so a hit is
// always exactly what a fresh render would produce. Least recently used entries go first once
// the bytes held pass the budget. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace taskledger::server {

class PageCache {
 public:
  // Default budget: 32 MiB of bodies.
  explicit PageCache(size_t max_bytes = size_t{32} << 20) : max_bytes_(max_bytes) {}

  // The body rendered for `key` at `position`, or null.
  std::shared_ptr<const std::string> Find(const std::string& key, uint64_t position);
  void Put(const std::string& key, uint64_t position, std::shared_ptr<const std::string> body);

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    std::string key;
    uint64_t position;
    std::shared_ptr<const std::string> body;
  };
  const size_t max_bytes_;
  std::mutex mu_;
  std::list<Entry> lru_;                                             // by mu_; most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> map_;  // by mu_
  size_t bytes_ = 0;                                                 // by mu_
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace taskledger::server
