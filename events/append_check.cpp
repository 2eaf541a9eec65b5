#include "events/append_check.h"

#include <simdjson.h>

#include <algorithm>
#include <unordered_set>

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

}  // namespace

Result<CheckedAppend> CheckAppend(const StoreOptions& opts, std::string_view stream,
                                  std::vector<NewEvent>& events, int64_t now_ms) {
  if (Status s = CheckText("stream id", stream, 1, kMaxStreamBytes); !s.ok()) return s;
  if (events.empty()) return Status::InvalidArgument("an append needs at least one event");
  if (events.size() > opts.max_events_per_append) {
    return Status::InvalidArgument("an append may carry at most " +
                                   std::to_string(opts.max_events_per_append) + " events");
  }
  thread_local simdjson::dom::parser parser;
  std::unordered_set<Uuid, UuidHash> seen;
  CheckedAppend out;
  out.fresh_ids = true;
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
      out.fresh_ids = false;
    }
    if (!seen.insert(e.id).second) {
      return Status::InvalidArgument(at + "id " + e.id.ToString() + " appears twice in the append");
    }
    out.bytes += e.data.size() + e.type.size() + stream.size() + 128;
  }
  return out;
}

Result<std::vector<size_t>> CheckAppendMany(const StoreOptions& opts,
                                            std::vector<EventStore::StreamAppend>& parts,
                                            int64_t now_ms) {
  if (parts.empty()) return Status::InvalidArgument("nothing to append");
  std::vector<size_t> bytes;
  bytes.reserve(parts.size());
  size_t events = 0, total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    EventStore::StreamAppend& part = parts[i];
    const bool caller_ids = std::any_of(part.events.begin(), part.events.end(),
                                        [](const NewEvent& e) { return !e.id.IsNil(); });
    Result<CheckedAppend> checked =
        caller_ids ? Result<CheckedAppend>(
                         Status::InvalidArgument("a multi-stream append takes no event ids"))
                   : CheckAppend(opts, part.stream, part.events, now_ms);
    if (!checked.ok()) {
      return Status::InvalidArgument("part " + std::to_string(i) + " (" + part.stream +
                                     "): " + checked.status().message());
    }
    events += part.events.size();
    total += checked->bytes;
    bytes.push_back(checked->bytes);
  }
  if (events > kMaxManyEvents || total > kMaxManyBytes) {
    return Status::InvalidArgument("a multi-stream append may carry at most " +
                                   std::to_string(kMaxManyEvents) + " events and " +
                                   std::to_string(kMaxManyBytes >> 20) + " MiB");
  }
  return bytes;
}

Result<size_t> CheckRecords(const StoreOptions& opts, const std::vector<RecordedEvent>& records) {
  if (records.empty()) return Status::InvalidArgument("no records to copy");
  size_t total = 0;
  for (const RecordedEvent& r : records) {
    if (r.stream.empty() || r.type.empty() || r.id.IsNil()) {
      return Status::InvalidArgument("the record at position " + std::to_string(r.position) +
                                     " has no stream, type or id");
    }
    if (r.data.size() > opts.max_event_bytes) {
      return Status::InvalidArgument("the record at position " + std::to_string(r.position) +
                                     " exceeds " + std::to_string(opts.max_event_bytes) + " bytes");
    }
    total += r.data.size() + r.type.size() + r.stream.size() + 128;
  }
  if (records.size() > kMaxManyEvents || total > kMaxManyBytes) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxManyEvents) + " records and " +
                                   std::to_string(kMaxManyBytes >> 20) + " MiB are copied at once");
  }
  return total;
}

}  // namespace taskledger
