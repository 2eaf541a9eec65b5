// The HTTP front: a Beast listener and one session per connection, as in Beast's advanced server
// example — shared_from_this for lifetime, the connection's strand for ordering, a header and a
// body limit, read and idle timeouts — plus a cap on connections and a graceful stop.
//
// Thread-safety: Start() and Stop() may be called from any thread; handlers run on the session's
// strand and answer through their Reply, which may be called from any thread, exactly once.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "events/status.h"

namespace taskledger::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
// Sends the response for one request. Call it exactly once, from any thread.
using Reply = std::function<void(Response)>;

struct HttpLimits {
  // Request bodies, except where BodyLimit says otherwise. Default: 1 MiB.
  size_t max_body = 1u << 20;
  // Request line and headers. Default: 16 KiB.
  uint32_t max_header = 16u << 10;
  // Reading one request, from its first byte. Default: 30 s.
  std::chrono::seconds read_timeout{30};
  // A kept-alive connection with no request. Default: 60 s.
  std::chrono::seconds idle_timeout{60};
  // Open connections; beyond it a connection is answered 503 and closed. Default: 1,024.
  size_t max_connections = 1024;
};

struct HttpHandlers {
  // Answers a request.
  std::function<void(Request&&, Reply)> handle;
  // The body limit for a request, from its header (uploads may be larger than max_body).
  std::function<size_t(const Request&)> body_limit;
  // The response for an error found before a handler runs (413, 431, 400, 503): status, detail.
  std::function<Response(http::status, std::string, unsigned version)> refuse;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, HttpLimits limits, HttpHandlers handlers);
  ~HttpServer();

  // Binds and starts accepting. `port` 0 picks a free one; see port().
  Status Listen(const std::string& host, uint16_t port);
  uint16_t port() const;
  // Stops accepting and closes connections that are waiting for a request; requests in flight
  // are answered first. The io_context runs out of work once they are.
  void Stop();
  size_t connections() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace taskledger::server
