#include "webhooks/outbox.h"

#include <catch2/catch.hpp>

#include <filesystem>

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
  auto again = (*box)->Enqueue({Reminder("wh_a", "p:1|1|2026-03-09|7", 3000),
                                Reminder("wh_a", "p:1|1|2026-03-09|1", 3000)},
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
