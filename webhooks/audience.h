// Who hears about a task, and which task events are news: shared by the webhooks and the mail.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ledger.h"
#include "webhooks/notification_types.h"
#include "webhooks/reminders.h"

namespace taskledger::webhooks {

// The agencies that hear about `t`: its lead and coordinating agencies, the members of any group
// among them, and `extra` (the agencies a reassignment took it from).
std::set<std::string> Involved(const domain::Ledger& ledger, const domain::Task& t,
                               const std::vector<std::string>& extra = {});

// Who hears of one change to `t` (an event of type `event_type` with `data`, parsed): a change
// to one member's part (a review, an extension decided, a comment) only that member; a
// coordinator's reminder to members (task.parts_reminded) the members it names; anything else
// everyone Involved, with `extra`.
std::set<std::string> ChangeAudience(const domain::Ledger& ledger, const domain::Task& t,
                                     std::string_view event_type, const nlohmann::json& data,
                                     const std::vector<std::string>& extra = {});

// One agency a reminder reaches, and its part when it is reminded of its own.
struct Hearer {
  const std::string* agency;
  const domain::Part* part;  // the member's part; null for an agency named in the task
};
// Who a reminder reaches: for an occurrence's, the agencies its task names (and their groups)
// and each member of those groups whose part is open, still its own on the reminder's day, and
// due when the occurrence is; for a part's own (r.part), that member alone.
std::vector<Hearer> ReminderAudience(const domain::Ledger& ledger, const Reminder& r);

// Each reminder due in (after_ms, until_ms] to each of `who` (webhook subscriptions, mailboxes:
// anything with an `agency`) whose agency it reaches (ReminderAudience), under the policy in
// force for it, `policy_of(w)`: those sharing a policy are planned together, one pass over the
// ledger per policy. Calls `fn(reminder, w, part)`, `part` the agency's own part (or null).
template <class W, class PolicyOf, class Fn>
void ForEachReminder(const domain::Ledger& ledger, const std::vector<const W*>& who,
                     PolicyOf&& policy_of, int64_t after_ms, int64_t until_ms, Fn&& fn) {
  struct Group {
    ReminderPolicy policy;
    std::map<std::string, std::vector<const W*>, std::less<>> by_agency;
  };
  std::map<std::string, Group> groups;
  for (const W* w : who) {
    const ReminderPolicy& p = policy_of(*w);
    Group& g = groups[PolicyKey(p)];
    g.policy = p;
    g.by_agency[w->agency].push_back(w);
  }
  for (const auto& [key, g] : groups) {
    for (const Reminder& r : RemindersBetween(ledger, g.policy, after_ms, until_ms)) {
      for (const Hearer& h : ReminderAudience(ledger, r)) {
        auto it = g.by_agency.find(*h.agency);
        if (it == g.by_agency.end()) continue;
        for (const W* w : it->second) fn(r, *w, h.part);
      }
    }
  }
}

}  // namespace taskledger::webhooks
