// Who can be told: for each agency a plan names (through groups too), its channels — email
// addresses and webhooks — and what stops them reaching it, so a coordinator can fix the
// agencies that would hear nothing before a deadline comes. Pure: the caller says which webhooks
// are failing (that lives in the outbox, not in the state).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/ledger.h"
#include "webhooks/mail/mailbox.h"
#include "webhooks/subscription.h"

namespace taskledger::webhooks {

struct AgencyReach {
  std::string agency;
  // The plan's tasks it hears about with an occurrence still open (of a group's task, its own
  // part of it still open).
  int open_tasks = 0;
  std::optional<domain::Date> next_due;
  // Its email addresses: sending (confirmed, on), of those failing (a 5xx), waiting for their
  // owner's confirmation, turned off or unsubscribed.
  int email_sending = 0, email_failing = 0, email_unconfirmed = 0, email_off = 0;
  // Its webhooks: enabled, and of those failing now.
  int webhooks_enabled = 0, webhooks_failing = 0;

  // Whether one channel at least reaches it: an address that sends and does not fail, or an
  // enabled webhook that does not fail.
  bool reachable() const;
  // What to fix, most serious first: "no_channel" (nothing set up), "email_failing",
  // "webhook_failing", "email_unconfirmed", "email_off".
  std::vector<std::string> problems() const;
};

// The agencies that hear about `plan`'s tasks (Involved), those that cannot be reached first,
// then those with a problem, then by next due date and id.
// `today`: whose parts are still open and their own.
std::vector<AgencyReach> ReachOf(const domain::Ledger& ledger, const domain::Plan& plan,
                                 const mail::Mailboxes& mailboxes, const Registry& webhooks,
                                 const std::function<bool(const Subscription&)>& failing,
                                 domain::Date today);

// A group the plan's tasks name, counted by its members: how many a channel reaches, and how
// many with a part still open nothing reaches ("of 250 schools, 37 cannot be reminded").
struct GroupReach {
  std::string group;
  int members = 0;           // its members today
  int reachable = 0;         // of those, reached by a channel
  int open = 0;              // of those, with a part of the plan's tasks still open
  int open_unreachable = 0;  // of those, not reached by any channel
};
// Each group `plan`'s tasks name, by id, from ReachOf's answer for the plan.
std::vector<GroupReach> GroupsReach(const domain::Ledger& ledger, const domain::Plan& plan,
                                    const std::vector<AgencyReach>& agencies);

}  // namespace taskledger::webhooks
