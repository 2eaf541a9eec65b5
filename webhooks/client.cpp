#include "webhooks/client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <ctime>
#include <map>

#include "events/util/clock.h"

namespace taskledger::webhooks {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

int64_t MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// Retry-After: delta-seconds, or an HTTP date (RFC 9110 §10.2.3) read against `now_ms`.
std::optional<int64_t> RetryAfterMs(std::string_view value, int64_t now_ms) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::nullopt;
    return std::stoll(std::string(value)) * 1000;
  }
  std::tm tm{};
  const std::string text(value);
  if (!strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return std::nullopt;
  const int64_t at = static_cast<int64_t>(timegm(&tm)) * 1000;
  return std::max<int64_t>(0, at - now_ms);
}

// An answer's status line and headers, at most.
constexpr size_t kHeadBytes = 16 * 1024;

std::string Describe(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) return "timed out";
  if (ec == http::error::buffer_overflow || ec == http::error::header_limit) {
    return "the answer's head is too large or never ends";
  }
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again) {
    return "host not found";
  }
  if (ec.category() == asio::error::get_ssl_category() ||
      ec == asio::ssl::error::stream_truncated) {
    return "TLS: " + ec.message();
  }
  return ec.message();
}

}  // namespace

// One connection, plain or TLS, with the buffer its answers are read into.
struct Connection {
  explicit Connection(size_t max_read) : buffer(max_read) {}
  std::unique_ptr<beast::tcp_stream> tcp;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  // Bounded: whatever an endpoint sends (a chunk-size line that never ends, a header without
  // end), a read holds at most this much before it fails with buffer_overflow.
  beast::flat_buffer buffer;
  Clock::time_point idle_since;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }
  template <class F>
  void With(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(*tcp);
    }
  }
};

struct Client::Impl {
  asio::io_context& io;
  ClientOptions options;
  ssl::context tls{ssl::context::tls_client};
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;  // by pool

  Impl(asio::io_context& io, ClientOptions o) : io(io), options(std::move(o)) {}

  int64_t NowMs() const { return options.clock_ms ? options.clock_ms() : SystemNowMs(); }

  // One attempt, from taking a connection to the answer.
  struct Exchange : std::enable_shared_from_this<Exchange> {
    Impl* client;
    std::string pool;
    Target target;
    http::request<http::string_body> req;
    std::function<void(HttpOutcome)> done;
    std::unique_ptr<Connection> conn;
    std::optional<http::response_parser<http::string_body>> parser;
    Clock::time_point began = Clock::now();
    Clock::time_point deadline;
    bool reused = false;
    std::unique_ptr<asio::steady_timer> resolve_timer;
    std::unique_ptr<tcp::resolver> resolver;

    void Finish(HttpOutcome o) {
      o.latency_ms = MsSince(began);
      if (auto f = std::move(done)) f(std::move(o));
    }
    void Fail(std::string error) {
      conn.reset();
      HttpOutcome o;
      o.error = std::move(error);
      Finish(std::move(o));
    }

    void Start() {
      deadline = began + std::chrono::milliseconds(client->options.timeout_ms);
      auto& pool_idle = client->idle[pool];
      while (!pool_idle.empty()) {
        std::unique_ptr<Connection> c = std::move(pool_idle.back());
        pool_idle.pop_back();
        if (MsSince(c->idle_since) < client->options.idle_ms) {
          conn = std::move(c);
          reused = true;
          return Send();
        }
      }
      Connect();
    }

    void Connect() {
      reused = false;
      conn = std::make_unique<Connection>(client->options.max_response_bytes + kHeadBytes);
      boost::system::error_code ec;
      const auto literal = asio::ip::make_address(target.host, ec);
      if (!ec) {
        return Connected({tcp::endpoint(literal, target.port)});
      }
      resolve_timer = std::make_unique<asio::steady_timer>(client->io, deadline);
      resolver = std::make_unique<tcp::resolver>(client->io);
      auto self = shared_from_this();
      resolve_timer->async_wait([self](boost::system::error_code e) {
        if (!e) self->resolver->cancel();
      });
      resolver->async_resolve(
          target.host, std::to_string(target.port),
          [self](boost::system::error_code e, tcp::resolver::results_type results) {
            self->resolve_timer->cancel();
            if (e) return self->Fail(Describe(e));
            std::vector<tcp::endpoint> endpoints;
            for (const auto& r : results) endpoints.push_back(r.endpoint());
            self->Connected(std::move(endpoints));
          });
    }

