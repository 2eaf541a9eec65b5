// Problems worded for people in Vietnamese or English: the language an Accept-Language header
// prefers, and a problem's detail, title and field messages rewritten in it from the problem's
// code and params. A problem without a known code keeps its English detail (its title is still
// translated).
#pragma once

#include <string_view>

#include "server/http/problem.h"

namespace taskledger::server {

enum class Language { kEnglish, kVietnamese };

// The first of vi and en by the header's q-values; English when it names neither.
Language PreferredLanguage(std::string_view accept_language);

void Localize(Problem& p, Language lang);

}  // namespace taskledger::server
