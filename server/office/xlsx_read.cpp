// The sheets of an Excel workbook (.xlsx) as tables: shared and inline strings (rich text runs
// joined), numbers as typed, dates (numbers with a date format) as dd/mm/yyyy, merged ranges
// resolved (see domain::SourceTable), rows numbered as Excel numbers them.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "domain/date.h"
#include "server/office/office.h"
#include "server/office/text_decode.h"
#include "server/office/xml.h"
#include "server/office/zip.h"

namespace taskledger::office {
namespace {

using domain::SourceCell;
using domain::SourceRow;
using domain::SourceTable;

constexpr int kMaxColumns = 200;
constexpr int kMaxRows = 100'000;

// Text of a string item: <t> directly, or the <t> of each rich-text run; phonetic runs left out.
std::string StringItem(const pugi::xml_node& si) {
  std::string out;
  for (pugi::xml_node c : si.children()) {
    if (Is(c, "t")) {
      out += c.text().get();
    } else if (Is(c, "r")) {
      out += ChildOf(c, "t").text().get();
    }
  }
  return Nfc(out);
}

// "C7" -> {column 2, row 7}; false when it is not a cell reference.
bool ParseRef(std::string_view ref, int* col, int* row) {
  size_t i = 0;
  int c = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 3)
    c = c * 26 + (ref[i++] - 'A' + 1);
  if (c == 0 || i == ref.size()) return false;
  int r = 0;
  const auto [end, ec] = std::from_chars(ref.data() + i, ref.data() + ref.size(), r);
  if (ec != std::errc() || end != ref.data() + ref.size() || r <= 0) return false;
  *col = c - 1;
  *row = r;
  return true;
}

// Whether a number format shows a date: the built-in date formats, or a custom code with day,
// month or year parts outside quoted text and [colour] brackets.
bool IsDateFormat(int id, const std::string& code) {
  if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) {
    return true;
  }
  if (code.empty()) return false;
  bool quoted = false, bracket = false, date = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char ch = code[i];
    if (ch == '\\') {
      ++i;
      continue;
    }
    if (ch == '"') quoted = !quoted;
    if (quoted) continue;
    if (ch == '[') bracket = true;
    if (ch == ']') bracket = false;
    if (bracket) continue;
    const char lower = static_cast<char>(ch | 0x20);
    if (lower == 'd' || lower == 'y') date = true;
  }
  return date;
}

