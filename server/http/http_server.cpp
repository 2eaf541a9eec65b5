#include "server/http/http_server.h"

#include "server/http/http_session.h"

namespace taskledger::server {

std::optional<std::pair<http::status, std::string>> FramingProblem(const Request& head) {
  const auto hosts = head.count(http::field::host);
  if (hosts > 1)
    return std::pair{http::status::bad_request, std::string("more than one Host header")};
  if (hosts == 0 && head.version() >= 11) {
    return std::pair{http::status::bad_request,
                     std::string("an HTTP/1.1 request needs a Host header")};
  }
  const auto codings = head.count(http::field::transfer_encoding);
  if (codings == 0) return std::nullopt;
  if (head.count(http::field::content_length) > 0) {
    return std::pair{http::status::bad_request,
                     std::string("both Transfer-Encoding and Content-Length; send one")};
  }
  std::string value(head[http::field::transfer_encoding]);
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto first = value.find_first_not_of(" \t");
  const auto last = value.find_last_not_of(" \t");
  if (codings > 1 || first == std::string::npos ||
      value.substr(first, last - first + 1) != "chunked") {
    return std::pair{http::status::not_implemented,
                     std::string("Transfer-Encoding other than chunked alone is not supported; "
                                 "send the body with Content-Length or chunked")};
  }
  return std::nullopt;
}

template <class Stream>
void StartSession(tcp::socket&& socket, const std::shared_ptr<HttpServer::Impl>& server) {
  const size_t n = ++server->open;
  auto session = std::make_shared<Session<Stream>>(std::move(socket), server);
  if (n > server->limits.max_connections) {
    return session->Refuse(http::status::service_unavailable,
                           "too many connections; try again shortly");
  }
  {
    std::lock_guard lock(server->mu);
    std::erase_if(server->sessions, [](const auto& w) { return w.expired(); });
    server->sessions.insert(session);
  }
  session->Start();
}

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(io),
                        [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                          if (self->stopping) return;
                          if (!ec) {
                            if (self->tls) {
                              StartSession<TlsStream>(std::move(socket), self);
                            } else {
                              StartSession<PlainStream>(std::move(socket), self);
                            }
                          }
                          self->Accept();
                        });
}

HttpServer::HttpServer(net::io_context& io, HttpLimits limits, HttpHandlers handlers)
    : impl_(std::make_shared<Impl>(io, limits, std::move(handlers))) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::EnableTls(const std::string& cert_file, const std::string& key_file) {
  net::ssl::context ctx(net::ssl::context::tls_server);
  // TLS 1.2 and 1.3 only, the server's cipher order.
  ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                  net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use |
                  SSL_OP_CIPHER_SERVER_PREFERENCE);
  beast::error_code ec;
  if (ctx.use_certificate_chain_file(cert_file, ec); ec) {
    return Status::InvalidArgument("TLS certificate '" + cert_file + "': " + ec.message());
  }
  if (ctx.use_private_key_file(key_file, net::ssl::context::pem, ec); ec) {
    return Status::InvalidArgument("TLS key '" + key_file + "': " + ec.message());
  }
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return Status::InvalidArgument("TLS key '" + key_file + "' does not match the certificate");
  }
  impl_->tls.emplace(std::move(ctx));
  return Status::Ok();
}

Status HttpServer::Listen(const std::string& host, uint16_t port) {
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("listen: '" + host + "' is not an IP address");
  const tcp::endpoint endpoint(address, port);
  auto& a = impl_->acceptor;
  if (a.open(endpoint.protocol(), ec); ec) return Status::IOError("listen: " + ec.message());
  if (a.set_option(net::socket_base::reuse_address(true), ec); ec) {
    return Status::IOError("listen: " + ec.message());
  }
  if (a.bind(endpoint, ec); ec) {
    return Status::IOError("listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  }
  if (a.listen(net::socket_base::max_listen_connections, ec); ec) {
    return Status::IOError("listen: " + ec.message());
  }
  impl_->Accept();
  return Status::Ok();
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void HttpServer::Stop() {
  if (impl_->stopping.exchange(true)) return;
  net::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
  std::lock_guard lock(impl_->mu);
  for (const auto& w : impl_->sessions) {
    if (auto s = w.lock()) s->Shutdown();
  }
}

size_t HttpServer::connections() const { return impl_->open; }

}  // namespace taskledger::server
