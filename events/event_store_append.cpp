// Append with group commit, after leveldb's DBImpl::Write: writers queue; the one at the front
// (the leader) validates and writes the whole queue's events in one synced WriteBatch, then wakes
// the others with their results. One fdatasync thus acknowledges many appends.
#include <simdjson.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "events/event_store.h"
#include "events/record.h"
#include "events/rocksdb_options.h"
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
// leader does not pay for it.
Status ValidateAppend(const StoreOptions& opts, std::string_view stream,
                      std::vector<NewEvent>& events, int64_t now_ms, size_t* bytes) {
  if (Status s = CheckText("stream id", stream, 1, kMaxStreamBytes); !s.ok()) return s;
  if (events.empty()) return Status::InvalidArgument("an append needs at least one event");
  if (events.size() > opts.max_events_per_append) {
    return Status::InvalidArgument("an append may carry at most " +
                                   std::to_string(opts.max_events_per_append) + " events");
  }
  thread_local simdjson::dom::parser parser;
  std::unordered_set<Uuid, UuidHash> seen;
  *bytes = 0;
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
    if (e.id.IsNil()) e.id = Uuid::NewV7(now_ms);
    if (!seen.insert(e.id).second) {
      return Status::InvalidArgument(at + "id " + e.id.ToString() + " appears twice in the append");
    }
    *bytes += e.data.size() + e.type.size() + stream.size() + 128;
  }
  return Status::Ok();
}

// An event staged earlier in the same group, for idempotency checks within the group.
struct Staged {
  std::string_view stream;
  const NewEvent* event;
  uint64_t position;
  uint64_t version;
};

bool SameContent(std::string_view stream, const NewEvent& e, std::string_view other_stream,
                 std::string_view type, std::string_view data) {
  return stream == other_stream && e.type == type && e.data == data;
}

}  // namespace

