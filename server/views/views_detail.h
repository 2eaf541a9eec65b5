// Pieces of the JSON views shared by views.cpp and report_json.cpp (private to server/views).
#pragma once

#include <optional>
#include <string_view>

#include "domain/ledger.h"
#include "server/views/json_writer.h"

namespace taskledger::server {

// `key`: the date as "YYYY-MM-DD", or null.
void WriteDate(JsonWriter& w, std::string_view key, const std::optional<domain::Date>& d);
// A report's counts per group and their total, keys sorted (as nlohmann::json writes them).
void WriteCounts(JsonWriter& w, const domain::CategoryCounts& c);

}  // namespace taskledger::server
