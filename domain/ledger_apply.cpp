// Folding events into the Ledger: agencies, plans and tasks (the work on an occurrence or a
// member's part of it: ledger_work.cpp). Event data is read with simdjson's DOM parser (one reused
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

}  // namespace

Status Ledger::Apply(const EventView& e) {
  position_ = e.position;
  last_recorded_at_ms_ = e.recorded_at_ms;
  if (e.type.starts_with("task.")) return ApplyTask(e);
  if (e.type.starts_with("agency.")) {
    ++context_;
    return ApplyAgency(e);
  }
  if (e.type.starts_with("plan.")) {
    ++context_;
    return ApplyPlan(e);
  }
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
  // The day its members joined: those already in keep theirs, the new ones join on the day the
  // update took effect (recorded then, or the earlier day it says). Members of a group as first
  // registered have been in it from the start.
  const Day day = DayOf(DateField(j, "effective_on").value_or(DateAtUtcMs(e.recorded_at_ms)));
  bool membership_changed = !a->members.empty();
  a->joined.assign(a->members.size(), kAlways);
  if (auto old = agencies_.find(a->id); old != agencies_.end()) {
    // Forget the old names and memberships before recording the new ones.
    for (auto& [name, ids] : agency_names_) std::erase(ids, a->id);
    const Agency& was = *old->second;
    for (const std::string& m : was.members) std::erase(groups_of_[m], a->id);
    for (size_t i = 0; i < a->members.size(); ++i) {
      auto in = std::find(was.members.begin(), was.members.end(), a->members[i]);
      a->joined[i] = in == was.members.end() ? day : was.joined[in - was.members.begin()];
    }
    membership_changed = was.members != a->members || was.kind != a->kind;
  } else {
    agency_nos_.emplace(a->id, static_cast<uint32_t>(agency_ids_.size()));
    agency_ids_.push_back(a->id);
  }
  agency_names_[Fold(a->name)].push_back(a->id);
  if (!a->name_en.empty()) agency_names_[Fold(a->name_en)].push_back(a->id);
  agency_names_[Fold(a->id)].push_back(a->id);
  for (const std::string& alias : a->aliases) agency_names_[Fold(alias)].push_back(a->id);
  for (const std::string& m : a->members) groups_of_[m].push_back(a->id);
  const std::string id = a->id;
  agencies_[id] = std::move(a);
  if (membership_changed) {
    all_changed_ = true;
    HoldPartsOfGroup(id, day);
  }
  return Status::Ok();
}

Status Ledger::ApplyPlan(const EventView& e) {
  element j;
  if (Parser().parse(e.data.data(), e.data.size()).get(j)) {
    return Status::Corruption("unreadable " + std::string(e.type));
  }
  if (tracking_) {
    const std::string_view plan = Str(j, e.type == ev::kPlanCreated ? "id" : "plan");
    if (!changed_plans_.contains(plan)) changed_plans_.emplace(plan);
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
  if (e.type == ev::kPlanReportPrepared) {
    auto it = plans_.find(Str(j, "plan"));
    if (it == plans_.end()) return Status::Corruption("a report of an unknown plan");
    const std::optional<Date> as_of = DateField(j, "as_of");
    if (!as_of) return Status::Corruption("a report without its day");
    ReportParticulars r;
    r.as_of = *as_of;
    r.issuer = std::string(Str(j, "issuer"));
    r.number = std::string(Str(j, "number"));
    r.place = std::string(Str(j, "place"));
    r.dated = DateField(j, "dated");
    r.signer_title = std::string(Str(j, "signer_title"));
    r.signer_name = std::string(Str(j, "signer_name"));
    r.recipients = std::string(Str(j, "recipients"));
    r.assessment = std::string(Str(j, "assessment"));
    r.shortcomings = std::string(Str(j, "shortcomings"));
    r.recommendations = std::string(Str(j, "recommendations"));
    r.proposals = std::string(Str(j, "proposals"));
    r.prepared_by = std::string(e.actor);
    r.prepared_at_ms = e.recorded_at_ms;
    std::vector<ReportParticulars>& all = it->second->reports;
    auto at = std::lower_bound(all.begin(), all.end(), r.as_of,
                               [](const ReportParticulars& x, Date d) { return x.as_of < d; });
    if (at != all.end() && at->as_of == r.as_of) {
      *at = std::move(r);
    } else {
      all.insert(at, std::move(r));
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
  if (tracking_) {
    // A task's id begins with its plan's (a plan id has no ':').
    const std::string_view plan = id.substr(0, id.find(':'));
    if (!changed_plans_.contains(plan)) changed_plans_.emplace(plan);
  }
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
      ++context_;  // a Task* of this ledger may now name another task
    }
    Task& ref = *t;
    tasks_.emplace(std::string_view(ref.id), std::move(t));
    HoldParts(ref, DayOf(DateAtUtcMs(e.recorded_at_ms)));
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
  const Day day = DayOf(DateAtUtcMs(e.recorded_at_ms));
  if (e.type == ev::kTaskReassigned) {
    UnindexAll(t);
    t.lead = Strs(j, "lead");
    t.coordinating = Strs(j, "coordinating");
    HoldParts(t, day);
    IndexAll(t);
    return Status::Ok();
  }
  if (e.type == ev::kTaskRuleChanged) {
    UnindexAll(t);
    t.rule.kind = ParseRuleKind(Str(j, "rule")).value_or(RuleKind::kDefault);
    t.rule.percent = static_cast<int>(Int(j, "percent", 100));
    for (Occurrence& o : t.occurrences) Settle(t, o);
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
    HoldParts(t, day);  // new occurrences get their parts; every one is counted afresh
    IndexAll(t);
    return Status::Ok();
  }

  const std::string_view key = Str(j, "occurrence");
  auto occ = std::find_if(t.occurrences.begin(), t.occurrences.end(),
                          [&](const Occurrence& o) { return o.key == key && !o.dropped; });
  if (occ == t.occurrences.end()) {
    if (e.type == ev::kTaskCommented || e.type == ev::kTaskPartsReminded) {
      return Status::Ok();  // about the task as a whole
    }
    return Status::Corruption(std::string(e.type) + " for unknown occurrence '" + std::string(key) +
                              "' of task " + t.id);
  }
  Part* part = nullptr;
  if (const std::string_view member = Str(j, "part"); !member.empty()) {
    const std::optional<uint32_t> no = AgencyNo(member);
    part = no ? occ->FindPart(*no) : nullptr;
    if (!part) {
      return Status::Corruption(std::string(e.type) + " for a part '" + std::string(member) +
                                "' that occurrence " + occ->key + " of task " + t.id +
                                " does not have");
    }
  }
  return ApplyWork(e, EventData{j}, t, static_cast<uint32_t>(occ - t.occurrences.begin()), part);
}
}  // namespace taskledger::domain
