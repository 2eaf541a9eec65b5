#include "events/record.h"

#include <cstring>

#include "events/util/coding.h"

namespace taskledger::record {
namespace {

void PutFixed64(std::string* out, uint64_t v) {
  char buf[8];
  std::memcpy(buf, &v, 8);  // little-endian host (x86-64, aarch64)
  out->append(buf, 8);
}

void PutString(std::string* out, std::string_view s) {
  uint64_t n = s.size();
  while (n >= 0x80) {
    out->push_back(static_cast<char>(n | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
  out->append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}

  bool Fixed64(uint64_t* v) {
    if (end_ - p_ < 8) return false;
    std::memcpy(v, p_, 8);
    p_ += 8;
    return true;
  }
  bool Bytes(size_t n, std::string_view* out) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    *out = {p_, n};
    p_ += n;
    return true;
  }
  bool String(std::string_view* out) {
    uint64_t n = 0;
    for (int shift = 0; shift <= 35; shift += 7) {
      if (p_ == end_) return false;
      const uint8_t b = static_cast<uint8_t>(*p_++);
      n |= uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) {
        // One encoding per record: a length padded with a zero last byte is refused (what
        // Encode writes decodes to the same bytes, and nothing else does).
        if (b == 0 && shift > 0) return false;
        return Bytes(n, out);
      }
    }
    return false;
  }
  bool AtEnd() const { return p_ == end_; }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace

std::string Encode(const EventView& e, const Hash& previous, Sha256& hasher, Hash* hash_out) {
  std::string v;
  v.reserve(kBodyOffset + 48 + 16 + e.stream.size() + e.type.size() + e.actor.size() +
            e.correlation_id.size() + e.causation_id.size() + e.data.size() + 12);
  v.push_back(static_cast<char>(kFormat));
  v.append(32, '\0');
  PutFixed64(&v, e.position);
  PutFixed64(&v, e.version);
  PutFixed64(&v, static_cast<uint64_t>(e.recorded_at_ms));
  v.append(e.id.AsBytes());
  PutString(&v, e.stream);
  PutString(&v, e.type);
  PutString(&v, e.actor);
  PutString(&v, e.correlation_id);
  PutString(&v, e.causation_id);
  PutString(&v, e.data);
  const Hash h = hasher.Digest(
      std::string_view(reinterpret_cast<const char*>(previous.data()), previous.size()), Body(v));
  std::memcpy(v.data() + kHashOffset, h.data(), h.size());
  if (hash_out != nullptr) *hash_out = h;
  return v;
}

bool Decode(std::string_view value, EventView* out) {
  if (value.size() < kBodyOffset || static_cast<uint8_t>(value[0]) != kFormat) return false;
  std::memcpy(out->hash.data(), value.data() + kHashOffset, 32);
  Reader r(Body(value));
  uint64_t recorded_at = 0;
  std::string_view id;
  if (!r.Fixed64(&out->position) || !r.Fixed64(&out->version) || !r.Fixed64(&recorded_at) ||
      !r.Bytes(16, &id) || !r.String(&out->stream) || !r.String(&out->type) ||
      !r.String(&out->actor) || !r.String(&out->correlation_id) || !r.String(&out->causation_id) ||
      !r.String(&out->data) || !r.AtEnd()) {
    return false;
  }
  out->recorded_at_ms = static_cast<int64_t>(recorded_at);
  out->id = Uuid::FromBytes(id);
  return true;
}

std::string BigEndian(uint64_t v) { return taskledger::BigEndian(v, 8); }

uint64_t FromBigEndian(std::string_view bytes) {
  return taskledger::FromBigEndian(bytes.substr(0, 8));
}

std::string StreamKey(std::string_view stream, uint64_t version) {
  std::string k;
  k.reserve(stream.size() + 9);
  k.append(stream);
  k.push_back('\0');
  k.append(BigEndian(version));
  return k;
}

}  // namespace taskledger::record
