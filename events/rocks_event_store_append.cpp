// Appending to the RocksDB store: the checks on the caller's thread (append_check.h), then the
// queue. The committer that writes what is queued: rocks_event_store_commit.cpp.
#include <mutex>

#include "events/append_check.h"
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
  auto w = std::make_unique<Writer>();
  w->expected = expected;
  w->events = std::move(events);
  Result<CheckedAppend> checked = CheckAppend(impl_->options, stream, w->events, impl_->NowMs());
  if (!checked.ok()) {
    done(AppendResult{checked.status()});
    return;
  }
  w->bytes = checked->bytes;
  w->fresh_ids = checked->fresh_ids;
  w->stream.assign(stream);
  w->done = std::move(done);
  Enqueue(*impl_, std::move(w));
}

void RocksEventStore::AppendManyAsync(std::vector<StreamAppend> parts,
                                      std::function<void(AppendResult)> done) {
  Result<std::vector<size_t>> bytes = CheckAppendMany(impl_->options, parts, impl_->NowMs());
  if (!bytes.ok()) return done(AppendResult{bytes.status()});
  // The first part is the queued writer; the others ride along in `more`, written with it or
  // not at all. Its bytes are the whole append's, for the group commit's bound.
  auto w = std::make_unique<Writer>();
  for (size_t i = 0; i < parts.size(); ++i) {
    Writer& part = i == 0 ? *w : w->more.emplace_back();
    part.stream = std::move(parts[i].stream);
    part.expected = parts[i].expected;
    part.events = std::move(parts[i].events);
    part.bytes = (*bytes)[i];
    part.fresh_ids = true;
    if (i > 0) w->bytes += part.bytes;
  }
  w->done = std::move(done);
  Enqueue(*impl_, std::move(w));
}

}  // namespace taskledger
