// Long renders (reports, exports, "as of" answers) run here, apart from the I/O threads, so
// commands and small reads stay quick whatever is being downloaded.
//
// Thread-safety: Post() may be called from any thread; the destructor waits for the work
// already taken and drops what still waits (their clients are being disconnected anyway).
#pragma once

#include <algorithm>
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <thread>

namespace taskledger::server {

struct RenderPoolOptions {
  // Threads rendering at once: CPU work, so half the cores at most, the rest left to the I/O
  // threads and the store's. Default: half the cores, at least one.
  size_t threads = std::max(1u, std::thread::hardware_concurrency() / 2);
  // Renders waiting for a thread; beyond it Post() refuses, and the caller answers 503 with
  // Retry-After rather than queue work no one will wait for. Default: 64.
  size_t max_waiting = 64;
  // The render threads' niceness (setpriority): a render gives way to the I/O threads and the
  // store's notifier whenever they have work, and takes what CPU is left. 0: as they are.
  // Default: 10.
  int nice = 10;
};

class RenderPool {
 public:
  explicit RenderPool(RenderPoolOptions options = {});
  ~RenderPool();
  RenderPool(const RenderPool&) = delete;
  RenderPool& operator=(const RenderPool&) = delete;

  // Queues `work`; false (and nothing queued) when max_waiting renders already wait.
  [[nodiscard]] bool Post(std::function<void()> work);
  size_t waiting() const { return waiting_.load(); }

 private:
  const RenderPoolOptions options_;
  boost::asio::thread_pool pool_;
  std::atomic<size_t> waiting_{0};
};

}  // namespace taskledger::server
