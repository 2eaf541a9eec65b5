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

// Whether an Accept-Encoding header takes `coding` (named, or "*", and not at q=0).
bool Accepts(std::string_view header, std::string_view coding) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const size_t semi = item.find(';');
    std::string_view name = item.substr(0, semi);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name != coding && name != "*") continue;
    if (semi != std::string_view::npos) {
      std::string_view q = item.substr(semi + 1);
      while (!q.empty() && q.front() == ' ') q.remove_prefix(1);
      if (q.starts_with("q=0") && q.find_first_not_of("q=0.", 0) == std::string_view::npos) {
        return false;  // q=0, q=0.0, q=0.000: refused
      }
    }
    return true;
  }
  return false;
}

// A name the build fingerprinted with its content ("chart.3f9a0c1b.umd.js"): it never changes,
// so browsers may keep it for a year.
bool Fingerprinted(const std::string& name) {
  size_t dot = name.find('.');
  while (dot != std::string::npos) {
    const size_t next = name.find('.', dot + 1);
    if (next == std::string::npos) break;
    const std::string_view part = std::string_view(name).substr(dot + 1, next - dot - 1);
    if (part.size() >= 8 && part.find_first_not_of("0123456789abcdef") == std::string_view::npos) {
      return true;
    }
    dot = next;
  }
  return false;
}

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
  // The build writes each file's brotli and gzip forms beside it (clients/web/build.mjs): the
  // smallest one the browser takes is sent, never one older than the file.
  fs::path chosen = real;
  std::string coding;
  const std::string_view accept = req[http::field::accept_encoding];
  for (const char* c : {"br", "gzip"}) {
    const fs::path packed = real.string() + (std::string_view(c) == "br" ? ".br" : ".gz");
    if (!Accepts(accept, c) || !fs::is_regular_file(packed, ec)) continue;
    if (fs::last_write_time(packed, ec) < fs::last_write_time(real, ec)) continue;
    chosen = packed;
    coding = c;
    break;
  }
  const auto size = fs::file_size(chosen, ec);
  const auto mtime = fs::last_write_time(chosen, ec).time_since_epoch().count();
  std::ostringstream tag;
  tag << "\"" << std::hex << size << "-" << mtime << (coding.empty() ? "" : "-" + coding) << "\"";
  Response res{http::status::ok, req.version()};
  res.set(http::field::etag, tag.str());
  res.set(http::field::vary, "Accept-Encoding");
  // Fingerprinted names are immutable; the rest revalidate every time (a 304 costs nothing).
  res.set(http::field::cache_control, Fingerprinted(real.filename().string())
                                          ? "public, max-age=31536000, immutable"
                                          : "no-cache");
  res.set(http::field::content_type, ContentType(real));
  if (!coding.empty()) res.set(http::field::content_encoding, coding);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Content-Security-Policy", kPolicy);
  res.set("X-Frame-Options", "DENY");
  if (req[http::field::if_none_match] == tag.str()) {
    res.result(http::status::not_modified);
    return res;
  }
  std::ifstream in(chosen, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  res.body() = body.str();
  return res;
}

}  // namespace taskledger::server
