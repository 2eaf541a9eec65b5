// The EventStore contract (events/event_store.h): appends with the four expected-version modes,
// idempotency and multi-stream appends, reads of a stream, of the log and as of a time,
// subscriptions, verify and checkpoints. Written once, against the interface; each case runs
// for every implementation in StoreImplementations (store_contract.h).
#include "tests/events/store_contract.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <thread>

#include "events/event_store.h"

using namespace taskledger;
using namespace taskledger::testing;
using Code = Status::Code;

TEMPLATE_LIST_TEST_CASE("the first appends get positions from 1 and stream versions from 0",
                        "[events][contract]", StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  CHECK(f.store().head().position == 0);
  AppendResult a = f.Append("task-1", ExpectedVersion::NoStream(),
                            {Ev("task.created", R"({"title":"Năm 2026"})"), Ev("task.assigned")});
  REQUIRE(a.ok());
  CHECK(a.first_position == 1);
  CHECK(a.last_position == 2);
  CHECK(a.stream_version == 1u);
  AppendResult b = f.Append("task-2", ExpectedVersion::Any(), {Ev("task.created")});
  REQUIRE(b.ok());
  CHECK(b.first_position == 3);
  CHECK(b.stream_version == 0u);

  const auto events = f.Stream("task-1");
  REQUIRE(events.size() == 2);
  CHECK(events[0].position == 1);
  CHECK(events[0].version == 0);
  CHECK(events[0].data == R"({"title":"Năm 2026"})");
  CHECK(events[0].actor == "tester");
  CHECK(events[1].type == "task.assigned");
  CHECK(events[1].version == 1);
  CHECK(f.store().head().position == 3);
  CHECK(f.store().head().hash == f.store().Get(3)->hash);
}

TEMPLATE_LIST_TEST_CASE("an append with a stale version is rejected with the current version",
                        "[events][contract]", StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  REQUIRE(f.Append("s", ExpectedVersion::NoStream(), {Ev("a"), Ev("b")}).ok());
  const Head before = f.store().head();

  AppendResult stale = f.Append("s", ExpectedVersion::Exact(0), {Ev("c")});
  CHECK(stale.status.code() == Code::kWrongExpectedVersion);
  CHECK(stale.stream_version == 1u);

  AppendResult exists_again = f.Append("s", ExpectedVersion::NoStream(), {Ev("c")});
  CHECK(exists_again.status.code() == Code::kWrongExpectedVersion);
  CHECK(exists_again.stream_version == 1u);

  AppendResult missing = f.Append("other", ExpectedVersion::Exists(), {Ev("c")});
  CHECK(missing.status.code() == Code::kWrongExpectedVersion);
  CHECK_FALSE(missing.stream_version.has_value());

  AppendResult missing_exact = f.Append("other", ExpectedVersion::Exact(0), {Ev("c")});
  CHECK(missing_exact.status.code() == Code::kWrongExpectedVersion);

  CHECK(f.store().head().position == before.position);
  CHECK(f.store().head().hash == before.hash);
  CHECK(f.Stream("s").size() == 2);
  CHECK(f.Stream("other").empty());

  CHECK(f.Append("s", ExpectedVersion::Exact(1), {Ev("c")}).ok());
  CHECK(f.Append("s", ExpectedVersion::Exists(), {Ev("d")}).ok());
  CHECK(f.Append("s", ExpectedVersion::Any(), {Ev("e")}).stream_version == 4u);
}

