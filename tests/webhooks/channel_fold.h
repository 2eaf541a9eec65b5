// Folding a channel's decisions in a test (webhook subscriptions, email addresses), as the server
// folds their events.
#pragma once

#include <cstdint>

#include "domain/commands.h"
#include "webhooks/channels.h"

namespace taskledger::testing {

// Folds a decision's events into `channels` at log positions from `position`, recorded at `at_ms`.
template <class Kind>
void Fold(webhooks::Channels<Kind>& channels, const domain::Decision& d, uint64_t& position,
          int64_t at_ms = 1000) {
  uint64_t version = 0;
  if (const auto* x = channels.Find(d.stream.substr(Kind::kStreamPrefix.size()))) {
    version = x->version + 1;
  }
  for (const NewEvent& e : d.events) {
    EventView v;
    v.position = ++position;
    v.stream = d.stream;
    v.version = version++;
    v.type = e.type;
    v.data = e.data;
    v.actor = e.actor;
    v.recorded_at_ms = at_ms;
    channels.Apply(v);
  }
}

}  // namespace taskledger::testing
