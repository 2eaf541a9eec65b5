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

AppendResult EventStore::AppendRecords(std::vector<RecordedEvent> records) {
  return Wait([&](std::function<void(AppendResult)> done) {
    AppendRecordsAsync(std::move(records), std::move(done));
  });
}

Result<Head> CopyLog(const EventStore& from, EventStore& to, uint64_t through,
                     const std::function<void(uint64_t)>& progress) {
  if (through == 0) through = from.head().position;
  const Head start = to.head();
  if (start.position > through) {
    return Status::FailedPrecondition("the target log is longer (" +
                                      std::to_string(start.position) + " events) than the source");
  }
  if (start.position > 0) {
    auto mine = from.Get(start.position);
    if (!mine.ok()) return mine.status();
    if (mine->hash != start.hash) {
      return Status::FailedPrecondition(
          "the target log is not a prefix of the source: they differ "
          "at position " +
          std::to_string(start.position));
    }
  }
  constexpr size_t kBatchRecords = 5000;
  constexpr size_t kBatchBytes = 16u << 20;
  std::vector<RecordedEvent> batch;
  size_t bytes = 0;
  uint64_t copied = 0;
  Status failed;
  const auto flush = [&] {
    if (batch.empty()) return true;
    const size_t n = batch.size();
    AppendResult r = to.AppendRecords(std::move(batch));
    batch.clear();
    bytes = 0;
    if (!r.ok()) {
      failed = r.status;
      return false;
    }
    copied += n;
    if (progress) progress(copied);
    return true;
  };
  Status s = from.Scan(start.position + 1, through, [&](const EventView& e) {
    batch.push_back(e.ToOwned());
    bytes += e.data.size() + e.stream.size() + 128;
    return (batch.size() < kBatchRecords && bytes < kBatchBytes) || flush();
  });
  if (s.ok() && failed.ok()) flush();
  if (!failed.ok()) return failed;
  if (!s.ok()) return s;
  return to.head();
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
