// Appending: validation on the caller's thread, then the queue (Append, AppendAsync, and the
// multi-stream AppendMany). The committer that writes what is queued: event_store_commit.cpp.
#include <simdjson.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <unordered_set>

#include "events/event_store.h"
#include "events/store_impl.h"

namespace taskledger {
namespace {

constexpr size_t kMaxStreamBytes = 512;
constexpr size_t kMaxTypeBytes = 200;
constexpr size_t kMaxMetaBytes = 512;  // actor, correlation and causation ids

bool HasControlChars(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

Status CheckText(std::string_view what, std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) {
    return Status::InvalidArgument(std::string(what) + " must be " + std::to_string(min) + " to " +
                                   std::to_string(max) + " bytes");
  }
  if (!simdjson::validate_utf8(s.data(), s.size())) {
    return Status::InvalidArgument(std::string(what) + " is not valid UTF-8");
  }
  if (HasControlChars(s)) {
    return Status::InvalidArgument(std::string(what) + " contains control characters");
  }
  return Status::Ok();
}

// Everything that can be checked without the store's state, done on the caller's thread so the
// committer does not pay for it.
// Sets `*fresh_ids` when the store assigned every id, so none can be stored already.
Status ValidateAppend(const StoreOptions& opts, std::string_view stream,
                      std::vector<NewEvent>& events, int64_t now_ms, size_t* bytes,
                      bool* fresh_ids) {
  if (Status s = CheckText("stream id", stream, 1, kMaxStreamBytes); !s.ok()) return s;
  if (events.empty()) return Status::InvalidArgument("an append needs at least one event");
  if (events.size() > opts.max_events_per_append) {
    return Status::InvalidArgument("an append may carry at most " +
                                   std::to_string(opts.max_events_per_append) + " events");
  }
  thread_local simdjson::dom::parser parser;
  std::unordered_set<Uuid, UuidHash> seen;
  *bytes = 0;
  *fresh_ids = true;
  for (size_t i = 0; i < events.size(); ++i) {
    NewEvent& e = events[i];
    const std::string at = "event " + std::to_string(i) + ": ";
    if (Status s = CheckText(at + "type", e.type, 1, kMaxTypeBytes); !s.ok()) return s;
    if (Status s = CheckText(at + "actor", e.actor, 0, kMaxMetaBytes); !s.ok()) return s;
    if (Status s = CheckText(at + "correlation id", e.correlation_id, 0, kMaxMetaBytes); !s.ok()) {
      return s;
    }
    if (Status s = CheckText(at + "causation id", e.causation_id, 0, kMaxMetaBytes); !s.ok()) {
      return s;
    }
    if (e.data.size() > opts.max_event_bytes) {
      return Status::InvalidArgument(at + "data exceeds " + std::to_string(opts.max_event_bytes) +
                                     " bytes");
    }
    if (parser.parse(e.data.data(), e.data.size(), /*realloc_if_needed=*/true).error()) {
      return Status::InvalidArgument(at + "data is not valid JSON");
    }
    if (e.id.IsNil()) {
      e.id = Uuid::NewV7(now_ms);
    } else {
      *fresh_ids = false;
    }
    if (!seen.insert(e.id).second) {
      return Status::InvalidArgument(at + "id " + e.id.ToString() + " appears twice in the append");
    }
    *bytes += e.data.size() + e.type.size() + stream.size() + 128;
  }
  return Status::Ok();
}

// Queues `w` (validated) and returns, or answers it at once when the store is closing.
void Enqueue(EventStore::Impl& impl, std::unique_ptr<Writer> w) {
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

// Blocks on an asynchronous append.
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

constexpr size_t kMaxManyEvents = 100'000;
constexpr size_t kMaxManyBytes = 64u << 20;

}  // namespace

void EventStore::AppendAsync(std::string_view stream, ExpectedVersion expected,
                             std::vector<NewEvent> events, std::function<void(AppendResult)> done) {
  auto w = std::make_unique<Writer>();
  w->expected = expected;
  w->events = std::move(events);
  if (Status s = ValidateAppend(impl_->options, stream, w->events, impl_->NowMs(), &w->bytes,
                                &w->fresh_ids);
      !s.ok()) {
    done(AppendResult{s});
    return;
  }
  w->stream.assign(stream);
  w->done = std::move(done);
  Enqueue(*impl_, std::move(w));
}

AppendResult EventStore::Append(std::string_view stream, ExpectedVersion expected,
                                std::vector<NewEvent> events) {
  return Wait([&](std::function<void(AppendResult)> done) {
    AppendAsync(stream, expected, std::move(events), std::move(done));
  });
}

void EventStore::AppendManyAsync(std::vector<StreamAppend> parts,
                                 std::function<void(AppendResult)> done) {
  if (parts.empty()) return done(AppendResult{Status::InvalidArgument("nothing to append")});
  auto w = std::make_unique<Writer>();
  size_t events = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    Writer& part = i == 0 ? *w : w->more.emplace_back();
    part.stream = std::move(parts[i].stream);
    part.expected = parts[i].expected;
    part.events = std::move(parts[i].events);
    const bool caller_ids = std::any_of(part.events.begin(), part.events.end(),
                                        [](const NewEvent& e) { return !e.id.IsNil(); });
    Status s = caller_ids ? Status::InvalidArgument("a multi-stream append takes no event ids")
                          : ValidateAppend(impl_->options, part.stream, part.events, impl_->NowMs(),
                                           &part.bytes, &part.fresh_ids);
    if (!s.ok()) {
      return done(AppendResult{Status::InvalidArgument("part " + std::to_string(i) + " (" +
                                                       part.stream + "): " + s.message())});
    }
    events += part.events.size();
    if (i > 0) w->bytes += part.bytes;
  }
  if (events > kMaxManyEvents || w->bytes > kMaxManyBytes) {
    return done(AppendResult{Status::InvalidArgument(
        "a multi-stream append may carry at most " + std::to_string(kMaxManyEvents) +
        " events and " + std::to_string(kMaxManyBytes >> 20) + " MiB")});
  }
  w->fresh_ids = true;
  w->done = std::move(done);
  Enqueue(*impl_, std::move(w));
}

AppendResult EventStore::AppendMany(std::vector<StreamAppend> parts) {
  return Wait([&](std::function<void(AppendResult)> done) {
    AppendManyAsync(std::move(parts), std::move(done));
  });
}

}  // namespace taskledger
