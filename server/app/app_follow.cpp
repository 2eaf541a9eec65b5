// A node on a shared log (the PostgreSQL store): following what other nodes append, and the
// requests that wait for this node to reach a position they saw elsewhere (TaskLedger-Position).
#include "server/app/app.h"

namespace taskledger::server {

void App::Follow() {
  while (!stop_following_) {
    const uint64_t folded = folded_position();
    const uint64_t head = store_->WaitForAppend(folded, std::chrono::milliseconds(100));
    if (head > folded_position()) CatchUp(head);
    std::vector<FoldWaiter> ready;
    {
      const auto now = std::chrono::steady_clock::now();
      const uint64_t at = folded_position();
      std::lock_guard lock(waiters_mu_);
      std::erase_if(waiters_, [&](FoldWaiter& w) {
        if (w.position > at && w.deadline > now) return false;
        ready.push_back(std::move(w));
        return true;
      });
    }
    for (FoldWaiter& w : ready) w.fn(w.position <= folded_position());
  }
  std::lock_guard lock(waiters_mu_);
  for (FoldWaiter& w : waiters_) w.fn(false);
  waiters_.clear();
}

void App::WhenFolded(uint64_t position, std::function<void(bool)> fn) {
  if (position <= folded_position() || !store_->shared()) return fn(true);
  std::lock_guard lock(waiters_mu_);
  waiters_.push_back(
      {position, std::chrono::steady_clock::now() + options_.catch_up_wait, std::move(fn)});
}

}  // namespace taskledger::server
