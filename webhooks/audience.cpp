#include "webhooks/audience.h"

#include "domain/event_types.h"

namespace taskledger::webhooks {

// The agencies that hear about `t`: its lead and coordinating agencies, the members of any group
// among them, and `extra` (the agencies a reassignment took it from).
std::set<std::string> Involved(const domain::Ledger& ledger, const domain::Task& t,
                               const std::vector<std::string>& extra) {
  std::set<std::string> out;
  const auto add = [&](const std::string& id) {
    if (!out.insert(id).second) return;
    if (const domain::Agency* a = ledger.FindAgency(id)) {
      for (const std::string& member : a->members) out.insert(member);
    }
  };
  for (const auto& id : t.lead) add(id);
  for (const auto& id : t.coordinating) add(id);
  for (const auto& id : extra) add(id);
  return out;
}

std::set<std::string> ChangeAudience(const domain::Ledger& ledger, const domain::Task& t,
                                     std::string_view event_type, const nlohmann::json& data,
                                     const std::vector<std::string>& extra) {
  if (data.is_object() && event_type == domain::ev::kTaskPartsReminded) {
    std::set<std::string> out;
    for (const auto& m : data.value("members", std::vector<std::string>{})) out.insert(m);
    return out;
  }
  if (data.is_object() && data.contains("part") && data["part"].is_string()) {
    return {data["part"].get<std::string>()};
  }
  return Involved(ledger, t, extra);
}

std::vector<Hearer> ReminderAudience(const domain::Ledger& ledger, const Reminder& r) {
  std::vector<Hearer> out;
  if (r.part) {
    out.push_back({&r.member, r.part});
    return out;
  }
  // The agencies the task names, and their groups (a group may have channels of its own).
  for (const auto* list : {&r.task->lead, &r.task->coordinating}) {
    for (const std::string& id : *list) out.push_back({&id, nullptr});
  }
  // Each member whose part is open and its own on the reminder's day; a part with a due date
  // of its own is reminded apart, at that date.
  const domain::Day held = domain::HeldDay(*r.occurrence, domain::DateAtUtcMs(r.at_ms));
  for (const domain::Part& p : r.occurrence->parts) {
    if (!p.open() || !p.HeldOn(held) || p.due != domain::kNoDay) continue;
    out.push_back({&ledger.AgencyIdOf(p.member), &p});
  }
  return out;
}

}  // namespace taskledger::webhooks
