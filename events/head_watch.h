// The head a store's readers see, with waiters and subscribers: what every implementation does
// the same way once it knows the log has moved. Private to events/.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "events/event_store.h"

namespace taskledger {

class HeadWatch {
 public:
  Head Get() const {
    std::lock_guard lock(head_mu_);
    return head_;
  }
  // Makes `h` the head, wakes waiters and runs subscriptions. With `forward_only`, a head
  // behind the current one (a late notification) changes nothing.
  void Publish(const Head& h, bool forward_only = false) {
    {
      std::lock_guard lock(head_mu_);
      if (forward_only && h.position <= head_.position) return;
      head_ = h;
    }
    head_cv_.notify_all();
    std::lock_guard lock(subs_mu_);
    for (auto& [id, fn] : subs_) fn(h.position);
  }
  // Sets the head without telling anyone (at open).
  void Reset(const Head& h) {
    std::lock_guard lock(head_mu_);
    head_ = h;
  }
  uint64_t WaitForAppend(uint64_t after, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(head_mu_);
    head_cv_.wait_for(lock, timeout, [&] { return head_.position > after || closing_; });
    return head_.position;
  }
  // Wakes every waiter for good (the store is closing).
  void Close() {
    {
      std::lock_guard lock(head_mu_);
      closing_ = true;
    }
    head_cv_.notify_all();
  }
  EventStore::SubscriptionId Subscribe(std::function<void(uint64_t)> fn) {
    std::lock_guard lock(subs_mu_);
    const EventStore::SubscriptionId id = next_sub_++;
    subs_.emplace_back(id, std::move(fn));
    return id;
  }
  void Unsubscribe(EventStore::SubscriptionId id) {
    std::lock_guard lock(subs_mu_);
    std::erase_if(subs_, [id](const auto& s) { return s.first == id; });
  }

 private:
  mutable std::mutex head_mu_;
  mutable std::condition_variable head_cv_;
  Head head_;             // guarded by head_mu_
  bool closing_ = false;  // guarded by head_mu_

  std::mutex subs_mu_;  // held while callbacks run, so Unsubscribe waits for a running callback
  std::vector<std::pair<EventStore::SubscriptionId, std::function<void(uint64_t)>>>
      subs_;                                 // guarded by subs_mu_
  EventStore::SubscriptionId next_sub_ = 1;  // guarded by subs_mu_
};

}  // namespace taskledger
