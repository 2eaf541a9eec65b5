// Deciding the occurrence lifecycle: start, progress, deliverables and their review,
// cancellation, extensions and comments.
//
//   not started -> in progress -> submitted -> completed (accepted)
//                       ^             |
//                       +-- returned -+          cancelled (coordinator, with a reason)
#include <algorithm>
#include <set>

#include "domain/commands.h"
#include "domain/commands_util.h"
#include "domain/event_types.h"

namespace taskledger::domain {

using detail::FindTask;
using detail::Invalid;
using detail::OnTask;
using detail::RequireText;
using nlohmann::json;

namespace {

// The task and occurrence a command names, with the actor's right to act on it checked, and the
// record it acts on: the occurrence's own, or one member's part.
struct Target {
  const Task* task;
  const Occurrence* occurrence;
  const Part* part = nullptr;  // a member's part; null: the occurrence as a whole
  std::string member;          // the part's member

  OccurrenceStatus status() const { return part ? part->status : occurrence->own_status; }
  std::optional<Date> due() const { return part ? DueOf(*part, *occurrence) : occurrence->due; }
  const std::vector<Deliverable>& deliverables() const {
    return part ? part->deliverables() : occurrence->deliverables;
  }
  const std::vector<ExtensionRequest>& extensions() const {
    return part ? part->extensions() : occurrence->extensions;
  }
  // "occurrence 2026 of task X" or "truong-a's part of occurrence 2026 of task X".
  std::string Name() const {
    std::string name = "occurrence " + occurrence->key + " of task " + task->id;
    return part ? member + "'s part of " + name : name;
  }
};

enum class Who { kLead, kLeadOrCoordinating, kCoordinator };

Status NotYours(const Task& task, Who who, std::string_view what) {
  const char* needed = who == Who::kCoordinator ? "a coordinator"
                       : who == Who::kLead      ? "the lead agency"
                                                : "a lead or coordinating agency";
  const char* part = who == Who::kCoordinator ? "coordinator"
                     : who == Who::kLead      ? "lead"
                                              : "participant";
  return Status::PermissionDenied("only " + std::string(needed) + " of task " + task.id + " may " +
                                  std::string(what))
      .With("part-required", {{"part", part}, {"task", task.id}, {"action", std::string(what)}});
}

// The part `member` holds in `o` and may act on today: one it has, whose membership still holds.
Result<const Part*> HeldPart(const Ledger& s, const Task& task, const Occurrence& o,
                             const std::string& member, int64_t now_ms) {
  const Part* p = s.PartOf(member, o);
  if (!p) {
    return Status::NotFound("'" + member + "' has no part of occurrence " + o.key + " of task " +
                            task.id)
        .With("no-part", {{"member", member}, {"occurrence", o.key}, {"task", task.id}});
  }
  if (!p->HeldOn(HeldDay(o, DateAtUtcMs(now_ms)))) {
    return Status::FailedPrecondition("'" + member + "' no longer holds a part of occurrence " +
                                      o.key + " of task " + task.id +
                                      " (it left the group, or joined after the due date)")
        .With("part-not-held", {{"member", member}, {"occurrence", o.key}, {"task", task.id}});
  }
  return p;
}

Result<Target> Resolve(const Ledger& s, std::string_view task_id, std::string_view key,
                       const std::string& part, const Actor& a, Who who, std::string_view what,
                       int64_t now_ms) {
  auto t = FindTask(s, task_id);
  if (!t.ok()) return t.status();
  const Task* task = *t;
  // Whose record: an agency named in the task acts on the occurrence; one that sees it through
  // a group, on its own part and nothing else; a coordinator on the part it names.
  std::string member;
  if (a.role == ActorRole::kAgency) {
    const std::optional<Role> role = s.RoleOf(a.agency, *task);
    if (!role || who == Who::kCoordinator) return NotYours(*task, who, what);
    if (s.NamedIn(a.agency, *task)) {
      if (who == Who::kLead && *role != Role::kLead) return NotYours(*task, who, what);
      if (!part.empty() && part != a.agency) return NotYours(*task, Who::kCoordinator, what);
    } else {
      if (!part.empty() && part != a.agency) return NotYours(*task, Who::kCoordinator, what);
      member = a.agency;  // its own part, whether its group leads or coordinates
    }
  } else {
    member = part;
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
  Target target{task, o};
  if (!member.empty()) {
    auto p = HeldPart(s, *task, *o, member, now_ms);
    if (!p.ok()) return p.status();
    target.part = *p;
    target.member = member;
  }
  return target;
}

// Whether the record acted on is open: the occurrence (a part is worked on while its occurrence
// is), and the part.
Status RequireOpen(const Target& t, std::string_view what) {
  const bool occurrence_open = t.occurrence->open();
  if (occurrence_open && (!t.part || t.part->open())) return Status::Ok();
  const OccurrenceStatus status = occurrence_open ? t.part->status : t.occurrence->status;
  Status s = Status::FailedPrecondition(t.Name() + " is " + std::string(ToString(status)) +
                                        "; cannot " + std::string(what));
  Status::Args args = {{"occurrence", t.occurrence->key},
                       {"task", t.task->id},
                       {"status", std::string(ToString(status))},
                       {"action", std::string(what)}};
  if (!occurrence_open) return std::move(s).With("occurrence-closed", std::move(args));
  args.emplace_back("member", t.member);
  return std::move(s).With("part-closed", std::move(args));
}

Decision On(const Target& t, std::string_view type, json data, const Actor& a) {
  data["occurrence"] = t.occurrence->key;
  if (t.part) data["part"] = t.member;
  return OnTask(*t.task, type, data, a);
}

Result<Decision> Start(const Ledger& s, const StartWork& c, const Actor& a, int64_t now_ms) {
  auto t = Resolve(s, c.task, c.occurrence, c.part, a, Who::kLead, "start work", now_ms);
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "start work"); !st.ok()) return st;
  if (t->status() != OccurrenceStatus::kNotStarted) {
    return Status::FailedPrecondition(t->Name() + " is already " +
                                      std::string(ToString(t->status())));
  }
  return On(*t, ev::kTaskStarted, json::object(), a);
}

Result<Decision> Progress(const Ledger& s, const ReportProgress& c, const Actor& a,
                          int64_t now_ms) {
  auto t = Resolve(s, c.task, c.occurrence, c.part, a, Who::kLeadOrCoordinating, "report progress",
                   now_ms);
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "report progress"); !st.ok()) return st;
  if (c.percent < 0 || c.percent > 100) return Invalid("percent", "must be 0 to 100");
  if (Status st = detail::OptionalText("narrative", c.narrative, 20000); !st.ok()) return st;
  json indicators = json::parse(c.indicators_json, nullptr, /*allow_exceptions=*/false);
  if (!indicators.is_object()) return Invalid("indicators", "must be a JSON object");
  return On(*t, ev::kTaskProgressReported,
            {{"percent", c.percent}, {"narrative", c.narrative}, {"indicators", indicators}}, a);
}

