// Finding a matrix among a document's tables by its header, and reading the rows under it; CSV as
// one such table.
#include <algorithm>
#include <array>
#include <tuple>

#include "domain/csv.h"
#include "domain/import.h"
#include "domain/import_detail.h"
#include "domain/text.h"

namespace taskledger::domain {

using namespace import_detail;

namespace {

// Where each column is in a table, from its header row(s).
struct Header {
  std::array<int, kColumnCount> at;
  std::array<std::string, kColumnCount> names;  // as the file writes them
  size_t first_data = 0;                        // index of the first row under the header
  bool complete() const { return at[kTitle] >= 0 && at[kLead] >= 0 && at[kDeadline] >= 0; }
  int found() const {
    return static_cast<int>(std::count_if(at.begin(), at.end(), [](int i) { return i >= 0; }));
  }
};

std::string_view CellText(const SourceRow& row, size_t i) {
  return i < row.cells.size() && !row.cells[i].spanned ? Trim(row.cells[i].text)
                                                       : std::string_view();
}

// The header that starts at row `i`: one row, or two when the second names what the first
// groups ("Cơ quan thực hiện" over "Chủ trì | Phối hợp"; cells merged down repeat their text).
Header HeaderAt(const SourceTable& t, size_t i, bool two_rows) {
  Header h;
  h.at.fill(-1);
  const SourceRow& top = t.rows[i];
  const SourceRow* under = two_rows && i + 1 < t.rows.size() ? &t.rows[i + 1] : nullptr;
  const size_t width = std::max(top.cells.size(), under ? under->cells.size() : size_t{0});
  for (size_t col = 0; col < width; ++col) {
    std::string_view name = CellText(top, col);
    // A cell under a horizontal merge still sits under its group's heading.
    int c = ColumnOf(name);
    if (under) {
      const std::string_view below = CellText(*under, col);
      if (!below.empty() && below != name) {
        if (const int b = ColumnOf(below); b >= 0) {
          c = b;
          name = below;
        }
      }
    }
    if (c >= 0 && h.at[c] < 0) {
      h.at[c] = static_cast<int>(col);
      h.names[c] = std::string(name);
    }
  }
  h.first_data = i + (under ? 2 : 1);
  return h;
}

// A row that only numbers the columns under the header: "(1) (2) (3) …" or "1 2 3 …".
bool IsColumnNumbers(const SourceRow& row) {
  int n = 0;
  for (size_t i = 0; i < row.cells.size(); ++i) {
    std::string_view t = CellText(row, i);
    if (t.empty()) continue;
    if (t.front() == '(' && t.back() == ')') t = t.substr(1, t.size() - 2);
    if (t.empty() || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    if (t != std::to_string(n + 1)) return false;
    ++n;
  }
  return n >= 3;
}

bool IsRoman(std::string_view s) {
  return !s.empty() && s.size() <= 8 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::string_view("IVXLC").find(c) != std::string_view::npos;
  });
}

// "I." -> "I", "1)" -> "1", "a." -> "a"; a code with its trailing mark as numbering writes it.
std::string CleanCode(std::string_view code) {
  code = Trim(code);
  while (code.size() > 1 && (code.back() == '.' || code.back() == ')')) code.remove_suffix(1);
  return std::string(Trim(code));
}

// "I. ĐẨY MẠNH …" -> {"I", "ĐẨY MẠNH …"}: a heading merged across the width; {"", text} when it
// does not start with a code.
std::pair<std::string, std::string> SplitHeading(std::string_view text) {
  text = Trim(text);
  size_t end = 0;
  while (end < text.size() && text[end] != ' ' && text[end] != '\t' && text[end] != '\n') ++end;
  std::string_view first = text.substr(0, end);
  const bool marked = !first.empty() && (first.back() == '.' || first.back() == ')');
  const std::string code = CleanCode(first);
  const bool numeric = !code.empty() && std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
  const bool letter = code.size() == 1 &&
                      ((code[0] >= 'A' && code[0] <= 'Z') || (code[0] >= 'a' && code[0] <= 'z'));
  if (end < text.size() && (IsRoman(code) || numeric || (letter && marked))) {
    return {code, std::string(Trim(text.substr(end)))};
  }
  return {"", std::string(text)};
}

std::string TableName(const SourceTable& t) {
  if (!t.sheet.empty()) return "sheet \"" + t.sheet + "\"";
  if (t.table > 0) return "table " + std::to_string(t.table);
  return "the file";
}

}  // namespace

