#include "webhooks/target.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <initializer_list>

namespace taskledger::webhooks {
namespace {

Status Bad(std::string_view what) { return Status::InvalidArgument("url: " + std::string(what)); }

// Which addresses a delivery may reach, by the IANA IPv4 and IPv6 Special-Purpose Address
// Registries: an address is public only if the registry calls it globally reachable. Ranges a
// translator or tunnel maps onto IPv4 (NAT64, 6to4, IPv4-mapped) are judged by the IPv4 address
// they reach.
enum class Kind { kPublic, kPrivate, kLoopback, kNever };

struct V4Range {
  uint32_t net;
  int bits;
  Kind kind;
};

// Most specific first where ranges nest (192.0.0.9/32 inside 192.0.0.0/24).
constexpr V4Range kV4[] = {
    {0x00000000, 8, Kind::kNever},     // 0.0.0.0/8 "this network"
    {0x0A000000, 8, Kind::kPrivate},   // 10.0.0.0/8
    {0x64400000, 10, Kind::kPrivate},  // 100.64.0.0/10 shared address space (carrier NAT)
    {0x7F000000, 8, Kind::kLoopback},  // 127.0.0.0/8
    {0xA9FE0000, 16, Kind::kNever},    // 169.254.0.0/16 link-local (cloud metadata)
    {0xAC100000, 12, Kind::kPrivate},  // 172.16.0.0/12
    {0xC0000009, 32, Kind::kPublic},   // 192.0.0.9/32 PCP anycast (globally reachable)
    {0xC000000A, 32, Kind::kPublic},   // 192.0.0.10/32 TURN anycast (globally reachable)
    {0xC0000000, 24, Kind::kNever},    // 192.0.0.0/24 IETF protocol assignments
    {0xC0000200, 24, Kind::kNever},    // 192.0.2.0/24 documentation (TEST-NET-1)
    {0xC0586300, 24, Kind::kNever},    // 192.88.99.0/24 6to4 relay anycast (deprecated)
    {0xC0A80000, 16, Kind::kPrivate},  // 192.168.0.0/16
    {0xC6120000, 15, Kind::kPrivate},  // 198.18.0.0/15 benchmarking (lab networks)
    {0xC6336400, 24, Kind::kNever},    // 198.51.100.0/24 documentation (TEST-NET-2)
    {0xCB007100, 24, Kind::kNever},    // 203.0.113.0/24 documentation (TEST-NET-3)
    {0xE0000000, 4, Kind::kNever},     // 224.0.0.0/4 multicast
    {0xF0000000, 4, Kind::kNever},     // 240.0.0.0/4 reserved, and 255.255.255.255 broadcast
};

bool InV4(uint32_t a, uint32_t net, int bits) {
  const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

Kind KindOfV4(uint32_t a) {
  for (const V4Range& r : kV4) {
    if (InV4(a, r.net, r.bits)) return r.kind;
  }
  return Kind::kPublic;
}

using V6Bytes = std::array<unsigned char, 16>;

bool InV6(const V6Bytes& a, std::initializer_list<unsigned char> prefix, int bits) {
  const unsigned char* p = prefix.begin();
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    const unsigned char mask = bits >= 8 ? 0xFF : static_cast<unsigned char>(0xFF << (8 - bits));
    const unsigned char want = i < static_cast<int>(prefix.size()) ? p[i] : 0;
    if ((a[i] & mask) != (want & mask)) return false;
  }
  return true;
}

uint32_t V4At(const V6Bytes& a, int at) {
  return (uint32_t{a[at]} << 24) | (uint32_t{a[at + 1]} << 16) | (uint32_t{a[at + 2]} << 8) |
         a[at + 3];
}

// The less reachable of two kinds: a translated address is never more public than its range.
Kind AtMost(Kind translated, Kind range) {
  const auto rank = [](Kind k) {
    return k == Kind::kPublic ? 0 : k == Kind::kPrivate ? 1 : k == Kind::kLoopback ? 2 : 3;
  };
  return rank(translated) >= rank(range) ? translated : range;
}

Kind KindOf(const boost::asio::ip::address& address) {
  if (address.is_v4()) return KindOfV4(address.to_v4().to_uint());
  const V6Bytes a = address.to_v6().to_bytes();
  if (InV6(a, {}, 128)) return Kind::kNever;  // ::/128
  if (InV6(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128)) return Kind::kLoopback;
  if (InV6(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, 96)) return KindOfV4(V4At(a, 12));
  if (InV6(a, {}, 96)) return Kind::kNever;  // ::a.b.c.d, IPv4-compatible (deprecated)
  if (InV6(a, {0, 0x64, 0xFF, 0x9B}, 96)) return KindOfV4(V4At(a, 12));  // NAT64 well-known
  if (InV6(a, {0, 0x64, 0xFF, 0x9B, 0, 1}, 48)) {                        // NAT64 local use
    return AtMost(KindOfV4(V4At(a, 12)), Kind::kPrivate);
  }
  if (InV6(a, {0x01, 0x00}, 64)) return Kind::kNever;              // 100::/64 discard
  if (InV6(a, {0x20, 0x01, 0x0D, 0xB8}, 32)) return Kind::kNever;  // 2001:db8::/32 docs
  if (InV6(a, {0x3F, 0xFF}, 20)) return Kind::kNever;              // 3fff::/20 docs
  if (InV6(a, {0x20, 0x01, 0x00, 0x00}, 32)) return Kind::kNever;  // Teredo (hides its v4)
  if (InV6(a, {0x20, 0x01, 0x00, 0x10}, 28) || InV6(a, {0x20, 0x01, 0x00, 0x20}, 28)) {
    return Kind::kNever;  // ORCHID v1, v2
  }
  if (InV6(a, {0x20, 0x01}, 23)) return Kind::kNever;          // IETF protocol assignments
  if (InV6(a, {0x20, 0x02}, 16)) return KindOfV4(V4At(a, 2));  // 6to4: its IPv4 address
  if (InV6(a, {0x5F, 0x00}, 16)) return Kind::kNever;          // SRv6 segment ids
  if (InV6(a, {0xFC}, 7)) return Kind::kPrivate;               // unique local
  if (InV6(a, {0xFE, 0x80}, 10)) return Kind::kNever;          // link-local
  if (InV6(a, {0xFE, 0xC0}, 10)) return Kind::kPrivate;        // site-local (deprecated)
  if (InV6(a, {0xFF}, 8)) return Kind::kNever;                 // multicast
  if (!InV6(a, {0x20}, 3)) return Kind::kNever;  // outside 2000::/3, nothing is allocated
  return Kind::kPublic;
}

}  // namespace

Result<Target> ParseTarget(std::string_view url) {
  if (url.size() > 2000) return Bad("is longer than 2000 bytes");
  if (std::any_of(url.begin(), url.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; })) {
    return Bad("contains spaces or control characters");
  }
  Target t;
  std::string_view rest;
  if (url.starts_with("https://")) {
    t.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return Bad("must start with http:// or https://");
  }
  if (url.find('#') != std::string_view::npos) return Bad("must not have a #fragment");
  const size_t slash = std::min(rest.find('/'), rest.find('?'));
  std::string_view authority = rest.substr(0, slash);
  t.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (t.target.front() == '?') t.target.insert(t.target.begin(), '/');
  if (authority.find('@') != std::string_view::npos) {
    return Bad("must not carry a user name or password");
  }
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad("has an unclosed [IPv6 address]");
    t.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Bad("has something after the ]");
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    t.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (t.host.empty()) return Bad("has no host");
  std::transform(t.host.begin(), t.host.end(), t.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  t.port = t.tls ? 443 : 80;
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return Bad("has a port that is not 1–65535");
    }
    t.port = static_cast<uint16_t>(port);
  }
  const bool v6 = t.host.find(':') != std::string::npos;
  t.host_header = v6 ? std::string("[").append(t.host).append("]") : t.host;
  if (t.port != (t.tls ? 443 : 80)) t.host_header.append(":").append(std::to_string(t.port));
  return t;
}

Result<AddressPolicy> ParseAddressPolicy(std::string_view text) {
  if (text == "public") return AddressPolicy::kPublic;
  if (text == "private") return AddressPolicy::kPrivate;
  if (text == "loopback") return AddressPolicy::kLoopback;
  return Status::InvalidArgument("address policy: want public, private or loopback");
}

bool AddressAllowed(const boost::asio::ip::address& address, AddressPolicy policy) {
  switch (KindOf(address)) {
    case Kind::kPublic:
      return true;
    case Kind::kPrivate:
      return policy != AddressPolicy::kPublic;
    case Kind::kLoopback:
      return policy == AddressPolicy::kLoopback;
    case Kind::kNever:
      return false;
  }
  return false;
}

}  // namespace taskledger::webhooks
