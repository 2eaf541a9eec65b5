// A finished notification about a task, recorded on that task in the log: shared by the webhooks
// and the mail, so both channels leave the same trail. A digest's, on its address's stream.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "domain/commands.h"
#include "webhooks/outbox.h"

namespace taskledger::webhooks {

// The command that records what became of `m` (delivered or failed, attempts, the last status)
// on its task; `channel` "webhook" or "email" (then with the address it went to).
domain::RecordNotification OutcomeOf(const Message& m, std::string_view channel);

// The outcome of a finished digest `m`, for DecideDigestSent: the message, the day it is for,
// the tasks it listed, delivered or not, attempts, the last SMTP reply, when.
nlohmann::json DigestOutcomeOf(const Message& m);

// After recording `id` answered `s`: the outbox forgets it is unrecorded when the log has it (or
// never can: the task is gone); otherwise it stays, to be recorded at the next start. `who` names
// the channel in the server's log.
void AfterRecording(Outbox& outbox, const std::string& id, const Status& s, std::string_view who);

}  // namespace taskledger::webhooks
