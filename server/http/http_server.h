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
#include <optional>
#include <string>
#include <utility>

#include "events/util/status.h"

namespace taskledger::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
// Sends the response for one request. Call it exactly once, from any thread.
using Reply = std::function<void(Response)>;

// A response written piece by piece after its header (Server-Sent Events, exports): the
// connection is the stream's until Close() or the client leaves, and is then closed.
// Thread-safe: Write and Close may be called from any thread.
class Sink {
 public:
  virtual ~Sink() = default;
  // Queues `bytes` for the client. False once the stream is closed, or when more than the
  // queue limit is waiting (a client that does not read), which closes it.
  virtual bool Write(std::string bytes) = 0;
  virtual void Close() = 0;
  virtual bool closed() const = 0;
  // Bytes queued and not yet written; producers pace themselves by it.
  virtual size_t queued() const = 0;
};
// Sends `head` (status and headers; its body is ignored) and returns the sink for the rest.
// Use it instead of Reply, once, from any thread.
using StartStream = std::function<std::shared_ptr<Sink>(Response head)>;

struct Responder {
  Reply reply;
  StartStream stream;
};

struct HttpLimits {
  // Request bodies, except where BodyLimit says otherwise. Default: 1 MiB.
  size_t max_body = 1u << 20;
  // Request line and headers. Default: 16 KiB.
  uint32_t max_header = 16u << 10;
  // Reading one request, from its first byte. Default: 30 s.
  std::chrono::seconds read_timeout{30};
  // A kept-alive connection with no request. Default: 60 s.
  std::chrono::seconds idle_timeout{60};
  // Open connections; beyond it a connection is answered 503 and closed. Room for the default
  // 5,000 event streams and the requests of the pages holding them. Default: 8,192.
  size_t max_connections = 8192;
  // Bytes a stream may have waiting for a slow client before it is cut off. Default: 4 MiB.
  size_t max_stream_queue = 4u << 20;
  // A stream's write that makes no progress for this long closes it. Default: 30 s.
  std::chrono::seconds stream_write_timeout{30};
};

struct HttpHandlers {
  // Answers a request, through responder.reply or responder.stream.
  std::function<void(Request&&, Responder)> handle;
  // The body limit for a request, from its header (uploads may be larger than max_body).
  std::function<size_t(const Request&)> body_limit;
  // The response for an error found before a handler runs (413, 431, 400, 503): status, detail.
  std::function<Response(http::status, std::string, unsigned version)> refuse;
};

// What is wrong with a request head that HTTP/1.1 (RFC 9112) says a server must refuse, or that
// would let a proxy in front of us read the message differently (request smuggling): no Host or
// more than one (400), a transfer coding other than chunked alone (501), both Transfer-Encoding
// and Content-Length (400). Nothing when it is fine.
std::optional<std::pair<http::status, std::string>> FramingProblem(const Request& head);

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, HttpLimits limits, HttpHandlers handlers);
  ~HttpServer();

  // Serves HTTPS instead of HTTP: a PEM certificate chain and its private key. Call before
  // Listen. TLS 1.2 and 1.3 only.
  Status EnableTls(const std::string& cert_file, const std::string& key_file);
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
