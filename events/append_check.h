// What every event store checks of an append before it reaches storage, on the caller's thread
// so that a store's writer does not pay for it. The same checks for every implementation, so an
// append one store refuses no other takes. Private to events/ (for the implementations).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "events/event_store.h"

namespace taskledger {

// At most this much in one multi-stream append.
inline constexpr size_t kMaxManyEvents = 100'000;
inline constexpr size_t kMaxManyBytes = 64u << 20;

struct CheckedAppend {
  size_t bytes = 0;        // about what the append writes, for sizing a group commit
  bool fresh_ids = false;  // the store assigned every id, so none can be stored already
};

// Checks one stream's append: the stream id 1-512 bytes, types 1-200 bytes, actor and
// correlation and causation ids at most 512 bytes, each UTF-8 without control characters; at
// least one and at most max_events_per_append events; data JSON of at most max_event_bytes; no
// id twice. Events without an id get a UUIDv7 of `now_ms`. kInvalidArgument says which event
// and why.
Result<CheckedAppend> CheckAppend(const StoreOptions& options, std::string_view stream,
                                  std::vector<NewEvent>& events, int64_t now_ms);

// Checks a multi-stream append: at least one part, each as CheckAppend and without ids of the
// caller's ("part 2 (task-7): why"), at most kMaxManyEvents and kMaxManyBytes in all. Returns each
// part's bytes; every id is fresh.
Result<std::vector<size_t>> CheckAppendMany(const StoreOptions& options,
                                            std::vector<EventStore::StreamAppend>& parts,
                                            int64_t now_ms);

// Checks records copied from another store (AppendRecords): at least one, each with a stream,
// type and id and at most max_event_bytes of data, at most kMaxManyEvents and kMaxManyBytes in
// all. Whether they follow the log is the committer's check. Returns their bytes.
Result<size_t> CheckRecords(const StoreOptions& options, const std::vector<RecordedEvent>& records);

}  // namespace taskledger