Result<Decision> Submit(const Ledger& s, const SubmitDeliverable& c, const Actor& a,
                        int64_t now_ms) {
  auto t = Resolve(s, c.task, c.occurrence, c.part, a, Who::kLead, "submit deliverables", now_ms);
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
  for (const Deliverable& x : t->deliverables()) {
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

// Completion on `day`: on time or late against the due date in force now, after any extensions
// (a part's own, when it has one).
void Completed(const Target& t, Date day, json& j) {
  const std::optional<Date> due = t.due();
  j["completed_on"] = ToIso(day);
  j["late"] = due.has_value() && day > *due;
  if (due) j["due"] = ToIso(*due);
}

Result<Decision> Review(const Ledger& s, const ReviewDeliverable& c, const Actor& a,
                        int64_t now_ms) {
  auto t =
      Resolve(s, c.task, c.occurrence, c.part, a, Who::kCoordinator, "review deliverables", now_ms);
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "review a deliverable"); !st.ok()) return st;
  const auto& ds = t->deliverables();
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
  if (c.accept) Completed(*t, c.effective_on.value_or(DateAtUtcMs(now_ms)), j);
  return On(*t, ev::kTaskDeliverableReviewed, j, a);
}

Result<Decision> RecordDone(const Ledger& s, const RecordCompletion& c, const Actor& a,
                            int64_t now_ms) {
  auto t =
      Resolve(s, c.task, c.occurrence, c.part, a, Who::kCoordinator, "record a completion", now_ms);
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "record a completion"); !st.ok()) return st;
  if (Status st = EffectiveOn(c.completed_on, c.reason, now_ms, "completed_on"); !st.ok()) {
    return st;
  }
  json j = {{"effective_on", ToIso(c.completed_on)}, {"reason", c.reason}};
  Completed(*t, c.completed_on, j);
  return On(*t, ev::kTaskCompletionRecorded, j, a);
}

Result<Decision> Cancel(const Ledger& s, const CancelOccurrence& c, const Actor& a,
                        int64_t now_ms) {
  auto t = Resolve(s, c.task, c.occurrence, c.part, a, Who::kCoordinator, "cancel", now_ms);
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "cancel"); !st.ok()) return st;
  if (Status st = RequireText("reason", c.reason); !st.ok()) return st;
  return On(*t, ev::kTaskCancelled, {{"reason", c.reason}}, a);
}