std::string NumberText(double v) {
  if (std::isfinite(v) && std::fabs(v) < 1e15 && v == std::floor(v)) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// An Excel serial day as dd/mm/yyyy (the 1900 system keeps Lotus's 29 February 1900).
std::string SerialDate(double serial, bool date1904) {
  if (!(serial >= 0 && serial < 2958466)) return NumberText(serial);  // past 31/12/9999
  int64_t days = static_cast<int64_t>(std::floor(serial));
  if (!date1904) {
    if (days < 1) return NumberText(serial);
    if (days > 59) --days;  // the day that never was
    days += domain::DaysFromCivil({1899, 12, 31});
  } else {
    days += domain::DaysFromCivil({1904, 1, 1});
  }
  const domain::Date d = domain::CivilFromDays(days);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", d.day, d.month, d.year);
  return buf;
}

struct Workbook {
  std::vector<std::string> shared;
  std::vector<bool> date_styles;  // cellXfs index -> shows a date
  bool date1904 = false;
};

void LoadShared(const pugi::xml_node& sst, Workbook* wb) {
  for (pugi::xml_node si : sst.children()) {
    if (Is(si, "si")) wb->shared.push_back(StringItem(si));
  }
}

void LoadStyles(const pugi::xml_node& styles, Workbook* wb) {
  std::map<int, std::string> codes;
  for (pugi::xml_node f : ChildOf(styles, "numFmts").children()) {
    if (Is(f, "numFmt")) codes[std::atoi(AttrOf(f, "numFmtId").c_str())] = AttrOf(f, "formatCode");
  }
  for (pugi::xml_node xf : ChildOf(styles, "cellXfs").children()) {
    if (!Is(xf, "xf")) continue;
    const int id = std::atoi(AttrOf(xf, "numFmtId").c_str());
    const auto code = codes.find(id);
    wb->date_styles.push_back(IsDateFormat(id, code == codes.end() ? "" : code->second));
  }
}

Result<SourceTable> ReadSheet(ZipReader& zip, const std::string& part, const std::string& name,
                              const Workbook& wb) {
  auto xml = zip.Read(part);
  if (!xml.ok()) return xml.status();
  pugi::xml_document d;
  if (Status s = ParseXml(*xml, part, &d); !s.ok()) return s;
  xml->clear();
  const pugi::xml_node ws = d.document_element();
  const auto too_big = [&](const std::string& what) {
    return Status::InvalidArgument("sheet \"" + name + "\" has more than " + what);
  };
  std::map<int, std::map<int, SourceCell>> cells;  // row -> column -> cell
  int next_row = 1;
  for (pugi::xml_node row : ChildOf(ws, "sheetData").children()) {
    if (!Is(row, "row")) continue;
    int r = std::atoi(AttrOf(row, "r").c_str());
    if (r <= 0) r = next_row;
    next_row = r + 1;
    if (r > kMaxRows) return too_big(std::to_string(kMaxRows) + " rows");
    int next_col = 0;
    for (pugi::xml_node c : row.children()) {
      if (!Is(c, "c")) continue;
      int col = next_col, at_row = r;
      if (const std::string ref = AttrOf(c, "r"); !ref.empty() && !ParseRef(ref, &col, &at_row)) {
        return Status::InvalidArgument("sheet \"" + name + "\": \"" + ref +
                                       "\" is not a cell reference");
      }
      next_col = col + 1;
      if (col >= kMaxColumns) return too_big(std::to_string(kMaxColumns) + " columns");
      const std::string type = AttrOf(c, "t");
      const std::string v = ChildOf(c, "v").text().get();
      std::string text;
      if (type == "s") {
        const size_t i = static_cast<size_t>(std::atoll(v.c_str()));
        if (v.empty() || i >= wb.shared.size()) {
          return Status::InvalidArgument("sheet \"" + name +
                                         "\": a cell names a shared string "
                                         "the workbook does not have");
        }
        text = wb.shared[i];
      } else if (type == "inlineStr") {
        text = StringItem(ChildOf(c, "is"));
      } else if (type == "str" || type == "e") {
        text = Nfc(v);
      } else if (type == "b") {
        text = v == "1" ? "TRUE" : "FALSE";
      } else if (!v.empty()) {
        double number = 0;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
        if (ec != std::errc() || end != v.data() + v.size()) {
          text = v;
        } else {
          const size_t style = static_cast<size_t>(std::atoi(AttrOf(c, "s").c_str()));
          const bool date = style < wb.date_styles.size() && wb.date_styles[style];
          text = date ? SerialDate(number, wb.date1904) : NumberText(number);
        }
      }
      if (!text.empty()) cells[at_row][col].text = std::move(text);
    }
  }
  // Merged ranges: the top-left cell holds the value; the rest of its first column repeats it
  // (merged down), every other cell is covered from the left.
  for (pugi::xml_node m : ChildOf(ws, "mergeCells").children()) {
    if (!Is(m, "mergeCell")) continue;
    const std::string ref = AttrOf(m, "ref");
    const size_t colon = ref.find(':');
    int c1, r1, c2, r2;
    if (colon == std::string::npos || !ParseRef(ref.substr(0, colon), &c1, &r1) ||
        !ParseRef(ref.substr(colon + 1), &c2, &r2) || c2 < c1 || r2 < r1) {
      continue;
    }
    if (c2 >= kMaxColumns || r2 > kMaxRows) return too_big("its merged ranges allow");
    if (static_cast<long long>(c2 - c1 + 1) * (r2 - r1 + 1) > 1'000'000) {
      return too_big("a million cells in one merged range");
    }
    std::string top;
    if (auto row = cells.find(r1); row != cells.end()) {
      if (auto cell = row->second.find(c1); cell != row->second.end()) top = cell->second.text;
    }
    for (int r = r1; r <= r2; ++r) {
      for (int c = c1; c <= c2; ++c) {
        if (r == r1 && c == c1) continue;
        SourceCell& cell = cells[r][c];
        cell = c == c1 ? SourceCell{top, false} : SourceCell{"", true};
      }
    }
  }
  SourceTable t;
  t.sheet = name;
  for (auto& [r, row_cells] : cells) {
    SourceRow row;
    row.number = r;
    const int width = row_cells.empty() ? 0 : row_cells.rbegin()->first + 1;
    row.cells.resize(static_cast<size_t>(width));
    for (auto& [c, cell] : row_cells) row.cells[static_cast<size_t>(c)] = std::move(cell);
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace

Result<std::vector<SourceTable>> ReadXlsxTables(ZipReader& zip) {
  pugi::xml_document d;
  std::string main;
  if (Status s = ReadMainPart(zip, "xl/workbook.xml", "Excel workbook part", &d, &main); !s.ok()) {
    return s;
  }
  auto rels = ReadRels(zip, main);
  if (!rels.ok()) return rels.status();
  Workbook wb;
  const std::string pr = AttrOf(ChildOf(d.document_element(), "workbookPr"), "date1904");
  wb.date1904 = pr == "1" || pr == "true";
  pugi::xml_document part;
  auto found = ReadRelatedPart(zip, *rels, "sharedStrings", "xl/sharedStrings.xml", &part);
  if (!found.ok()) return found.status();
  if (*found) LoadShared(part.document_element(), &wb);
  found = ReadRelatedPart(zip, *rels, "styles", "xl/styles.xml", &part);
  if (!found.ok()) return found.status();
  if (*found) LoadStyles(part.document_element(), &wb);

  std::vector<SourceTable> out;
  for (pugi::xml_node sheet : ChildOf(d.document_element(), "sheets").children()) {
    if (!Is(sheet, "sheet")) continue;
    const std::string id = AttrOf(sheet, "id");
    std::string part;
    for (const Relationship& r : *rels) {
      if (r.id == id) part = r.target;
    }
    if (part.empty() || !zip.Has(part)) continue;  // a chart sheet, or a dangling entry
    if (!TargetOfType(*rels, "chartsheet").empty() &&
        part.find("chartsheets/") != std::string::npos)
      continue;
    auto t = ReadSheet(zip, part, Nfc(AttrOf(sheet, "name")), wb);
    if (!t.ok()) return t.status();
    out.push_back(std::move(*t));
  }
  return out;
}

}  // namespace taskledger::office
