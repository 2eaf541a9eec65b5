#include "domain/model.h"

namespace taskledger::domain {

std::string_view ToString(AgencyKind kind) {
  switch (kind) {
    case AgencyKind::kDepartment:
      return "department";
    case AgencyKind::kCommittee:
      return "committee";
    case AgencyKind::kInstitution:
      return "institution";
    case AgencyKind::kGroup:
      return "group";
  }
  return "?";
}

std::optional<AgencyKind> ParseAgencyKind(std::string_view text) {
  if (text == "department") return AgencyKind::kDepartment;
  if (text == "committee") return AgencyKind::kCommittee;
  if (text == "institution") return AgencyKind::kInstitution;
  if (text == "group") return AgencyKind::kGroup;
  return std::nullopt;
}

std::string_view ToString(OccurrenceStatus status) {
  switch (status) {
    case OccurrenceStatus::kNotStarted:
      return "not_started";
    case OccurrenceStatus::kInProgress:
      return "in_progress";
    case OccurrenceStatus::kSubmitted:
      return "submitted";
    case OccurrenceStatus::kCompleted:
      return "completed";
    case OccurrenceStatus::kCancelled:
      return "cancelled";
  }
  return "?";
}

std::string_view ToString(Category category) {
  switch (category) {
    case Category::kCompletedOnTime:
      return "completed_on_time";
    case Category::kCompletedLate:
      return "completed_late";
    case Category::kInProgressWithinDeadline:
      return "in_progress_within_deadline";
    case Category::kOverdue:
      return "overdue";
    case Category::kNotYetDue:
      return "not_yet_due";
    case Category::kUnscheduled:
      return "unscheduled";
    case Category::kCancelled:
      return "cancelled";
  }
  return "?";
}

const Occurrence* Task::Find(std::string_view key) const {
  for (const Occurrence& o : occurrences) {
    if (o.key == key && !o.dropped) return &o;
  }
  return nullptr;
}

Occurrence* Task::Find(std::string_view key) {
  return const_cast<Occurrence*>(static_cast<const Task*>(this)->Find(key));
}

Category Classify(const Occurrence& o, Date as_of) {
  if (o.status == OccurrenceStatus::kCancelled) return Category::kCancelled;
  // Completed by then. A completion that took effect later (known now, asked of an earlier day)
  // was still open on `as_of`.
  if (o.status == OccurrenceStatus::kCompleted && (!o.completed_on || *o.completed_on <= as_of)) {
    return o.completed_late ? Category::kCompletedLate : Category::kCompletedOnTime;
  }
  if (!o.due) return Category::kUnscheduled;
  if (*o.due < as_of) return Category::kOverdue;
  if (o.start && *o.start > as_of) return Category::kNotYetDue;
  return Category::kInProgressWithinDeadline;
}

const Occurrence* CurrentOccurrence(const Task& t) {
  const Occurrence* best = nullptr;
  for (const Occurrence& o : t.occurrences) {
    if (!o.open()) continue;
    if (!best || (o.due && (!best->due || *o.due < *best->due))) best = &o;
  }
  if (best) return best;
  for (auto it = t.occurrences.rbegin(); it != t.occurrences.rend(); ++it) {
    if (!it->dropped) return &*it;
  }
  return nullptr;
}

}  // namespace taskledger::domain
