// A task's parts as a coordinator files them: one row per member, as a workbook or CSV.
#include "domain/csv.h"
#include "server/views/document_parts.h"
#include "server/views/documents.h"
#include "server/views/xlsx_book.h"

namespace taskledger::server {

using namespace domain;

namespace {

const std::vector<std::string>& PartsHeader() {
  static const std::vector<std::string> header = {"TT",
                                                  "Đơn vị",
                                                  "Mã đơn vị",
                                                  "Vai trò",
                                                  "Nhóm",
                                                  "Trạng thái",
                                                  "Tiến độ (%)",
                                                  "Hạn",
                                                  "Ngày hoàn thành",
                                                  "Sản phẩm đã nộp",
                                                  "Chờ duyệt",
                                                  "Xin gia hạn đến",
                                                  "Báo cáo gần nhất",
                                                  "Là thành viên từ",
                                                  "Rời nhóm"};
  return header;
}

// One member's row, as text; dates as Vietnamese documents write them.
struct PartLine {
  std::vector<std::string> cells;
  std::optional<Date> due, completed_on;
};

PartLine LineOf(size_t n, const PartRow& row, const Occurrence& o) {
  const Part& p = *row.part;
  std::string delivered, requested;
  int awaiting = 0;
  for (const Deliverable& d : p.deliverables()) {
    delivered += (delivered.empty() ? "" : "; ") + d.name;
    awaiting += d.review.empty();
  }
  for (const ExtensionRequest& x : p.extensions()) {
    if (x.decision.empty()) requested = ToDmy(x.requested_due);
  }
  PartLine line;
  line.due = DueOf(p, o);
  line.completed_on = DateOfDay(p.completed_on);
  const auto day = [](const std::optional<Date>& d) { return d ? ToDmy(*d) : std::string(); };
  line.cells = {std::to_string(n),
                row.member ? row.member->name : "",
                row.member ? row.member->id : "",
                p.lead ? "Chủ trì" : "Phối hợp",
                std::string(CategoryLabelVi(row.category)),
                std::string(StatusLabelVi(p.status)),
                std::to_string(p.percent),
                day(line.due),
                day(line.completed_on),
                delivered,
                awaiting ? std::to_string(awaiting) : "",
                requested,
                std::string(p.last_progress()),
                day(DateOfDay(p.joined)),
                day(DateOfDay(p.left))};
  return line;
}

std::string Heading(const Task& t, const Occurrence& o) {
  std::string s = t.code + ". " + t.title;
  if (t.occurrences.size() > 1) s += " (mốc " + o.key + ")";
  return s;
}

}  // namespace

std::string PartsCsv(const Task& t, const Occurrence& o, const std::vector<PartRow>& rows) {
  (void)t;
  std::string out = "\xEF\xBB\xBF";  // Excel reads UTF-8 only with a BOM
  out += WriteCsvRow(PartsHeader());
  size_t n = 0;
  for (const PartRow& row : rows) out += WriteCsvRow(LineOf(++n, row, o).cells);
  return out;
}

Result<std::string> PartsXlsx(const Task& t, const Occurrence& o, const std::vector<PartRow>& rows,
                              Date today, std::string_view filter_label) {
  xlsx::Book b;
  if (!b.get()) return b.Finish();
  const xlsx::Formats f = xlsx::MakeFormats(b);
  b.Properties("Phần việc của đơn vị thành viên — " + t.code);
  lxw_worksheet* s = b.Sheet("Đơn vị thành viên");
  if (!s) return b.Finish();
  const std::vector<std::string>& header = PartsHeader();
  const auto last = static_cast<lxw_col_t>(header.size() - 1);
  b.Check(worksheet_merge_range(s, 0, 0, 0, last, Heading(t, o).c_str(), f.title));
  std::string sub = "Tình hình thực hiện của các đơn vị thành viên đến ngày " + ToDmy(today);
  if (o.due) sub += "; hạn " + ToDmy(*o.due);
  if (!filter_label.empty()) sub += "; " + std::string(filter_label);
  b.Check(worksheet_merge_range(s, 1, 0, 1, last, sub.c_str(), f.subtitle));
  b.Check(worksheet_set_row(s, 0, 36, nullptr));
  const lxw_row_t header_row = 3;
  static constexpr double kWidths[] = {6, 40, 20, 10, 24, 18, 10, 12, 14, 30, 10, 14, 40, 14, 12};
  for (lxw_col_t c = 0; c <= last; ++c) {
    b.Check(worksheet_write_string(s, header_row, c, header[c].c_str(), f.header));
    b.Check(worksheet_set_column(s, c, c, kWidths[c], nullptr));
  }
  lxw_row_t r = header_row;
  size_t n = 0;
  for (const PartRow& row : rows) {
    ++r;
    const PartLine line = LineOf(++n, row, o);
    for (lxw_col_t c = 0; c <= last; ++c) {
      const std::string& text = line.cells[c];
      const std::optional<Date>& date = c == 7   ? line.due
                                        : c == 8 ? line.completed_on
                                                 : std::nullopt;
      if (date) {
        const lxw_datetime d = xlsx::AsDatetime(*date);
        b.Check(worksheet_write_datetime(s, r, c, const_cast<lxw_datetime*>(&d), f.date));
      } else if (c == 0 || c == 6) {
        b.Check(worksheet_write_number(s, r, c, std::stoi(text), f.number));
      } else if (c == 4 && row.category == Category::kOverdue) {
        b.Check(worksheet_write_string(s, r, c, text.c_str(), f.overdue));
      } else {
        b.Check(worksheet_write_string(s, r, c, text.c_str(), f.cell));
      }
    }
  }
  worksheet_freeze_panes(s, header_row + 1, 2);
  b.Check(worksheet_autofilter(s, header_row, 0, r, last));
  xlsx::PrintSetup(s, header_row);
  return b.Finish();
}

}  // namespace taskledger::server
