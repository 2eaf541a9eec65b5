#include "webhooks/outbox.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "tests/support/full_disk_fs.h"
#include "tests/support/power_loss_fs.h"
#include "tests/support/temp_dir.h"

using namespace taskledger;
using namespace taskledger::webhooks;

namespace {

Message Reminder(const std::string& endpoint, const std::string& key, int64_t at) {
  Message m;
  m.id = MessageIdFor(endpoint, key);
  m.endpoint = endpoint;
  m.type = "task.deadline.approaching";
  m.task = "p:1";
  m.occurrence = "1";
  m.key = key;
  m.body = R"({"type":"task.deadline.approaching","data":{"task":{"title":"Báo cáo"}}})";
  m.created_ms = m.due_ms = m.next_ms = at;
  return m;
}

}  // namespace

TEST_CASE("a keyed message is enqueued once, also after the outbox is reopened", "[webhooks]") {
  testing::TempDir dir;
  const std::string path = dir.Sub("outbox");
  {
    auto box = Outbox::Open(path);
    REQUIRE(box.ok());
    auto added = (*box)->Enqueue({Reminder("wh_a", "p:1|1|2026-03-09|7", 1000),
                                  Reminder("wh_b", "p:1|1|2026-03-09|7", 1000)},
                                 {5, 1000}, false);
    REQUIRE(added.ok());
    CHECK(added->size() == 2);  // the same reminder to two endpoints: two messages
    added = (*box)->Enqueue({Reminder("wh_a", "p:1|1|2026-03-09|7", 2000)}, {}, false);
    REQUIRE(added.ok());
    CHECK(added->empty());
  }
  auto box = Outbox::Open(path);
  REQUIRE(box.ok());
  auto again = (*box)->Enqueue(
      {Reminder("wh_a", "p:1|1|2026-03-09|7", 3000), Reminder("wh_a", "p:1|1|2026-03-09|1", 3000)},
      {}, false);
  REQUIRE(again.ok());
  REQUIRE(again->size() == 1);
  CHECK(again->front().key == "p:1|1|2026-03-09|1");
  CHECK((*box)->cursors().log == 5u);
  CHECK((*box)->cursors().clock == 1000);
  // What is pending survives, by next attempt, with its body intact.
  auto pending = (*box)->Pending();
  REQUIRE(pending.ok());
  REQUIRE(pending->size() == 3);
  CHECK(pending->front().next_ms == 1000);
  CHECK(pending->back().body.find("Báo cáo") != std::string::npos);
  // It holds the signing secrets: nobody but the owner may look in.
  const auto perms = std::filesystem::status(path).permissions();
  CHECK((perms & std::filesystem::perms::group_all) == std::filesystem::perms::none);
  CHECK((perms & std::filesystem::perms::others_all) == std::filesystem::perms::none);
}

TEST_CASE("saving an outcome moves a message out of the pending set and keeps its attempts",
          "[webhooks]") {
  testing::TempDir dir;
  auto box = Outbox::Open(dir.Sub("outbox"));
  REQUIRE(box.ok());
  Message m = Reminder("wh_a", "k", 1000);
  REQUIRE((*box)->Enqueue({m}, {}, false).ok());
  m.attempts = 1;
  m.last_status = 500;
  m.next_ms = 6000;
  const Attempt first{1, 1000, 500, 12, "", "nope"};
  REQUIRE((*box)->Save(m, &first, 1000, false).ok());
  m.attempts = 2;
  m.state = MessageState::kDelivered;
  const Attempt second{2, 6000, 204, 3, "", ""};
  REQUIRE((*box)->Save(m, &second, 6000, false).ok());
  CHECK((*box)->Pending()->empty());
  auto attempts = (*box)->Attempts(m.id);
  REQUIRE(attempts.ok());
  REQUIRE(attempts->size() == 2);
  CHECK((*attempts)[0].status == 500);
  CHECK((*attempts)[0].response == "nope");
  REQUIRE((*box)->Unrecorded()->size() == 1);
  REQUIRE((*box)->MarkRecorded(m.id).ok());
  CHECK((*box)->Unrecorded()->empty());
  auto listed = (*box)->List("wh_a", 10);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().state == MessageState::kDelivered);
}

