// Appending to the RocksDB store: the checks on the caller's thread (append_check.h), then the
// queue. The committer that writes what is queued: rocks_event_store_commit.cpp.
#include <mutex>

#include "events/store_impl.h"

namespace taskledger {
namespace {

// Queues `w` (checked) and returns, or answers it at once when the store is closing.
void Enqueue(RocksEventStore::Impl& impl, std::unique_ptr<Writer> w) {
  {
    std::lock_guard lock(impl.queue_mu);
    if (impl.stopping) {
      w->result = AppendResult{Status::ReadOnly("the event store is closing")};
    } else {
      impl.writers.push_back(std::move(w));
    }
  }
  if (w) {
    w->done(std::move(w->result));
    return;
  }
  impl.queue_cv.notify_one();
}

}  // namespace

void RocksEventStore::AppendAsync(std::string_view stream, ExpectedVersion expected,
                                  std::vector<NewEvent> events,
                                  std::function<void(AppendResult)> done) {
  auto w = MakeWriter(impl_->options, stream, expected, std::move(events), impl_->NowMs());
  if (!w.ok()) return done(AppendResult{w.status()});
  (*w)->done = std::move(done);
  Enqueue(*impl_, std::move(*w));
}

void RocksEventStore::AppendManyAsync(std::vector<StreamAppend> parts,
                                      std::function<void(AppendResult)> done) {
  auto w = MakeManyWriter(impl_->options, std::move(parts), impl_->NowMs());
  if (!w.ok()) return done(AppendResult{w.status()});
  (*w)->done = std::move(done);
  Enqueue(*impl_, std::move(*w));
}

void RocksEventStore::AppendRecordsAsync(std::vector<RecordedEvent> records,
                                         std::function<void(AppendResult)> done) {
  auto w = MakeRecordsWriter(impl_->options, std::move(records));
  if (!w.ok()) return done(AppendResult{w.status()});
  (*w)->done = std::move(done);
  Enqueue(*impl_, std::move(*w));
}

}  // namespace taskledger
