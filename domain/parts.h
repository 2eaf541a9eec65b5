// A task's parts as its coordinator reads them: which members, where each part stands, filtered
// the way a department with 250 schools asks ("which are late?", "whose deliverables wait for
// me?"). Pure functions of the Ledger and a day.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "domain/ledger.h"

namespace taskledger::domain {

enum class PartFilter {
  kAll,
  kOpen,              // not done, not exempted
  kNotStarted,        // nothing reported yet
  kInProgress,        // started, nothing awaiting review
  kAwaitingReview,    // a deliverable not yet reviewed
  kLate,              // past its own due date, not done
  kDone,              // completed, on time or late
  kExempt,            // cancelled for this member
  kExtensionPending,  // an extension request not yet decided
};
std::string_view ToString(PartFilter f);
std::optional<PartFilter> ParsePartFilter(std::string_view text);
inline constexpr PartFilter kPartFilters[] = {
    PartFilter::kAll,        PartFilter::kOpen,           PartFilter::kNotStarted,
    PartFilter::kInProgress, PartFilter::kAwaitingReview, PartFilter::kLate,
    PartFilter::kDone,       PartFilter::kExempt,         PartFilter::kExtensionPending};

struct PartRow {
  const Part* part;
  const Agency* member;  // null for a number the ledger does not know (never, in a whole one)
  Category category;     // on the day asked
};

// The parts of `o` that count on `today` (HeldOn), matching `filter` and, when `words` is not
// empty, whose member's name or id holds them (folded: case and diacritics aside). The most
// urgent first — overdue, then within the deadline, not yet due, undated, completed late, on
// time, exempted — then by the member's name.
std::vector<PartRow> ListParts(const Ledger& l, const Occurrence& o, Date today, PartFilter filter,
                               std::string_view words = {});

}  // namespace taskledger::domain
