// Reading a matrix: the columns and the header names they go by, JSON rows, and the front doors
// that read a file and plan its import, with problems placed in the file's own terms.
#include <array>
#include <nlohmann/json.hpp>

#include "domain/import.h"
#include "domain/import_detail.h"
#include "domain/text.h"

namespace taskledger::domain {
namespace import_detail {
namespace {

// Header names each column is known by, folded and with punctuation as spaces (see Key).
const std::array<std::vector<std::string_view>, kColumnCount> kHeaders = {{
    {"tt", "stt", "so tt", "so thu tu", "ma", "ma so", "code", "no"},
    {"nhiem vu", "ten nhiem vu", "noi dung", "noi dung nhiem vu", "nhiem vu giai phap",
     "noi dung cong viec", "cac nhiem vu", "hoat dong", "nhiem vu hoat dong", "task", "title"},
    {"co quan chu tri", "don vi chu tri", "chu tri", "co quan chu tri thuc hien",
     "don vi chu tri thuc hien", "co quan don vi chu tri", "lead", "lead agency", "lead agencies"},
    {"co quan phoi hop", "don vi phoi hop", "phoi hop", "co quan phoi hop thuc hien",
     "co quan don vi phoi hop", "don vi phoi hop thuc hien", "coordinating",
     "coordinating agencies"},
    {"ket qua", "san pham", "ket qua san pham", "san pham ket qua", "ket qua san pham du kien",
     "san pham du kien", "ket qua du kien", "hinh thuc san pham", "deliverable", "product",
     "expected product"},
    {"thoi gian hoan thanh", "thoi gian", "thoi han", "thoi han hoan thanh", "tien do",
     "tien do thuc hien", "thoi gian thuc hien", "deadline", "due"},
    {"muc", "phan", "section"},
    {"muc tieu", "chi tieu", "targets", "target"},
    {"chi tieu theo moc", "muc tieu theo moc", "occurrence targets", "milestone targets"},
    {"trang thai", "tinh trang", "tinh trang thuc hien", "trang thai thuc hien", "status"},
    {"ty le hoan thanh", "phan tram hoan thanh", "percent", "progress"},
    {"ngay hoan thanh", "ngay hoan thanh thuc te", "hoan thanh ngay", "completed on", "completed"},
}};

// A header cell as compared: folded, punctuation as spaces, one space between words.
std::string Key(std::string_view cell) {
  std::string out;
  for (char c : Fold(cell)) {
    const bool word =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
    if (word) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool HasWords(std::string_view key, std::string_view words) {
  const std::string padded = " " + std::string(key) + " ";
  return padded.find(" " + std::string(words) + " ") != std::string::npos;
}

}  // namespace

// Known names first; then the words a longer header carries ("Cơ quan, đơn vị chủ trì thực
// hiện", "Thời gian hoàn thành (năm)").
int ColumnOf(std::string_view cell) {
  const std::string key = Key(cell);
  if (key.empty() || key.size() > 120) return -1;
  // "Tiến độ" alone is the timeline a plan writes; with a percent sign, how far the work is.
  if (cell.find('%') != std::string_view::npos &&
      (key.starts_with("tien do") || key.starts_with("ty le") || key.starts_with("phan tram"))) {
    return kPercent;
  }
  for (int c = 0; c < kColumnCount; ++c) {
    for (std::string_view known : kHeaders[c]) {
      if (key == known) return c;
    }
  }
  if (HasWords(key, "theo moc")) return kOccurrenceTargets;
  if (HasWords(key, "chu tri")) return kLead;
  if (HasWords(key, "phoi hop")) return kCoordinating;
  if (key.starts_with("thoi gian") || key.starts_with("thoi han") || key.starts_with("tien do")) {
    return kDeadline;
  }
  if (key.starts_with("nhiem vu") || key.starts_with("noi dung") ||
      key.starts_with("ten nhiem vu")) {
    return kTitle;
  }
  if (HasWords(key, "san pham") || key.starts_with("ket qua")) return kDeliverable;
  return -1;
}

const char* const kColumnNames[kColumnCount] = {"TT",
                                                "Nhiệm vụ",
                                                "Cơ quan chủ trì",
                                                "Cơ quan phối hợp",
                                                "Kết quả/Sản phẩm",
                                                "Thời gian hoàn thành",
                                                "Mục",
                                                "Mục tiêu",
                                                "Chỉ tiêu theo mốc",
                                                "Trạng thái",
                                                "Tiến độ (%)",
                                                "Ngày hoàn thành"};

std::string* Field(MatrixRow& r, int column) {
  switch (column) {
    case kCode:
      return &r.code;
    case kTitle:
      return &r.title;
    case kLead:
      return &r.lead;
    case kCoordinating:
      return &r.coordinating;
    case kDeliverable:
      return &r.deliverable;
    case kDeadline:
      return &r.deadline;
    case kSection:
      return &r.section;
    case kTargets:
      return &r.targets;
    case kOccurrenceTargets:
      return &r.occurrence_targets;
    case kStatus:
      return &r.status;
    case kPercent:
      return &r.percent;
    case kCompletedOn:
      return &r.completed_on;
  }
  return nullptr;
}

}  // namespace import_detail

using namespace import_detail;

std::vector<std::string> MatrixColumnNames() {
  return {std::begin(kColumnNames), std::begin(kColumnNames) + kMatrixColumnCount};
}

std::vector<std::string> StateColumnNames() {
  return {std::begin(kColumnNames) + kMatrixColumnCount, std::end(kColumnNames)};
}

namespace {

std::string JoinCell(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  if (!v.is_array()) return {};
  std::string out;
  for (const auto& x : v) {
    if (!x.is_string()) continue;
    if (!out.empty()) out += "; ";
    out += x.get<std::string>();
  }
  return out;
}

}  // namespace

std::vector<MatrixRow> ReadMatrixJson(std::string_view text, std::vector<ImportProblem>* problems) {
  std::vector<MatrixRow> out;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    problems->push_back({0, "", "the body is not valid JSON"});
    return out;
  }
  const nlohmann::json* rows = &j;
  if (j.is_object() && j.contains("rows")) rows = &j["rows"];
  if (!rows->is_array()) {
    problems->push_back({0, "rows", "expected an array of rows"});
    return out;
  }
  static const char* kKeys[kColumnCount] = {"code",         "title",       "lead",
                                            "coordinating", "deliverable", "deadline",
                                            "section",      "targets",     "occurrence_targets",
                                            "status",       "percent",     "completed_on"};
  for (size_t i = 0; i < rows->size(); ++i) {
    const nlohmann::json& r = (*rows)[i];
    MatrixRow m;
    m.row = static_cast<int>(i + 1);
    if (!r.is_object()) {
      problems->push_back({m.row, "", "a row must be an object"});
      continue;
    }
    for (int c = 0; c < kColumnCount; ++c) {
      if (r.contains(kKeys[c])) *Field(m, c) = std::string(Trim(JoinCell(r[kKeys[c]])));
    }
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

// "A", "B", … "Z", "AA": a spreadsheet's column letters for a 0-based index.
std::string ColumnLetters(int index) {
  std::string out;
  for (int n = index + 1; n > 0; n = (n - 1) / 26) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return out;
}

// Problems in the file's own terms: its table or sheet, its header's words, a sheet's cell.
void PlaceProblems(const MatrixLayout& layout, std::vector<ImportProblem>* problems) {
  for (ImportProblem& p : *problems) {
    if (p.row == 0) continue;
    if (p.table == 0) p.table = layout.table;
    if (p.sheet.empty()) p.sheet = layout.sheet;
    for (const MatrixLayout::Column& c : layout.columns) {
      if (c.canonical != p.column) continue;
      p.column = c.header;
      if (!layout.sheet.empty()) p.cell = ColumnLetters(c.index) + std::to_string(p.row);
      break;
    }
  }
}

ImportPlan PlanRows(const Ledger& state, std::string_view plan, const std::vector<MatrixRow>& rows,
                    std::vector<ImportProblem> problems, const MatrixLayout& layout,
                    const ImportOptions& options) {
  ImportPlan out;
  if (!problems.empty()) {
    out.problems = std::move(problems);
    out.unreadable = true;
  } else {
    out = PlanImport(state, plan, rows, options);
  }
  out.layout = layout;
  PlaceProblems(layout, &out.problems);
  return out;
}

}  // namespace

ImportPlan PlanImportText(const Ledger& state, std::string_view plan, std::string_view text,
                          MatrixFormat format, const ImportOptions& options) {
  std::vector<ImportProblem> problems;
  MatrixLayout layout;
  const std::vector<MatrixRow> rows = format == MatrixFormat::kJson
                                          ? ReadMatrixJson(text, &problems)
                                          : ReadMatrixCsv(text, &problems, &layout);
  return PlanRows(state, plan, rows, std::move(problems), layout, options);
}

ImportPlan PlanImportTables(const Ledger& state, std::string_view plan,
                            const std::vector<SourceTable>& tables, std::string_view sheet,
                            const ImportOptions& options) {
  std::vector<ImportProblem> problems;
  MatrixLayout layout;
  const std::vector<MatrixRow> rows = ReadMatrixTables(tables, sheet, &layout, &problems);
  return PlanRows(state, plan, rows, std::move(problems), layout, options);
}

}  // namespace taskledger::domain
