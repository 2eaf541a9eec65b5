#include "webhooks/outcome.h"

#include <spdlog/spdlog.h>

#include "domain/text.h"

namespace taskledger::webhooks {

domain::RecordNotification OutcomeOf(const Message& m, std::string_view channel) {
  domain::RecordNotification c;
  c.task = m.task;
  c.occurrence = m.occurrence;
  domain::Notification& n = c.notification;
  n.message = m.id;
  n.endpoint = m.endpoint;
  n.agency = m.agency;
  n.type = m.type;
  n.channel = std::string(channel);
  n.address = m.to;
  n.delivered = m.state == MessageState::kDelivered;
  n.attempts = m.attempts;
  n.status = m.last_status;
  n.error = domain::CutUtf8(m.last_error, 500);
  n.at_ms = m.done_ms;
  return c;
}

nlohmann::json DigestOutcomeOf(const Message& m) {
  return {{"message", m.id},
          {"day", m.key.substr(m.key.find(':') + 1)},
          {"tasks", m.about},
          {"delivered", m.state == MessageState::kDelivered},
          {"attempts", m.attempts},
          {"status", m.last_status},
          {"error", domain::CutUtf8(m.last_error, 500)},
          {"at_ms", m.done_ms}};
}

void AfterRecording(Outbox& outbox, const std::string& id, const Status& s, std::string_view who) {
  const auto code = s.code();
  if (s.ok() || code == Status::Code::kAlreadyExists || code == Status::Code::kNotFound ||
      code == Status::Code::kInvalidArgument) {
    if (!s.ok() && code != Status::Code::kAlreadyExists) {
      spdlog::warn("{}: the outcome of {} cannot be recorded: {}", who, id, s.ToString());
    }
    // RocksDB is thread-safe and this touches one index key only.
    if (Status m = outbox.MarkRecorded(id); !m.ok()) spdlog::error("{}: {}", who, m.ToString());
  } else {
    spdlog::warn("{}: recording the outcome of {} failed ({}); retried at the next start", who, id,
                 s.ToString());
  }
}

}  // namespace taskledger::webhooks
