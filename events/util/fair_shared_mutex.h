// A reader-writer lock that does not let a steady stream of readers starve a writer: once a
// writer waits, new readers wait behind it (the readers already in finish first). A thread that
// already holds the shared lock may take it again without waiting (a read nested in a read),
// which a plain writer-preferring lock would deadlock on.
//
// Meets the SharedMutex requirements: use it with std::shared_lock and std::unique_lock.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>

namespace taskledger {

class FairSharedMutex {
 public:
  void lock() {
    std::unique_lock l(m_);
    ++writers_waiting_;
    cv_.wait(l, [this] { return !writer_ && readers_ == 0; });
    --writers_waiting_;
    writer_ = true;
  }
  void unlock() {
    {
      std::lock_guard l(m_);
      writer_ = false;
    }
    cv_.notify_all();
  }
  void lock_shared() {
    std::unique_lock l(m_);
    // A nested read never waits for a waiting writer, who waits for it.
    if (held_ > 0) {
      cv_.wait(l, [this] { return !writer_; });
    } else {
      cv_.wait(l, [this] { return !writer_ && writers_waiting_ == 0; });
    }
    ++readers_;
    ++held_;
  }
  void unlock_shared() {
    bool last = false;
    {
      std::lock_guard l(m_);
      --held_;
      last = --readers_ == 0;
    }
    if (last) cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  int readers_ = 0;
  int writers_waiting_ = 0;
  bool writer_ = false;
  // Shared locks this thread holds, of any FairSharedMutex (a thread holding another one's
  // shared lock waits only for an active writer here: never a deadlock, at worst no preference).
  static inline thread_local int held_ = 0;
};

}  // namespace taskledger