TEMPLATE_LIST_TEST_CASE("appending already-stored event ids returns the original positions",
                        "[events][contract]", StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  const Uuid id1 = Uuid::NewV7(1), id2 = Uuid::NewV7(2);
  f.MustAppend("noise");
  AppendResult first = f.Append("s", ExpectedVersion::NoStream(),
                                {Ev("a", R"({"n":1})", id1), Ev("b", R"({"n":2})", id2)});
  REQUIRE(first.ok());
  f.MustAppend("noise");
  const Head before = f.store().head();

  auto retry_is_idempotent = [&] {
    // Even with an expected version that no longer holds: the append already happened.
    AppendResult again = f.Append("s", ExpectedVersion::NoStream(),
                                  {Ev("a", R"({"n":1})", id1), Ev("b", R"({"n":2})", id2)});
    REQUIRE(again.ok());
    CHECK(again.duplicate);
    CHECK(again.first_position == first.first_position);
    CHECK(again.last_position == first.last_position);
    CHECK(f.store().head().position == before.position);
  };
  retry_is_idempotent();
  f.Reopen();
  retry_is_idempotent();

  SECTION("the same id with different content is a conflict") {
    AppendResult changed = f.Append("s", ExpectedVersion::Any(), {Ev("a", R"({"n":99})", id1)});
    CHECK(changed.status.code() == Code::kIdempotencyConflict);
    AppendResult moved =
        f.Append("elsewhere", ExpectedVersion::Any(), {Ev("a", R"({"n":1})", id1)});
    CHECK(moved.status.code() == Code::kIdempotencyConflict);
  }
  SECTION("a batch mixing stored and new ids is a conflict") {
    AppendResult partial = f.Append("s", ExpectedVersion::Any(),
                                    {Ev("a", R"({"n":1})", id1), Ev("c", "{}", Uuid::NewV7(3))});
    CHECK(partial.status.code() == Code::kIdempotencyConflict);
  }
  SECTION("one id twice in an append is invalid") {
    const Uuid id3 = Uuid::NewV7(3);
    AppendResult twice =
        f.Append("s", ExpectedVersion::Any(), {Ev("x", "{}", id3), Ev("y", "{}", id3)});
    CHECK(twice.status.code() == Code::kInvalidArgument);
  }
  CHECK(f.store().head().position == before.position);
}

TEMPLATE_LIST_TEST_CASE("malformed appends are refused and write nothing", "[events][contract]",
                        StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  auto code = [&](const std::string& stream, std::vector<NewEvent> evs) {
    return f.Append(stream, ExpectedVersion::Any(), std::move(evs)).status.code();
  };
  CHECK(code("", {Ev("a")}) == Code::kInvalidArgument);
  CHECK(code("bad\nstream", {Ev("a")}) == Code::kInvalidArgument);
  CHECK(code(std::string(513, 's'), {Ev("a")}) == Code::kInvalidArgument);
  CHECK(code("s", {}) == Code::kInvalidArgument);
  CHECK(code("s", {Ev("")}) == Code::kInvalidArgument);
  CHECK(code("s", {Ev("a", "{not json")}) == Code::kInvalidArgument);
  CHECK(code("s", {Ev("a", "\xff\xfe")}) == Code::kInvalidArgument);
  CHECK(code("s\xc3", {Ev("a")}) == Code::kInvalidArgument);
  CHECK(f.store().head().position == 0);
  CHECK(code("kế-hoạch-68/KH-SGDĐT", {Ev("plan.created", R"({"x":"Đề án"})")}) == Code::kOk);
}

