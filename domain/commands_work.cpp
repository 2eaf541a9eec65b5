// Deciding the occurrence lifecycle: start, progress, deliverables and their review,
// cancellation, extensions and comments.
//
//   not started -> in progress -> submitted -> completed (accepted)
//                       ^             |
//                       +-- returned -+          cancelled (coordinator, with a reason)
#include <algorithm>

#include "domain/commands.h"
#include "domain/commands_util.h"
#include "domain/event_types.h"

namespace taskledger::domain {

using detail::FindTask;
using detail::Invalid;
using detail::MakeEvent;
using detail::RequireText;
using nlohmann::json;

namespace {

// The task and occurrence a command names, with the actor's right to act on it checked.
struct Target {
  const Task* task;
  const Occurrence* occurrence;
};

enum class Who { kLead, kLeadOrCoordinating, kCoordinator };

Result<Target> Resolve(const Ledger& s, std::string_view task_id, std::string_view key,
                       const Actor& a, Who who, std::string_view what) {
  auto t = FindTask(s, task_id);
  if (!t.ok()) return t.status();
  const Task* task = *t;
  if (a.role == ActorRole::kAgency) {
    const std::optional<Role> role = s.RoleOf(a.agency, *task);
    if (who == Who::kCoordinator || !role || (who == Who::kLead && *role != Role::kLead)) {
      const char* needed = who == Who::kCoordinator ? "a coordinator"
                           : who == Who::kLead      ? "the lead agency"
                                                    : "a lead or coordinating agency";
      const char* part = who == Who::kCoordinator ? "coordinator"
                         : who == Who::kLead      ? "lead"
                                                  : "participant";
      return Status::PermissionDenied("only " + std::string(needed) + " of task " + task->id +
                                      " may " + std::string(what))
          .With("part-required",
                {{"part", part}, {"task", task->id}, {"action", std::string(what)}});
    }
  }
  const Occurrence* o = nullptr;
  if (key.empty()) {
    // A single-occurrence task needs no occurrence named.
    int live = 0;
    for (const Occurrence& x : task->occurrences) {
      if (!x.dropped) {
        ++live;
        o = &x;
      }
    }
    if (live != 1) return Invalid("occurrence", "task " + task->id + " has several; name one");
  } else {
    o = task->Find(key);
    if (!o)
      return Status::NotFound("task " + task->id + " has no occurrence '" + std::string(key) + "'");
  }
  return Target{task, o};
}

Status RequireOpen(const Target& t, std::string_view what) {
  if (t.occurrence->open()) return Status::Ok();
  return Status::FailedPrecondition("occurrence " + t.occurrence->key + " of task " + t.task->id +
                                    " is " + std::string(ToString(t.occurrence->status)) +
                                    "; cannot " + std::string(what))
      .With("occurrence-closed", {{"occurrence", t.occurrence->key},
                                  {"task", t.task->id},
                                  {"status", std::string(ToString(t.occurrence->status))},
                                  {"action", std::string(what)}});
}

Decision On(const Target& t, std::string_view type, json data, const Actor& a) {
  data["occurrence"] = t.occurrence->key;
  Decision d;
  d.stream = ev::TaskStream(t.task->id);
  d.expected = ExpectedVersion::Exact(t.task->version);
  d.events.push_back(MakeEvent(type, data, a));
  return d;
}

Result<Decision> Start(const Ledger& s, const StartWork& c, const Actor& a) {
  auto t = Resolve(s, c.task, c.occurrence, a, Who::kLead, "start work");
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "start work"); !st.ok()) return st;
  if (t->occurrence->status != OccurrenceStatus::kNotStarted) {
    return Status::FailedPrecondition("occurrence " + t->occurrence->key + " is already " +
                                      std::string(ToString(t->occurrence->status)));
  }
  return On(*t, ev::kTaskStarted, json::object(), a);
}

Result<Decision> Progress(const Ledger& s, const ReportProgress& c, const Actor& a) {
  auto t = Resolve(s, c.task, c.occurrence, a, Who::kLeadOrCoordinating, "report progress");
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "report progress"); !st.ok()) return st;
  if (c.percent < 0 || c.percent > 100) return Invalid("percent", "must be 0 to 100");
  if (Status st = detail::OptionalText("narrative", c.narrative, 20000); !st.ok()) return st;
  json indicators = json::parse(c.indicators_json, nullptr, /*allow_exceptions=*/false);
  if (!indicators.is_object()) return Invalid("indicators", "must be a JSON object");
  return On(*t, ev::kTaskProgressReported,
            {{"percent", c.percent}, {"narrative", c.narrative}, {"indicators", indicators}}, a);
}

