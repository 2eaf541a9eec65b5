#include "server/http/static_files.h"

#include <fstream>
#include <sstream>

#include "server/http/problem.h"

namespace taskledger::server {

namespace fs = std::filesystem;

namespace {

std::string_view ContentType(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".webmanifest") return "application/manifest+json";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// Only what the page needs: its own scripts and styles, the API on the same origin, and images
// built in the page (charts export to data: URLs; reports print from blob: URLs).
constexpr const char* kPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-src blob:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

bool SafeSegment(std::string_view s) {
  return !s.empty() && s.front() != '.' && s.find('\\') == std::string_view::npos &&
         s.find('\0') == std::string_view::npos;
}

}  // namespace

StaticFiles::StaticFiles(fs::path root) : root_(std::move(root)) {}

std::optional<Response> StaticFiles::Serve(const Request& req, const std::string& path) const {
  if (path.starts_with("/v1/") || path == "/v1" || path == "/healthz" || path == "/metrics") {
    return std::nullopt;
  }
  if (req.method() != http::verb::get) {
    return MethodNotAllowed("the dashboard's files are read with GET").ToResponse(req.version());
  }
  const auto not_found = [&](std::string detail) {
    return NotFound(std::move(detail)).ToResponse(req.version());
  };
  // "/" and "/index.html" are the page; anything else is one of its files.
  std::string rel = path == "/" ? "index.html" : path.substr(1);
  fs::path file = root_;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) slash = rel.size();
    const std::string_view seg = std::string_view(rel).substr(start, slash - start);
    if (!SafeSegment(seg)) return not_found("no such file: " + path);
    file /= std::string(seg);
    start = slash + 1;
  }
  std::error_code ec;
  const fs::path real = fs::canonical(file, ec);
  const fs::path real_root = fs::canonical(root_, ec);
  if (real_root.empty()) {
    return not_found("the web dashboard is not built here (" + root_.string() +
                     "); run deploy/run.sh, or `npm ci && npm run build` in clients/web");
  }
  const auto [end, _] = std::mismatch(real_root.begin(), real_root.end(), real.begin(), real.end());
  if (real.empty() || end != real_root.end() || !fs::is_regular_file(real, ec)) {
    return not_found("no such file: " + path);
  }
  const auto size = fs::file_size(real, ec);
  const auto mtime = fs::last_write_time(real, ec).time_since_epoch().count();
  std::ostringstream tag;
  tag << "\"" << std::hex << size << "-" << mtime << "\"";
  Response res{http::status::ok, req.version()};
  res.set(http::field::etag, tag.str());
  // Names are not content-hashed: revalidate every time (a 304 costs nothing).
  res.set(http::field::cache_control, "no-cache");
  res.set(http::field::content_type, ContentType(real));
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Content-Security-Policy", kPolicy);
  res.set("X-Frame-Options", "DENY");
  if (req[http::field::if_none_match] == tag.str()) {
    res.result(http::status::not_modified);
    return res;
  }
  std::ifstream in(real, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  res.body() = body.str();
  return res;
}

}  // namespace taskledger::server
