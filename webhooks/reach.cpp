#include "webhooks/reach.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "webhooks/audience.h"

namespace taskledger::webhooks {

bool AgencyReach::reachable() const {
  return email_sending > email_failing || webhooks_enabled > webhooks_failing;
}

std::vector<std::string> AgencyReach::problems() const {
  std::vector<std::string> out;
  if (email_sending + email_unconfirmed + email_off + webhooks_enabled == 0) {
    out.push_back("no_channel");
  }
  if (email_failing) out.push_back("email_failing");
  if (webhooks_failing) out.push_back("webhook_failing");
  if (email_unconfirmed) out.push_back("email_unconfirmed");
  if (email_off) out.push_back("email_off");
  return out;
}

std::vector<AgencyReach> ReachOf(const domain::Ledger& ledger, const domain::Plan& plan,
                                 const mail::Mailboxes& mailboxes, const Registry& webhooks,
                                 const std::function<bool(const Subscription&)>& failing,
                                 domain::Date today) {
  std::map<std::string, AgencyReach> by_id;
  for (const std::string& id : plan.task_ids) {
    const domain::Task* t = ledger.FindTask(id);
    if (!t) continue;
    const domain::Occurrence* o = domain::CurrentOccurrence(*t);
    const bool open = o && o->open();
    for (const std::string& agency : Involved(ledger, *t)) {
      const domain::Agency* a = ledger.FindAgency(agency);
      if (a && a->kind == domain::AgencyKind::kGroup) continue;  // its members are told
      AgencyReach& r = by_id[agency];
      r.agency = agency;
      if (!open) continue;
      // A member is told of its own part: counted while that is open and its own.
      std::optional<domain::Date> due = o->due;
      if (!ledger.NamedIn(agency, *t)) {
        const domain::Part* p = ledger.PartOf(agency, *o);
        if (!p || !p->open() || !p->HeldOn(domain::HeldDay(*o, today))) continue;
        due = domain::DueOf(*p, *o);
      }
      ++r.open_tasks;
      if (due && (!r.next_due || *due < *r.next_due)) r.next_due = due;
    }
  }
  std::vector<AgencyReach> out;
  out.reserve(by_id.size());
  for (auto& [agency, r] : by_id) {
    for (const mail::Mailbox* m : mailboxes.Of(agency)) {
      if (m->Sends()) {
        ++r.email_sending;
        if (!m->failing.empty()) ++r.email_failing;
      } else if (!m->enabled) {
        ++r.email_off;
      } else {
        ++r.email_unconfirmed;
      }
    }
    for (const Subscription* s : webhooks.Live(agency)) {
      ++r.webhooks_enabled;
      if (failing(*s)) ++r.webhooks_failing;
    }
    out.push_back(std::move(r));
  }
  // Ranked once each, then sorted by rank (by id within a rank, as the map gave them).
  std::vector<std::pair<std::tuple<bool, bool, int64_t>, size_t>> order;
  order.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const AgencyReach& r = out[i];
    order.push_back({{r.reachable(), r.problems().empty(),
                      r.next_due ? domain::DaysFromCivil(*r.next_due) : INT64_MAX},
                     i});
  }
  std::sort(order.begin(), order.end());
  std::vector<AgencyReach> sorted;
  sorted.reserve(out.size());
  for (const auto& [rank, i] : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

std::vector<GroupReach> GroupsReach(const domain::Ledger& ledger, const domain::Plan& plan,
                                    const std::vector<AgencyReach>& agencies) {
  std::map<std::string_view, const AgencyReach*> reach;
  for (const AgencyReach& a : agencies) reach[a.agency] = &a;
  std::map<std::string, GroupReach> groups;
  for (const std::string& id : plan.task_ids) {
    const domain::Task* t = ledger.FindTask(id);
    if (!t) continue;
    for (const auto* list : {&t->lead, &t->coordinating}) {
      for (const std::string& g : *list) {
        const domain::Agency* a = ledger.FindAgency(g);
        if (!a || a->kind != domain::AgencyKind::kGroup || groups.count(g)) continue;
        GroupReach& out = groups[g];
        out.group = g;
        for (const std::string& m : a->members) {
          auto it = reach.find(m);
          if (it == reach.end()) continue;
          ++out.members;
          const bool reachable = it->second->reachable(), open = it->second->open_tasks > 0;
          out.reachable += reachable;
          out.open += open;
          out.open_unreachable += open && !reachable;
        }
      }
    }
  }
  std::vector<GroupReach> out;
  for (auto& [id, g] : groups) out.push_back(std::move(g));
  return out;
}

}  // namespace taskledger::webhooks
