// Rendered list pages, reused while what they show has not changed.
//
// A dashboard polling an agency's first page, or fifty schools opening theirs after a reminder,
// cost one render per change of the ledger instead of one per request; and a change costs what
// it changed: a page rendered afresh after a comment on one of its hundred tasks writes that
// task's item and copies the other ninety-nine from the page before (ListPage::items).
//
// An entry is keyed by the caller's scope and the canonical query (the caller builds the key).
// A page is exactly what a fresh render would produce when the ledger is at its `position`; at a
// later position its items are reusable one by one under the rule in ListPage. Least recently
// used entries go first once the bytes held pass the budget. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/ledger.h"

namespace taskledger::server {

// A page of task items and what each was written from. An item's JSON is a function of its task,
// the AgencyItem it was listed by (occurrence, part, role, group), the day (part of the key) and
// the ledger's context (domain::Ledger::context()): while the page's ledger instance and context
// are the ledger's, an item whose task has the same version and whose listing is the same reads
// byte for byte as it did. Which tasks a page lists is always chosen afresh.
struct ListPage {
  struct Item {
    const domain::Task* task;
    uint64_t version;
    const domain::Occurrence* occurrence;  // null: listed without an AgencyItem
    const domain::Part* part;
    domain::Role role;
    std::string via;
    uint32_t begin, end;  // its JSON in `body`
  };
  std::string body;
  uint64_t position = 0;  // the folded log position it was rendered at
  uint64_t since = 0;     // the position from which `body` has read the same (the ETag's)
  uint64_t ledger = 0;    // Ledger::instance() and context() it was rendered from
  uint64_t context = 0;
  std::vector<Item> items;

  size_t bytes() const { return body.size() + items.size() * sizeof(Item); }
};

class PageCache {
 public:
  // Default budget: 32 MiB of pages.
  explicit PageCache(size_t max_bytes = size_t{32} << 20) : max_bytes_(max_bytes) {}

  // The page last rendered for `key`, at whatever position, or null.
  std::shared_ptr<const ListPage> Find(const std::string& key);
  // Keeps `page` for `key` unless a page rendered at a later position is already there.
  void Put(const std::string& key, std::shared_ptr<const ListPage> page);

  // What the lists cost: answered from a page as it was (hits), rendered (misses), and of the
  // items the renders wrote, how many were copied from the page before.
  void CountHit() { ++hits_; }
  void CountRender(uint64_t reused, uint64_t written) {
    ++misses_;
    reused_ += reused;
    written_ += written;
  }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  uint64_t items_reused() const { return reused_; }
  uint64_t items_written() const { return written_; }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const ListPage> page;
  };
  const size_t max_bytes_;
  std::mutex mu_;
  std::list<Entry> lru_;                                             // by mu_; most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> map_;  // by mu_
  size_t bytes_ = 0;                                                 // by mu_
  std::atomic<uint64_t> hits_{0}, misses_{0}, reused_{0}, written_{0};
};

}  // namespace taskledger::server
