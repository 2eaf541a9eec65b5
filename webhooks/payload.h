// What a webhook carries: the JSON body of a notification, in the Standard Webhooks shape
// {"type", "timestamp", "data"} with TaskLedger's own "id" (the message id, also sent as the
// webhook-id header). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/ledger.h"
#include "webhooks/reminders.h"

namespace taskledger::webhooks {

// Bodies stay under this many bytes: long titles and deliverables are cut (at a UTF-8 character
// boundary, marked with "…") until they fit. Default budget: 20 kB.
inline constexpr size_t kMaxPayloadBytes = 20000;

struct PayloadContext {
  std::string msg_id;
  int64_t now_ms = 0;
  // Where people open a task: "<base_url>/tasks/<id>" (the dashboard). Empty: no link.
  std::string base_url;
};

// A deadline reminder: the task, its occurrence, the due date, days left (negative: overdue),
// the lead and coordinating agencies, the deliverable expected, and a link. To a member of a
// group, about its own `part`: the status is its part's, and "part" says so.
std::string ReminderPayload(const Reminder& r, const PayloadContext& c,
                            const domain::Part* part = nullptr);

// A change to a task the agency is involved in (`type` such as "task.assigned"), with the task
// as it now stands and `details` (a JSON object: what changed, by whom).
std::string ChangePayload(std::string_view type, const domain::Task& t, std::string_view details,
                          const PayloadContext& c);

// The ping POST /v1/webhooks/{id}/test sends.
std::string PingPayload(const PayloadContext& c);

}  // namespace taskledger::webhooks
