// A full disk: appends are refused with kNoSpace, reads go on, nothing acknowledged is lost, and
// appends resume by themselves once there is room, without a restart.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "tests/events/store_fixture.h"
#include "tests/support/full_disk_fs.h"

using namespace taskledger;
using namespace taskledger::testing;
using Code = Status::Code;
using namespace std::chrono_literals;

namespace {

RocksStoreOptions Over(FullDisk& disk) {
  RocksStoreOptions o;
  o.env = disk.env.get();
  o.free_bytes = disk.fs->free_bytes();
  o.min_free_bytes = 4u << 20;
  o.recovery_interval = 20ms;
  return o;
}

// Appends until one succeeds or `timeout` passes.
AppendResult AppendWithin(StoreFixture& f, const std::string& stream,
                          std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    AppendResult r = f.Append(stream, ExpectedVersion::Any(), {Ev("after")});
    if (r.ok() || std::chrono::steady_clock::now() > until) return r;
    std::this_thread::sleep_for(5ms);
  }
}

}  // namespace

TEST_CASE("below the free-space floor appends are refused, reads go on, and appends resume",
          "[events][durability][disk-full]") {
  FullDisk disk;
  StoreFixture f(Over(disk));
  const uint64_t first = f.MustAppend("s");

  disk.fs->reported_free = 1u << 20;  // 1 MiB left, under the 4 MiB floor
  AppendResult r = f.Append("s", ExpectedVersion::Any(), {Ev("refused")});
  CHECK(r.status.code() == Code::kNoSpace);
  CHECK(r.status.message().find("the disk is full") != std::string::npos);
  CHECK(f.store().head().position == first);
  CHECK(disk.fs->refused == 0);  // refused before RocksDB was asked to write
  CHECK(f.store().Get(first).ok());
  CHECK(f.Stream("s").size() == 1);

  disk.fs->reported_free = 1u << 30;
  CHECK(f.Append("s", ExpectedVersion::Any(), {Ev("resumed")}).ok());
  CHECK(f.store().recoveries() == 0);  // nothing failed, nothing to recover
  CHECK(f.store().Verify().ok);
}

TEST_CASE(
    "a write that meets a full disk stops writes to that instance, which reopens itself "
    "once there is room",
    "[events][durability][disk-full]") {
  FullDisk disk;
  StoreFixture f(Over(disk));
  std::vector<uint64_t> acknowledged;
  for (int i = 0; i < 20; ++i)
    acknowledged.push_back(f.MustAppend("s", "before", "{\"i\":" + std::to_string(i) + "}"));

  // The floor check passed (another process filled the disk since): the write itself fails.
  disk.fs->full = true;
  AppendResult r = f.Append("s", ExpectedVersion::Any(), {Ev("lost")});
  CHECK(r.status.code() == Code::kNoSpace);
  CHECK(f.store().write_status().code() == Code::kNoSpace);
  // Later appends are refused without touching RocksDB (RocksDB 7.8 aborts on a write to a WAL
  // whose last write failed), and reads go on.
  const uint64_t refused_before = disk.fs->refused;
  for (int i = 0; i < 5; ++i) {
    CHECK(f.Append("s", ExpectedVersion::Any(), {Ev("refused")}).status.code() == Code::kNoSpace);
  }
  CHECK(disk.fs->refused == refused_before);
  CHECK(f.Stream("s").size() == 20);
  CHECK(f.store().Get(acknowledged.back()).ok());

  // Still full a while: no recovery yet, and nothing aborts.
  std::this_thread::sleep_for(100ms);
  CHECK(f.Append("s", ExpectedVersion::Any(), {Ev("refused")}).status.code() == Code::kNoSpace);
  CHECK(f.store().recoveries() == 0);

  disk.fs->full = false;
  AppendResult after = AppendWithin(f, "s", 5s);
  INFO(after.status.ToString());
  REQUIRE(after.ok());
  CHECK(f.store().recoveries() == 1);
  CHECK(f.store().write_status().ok());
  const std::vector<RecordedEvent> events = f.Stream("s");
  for (size_t i = 0; i < 20; ++i) CHECK(events[i].position == acknowledged[i]);
  CHECK(events.back().type == "after");
  CHECK(f.store().Verify().ok);
  f.Reopen();
  CHECK(f.store().Verify().ok);
  CHECK(f.Stream("s").back().type == "after");
}

TEST_CASE("writers racing a disk that fills and empties lose nothing acknowledged",
          "[events][durability][disk-full]") {
  FullDisk disk;
  StoreFixture f(Over(disk));
  std::mutex mu;
  std::map<uint64_t, std::string> acknowledged;  // position -> data
  std::atomic<bool> done{false};
  std::atomic<int> refused{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 6; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !done; ++i) {
        const std::string data =
            "{\"w\":" + std::to_string(w) + ",\"i\":" + std::to_string(i) + "}";
        AppendResult r =
            f.Append("w" + std::to_string(w % 3), ExpectedVersion::Any(), {Ev("e", data)});
        if (r.ok()) {
          std::lock_guard lock(mu);
          acknowledged[r.last_position] = data;
        } else {
          REQUIRE(r.status.code() == Code::kNoSpace);
          ++refused;
          std::this_thread::sleep_for(1ms);
        }
      }
    });
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 12; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + rng() % 40));
    if (rng() % 2) {
      disk.fs->full = true;  // the write itself fails
    } else {
      disk.fs->reported_free = 1024;  // the floor refuses first
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + rng() % 40));
    disk.fs->full = false;
    disk.fs->reported_free = 1ull << 40;
  }
  REQUIRE(AppendWithin(f, "last", 5s).ok());
  done = true;
  for (auto& t : writers) t.join();
  INFO("acknowledged " << acknowledged.size() << ", refused " << refused << ", recoveries "
                       << f.store().recoveries());
  CHECK(refused > 0);
  CHECK(f.store().recoveries() > 0);
  f.Reopen();
  const VerifyReport v = f.store().Verify();
  CHECK(v.ok);
  for (const auto& [position, data] : acknowledged) {
    auto e = f.store().Get(position);
    REQUIRE(e.ok());
    CHECK(e->data == data);
  }
}
