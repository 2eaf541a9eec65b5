// Folding events into the Ledger. Event data is read with simdjson's DOM parser (one reused
// parser, no allocation per event in the steady state): a full nlohmann parse per event would cap
// replay at about half the rate the projections need.
#include <algorithm>

#include "domain/event_data.h"
#include "domain/event_types.h"
#include "domain/ledger.h"
#include "domain/text.h"

namespace taskledger::domain {
namespace {

using namespace event_data;
using simdjson::dom::array;
using simdjson::dom::element;

// Completed on the event's day (an acceptance, or a completion recorded later).
void Complete(Occurrence& o, const element& j) {
  o.status = OccurrenceStatus::kCompleted;
  o.completed_on = DateField(j, "completed_on");
  o.completed_late = Bool(j, "late");
  o.percent = 100;
}

}  // namespace

Status Ledger::Apply(const EventView& e) {
  position_ = e.position;
  last_recorded_at_ms_ = e.recorded_at_ms;
  if (e.type.starts_with("task.")) return ApplyTask(e);
  if (e.type.starts_with("agency.")) return ApplyAgency(e);
  if (e.type.starts_with("plan.")) return ApplyPlan(e);
  return Status::Ok();
}

Status Ledger::ApplyAgency(const EventView& e) {
  if (e.type != ev::kAgencyRegistered && e.type != ev::kAgencyUpdated) return Status::Ok();
  element j;
  if (Parser().parse(e.data.data(), e.data.size()).get(j)) {
    return Status::Corruption("unreadable " + std::string(e.type));
  }
  auto a = std::make_unique<Agency>(ReadAgency(j));
  if (a->id.empty()) return Status::Corruption("agency event without id");
  if (auto old = agencies_.find(a->id); old != agencies_.end()) {
    // Forget the old names and memberships before recording the new ones.
    for (auto& [name, ids] : agency_names_) std::erase(ids, a->id);
    for (const std::string& m : old->second->members) std::erase(groups_of_[m], a->id);
  }
  agency_names_[Fold(a->name)].push_back(a->id);
  if (!a->name_en.empty()) agency_names_[Fold(a->name_en)].push_back(a->id);
  agency_names_[Fold(a->id)].push_back(a->id);
  for (const std::string& alias : a->aliases) agency_names_[Fold(alias)].push_back(a->id);
  for (const std::string& m : a->members) groups_of_[m].push_back(a->id);
  const std::string id = a->id;
  agencies_[id] = std::move(a);
  return Status::Ok();
}

Status Ledger::ApplyPlan(const EventView& e) {
  element j;
  if (Parser().parse(e.data.data(), e.data.size()).get(j)) {
    return Status::Corruption("unreadable " + std::string(e.type));
  }
  if (e.type == ev::kPlanCreated) {
    auto p = std::make_unique<Plan>();
    p->id = std::string(Str(j, "id"));
    p->title = std::string(Str(j, "title"));
    p->number = std::string(Str(j, "number"));
    p->authority = std::string(Str(j, "authority"));
    p->issued = DateField(j, "issued");
    element period;
    if (j["period"].get(period) == simdjson::SUCCESS) {
      p->period.start = DateField(period, "start").value_or(Date{});
      p->period.end = DateField(period, "end").value_or(Date{});
    }
    array sections;
    if (j["sections"].get(sections) == simdjson::SUCCESS) {
      for (element s : sections) p->sections.push_back(ReadSection(s));
    }
    p->targets = Strs(j, "targets");
    p->open_to_participants = Bool(j, "open_to_participants");
    p->created_at_ms = e.recorded_at_ms;
    if (p->id.empty()) return Status::Corruption("plan event without id");
    const std::string id = p->id;
    plans_[id] = std::move(p);
    return Status::Ok();
  }
  if (e.type == ev::kPlanSectionsAdded) {
    auto it = plans_.find(Str(j, "plan"));
    if (it == plans_.end()) return Status::Corruption("sections for an unknown plan");
    Plan& p = *it->second;
    array sections;
    if (j["sections"].get(sections) == simdjson::SUCCESS) {
      for (element s : sections) {
        Section sec = ReadSection(s);
        const bool known = std::any_of(p.sections.begin(), p.sections.end(),
                                       [&](const Section& x) { return x.code == sec.code; });
        if (!known) p.sections.push_back(std::move(sec));
      }
    }
  }
  if (e.type == ev::kPlanEdited) {
    auto it = plans_.find(Str(j, "plan"));
    if (it == plans_.end()) return Status::Corruption("an edit of an unknown plan");
    Plan& p = *it->second;
    std::string_view text;
    if (j["title"].get(text) == simdjson::SUCCESS) p.title = std::string(text);
    if (j["number"].get(text) == simdjson::SUCCESS) p.number = std::string(text);
    if (j["authority"].get(text) == simdjson::SUCCESS) p.authority = std::string(text);
    if (auto issued = DateField(j, "issued")) p.issued = issued;
    element period;
    if (j["period"].get(period) == simdjson::SUCCESS) {
      p.period.start = DateField(period, "start").value_or(p.period.start);
      p.period.end = DateField(period, "end").value_or(p.period.end);
    }
    return Status::Ok();
  }
  if (e.type == ev::kPlanVisibilityChanged) {
    auto it = plans_.find(Str(j, "plan"));
    if (it == plans_.end()) return Status::Corruption("visibility of an unknown plan");
    it->second->open_to_participants = Bool(j, "open_to_participants");
  }
  return Status::Ok();
}

Status Ledger::ApplyTask(const EventView& e) {
  if (!e.stream.starts_with("task-")) return Status::Corruption("task event outside a task stream");
  const std::string_view id = e.stream.substr(5);
  // A ledger limited to some plans skips the others' tasks without reading their events, by
  // the plan their id begins with (a plan id has no ':'): no lookup in the tasks' table, whose
  // nodes are a cache miss each.
  if (scope_ && e.type != ev::kTaskCreated && !scope_->contains(id.substr(0, id.find(':')))) {
    return Status::Ok();
  }
  element j;
  if (Parser().parse(e.data.data(), e.data.size()).get(j)) {
    return Status::Corruption("unreadable " + std::string(e.type));
  }
  if (e.type == ev::kTaskCreated) {
    if (scope_ && !scope_->contains(Str(j, "plan"))) {
      ++next_task_seq_;
      if (auto p = plans_.find(Str(j, "plan")); p != plans_.end()) {
        p->second->task_ids.emplace_back(id);
      }
      return Status::Ok();
    }
    auto t = std::make_unique<Task>();
    t->id = std::string(id);
    t->seq = next_task_seq_++;
    t->plan = std::string(Str(j, "plan"));
    t->code = std::string(Str(j, "code"));
    t->title = std::string(Str(j, "title"));
    t->section = std::string(Str(j, "section"));
    t->lead = Strs(j, "lead");
    t->coordinating = Strs(j, "coordinating");
    t->deliverable = std::string(Str(j, "deliverable"));
    element deadline;
    if (j["deadline"].get(deadline) == simdjson::SUCCESS) t->schedule = ReadSchedule(deadline);
    t->targets = Strs(j, "targets");
    t->occurrences = ReadOccurrences(j);
    t->version = e.version;
    t->updated_at_ms = e.recorded_at_ms;
    if (auto p = plans_.find(t->plan); p != plans_.end()) p->second->task_ids.push_back(t->id);
    if (auto old = tasks_.find(id); old != tasks_.end()) {
      UnindexAll(*old->second);
      tasks_.erase(old);
    }
    Task& ref = *t;
    tasks_.emplace(std::string_view(ref.id), std::move(t));
    IndexAll(ref);
    return Status::Ok();
  }

  auto found = tasks_.find(id);
  if (found == tasks_.end()) {
    return Status::Corruption(std::string(e.type) + " before task.created");
  }
  Task& t = *found->second;
  t.version = e.version;
  if (e.type == ev::kTaskNotificationDelivered || e.type == ev::kTaskNotificationFailed) {
    // The server's record of telling someone: not a change to the work, so updated_at stays.
    Notification n;
    n.occurrence = std::string(Str(j, "occurrence"));
    n.message = std::string(Str(j, "message"));
    n.endpoint = std::string(Str(j, "endpoint"));
    n.agency = std::string(Str(j, "agency"));
    n.type = std::string(Str(j, "type"));
    if (const std::string_view channel = Str(j, "channel"); !channel.empty()) {
      n.channel = std::string(channel);
    }
    n.address = std::string(Str(j, "address"));
    n.delivered = e.type == ev::kTaskNotificationDelivered;
    n.attempts = static_cast<int>(Int(j, "attempts"));
    n.status = static_cast<int>(Int(j, "status"));
    n.error = std::string(Str(j, "error"));
    n.at_ms = Int(j, "at", e.recorded_at_ms);
    t.notifications.push_back(std::move(n));
    return Status::Ok();
  }
  t.updated_at_ms = e.recorded_at_ms;

  if (e.type == ev::kTaskEdited) {
    if (auto v = Str(j, "title"); !v.empty()) t.title = std::string(v);
    if (auto v = Str(j, "deliverable"); !v.empty()) t.deliverable = std::string(v);
    if (auto v = Str(j, "section"); !v.empty()) t.section = std::string(v);
    if (j["targets"].error() == simdjson::SUCCESS) t.targets = Strs(j, "targets");
    return Status::Ok();
  }
  if (e.type == ev::kTaskReassigned) {
    UnindexAll(t);
    t.lead = Strs(j, "lead");
    t.coordinating = Strs(j, "coordinating");
    IndexAll(t);
    return Status::Ok();
  }
  if (e.type == ev::kTaskDeadlineChanged) {
    UnindexAll(t);
    element deadline;
    if (j["deadline"].get(deadline) == simdjson::SUCCESS) t.schedule = ReadSchedule(deadline);
    std::vector<Occurrence> next = ReadOccurrences(j);
    for (Occurrence& o : t.occurrences) o.dropped = true;
    for (Occurrence& n : next) {
      auto same = std::find_if(t.occurrences.begin(), t.occurrences.end(),
                               [&](const Occurrence& o) { return o.key == n.key; });
      if (same == t.occurrences.end()) {
        t.occurrences.push_back(std::move(n));
      } else {
        same->dropped = false;
        same->start = n.start;
        same->due = n.due;
        same->original_due = n.due;
        if (!n.target.empty()) same->target = n.target;
      }
    }
    IndexAll(t);
    return Status::Ok();
  }

  const std::string_view key = Str(j, "occurrence");
  auto occ = std::find_if(t.occurrences.begin(), t.occurrences.end(),
                          [&](const Occurrence& o) { return o.key == key && !o.dropped; });
  if (occ == t.occurrences.end()) {
    if (e.type == ev::kTaskCommented) return Status::Ok();  // a comment on the task as a whole
    return Status::Corruption(std::string(e.type) + " for unknown occurrence '" + std::string(key) +
                              "' of task " + t.id);
  }
  Occurrence& o = *occ;
  const auto index = static_cast<uint32_t>(occ - t.occurrences.begin());

  if (e.type == ev::kTaskStarted) {
    if (o.status == OccurrenceStatus::kNotStarted) o.status = OccurrenceStatus::kInProgress;
  } else if (e.type == ev::kTaskProgressReported) {
    o.percent = static_cast<int>(Int(j, "percent", o.percent));
    o.last_progress.assign(Str(j, "narrative"));
    if (o.status == OccurrenceStatus::kNotStarted) o.status = OccurrenceStatus::kInProgress;
  } else if (e.type == ev::kTaskDeliverableSubmitted) {
    element d;
    if (j["deliverable"].get(d) != simdjson::SUCCESS) return Status::Corruption("no deliverable");
    Deliverable x;
    x.id = std::string(Str(d, "id"));
    x.name = std::string(Str(d, "name"));
    x.sha256 = std::string(Str(d, "sha256"));
    x.size = Int(d, "size");
    x.note = std::string(Str(d, "note"));
    x.submitted_by = std::string(e.actor);
    x.submitted_at_ms = e.recorded_at_ms;
    o.deliverables.push_back(std::move(x));
    o.status = OccurrenceStatus::kSubmitted;
  } else if (e.type == ev::kTaskDeliverableReviewed) {
    const std::string_view did = Str(j, "deliverable");
    const std::string_view decision = Str(j, "decision");
    for (Deliverable& d : o.deliverables) {
      if (d.id == did) {
        d.review = std::string(decision);
        d.review_comment = std::string(Str(j, "comment"));
      }
    }
    if (decision == "accepted") {
      Unindex(t, index);
      Complete(o, j);
    } else {
      o.status = OccurrenceStatus::kInProgress;
    }
  } else if (e.type == ev::kTaskCompletionRecorded) {
    Unindex(t, index);
    Complete(o, j);
  } else if (e.type == ev::kTaskCancelled) {
    Unindex(t, index);
    o.status = OccurrenceStatus::kCancelled;
  } else if (e.type == ev::kTaskExtensionRequested) {
    ExtensionRequest r;
    r.id = std::string(Str(j, "request"));
    r.requested_due = DateField(j, "due").value_or(Date{});
    r.reason = std::string(Str(j, "reason"));
    r.requested_by = std::string(e.actor);
    o.extensions.push_back(std::move(r));
  } else if (e.type == ev::kTaskExtensionDecided) {
    const std::string_view rid = Str(j, "request");
    const std::string_view decision = Str(j, "decision");
    for (ExtensionRequest& r : o.extensions) {
      if (r.id != rid) continue;
      r.decision = std::string(decision);
      r.decided_by = std::string(e.actor);
      r.decided_at_ms = e.recorded_at_ms;
    }
    if (decision == "granted") {
      Unindex(t, index);
      o.due = DateField(j, "due");
      Index(t, index);
    }
  }
  return Status::Ok();
}

}  // namespace taskledger::domain
