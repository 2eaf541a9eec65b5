// Folding the work on one occurrence: on its own record, or on one member's part of it; then
// settling the occurrence and keeping the indexes.
#include <algorithm>

#include "domain/event_data.h"
#include "domain/event_types.h"
#include "domain/ledger.h"

namespace taskledger::domain {

namespace {

using namespace event_data;
using simdjson::dom::array;
using simdjson::dom::element;

Deliverable ReadDeliverable(const EventView& e, const element& d) {
  Deliverable x;
  x.id = std::string(Str(d, "id"));
  x.name = std::string(Str(d, "name"));
  x.sha256 = std::string(Str(d, "sha256"));
  x.size = Int(d, "size");
  x.note = std::string(Str(d, "note"));
  x.submitted_by = std::string(e.actor);
  x.submitted_at_ms = e.recorded_at_ms;
  return x;
}

ExtensionRequest ReadRequest(const EventView& e, const element& j) {
  ExtensionRequest r;
  r.id = std::string(Str(j, "request"));
  r.requested_due = DateField(j, "due").value_or(Date{});
  r.reason = std::string(Str(j, "reason"));
  r.requested_by = std::string(e.actor);
  return r;
}

// Records a review on the deliverable it names; the decision.
std::string_view Reviewed(std::vector<Deliverable>& ds, const element& j) {
  const std::string_view did = Str(j, "deliverable");
  const std::string_view decision = Str(j, "decision");
  for (Deliverable& d : ds) {
    if (d.id == did) {
      d.review = std::string(decision);
      d.review_comment = std::string(Str(j, "comment"));
    }
  }
  return decision;
}

// Records a decision on the request it names; the decision.
std::string_view Decided(std::vector<ExtensionRequest>& rs, const EventView& e, const element& j) {
  const std::string_view rid = Str(j, "request");
  const std::string_view decision = Str(j, "decision");
  for (ExtensionRequest& r : rs) {
    if (r.id != rid) continue;
    r.decision = std::string(decision);
    r.decided_by = std::string(e.actor);
    r.decided_at_ms = e.recorded_at_ms;
  }
  return decision;
}

bool Completes(const EventView& e, const element& j) {
  return e.type == ev::kTaskCompletionRecorded ||
         (e.type == ev::kTaskDeliverableReviewed && Str(j, "decision") == "accepted");
}

// An event on the occurrence as a whole: its own record.
Status ApplyToOwn(const EventView& e, const element& j, Occurrence& o) {
  using S = OccurrenceStatus;
  if (e.type == ev::kTaskStarted) {
    if (o.own_status == S::kNotStarted) o.own_status = S::kInProgress;
  } else if (e.type == ev::kTaskProgressReported) {
    o.percent = static_cast<int>(Int(j, "percent", o.percent));
    o.last_progress.assign(Str(j, "narrative"));
    if (o.own_status == S::kNotStarted) o.own_status = S::kInProgress;
  } else if (e.type == ev::kTaskDeliverableSubmitted) {
    element d;
    if (j["deliverable"].get(d) != simdjson::SUCCESS) return Status::Corruption("no deliverable");
    o.deliverables.push_back(ReadDeliverable(e, d));
    o.own_status = S::kSubmitted;
  } else if (e.type == ev::kTaskDeliverableReviewed && Reviewed(o.deliverables, j) != "accepted") {
    o.own_status = S::kInProgress;
  } else if (Completes(e, j)) {
    // Completed on the event's day (an acceptance, or a completion recorded later).
    o.own_status = S::kCompleted;
    o.own_completed_on = DateField(j, "completed_on");
    o.own_late = Bool(j, "late");
    o.percent = 100;
  } else if (e.type == ev::kTaskCancelled) {
    o.own_status = S::kCancelled;
  } else if (e.type == ev::kTaskExtensionRequested) {
    o.extensions.push_back(ReadRequest(e, j));
  } else if (e.type == ev::kTaskExtensionDecided) {
    if (Decided(o.extensions, e, j) == "granted") o.due = DateField(j, "due");
  }
  return Status::Ok();
}

// An event on one member's part.
Status ApplyToPart(const EventView& e, const element& j, Part& p) {
  using S = OccurrenceStatus;
  if (e.type == ev::kTaskStarted) {
    if (p.status == S::kNotStarted) p.status = S::kInProgress;
  } else if (e.type == ev::kTaskProgressReported) {
    p.percent = static_cast<uint8_t>(std::clamp<int64_t>(Int(j, "percent", p.percent), 0, 100));
    const std::string_view narrative = Str(j, "narrative");
    if (!narrative.empty() || p.detail) p.Detail().last_progress.assign(narrative);
    if (p.status == S::kNotStarted) p.status = S::kInProgress;
  } else if (e.type == ev::kTaskDeliverableSubmitted) {
    element d;
    if (j["deliverable"].get(d) != simdjson::SUCCESS) return Status::Corruption("no deliverable");
    p.Detail().deliverables.push_back(ReadDeliverable(e, d));
    p.status = S::kSubmitted;
  } else if (e.type == ev::kTaskDeliverableReviewed &&
             Reviewed(p.Detail().deliverables, j) != "accepted") {
    p.status = S::kInProgress;
  } else if (Completes(e, j)) {
    p.status = S::kCompleted;
    const std::optional<Date> on = DateField(j, "completed_on");
    p.completed_on = on ? DayOf(*on) : kNoDay;
    p.completed_late = Bool(j, "late");
    p.percent = 100;
  } else if (e.type == ev::kTaskCancelled) {
    p.status = S::kCancelled;
  } else if (e.type == ev::kTaskExtensionRequested) {
    p.Detail().extensions.push_back(ReadRequest(e, j));
  } else if (e.type == ev::kTaskExtensionDecided) {
    if (Decided(p.Detail().extensions, e, j) == "granted") {
      const std::optional<Date> due = DateField(j, "due");
      p.due = due ? DayOf(*due) : kNoDay;
    }
  }
  return Status::Ok();
}

int32_t DueDays(const std::optional<Date>& due) {
  return due ? static_cast<int32_t>(DaysFromCivil(*due)) : INT32_MAX;
}

}  // namespace

// Takes a part out of the own-due indexes for the time its event is folded, and puts it back as
// it then stands.
class Ledger::Unindexed {
 public:
  Unindexed(Ledger& l, const Task& t, uint32_t index, const Part& p)
      : l_(l), t_(t), index_(index), p_(p) {
    l_.UnindexPart(t_, index_, p_);
  }
  ~Unindexed() { l_.IndexPart(t_, index_, p_); }

 private:
  Ledger& l_;
  const Task& t_;
  uint32_t index_;
  const Part& p_;
};

Status Ledger::ApplyWork(const EventView& e, const EventData& data, Task& t, uint32_t index,
                         Part* part) {
  const element& j = data.j;
  Occurrence& o = t.occurrences[index];
  const Day day = DayOf(DateAtUtcMs(e.recorded_at_ms));
  const bool was_open = o.open();
  const std::optional<Date> was_due = o.due;
  if (part) {
    Unindexed unindexed(*this, t, index, *part);
    Tally(o, *part, day, -1);
    Status s = ApplyToPart(e, j, *part);
    Tally(o, *part, day, +1);
    if (!s.ok()) return s;
  } else {
    if (Status s = ApplyToOwn(e, j, o); !s.ok()) return s;
    if (o.due != was_due) Recount(o, day);  // whose membership counts follows the due date
  }
  Settle(t, o);
  if (was_open != o.open() || was_due != o.due) {
    if (was_open) UnindexKey(t, IndexKey{DueDays(was_due), t.seq, index, &t});
    if (o.open()) Index(t, index);
  }
  return Status::Ok();
}

}  // namespace taskledger::domain
