// HTTPS: `serve --tls-cert --tls-key` answers over TLS with the given certificate, which a client
// verifies; plain HTTP to the same port gets no answer; a key that does not match is refused at
// start.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <catch2/catch.hpp>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
namespace beast = boost::beast;
namespace net = boost::asio;
namespace http = beast::http;

namespace {

const std::string kTlsDir = std::string(TASKLEDGER_SOURCE_DIR) + "/tests/data/tls";

// One HTTPS request, verifying the server against the test certificate and the name "localhost".
HttpResult HttpsGet(uint16_t port, const std::string& target, const std::string& token = {}) {
  net::io_context io;
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.load_verify_file(kTlsDir + "/test-cert.pem");
  ctx.set_verify_mode(net::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.set_verify_callback(net::ssl::host_name_verification("localhost"));
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(stream).connect(
      net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  stream.handshake(net::ssl::stream_base::client);
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "localhost");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  HttpResult out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  return out;
}

}  // namespace

TEST_CASE("the server speaks HTTPS with the configured certificate", "[server][integration][tls]") {
  ApiFixture f("2026-03-02",
               {"--tls-cert", kTlsDir + "/test-cert.pem", "--tls-key", kTlsDir + "/test-key.pem"});
  const uint16_t port = f.server->port();
  CHECK(f.server->log().find("(HTTPS)") != std::string::npos);

  HttpResult r = HttpsGet(port, "/healthz");
  CHECK(r.status == 200);
  r = HttpsGet(port, "/v1/agencies/so-gddt-hp", f.agency_hp);
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.json()["name"] == "Sở Giáo dục và Đào tạo");  // UTF-8 intact through TLS
  CHECK(HttpsGet(port, "/v1/agencies").status == 401);  // still authenticated

  // Plain HTTP to the TLS port: the handshake fails and no HTTP answer comes back.
  bool answered = false;
  try {
    answered = HttpCall(port, "GET", "/healthz").status == 200;
  } catch (const std::exception&) {
  }
  CHECK_FALSE(answered);
  CHECK(HttpsGet(port, "/healthz").status == 200);  // and the server is none the worse
}

TEST_CASE("a TLS key that does not match its certificate stops the server at start",
          "[server][tls]") {
  TempDir dir;
  // Another key: the certificate file is not a key at all.
  ToolRun r =
      RunTool({"serve", "--data-dir", dir.Sub("data"), "--listen", "127.0.0.1:0", "--tls-cert",
               kTlsDir + "/test-cert.pem", "--tls-key", kTlsDir + "/test-cert.pem"});
  CHECK(r.exit_code == 2);
  r = RunTool({"serve", "--data-dir", dir.Sub("data"), "--listen", "127.0.0.1:0", "--tls-cert",
               kTlsDir + "/test-cert.pem"});
  CHECK(r.exit_code != 0);  // a certificate needs its key
}