Result<Decision> Submit(const Ledger& s, const SubmitDeliverable& c, const Actor& a) {
  auto t = Resolve(s, c.task, c.occurrence, a, Who::kLead, "submit deliverables");
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "submit a deliverable"); !st.ok()) return st;
  const Deliverable& d = c.deliverable;
  if (!detail::IsClientId(d.id)) {
    return Invalid("deliverable.id",
                   "is 1-64 letters, digits, '.', '_', ':' or '-', starting "
                   "with a letter or digit");
  }
  if (Status st = RequireText("deliverable.name", d.name, 500); !st.ok()) return st;
  if (Status st = detail::OptionalText("deliverable.note", d.note); !st.ok()) return st;
  for (const Deliverable& x : t->occurrence->deliverables) {
    if (x.id == d.id) return Status::AlreadyExists("deliverable '" + d.id + "' exists");
  }
  json j = {{"id", d.id}, {"name", d.name}};
  if (!d.sha256.empty()) j["sha256"] = d.sha256;
  if (d.size) j["size"] = d.size;
  if (!d.note.empty()) j["note"] = d.note;
  return On(*t, ev::kTaskDeliverableSubmitted, {{"deliverable", j}}, a);
}

// A day something took effect, recorded now: not after today, and with a reason.
Status EffectiveOn(Date day, const std::string& reason, int64_t now_ms,
                   std::string_view field = "effective_on") {
  const Date today = DateAtUtcMs(now_ms);
  if (day > today) {
    return Invalid(field, "cannot be after today (" + ToIso(today) + ")")
        .With("effective-in-future", {{"field", std::string(field)}, {"today", ToIso(today)}});
  }
  if (Trim(reason).empty()) {
    return Invalid("reason", "a fact recorded after the day it took effect needs a reason")
        .With("reason-required-effective", {{"field", "reason"}});
  }
  return detail::OptionalText("reason", reason);
}

// Completion on `day`: on time or late against the due date in force now, after any extensions.
void Completed(const Occurrence& o, Date day, json& j) {
  j["completed_on"] = ToIso(day);
  j["late"] = o.due.has_value() && day > *o.due;
  if (o.due) j["due"] = ToIso(*o.due);
}

Result<Decision> Review(const Ledger& s, const ReviewDeliverable& c, const Actor& a,
                        int64_t now_ms) {
  auto t = Resolve(s, c.task, c.occurrence, a, Who::kCoordinator, "review deliverables");
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "review a deliverable"); !st.ok()) return st;
  const auto& ds = t->occurrence->deliverables;
  auto d = std::find_if(ds.begin(), ds.end(),
                        [&](const Deliverable& x) { return x.id == c.deliverable; });
  if (d == ds.end()) return Status::NotFound("no deliverable '" + c.deliverable + "'");
  if (!d->review.empty()) {
    return Status::FailedPrecondition("deliverable '" + c.deliverable + "' was already " +
                                      d->review);
  }
  if (Status st = detail::OptionalText("comment", c.comment); !st.ok()) return st;
  if (!c.accept && Trim(c.comment).empty()) {
    return Invalid("comment", "returning a deliverable needs a comment saying why")
        .With("reason-required-return", {{"field", "comment"}});
  }
  json j = {{"deliverable", c.deliverable},
            {"decision", c.accept ? "accepted" : "returned"},
            {"comment", c.comment}};
  if (c.effective_on) {
    if (!c.accept) {
      return Invalid("effective_on", "only an acceptance can take effect on a past day");
    }
    if (Status st = EffectiveOn(*c.effective_on, c.reason, now_ms); !st.ok()) return st;
    j["effective_on"] = ToIso(*c.effective_on);
    j["reason"] = c.reason;
  }
  if (c.accept) Completed(*t->occurrence, c.effective_on.value_or(DateAtUtcMs(now_ms)), j);
  return On(*t, ev::kTaskDeliverableReviewed, j, a);
}

Result<Decision> RecordDone(const Ledger& s, const RecordCompletion& c, const Actor& a,
                            int64_t now_ms) {
  auto t = Resolve(s, c.task, c.occurrence, a, Who::kCoordinator, "record a completion");
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "record a completion"); !st.ok()) return st;
  if (Status st = EffectiveOn(c.completed_on, c.reason, now_ms, "completed_on"); !st.ok()) {
    return st;
  }
  json j = {{"effective_on", ToIso(c.completed_on)}, {"reason", c.reason}};
  Completed(*t->occurrence, c.completed_on, j);
  return On(*t, ev::kTaskCompletionRecorded, j, a);
}

Result<Decision> Cancel(const Ledger& s, const CancelOccurrence& c, const Actor& a) {
  auto t = Resolve(s, c.task, c.occurrence, a, Who::kCoordinator, "cancel");
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "cancel"); !st.ok()) return st;
  if (Status st = RequireText("reason", c.reason); !st.ok()) return st;
  return On(*t, ev::kTaskCancelled, {{"reason", c.reason}}, a);
}

