// webhook_sink: the receiving end of bench/webhooks.sh. Accepts webhooks on 127.0.0.1 (one
// thread, asynchronous, keep-alive), answers 204 at once, and when `--expect` have arrived (or
// after `--timeout-s`) prints deliveries per second and the delay between each notification's
// due instant (its body's "timestamp", on the server's clock) and its arrival here.
//   webhook_sink --expect 10000 --offset-file F   (F: wall ms minus server ms, read at the end)
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2026-03-02T01:00:00.000Z" -> Unix ms; -1 if absent.
int64_t TimestampMs(const std::string& body) {
  const size_t at = body.find("\"timestamp\":\"");
  if (at == std::string::npos) return -1;
  std::tm tm{};
  int ms = 0;
  const char* p = body.c_str() + at + 13;
  if (std::sscanf(p, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &ms) != 7) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

struct Stats {
  size_t expect = 0;
  std::vector<int64_t> arrivals, dues;  // dues on the server's clock
  std::set<std::string> ids;
  size_t duplicates = 0;
  asio::io_context* io = nullptr;
};

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(tcp::socket s, Stats& st) : stream_(std::move(s)), stats_(st) {}
  void Read() {
    req_ = {};
    http::async_read(stream_, buffer_, req_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return;
                       self->Answer();
                     });
  }

 private:
  void Answer() {
    const int64_t now = WallMs();
    Stats& s = stats_;
    s.arrivals.push_back(now);
    if (const int64_t due = TimestampMs(req_.body()); due >= 0) s.dues.push_back(due);
    if (!s.ids.insert(std::string(req_["webhook-id"])).second) ++s.duplicates;
    res_ = {http::status::no_content, 11};
    res_.keep_alive(req_.keep_alive());
    res_.prepare_payload();
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (self->stats_.arrivals.size() >= self->stats_.expect) self->stats_.io->stop();
      if (!ec) self->Read();
    });
  }
  beast::tcp_stream stream_;
  Stats& stats_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::empty_body> res_;
};

void Accept(tcp::acceptor& a, Stats& st) {
  a.async_accept([&a, &st](beast::error_code ec, tcp::socket s) {
    if (!ec) std::make_shared<Conn>(std::move(s), st)->Read();
    Accept(a, st);
  });
}

int64_t Percentile(std::vector<int64_t> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  Stats st;
  int timeout_s = 120;
  std::string port_file, offset_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--expect") st.expect = std::stoul(argv[i + 1]);
    if (k == "--offset-file") offset_file = argv[i + 1];
    if (k == "--timeout-s") timeout_s = std::stoi(argv[i + 1]);
    if (k == "--port-file") port_file = argv[i + 1];
  }
  asio::io_context io(1);
  st.io = &io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  acceptor.listen(1024);
  const unsigned port = acceptor.local_endpoint().port();
  if (!port_file.empty()) {
    if (FILE* f = std::fopen(port_file.c_str(), "w")) {
      std::fprintf(f, "%u\n", port);
      std::fclose(f);
    }
  }
  std::cout << "sink listening on 127.0.0.1:" << port << std::endl;
  Accept(acceptor, st);
  asio::steady_timer deadline(io, std::chrono::seconds(timeout_s));
  deadline.async_wait([&io](beast::error_code ec) {
    if (!ec) io.stop();
  });
  io.run();

  const size_t n = st.arrivals.size();
  std::printf("received            %zu of %zu (%zu distinct webhook-ids, %zu repeats)\n", n,
              st.expect, st.ids.size(), st.duplicates);
  if (n < 2) return 1;
  // Read now, written by the script when it started the server: wall ms minus server ms.
  int64_t offset_ms = 0;
  if (FILE* f = std::fopen(offset_file.c_str(), "r")) {
    long long v = 0;
    if (std::fscanf(f, "%lld", &v) == 1) offset_ms = v;
    std::fclose(f);
  }
  std::vector<int64_t> delays;
  for (size_t i = 0; i < st.dues.size() && i < n; ++i) {
    delays.push_back(st.arrivals[i] - (st.dues[i] + offset_ms));
  }
  const double span_s = static_cast<double>(st.arrivals.back() - st.arrivals.front()) / 1000.0;
  std::printf("first to last       %.3f s\n", span_s);
  std::printf("deliveries/s        %.0f\n", static_cast<double>(n - 1) / std::max(span_s, 0.001));
  std::printf("delay due -> here   p50 %lld ms, p99 %lld ms, max %lld ms\n",
              static_cast<long long>(Percentile(delays, 0.50)),
              static_cast<long long>(Percentile(delays, 0.99)),
              static_cast<long long>(Percentile(delays, 1.0)));
  return n >= st.expect ? 0 : 1;
}
