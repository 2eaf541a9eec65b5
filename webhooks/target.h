// Where a webhook goes: an endpoint URL taken apart, and the guard that keeps deliveries away
// from addresses an outsider should not be able to reach through us (cloud metadata at
// 169.254.169.254, the server's own loopback, the office LAN). Pure; thread-safe.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/util/status.h"

namespace taskledger::webhooks {

struct Target {
  bool tls = false;
  std::string host;  // name or address, without brackets
  uint16_t port = 0;
  std::string target;       // path and query: "/hooks/taskledger?x=1"
  std::string host_header;  // "host" or "host:port" when the port is not the scheme's
};

// http:// or https:// URLs only, with a host, no user info and no fragment, at most 2000 bytes.
Result<Target> ParseTarget(std::string_view url);

// Which addresses deliveries may connect to. Link-local (169.254/16, fe80::/10), multicast and
// unspecified addresses are never allowed.
enum class AddressPolicy {
  kPublic,    // public addresses only (the default)
  kPrivate,   // and private networks: 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7
  kLoopback,  // and loopback too: 127/8, ::1 (tests, a receiver on the same machine)
};
Result<AddressPolicy> ParseAddressPolicy(std::string_view text);  // "public", "private", "loopback"
bool AddressAllowed(const boost::asio::ip::address& address, AddressPolicy policy);

}  // namespace taskledger::webhooks