TEST_CASE("a full disk pauses the outbox's writes, reads go on, and it reopens once there is room",
          "[webhooks][disk-full]") {
  testing::TempDir dir;
  testing::FullDisk disk;
  OutboxOptions o;
  o.env = disk.env.get();
  o.free_bytes = disk.fs->free_bytes();
  o.min_free_bytes = 4u << 20;
  auto box = Outbox::Open(dir.Sub("outbox"), o);
  REQUIRE(box.ok());
  Outbox& b = **box;
  Message first = Reminder("wh_a", "k1", 1000);
  REQUIRE(b.Enqueue({first}, {1, 1000}, true).ok());
  REQUIRE(b.PutSecrets("wh_a", Secrets{"whsec_a", "", 0}).ok());

  // Under the floor: refused before RocksDB writes anything; nothing to recover afterwards.
  disk.fs->reported_free = 1u << 20;
  auto refused = b.Enqueue({Reminder("wh_a", "k2", 2000)}, {2, 2000}, false);
  CHECK(refused.status().code() == Status::Code::kNoSpace);
  CHECK(disk.fs->refused == 0);
  CHECK(b.write_status().ok());
  disk.fs->reported_free = 1ull << 40;
  REQUIRE(b.Enqueue({Reminder("wh_a", "k2", 2000)}, {2, 2000}, false).ok());

  // A write that meets the full disk fails the outbox: no later write touches that instance.
  disk.fs->full = true;
  first.state = MessageState::kDelivered;
  first.attempts = 1;
  CHECK(b.Save(first, nullptr, 1000, false).code() == Status::Code::kNoSpace);
  CHECK(b.write_status().code() == Status::Code::kNoSpace);
  const uint64_t refusals = disk.fs->refused;
  CHECK(b.PutSecrets("wh_b", Secrets{"whsec_b", "", 0}).code() == Status::Code::kNoSpace);
  CHECK(b.MarkRecorded(first.id).code() == Status::Code::kNoSpace);
  CHECK(disk.fs->refused == refusals);
  // Reads go on.
  CHECK(b.Get(first.id).ok());
  CHECK(b.GetSecrets("wh_a")->current == "whsec_a");
  CHECK(b.cursors().log == 2u);
  // Still no room: no reopen.
  disk.fs->reported_free = 1u << 20;
  CHECK_FALSE(b.TryRecover());

  disk.fs->full = false;
  disk.fs->reported_free = 1ull << 40;
  REQUIRE(b.TryRecover());
  CHECK(b.write_status().ok());
  REQUIRE(b.Save(first, nullptr, 1000, true).ok());
  REQUIRE(b.PutSecrets("wh_b", Secrets{"whsec_b", "", 0}).ok());
  CHECK(b.Get(first.id)->state == MessageState::kDelivered);
  CHECK(b.Pending()->size() == 1);  // k2
  CHECK(b.GetSecrets("wh_b")->current == "whsec_b");
}

TEST_CASE("retention prunes old finished deliveries the log records, and nothing else",
          "[webhooks][retention]") {
  testing::TempDir dir;
  auto box = Outbox::Open(dir.Sub("outbox"));
  REQUIRE(box.ok());
  Outbox& b = **box;
  const auto finish = [&](Message m, int64_t done_ms, bool recorded) {
    REQUIRE(b.Enqueue({m}, {}, false).ok());
    const int64_t previous_next = m.next_ms;
    m.state = MessageState::kDelivered;
    m.attempts = 1;
    m.done_ms = done_ms;
    const Attempt a{1, done_ms, 204, 5, "", "ok"};
    REQUIRE(b.Save(m, &a, previous_next, false).ok());
    if (recorded) REQUIRE(b.MarkRecorded(m.id).ok());
    return m.id;
  };
  const int64_t day = 24LL * 3600 * 1000;
  const std::string old_recorded = finish(Reminder("wh_a", "old-recorded", 1 * day), 2 * day, true);
  const std::string old_unrecorded =
      finish(Reminder("wh_a", "old-unrecorded", 1 * day), 2 * day, false);
  const std::string recent = finish(Reminder("wh_a", "recent", 100 * day), 100 * day, true);
  Message ping = Reminder("wh_a", "", 1 * day);
  ping.id = NewMessageId();
  ping.task.clear();
  ping.type = "webhook.ping";
  const std::string old_ping = finish(ping, 2 * day, false);
  Message waiting = Reminder("wh_a", "pending", 1 * day);
  REQUIRE(b.Enqueue({waiting}, {}, false).ok());

  auto r = b.Prune(/*before=*/10 * day, 1000);
  REQUIRE(r.ok());
  CHECK(r->pruned == 1);
  CHECK(r->kept == 2);
  CHECK(b.Get(old_recorded).status().code() == Status::Code::kNotFound);
  CHECK(b.Attempts(old_recorded)->empty());
  CHECK(b.Get(old_unrecorded).ok());  // its outcome is not in the log yet
  CHECK(b.Get(old_ping).ok());        // a ping's outcome is nowhere else
  CHECK(b.Get(recent).ok());
  CHECK(b.Get(waiting.id).ok());
  auto listed = b.List("wh_a", 100);
  REQUIRE(listed.ok());
  CHECK(listed->size() == 4);
  // Once recorded, the old one goes at the next pass; the ping stays.
  REQUIRE(b.MarkRecorded(old_unrecorded).ok());
  r = b.Prune(10 * day, 1000);
  REQUIRE(r.ok());
  CHECK(r->pruned == 1);
  CHECK(b.Get(old_unrecorded).status().code() == Status::Code::kNotFound);
  CHECK(b.Get(old_ping).ok());
}

