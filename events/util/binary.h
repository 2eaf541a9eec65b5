// A compact binary form for folded state (projection checkpoints): LEB128 integers, length-
// prefixed strings, nothing else. The writer appends to a string; the reader walks a view and,
// at the first byte it cannot read, stops: every later read gives zero values and ok() is false,
// so decoders check once at the end rather than after every field. Pure, header-only.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taskledger {

class BinaryWriter {
 public:
  explicit BinaryWriter(std::string& out) : out_(out) {}
  void U64(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void I64(int64_t v) {  // zig-zag, so small negatives stay small
    U64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void Bool(bool v) { out_.push_back(v ? 1 : 0); }
  void Str(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }
  void Strs(const std::vector<std::string>& v) {
    U64(v.size());
    for (const std::string& s : v) Str(s);
  }
  void Raw(std::string_view bytes) { out_.append(bytes); }
  size_t size() const { return out_.size(); }

 private:
  std::string& out_;
};

class BinaryReader {
 public:
  explicit BinaryReader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  uint64_t U64() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return Fail();
      const auto byte = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      v |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return v;
    }
    return Fail();
  }
  int64_t I64() {
    const uint64_t v = U64();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  bool Bool() {
    const uint64_t v = U64();
    if (v > 1) Fail();
    return v == 1;
  }
  // A count of items each at least `min_bytes` long: more than the bytes left is damage, caught
  // before anything is reserved for it.
  size_t Count(size_t min_bytes = 1) {
    const uint64_t n = U64();
    if (n > in_.size() / (min_bytes ? min_bytes : 1)) return Fail();
    return static_cast<size_t>(n);
  }
  std::string_view View() {
    const uint64_t n = U64();
    if (n > in_.size()) return Fail(), std::string_view();
    std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }
  std::string Str() { return std::string(View()); }
  std::vector<std::string> Strs() {
    std::vector<std::string> v(Count());
    for (std::string& s : v) s = Str();
    return v;
  }
  std::string_view Raw(size_t n) {
    if (n > in_.size()) return Fail(), std::string_view();
    std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }

 private:
  uint64_t Fail() {
    ok_ = false;
    in_ = {};
    return 0;
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace taskledger
