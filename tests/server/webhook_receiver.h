// A webhook receiver for tests: a real HTTP server on 127.0.0.1 (one thread per connection, so
// a slow answer holds only its own connection), recording every request and answering as the
// test's behaviour says (status, delay, extra headers).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace taskledger::testing {

struct Hit {
  std::string target, id, timestamp, signature, content_type, body;
  int64_t arrived_ms = 0;  // steady clock
  int n = 0;               // how many times this webhook-id has arrived, this one included
};

struct Answer {
  int status = 204;
  int delay_ms = 0;
  std::map<std::string, std::string> headers;
};

class WebhookReceiver {
 public:
  using Behaviour = std::function<Answer(const Hit&)>;
  explicit WebhookReceiver(Behaviour behaviour = {});
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;
  void set_behaviour(Behaviour b);
  std::vector<Hit> hits() const;
  // Waits up to `timeout_ms` for `count` requests in all; returns whether they came.
  bool WaitForCount(size_t count, int timeout_ms = 10000) const;

 private:
  void Serve(int fd);
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  Behaviour behaviour_;               // by mu_
  std::vector<Hit> hits_;             // by mu_
  std::map<std::string, int> seen_;   // by mu_
  std::vector<int> conns_;            // by mu_
  std::vector<std::thread> workers_;  // by mu_
  std::atomic<bool> closing_{false};
};

}  // namespace taskledger::testing