Result<Decision> Request(const Ledger& s, const RequestExtension& c, const Actor& a,
                         int64_t now_ms) {
  auto t = Resolve(s, c.task, c.occurrence, c.part, a, Who::kLead, "request an extension", now_ms);
  if (!t.ok()) return t.status();
  if (Status st = RequireOpen(*t, "request an extension"); !st.ok()) return st;
  if (Status st = RequireText("reason", c.reason); !st.ok()) return st;
  if (!detail::IsClientId(c.request)) {
    return Invalid("request",
                   "is 1-64 letters, digits, '.', '_', ':' or '-', starting with a "
                   "letter or digit");
  }
  const std::optional<Date> due = t->due();
  if (!due) return Status::FailedPrecondition(t->Name() + " has no due date to extend");
  if (!(c.due > *due))
    return Invalid("due", "must be after the current due date " + ToIso(*due))
        .With("due-not-after", {{"field", "due"}, {"current", ToIso(*due)}});
  for (const ExtensionRequest& r : t->extensions()) {
    if (r.id == c.request) return Status::AlreadyExists("request '" + c.request + "' exists");
    if (r.decision.empty()) {
      return Status::FailedPrecondition("request '" + r.id + "' is still awaiting a decision")
          .With("request-pending", {{"request", r.id}});
    }
  }
  return On(*t, ev::kTaskExtensionRequested,
            {{"request", c.request},
             {"due", ToIso(c.due)},
             {"current_due", ToIso(*due)},
             {"reason", c.reason}},
            a);
}

Result<Decision> DecideRequest(const Ledger& s, const DecideExtension& c, const Actor& a,
                               int64_t now_ms) {
  auto t =
      Resolve(s, c.task, c.occurrence, c.part, a, Who::kCoordinator, "decide extensions", now_ms);
  if (!t.ok()) return t.status();
  const auto& rs = t->extensions();
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
    const std::optional<Date> current = t->due();
    if (current && !(due > *current)) {
      return Invalid("due", "must be after the current due date")
          .With("due-not-after", {{"field", "due"}, {"current", ToIso(*current)}});
    }
    j["due"] = ToIso(due);
    if (current) j["previous_due"] = ToIso(*current);
  } else if (Trim(c.comment).empty()) {
    return Invalid("comment", "refusing an extension needs a comment saying why")
        .With("reason-required-refuse", {{"field", "comment"}});
  }
  return On(*t, ev::kTaskExtensionDecided, j, a);
}

Result<Decision> Comment(const Ledger& s, const AddComment& c, const Actor& a, int64_t now_ms) {
  auto task = FindTask(s, c.task);
  if (!task.ok()) return task.status();
  if (a.role == ActorRole::kAgency && !s.RoleOf(a.agency, **task)) {
    return Status::PermissionDenied("only agencies involved in task " + c.task + " may comment")
        .With("part-required", {{"part", "participant"}, {"task", c.task}, {"action", "comment"}});
  }
  if (Status st = RequireText("text", c.text, 20000); !st.ok()) return st;
  json j = {{"text", c.text}};
  // A member seeing the task through a group comments on its own part (of an occurrence), so its
  // words reach the coordinators and not the other members.
  const bool member = a.role == ActorRole::kAgency && !s.NamedIn(a.agency, **task);
  if (!c.part.empty() && a.role == ActorRole::kAgency && c.part != a.agency) {
    return NotYours(**task, Who::kCoordinator, "comment");
  }
  const std::string part = member ? a.agency : c.part;
  std::string key = c.occurrence;
  if (!part.empty() && key.empty()) {
    // A part is of an occurrence: the one the task is at, unless another is named.
    const Occurrence* current = CurrentOccurrence(**task);
    if (!current) return Invalid("occurrence", "name the occurrence the comment is about");
    key = current->key;
  }
  if (!key.empty()) {
    const Occurrence* o = (*task)->Find(key);
    if (!o) return Status::NotFound("task " + c.task + " has no occurrence '" + key + "'");
    j["occurrence"] = key;
    if (!part.empty()) {
      auto p = HeldPart(s, **task, *o, part, now_ms);
      if (!p.ok()) return p.status();
      j["part"] = part;
    }
  }
  return OnTask(**task, ev::kTaskCommented, j, a);
}

}  // namespace

Result<Decision> detail::DecideWork(const Ledger& s, const Command& c, const Actor& a,
                                    int64_t now_ms) {
  if (auto* x = std::get_if<StartWork>(&c)) return Start(s, *x, a, now_ms);
  if (auto* x = std::get_if<ReportProgress>(&c)) return Progress(s, *x, a, now_ms);
  if (auto* x = std::get_if<SubmitDeliverable>(&c)) return Submit(s, *x, a, now_ms);
  if (auto* x = std::get_if<ReviewDeliverable>(&c)) return Review(s, *x, a, now_ms);
  if (auto* x = std::get_if<CancelOccurrence>(&c)) return Cancel(s, *x, a, now_ms);
  if (auto* x = std::get_if<RecordCompletion>(&c)) return RecordDone(s, *x, a, now_ms);
  if (auto* x = std::get_if<RecordNotification>(&c)) return detail::DecideNotified(s, *x, a);
  if (auto* x = std::get_if<RequestExtension>(&c)) return Request(s, *x, a, now_ms);
  if (auto* x = std::get_if<DecideExtension>(&c)) return DecideRequest(s, *x, a, now_ms);
  if (auto* x = std::get_if<AddComment>(&c)) return Comment(s, *x, a, now_ms);
  return Status::InvalidArgument("unknown command");
}

}  // namespace taskledger::domain
