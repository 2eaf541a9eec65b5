#include "server/http/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace taskledger::server {

RateLimiter::RateLimiter(double rate_per_second, double burst)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)) {}

int64_t RateLimiter::Take(std::string_view key, int64_t now_ms) {
  if (rate_ <= 0) return 0;
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % shards_.size()];
  std::lock_guard lock(shard.mu);
  auto [it, fresh] = shard.buckets.try_emplace(std::string(key), Bucket{burst_, now_ms});
  Bucket& b = it->second;
  if (!fresh && now_ms > b.at_ms) {
    b.tokens = std::min(burst_, b.tokens + (now_ms - b.at_ms) * rate_ / 1000.0);
    b.at_ms = now_ms;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / rate_)));
}

}  // namespace taskledger::server
