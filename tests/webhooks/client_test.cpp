// The delivery client against endpoints that misbehave, and the address guard against the IANA
// special-purpose registries.
#include "webhooks/client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "webhooks/target.h"

using namespace taskledger;
using namespace taskledger::webhooks;

namespace {

bool Allowed(const char* address, AddressPolicy policy) {
  return AddressAllowed(boost::asio::ip::make_address(address), policy);
}

// A one-shot TCP server on 127.0.0.1 that reads a request and sends `answer` (which may be
// huge), then closes.
class RawEndpoint {
 public:
  explicit RawEndpoint(std::string answer) : answer_(std::move(answer)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd_, 4) == 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[8192];
      (void)read(c, buf, sizeof buf);
      size_t sent = 0;
      while (sent < answer_.size()) {
        const ssize_t n = send(c, answer_.data() + sent, answer_.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the client hung up, as it should
        sent += static_cast<size_t>(n);
      }
      sent_ = sent;
      close(c);
    });
  }
  ~RawEndpoint() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  uint16_t port() const { return port_; }
  size_t sent() const { return sent_; }

 private:
  std::string answer_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<size_t> sent_{0};
};

HttpOutcome PostTo(uint16_t port) {
  boost::asio::io_context io;
  ClientOptions o;
  o.addresses = AddressPolicy::kLoopback;
  o.timeout_ms = 10000;
  Client client(io, o);
  REQUIRE(client.Init().ok());
  auto target = ParseTarget("http://127.0.0.1:" + std::to_string(port) + "/hook");
  REQUIRE(target.ok());
  HttpOutcome out;
  client.Post("wh_test", *target, "{}", {}, [&](HttpOutcome o) { out = std::move(o); });
  io.run();
  return out;
}

long MaxRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

TEST_CASE("an endpoint's endless chunk-size line is cut off, not buffered", "[webhooks][client]") {
  // "10;e=" and then 128 MiB of 'a' where the line's end should be.
  std::string answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10;e=";
  answer.append(128u << 20, 'a');
  const long before = MaxRssKb();
  RawEndpoint endpoint(std::move(answer));
  const long with_answer = MaxRssKb();  // the test's own copy of the answer
  const HttpOutcome o = PostTo(endpoint.port());
  CHECK(o.status == 200);  // the head arrived; the body never made sense
  CHECK(o.body.empty());
  // Reading it cost at most a few hundred KiB, not the 128 MiB sent at it.
  CHECK(MaxRssKb() - with_answer < 8 * 1024);
  CHECK(with_answer >= before);
}

TEST_CASE("an endpoint's endless header is cut off too", "[webhooks][client]") {
  std::string answer = "HTTP/1.1 200 OK\r\nX-Pad: ";
  answer.append(64u << 20, 'b');
  RawEndpoint endpoint(std::move(answer));
  const long with_answer = MaxRssKb();
  const HttpOutcome o = PostTo(endpoint.port());
  CHECK(o.status == 0);
  CHECK(o.error.find("too large") != std::string::npos);
  CHECK(MaxRssKb() - with_answer < 8 * 1024);
}

TEST_CASE("a large body is read up to the limit and the answer still counts",
          "[webhooks][client]") {
  std::string body(1u << 20, 'x');
  RawEndpoint endpoint("HTTP/1.1 201 Created\r\nContent-Length: " + std::to_string(body.size()) +
                       "\r\n\r\n" + body);
  const HttpOutcome o = PostTo(endpoint.port());
  CHECK(o.status == 201);
  CHECK(o.body.size() <= 64 * 1024);
}

TEST_CASE("the address guard follows the IANA special-purpose registries", "[webhooks][client]") {
  struct Row {
    const char* address;
    bool public_ok, private_ok, loopback_ok;
  };
  const Row rows[] = {
      // Public.
      {"8.8.8.8", true, true, true},
      {"2001:4860:4860::8888", true, true, true},
      {"192.0.0.9", true, true, true},          // globally reachable inside 192.0.0.0/24
      {"2002:0808:0808::1", true, true, true},  // 6to4 of 8.8.8.8
      {"64:ff9b::808:808", true, true, true},   // NAT64 of 8.8.8.8
      // Private networks: with --webhook-addresses private.
      {"10.1.2.3", false, true, true},
      {"172.31.255.255", false, true, true},
      {"192.168.1.1", false, true, true},
      {"100.64.0.1", false, true, true},
      {"198.18.0.1", false, true, true},  // benchmarking
      {"198.19.255.255", false, true, true},
      {"fd00::1", false, true, true},
      {"fec0::1", false, true, true},  // site-local
      {"::ffff:10.0.0.1", false, true, true},
      {"64:ff9b::a00:1", false, true, true},      // NAT64 of 10.0.0.1
      {"64:ff9b:1::808:808", false, true, true},  // local-use NAT64: never public
      {"2002:0a00:0001::1", false, true, true},   // 6to4 of 10.0.0.1
      // Loopback: with --webhook-addresses loopback.
      {"127.0.0.1", false, false, true},
      {"127.255.0.1", false, false, true},
      {"::1", false, false, true},
      {"::ffff:127.0.0.1", false, false, true},
      {"64:ff9b::7f00:1", false, false, true},    // NAT64 of 127.0.0.1
      {"2002:7f00:0001::1", false, false, true},  // 6to4 of 127.0.0.1
      // Never.
      {"169.254.169.254", false, false, false},  // cloud metadata
      {"0.0.0.0", false, false, false},
      {"192.0.0.1", false, false, false},
      {"192.0.2.1", false, false, false},
      {"198.51.100.7", false, false, false},
      {"203.0.113.9", false, false, false},
      {"192.88.99.1", false, false, false},
      {"224.0.0.1", false, false, false},
      {"255.255.255.255", false, false, false},
      {"240.0.0.1", false, false, false},
      {"::", false, false, false},
      {"::127.0.0.1", false, false, false},  // IPv4-compatible (deprecated)
      {"::8.8.8.8", false, false, false},
      {"fe80::1", false, false, false},
      {"ff02::1", false, false, false},
      {"2001:db8::1", false, false, false},
      {"2001::1", false, false, false},  // Teredo
      {"100::1", false, false, false},   // discard-only
      {"::ffff:169.254.169.254", false, false, false},
      {"64:ff9b::a9fe:a9fe", false, false, false},  // NAT64 of 169.254.169.254
      {"2002:a9fe:a9fe::1", false, false, false},   // 6to4 of 169.254.169.254
      {"3fff::1", false, false, false},
  };
  for (const Row& r : rows) {
    INFO(r.address);
    CHECK(Allowed(r.address, AddressPolicy::kPublic) == r.public_ok);
    CHECK(Allowed(r.address, AddressPolicy::kPrivate) == r.private_ok);
    CHECK(Allowed(r.address, AddressPolicy::kLoopback) == r.loopback_ok);
  }
}

TEST_CASE("a refused address is not described to the endpoint's owner", "[webhooks][client]") {
  boost::asio::io_context io;
  ClientOptions o;  // public only
  Client client(io, o);
  REQUIRE(client.Init().ok());
  auto target = ParseTarget("http://localhost:9/hook");
  REQUIRE(target.ok());
  HttpOutcome out;
  client.Post("wh_test", *target, "{}", {}, [&](HttpOutcome x) { out = std::move(x); });
  io.run();
  CHECK(out.status == 0);
  CHECK(out.error.find("not an address deliveries may reach") != std::string::npos);
  CHECK(out.error.find("127.0.0.1") == std::string::npos);
  CHECK(out.error.find("::1") == std::string::npos);
}
