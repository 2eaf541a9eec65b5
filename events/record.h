// Binary encoding of a stored record, and the keys of the store's column families. Private to
// events/ (tests and bench use it to check and measure the format).
//
// A record is
//   u8 format (=1) | hash[32] | body
//   body = u64 position | u64 version | i64 recorded_at_ms | id[16]
//          | str stream | str type | str actor | str correlation_id | str causation_id | str data
// with fixed-width integers little-endian and each str a LEB128 length then bytes. The fixed
// header and length prefixes make decoding a few loads and no copies, so replay does not pay a
// JSON parse per record; `data` stays JSON text for whoever needs it.
// hash = SHA-256(previous record's hash || body); the first record chains to 32 zero bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/event.h"

namespace taskledger::record {

inline constexpr uint8_t kFormat = 1;
inline constexpr size_t kHashOffset = 1;
inline constexpr size_t kBodyOffset = 1 + 32;

// Encodes `e` (all fields but hash) and fills in the chained hash. Returns the value bytes.
std::string Encode(const EventView& e, const Hash& previous, Sha256& hasher, Hash* hash_out);

// Decodes without copying; `value` must outlive `out`. False if the bytes are malformed.
bool Decode(std::string_view value, EventView* out);

// The body the hash covers.
inline std::string_view Body(std::string_view value) { return value.substr(kBodyOffset); }

// Big-endian fixed 64-bit integers, so RocksDB's byte order is numeric order.
std::string BigEndian(uint64_t v);
uint64_t FromBigEndian(std::string_view bytes);  // bytes.size() must be 8

// Key of a stream's event `version` in the stream index: stream '\0' big-endian version.
std::string StreamKey(std::string_view stream, uint64_t version);

}  // namespace taskledger::record
