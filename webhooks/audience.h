// Who hears about a task, and which task events are news: shared by the webhooks and the mail.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ledger.h"
#include "webhooks/reminders.h"

namespace taskledger::webhooks {

// The notification a task event gives ("task.assigned", …), or empty: none.
std::string_view ChangeType(std::string_view event_type);

// The agencies that hear about `t`: its lead and coordinating agencies, the members of any group
// among them, and `extra` (the agencies a reassignment took it from).
std::set<std::string> Involved(const domain::Ledger& ledger, const domain::Task& t,
                               const std::vector<std::string>& extra = {});

// Each reminder due in (after_ms, until_ms] to each of `who` (webhook subscriptions, mailboxes:
// anything with an `agency`) whose agency hears about its task, under the policy in force for
// it, `policy_of(w)`: those sharing a policy are planned together, one pass over the ledger per
// policy. Calls `fn(reminder, w)`.
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
      for (const std::string& agency : Involved(ledger, *r.task)) {
        auto it = g.by_agency.find(agency);
        if (it == g.by_agency.end()) continue;
        for (const W* w : it->second) fn(r, *w);
      }
    }
  }
}

}  // namespace taskledger::webhooks
