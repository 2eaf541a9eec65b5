// What the log and the clock give the confirmed addresses: which mails to send, decided from the
// state alone (pure but for reading the log), so the mail service decides under the read lock
// and builds the messages after it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/ledger.h"
#include "events/event_store.h"
#include "webhooks/mail/mail_service.h"
#include "webhooks/mail/mail_text.h"
#include "webhooks/mail/mailbox.h"

namespace taskledger::webhooks::mail {

// One mail decided: to whom, what kind, what it says, its key (the same news always has the
// same key, so the outbox never sends it twice) and what it is about.
struct PlannedMail {
  Mailbox box;
  std::string type;
  MailText text;
  std::string key, task, occurrence;
  int64_t due_ms = 0;
  std::vector<std::string> about;  // a digest: the tasks it lists
};

struct MailPlan {
  std::vector<PlannedMail> mails;
  uint64_t log_to = 0;  // the log was read up to here
  bool more = false;    // stopped short of the folded position: call again at once
  Status failed = Status::Ok();
};

// The changes the log holds after `log_cursor` (up to 2,000 events at a time) and the reminders
// due in (clock_cursor, now], for the mailboxes that send and want them: a change to the
// agencies involved in its task (groups' members, and those a reassignment took it from), to
// addresses subscribed before it; a reminder under `options.reminders`; the digest that fell due
// in (clock_cursor, now] to the addresses that chose one, when it has something to say.
MailPlan PlanMail(const domain::Ledger& ledger, const Mailboxes& boxes, const EventStore& store,
                  const MailOptions& options, uint64_t log_cursor, int64_t clock_cursor,
                  int64_t now);

}  // namespace taskledger::webhooks::mail
