#include "domain/csv.h"

#include <algorithm>

#include "domain/text.h"

namespace taskledger::domain {

Result<std::vector<CsvRow>> ParseCsv(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (!IsUtf8(text)) return Status::InvalidArgument("the file is not valid UTF-8");
  // The separator is whichever of ',', ';' and tab one of the first lines (a title may stand above
  // the header) uses most, outside quotes: Excel writes ';' where ',' is the decimal mark, and tabs
  // in its "Unicode text".
  char sep = ',';
  {
    constexpr std::string_view kSeparators = ",;\t";
    int counts[3] = {}, most[3] = {};
    bool quoted = false;
    int lines = 0;
    for (char c : text) {
      if (c == '"') quoted = !quoted;
      if (!quoted && c == '\n') {
        for (int i = 0; i < 3; ++i) most[i] = std::max(most[i], counts[i]), counts[i] = 0;
        if (++lines == 20) break;
      }
      if (const size_t i = kSeparators.find(c); !quoted && i != std::string_view::npos) ++counts[i];
    }
    for (int i = 0; i < 3; ++i) most[i] = std::max(most[i], counts[i]);
    if (most[1] > most[0] && most[1] >= most[2]) sep = ';';
    if (most[2] > most[0] && most[2] > most[1]) sep = '\t';
  }
  std::vector<CsvRow> rows;
  CsvRow row{1, {}};
  std::string cell;
  bool quoted = false, cell_started = false;
  int line = 1, quote_line = 0;
  const auto end_row = [&] {
    row.cells.push_back(std::move(cell));
    cell.clear();
    bool blank = true;
    for (const std::string& c : row.cells) blank = blank && Trim(c).empty();
    if (!blank) rows.push_back(std::move(row));
    row = CsvRow{line, {}};
    cell_started = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        if (c != '\r') cell.push_back(c);
      }
      continue;
    }
    if (c == '"' && !cell_started) {
      quoted = true;
      cell_started = true;
      quote_line = line;
    } else if (c == sep) {
      row.cells.push_back(std::move(cell));
      cell.clear();
      cell_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_row();
    } else {
      cell.push_back(c);
      cell_started = true;
    }
  }
  if (quoted) {
    return Status::InvalidArgument("line " + std::to_string(quote_line) +
                                   ": a quoted cell is never closed");
  }
  if (cell_started || !row.cells.empty()) end_row();
  return rows;
}

std::string CsvCell(std::string_view cell) {
  if (cell.find_first_of(",;\"\r\n") == std::string_view::npos) return std::string(cell);
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string WriteCsvRow(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out.push_back(',');
    out += CsvCell(cells[i]);
  }
  out += "\r\n";
  return out;
}

}  // namespace taskledger::domain
