#include "domain/model.h"

#include <algorithm>

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

const ReportParticulars* Plan::ReportOf(Date as_of) const {
  for (const ReportParticulars& r : reports) {
    if (r.as_of == as_of) return &r;
  }
  return nullptr;
}

Day DayOf(Date d) { return static_cast<Day>(DaysFromCivil(d)); }

std::optional<Date> DateOfDay(Day d) {
  if (d == kNoDay || d == kNever) return std::nullopt;
  return CivilFromDays(d);
}

std::string_view ToString(RuleKind kind) {
  switch (kind) {
    case RuleKind::kDefault:
      return "default";
    case RuleKind::kLeadAcceptance:
      return "lead_acceptance";
    case RuleKind::kAllParts:
      return "all_parts";
    case RuleKind::kThreshold:
      return "threshold";
  }
  return "?";
}

std::optional<RuleKind> ParseRuleKind(std::string_view text) {
  for (auto k :
       {RuleKind::kDefault, RuleKind::kLeadAcceptance, RuleKind::kAllParts, RuleKind::kThreshold}) {
    if (ToString(k) == text) return k;
  }
  return std::nullopt;
}

Part& Part::operator=(const Part& o) {
  if (this == &o) return *this;
  member = o.member;
  status = o.status;
  percent = o.percent;
  completed_late = o.completed_late;
  lead = o.lead;
  joined = o.joined;
  left = o.left;
  due = o.due;
  completed_on = o.completed_on;
  detail = o.detail ? std::make_unique<PartDetail>(*o.detail) : nullptr;
  return *this;
}

PartDetail& Part::Detail() {
  if (!detail) detail = std::make_unique<PartDetail>();
  return *detail;
}

const std::vector<Deliverable>& Part::deliverables() const {
  static const std::vector<Deliverable> kNone;
  return detail ? detail->deliverables : kNone;
}

const std::vector<ExtensionRequest>& Part::extensions() const {
  static const std::vector<ExtensionRequest> kNone;
  return detail ? detail->extensions : kNone;
}

std::string_view Part::last_progress() const {
  return detail ? std::string_view(detail->last_progress) : std::string_view();
}

const Part* Occurrence::FindPart(uint32_t member) const {
  auto it = std::lower_bound(parts.begin(), parts.end(), member,
                             [](const Part& p, uint32_t m) { return p.member < m; });
  return it != parts.end() && it->member == member ? &*it : nullptr;
}

Part* Occurrence::FindPart(uint32_t member) {
  return const_cast<Part*>(static_cast<const Occurrence*>(this)->FindPart(member));
}

CompletionRule Task::EffectiveRule() const {
  if (rule.kind != RuleKind::kDefault) return rule;
  return {group_led ? RuleKind::kAllParts : RuleKind::kLeadAcceptance, 100};
}

bool Task::has_parts() const {
  for (const Occurrence& o : occurrences) {
    if (!o.parts.empty()) return true;
  }
  return false;
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

namespace {

// One classification for occurrences and parts alike: what is judged, by its own dates.
Category Judge(OccurrenceStatus status, const std::optional<Date>& completed_on, bool late,
               const std::optional<Date>& due, const std::optional<Date>& start, Date as_of) {
  if (status == OccurrenceStatus::kCancelled) return Category::kCancelled;
  // Completed by then. A completion that took effect later (known now, asked of an earlier day)
  // was still open on `as_of`.
  if (status == OccurrenceStatus::kCompleted && (!completed_on || *completed_on <= as_of)) {
    return late ? Category::kCompletedLate : Category::kCompletedOnTime;
  }
  if (!due) return Category::kUnscheduled;
  if (*due < as_of) return Category::kOverdue;
  if (start && *start > as_of) return Category::kNotYetDue;
  return Category::kInProgressWithinDeadline;
}

}  // namespace

Category Classify(const Occurrence& o, Date as_of) {
  return Judge(o.status, o.completed_on, o.completed_late, o.due, o.start, as_of);
}

std::optional<Date> DueOf(const Part& p, const Occurrence& o) {
  return p.due != kNoDay ? DateOfDay(p.due) : o.due;
}

PartJudge::PartJudge(const Occurrence& o, Date as_of)
    : as_of_(DayOf(as_of)),
      due_(o.due ? DayOf(*o.due) : kNoDay),
      start_(o.start ? DayOf(*o.start) : kNoDay),
      cancelled_(o.own_status == OccurrenceStatus::kCancelled) {}

Category PartJudge::operator()(const Part& p) const {
  // Judge()'s rules, on day numbers.
  if (cancelled_ || p.status == OccurrenceStatus::kCancelled) return Category::kCancelled;
  if (p.status == OccurrenceStatus::kCompleted &&
      (p.completed_on == kNoDay || p.completed_on <= as_of_)) {
    return p.completed_late ? Category::kCompletedLate : Category::kCompletedOnTime;
  }
  const Day due = p.due != kNoDay ? p.due : due_;
  if (due == kNoDay) return Category::kUnscheduled;
  if (due < as_of_) return Category::kOverdue;
  if (start_ != kNoDay && start_ > as_of_) return Category::kNotYetDue;
  return Category::kInProgressWithinDeadline;
}

Category Classify(const Part& p, const Occurrence& o, Date as_of) { return PartJudge(o, as_of)(p); }

Day HeldDay(const Occurrence& o, Date as_of) {
  return o.due && *o.due < as_of ? DayOf(*o.due) : DayOf(as_of);
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
