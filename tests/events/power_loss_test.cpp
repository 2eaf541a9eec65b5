// Power cuts, not only kill -9: at a random instant while writers append, everything the disk was
// not told to keep is thrown away (power_loss_fs.h), and the store reopens from what is left.
// At every crash point: each acknowledged append is there with its content, positions are
// gapless, the chain verifies, and an idempotent retry still finds its first position.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "events/rocks_event_store.h"
#include "tests/support/power_loss_fs.h"

using namespace taskledger;
using namespace taskledger::testing;

namespace {

// A fresh log every kGeneration cuts keeps each Verify() short.
constexpr int kGeneration = 50;
std::string DirOf(int cut) { return "/power-loss/log" + std::to_string(cut / kGeneration); }

struct Acked {
  std::string stream, type, data;
  Uuid id;  // nil: the store chose it
};

RocksStoreOptions On(PowerLossDisk& disk) {
  RocksStoreOptions o;
  o.env = disk.env.get();
  o.min_free_bytes = 0;  // an in-memory disk has no statvfs
  o.tail_check_records = 64;
  return o;
}

}  // namespace

TEST_CASE("a thousand power cuts while appending lose nothing acknowledged",
          "[events][durability][power-loss]") {
  PowerLossDisk disk;
  REQUIRE(disk.env->CreateDirIfMissing("/power-loss").ok());
  std::mt19937_64 rng(20261201);
  std::map<uint64_t, Acked> expected;  // every append acknowledged before a cut
  uint64_t cuts = 0, acknowledged_total = 0, lost_unacknowledged = 0;
  constexpr int kCuts = 1000;

  std::map<uint64_t, Acked> last_round;
  for (int cut = 0; cut < kCuts; ++cut) {
    const std::string dir = DirOf(cut);
    if (cut % kGeneration == 0) {
      expected.clear();
      last_round.clear();
    }
    auto opened = OpenRocksEventStore(dir, On(disk));
    REQUIRE(opened.ok());
    std::unique_ptr<EventStore> store = std::move(*opened);
    {
      INFO("after cut " << cut);
      // What came back is everything acknowledged before, as it was acknowledged.
      REQUIRE(store->head().position >= (expected.empty() ? 0 : expected.rbegin()->first));
      const VerifyReport v = store->Verify();
      INFO(v.problem);
      REQUIRE(v.ok);
      if (!expected.empty()) {
        // Every append of the round just cut, and a sample of the older ones.
        std::vector<std::pair<uint64_t, const Acked*>> check;
        for (const auto& [position, a] : last_round) check.emplace_back(position, &a);
        for (int k = 0; k < 20; ++k) {
          auto it = expected.lower_bound(1 + rng() % expected.rbegin()->first);
          if (it != expected.end()) check.emplace_back(it->first, &it->second);
        }
        for (const auto& [position, a] : check) {
          auto e = store->Get(position);
          REQUIRE(e.ok());
          REQUIRE(e->stream == a->stream);
          REQUIRE(e->data == a->data);
          if (!a->id.IsNil()) REQUIRE(e->id == a->id);
        }
        // An idempotent retry of an acknowledged append finds its first position.
        for (auto it = last_round.rbegin(); it != last_round.rend(); ++it) {
          if (it->second.id.IsNil()) continue;
          NewEvent again;
          again.id = it->second.id;
          again.type = it->second.type;
          again.data = it->second.data;
          again.actor = "writer";
          AppendResult r = store->Append(it->second.stream, ExpectedVersion::Any(), {again});
          REQUIRE(r.ok());
          CHECK(r.duplicate);
          CHECK(r.first_position == it->first);
          break;
        }
      }
    }

    // Writers append until the power goes, at a random moment.
    std::mutex mu;
    std::map<uint64_t, Acked> acked;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    const int nwriters = 1 + static_cast<int>(rng() % 4);
    for (int w = 0; w < nwriters; ++w) {
      writers.emplace_back([&, w, seed = rng()] {
        std::mt19937_64 local(seed);
        for (int i = 0; !stop; ++i) {
          const int n = 1 + static_cast<int>(local() % 3);
          std::vector<NewEvent> events;
          std::vector<Acked> meta;
          const std::string stream = "s" + std::to_string(local() % 5);
          for (int k = 0; k < n; ++k) {
            NewEvent e;
            e.type = "written";
            e.data = "{\"c\":" + std::to_string(cut) + ",\"w\":" + std::to_string(w) +
                     ",\"i\":" + std::to_string(i) + ",\"k\":" + std::to_string(k) + "}";
            e.actor = "writer";
            if (local() % 2) e.id = Uuid::NewV7(1767225600000 + cut);  // a client's idempotency id
            meta.push_back(Acked{stream, e.type, e.data, e.id});
            events.push_back(std::move(e));
          }
          AppendResult r = store->Append(stream, ExpectedVersion::Any(), std::move(events));
          if (!r.ok()) break;
          std::lock_guard lock(mu);
          for (int k = 0; k < n; ++k) acked[r.first_position + k] = meta[k];
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 4000));
    // The cut: what was acknowledged up to now must survive it.
    std::map<uint64_t, Acked> before;
    {
      std::lock_guard lock(mu);
      before = acked;
    }
    const PowerLossFs::Image image = disk.fs->Capture({dir});
    stop = true;
    for (auto& t : writers) t.join();
    store.reset();  // whatever it writes now never reached the disk
    disk.fs->Restore({dir}, image);
    ++cuts;
    acknowledged_total += before.size();
    lost_unacknowledged += acked.size() - before.size();
    expected.insert(before.begin(), before.end());
    last_round = std::move(before);
  }
  INFO(cuts << " power cuts, " << acknowledged_total << " appends acknowledged before them");
  CHECK(cuts == kCuts);
  CHECK(acknowledged_total > static_cast<uint64_t>(kCuts));
  // The last state, checked in full.
  auto last = OpenRocksEventStore(DirOf(kCuts - 1), On(disk));
  REQUIRE(last.ok());
  REQUIRE((*last)->Verify().ok);
  for (const auto& [position, a] : expected) {
    auto e = (*last)->Get(position);
    REQUIRE(e.ok());
    CHECK(e->data == a.data);
  }
  WARN(cuts << " power cuts: " << acknowledged_total << " acknowledged appends kept, "
            << lost_unacknowledged << " written after a cut and rightly lost");
}