TEST_CASE("a checkpoint of the outbox opens elsewhere with its messages and secrets",
          "[webhooks][backup]") {
  testing::TempDir dir;
  auto box = Outbox::Open(dir.Sub("outbox"));
  REQUIRE(box.ok());
  REQUIRE((*box)->Enqueue({Reminder("wh_a", "k", 1000)}, {7, 1000}, false).ok());
  REQUIRE((*box)->PutSecrets("wh_a", Secrets{"whsec_a", "", 0}).ok());
  REQUIRE((*box)->Checkpoint(dir.Sub("copy")).ok());
  auto copy = Outbox::Open(dir.Sub("copy"));
  REQUIRE(copy.ok());
  CHECK((*copy)->GetSecrets("wh_a")->current == "whsec_a");
  CHECK((*copy)->Pending()->size() == 1);
  CHECK((*copy)->cursors().log == 7u);
}

TEST_CASE("power cuts leave the outbox a prefix of its writes, with every synced one",
          "[webhooks][power-loss]") {
  testing::TempDir real;  // the outbox restricts its directory's permissions on the real disk
  testing::PowerLossDisk disk;
  const std::string dir = real.Sub("outbox");
  OutboxOptions o;
  o.env = disk.env.get();
  o.min_free_bytes = 0;
  std::mt19937_64 rng(7);
  uint64_t next = 1;                           // the next message's number, and its cursor
  uint64_t synced_through = 0;                 // every enqueue up to here was made durable
  std::map<std::string, std::string> secrets;  // stored (synced) before a cut
  for (int cut = 0; cut < 200; ++cut) {
    auto box = Outbox::Open(dir, o);
    REQUIRE(box.ok());
    Outbox& b = **box;
    const uint64_t cursor = b.cursors().log.value_or(0);
    INFO("cut " << cut << ", cursor " << cursor);
    REQUIRE(cursor >= synced_through);  // nothing synced was lost
    // A prefix: every message enqueued with a cursor up to the one stored is there.
    for (uint64_t i = cursor > 50 ? cursor - 50 : 1; i <= cursor; ++i) {
      REQUIRE(b.Get(MessageIdFor("wh_a", "k" + std::to_string(i))).ok());
    }
    for (const auto& [endpoint, secret] : secrets)
      REQUIRE(b.GetSecrets(endpoint)->current == secret);
    next = cursor + 1;

    std::atomic<bool> stop{false};
    std::mutex mu;
    uint64_t synced_now = synced_through;
    std::map<std::string, std::string> secrets_now = secrets;
    std::thread writer([&] {
      for (; !stop; ++next) {
        const bool sync = next % 5 == 0;
        Message m = Reminder("wh_a", "k" + std::to_string(next), static_cast<int64_t>(next));
        if (!b.Enqueue({m}, {next, static_cast<int64_t>(next)}, sync).ok()) break;
        if (next % 3 == 0) {  // an attempt's outcome, not synced
          m.state = MessageState::kDelivered;
          m.attempts = 1;
          m.done_ms = static_cast<int64_t>(next);
          if (!b.Save(m, nullptr, m.next_ms, false).ok()) break;
        }
        std::lock_guard lock(mu);
        if (sync) synced_now = next;
        if (next % 7 == 0) {
          const std::string endpoint = "wh_" + std::to_string(next % 4);
          const std::string secret = "whsec_" + std::to_string(next);
          if (!b.PutSecrets(endpoint, Secrets{secret, "", 0}).ok()) break;
          secrets_now[endpoint] = secret;
        }
      }
    });
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
    {
      std::lock_guard lock(mu);
      synced_through = synced_now;
      secrets = secrets_now;
    }
    const auto image = disk.fs->Capture({dir});
    stop = true;
    writer.join();
    box->reset();
    disk.fs->Restore({dir}, image);
  }
}
