// The reader-writer lock the App guards its state with: a writer is not starved by readers that
// keep coming, and a read nested in a read does not deadlock behind a waiting writer.
#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "events/util/fair_shared_mutex.h"

using namespace taskledger;

TEST_CASE("a waiting writer goes before readers that arrive after it", "[util][lock]") {
  FairSharedMutex mu;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reads{0};
  // Four readers, each always holding or about to take the lock: with a reader-preferring lock
  // their shared holds overlap forever and a writer never gets in.
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        std::shared_lock l(mu);
        ++reads;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    });
  }
  while (reads < 100) std::this_thread::yield();
  for (int i = 0; i < 50; ++i) {
    auto wrote = std::async(std::launch::async, [&] { std::unique_lock l(mu); });
    // Each write gets in within a reader's hold, not after the readers stop.
    REQUIRE(wrote.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  }
  stop = true;
  for (auto& t : readers) t.join();
}

TEST_CASE("a read nested in a read proceeds while a writer waits", "[util][lock]") {
  FairSharedMutex mu;
  std::shared_lock outer(mu);
  std::atomic<bool> writer_in{false};
  std::thread writer([&] {
    std::unique_lock l(mu);
    writer_in = true;
  });
  // Let the writer start waiting.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(writer_in);
  {
    std::shared_lock inner(mu);  // would deadlock on a plain writer-preferring lock
    CHECK_FALSE(writer_in);
  }
  outer.unlock();
  writer.join();
  CHECK(writer_in);
  // And readers and writers exclude each other.
  std::unique_lock w(mu);
  auto read = std::async(std::launch::async, [&] { std::shared_lock l(mu); });
  CHECK(read.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
  w.unlock();
  read.get();
}
