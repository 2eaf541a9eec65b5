#include "webhooks/target.h"

#include <algorithm>
#include <charconv>

namespace taskledger::webhooks {
namespace {

Status Bad(std::string_view what) { return Status::InvalidArgument("url: " + std::string(what)); }

bool InV4(uint32_t a, uint32_t net, int bits) {
  const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

enum class Kind { kPublic, kPrivate, kLoopback, kNever };

Kind KindOfV4(uint32_t a) {
  if (InV4(a, 0x7F000000, 8)) return Kind::kLoopback;
  if (InV4(a, 0xA9FE0000, 16) || InV4(a, 0, 8) || InV4(a, 0xE0000000, 4) ||
      InV4(a, 0xF0000000, 4)) {
    return Kind::kNever;  // link-local, "this network", multicast, reserved and broadcast
  }
  if (InV4(a, 0x0A000000, 8) || InV4(a, 0xAC100000, 12) || InV4(a, 0xC0A80000, 16) ||
      InV4(a, 0x64400000, 10)) {
    return Kind::kPrivate;
  }
  return Kind::kPublic;
}

Kind KindOf(const boost::asio::ip::address& address) {
  if (address.is_v4()) return KindOfV4(address.to_v4().to_uint());
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return KindOfV4(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_uint());
  }
  if (v6.is_loopback()) return Kind::kLoopback;
  const auto bytes = v6.to_bytes();
  if (v6.is_unspecified() || v6.is_link_local() || v6.is_multicast()) return Kind::kNever;
  if ((bytes[0] & 0xFE) == 0xFC) return Kind::kPrivate;  // unique local fc00::/7
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
    case Kind::kPublic: return true;
    case Kind::kPrivate: return policy != AddressPolicy::kPublic;
    case Kind::kLoopback: return policy == AddressPolicy::kLoopback;
    case Kind::kNever: return false;
  }
  return false;
}

}  // namespace taskledger::webhooks
