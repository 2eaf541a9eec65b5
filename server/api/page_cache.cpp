#include "server/api/page_cache.h"

namespace taskledger::server {

std::shared_ptr<const ListPage> PageCache::Find(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->page;
}

void PageCache::Put(const std::string& key, std::shared_ptr<const ListPage> page) {
  const size_t size = page->bytes() + key.size();
  if (size > max_bytes_ / 4) return;  // one huge page must not empty the cache
  std::lock_guard lock(mu_);
  if (auto it = map_.find(key); it != map_.end()) {
    if (it->second->page->position > page->position) return;  // a newer render got here first
    bytes_ -= it->second->page->bytes() + key.size();
    lru_.erase(it->second);
    map_.erase(it);
  }
  lru_.push_front(Entry{key, std::move(page)});
  map_.emplace(key, lru_.begin());
  bytes_ += size;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    const Entry& last = lru_.back();
    bytes_ -= last.page->bytes() + last.key.size();
    map_.erase(last.key);
    lru_.pop_back();
  }
}

}  // namespace taskledger::server
