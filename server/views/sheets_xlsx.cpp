// The spreadsheets an office keeps: the plan's matrix and the report (xlsx_book.h).
#include "server/views/document_parts.h"
#include "server/views/documents.h"
#include "server/views/xlsx_book.h"

namespace taskledger::server {

using namespace domain;

namespace {

using xlsx::AsDatetime;
using xlsx::Book;
using xlsx::Formats;
using xlsx::MakeFormats;
using xlsx::PrintSetup;

// A table of counts per group: its header at `row`, then one line each, then the total line
// (the plan's, given: a task with two leads counts under each). With `with_parts`, two more
// columns: the members' parts done and counted. Returns the row after it.
lxw_row_t CountsTable(Book& b, lxw_worksheet* s, const Formats& f, lxw_row_t row,
                      const std::string& first, const std::vector<parts::CountsLine>& lines,
                      const ReportCounts& totals, bool with_parts) {
  lxw_col_t col = 0;
  b.Check(worksheet_write_string(s, row, col++, first.c_str(), f.header));
  for (Category k : parts::kShown) {
    b.Check(
        worksheet_write_string(s, row, col++, std::string(CategoryLabelVi(k)).c_str(), f.header));
  }
  b.Check(worksheet_write_string(s, row, col++, "Tổng số", f.header));
  if (with_parts) {
    b.Check(worksheet_write_string(s, row, col++, "Đơn vị thành viên hoàn thành", f.header));
    b.Check(worksheet_write_string(s, row, col, "Đơn vị thành viên", f.header));
  }
  const auto line_row = [&](const parts::CountsLine& line, lxw_format* label, lxw_format* n) {
    ++row;
    col = 0;
    b.Check(worksheet_write_string(s, row, col++, line.label.c_str(), label));
    for (Category k : parts::kShown) {
      b.Check(worksheet_write_number(s, row, col++, line.counts[k], n));
    }
    b.Check(worksheet_write_number(s, row, col++, line.total(), f.total));
    if (with_parts) {
      b.Check(worksheet_write_number(s, row, col++, line.parts.completed(), n));
      b.Check(worksheet_write_number(s, row, col, parts::CountedParts(line.parts), n));
    }
  };
  for (const parts::CountsLine& line : lines) line_row(line, f.cell, f.number);
  line_row({"Tổng số", totals.tasks, totals.parts}, f.header, f.total);
  return row + 1;
}

}  // namespace

Result<std::string> PlanMatrixXlsx(const Ledger& l, const Plan& plan, Date today) {
  Book b;
  if (!b.get()) return b.Finish();
  const Formats f = MakeFormats(b);
  b.Properties(plan.title);
  lxw_worksheet* s = b.Sheet("Nhiệm vụ");
  if (!s) return b.Finish();
  const std::vector<std::string> header = parts::MatrixHeader();
  const lxw_col_t last = static_cast<lxw_col_t>(header.size() - 1);
  // A title block above the header (the importer finds the header below it).
  std::string title = plan.title;
  if (!plan.number.empty()) title += " (Kế hoạch số " + plan.number + ")";
  b.Check(worksheet_merge_range(s, 0, 0, 0, last, title.c_str(), f.title));
  const std::string subtitle = "Ma trận nhiệm vụ và tình hình thực hiện đến ngày " + ToDmy(today);
  b.Check(worksheet_merge_range(s, 1, 0, 1, last, subtitle.c_str(), f.subtitle));
  const lxw_row_t header_row = 3;
  for (lxw_col_t c = 0; c <= last; ++c) {
    b.Check(worksheet_write_string(s, header_row, c, header[c].c_str(), f.header));
  }
  static constexpr double kWidths[] = {7, 48, 26, 30, 30, 18, 8, 30, 22, 10, 12, 16, 22, 9, 13};
  for (lxw_col_t c = 0; c <= last; ++c) {
    b.Check(worksheet_set_column(s, c, c, kWidths[c], nullptr));
  }
  lxw_row_t row = header_row;
  for (const parts::MatrixRow& m : parts::MatrixRows(l, plan, today)) {
    ++row;
    if (m.section) {
      b.Check(worksheet_write_string(s, row, 0, m.cells[0].c_str(), f.section));
      b.Check(worksheet_merge_range(s, row, 1, row, last, m.cells[1].c_str(), f.section));
      continue;
    }
    for (lxw_col_t c = 0; c <= last; ++c) {
      const std::string& text = m.cells[c];
      if (c == 10 && m.due) {
        const lxw_datetime d = AsDatetime(*m.due);
        b.Check(worksheet_write_datetime(s, row, c, const_cast<lxw_datetime*>(&d), f.date));
      } else if (c == 14 && m.completed_on) {
        const lxw_datetime d = AsDatetime(*m.completed_on);
        b.Check(worksheet_write_datetime(s, row, c, const_cast<lxw_datetime*>(&d), f.date));
      } else if (c == 13 && m.category) {
        b.Check(worksheet_write_number(s, row, c, m.percent, f.number));
      } else if (c == 12 && m.category == Category::kOverdue) {
        b.Check(worksheet_write_string(s, row, c, text.c_str(), f.overdue));
      } else {
        b.Check(worksheet_write_string(s, row, c, text.c_str(), f.cell));
      }
    }
  }
  worksheet_freeze_panes(s, header_row + 1, 0);
  b.Check(worksheet_autofilter(s, header_row, 0, row, last));
  PrintSetup(s, header_row);
  return b.Finish();
}

Result<std::string> ReportXlsx(const Ledger& l, const PlanReport& r) {
  Book b;
  if (!b.get()) return b.Finish();
  const Formats f = MakeFormats(b);
  const Plan& plan = *r.plan;
  b.Properties("Báo cáo " + plan.title);
  const std::string heading = "BÁO CÁO KẾT QUẢ THỰC HIỆN " + plan.title +
                              (plan.number.empty() ? "" : " (Kế hoạch số " + plan.number + ")");
  std::string scope = "Số liệu tính đến hết ngày " + ToDmy(r.as_of) +
                      "; tính theo từng mốc thời hạn của nhiệm vụ (nhiệm vụ hằng năm tính mỗi "
                      "năm một lượt)";
  if (!r.only_for.empty()) {
    const Agency* a = l.FindAgency(r.only_for);
    scope += "; phạm vi: các nhiệm vụ do " + (a ? a->name : r.only_for) + " chủ trì hoặc phối hợp";
  }
  const bool with_parts = parts::CountedParts(r.totals.parts) > 0;
  const auto counts_sheet = [&](const char* name, const std::string& first,
                                const std::vector<parts::CountsLine>& lines) {
    lxw_worksheet* s = b.Sheet(name);
    if (!s) return;
    b.Check(worksheet_merge_range(s, 0, 0, 0, 7, heading.c_str(), f.title));
    b.Check(worksheet_merge_range(s, 1, 0, 1, 7, scope.c_str(), f.subtitle));
    b.Check(worksheet_set_row(s, 0, 36, nullptr));
    b.Check(worksheet_set_row(s, 1, 30, nullptr));
    b.Check(worksheet_set_column(s, 0, 0, 44, nullptr));
    b.Check(worksheet_set_column(s, 1, 9, 16, nullptr));
    CountsTable(b, s, f, 3, first, lines, r.totals, with_parts);
    worksheet_freeze_panes(s, 4, 1);
    PrintSetup(s, 3);
  };
  {
    // Overall: each group, its count and its share, as the Word report's first table.
    lxw_worksheet* s = b.Sheet("Tổng hợp");
    if (!s) return b.Finish();
    b.Check(worksheet_merge_range(s, 0, 0, 0, 2, heading.c_str(), f.title));
    b.Check(worksheet_merge_range(s, 1, 0, 1, 2, scope.c_str(), f.subtitle));
    b.Check(worksheet_set_row(s, 0, 48, nullptr));
    b.Check(worksheet_set_row(s, 1, 36, nullptr));
    b.Check(worksheet_set_column(s, 0, 0, 44, nullptr));
    b.Check(worksheet_set_column(s, 1, 2, 14, nullptr));
    b.Check(worksheet_set_column(s, 3, 4, 18, nullptr));
    b.Check(worksheet_write_string(s, 3, 0, "Nhóm", f.header));
    b.Check(worksheet_write_string(s, 3, 1, "Số lượng", f.header));
    b.Check(worksheet_write_string(s, 3, 2, "Tỷ lệ", f.header));
    if (with_parts) {
      b.Check(worksheet_write_string(s, 3, 3, "Phần việc của đơn vị thành viên", f.header));
      b.Check(worksheet_write_string(s, 3, 4, "Tỷ lệ", f.header));
    }
    const int total = parts::CountedTotal(r);
    const int parts_total = parts::CountedParts(r.totals.parts);
    const CategoryCounts& tasks = r.totals.tasks;
    lxw_row_t row = 3;
    for (Category k : parts::kShown) {
      ++row;
      b.Check(worksheet_write_string(s, row, 0, std::string(CategoryLabelVi(k)).c_str(), f.cell));
      b.Check(worksheet_write_number(s, row, 1, tasks[k], f.number));
      b.Check(worksheet_write_number(s, row, 2, total ? double(tasks[k]) / total : 0, f.percent));
      if (with_parts) {
        const int n = r.totals.parts[k];
        b.Check(worksheet_write_number(s, row, 3, n, f.number));
        b.Check(worksheet_write_number(s, row, 4, parts_total ? double(n) / parts_total : 0,
                                       f.percent));
      }
    }
    ++row;
    b.Check(worksheet_write_string(s, row, 0, "Tổng số", f.header));
    b.Check(worksheet_write_number(s, row, 1, total, f.total));
    b.Check(worksheet_write_number(s, row, 2, total ? 1 : 0, f.percent));
    if (with_parts) {
      b.Check(worksheet_write_number(s, row, 3, parts_total, f.total));
      b.Check(worksheet_write_number(s, row, 4, parts_total ? 1 : 0, f.percent));
    }
    PrintSetup(s, 3);
  }
  counts_sheet("Theo mục", "Mục", parts::SectionCounts(r));
  counts_sheet("Theo cơ quan chủ trì", "Cơ quan chủ trì", parts::LeadCounts(l, r));

  lxw_worksheet* s = b.Sheet("Chi tiết");
  if (!s) return b.Finish();
  static const char* kHeader[] = {"TT",         "Nhiệm vụ",   "Cơ quan chủ trì",
                                  "Thời hạn",   "Hạn (ngày)", "Nhóm",
                                  "Trạng thái", "Tiến độ",    "Đơn vị thành viên"};
  static constexpr double kWidths[] = {10, 50, 28, 22, 12, 24, 22, 36, 28};
  for (lxw_col_t c = 0; c < 9; ++c) {
    b.Check(worksheet_write_string(s, 0, c, kHeader[c], f.header));
    b.Check(worksheet_set_column(s, c, c, kWidths[c], nullptr));
  }
  lxw_row_t row = 0;
  for (const parts::TaskLine& line : parts::TaskLines(l, r)) {
    if (line.category == Category::kCancelled) continue;
    ++row;
    b.Check(worksheet_write_string(s, row, 0, line.code.c_str(), f.cell));
    b.Check(worksheet_write_string(s, row, 1, line.title.c_str(), f.cell));
    b.Check(worksheet_write_string(s, row, 2, line.lead.c_str(), f.cell));
    b.Check(worksheet_write_string(s, row, 3, line.due.c_str(), f.cell));
    if (line.due_date) {
      const lxw_datetime d = AsDatetime(*line.due_date);
      b.Check(worksheet_write_datetime(s, row, 4, const_cast<lxw_datetime*>(&d), f.date));
    } else {
      b.Check(worksheet_write_blank(s, row, 4, f.cell));
    }
    b.Check(worksheet_write_string(s, row, 5, std::string(CategoryLabelVi(line.category)).c_str(),
                                   line.category == Category::kOverdue ? f.overdue : f.cell));
    b.Check(worksheet_write_string(s, row, 6, line.state.c_str(), f.cell));
    b.Check(worksheet_write_string(s, row, 7, line.progress.c_str(), f.cell));
    b.Check(worksheet_write_string(s, row, 8, line.parts.c_str(), f.cell));
  }
  worksheet_freeze_panes(s, 1, 0);
  b.Check(worksheet_autofilter(s, 0, 0, row, 8));
  PrintSetup(s, 0);
  return b.Finish();
}

}  // namespace taskledger::server
