// The records of the log. Plain data: the domain and everything above it see events only as these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/util/sha256.h"
#include "events/util/uuid.h"

namespace taskledger {

// What a caller appends. `data` is JSON text and is stored byte for byte as given.
struct NewEvent {
  Uuid id;  // nil: the store assigns a fresh UUIDv7. Set it to make retries idempotent.
  std::string type;
  std::string data;
  std::string actor;
  std::string correlation_id;
  std::string causation_id;
};

// A stored event, owning its bytes.
struct RecordedEvent {
  uint64_t position = 0;  // global, gapless, from 1
  std::string stream;
  uint64_t version = 0;  // within the stream, gapless, from 0
  Uuid id;
  std::string type;
  int64_t recorded_at_ms = 0;  // UTC; never decreases along the log
  std::string actor;
  std::string correlation_id;
  std::string causation_id;
  std::string data;
  Hash hash{};  // SHA-256(previous record's hash || this record's body)
};

// The same record as views into a buffer owned by someone else (a RocksDB iterator during a scan).
// Valid only for the duration of the callback that receives it.
struct EventView {
  uint64_t position = 0;
  std::string_view stream;
  uint64_t version = 0;
  Uuid id;
  std::string_view type;
  int64_t recorded_at_ms = 0;
  std::string_view actor;
  std::string_view correlation_id;
  std::string_view causation_id;
  std::string_view data;
  Hash hash{};

  RecordedEvent ToOwned() const {
    return RecordedEvent{position,
                         std::string(stream),
                         version,
                         id,
                         std::string(type),
                         recorded_at_ms,
                         std::string(actor),
                         std::string(correlation_id),
                         std::string(causation_id),
                         std::string(data),
                         hash};
  }
};

// A view of an owned record, for code that folds RecordedEvents through an EventView interface.
inline EventView ViewOf(const RecordedEvent& r) {
  return EventView{r.position, r.stream,         r.version,      r.id,   r.type, r.recorded_at_ms,
                   r.actor,    r.correlation_id, r.causation_id, r.data, r.hash};
}

// Optimistic concurrency for an append.
class ExpectedVersion {
 public:
  enum class Kind { kAny, kNoStream, kExists, kExact };

  static ExpectedVersion Any() { return ExpectedVersion(Kind::kAny, 0); }
  static ExpectedVersion NoStream() { return ExpectedVersion(Kind::kNoStream, 0); }
  static ExpectedVersion Exists() { return ExpectedVersion(Kind::kExists, 0); }
  static ExpectedVersion Exact(uint64_t version) { return ExpectedVersion(Kind::kExact, version); }

  Kind kind() const { return kind_; }
  uint64_t version() const { return version_; }
  // Whether a stream whose last version is `current` (nullopt: no such stream) satisfies this.
  bool Matches(std::optional<uint64_t> current) const {
    switch (kind_) {
      case Kind::kAny:
        return true;
      case Kind::kNoStream:
        return !current.has_value();
      case Kind::kExists:
        return current.has_value();
      case Kind::kExact:
        return current.has_value() && *current == version_;
    }
    return false;
  }
  std::string ToString() const;

 private:
  ExpectedVersion(Kind kind, uint64_t version) : kind_(kind), version_(version) {}
  Kind kind_;
  uint64_t version_;
};

inline std::string ExpectedVersion::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no_stream";
    case Kind::kExists:
      return "exists";
    case Kind::kExact:
      return std::to_string(version_);
  }
  return "?";
}

// The end of the log: the last position and its chain hash. Position 0 is the empty log.
struct Head {
  uint64_t position = 0;
  Hash hash{};
  int64_t recorded_at_ms = 0;
};

}  // namespace taskledger