void EventStore::Impl::CommitGroup(const std::vector<Writer*>& group) {
  rocksdb::WriteBatch batch;
  Head next = tail;
  next.recorded_at_ms = std::max(NowMs(), tail.recorded_at_ms);
  std::unordered_map<std::string_view, std::optional<uint64_t>> versions;
  std::unordered_map<Uuid, Staged, UuidHash> staged;
  std::vector<Writer*> in_batch;

  for (Writer* w : group) {
    std::vector<NewEvent>& events = *w->events;
    // Idempotency: which of these ids are stored already, or staged by an earlier writer?
    std::vector<uint64_t> found_positions;
    std::optional<uint64_t> found_version;
    bool staged_hit = false;
    Status problem;
    for (const NewEvent& e : events) {
      if (auto s = staged.find(e.id); s != staged.end()) {
        if (!SameContent(w->stream, e, s->second.stream, s->second.event->type,
                         s->second.event->data)) {
          problem = Status::IdempotencyConflict("event id " + e.id.ToString() +
                                                " is already used with different content");
          break;
        }
        found_positions.push_back(s->second.position);
        found_version = s->second.version;
        staged_hit = true;
        continue;
      }
      std::string pos;
      rocksdb::Status st = db->Get(rocksdb::ReadOptions(), ids, e.id.AsBytes(), &pos);
      if (st.IsNotFound()) continue;
      if (!st.ok() || pos.size() != 8) {
        problem = st.ok() ? Status::Corruption("unreadable id index entry") : FromRocks(st, "id lookup");
        break;
      }
      std::string value;
      st = db->Get(rocksdb::ReadOptions(), log, pos, &value);
      EventView stored;
      if (!st.ok() || !record::Decode(value, &stored)) {
        problem = st.ok() ? Status::Corruption("unreadable record for a stored id")
                          : FromRocks(st, "reading a stored event");
        break;
      }
      if (!SameContent(w->stream, e, stored.stream, stored.type, stored.data)) {
        problem = Status::IdempotencyConflict("event id " + e.id.ToString() +
                                              " is already stored at position " +
                                              std::to_string(stored.position) +
                                              " with different content");
        break;
      }
      found_positions.push_back(stored.position);
      found_version = stored.version;
    }
    if (problem.ok() && !found_positions.empty() && found_positions.size() != events.size()) {
      problem = Status::IdempotencyConflict(
          "some but not all of the append's event ids are already stored");
    }
    if (!problem.ok()) {
      w->result.status = problem;
      continue;
    }
    if (!found_positions.empty()) {  // a retry of an append that already happened
      w->result.first_position = found_positions.front();
      w->result.last_position = found_positions.back();
      w->result.stream_version = found_version;
      w->result.duplicate = true;
      if (staged_hit) in_batch.push_back(w);  // only as durable as the batch it rides in
      continue;
    }

    // Optimistic concurrency against the stream's version, including this group's earlier writes.
    auto vit = versions.find(w->stream);
    if (vit == versions.end()) {
      std::string v;
      rocksdb::Status st = db->Get(rocksdb::ReadOptions(), stream_heads,
                                   rocksdb::Slice(w->stream.data(), w->stream.size()), &v);
      std::optional<uint64_t> current;
      if (st.ok() && v.size() == 8) {
        current = record::FromBigEndian(v);
      } else if (!st.IsNotFound()) {
        w->result.status = st.ok() ? Status::Corruption("unreadable stream head")
                                   : FromRocks(st, "stream head lookup");
        continue;
      }
      vit = versions.emplace(w->stream, current).first;
    }
    const std::optional<uint64_t> current = vit->second;
    if (!w->expected.Matches(current)) {
      w->result.status = Status::WrongExpectedVersion(
          "stream '" + std::string(w->stream) + "' is at version " +
          (current ? std::to_string(*current) : std::string("none (no events)")) +
          ", expected " + w->expected.ToString());
      w->result.stream_version = current;
      continue;
    }

    uint64_t version = current ? *current + 1 : 0;
    w->result.first_position = next.position + 1;
    for (const NewEvent& e : events) {
      EventView v;
      v.position = ++next.position;
      v.stream = w->stream;
      v.version = version;
      v.id = e.id;
      v.type = e.type;
      v.recorded_at_ms = next.recorded_at_ms;
      v.actor = e.actor;
      v.correlation_id = e.correlation_id;
      v.causation_id = e.causation_id;
      v.data = e.data;
      const std::string key = record::BigEndian(v.position);
      const std::string value = record::Encode(v, next.hash, hasher, &next.hash);
      batch.Put(log, key, value);
      batch.Put(streams, record::StreamKey(w->stream, version), key);
      batch.Put(ids, e.id.AsBytes(), key);
      staged.emplace(e.id, Staged{w->stream, &e, v.position, version});
      ++version;
    }
    vit->second = version - 1;
    batch.Put(stream_heads, rocksdb::Slice(w->stream.data(), w->stream.size()),
              record::BigEndian(version - 1));
    w->result.last_position = next.position;
    w->result.stream_version = version - 1;
    in_batch.push_back(w);
  }

  if (next.position == tail.position) return;  // nothing new to write
  batch.Put(meta, kHeadKey, EncodeHead(next));
  const rocksdb::Status st = db->Write(DurableWrite(), &batch);
  if (!st.ok()) {
    // The WAL may or may not hold the batch; no later write can be trusted to land after it.
    Status err = Status::IOError("append not durable (" + st.ToString() +
                                 "); the store refuses writes until it is reopened");
    {
      std::lock_guard lock(queue_mu);
      write_error = Status::ReadOnly(err.message());
    }
    for (Writer* w : in_batch) w->result = AppendResult{err};
    return;
  }
  tail = next;
  Publish(next);
}

AppendResult EventStore::Append(std::string_view stream, ExpectedVersion expected,
                                std::vector<NewEvent> events) {
  Writer w{stream, expected, &events};
  if (Status s = ValidateAppend(impl_->options, stream, events, impl_->NowMs(), &w.bytes);
      !s.ok()) {
    return AppendResult{s};
  }

  std::unique_lock lock(impl_->queue_mu);
  impl_->writers.push_back(&w);
  while (!w.done && &w != impl_->writers.front()) w.cv.wait(lock);
  if (w.done) return std::move(w.result);

  // This writer leads: it takes as many queued writers as fit in one batch.
  std::vector<Writer*> group;
  size_t bytes = 0;
  for (Writer* x : impl_->writers) {
    if (!group.empty() && bytes + x->bytes > impl_->options.max_group_bytes) break;
    group.push_back(x);
    bytes += x->bytes;
  }
  const Status refused = impl_->write_error;
  lock.unlock();
  if (refused.ok()) {
    impl_->CommitGroup(group);
  } else {
    for (Writer* x : group) x->result = AppendResult{refused};
  }
  lock.lock();
  for (Writer* x : group) {
    impl_->writers.pop_front();
    if (x != &w) {
      x->done = true;
      x->cv.notify_one();
    }
  }
  if (!impl_->writers.empty()) impl_->writers.front()->cv.notify_one();
  return std::move(w.result);
}

}  // namespace taskledger
