#include "server/api/page_cache.h"

namespace taskledger::server {

std::shared_ptr<const std::string> PageCache::Find(const std::string& key, uint64_t position) {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end() || it->second->position != position) {
    ++misses_;
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  ++hits_;
  return it->second->body;
}

void PageCache::Put(const std::string& key, uint64_t position,
                    std::shared_ptr<const std::string> body) {
  const size_t size = body->size() + key.size();
  if (size > max_bytes_ / 4) return;  // one huge page must not empty the cache
  std::lock_guard lock(mu_);
  if (auto it = map_.find(key); it != map_.end()) {
    if (it->second->position > position) return;  // a newer render got here first
    bytes_ -= it->second->body->size() + key.size();
    lru_.erase(it->second);
    map_.erase(it);
  }
  lru_.push_front(Entry{key, position, std::move(body)});
  map_.emplace(key, lru_.begin());
  bytes_ += size;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    const Entry& last = lru_.back();
    bytes_ -= last.body->size() + last.key.size();
    map_.erase(last.key);
    lru_.pop_back();
  }
}

}  // namespace taskledger::server
