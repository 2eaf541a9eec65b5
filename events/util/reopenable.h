// A shared resource (an open RocksDB and its handles) that its owner may close and open again
// while readers come and go. Readers hold a shared_ptr for one operation at a time; to reopen,
// the owner takes the value away (new readers wait), waits until the last reader lets go,
// destroys it, and installs the new one. RocksDB's LOCK file allows one open instance per
// directory, so the old one must be closed before the new one opens.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace taskledger {

template <class T>
class Reopenable {
 public:
  Reopenable() = default;
  explicit Reopenable(std::shared_ptr<T> value) : value_(std::move(value)) {}

  // The current value; while it is being reopened, waits up to `timeout` for the new one and
  // returns null if none came.
  std::shared_ptr<T> Get(std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    std::unique_lock lock(mu_);
    if (!value_) cv_.wait_for(lock, timeout, [this] { return value_ != nullptr; });
    return value_;
  }

  // Takes the value away, waits until no reader holds it, and destroys it (closing it).
  void Retire() {
    std::shared_ptr<T> old;
    {
      std::lock_guard lock(mu_);
      old = std::move(value_);
    }
    while (old && old.use_count() > 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    old.reset();
  }

  // Makes `value` the current one and wakes the readers waiting for it.
  void Install(std::shared_ptr<T> value) {
    {
      std::lock_guard lock(mu_);
      value_ = std::move(value);
    }
    cv_.notify_all();
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::shared_ptr<T> value_;  // by mu_; null while being reopened
};

}  // namespace taskledger
