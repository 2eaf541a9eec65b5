#include "events/util/uuid.h"

#include <cstring>
#include <random>

namespace taskledger {
namespace {

uint64_t RandomWord() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
  }());
  return rng();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Uuid Uuid::NewV7(int64_t unix_ms) {
  Uuid u;
  const uint64_t ms = static_cast<uint64_t>(unix_ms) & 0xFFFFFFFFFFFFull;
  for (int i = 0; i < 6; ++i) u.bytes[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  const uint64_t r1 = RandomWord(), r2 = RandomWord();
  std::memcpy(u.bytes.data() + 6, &r1, 2);
  std::memcpy(u.bytes.data() + 8, &r2, 8);
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0F) | 0x70);  // version 7
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return u;
}

std::optional<Uuid> Uuid::Parse(std::string_view text) {
  const bool dashed = text.size() == 36;
  if (!dashed && text.size() != 32) return std::nullopt;
  Uuid u;
  size_t out = 0;
  for (size_t i = 0; i < text.size();) {
    if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int hi = HexValue(text[i]), lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    u.bytes[out++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return u;
}

Uuid Uuid::FromBytes(std::string_view raw) {
  Uuid u;
  std::memcpy(u.bytes.data(), raw.data(), 16);
  return u;
}

std::string Uuid::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[bytes[i] >> 4]);
    s.push_back(kHex[bytes[i] & 0xF]);
  }
  return s;
}

bool Uuid::IsNil() const {
  for (uint8_t b : bytes)
    if (b != 0) return false;
  return true;
}

}  // namespace taskledger
