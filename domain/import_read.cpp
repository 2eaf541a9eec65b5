// Reading matrix rows from CSV and JSON.
#include <array>
#include <nlohmann/json.hpp>

#include "domain/csv.h"
#include "domain/import.h"
#include "domain/text.h"

namespace taskledger::domain {
namespace {

enum Column {
  kCode,
  kTitle,
  kLead,
  kCoordinating,
  kDeliverable,
  kDeadline,
  kSection,
  kTargets,
  kOccurrenceTargets,
  kColumnCount
};

// Folded header names each column is known by.
const std::array<std::vector<std::string_view>, kColumnCount> kHeaders = {{
    {"tt", "stt", "so tt", "ma", "ma so", "code", "no", "no."},
    {"nhiem vu", "ten nhiem vu", "noi dung", "noi dung nhiem vu", "nhiem vu, giai phap", "task",
     "title"},
    {"co quan chu tri", "don vi chu tri", "chu tri", "co quan chu tri thuc hien", "lead",
     "lead agency", "lead agencies"},
    {"co quan phoi hop", "don vi phoi hop", "phoi hop", "co quan phoi hop thuc hien",
     "coordinating", "coordinating agencies"},
    {"ket qua", "san pham", "ket qua/san pham", "ket qua/ san pham", "ket qua, san pham",
     "san pham, ket qua", "ket qua/san pham du kien", "deliverable", "product", "expected product"},
    {"thoi gian hoan thanh", "thoi gian", "thoi han", "thoi han hoan thanh", "tien do", "deadline",
     "due"},
    {"muc", "phan", "section"},
    {"muc tieu", "chi tieu", "targets", "target"},
    {"chi tieu theo moc", "muc tieu theo moc", "occurrence targets", "milestone targets"},
}};

const char* kColumnNames[kColumnCount] = {"TT",
                                          "Nhiệm vụ",
                                          "Cơ quan chủ trì",
                                          "Cơ quan phối hợp",
                                          "Kết quả/Sản phẩm",
                                          "Thời gian hoàn thành",
                                          "Mục",
                                          "Mục tiêu",
                                          "Chỉ tiêu theo mốc"};

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
  }
  return nullptr;
}

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

std::vector<MatrixRow> ReadMatrixCsv(std::string_view text, std::vector<ImportProblem>* problems) {
  std::vector<MatrixRow> out;
  auto rows = ParseCsv(text);
  if (!rows.ok()) {
    problems->push_back({0, "", rows.status().message()});
    return out;
  }
  if (rows->empty()) {
    problems->push_back({0, "", "the file has no header row"});
    return out;
  }
  // The header: which cell holds which column.
  const CsvRow& header = rows->front();
  std::array<int, kColumnCount> at;
  at.fill(-1);
  for (size_t i = 0; i < header.cells.size(); ++i) {
    const std::string name = Fold(header.cells[i]);
    for (int c = 0; c < kColumnCount; ++c) {
      for (std::string_view known : kHeaders[c]) {
        if (name == known && at[c] < 0) at[c] = static_cast<int>(i);
      }
    }
  }
  for (int c : {kTitle, kLead, kDeadline}) {
    if (at[c] < 0) {
      problems->push_back(
          {header.line, kColumnNames[c],
           std::string("missing column (header \"") + kColumnNames[c] + "\" or its English name)"});
    }
  }
  if (!problems->empty()) return out;
  for (size_t r = 1; r < rows->size(); ++r) {
    const CsvRow& row = (*rows)[r];
    MatrixRow m;
    m.row = row.line;
    for (int c = 0; c < kColumnCount; ++c) {
      if (at[c] >= 0 && static_cast<size_t>(at[c]) < row.cells.size()) {
        *Field(m, c) = std::string(Trim(row.cells[at[c]]));
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

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
                                            "section",      "targets",     "occurrence_targets"};
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

}  // namespace taskledger::domain