    void Connected(std::vector<tcp::endpoint> endpoints) {
      std::vector<tcp::endpoint> allowed;
      for (const tcp::endpoint& e : endpoints) {
        if (AddressAllowed(e.address(), client->options.addresses)) allowed.push_back(e);
      }
      if (allowed.empty()) {
        // What an internal name resolves to is not the endpoint owner's business: say only that
        // the address is not one deliveries may reach.
        return Fail(endpoints.empty() ? std::string("host not found")
                                      : "address not allowed: " + target.host +
                                            " is not an address deliveries may reach "
                                            "(see --webhook-addresses)");
      }
      if (target.tls) {
        conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(client->io, client->tls);
      } else {
        conn->tcp = std::make_unique<beast::tcp_stream>(client->io);
      }
      conn->lowest().expires_at(deadline);
      auto self = shared_from_this();
      conn->lowest().async_connect(allowed,
                                   [self](boost::system::error_code e, const tcp::endpoint&) {
                                     if (e) return self->Fail(Describe(e));
                                     if (!self->target.tls) return self->Send();
                                     self->Handshake();
                                   });
    }

    void Handshake() {
      boost::system::error_code ec;
      asio::ip::make_address(target.host, ec);
      if (ec && !SSL_set_tlsext_host_name(conn->tls->native_handle(), target.host.c_str())) {
        return Fail("TLS: cannot set the server name");
      }
      conn->tls->set_verify_mode(ssl::verify_peer);
      conn->tls->set_verify_callback(ssl::host_name_verification(target.host));
      auto self = shared_from_this();
      conn->tls->async_handshake(ssl::stream_base::client, [self](boost::system::error_code e) {
        if (e) return self->Fail(Describe(e));
        self->Send();
      });
    }

    void Send() {
      conn->lowest().expires_at(deadline);
      auto self = shared_from_this();
      conn->With([&](auto& stream) {
        http::async_write(stream, req, [self](boost::system::error_code e, size_t) {
          if (e) return self->Broken(e);
          self->Read();
        });
      });
    }

    void Read() {
      parser.emplace();
      parser->header_limit(kHeadBytes);
      parser->body_limit(client->options.max_response_bytes);
      auto self = shared_from_this();
      conn->With([&](auto& stream) {
        http::async_read(stream, conn->buffer, *parser,
                         [self](boost::system::error_code e, size_t) { self->Answered(e); });
      });
    }

    // A kept-alive connection the other side had closed: try once more on a fresh one.
    void Broken(boost::system::error_code e) {
      if (reused && e != beast::error::timeout) {
        conn.reset();
        return Connect();
      }
      Fail(Describe(e));
    }

    void Answered(boost::system::error_code e) {
      const bool header = parser && parser->is_header_done();
      // An answer whose head was read counts, whatever became of its body (cut at the body
      // limit, or a framing line longer than the read buffer holds); its connection is not
      // reused.
      const bool cut = e == http::error::body_limit || e == http::error::buffer_overflow;
      if (e && !(header && cut)) {
        if (!header) return Broken(e);
        return Fail(Describe(e));
      }
      auto& res = parser->get();
      HttpOutcome o;
      o.status = static_cast<int>(res.result_int());
      o.body = std::move(res.body());
      if (auto it = res.find(http::field::retry_after); it != res.end()) {
        o.retry_after_ms = RetryAfterMs(it->value(), client->NowMs());
      }
      if (!e && res.keep_alive()) {
        conn->idle_since = Clock::now();
        conn->lowest().expires_never();
        auto& pool_idle = client->idle[pool];
        if (pool_idle.size() < 16) pool_idle.push_back(std::move(conn));
      }
      conn.reset();
      Finish(std::move(o));
    }
  };
};

Client::Client(asio::io_context& io, ClientOptions options)
    : impl_(std::make_unique<Impl>(io, std::move(options))) {}

Client::~Client() = default;

Status Client::Init() {
  boost::system::error_code ec;
  impl_->tls.set_default_verify_paths(ec);
  if (ec) return Status::InvalidArgument("TLS: cannot load the system's CAs: " + ec.message());
  if (!impl_->options.ca_file.empty()) {
    impl_->tls.load_verify_file(impl_->options.ca_file, ec);
    if (ec) {
      return Status::InvalidArgument("cannot read CA file " + impl_->options.ca_file + ": " +
                                     ec.message());
    }
  }
  SSL_CTX_set_min_proto_version(impl_->tls.native_handle(), TLS1_2_VERSION);
  return Status::Ok();
}

void Client::Post(const std::string& pool, const Target& target, std::string body, Headers headers,
                  std::function<void(HttpOutcome)> done) {
  auto x = std::make_shared<Impl::Exchange>();
  x->client = impl_.get();
  x->pool = pool;
  x->target = target;
  x->done = std::move(done);
  x->req.method(http::verb::post);
  x->req.target(target.target);
  x->req.version(11);
  x->req.set(http::field::host, target.host_header);
  x->req.set(http::field::user_agent, "TaskLedger-Webhooks/1");
  x->req.set(http::field::content_type, "application/json");
  for (auto& [name, value] : headers) x->req.set(name, value);
  x->req.body() = std::move(body);
  x->req.keep_alive(true);
  x->req.prepare_payload();
  x->Start();
}

void Client::Forget(const std::string& pool) { impl_->idle.erase(pool); }

void Client::Shutdown() { impl_->idle.clear(); }

}  // namespace taskledger::webhooks
