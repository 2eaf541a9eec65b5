// JSON forms of domain values, shared by commands (which write them into events) and the API.
#pragma once

#include <nlohmann/json.hpp>

#include "domain/deadline.h"
#include "domain/model.h"

namespace taskledger::domain {

// {"text","kind","start","every","until","milestones":[{"key","due"}]}; absent fields omitted.
nlohmann::json ToJson(const Schedule& s);
// [{"key","start","due","target"}]; `targets` align with `specs` when given (yearly ladders).
nlohmann::json ToJson(const std::vector<OccurrenceSpec>& specs,
                      const std::vector<std::string>& targets = {});
nlohmann::json ToJson(const Agency& a);

}  // namespace taskledger::domain
