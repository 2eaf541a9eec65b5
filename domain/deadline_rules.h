// The deadline phrases ParseDeadline understands, as a table of rules: each row a pattern on the
// folded phrase, what it yields, an example as plans write it, and the function that builds the
// schedule from the match. Private to domain/ (deadline.cpp) and its tests; everyone else calls
// ParseDeadline (domain/deadline.h).
#pragma once

#include <regex>
#include <span>
#include <string>
#include <string_view>

#include "domain/deadline.h"

namespace taskledger::domain::deadline {

// A phrase as a rule's builder sees it.
struct Phrase {
  std::string_view as_written;  // as given, untrimmed: what error messages quote
  const std::string& folded;    // what patterns see (Fold: lower case, no diacritics, single
                                // spaces, '-' for every dash; trailing '.', ';', ',' removed)
  const Schedule& schedule;     // `text` set (trimmed): the builder fills in a copy
};

// What a rule makes of its match: the schedule, or kInvalidArgument saying why it cannot be one
// (a day that does not exist, a window that ends before it starts).
using Build = Result<Schedule> (*)(const std::smatch& m, const Phrase& phrase);

enum class Match {
  kWhole,     // the pattern must match the whole folded phrase (std::regex_match)
  kAnywhere,  // the pattern may match any part of it (std::regex_search)
};

struct PhraseRule {
  std::string_view example;  // a phrase this rule decides, as a plan writes it (tested)
  Match match;
  const char* pattern;  // ECMAScript, on the folded phrase
  ScheduleKind yields;
  std::string_view means;  // what the schedule says, for people
  Build build;
};

// The rules in the order they are tried: the first whose pattern matches decides, even when its
// builder then refuses the phrase ("31/02/2026" is a day that does not exist, not something else).
std::span<const PhraseRule> PhraseRules();

// The rule that decides `folded`, with its match in `*m` (which points into `folded`), or null.
const PhraseRule* RuleFor(const std::string& folded, std::smatch* m);

// kInvalidArgument: `text` is not understood (because `why`), with the accepted forms listed.
Status Unknown(std::string_view text, std::string_view why = {});

}  // namespace taskledger::domain::deadline
