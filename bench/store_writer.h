// Streams commands into a store, as the benchmarks' generators do: each decided by the domain's
// own Decide() on a ledger of the writer's, folded into it, and appended in durable batches of
// one simulated moment (an hour of commands, say) — the log is never held in memory, only the
// ledger the decisions need. Refused commands are skipped: a random mix meets some.
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/commands.h"
#include "domain/ledger.h"
#include "events/event_store.h"

namespace taskledger::bench {

// Decides commands on its own ledger and writes their events in batches.
class StoreWriter {
 public:
  StoreWriter(EventStore& store, std::atomic<int64_t>& clock) : store_(store), clock_(clock) {}

  // Decides `c` at `now_ms`; refused commands are skipped (a random mix meets some).
  bool Do(const domain::Command& c, const domain::Actor& a, int64_t now_ms) {
    if (now_ms != batch_time_) Flush();
    batch_time_ = now_ms;
    auto d = domain::Decide(ledger_, c, a, now_ms);
    if (!d.ok()) return false;
    for (const NewEvent& e : d->events) {
      EventView v;
      v.position = ++position_;
      v.stream = d->stream;
      v.version = versions_[d->stream]++;
      v.type = e.type;
      v.recorded_at_ms = now_ms;
      v.actor = e.actor;
      v.data = e.data;
      if (Status s = ledger_.Apply(v); !s.ok()) {
        std::fprintf(stderr, "store writer: fold: %s\n", s.ToString().c_str());
        std::exit(1);
      }
    }
    pending_ += d->events.size();
    parts_.push_back({d->stream, ExpectedVersion::Any(), std::move(d->events)});
    if (pending_ >= 2000) Flush();
    return true;
  }

  void Flush() {
    if (parts_.empty()) return;
    clock_ = batch_time_;
    AppendResult r = store_.AppendMany(std::move(parts_));
    if (!r.ok() || r.last_position != position_) {
      std::fprintf(stderr, "store writer: append: %s (at %llu, expected %llu)\n",
                   r.status.ToString().c_str(), static_cast<unsigned long long>(r.last_position),
                   static_cast<unsigned long long>(position_));
      std::exit(1);
    }
    parts_.clear();
    pending_ = 0;
  }

  const domain::Ledger& ledger() const { return ledger_; }
  uint64_t position() const { return position_; }

 private:
  EventStore& store_;
  std::atomic<int64_t>& clock_;
  domain::Ledger ledger_;
  std::unordered_map<std::string, uint64_t> versions_;
  std::vector<EventStore::StreamAppend> parts_;
  size_t pending_ = 0;
  uint64_t position_ = 0;
  int64_t batch_time_ = 0;
};

}  // namespace taskledger::bench
