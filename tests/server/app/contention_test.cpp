// Clients that race: unconditional commands on one task from many threads all succeed (only a
// conditional one may fail on a version), and a server told to stop answers every command it
// accepted before it exits.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <thread>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

namespace {
const std::string kTask = "/v1/tasks/hp-tieng-anh-2025:I.1";

// A connection that sends one request now and reads its answer later.
class Pending {
 public:
  explicit Pending(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Pending() { close(fd_); }
  bool Send(const std::string& raw) {
    return connected_ && write(fd_, raw.data(), raw.size()) == static_cast<ssize_t>(raw.size());
  }
  // The answer's status, or 0 when the connection ended without one.
  int Status() {
    std::string got;
    char buf[4096];
    for (;;) {
      const ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got.starts_with("HTTP/1.1 ") && got.size() > 12 ? std::stoi(got.substr(9, 3)) : 0;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace

TEST_CASE("unconditional commands racing on one task all succeed",
          "[server][integration][concurrency]") {
  ApiFixture f("2026-03-02", {"--rate-limit", "0"});
  const uint64_t head = f.HeadPosition();
  constexpr int kThreads = 16, kEach = 25;
  std::atomic<int> created{0};
  std::map<int, int> other;  // status -> count, for the failure message
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string text = "ý kiến " + std::to_string(t) + "-" + std::to_string(i);
        const HttpResult r = f.PostJson(f.coordinator, kTask + "/comments", {{"text", text}});
        if (r.status == 201) {
          ++created;
        } else {
          std::lock_guard lock(mu);
          ++other[r.status];
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  INFO("statuses other than 201: " << json(other).dump());
  CHECK(created == kThreads * kEach);
  CHECK(f.HeadPosition() == head + kThreads * kEach);

  // A conditional command on a stale version still fails, as it should.
  const HttpResult task = f.Get(f.coordinator, kTask);
  const std::string etag = task.header("etag");
  REQUIRE(f.PostJson(f.coordinator, kTask + "/comments", {{"text", "một"}}).status == 201);
  const HttpResult stale =
      f.PostJson(f.coordinator, kTask + "/comments", {{"text", "hai"}}, {{"If-Match", etag}});
  CHECK(stale.status == 412);
}

TEST_CASE("a server told to stop answers every command it accepted, and keeps what it acknowledged",
          "[server][integration][concurrency]") {
  ApiFixture f("2026-03-02", {"--rate-limit", "0"});
  constexpr int kClients = 64;
  const uint16_t port = f.server->port();
  std::vector<std::unique_ptr<Pending>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(std::make_unique<Pending>(port));
  std::vector<int> statuses(kClients, -1);
  std::atomic<int> sent{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      const std::string body = R"({"text": "trước khi dừng )" + std::to_string(i) + R"("})";
      const std::string req = "POST " + kTask +
                              "/comments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Authorization: Bearer " +
                              f.coordinator +
                              "\r\n"
                              "Content-Type: application/json\r\nConnection: close\r\n"
                              "Content-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
      const bool ok = clients[i]->Send(req);
      ++sent;
      statuses[i] = ok ? clients[i]->Status() : -2;
    });
  }
  while (sent < kClients) std::this_thread::yield();
  const int stopped = f.server->Stop();  // SIGTERM while the commands are in flight
  for (auto& t : threads) t.join();
  {
    const std::string log = f.server->log();
    INFO(log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
    CHECK(stopped == 0);
  }

  // A connection the server had not read a request from yet is closed unanswered (status 0):
  // that request was never accepted, and nothing of it may be in the log. Every request it did
  // read was answered: a durable 201, or 503 for one refused while stopping.
  int acknowledged = 0;
  for (int i = 0; i < kClients; ++i) {
    INFO("client " << i);
    CHECK((statuses[i] == 201 || statuses[i] == 503 || statuses[i] == 0));
    acknowledged += statuses[i] == 201;
  }
  CHECK(acknowledged > 0);
  f.Restart();
  const json history = f.Get(f.auditor, kTask + "/history").json();
  int kept = 0;
  for (const json& e : history["events"]) {
    if (e["type"] == "task.commented" &&
        e["data"]["text"].get<std::string>().starts_with("trước khi dừng")) {
      ++kept;
    }
  }
  INFO("statuses: " << json(statuses).dump());
  CHECK(kept == acknowledged);
}
