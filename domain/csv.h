// CSV as Excel writes it: UTF-8 with or without a BOM, comma, semicolon or tab separated (the one
// the first lines use most), RFC 4180 quoting, CRLF or LF line ends, newlines inside quoted cells.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "events/util/status.h"

namespace taskledger::domain {

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<std::string> cells;
};

// kInvalidArgument (with the line) for an unterminated quote or invalid UTF-8.
Result<std::vector<CsvRow>> ParseCsv(std::string_view text);

// Quotes a cell when it needs it; WriteCsvRow joins cells with commas and ends with CRLF.
std::string CsvCell(std::string_view cell);
std::string WriteCsvRow(const std::vector<std::string>& cells);

}  // namespace taskledger::domain
