// taskledger-open-loop: an open-loop HTTP load generator (what wrk2 or vegeta do; Debian has
// neither). Requests are sent on a fixed schedule, one every 1/rate s, whether or not earlier
// ones were answered, over keep-alive connections; the URLs of a file are cycled. A request
// finding every connection busy waits in a queue, and its latency is measured from its scheduled
// send time, not from when it went out, so a slow server shows as latency rather than as a lower
// rate (no coordinated omission).
//
//   taskledger-open-loop --port P --token T --urls FILE --rate 2000 --duration 10
//
// Prints sent, answered, non-2xx, errors, and latency p50/p99/max (from the schedule, and from
// the actual send for comparison). Exits 1 if any answer was not 2xx or a request failed or went
// unanswered; else 3 if fewer than 95% of the scheduled requests went out within the duration
// (every connection was busy: the server could not keep up, or --connections is too few); 2 on
// bad arguments. One thread: at a few thousand requests a second the client needs a fraction of a
// core, which it takes from the server when both share the machine (as wrk does).
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::string port;
  std::string token;
  std::string urls_file;
  double rate = 1000;      // requests per second
  double duration_s = 10;  // how long requests are scheduled
  int connections = 32;    // keep-alive connections, each one request at a time
  double drain_s = 10;     // how long answers to requests already sent are awaited afterwards
};

// One scheduled request: which URL, and when it was due to leave.
struct Due {
  size_t url = 0;
  Clock::time_point at;
};

// What the run saw. Touched by the one I/O thread only.
struct Tally {
  size_t scheduled = 0, sent = 0, sent_late = 0, answered = 0, non_2xx = 0;
  size_t failed = 0;          // requests sent whose answer could not be read
  size_t connect_errors = 0;  // connections that could not be opened
  std::vector<double> from_schedule_ms, from_send_ms;
  int first_bad_status = 0;
  std::string first_error;
};

class Generator;

// A keep-alive connection carrying one request at a time; reconnects after an error.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, Generator& g) : stream_(io), gen_(g) {}
  void Start();
  bool idle() const { return ready_ && !busy_; }
  bool busy() const { return busy_; }
  void Send(const Due& d);

 private:
  void Connect();
  void OnAnswer(beast::error_code ec);

  beast::tcp_stream stream_;
  Generator& gen_;
  bool ready_ = false, busy_ = false;
  Due due_;
  Clock::time_point sent_at_;
  http::request<http::empty_body> req_;
  beast::flat_buffer buffer_;
  std::unique_ptr<http::response_parser<http::string_body>> parser_;
};

// The schedule: a timer that wakes each 1/rate s (or later, if the thread was busy), sends every
// request due by then on an idle connection, and queues the rest.
class Generator {
 public:
  Generator(asio::io_context& io, Options o, std::vector<std::string> urls)
      : io_(io), timer_(io), o_(std::move(o)), urls_(std::move(urls)) {}

  void Run() {
    asio::ip::tcp::resolver resolver(io_);
    endpoints_ = resolver.resolve(o_.host, o_.port);
    for (int i = 0; i < o_.connections; ++i) {
      conns_.push_back(std::make_shared<Connection>(io_, *this));
      conns_.back()->Start();
    }
    // Give the connections a moment to open before the clock starts.
    timer_.expires_after(std::chrono::milliseconds(200));
    timer_.async_wait([this](beast::error_code) {
      start_ = Clock::now();
      end_ = start_ + std::chrono::duration_cast<Clock::duration>(
                          std::chrono::duration<double>(o_.duration_s));
      Tick();
    });
    io_.run();
  }

  const tcp::resolver::results_type& endpoints() const { return endpoints_; }
  const Options& options() const { return o_; }
  const std::string& url(size_t i) const { return urls_[i]; }
  Tally& tally() { return tally_; }

  // A connection is free again: it takes the oldest queued request, if any.
  void Idle(Connection& c) {
    if (!queue_.empty() && Clock::now() < end_) {
      const Due d = queue_.front();
      queue_.pop_front();
      c.Send(d);
    }
    MaybeStop();
  }

