// Private to http_server.cpp: the server's shared state and the per-connection Session, one
// template over plain TCP and TLS streams.
#pragma once

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <mutex>
#include <optional>
#include <set>

#include "server/http/http_server.h"

namespace taskledger::server {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// What the server keeps of a session, whichever stream it runs over.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Shutdown() = 0;
};

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(net::io_context& io, HttpLimits l, HttpHandlers h)
      : io(io), limits(l), handlers(std::move(h)), acceptor(net::make_strand(io)) {}

  void Accept();

  net::io_context& io;
  const HttpLimits limits;
  const HttpHandlers handlers;
  tcp::acceptor acceptor;
  std::atomic<size_t> open{0};
  std::atomic<bool> stopping{false};
  std::optional<net::ssl::context> tls;  // set by EnableTls before Listen
  std::mutex mu;
  std::set<std::weak_ptr<SessionBase>, std::owner_less<std::weak_ptr<SessionBase>>>
      sessions;  // by mu
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection, over plain TCP or TLS. Every operation runs on the stream's strand; the
// handler's Reply posts back to it, so a response computed on another thread (after a durable
// append) is written in order.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(tcp::socket&& socket, std::shared_ptr<HttpServer::Impl> server)
      : stream_(MakeStream(std::move(socket), *server)), server_(std::move(server)) {}

  ~Session() override { server_->open--; }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = Self()] {
      if constexpr (kTls) {
        // The handshake counts against the first request's read timeout.
        self->Tcp().expires_after(self->server_->limits.read_timeout);
        self->stream_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return self->CloseSocket(tcp::socket::shutdown_both);
          self->ReadHeader();
        });
      } else {
        self->ReadHeader();
      }
    });
  }

  // Called on Stop(): close now if waiting for a request; otherwise after the response.
  void Shutdown() override {
    net::post(stream_.get_executor(), [self = Self()] {
      self->closing_ = true;
      if (self->streaming_) return self->CloseStream();
      if (!self->busy_) {
        // Waiting for a request: close. A read that completed meanwhile (its handler already
        // queued) must not be served on the closed socket: its answer could not be sent.
        self->abandoned_ = true;
        self->CloseSocket(tcp::socket::shutdown_both);
      }
    });
  }

  // Answers `status` and closes without reading a request (over TLS, after the handshake).
  void Refuse(http::status status, std::string detail) {
    if constexpr (kTls) {
      Tcp().expires_after(server_->limits.read_timeout);
      stream_.async_handshake(
          net::ssl::stream_base::server,
          [self = Self(), status, detail = std::move(detail)](beast::error_code ec) mutable {
            if (ec) return self->CloseSocket(tcp::socket::shutdown_both);
            self->RefuseAndClose(status, std::move(detail));
          });
    } else {
      RefuseAndClose(status, std::move(detail));
    }
  }

  void RefuseAndClose(http::status status, std::string detail) {
    linger_ = true;
    Send(server_->handlers.refuse(status, std::move(detail), 11), /*close=*/true);
  }

 private:
  static Stream MakeStream(tcp::socket&& socket, HttpServer::Impl& server) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *server.tls);
    } else {
      return Stream(std::move(socket));
    }
  }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  std::shared_ptr<Session> Self() { return this->shared_from_this(); }

  // Ends the connection: `how` says which directions of the TCP socket to shut; a fully shut
  // socket is closed too. Over TLS the close_notify is skipped: HTTP/1.1 frames every body
  // itself, so a truncation attack has nothing to truncate, and a client that went away would
  // otherwise hold the session until a timeout.
  void CloseSocket(tcp::socket::shutdown_type how) {
    beast::error_code ignored;
    Tcp().socket().shutdown(how, ignored);
    if (how == tcp::socket::shutdown_both) Tcp().close();
  }

  void ReadHeader() {
    if (closing_) return;
    parser_.emplace();
    parser_->header_limit(server_->limits.max_header);
    // The body limit depends on the route, known once the header is read (OnHeader); until
    // then none, or the parser would refuse a large Content-Length before we can say why.
    parser_->body_limit(boost::none);
    Tcp().expires_after(first_request_ ? server_->limits.read_timeout
                                       : server_->limits.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, Self()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (abandoned_) return;
    if (ec) return OnReadError(ec);
    first_request_ = false;
    busy_ = true;
    if (auto refusal = FramingProblem(parser_->get())) {
      return RefuseAndClose(refusal->first, std::move(refusal->second));
    }
    const size_t limit = server_->handlers.body_limit(parser_->get());
    parser_->body_limit(limit);
    if (const auto length = parser_->content_length(); length && *length > limit) {
      return RefuseAndClose(http::status::payload_too_large,
                            "the body is " + std::to_string(*length) +
                                " bytes; the limit here is " + std::to_string(limit));
    }
    // A request without a body (most GETs) is whole with its header: answered at once, without
    // another read and its timer.
    if (parser_->is_done()) return OnRead({}, 0);
    Tcp().expires_after(server_->limits.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, Self()));
  }

  void OnReadError(beast::error_code ec) {
    busy_ = true;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof || closing_) {
      CloseSocket(tcp::socket::shutdown_both);
      return;
    }
    if (ec == http::error::body_limit) {
      return RefuseAndClose(http::status::payload_too_large,
                            "the body is larger than allowed here");
    }
    if (ec == http::error::header_limit) {
      return RefuseAndClose(http::status::request_header_fields_too_large,
                            "the request line and headers exceed " +
                                std::to_string(server_->limits.max_header) + " bytes");
    }
    return RefuseAndClose(http::status::bad_request, "malformed HTTP request: " + ec.message());
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    Tcp().expires_never();  // the handler may wait for a durable append
    Request req = parser_->release();
    const bool keep_alive = req.keep_alive();
    auto self = Self();
    Responder responder;
    // Until it is answered, a request is work for the io_context even when nothing of it is
    // queued there (a command waiting for its append to be durable): a graceful stop runs the
    // io_context until every accepted request has its answer written.
    auto pending = std::make_shared<net::executor_work_guard<net::io_context::executor_type>>(
        server_->io.get_executor());
    responder.reply = [self, keep_alive, pending](Response res) {
      // Inline when answered on the session's own strand (a read answered at once: no trip
      // through the queue, nor a wake-up of another I/O thread); queued from any other thread.
      net::dispatch(self->stream_.get_executor(),
                    [self, keep_alive, pending, res = std::move(res)]() mutable {
                      const bool keep = keep_alive && !self->closing_;
                      res.keep_alive(keep);
                      self->Send(std::move(res), !keep);
                    });
    };
    responder.stream = [self](Response head) -> std::shared_ptr<Sink> {
      auto sink = std::make_shared<SessionSink>(self);
      net::post(self->stream_.get_executor(), [self, head = std::move(head)]() mutable {
        self->StartStreaming(std::move(head));
      });
      return sink;
    };
    server_->handlers.handle(std::move(req), std::move(responder));
  }

 public:
  // The stream side, for SessionSink. Queue and flags are guarded by out_mu_, as producers call
  // from any thread; socket operations stay on the strand.
  bool StreamWrite(std::string bytes) {
    {
      std::lock_guard lock(out_mu_);
      if (out_closed_) return false;
      if (out_bytes_ + bytes.size() > server_->limits.max_stream_queue) {
        out_closed_ = cut_ = true;  // a client that does not read is cut off, not buffered for
      } else {
        out_bytes_ += bytes.size();
        out_.push_back(std::move(bytes));
      }
    }
    net::post(stream_.get_executor(), [self = Self()] { self->Flush(); });
    return !StreamClosed();
  }
  bool StreamClosed() const {
    std::lock_guard lock(out_mu_);
    return out_closed_;
  }
  size_t StreamQueued() const {
    std::lock_guard lock(out_mu_);
    return out_bytes_;
  }
  void StreamClose() {
    {
      std::lock_guard lock(out_mu_);
      if (out_closed_) return;
      out_closed_ = true;  // write what is queued, then close
    }
    net::post(stream_.get_executor(), [self = Self()] { self->Flush(); });
  }

 private:
  class SessionSink : public Sink {
   public:
    explicit SessionSink(std::shared_ptr<Session> s) : s_(std::move(s)) {}
    ~SessionSink() override { s_->StreamClose(); }
    bool Write(std::string bytes) override { return s_->StreamWrite(std::move(bytes)); }
    void Close() override { s_->StreamClose(); }
    bool closed() const override { return s_->StreamClosed(); }
    size_t queued() const override { return s_->StreamQueued(); }

   private:
    std::shared_ptr<Session> s_;
  };

  void StartStreaming(Response head) {
    streaming_ = true;
    if (closing_) return CloseStream();
    auto h = std::make_shared<http::response<http::empty_body>>(head.result(), head.version());
    for (const auto& f : head) h->set(f.name_string(), f.value());
    h->keep_alive(false);  // the body ends when the connection does
    auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*h);
    Tcp().expires_after(server_->limits.stream_write_timeout);
    http::async_write_header(stream_, *sr, [self = Self(), h, sr](beast::error_code ec, size_t) {
      if (ec) return self->CloseStream();
      self->header_sent_ = true;
      self->Tcp().expires_never();
      self->WatchForHangUp();
      self->Flush();
    });
  }

  // A stream's client sends nothing; a read ends only when it hangs up.
  void WatchForHangUp() {
    stream_.async_read_some(net::buffer(scratch_), [self = Self()](beast::error_code ec, size_t) {
      if (ec) return self->CloseStream();
      self->WatchForHangUp();
    });
  }

  // On the strand: writes the front of the queue, one write at a time; closes the stream once
  // it is drained after Close(), or at once when it was cut off.
  void Flush() {
    if (!header_sent_ || writing_ || socket_closed_) return;
    std::shared_ptr<std::string> next;
    bool close = false;
    {
      std::lock_guard lock(out_mu_);
      if (cut_) {
        close = true;
      } else if (!out_.empty()) {
        next = std::make_shared<std::string>(std::move(out_.front()));
        out_.pop_front();
      } else {
        close = out_closed_;
      }
    }
    if (close) return CloseStream();
    if (!next) return;
    writing_ = true;
    Tcp().expires_after(server_->limits.stream_write_timeout);
    net::async_write(stream_, net::buffer(*next),
                     [self = Self(), next](beast::error_code ec, size_t) {
                       self->writing_ = false;
                       {
                         std::lock_guard lock(self->out_mu_);
                         self->out_bytes_ -= std::min(self->out_bytes_, next->size());
                       }
                       if (ec) return self->CloseStream();
                       self->Tcp().expires_never();
                       self->Flush();
                     });
  }

  // On the strand: the stream is over (finished, cut off, or the client left).
  void CloseStream() {
    {
      std::lock_guard lock(out_mu_);
      out_closed_ = cut_ = true;
      out_.clear();
      out_bytes_ = 0;
    }
    if (socket_closed_ || writing_) return;  // a write in flight comes back here
    socket_closed_ = true;
    CloseSocket(tcp::socket::shutdown_both);
  }

  void Send(Response res, bool close) {
    res.prepare_payload();
    auto msg = std::make_shared<Response>(std::move(res));
    Tcp().expires_after(server_->limits.read_timeout);
    http::async_write(stream_, *msg, [self = Self(), msg, close](beast::error_code ec, size_t) {
      self->busy_ = false;
      if (ec || close || self->closing_) {
        self->CloseSocket(tcp::socket::shutdown_send);
        if (!ec && self->linger_) self->Linger(kLingerBytes);
        return;
      }
      self->ReadHeader();
    });
  }

  // After refusing a request whose body is still arriving (413), read and drop what the client
  // keeps sending for a while, so it gets to read the answer instead of a connection reset.
  static constexpr size_t kLingerBytes = 64u << 20;
  void Linger(size_t left) {
    Tcp().expires_after(std::chrono::seconds(5));
    stream_.async_read_some(net::buffer(scratch_),
                            [self = Self(), left](beast::error_code ec, size_t n) {
                              if (ec || n >= left)
                                return self->CloseSocket(tcp::socket::shutdown_both);
                              self->Linger(left - n);
                            });
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpServer::Impl> server_;
  bool first_request_ = true;
  bool busy_ = false;
  bool closing_ = false;
  bool linger_ = false;
  bool abandoned_ = false;  // closed by Shutdown() while waiting for a request
  // Streaming (on the strand).
  bool streaming_ = false, header_sent_ = false, writing_ = false, socket_closed_ = false;
  char scratch_[16384];
  mutable std::mutex out_mu_;
  std::deque<std::string> out_;  // by out_mu_
  size_t out_bytes_ = 0;         // by out_mu_
  bool out_closed_ = false;      // by out_mu_: no more writes accepted
  bool cut_ = false;             // by out_mu_: drop what is queued and close
};

}  // namespace taskledger::server
