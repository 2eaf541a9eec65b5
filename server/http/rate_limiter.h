// Per-token rate limiting: a token bucket per key, refilled at `rate` per second up to `burst`.
//
// Thread-safety: Take() may be called concurrently; keys are spread over shards, each with its
// own mutex, so tokens do not contend with each other.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace taskledger::server {

class RateLimiter {
 public:
  // `rate` 0: no limit.
  RateLimiter(double rate_per_second, double burst);

  // Takes one request for `key` at `now_ms` (any monotonic clock). Returns 0 if allowed, else
  // the whole seconds to wait before one will be (for Retry-After; at least 1).
  int64_t Take(std::string_view key, int64_t now_ms);

 private:
  struct Bucket {
    double tokens;
    int64_t at_ms;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;  // by mu
  };
  const double rate_, burst_;
  std::array<Shard, 16> shards_;
};

}  // namespace taskledger::server