Result<Decision> Request(const Ledger& s, const RequestExtension& c, const Actor& a) {
  auto t = Resolve(s, c.task, c.occurrence, a, Who::kLead, "request an extension");
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "request an extension"); !st.ok()) return st;
  if (Status st = RequireText("reason", c.reason); !st.ok()) return st;
  if (!detail::IsClientId(c.request)) {
    return Invalid("request",
                   "is 1-64 letters, digits, '.', '_', ':' or '-', starting with a "
                   "letter or digit");
  }
  const Occurrence& o = *t->occurrence;
  if (!o.due)
    return Status::FailedPrecondition("occurrence " + o.key + " has no due date to extend");
  if (!(c.due > *o.due))
    return Invalid("due", "must be after the current due date " + ToIso(*o.due))
        .With("due-not-after", {{"field", "due"}, {"current", ToIso(*o.due)}});
  for (const ExtensionRequest& r : o.extensions) {
    if (r.id == c.request) return Status::AlreadyExists("request '" + c.request + "' exists");
    if (r.decision.empty()) {
      return Status::FailedPrecondition("request '" + r.id + "' is still awaiting a decision")
          .With("request-pending", {{"request", r.id}});
    }
  }
  return On(*t, ev::kTaskExtensionRequested,
            {{"request", c.request},
             {"due", ToIso(c.due)},
             {"current_due", ToIso(*o.due)},
             {"reason", c.reason}},
            a);
}

Result<Decision> DecideRequest(const Ledger& s, const DecideExtension& c, const Actor& a) {
  auto t = Resolve(s, c.task, c.occurrence, a, Who::kCoordinator, "decide extensions");
  if (!t.ok()) return t.status();
  const auto& rs = t->occurrence->extensions;
  auto r = std::find_if(rs.begin(), rs.end(),
                        [&](const ExtensionRequest& x) { return x.id == c.request; });
  if (r == rs.end()) return Status::NotFound("no extension request '" + c.request + "'");
  if (!r->decision.empty()) {
    return Status::FailedPrecondition("request '" + c.request + "' was already " + r->decision)
        .With("already-decided", {{"request", c.request}, {"decision", r->decision}});
  }
  if (Status st = RequireOpen(*t, "extend"); !st.ok()) return st;
  if (Status st = detail::OptionalText("comment", c.comment); !st.ok()) return st;
  json j = {{"request", c.request},
            {"decision", c.grant ? "granted" : "refused"},
            {"comment", c.comment}};
  if (c.grant) {
    const Date due = c.due.value_or(r->requested_due);
    if (t->occurrence->due && !(due > *t->occurrence->due)) {
      return Invalid("due", "must be after the current due date")
          .With("due-not-after", {{"field", "due"}, {"current", ToIso(*t->occurrence->due)}});
    }
    j["due"] = ToIso(due);
    if (t->occurrence->due) j["previous_due"] = ToIso(*t->occurrence->due);
  } else if (Trim(c.comment).empty()) {
    return Invalid("comment", "refusing an extension needs a comment saying why")
        .With("reason-required-refuse", {{"field", "comment"}});
  }
  return On(*t, ev::kTaskExtensionDecided, j, a);
}

Result<Decision> Comment(const Ledger& s, const AddComment& c, const Actor& a) {
  auto task = FindTask(s, c.task);
  if (!task.ok()) return task.status();
  if (a.role == ActorRole::kAgency && !s.RoleOf(a.agency, **task)) {
    return Status::PermissionDenied("only agencies involved in task " + c.task + " may comment")
        .With("part-required", {{"part", "participant"}, {"task", c.task}, {"action", "comment"}});
  }
  if (Status st = RequireText("text", c.text, 20000); !st.ok()) return st;
  json j = {{"text", c.text}};
  if (!c.occurrence.empty()) {
    if (!(*task)->Find(c.occurrence)) {
      return Status::NotFound("task " + c.task + " has no occurrence '" + c.occurrence + "'");
    }
    j["occurrence"] = c.occurrence;
  }
  Decision d;
  d.stream = ev::TaskStream(c.task);
  d.expected = ExpectedVersion::Exact((*task)->version);
  d.events.push_back(MakeEvent(ev::kTaskCommented, j, a));
  return d;
}

Result<Decision> Notified(const Ledger& s, const RecordNotification& c, const Actor& a) {
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

}  // namespace

Result<Decision> detail::DecideWork(const Ledger& s, const Command& c, const Actor& a,
                                    int64_t now_ms) {
  if (auto* x = std::get_if<StartWork>(&c)) return Start(s, *x, a);
  if (auto* x = std::get_if<ReportProgress>(&c)) return Progress(s, *x, a);
  if (auto* x = std::get_if<SubmitDeliverable>(&c)) return Submit(s, *x, a);
  if (auto* x = std::get_if<ReviewDeliverable>(&c)) return Review(s, *x, a, now_ms);
  if (auto* x = std::get_if<CancelOccurrence>(&c)) return Cancel(s, *x, a);
  if (auto* x = std::get_if<RecordCompletion>(&c)) return RecordDone(s, *x, a, now_ms);
  if (auto* x = std::get_if<RecordNotification>(&c)) return Notified(s, *x, a);
  if (auto* x = std::get_if<RequestExtension>(&c)) return Request(s, *x, a);
  if (auto* x = std::get_if<DecideExtension>(&c)) return DecideRequest(s, *x, a);
  if (auto* x = std::get_if<AddComment>(&c)) return Comment(s, *x, a);
  return Status::InvalidArgument("unknown command");
}

}  // namespace taskledger::domain
