// Helpers shared by the command deciders. Private to domain/.
#pragma once

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "domain/commands.h"
#include "domain/event_types.h"
#include "domain/invalid.h"
#include "domain/text.h"

namespace taskledger::domain::detail {

// Decides the occurrence lifecycle commands (commands_work.cpp); Decide() hands them over.
Result<Decision> DecideWork(const Ledger& s, const Command& c, const Actor& a, int64_t now_ms);
// Decides RecordNotification (commands_notified.cpp).
Result<Decision> DecideNotified(const Ledger& s, const RecordNotification& c, const Actor& a);
// Decides PrepareReport (commands_report.cpp).
Result<Decision> DecideReport(const Ledger& s, const PrepareReport& c, const Actor& a);
// Decides the commands on a task's parts as a whole (commands_parts.cpp), handing the others
// to DecideWork.
Result<Decision> DecideParts(const Ledger& s, const Command& c, const Actor& a, int64_t now_ms);

// Task and section codes: "III.2", "A.I.1.3", "V.2.1.a".
inline bool IsCode(std::string_view code) {
  if (code.empty() || code.size() > 40) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
}

// Ids a client may choose (a deliverable's, an extension request's; UUIDs fit): 1-64 letters,
// digits, '.', '_', ':' or '-', starting with a letter or digit. They appear in URLs, so nothing
// that a path or a shell would read otherwise ("..", "/", spaces).
inline bool IsClientId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  const auto alnum = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (!alnum(id.front())) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) {
    return alnum(c) || c == '.' || c == '_' || c == ':' || c == '-';
  });
}

inline NewEvent MakeEvent(std::string_view type, const nlohmann::json& data, const Actor& actor) {
  NewEvent e;
  e.type = std::string(type);
  e.data = data.dump();
  e.actor = actor.Label();
  return e;
}

// One event on task `t`'s stream, written only if no other landed there since `t` was read.
inline Decision OnTask(const Task& t, std::string_view type, const nlohmann::json& data,
                       const Actor& actor) {
  Decision d;
  d.stream = ev::TaskStream(t.id);
  d.expected = ExpectedVersion::Exact(t.version);
  d.events.push_back(MakeEvent(type, data, actor));
  return d;
}

using domain::Invalid;  // domain/invalid.h: shared with the notification channels

// Text a person may leave empty: at most `max` bytes of UTF-8 without control characters
// (line breaks and tabs are text).
inline Status OptionalText(std::string_view field, std::string_view value, size_t max = 4000) {
  if (value.size() > max) {
    return Invalid(field, "is longer than " + std::to_string(max) + " bytes")
        .With("too-long", {{"field", std::string(field)}, {"max", std::to_string(max)}});
  }
  if (!IsUtf8(value)) return Invalid(field, "is not valid UTF-8");
  if (HasForbiddenControl(value)) return Invalid(field, "has a control character");
  return Status::Ok();
}

inline Status RequireText(std::string_view field, std::string_view value, size_t max = 4000) {
  if (Trim(value).empty())
    return Invalid(field, "is required").With("required", {{"field", std::string(field)}});
  return OptionalText(field, value, max);
}

inline Status RequireCoordinator(const Actor& a, std::string_view what) {
  if (a.role == ActorRole::kCoordinator) return Status::Ok();
  return Status::PermissionDenied("only a coordinator may " + std::string(what))
      .With("coordinator-only", {{"action", std::string(what)}});
}

// Every agency id must be registered.
inline Status RequireAgencies(const Ledger& s, std::string_view field,
                              const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    if (!s.FindAgency(id)) {
      return Invalid(field, "unknown agency '" + id + "'")
          .With("unknown-agency", {{"field", std::string(field)}, {"agency", id}});
    }
  }
  return Status::Ok();
}

inline Result<const Task*> FindTask(const Ledger& s, std::string_view id) {
  const Task* t = s.FindTask(id);
  if (!t)
    return Status::NotFound("no task '" + std::string(id) + "'")
        .With("no-task", {{"task", std::string(id)}});
  return t;
}

}  // namespace taskledger::domain::detail
