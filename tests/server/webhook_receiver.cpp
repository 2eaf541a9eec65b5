#include "tests/server/webhook_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <stdexcept>

namespace taskledger::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {
int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

WebhookReceiver::WebhookReceiver(Behaviour behaviour) : behaviour_(std::move(behaviour)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("receiver: cannot listen");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] {
    while (!closing_) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) {
        if (closing_) return;
        continue;
      }
      std::lock_guard lock(mu_);
      conns_.push_back(fd);
      workers_.emplace_back([this, fd] { Serve(fd); });
    }
  });
}

WebhookReceiver::~WebhookReceiver() {
  closing_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    for (int fd : conns_) ::shutdown(fd, SHUT_RDWR);
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
}

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void WebhookReceiver::set_behaviour(Behaviour b) {
  std::lock_guard lock(mu_);
  behaviour_ = std::move(b);
}

std::vector<Hit> WebhookReceiver::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}

bool WebhookReceiver::WaitForCount(size_t count, int timeout_ms) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return hits_.size() >= count; });
}

void WebhookReceiver::Serve(int fd) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io, asio::ip::tcp::v4(), fd);
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    beast::error_code ec;
    http::read(socket, buffer, req, ec);
    if (ec) break;
    Hit hit;
    hit.target = std::string(req.target());
    hit.id = std::string(req["webhook-id"]);
    hit.timestamp = std::string(req["webhook-timestamp"]);
    hit.signature = std::string(req["webhook-signature"]);
    hit.content_type = std::string(req[http::field::content_type]);
    hit.body = req.body();
    hit.arrived_ms = SteadyMs();
    Answer answer;
    {
      std::lock_guard lock(mu_);
      hit.n = ++seen_[hit.id];
      if (behaviour_) answer = behaviour_(hit);
    }
    if (answer.delay_ms > 0 && !closing_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(answer.delay_ms));
    }
    {
      std::lock_guard lock(mu_);
      hits_.push_back(hit);
    }
    cv_.notify_all();
    http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
    for (const auto& [k, v] : answer.headers) res.set(k, v);
    res.body() = answer.status >= 300 ? "nope" : "";
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    http::write(socket, res, ec);
    if (ec || !req.keep_alive()) break;
  }
  std::lock_guard lock(mu_);
  std::erase(conns_, fd);  // before the socket closes it, so no one shuts a reused descriptor
}

}  // namespace taskledger::testing
