// Byte coding shared by every store of TaskLedger: big-endian integers (so RocksDB's byte order
// is numeric order) and hex. One copy for all; pure, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/util/status.h"

namespace taskledger {

// `v` as `bytes` (1-8) big-endian bytes; higher bytes of `v` are dropped.
inline std::string BigEndian(uint64_t v, int bytes = 8) {
  std::string out(static_cast<size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8)
    out[static_cast<size_t>(i)] = static_cast<char>(v & 0xFF);
  return out;
}

// Big-endian bytes (at most 8) back to an integer.
inline uint64_t FromBigEndian(std::string_view bytes) {
  uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

// Lower-case hex of `bytes`.
inline std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

// Hex digits (either case) back to bytes; nullopt when `hex` is not that.
std::optional<std::string> FromHexText(std::string_view hex);

// Base64 (RFC 4648 §4, padded), and back: kInvalidArgument when `text` is not that.
std::string Base64(std::string_view bytes);
Result<std::string> FromBase64(std::string_view text);
// Base64url without padding (RFC 4648 §5): tokens and keys people copy.
std::string Base64Url(std::string_view bytes);

// `n` bytes from OpenSSL's CSPRNG; throws when it has no entropy (nothing safe to do then).
std::string RandomBytes(size_t n);

}  // namespace taskledger
