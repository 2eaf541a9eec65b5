// Folding mailbox decisions in a test, as the server folds their events.
#pragma once

#include <cstdint>

#include "domain/commands.h"
#include "webhooks/mail/mailbox.h"

namespace taskledger::testing {

// Folds a decision's events into `boxes` at log positions from `position`, recorded at `at_ms`.
inline void Fold(webhooks::mail::Mailboxes& boxes, const domain::Decision& d, uint64_t& position,
                 int64_t at_ms = 1000) {
  uint64_t version = 0;
  if (const webhooks::mail::Mailbox* m = boxes.Find(d.stream.substr(6))) version = m->version + 1;
  for (const NewEvent& e : d.events) {
    EventView v;
    v.position = ++position;
    v.stream = d.stream;
    v.version = version++;
    v.type = e.type;
    v.data = e.data;
    v.actor = e.actor;
    v.recorded_at_ms = at_ms;
    boxes.Apply(v);
  }
}

}  // namespace taskledger::testing
