// The tasks' part of projection checkpoints: each task with its occurrences and parts, and the
// parts' details apart (ledger.h, EncodeTasks).
#include <algorithm>
#include <map>

#include "domain/codec_binary.h"
#include "domain/ledger.h"

namespace taskledger::domain {
namespace {

using codec::GetDate;
using codec::GetEnum;
using codec::GetOptionalDate;
using codec::Put;

void Put(BinaryWriter& w, const Schedule& s) {
  w.Str(s.text);
  w.U64(static_cast<uint64_t>(s.kind));
  Put(w, s.start);
  w.U64(s.milestones.size());
  for (const Milestone& m : s.milestones) {
    w.Str(m.key);
    Put(w, m.due);
    Put(w, m.start);
  }
  w.U64(static_cast<uint64_t>(s.every));
  Put(w, s.until);
}
Schedule GetSchedule(BinaryReader& r) {
  Schedule s;
  s.text = r.Str();
  s.kind = GetEnum(r, ScheduleKind::kUnscheduled);
  s.start = GetOptionalDate(r);
  s.milestones.resize(r.Count(3));
  for (Milestone& m : s.milestones) {
    m.key = r.Str();
    m.due = GetDate(r);
    m.start = GetOptionalDate(r);
  }
  s.every = GetEnum(r, Period::kWeek);
  s.until = GetOptionalDate(r);
  return s;
}

void Put(BinaryWriter& w, const Deliverable& d) {
  for (const std::string* s : {&d.id, &d.name, &d.sha256}) w.Str(*s);
  w.I64(d.size);
  for (const std::string* s : {&d.note, &d.submitted_by}) w.Str(*s);
  w.I64(d.submitted_at_ms);
  for (const std::string* s : {&d.review, &d.review_comment}) w.Str(*s);
}
void Get(BinaryReader& r, Deliverable& d) {
  for (std::string* s : {&d.id, &d.name, &d.sha256}) *s = r.Str();
  d.size = r.I64();
  for (std::string* s : {&d.note, &d.submitted_by}) *s = r.Str();
  d.submitted_at_ms = r.I64();
  for (std::string* s : {&d.review, &d.review_comment}) *s = r.Str();
}
void Put(BinaryWriter& w, const ExtensionRequest& x) {
  w.Str(x.id);
  Put(w, x.requested_due);
  for (const std::string* s : {&x.reason, &x.requested_by, &x.decision, &x.decided_by}) {
    w.Str(*s);
  }
  w.I64(x.decided_at_ms);
}
void Get(BinaryReader& r, ExtensionRequest& x) {
  x.id = r.Str();
  x.requested_due = GetDate(r);
  for (std::string* s : {&x.reason, &x.requested_by, &x.decision, &x.decided_by}) *s = r.Str();
  x.decided_at_ms = r.I64();
}

// A part: a few small numbers — the member by its number (the shared part's numbering), its
// status and flags in one, its progress, and only the days it has. Its words, files and requests
// are apart (PutDetail, the plan's details section), so that a report of a past day, which only
// counts, reads a few bytes per part rather than its files' names and narratives.
enum PartBits : uint64_t {
  kLate = 8,
  kLead = 16,
  kJoined = 32,
  kLeft = 64,
  kOwnDue = 128,
  kCompletedOn = 256,
  kAllBits = 511
};

void Put(BinaryWriter& w, const Part& p) {
  w.U64(p.member);
  w.U64(static_cast<uint64_t>(p.status) | (p.completed_late ? kLate : 0) | (p.lead ? kLead : 0) |
        (p.joined != kAlways ? kJoined : 0) | (p.left != kNever ? kLeft : 0) |
        (p.due != kNoDay ? kOwnDue : 0) | (p.completed_on != kNoDay ? kCompletedOn : 0));
  w.U64(p.percent);
  for (Day d : {p.joined, p.left, p.due, p.completed_on}) {
    if (d != kAlways && d != kNever) w.I64(d);  // kAlways == kNoDay: absent either way
  }
}
Part GetPart(BinaryReader& r) {
  Part p;
  p.member = static_cast<uint32_t>(r.U64());
  const uint64_t flags = r.U64();
  if ((flags & 7) > static_cast<uint64_t>(OccurrenceStatus::kCancelled) || flags > kAllBits) {
    r.Raw(SIZE_MAX);  // marks the reader failed
    return p;
  }
  p.status = static_cast<OccurrenceStatus>(flags & 7);
  p.completed_late = flags & kLate;
  p.lead = flags & kLead;
  p.percent = static_cast<uint8_t>(std::min<uint64_t>(r.U64(), 100));
  const auto day = [&](uint64_t bit, Day absent) {
    return flags & bit ? static_cast<Day>(r.I64()) : absent;
  };
  p.joined = day(kJoined, kAlways);
  p.left = day(kLeft, kNever);
  p.due = day(kOwnDue, kNoDay);
  p.completed_on = day(kCompletedOn, kNoDay);
  return p;
}

void PutDetail(BinaryWriter& w, const PartDetail& d) {
  w.Str(d.last_progress);
  w.U64(d.deliverables.size());
  for (const Deliverable& x : d.deliverables) Put(w, x);
  w.U64(d.extensions.size());
  for (const ExtensionRequest& x : d.extensions) Put(w, x);
}
void GetDetail(BinaryReader& r, PartDetail& d) {
  d.last_progress = r.Str();
  d.deliverables.resize(r.Count(9));
  for (Deliverable& x : d.deliverables) Get(r, x);
  d.extensions.resize(r.Count(5));
  for (ExtensionRequest& x : d.extensions) Get(r, x);
}

void Put(BinaryWriter& w, const Occurrence& o) {
  w.Str(o.key);
  Put(w, o.start);
  Put(w, o.due);
  Put(w, o.original_due);
  w.Str(o.target);
  w.U64(static_cast<uint64_t>(o.status));
  Put(w, o.completed_on);
  w.Bool(o.completed_late);
  w.I64(o.percent);
  w.Str(o.last_progress);
  w.U64(o.deliverables.size());
  for (const Deliverable& d : o.deliverables) Put(w, d);
  w.U64(o.extensions.size());
  for (const ExtensionRequest& x : o.extensions) Put(w, x);
  w.Bool(o.dropped);
  w.U64(static_cast<uint64_t>(o.own_status));
  Put(w, o.own_completed_on);
  w.Bool(o.own_late);
  w.U64(o.parts.size());
  for (const Part& p : o.parts) Put(w, p);
}
Occurrence GetOccurrence(BinaryReader& r) {
  Occurrence o;
  o.key = r.Str();
  o.start = GetOptionalDate(r);
  o.due = GetOptionalDate(r);
  o.original_due = GetOptionalDate(r);
  o.target = r.Str();
  o.status = GetEnum(r, OccurrenceStatus::kCancelled);
  o.completed_on = GetOptionalDate(r);
  o.completed_late = r.Bool();
  o.percent = static_cast<int>(r.I64());
  o.last_progress = r.Str();
  o.deliverables.resize(r.Count(9));
  for (Deliverable& d : o.deliverables) Get(r, d);
  o.extensions.resize(r.Count(5));
  for (ExtensionRequest& x : o.extensions) Get(r, x);
  o.dropped = r.Bool();
  o.own_status = GetEnum(r, OccurrenceStatus::kCancelled);
  o.own_completed_on = GetOptionalDate(r);
  o.own_late = r.Bool();
  const size_t parts = r.Count(3);
  o.parts.reserve(parts);
  for (size_t i = 0; i < parts && r.ok(); ++i) o.parts.push_back(GetPart(r));
  return o;
}

void Put(BinaryWriter& w, const Task& t) {
  for (const std::string* s : {&t.id, &t.plan, &t.code, &t.title, &t.section}) w.Str(*s);
  w.Strs(t.lead);
  w.Strs(t.coordinating);
  w.Str(t.deliverable);
  Put(w, t.schedule);
  w.Strs(t.targets);
  w.U64(t.occurrences.size());
  for (const Occurrence& o : t.occurrences) Put(w, o);
  w.U64(t.notifications.size());
  for (const Notification& n : t.notifications) {
    for (const std::string* s :
         {&n.occurrence, &n.message, &n.endpoint, &n.agency, &n.type, &n.channel, &n.address}) {
      w.Str(*s);
    }
    w.Bool(n.delivered);
    w.I64(n.attempts);
    w.I64(n.status);
    w.Str(n.error);
    w.I64(n.at_ms);
  }
  w.U64(static_cast<uint64_t>(t.rule.kind));
  w.I64(t.rule.percent);
  w.Bool(t.group_led);
  w.U64(t.version);
  w.I64(t.updated_at_ms);
  w.U64(t.seq);
}
std::unique_ptr<Task> GetTask(BinaryReader& r) {
  auto t = std::make_unique<Task>();
  for (std::string* s : {&t->id, &t->plan, &t->code, &t->title, &t->section}) *s = r.Str();
  t->lead = r.Strs();
  t->coordinating = r.Strs();
  t->deliverable = r.Str();
  t->schedule = GetSchedule(r);
  t->targets = r.Strs();
  t->occurrences.resize(r.Count(16));
  for (Occurrence& o : t->occurrences) o = GetOccurrence(r);
  t->notifications.resize(r.Count(11));
  for (Notification& n : t->notifications) {
    for (std::string* s :
         {&n.occurrence, &n.message, &n.endpoint, &n.agency, &n.type, &n.channel, &n.address}) {
      *s = r.Str();
    }
    n.delivered = r.Bool();
    n.attempts = static_cast<int>(r.I64());
    n.status = static_cast<int>(r.I64());
    n.error = r.Str();
    n.at_ms = r.I64();
  }
  t->rule.kind = GetEnum(r, RuleKind::kThreshold);
  t->rule.percent = static_cast<int>(r.I64());
  t->group_led = r.Bool();
  t->version = r.U64();
  t->updated_at_ms = r.I64();
  t->seq = static_cast<uint32_t>(r.U64());
  return t;
}

}  // namespace

void Ledger::EncodeTasks(const std::function<void(std::string_view plan, std::string_view tasks,
                                                  std::string_view details)>& sink,
                         const std::function<bool(std::string_view plan)>& want) const {
  // By plan, each in creation order: a canonical order, whatever the hash map's.
  std::map<std::string_view, std::vector<const Task*>> by_plan;
  std::map<std::string_view, bool, std::less<>> wanted;  // asked once per plan
  for (const auto& [id, t] : tasks_) {
    if (want) {
      auto w = wanted.find(t->plan);
      if (w == wanted.end()) w = wanted.emplace(t->plan, want(t->plan)).first;
      if (!w->second) continue;
    }
    by_plan[t->plan].push_back(t.get());
  }
  std::string out, details;
  for (auto& [plan, tasks] : by_plan) {
    std::sort(tasks.begin(), tasks.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
    out.clear();
    BinaryWriter w(out);
    w.U64(tasks.size());
    for (const Task* t : tasks) Put(w, *t);
    // The parts' details: for each task that has any, its id, then each part with one by its
    // occurrence's index and its member.
    details.clear();
    BinaryWriter d(details);
    std::vector<std::pair<uint32_t, const Part*>> with;
    for (const Task* t : tasks) {
      with.clear();
      for (uint32_t i = 0; i < t->occurrences.size(); ++i) {
        for (const Part& p : t->occurrences[i].parts) {
          if (p.detail) with.emplace_back(i, &p);
        }
      }
      if (with.empty()) continue;
      d.Str(t->id);
      d.U64(with.size());
      for (const auto& [i, p] : with) {
        d.U64(i);
        d.U64(p->member);
        PutDetail(d, *p->detail);
      }
    }
    sink(plan, out, details);
  }
}

Status Ledger::DecodeTasks(std::string_view in) {
  if (!replaying_) return Status::FailedPrecondition("tasks load inside a replay");
  BinaryReader r(in);
  // Tallies are derived: counted afresh on the day of the last event folded (they hold until
  // the next membership or due date change, which recounts).
  const Day day = DayOf(DateAtUtcMs(last_recorded_at_ms_));
  for (size_t n = r.Count(20); n > 0 && r.ok(); --n) {
    std::unique_ptr<Task> t = GetTask(r);
    if (!r.ok()) break;
    for (Occurrence& o : t->occurrences) {
      for (const Part& p : o.parts) {
        if (p.member >= agency_ids_.size()) return Status::Corruption("a part of no agency");
      }
      if (!o.parts.empty()) Recount(o, day);
    }
    const std::string_view key = t->id;
    if (!tasks_.emplace(key, std::move(t)).second) {
      return Status::Corruption("the checkpoint holds a task twice");
    }
  }
  if (!r.ok() || !r.done()) return Status::Corruption("the checkpoint's tasks are damaged");
  return Status::Ok();
}

Status Ledger::DecodePartDetails(std::string_view in) {
  BinaryReader r(in);
  while (r.ok() && !r.done()) {
    auto it = tasks_.find(r.View());
    if (it == tasks_.end()) return Status::Corruption("details of a task the checkpoint lacks");
    Task& t = *it->second;
    for (size_t n = r.Count(3); n > 0 && r.ok(); --n) {
      const uint64_t i = r.U64();
      const auto member = static_cast<uint32_t>(r.U64());
      Part* p = i < t.occurrences.size() ? t.occurrences[i].FindPart(member) : nullptr;
      if (!p) return Status::Corruption("details of a part the checkpoint lacks");
      GetDetail(r, p->Detail());
    }
  }
  if (!r.ok()) return Status::Corruption("the checkpoint's parts' details are damaged");
  return Status::Ok();
}

}  // namespace taskledger::domain
