// 128-bit identifiers for events. New ids are UUIDv7 (RFC 9562): time-ordered, so the id index
// stays append-mostly in RocksDB. Thread-safe.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace taskledger {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  // A fresh version-7 id for the given Unix time in milliseconds.
  static Uuid NewV7(int64_t unix_ms);
  // Accepts the canonical 8-4-4-4-12 hex form (either case) and 32 bare hex digits.
  static std::optional<Uuid> Parse(std::string_view text);
  static Uuid FromBytes(std::string_view raw);  // raw.size() must be 16

  std::string ToString() const;  // lower-case canonical form
  std::string_view AsBytes() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
  bool IsNil() const;

  auto operator<=>(const Uuid&) const = default;
};

struct UuidHash {
  size_t operator()(const Uuid& u) const {
    uint64_t a, b;
    __builtin_memcpy(&a, u.bytes.data(), 8);
    __builtin_memcpy(&b, u.bytes.data() + 8, 8);
    return std::hash<uint64_t>()(a ^ (b * 0x9E3779B97F4A7C15ull));
  }
};

}  // namespace taskledger
