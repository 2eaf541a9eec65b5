#include "server/api/render_pool.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/post.hpp>

namespace taskledger::server {
namespace {

// Lowers the calling thread's priority once (Linux applies niceness per thread).
void LowerPriority(int nice) {
  thread_local bool lowered = false;
  if (lowered || nice == 0) return;
  lowered = true;
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) != 0) {
    spdlog::debug("render thread keeps its priority: setpriority failed");
  }
}

}  // namespace

RenderPool::RenderPool(RenderPoolOptions options)
    : options_(options), pool_(std::max<size_t>(1, options.threads)) {}

RenderPool::~RenderPool() {
  pool_.stop();
  pool_.join();
}

bool RenderPool::Post(std::function<void()> work) {
  if (waiting_.fetch_add(1) >= options_.max_waiting) {
    --waiting_;
    return false;
  }
  boost::asio::post(pool_, [this, work = std::move(work)] {
    --waiting_;
    LowerPriority(options_.nice);
    try {
      work();
    } catch (const std::exception& e) {
      // A render's own failures are answered by the work itself; this is a bug's last stop.
      spdlog::error("render failed: {}", e.what());
    }
  });
  return true;
}

}  // namespace taskledger::server