 private:
  // When request i is due to leave.
  Clock::time_point At(size_t i) const {
    return start_ + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(static_cast<double>(i) / o_.rate));
  }

  void Tick() {
    const auto now = Clock::now();
    while (At(tally_.scheduled) < end_ && At(tally_.scheduled) <= now) {
      queue_.push_back({tally_.scheduled % urls_.size(), At(tally_.scheduled)});
      ++tally_.scheduled;
    }
    for (auto& c : conns_) {
      if (queue_.empty()) break;
      if (c->idle()) {
        c->Send(queue_.front());
        queue_.pop_front();
      }
    }
    if (now >= end_) return Finish();
    timer_.expires_at(std::min(end_, At(tally_.scheduled)));
    timer_.async_wait([this](beast::error_code) { Tick(); });
  }

  // Scheduling is over: what is still queued was never sent; answers in flight get drain_s.
  void Finish() {
    finished_ = true;
    queue_.clear();
    timer_.expires_after(
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.drain_s)));
    timer_.async_wait([this](beast::error_code ec) {
      if (!ec) io_.stop();
    });
    MaybeStop();
  }
  void MaybeStop() {
    if (!finished_) return;
    for (auto& c : conns_) {
      if (c->busy()) return;
    }
    io_.stop();
  }

  asio::io_context& io_;
  asio::steady_timer timer_;
  Options o_;
  std::vector<std::string> urls_;
  tcp::resolver::results_type endpoints_;
  std::vector<std::shared_ptr<Connection>> conns_;
  std::deque<Due> queue_;
  Clock::time_point start_, end_;
  bool finished_ = false;
  Tally tally_;
};

void Connection::Start() { Connect(); }

void Connection::Connect() {
  ready_ = false;
  stream_.async_connect(gen_.endpoints(),
                        [self = shared_from_this()](beast::error_code ec, tcp::endpoint) {
                          if (ec) {
                            Tally& t = self->gen_.tally();
                            ++t.connect_errors;
                            if (t.first_error.empty()) t.first_error = "connect: " + ec.message();
                            return;  // this connection stays out of the run
                          }
                          self->stream_.socket().set_option(tcp::no_delay(true));
                          self->ready_ = true;
                          self->gen_.Idle(*self);
                        });
}

void Connection::Send(const Due& d) {
  busy_ = true;
  due_ = d;
  sent_at_ = Clock::now();
  Tally& t = gen_.tally();
  ++t.sent;
  if (sent_at_ - d.at > std::chrono::milliseconds(1)) ++t.sent_late;
  req_ = {http::verb::get, gen_.url(d.url), 11};
  req_.set(http::field::host, gen_.options().host);
  if (!gen_.options().token.empty()) {
    req_.set(http::field::authorization, "Bearer " + gen_.options().token);
  }
  req_.keep_alive(true);
  parser_ = std::make_unique<http::response_parser<http::string_body>>();
  parser_->body_limit(256u << 20);
  http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->OnAnswer(ec);
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     [self](beast::error_code ec2, size_t) { self->OnAnswer(ec2); });
  });
}

