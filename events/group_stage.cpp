#include "events/group_stage.h"

#include <algorithm>

#include "events/append_check.h"
#include "events/record.h"

namespace taskledger {
namespace {

// An event staged earlier in the same group, for idempotency checks within the group.
struct Staged {
  std::string_view stream;
  const NewEvent* event;
  uint64_t position;
  uint64_t version;
};
using StagedIds = std::unordered_map<Uuid, Staged, UuidHash>;

bool SameContent(std::string_view stream, const NewEvent& e, std::string_view other_stream,
                 std::string_view type, std::string_view data) {
  return stream == other_stream && e.type == type && e.data == data;
}

// What an append's event ids say: positions already holding them (a retry), or a conflict.
struct IdCheck {
  Status problem;
  std::vector<uint64_t> positions;
  std::optional<uint64_t> version;
  bool staged = false;  // found in this group, not yet durable
};

IdCheck CheckIds(const Writer& w, const StagedIds& staged, const StoredLookups& stored) {
  IdCheck out;
  for (const NewEvent& e : w.events) {
    if (auto s = staged.find(e.id); s != staged.end()) {
      if (!SameContent(w.stream, e, s->second.stream, s->second.event->type,
                       s->second.event->data)) {
        out.problem = Status::IdempotencyConflict("event id " + e.id.ToString() +
                                                  " is already used with different content");
        return out;
      }
      out.positions.push_back(s->second.position);
      out.version = s->second.version;
      out.staged = true;
      continue;
    }
    auto found = stored.record_of(e.id);
    if (!found.ok()) {
      out.problem = found.status();
      return out;
    }
    if (!*found) continue;
    const RecordedEvent& r = **found;
    if (!SameContent(w.stream, e, r.stream, r.type, r.data)) {
      out.problem = Status::IdempotencyConflict(
          "event id " + e.id.ToString() + " is already stored at position " +
          std::to_string(r.position) + " with different content");
      return out;
    }
    out.positions.push_back(r.position);
    out.version = r.version;
  }
  return out;
}

class Stager {
 public:
  Stager(const Head& tail, int64_t now_ms, Sha256& hasher, const StoredLookups& stored,
         const RecordSink& sink)
      : hasher_(hasher), stored_(stored), sink_(sink) {
    out_.next = tail;
    out_.next.recorded_at_ms = std::max(now_ms, tail.recorded_at_ms);
    last_recorded_ = tail.recorded_at_ms;
  }

  void Add(Writer* w) {
    if (!w->records.empty()) return Copy(w);
    // Idempotency: ids the store just assigned are new (74 random bits and the current time);
    // others may be stored already, or staged by an earlier writer of this group.
    IdCheck seen;
    if (!w->fresh_ids) seen = CheckIds(*w, staged_, stored_);
    if (seen.problem.ok() && !seen.positions.empty() && seen.positions.size() != w->events.size()) {
      seen.problem = Status::IdempotencyConflict(
          "some but not all of the append's event ids are already stored");
    }
    if (!seen.problem.ok()) {
      w->result.status = seen.problem;
      return;
    }
    if (!seen.positions.empty()) {  // a retry of an append that already happened
      w->result.first_position = seen.positions.front();
      w->result.last_position = seen.positions.back();
      w->result.stream_version = seen.version;
      w->result.duplicate = true;
      if (seen.staged) out_.in_batch.push_back(w);  // only as durable as the batch it rides in
      return;
    }
    if (!Matches(w)) return;
    Head& next = out_.next;
    w->result.first_position = next.position + 1;
    EachPart(w, [&](const Writer& part) {
      // Every part's stream is in versions_: Matches looked it up.
      const auto vit = out_.versions.find(part.stream);
      uint64_t version = vit->second ? *vit->second + 1 : 0;
      for (const NewEvent& e : part.events) {
        EventView v;
        v.position = ++next.position;
        v.stream = part.stream;
        v.version = version;
        v.id = e.id;
        v.type = e.type;
        v.recorded_at_ms = next.recorded_at_ms;
        v.actor = e.actor;
        v.correlation_id = e.correlation_id;
        v.causation_id = e.causation_id;
        v.data = e.data;
        std::string value = record::Encode(v, next.hash, hasher_, &next.hash);
        v.hash = next.hash;
        sink_(v, std::move(value));
        if (!w->fresh_ids) staged_.emplace(e.id, Staged{part.stream, &e, v.position, version});
        ++version;
      }
      vit->second = version - 1;
      w->result.stream_version = version - 1;
      return true;
    });
    w->result.last_position = next.position;
    out_.in_batch.push_back(w);
    last_recorded_ = next.recorded_at_ms;
  }

  StagedGroup Done() {
    out_.next.recorded_at_ms = last_recorded_;  // the head's time is its last record's
    return std::move(out_);
  }

 private:
  template <class Fn>
  static bool EachPart(Writer* w, Fn&& fn) {
    if (!fn(*w)) return false;
    for (Writer& more : w->more) {
      if (!fn(more)) return false;
    }
    return true;
  }

  // The stream's version before the writer being staged (its own earlier parts included).
  Result<std::optional<uint64_t>> VersionOf(std::string_view stream) {
    if (auto m = mine_.find(stream); m != mine_.end()) return m->second;
    if (auto v = out_.versions.find(stream); v != out_.versions.end()) return v->second;
    auto current = stored_.stream_version(stream);
    if (!current.ok()) return current.status();
    out_.versions.emplace(stream, *current);
    return *current;
  }

