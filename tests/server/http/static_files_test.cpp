// The dashboard's files as browsers want them: compressed when they take it (brotli, gzip; the
// forms the build wrote), revalidated by ETag, and kept for a year when the name is fingerprinted.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;

namespace {

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE(
    "the dashboard's files come compressed when the browser takes it, fingerprinted ones kept",
    "[server][integration][dashboard]") {
  namespace fs = std::filesystem;
  TempDir web;
  Write(web.Sub("index.html"), "<!doctype html><title>x</title>");
  Write(web.Sub("app.js"), "console.log('plain');");
  Write(web.Sub("app.js.br"), "BROTLI-BYTES");
  Write(web.Sub("app.js.gz"), "GZIP-BYTES");
  Write(web.Sub("style.css"), "body{}");
  Write(web.Sub("style.css.gz"), "STALE-GZIP");
  // A compressed form older than its file is never sent.
  fs::last_write_time(web.Sub("style.css.gz"),
                      fs::last_write_time(web.Sub("style.css")) - std::chrono::hours(1));
  fs::create_directory(web.Sub("vendor"));
  Write(web.Sub("vendor/chart.0123456789ab.umd.js"), "/* chart */");
  ApiFixture f("2026-03-02", {"--web-dir", web.path()});
  const uint16_t port = f.server->port();

  HttpResult plain = HttpCall(port, "GET", "/app.js");
  CHECK(plain.body == "console.log('plain');");
  CHECK(plain.header("content-encoding").empty());
  CHECK(plain.header("vary") == "Accept-Encoding");
  CHECK(plain.header("cache-control") == "no-cache");

  HttpResult br = HttpCall(port, "GET", "/app.js", "", {{"Accept-Encoding", "gzip, deflate, br"}});
  CHECK(br.header("content-encoding") == "br");
  CHECK(br.body == "BROTLI-BYTES");
  CHECK(br.header("content-type") == "text/javascript; charset=utf-8");
  CHECK(br.header("etag") != plain.header("etag"));
  CHECK(HttpCall(port, "GET", "/app.js", "",
                 {{"Accept-Encoding", "br"}, {"If-None-Match", br.header("etag")}})
            .status == 304);

  HttpResult gz = HttpCall(port, "GET", "/app.js", "", {{"Accept-Encoding", "br;q=0, gzip"}});
  CHECK(gz.header("content-encoding") == "gzip");
  CHECK(gz.body == "GZIP-BYTES");

  HttpResult stale = HttpCall(port, "GET", "/style.css", "", {{"Accept-Encoding", "gzip"}});
  CHECK(stale.header("content-encoding").empty());
  CHECK(stale.body == "body{}");

  HttpResult chart = HttpCall(port, "GET", "/vendor/chart.0123456789ab.umd.js");
  CHECK(chart.status == 200);
  CHECK(chart.header("cache-control") == "public, max-age=31536000, immutable");
  CHECK(HttpCall(port, "GET", "/").header("cache-control") == "no-cache");
}