void Connection::OnAnswer(beast::error_code ec) {
  const auto now = Clock::now();
  Tally& t = gen_.tally();
  busy_ = false;
  if (ec) {
    ++t.failed;
    if (t.first_error.empty()) t.first_error = gen_.url(due_.url) + ": " + ec.message();
    stream_.socket().close(ec);
    buffer_.clear();
    return Connect();
  }
  ++t.answered;
  const auto& res = parser_->get();
  const int status = res.result_int();
  if (status < 200 || status > 299) {
    ++t.non_2xx;
    if (!t.first_bad_status) {
      t.first_bad_status = status;
      t.first_error = gen_.url(due_.url) + ": HTTP " + std::to_string(status);
    }
  }
  t.from_schedule_ms.push_back(std::chrono::duration<double, std::milli>(now - due_.at).count());
  t.from_send_ms.push_back(std::chrono::duration<double, std::milli>(now - sent_at_).count());
  if (!res.keep_alive()) {
    stream_.socket().close(ec);
    buffer_.clear();
    return Connect();
  }
  gen_.Idle(*this);
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

bool Parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (i + 1 >= argc) return false;
    const std::string v = argv[++i];
    if (k == "--host")
      o.host = v;
    else if (k == "--port")
      o.port = v;
    else if (k == "--token")
      o.token = v;
    else if (k == "--urls")
      o.urls_file = v;
    else if (k == "--rate")
      o.rate = std::stod(v);
    else if (k == "--duration")
      o.duration_s = std::stod(v);
    else if (k == "--connections")
      o.connections = std::stoi(v);
    else if (k == "--drain")
      o.drain_s = std::stod(v);
    else
      return false;
  }
  return !o.port.empty() && !o.urls_file.empty() && o.rate > 0 && o.duration_s > 0 &&
         o.connections > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!Parse(argc, argv, o)) {
    std::cerr << "usage: taskledger-open-loop --port P --urls FILE [--host 127.0.0.1] [--token T]\n"
                 "       [--rate 1000] [--duration 10] [--connections 32] [--drain 10]\n"
                 "FILE: one path (with its query) per line, cycled\n";
    return 2;
  }
  std::vector<std::string> urls;
  std::ifstream in(o.urls_file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) urls.push_back(line);
  }
  if (urls.empty()) {
    std::cerr << "taskledger-open-loop: no URLs in " << o.urls_file << "\n";
    return 2;
  }

  asio::io_context io(1);
  Generator g(io, o, std::move(urls));
  g.Run();
  Tally& t = g.tally();

  const double target = o.rate * o.duration_s;
  const size_t unanswered = t.sent - t.answered - t.failed;
  const size_t errors = t.failed + t.connect_errors;
  const double send_rate = static_cast<double>(t.sent) / o.duration_s;
  std::printf("open loop: %.0f req/s for %.1f s over %d connections\n", o.rate, o.duration_s,
              o.connections);
  std::printf(
      "sent %zu of %zu scheduled (%.0f/s, %zu more than 1 ms late), answered %zu, "
      "non-2xx %zu, errors %zu, unanswered %zu\n",
      t.sent, t.scheduled, send_rate, t.sent_late, t.answered, t.non_2xx, errors, unanswered);
  const double s50 = Percentile(t.from_send_ms, 0.5), s99 = Percentile(t.from_send_ms, 0.99);
  const double p50 = Percentile(t.from_schedule_ms, 0.5),
               p99 = Percentile(t.from_schedule_ms, 0.99);
  const double max = Percentile(t.from_schedule_ms, 1.0);
  std::printf(
      "latency from schedule: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
      "(from send: p50 %.2f ms, p99 %.2f ms)\n",
      p50, p99, max, s50, s99);
  // One line for scripts.
  std::printf(
      "RESULT sent=%zu answered=%zu non2xx=%zu errors=%zu rate=%.1f p50_ms=%.3f "
      "p99_ms=%.3f\n",
      t.sent, t.answered, t.non_2xx, errors, send_rate, p50, p99);

  // Failed requests first: they make the figures wrong, a missed rate only makes them weaker.
  int rc = 0;
  if (static_cast<double>(t.sent) < 0.95 * target) {
    std::printf("FAILED: could not keep the rate: %zu sent of %.0f asked (%.1f%%, need 95%%)\n",
                t.sent, target, 100.0 * static_cast<double>(t.sent) / target);
    rc = 3;
  }
  if (t.non_2xx || errors || unanswered) {
    std::printf("FAILED: %zu non-2xx, %zu errors, %zu unanswered (first: %s)\n", t.non_2xx, errors,
                unanswered, t.first_error.empty() ? "-" : t.first_error.c_str());
    rc = 1;
  }
  return rc;
}