  // Optimistic concurrency against each stream's version, this group's earlier writes included;
  // a multi-stream append checks every part before it stages any.
  bool Matches(Writer* w) {
    mine_.clear();
    return EachPart(w, [&](const Writer& part) {
      auto current = VersionOf(part.stream);
      if (!current.ok()) {
        w->result.status = current.status();
        return false;
      }
      if (!part.expected.Matches(*current)) {
        w->result.status = Status::WrongExpectedVersion(
            "stream '" + std::string(part.stream) + "' is at version " +
            (*current ? std::to_string(**current) : std::string("none (no events)")) +
            ", expected " + part.expected.ToString());
        w->result.stream_version = *current;
        return false;
      }
      if (!w->more.empty()) {
        mine_[part.stream] = *current ? **current + part.events.size() : part.events.size() - 1;
      }
      return true;
    });
  }

  // Records made elsewhere: each must follow the head, chain to its hash and keep its stream
  // gapless; all are staged or none.
  void Copy(Writer* w) {
    Head next = out_.next;
    int64_t last = last_recorded_;
    std::unordered_map<std::string_view, uint64_t> versions;
    std::vector<std::pair<const RecordedEvent*, std::string>> values;
    const auto refuse = [&](const RecordedEvent& r, std::string why) {
      w->result.status =
          Status::Corruption("the record at position " + std::to_string(r.position) + " " + why);
    };
    for (const RecordedEvent& r : w->records) {
      if (r.position != next.position + 1) {
        return refuse(r, "does not follow position " + std::to_string(next.position));
      }
      if (r.recorded_at_ms < last) return refuse(r, "is recorded before the one it follows");
      std::optional<uint64_t> current;
      if (auto it = versions.find(r.stream); it != versions.end()) {
        current = it->second;
      } else {
        auto v = VersionOf(r.stream);
        if (!v.ok()) {
          w->result.status = v.status();
          return;
        }
        current = *v;
      }
      if (r.version != (current ? *current + 1 : 0)) {
        return refuse(r, "has version " + std::to_string(r.version) + " of '" + r.stream +
                             "', which is at " + (current ? std::to_string(*current) : "none"));
      }
      auto held = stored_.record_of(r.id);
      if (!held.ok()) {
        w->result.status = held.status();
        return;
      }
      if (*held)
        return refuse(r, "has an id already stored at " + std::to_string((*held)->position));
      Hash chained;
      std::string value = record::Encode(ViewOf(r), next.hash, hasher_, &chained);
      if (chained != r.hash) return refuse(r, "does not chain to the one before it");
      next.position = r.position;
      next.hash = chained;
      last = r.recorded_at_ms;
      versions[r.stream] = r.version;
      values.emplace_back(&r, std::move(value));
    }
    for (auto& [r, value] : values) sink_(ViewOf(*r), std::move(value));
    for (const auto& [stream, version] : versions) out_.versions[stream] = version;
    w->result.first_position = out_.next.position + 1;
    w->result.last_position = next.position;
    out_.next.position = next.position;
    out_.next.hash = next.hash;
    out_.next.recorded_at_ms = std::max(out_.next.recorded_at_ms, last);  // later appends follow
    last_recorded_ = last;
    out_.in_batch.push_back(w);
  }

  Sha256& hasher_;
  const StoredLookups& stored_;
  const RecordSink& sink_;
  StagedGroup out_;
  int64_t last_recorded_ = 0;  // the time of the last record staged (or the tail's)
  StagedIds staged_;
  // Versions after the current writer's earlier parts (a multi-stream append naming a stream
  // twice).
  std::unordered_map<std::string_view, std::optional<uint64_t>> mine_;
};

}  // namespace

Result<std::unique_ptr<Writer>> MakeWriter(const StoreOptions& options, std::string_view stream,
                                           ExpectedVersion expected, std::vector<NewEvent> events,
                                           int64_t now_ms) {
  auto w = std::make_unique<Writer>();
  w->expected = expected;
  w->events = std::move(events);
  Result<CheckedAppend> checked = CheckAppend(options, stream, w->events, now_ms);
  if (!checked.ok()) return checked.status();
  w->bytes = checked->bytes;
  w->fresh_ids = checked->fresh_ids;
  w->stream.assign(stream);
  return w;
}

Result<std::unique_ptr<Writer>> MakeManyWriter(const StoreOptions& options,
                                               std::vector<EventStore::StreamAppend> parts,
                                               int64_t now_ms) {
  Result<std::vector<size_t>> bytes = CheckAppendMany(options, parts, now_ms);
  if (!bytes.ok()) return bytes.status();
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
  return w;
}

Result<std::unique_ptr<Writer>> MakeRecordsWriter(const StoreOptions& options,
                                                  std::vector<RecordedEvent> records) {
  Result<size_t> bytes = CheckRecords(options, records);
  if (!bytes.ok()) return bytes.status();
  auto w = std::make_unique<Writer>();
  w->records = std::move(records);
  w->bytes = *bytes;
  return w;
}

StagedGroup StageGroup(const std::vector<std::unique_ptr<Writer>>& group, const Head& tail,
                       int64_t now_ms, Sha256& hasher, const StoredLookups& stored,
                       const RecordSink& sink) {
  Stager stager(tail, now_ms, hasher, stored, sink);
  for (const auto& w : group) stager.Add(w.get());
  return stager.Done();
}

}  // namespace taskledger
