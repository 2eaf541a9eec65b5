// Deciding the coordinator's commands on a task's parts as a whole: the rule that judges the task
// done from them, and a reminder to the members whose parts are open.
#include <algorithm>
#include <set>

#include "domain/commands.h"
#include "domain/commands_util.h"
#include "domain/event_types.h"

namespace taskledger::domain {

using detail::DecideWork;
using detail::FindTask;
using detail::Invalid;
using detail::OnTask;
using detail::RequireCoordinator;
using detail::RequireText;
using nlohmann::json;

namespace {

Result<Decision> DecideRule(const Ledger& s, const SetCompletionRule& c, const Actor& a) {
  if (Status st = RequireCoordinator(a, "choose how a task is judged done"); !st.ok()) return st;
  auto t = FindTask(s, c.task);
  if (!t.ok()) return t.status();
  if (Status st = RequireText("reason", c.reason); !st.ok()) return st;
  const CompletionRule& r = c.rule;
  if (r.kind == RuleKind::kThreshold && (r.percent < 1 || r.percent > 100)) {
    return Invalid("percent", "a threshold is 1 to 100 (% of the parts)");
  }
  if ((*t)->rule == r || ((*t)->rule.kind == r.kind && r.kind != RuleKind::kThreshold)) {
    return Status::FailedPrecondition("task " + c.task + " is judged so already");
  }
  json j = {{"rule", ToString(r.kind)}, {"reason", c.reason}};
  if (r.kind == RuleKind::kThreshold) j["percent"] = r.percent;
  j["previous"] = ToString((*t)->rule.kind);
  return OnTask(**t, ev::kTaskRuleChanged, j, a);
}

Result<Decision> DecideRemind(const Ledger& s, const RemindParts& c, const Actor& a,
                              int64_t now_ms) {
  if (Status st = RequireCoordinator(a, "remind members"); !st.ok()) return st;
  auto t = FindTask(s, c.task);
  if (!t.ok()) return t.status();
  const Occurrence* o = (*t)->Find(c.occurrence);
  if (!o) {
    return Status::NotFound("task " + c.task + " has no occurrence '" + c.occurrence + "'");
  }
  if (!o->open()) {
    return Status::FailedPrecondition("occurrence " + o->key + " of task " + c.task + " is " +
                                      std::string(ToString(o->status)) + ": nobody to remind");
  }
  if (c.members.empty()) return Invalid("members", "name at least one member to remind");
  if (c.members.size() > 20000) return Invalid("members", "at most 20,000 at once");
  if (Status st = detail::OptionalText("message", c.message, 2000); !st.ok()) return st;
  const Day held = HeldDay(*o, DateAtUtcMs(now_ms));
  std::set<std::string> seen;
  for (size_t i = 0; i < c.members.size(); ++i) {
    const std::string& m = c.members[i];
    const std::string at = "members[" + std::to_string(i) + "]";
    if (!seen.insert(m).second) return Invalid(at, "'" + m + "' twice");
    const Part* p = s.PartOf(m, *o);
    if (!p || !p->HeldOn(held))
      return Invalid(at, "'" + m + "' holds no part of occurrence " + o->key);
    if (!p->open()) {
      return Invalid(at,
                     "'" + m + "' has done its part (" + std::string(ToString(p->status)) + ")");
    }
  }
  json j = {{"occurrence", o->key}, {"members", c.members}};
  if (!c.message.empty()) j["message"] = c.message;
  return OnTask(**t, ev::kTaskPartsReminded, j, a);
}

// Each part decided as RecordCompletion decides one; their events appended as one.
Result<Decision> RecordPartsDone(const Ledger& s, const RecordPartCompletions& c, const Actor& a,
                                 int64_t now_ms) {
  if (c.parts.empty()) return Invalid("parts", "name at least one member and the day it completed");
  if (c.parts.size() > 20000) return Invalid("parts", "at most 20,000 at once");
  Decision d;
  std::set<std::string> seen;
  for (size_t i = 0; i < c.parts.size(); ++i) {
    const auto& [member, day] = c.parts[i];
    const std::string at = "parts[" + std::to_string(i) + "]";
    if (!seen.insert(member).second) return Invalid(at + ".member", "'" + member + "' twice");
    auto one =
        DecideWork(s, RecordCompletion{c.task, c.occurrence, day, c.reason, member}, a, now_ms);
    if (!one.ok()) return Status(one.status()).In(at);
    if (d.events.empty()) {
      d.stream = one->stream;
      d.expected = one->expected;
    }
    for (NewEvent& e : one->events) d.events.push_back(std::move(e));
  }
  return d;
}

}  // namespace

Result<Decision> detail::DecideParts(const Ledger& s, const Command& c, const Actor& a,
                                     int64_t now_ms) {
  if (auto* x = std::get_if<SetCompletionRule>(&c)) return DecideRule(s, *x, a);
  if (auto* x = std::get_if<RemindParts>(&c)) return DecideRemind(s, *x, a, now_ms);
  if (auto* x = std::get_if<RecordPartCompletions>(&c)) return RecordPartsDone(s, *x, a, now_ms);
  return DecideWork(s, c, a, now_ms);
}

}  // namespace taskledger::domain
