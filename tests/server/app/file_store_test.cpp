// Deliverable files on a disk that fills and on one that loses power.
#include "server/app/file_store.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "tests/support/full_disk_fs.h"
#include "tests/support/power_loss_fs.h"
#include "tests/support/temp_dir.h"

using namespace taskledger;
using namespace taskledger::server;
using namespace taskledger::testing;

TEST_CASE("a full disk refuses a file whole and keeps the ones stored",
          "[server][files][disk-full]") {
  TempDir dir;
  FullDisk disk;
  FileStoreOptions o;
  o.fs = disk.fs.get();
  o.min_free_bytes = 4u << 20;
  o.free_bytes = disk.fs->free_bytes();
  FileStore files(dir.Sub("files"), o);
  auto kept = files.Put("báo cáo quý I");
  REQUIRE(kept.ok());

  disk.fs->reported_free = 4u << 20;  // room for the floor, not for the floor and this file
  auto refused = files.Put(std::string(1000, 'x'));
  CHECK(refused.status().code() == Status::Code::kNoSpace);
  CHECK(disk.fs->refused == 0);

  disk.fs->reported_free = 1ull << 40;
  disk.fs->full = true;  // the write itself meets the full disk
  refused = files.Put(std::string(1000, 'y'));
  CHECK(refused.status().code() == Status::Code::kNoSpace);
  CHECK(refused.status().message().find(dir.path()) == std::string::npos);
  CHECK(*files.Get(*kept) == "báo cáo quý I");
  // Nothing half-written is left behind.
  size_t leftovers = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.Sub("files"))) {
    leftovers += e.path().string().find(".tmp") != std::string::npos;
  }
  CHECK(leftovers == 0);

  disk.fs->full = false;
  auto later = files.Put(std::string(1000, 'y'));
  REQUIRE(later.ok());
  CHECK(files.Get(*later)->size() == 1000);
}

TEST_CASE("power cuts keep every file whose Put returned", "[server][files][power-loss]") {
  PowerLossDisk disk;
  const std::string root = "/power-loss/files";
  FileStoreOptions o;
  o.fs = disk.fs.get();
  o.min_free_bytes = 0;
  std::mt19937_64 rng(11);
  std::map<std::string, std::string> stored;  // hash -> content, acknowledged before a cut
  for (int cut = 0; cut < 200; ++cut) {
    FileStore files(root, o);
    for (const auto& [hash, content] : stored) {
      auto got = files.Get(hash);
      REQUIRE(got.ok());
      REQUIRE(*got == content);
    }
    std::mutex mu;
    std::map<std::string, std::string> acked;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 2; ++w) {
      writers.emplace_back([&, w, seed = rng()] {
        std::mt19937_64 local(seed);
        for (int i = 0; !stop; ++i) {
          const std::string content = "tệp " + std::to_string(cut) + "-" + std::to_string(w) + "-" +
                                      std::to_string(i) + std::string(local() % 5000, 'z');
          auto h = files.Put(content);
          if (!h.ok()) break;
          std::lock_guard lock(mu);
          acked[*h] = content;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 2000));
    std::map<std::string, std::string> before;
    {
      std::lock_guard lock(mu);
      before = acked;
    }
    // The store's directory and its 256 shards.
    std::vector<std::string> dirs = {root};
    for (int i = 0; i < 256; ++i) {
      static const char* kHex = "0123456789abcdef";
      dirs.push_back(root + "/" + kHex[i / 16] + kHex[i % 16]);
    }
    const auto image = disk.fs->Capture(dirs);
    stop = true;
    for (auto& t : writers) t.join();
    disk.fs->Restore(dirs, image);
    stored.insert(before.begin(), before.end());
  }
  CHECK(stored.size() > 200);
}
