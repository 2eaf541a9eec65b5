#include "server/views/json_writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace taskledger::server {

namespace {

// 0: copy as is; otherwise the character after the backslash ('u' for \u00XX).
constexpr std::array<char, 256> kEscape = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 'u';
  t['\b'] = 'b';
  t['\f'] = 'f';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\t'] = 't';
  t['"'] = '"';
  t['\\'] = '\\';
  return t;
}();

// Whether any of the eight bytes in `w` needs an escape: below 0x20, '"' or '\\'. Exact for "any"
// (the classic zero-byte test); the byte loop then finds which.
inline bool NeedsEscape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
  const uint64_t control = (w - kOnes * 0x20) & ~w;
  const uint64_t zero_q = (quote - kOnes) & ~quote, zero_b = (backslash - kOnes) & ~backslash;
  return ((control | zero_q | zero_b) & kHigh) != 0;
}

}  // namespace

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_->push_back(',');
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::Open(char c) {
  BeforeValue();
  out_->push_back(c);
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::Close(char c) {
  out_->push_back(c);
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  BeforeValue();
  out_->push_back('"');
  out_->append(key);
  out_->append("\":", 2);
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view s) {
  BeforeValue();
  Escaped(s);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t v) {
  BeforeValue();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_->append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool v) {
  BeforeValue();
  out_->append(v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_->append(json);
  return *this;
}

JsonWriter& JsonWriter::Value(const nlohmann::json& j) {
  return Raw(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

JsonWriter& JsonWriter::Strings(const std::vector<std::string>& list) {
  BeginArray();
  for (const std::string& s : list) String(s);
  return EndArray();
}

void JsonWriter::Escaped(std::string_view s) {
  out_->push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  size_t i = 0;
  while (i < s.size()) {
    // Skip eight bytes at a time while none needs an escape: almost all text.
    uint64_t w;
    if (i + 8 <= s.size() && (std::memcpy(&w, s.data() + i, 8), !NeedsEscape(w))) {
      i += 8;
      continue;
    }
    for (const size_t stop = std::min(s.size(), i + 8); i < stop; ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      const char e = kEscape[c];
      if (e == 0) continue;
      out_->append(s.data() + run, i - run);
      run = i + 1;
      if (e == 'u') {
        static constexpr char kHex[] = "0123456789abcdef";
        const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out_->append(u, 6);
      } else {
        const char pair[2] = {'\\', e};
        out_->append(pair, 2);
      }
    }
  }
  out_->append(s.data() + run, s.size() - run);
  out_->push_back('"');
}

}  // namespace taskledger::server