TEMPLATE_LIST_TEST_CASE("16 concurrent appenders leave positions and versions gapless",
                        "[events][contract]", StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  constexpr int kThreads = 16, kPerThread = 150, kStreams = 8;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Shared streams with exact versions: conflicts happen and must be retried, as a caller
        // would.
        const std::string stream = "s" + std::to_string((t + i) % kStreams);
        for (;;) {
          auto v = f.store().StreamVersion(stream);
          if (!v.ok()) {
            ++failures;
            break;
          }
          const ExpectedVersion ev =
              v->has_value() ? ExpectedVersion::Exact(**v) : ExpectedVersion::NoStream();
          AppendResult r =
              f.store().Append(stream, ev, {Ev("e", "{\"t\":" + std::to_string(t) + "}"), Ev("f")});
          if (r.ok()) {
            if (r.last_position != r.first_position + 1) ++failures;
            break;
          }
          if (r.status.code() != Code::kWrongExpectedVersion) {
            ++failures;
            break;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  const uint64_t total = uint64_t{kThreads} * kPerThread * 2;
  CHECK(f.store().head().position == total);

  std::map<std::string, uint64_t> next_version;
  uint64_t expect = 1;
  REQUIRE(f.store()
              .Scan(1, 0,
                    [&](const EventView& e) {
                      CHECK(e.position == expect++);
                      CHECK(e.version == next_version[std::string(e.stream)]++);
                      return true;
                    })
              .ok());
  CHECK(expect == total + 1);
  VerifyReport report = f.store().Verify();
  CHECK(report.ok);
  CHECK(report.checked == total);
}

TEMPLATE_LIST_TEST_CASE("reads cover a stream from a version, the log from a position, and time",
                        "[events][contract]", StoreImplementations) {
  int64_t now = 1'000;
  StoreOptions o;
  o.clock_ms = [&now] { return now; };
  StoreFixture f(OpenerOf<TestType>(o));
  for (int i = 0; i < 10; ++i) {
    now = 1'000 + i * 10;
    f.MustAppend(i % 2 ? "odd" : "even", "n", "{\"i\":" + std::to_string(i) + "}");
  }
  auto tail = f.store().ReadStream("odd", 3, 10);
  REQUIRE(tail.ok());
  REQUIRE(tail->size() == 2);
  CHECK((*tail)[0].data == R"({"i":7})");
  CHECK(f.store().ReadStream("odd", 0, 2)->size() == 2);
  CHECK(f.store().ReadStream("nope", 0, 10)->empty());

  auto page = f.store().ReadAll(4, 3);
  REQUIRE(page.ok());
  REQUIRE(page->size() == 3);
  CHECK((*page)[0].position == 4);
  CHECK(f.store().ReadAll(11, 5)->empty());
  CHECK(f.store().Get(11).status().code() == Code::kNotFound);

  CHECK(*f.store().PositionAt(999) == 0);
  CHECK(*f.store().PositionAt(1'000) == 1);
  CHECK(*f.store().PositionAt(1'055) == 6);
  CHECK(*f.store().PositionAt(5'000) == 10);

  SECTION("recorded_at never goes backwards, even when the clock does") {
    now = 500;
    const uint64_t p = f.MustAppend("even");
    CHECK(f.store().Get(p)->recorded_at_ms == 1'090);
  }
  SECTION("a scan stops when asked") {
    int seen = 0;
    REQUIRE(f.store().Scan(1, 0, [&](const EventView&) { return ++seen < 3; }).ok());
    CHECK(seen == 3);
  }
}

TEMPLATE_LIST_TEST_CASE("waiters and subscribers hear of new events", "[events][contract]",
                        StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  std::atomic<uint64_t> heard{0};
  auto sub = f.store().Subscribe([&](uint64_t head) { heard = head; });
  CHECK(f.store().WaitForAppend(0, std::chrono::milliseconds(1)) == 0);

  std::thread waiter([&] { CHECK(f.store().WaitForAppend(0, std::chrono::seconds(10)) >= 1); });
  f.MustAppend("s");
  waiter.join();
  CHECK(heard == 1);
  f.store().Unsubscribe(sub);
  f.MustAppend("s");
  CHECK(heard == 1);
}

TEMPLATE_LIST_TEST_CASE("a checkpoint opens as a RocksDB store with the same head",
                        "[events][contract]", StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  for (int i = 0; i < 5; ++i) f.MustAppend("s");
  TempDir out;
  REQUIRE(f.store().Checkpoint(out.Sub("cp")).ok());
  auto copy = OpenRocksEventStore(out.Sub("cp"));  // every implementation's copy is a directory
  REQUIRE(copy.ok());
  CHECK((*copy)->head().hash == f.store().head().hash);
  CHECK((*copy)->Verify().ok);
}

TEMPLATE_LIST_TEST_CASE("a multi-stream append writes every part or none",
                        "[events][contract][many]", StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  REQUIRE(f.Append("task-1", ExpectedVersion::NoStream(), {Ev("a")}).ok());
  using Part = EventStore::StreamAppend;

  std::vector<Part> parts;
  parts.push_back({"agency-x", ExpectedVersion::NoStream(), {Ev("agency.registered")}});
  parts.push_back({"task-1", ExpectedVersion::Exact(0), {Ev("b"), Ev("c")}});
  parts.push_back({"task-1", ExpectedVersion::Exact(2), {Ev("d")}});  // sees the part before it
  AppendResult ok = f.store().AppendMany(std::move(parts));
  REQUIRE(ok.ok());
  CHECK(ok.first_position == 2);
  CHECK(ok.last_position == 5);
  CHECK(f.Stream("task-1").size() == 4);
  CHECK(f.Stream("task-1")[3].type == "d");
  CHECK(f.Stream("task-1")[3].version == 3);
  CHECK(f.Stream("agency-x").size() == 1);

  // The last part does not match: nothing of the first two is written.
  std::vector<Part> stale;
  stale.push_back({"agency-y", ExpectedVersion::NoStream(), {Ev("agency.registered")}});
  stale.push_back({"task-2", ExpectedVersion::NoStream(), {Ev("task.created")}});
  stale.push_back({"task-1", ExpectedVersion::Exact(2), {Ev("e")}});
  AppendResult refused = f.store().AppendMany(std::move(stale));
  CHECK(refused.status.code() == Status::Code::kWrongExpectedVersion);
  CHECK_THAT(refused.status.message(), Catch::Contains("task-1"));
  CHECK(f.store().head().position == 5);
  CHECK(f.Stream("agency-y").empty());
  CHECK(f.Stream("task-2").empty());
  // And the streams it would have created can still be created.
  CHECK(f.Append("task-2", ExpectedVersion::NoStream(), {Ev("task.created")}).ok());

  std::vector<Part> with_id;
  with_id.push_back({"s", ExpectedVersion::Any(), {Ev("x", "{}", Uuid::NewV7(1))}});
  CHECK(f.store().AppendMany(std::move(with_id)).status.code() == Status::Code::kInvalidArgument);
  std::vector<Part> bad_json;
  bad_json.push_back({"s", ExpectedVersion::Any(), {Ev("x", "{")}});
  CHECK_THAT(f.store().AppendMany(std::move(bad_json)).status.message(), Catch::Contains("part 0"));
  CHECK(f.store().Verify().ok);

  f.Reopen();  // durable like any append
  CHECK(f.store().head().position == 6);
  CHECK(f.Stream("task-1").size() == 4);
  CHECK(f.store().Verify().ok);
}

TEMPLATE_LIST_TEST_CASE(
    "multi-stream appends racing single appends on the same streams stay consistent",
    "[events][contract][many]", StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  std::atomic<int> many_ok{0}, single_ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (t % 2 == 0) {
          std::vector<EventStore::StreamAppend> parts;
          parts.push_back({"shared", ExpectedVersion::Any(), {Ev("m")}});
          parts.push_back({"own-" + std::to_string(t), ExpectedVersion::Any(), {Ev("m"), Ev("m")}});
          if (f.store().AppendMany(std::move(parts)).ok()) ++many_ok;
        } else if (f.Append("shared", ExpectedVersion::Any(), {Ev("s")}).ok()) {
          ++single_ok;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(many_ok == 100);
  CHECK(single_ok == 100);
  CHECK(f.store().head().position == 100 * 3 + 100);
  const auto shared = f.Stream("shared");
  REQUIRE(shared.size() == 200);
  for (size_t i = 0; i < shared.size(); ++i) CHECK(shared[i].version == i);
  CHECK(f.store().Verify().ok);
}