std::vector<MatrixRow> ReadMatrixTables(const std::vector<SourceTable>& tables,
                                        std::string_view sheet, MatrixLayout* layout,
                                        std::vector<ImportProblem>* problems) {
  std::vector<MatrixRow> out;
  constexpr size_t kHeaderSearchRows = 40;  // title blocks above the header
  const SourceTable* chosen = nullptr;
  const SourceTable* partial_table = nullptr;  // the best near miss, for its problems
  Header header, partial;
  partial.at.fill(-1);
  std::vector<std::string> seen;
  bool sheet_found = sheet.empty();
  for (const SourceTable& t : tables) {
    if (!sheet.empty() && t.sheet != sheet) continue;
    sheet_found = true;
    Header best;
    best.at.fill(-1);
    for (size_t i = 0; i < t.rows.size() && i < kHeaderSearchRows && !best.complete(); ++i) {
      for (bool two : {false, true}) {
        Header h = HeaderAt(t, i, two);
        if (h.complete() ? (!best.complete() || h.found() > best.found())
                         : (!best.complete() && h.found() > best.found())) {
          best = h;
        }
      }
    }
    if (best.complete()) {
      chosen = &t;
      header = best;
      break;
    }
    if (best.found() > partial.found()) {
      partial = best;
      partial_table = &t;
    }
    std::string what = TableName(t) + " (" + std::to_string(t.rows.size()) + " rows";
    if (!t.rows.empty()) {
      std::string first;
      for (size_t i = 0; i < t.rows.front().cells.size() && first.size() < 60; ++i) {
        std::string c(CellText(t.rows.front(), i));
        std::replace(c.begin(), c.end(), '\n', ' ');
        if (!c.empty()) first += (first.empty() ? "" : " | ") + c;
      }
      if (!first.empty()) what += ", first row: " + CutUtf8(first, 80);
    }
    seen.push_back(what + ")");
  }
  if (layout) layout->seen = seen;
  if (!sheet_found) {
    problems->push_back({0, "", "the workbook has no sheet \"" + std::string(sheet) + "\""});
    return out;
  }
  if (!chosen && (partial.found() >= 2 || (tables.size() == 1 && partial.found() >= 1))) {
    // A header that names some columns but not all: say which are missing, where it is.
    const SourceRow& at = partial_table->rows[partial.first_data - 1];
    for (int c : {kTitle, kLead, kDeadline}) {
      if (partial.at[c] >= 0) continue;
      ImportProblem p{
          at.number, kColumnNames[c],
          std::string("missing column (header \"") + kColumnNames[c] + "\" or its English name)"};
      p.table = partial_table->table;
      p.sheet = partial_table->sheet;
      problems->push_back(std::move(p));
    }
    return out;
  }
  if (!chosen) {
    std::string message =
        "no table has a header row with the task, lead agency and deadline columns (\"Nhiệm vụ\", "
        "\"Cơ quan chủ trì\", \"Thời gian hoàn thành\" or their English names)";
    if (!seen.empty()) {
      message += "; seen: ";
      for (size_t i = 0; i < seen.size(); ++i) message += (i ? "; " : "") + seen[i];
    }
    problems->push_back({0, "", message});
    return out;
  }
  if (layout) {
    layout->table = chosen->table;
    layout->sheet = chosen->sheet;
    layout->header_row = chosen->rows[header.first_data - 1].number;
    for (int c = 0; c < kColumnCount; ++c) {
      if (header.at[c] >= 0)
        layout->columns.push_back({kColumnNames[c], header.names[c], header.at[c]});
    }
  }
  for (size_t r = header.first_data; r < chosen->rows.size(); ++r) {
    const SourceRow& row = chosen->rows[r];
    if (r == header.first_data && IsColumnNumbers(row)) continue;
    MatrixRow m;
    m.table = chosen->table;
    m.sheet = chosen->sheet;
    m.row = row.number;
    int filled = 0, last = -1;
    for (size_t i = 0; i < row.cells.size(); ++i) {
      if (!CellText(row, i).empty()) {
        ++filled;
        last = static_cast<int>(i);
      }
    }
    if (filled == 0) continue;  // a spacer row
    // One text merged across the width: a section or a heading.
    const bool merged_across =
        filled == 1 && std::count_if(row.cells.begin(), row.cells.end(),
                                     [](const SourceCell& c) { return c.spanned; }) >= 1;
    if (merged_across) {
      std::tie(m.code, m.title) = SplitHeading(CellText(row, last));
      out.push_back(std::move(m));
      continue;
    }
    for (int c = 0; c < kColumnCount; ++c) {
      if (header.at[c] >= 0) *Field(m, c) = std::string(CellText(row, header.at[c]));
    }
    m.code = CleanCode(m.code);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<MatrixRow> ReadMatrixCsv(std::string_view text, std::vector<ImportProblem>* problems,
                                     MatrixLayout* layout) {
  auto rows = ParseCsv(text);
  if (!rows.ok()) {
    problems->push_back({0, "", rows.status().message()});
    return {};
  }
  if (rows->empty()) {
    problems->push_back({0, "", "the file has no header row"});
    return {};
  }
  SourceTable t;
  for (CsvRow& r : *rows) {
    SourceRow row;
    row.number = r.line;
    for (std::string& c : r.cells) row.cells.push_back({std::move(c), false});
    t.rows.push_back(std::move(row));
  }
  return ReadMatrixTables({t}, "", layout, problems);
}

}  // namespace taskledger::domain
