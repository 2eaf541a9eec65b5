// Deciding RecordNotification: what became of telling an agency about a task (the server's own
// record, so an auditor can see who was told what, and when).
#include "domain/commands.h"
#include "domain/commands_util.h"
#include "domain/event_types.h"

namespace taskledger::domain {

using detail::FindTask;
using detail::Invalid;
using detail::MakeEvent;
using nlohmann::json;

Result<Decision> detail::DecideNotified(const Ledger& s, const RecordNotification& c,
                                        const Actor& a) {
  auto task = FindTask(s, c.task);
  if (!task.ok()) return task.status();
  const Notification& n = c.notification;
  if (!c.occurrence.empty() && !(*task)->Find(c.occurrence)) {
    return Status::NotFound("task " + c.task + " has no occurrence '" + c.occurrence + "'");
  }
  if (n.message.empty() || n.endpoint.empty()) return Invalid("message", "is required");
  for (const Notification& old : (*task)->notifications) {
    if (old.message == n.message && old.attempts == n.attempts && old.delivered == n.delivered) {
      return Status::AlreadyExists("notification " + n.message + " is already recorded");
    }
  }
  json j = {{"message", n.message}, {"endpoint", n.endpoint}, {"agency", n.agency},
            {"type", n.type},       {"attempts", n.attempts}, {"status", n.status},
            {"at", n.at_ms}};
  if (!c.occurrence.empty()) j["occurrence"] = c.occurrence;
  if (n.channel != "webhook") {
    if (n.channel != "email") return Invalid("channel", "is webhook or email");
    j["channel"] = n.channel;
    j["address"] = n.address;
  }
  if (n.error.size() > 2000 || !IsUtf8(n.error))
    return Invalid("error", "over 2000 bytes or not UTF-8");
  if (!n.error.empty()) j["error"] = n.error;
  Decision d;
  d.stream = ev::TaskStream(c.task);
  d.events.push_back(
      MakeEvent(n.delivered ? ev::kTaskNotificationDelivered : ev::kTaskNotificationFailed, j, a));
  return d;
}

}  // namespace taskledger::domain
