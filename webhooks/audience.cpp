#include "webhooks/audience.h"

#include "domain/event_types.h"

namespace taskledger::webhooks {

// The notification a task event gives, or nothing.
std::string_view ChangeType(std::string_view event_type) {
  namespace ev = domain::ev;
  if (event_type == ev::kTaskCreated) return "task.assigned";
  if (event_type == ev::kTaskReassigned) return "task.reassigned";
  if (event_type == ev::kTaskDeadlineChanged) return "task.deadline.changed";
  if (event_type == ev::kTaskExtensionDecided) return "task.extension.decided";
  if (event_type == ev::kTaskDeliverableReviewed) return "task.deliverable.reviewed";
  if (event_type == ev::kTaskCommented) return "task.comment.added";
  return {};
}

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

}  // namespace taskledger::webhooks
