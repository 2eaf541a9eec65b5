#include "domain/parts.h"

#include <algorithm>

#include "domain/text.h"

namespace taskledger::domain {

std::string_view ToString(PartFilter f) {
  switch (f) {
    case PartFilter::kAll:
      return "all";
    case PartFilter::kOpen:
      return "open";
    case PartFilter::kNotStarted:
      return "not_started";
    case PartFilter::kInProgress:
      return "in_progress";
    case PartFilter::kAwaitingReview:
      return "awaiting_review";
    case PartFilter::kLate:
      return "late";
    case PartFilter::kDone:
      return "done";
    case PartFilter::kExempt:
      return "exempt";
    case PartFilter::kExtensionPending:
      return "extension_pending";
  }
  return "?";
}

std::optional<PartFilter> ParsePartFilter(std::string_view text) {
  for (PartFilter f : kPartFilters) {
    if (ToString(f) == text) return f;
  }
  return std::nullopt;
}

namespace {

bool Matches(const Part& p, Category c, PartFilter f) {
  using S = OccurrenceStatus;
  const bool done = c == Category::kCompletedOnTime || c == Category::kCompletedLate;
  switch (f) {
    case PartFilter::kAll:
      return true;
    case PartFilter::kOpen:
      return !done && c != Category::kCancelled;
    case PartFilter::kNotStarted:
      return p.status == S::kNotStarted && c != Category::kCancelled;
    case PartFilter::kInProgress:
      return p.status == S::kInProgress;
    case PartFilter::kAwaitingReview:
      return !done && std::any_of(p.deliverables().begin(), p.deliverables().end(),
                                  [](const Deliverable& d) { return d.review.empty(); });
    case PartFilter::kLate:
      return c == Category::kOverdue;
    case PartFilter::kDone:
      return done;
    case PartFilter::kExempt:
      return c == Category::kCancelled;
    case PartFilter::kExtensionPending:
      return std::any_of(p.extensions().begin(), p.extensions().end(),
                         [](const ExtensionRequest& x) { return x.decision.empty(); });
  }
  return false;
}

int Urgency(Category c) {
  switch (c) {
    case Category::kOverdue:
      return 0;
    case Category::kInProgressWithinDeadline:
      return 1;
    case Category::kNotYetDue:
      return 2;
    case Category::kUnscheduled:
      return 3;
    case Category::kCompletedLate:
      return 4;
    case Category::kCompletedOnTime:
      return 5;
    case Category::kCancelled:
      return 6;
  }
  return 7;
}

}  // namespace

std::vector<PartRow> ListParts(const Ledger& l, const Occurrence& o, Date today, PartFilter filter,
                               std::string_view words) {
  std::vector<PartRow> out;
  const Day held = HeldDay(o, today);
  const PartJudge judge(o, today);
  const std::string folded = words.empty() ? std::string() : Fold(words);
  for (const Part& p : o.parts) {
    if (!p.HeldOn(held)) continue;
    const Category c = judge(p);
    if (!Matches(p, c, filter)) continue;
    const Agency* a = l.FindAgency(l.AgencyIdOf(p.member));
    if (!folded.empty() && (!a || (Fold(a->name).find(folded) == std::string::npos &&
                                   a->id.find(folded) == std::string::npos))) {
      continue;
    }
    out.push_back({&p, a, c});
  }
  // Names compared folded, so "Trường THPT Ái Quốc" sorts with the A's.
  std::vector<std::pair<std::string, size_t>> keys;
  keys.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    keys.emplace_back(out[i].member ? Fold(out[i].member->name) : std::string(), i);
  }
  std::vector<size_t> order(out.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const int ua = Urgency(out[a].category), ub = Urgency(out[b].category);
    if (ua != ub) return ua < ub;
    return keys[a].first < keys[b].first;
  });
  std::vector<PartRow> sorted;
  sorted.reserve(out.size());
  for (size_t i : order) sorted.push_back(out[i]);
  return sorted;
}

}  // namespace taskledger::domain
