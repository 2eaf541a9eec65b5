// The EventStore contract, asynchronously: AppendAsync answers each append once, after it is
// durable, in commit order, and closing answers what is queued. Run for every implementation in
// StoreImplementations (store_contract.h).
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>

#include "tests/events/store_contract.h"

using namespace taskledger;
using namespace taskledger::testing;

namespace {

// Collects async results and lets the test wait for a count of them.
class Results {
 public:
  std::function<void(AppendResult)> Sink() {
    return [this](AppendResult r) {
      std::lock_guard lock(mu_);
      results_.push_back(std::move(r));
      cv_.notify_all();
    };
  }
  std::vector<AppendResult> WaitFor(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return results_.size() >= n; });
    return results_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<AppendResult> results_;
};

}  // namespace

TEMPLATE_LIST_TEST_CASE("async appends are answered once each, after they are committed",
                        "[events][contract]", StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  Results results;
  for (int i = 0; i < 200; ++i) {
    f.store().AppendAsync("task-" + std::to_string(i % 7), ExpectedVersion::Any(),
                          {Ev("thing.happened")}, results.Sink());
  }
  const auto all = results.WaitFor(200);
  std::set<uint64_t> positions;
  for (const auto& r : all) {
    REQUIRE(r.ok());
    positions.insert(r.first_position);
    // Acknowledged means readable: the head had passed it when the callback ran.
    CHECK(f.store().head().position >= r.last_position);
  }
  CHECK(positions.size() == 200);
  CHECK(*positions.begin() == 1);
  CHECK(*positions.rbegin() == 200);
  CHECK(f.store().write_stats().events == 200);
}

TEMPLATE_LIST_TEST_CASE("an invalid async append is refused on the caller's thread",
                        "[events][contract]", StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  bool called = false;
  f.store().AppendAsync("task-1", ExpectedVersion::Any(), {Ev("thing.happened", "{not json")},
                        [&](AppendResult r) {
                          called = true;
                          CHECK(r.status.code() == Status::Code::kInvalidArgument);
                        });
  CHECK(called);  // no waiting needed: the refusal came before queueing
  CHECK(f.store().head().position == 0);
}

TEMPLATE_LIST_TEST_CASE(
    "a completion may queue the next append, and closing answers what is queued",
    "[events][contract]", StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  Results results;
  std::atomic<int> left{50};
  std::function<void(AppendResult)> chain = [&](AppendResult r) {
    REQUIRE(r.ok());
    if (--left > 0) {
      f.store().AppendAsync("chain", ExpectedVersion::Exact(r.stream_version.value()), {Ev("link")},
                            chain);
    }
    results.Sink()(std::move(r));
  };
  f.store().AppendAsync("chain", ExpectedVersion::NoStream(), {Ev("link")}, chain);
  results.WaitFor(50);
  CHECK(f.Stream("chain").size() == 50);

  // Queue more and destroy the store at once: every one is answered, none is left hanging.
  Results late;
  for (int i = 0; i < 30; ++i) {
    f.store().AppendAsync("late", ExpectedVersion::Any(), {Ev("thing.happened")}, late.Sink());
  }
  f.Close();
  const auto answered = late.WaitFor(30);
  const size_t ok = std::count_if(answered.begin(), answered.end(), [](auto& r) { return r.ok(); });
  f.Reopen();
  CHECK(ok == 30);  // queued before the destructor: committed, not dropped
  CHECK(f.Stream("late").size() == 30);
}

TEMPLATE_LIST_TEST_CASE("a stream's version survives reopen", "[events][contract]",
                        StoreImplementations) {
  StoreFixture f(OpenerOf<TestType>());
  f.MustAppend("task-a");
  f.MustAppend("task-ab");
  f.MustAppend("task-a");
  f.Reopen();
  CHECK(f.store().StreamVersion("task-a").value() == 1u);
  CHECK(f.store().StreamVersion("task-ab").value() == 0u);
  CHECK_FALSE(f.store().StreamVersion("task-").value().has_value());
  CHECK_FALSE(f.store().StreamVersion("task-abc").value().has_value());
  AppendResult r = f.Append("task-a", ExpectedVersion::Exact(0), {Ev("stale")});
  CHECK(r.status.code() == Status::Code::kWrongExpectedVersion);
  CHECK(r.stream_version == 1u);
}
