// What EventStore does the same way for every implementation: blocking on an asynchronous
// append, and ReadAll as a copying Scan.
#include "events/event_store.h"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace taskledger {
namespace {

// Starts an asynchronous append and blocks until its callback has run.
AppendResult Wait(const std::function<void(std::function<void(AppendResult)>)>& start) {
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    AppendResult result;
  };
  auto waiter = std::make_shared<Waiter>();
  start([waiter](AppendResult r) {
    {
      std::lock_guard lock(waiter->mu);
      waiter->result = std::move(r);
      waiter->done = true;
    }
    waiter->cv.notify_one();
  });
  std::unique_lock lock(waiter->mu);
  waiter->cv.wait(lock, [&] { return waiter->done; });
  return std::move(waiter->result);
}

}  // namespace

AppendResult EventStore::Append(std::string_view stream, ExpectedVersion expected,
                                std::vector<NewEvent> events) {
  return Wait([&](std::function<void(AppendResult)> done) {
    AppendAsync(stream, expected, std::move(events), std::move(done));
  });
}

AppendResult EventStore::AppendMany(std::vector<StreamAppend> parts) {
  return Wait([&](std::function<void(AppendResult)> done) {
    AppendManyAsync(std::move(parts), std::move(done));
  });
}

Result<std::vector<RecordedEvent>> EventStore::ReadAll(uint64_t from_position,
                                                       size_t max_count) const {
  std::vector<RecordedEvent> out;
  const uint64_t to = head().position;
  if (max_count == 0 || from_position > to) return out;
  const uint64_t last = std::min(to, from_position + max_count - 1);
  Status s = Scan(from_position, last, [&](const EventView& e) {
    out.push_back(e.ToOwned());
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace taskledger
