#include "server/views/documents.h"

#include <cstdio>

#include "domain/csv.h"
#include "domain/text.h"
#include "server/office/text_decode.h"
#include "server/views/document_parts.h"
#include "server/views/views.h"

namespace taskledger::server {

using namespace domain;

namespace {

using parts::kShown;

constexpr const char* kRoman[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"};

constexpr std::string_view kStyle = R"(
  @page { size: A4 landscape; margin: 18mm 15mm; }
  body { font-family: "Times New Roman", Times, serif; font-size: 13pt; color: #000; margin: 0 auto; max-width: 270mm; padding: 8mm; }
  .head { display: grid; grid-template-columns: 1fr 1.3fr; text-align: center; }
  .head p { margin: 0; }
  .upper { text-transform: uppercase; font-weight: bold; }
  .rule::after { content: ""; display: block; width: 35%; margin: 2px auto 0; border-top: 1px solid #000; }
  .number { margin-top: 6px !important; }
  .text { text-indent: 1.27cm; text-align: justify; margin: 4px 0; }
  .to { font-weight: bold; font-style: italic; margin: 0; }
  .to-line { font-size: 11pt; margin: 0; }
  .hint { font-style: italic; font-weight: normal; }
  .signer { margin-top: 64px !important; }
  .motto { font-weight: bold; text-decoration: underline; text-underline-offset: 3px; }
  .place { font-style: italic; margin-top: 6px !important; }
  h1 { text-align: center; font-size: 15pt; margin: 18px 0 2px; }
  .sub { text-align: center; font-weight: bold; margin: 0; }
  .asof { text-align: center; font-style: italic; margin: 2px 0 16px; }
  h2 { font-size: 13pt; margin: 18px 0 6px; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 8px; page-break-inside: auto; }
  tr { page-break-inside: avoid; }
  th, td { border: 1px solid #000; padding: 3px 5px; vertical-align: top; font-size: 11.5pt; }
  th { background: #f0f0f0; }
  td.n { text-align: right; white-space: nowrap; }
  .sign { display: grid; grid-template-columns: 1fr 1fr; margin-top: 24px; }
  .sign div:last-child { text-align: center; font-weight: bold; }
  .sign p { margin: 0; }
  .note { font-size: 10.5pt; font-style: italic; }
  @media print { body { padding: 0; } .noprint { display: none; } }
)";

// A row of counts; with `parts`, a last cell of its members' parts done ("183/250").
void CountsRow(std::string& h, const parts::CountsLine& line, bool parts) {
  h += "<tr><td>" + EscapeHtml(line.label) + "</td>";
  for (Category k : kShown) h += "<td class=\"n\">" + std::to_string(line.counts[k]) + "</td>";
  h += "<td class=\"n\"><b>" + std::to_string(line.total()) + "</b></td>";
  if (parts) {
    const int counted = parts::CountedParts(line.parts);
    h += "<td class=\"n\">" +
         (counted ? std::to_string(line.parts.completed()) + "/" + std::to_string(counted) : "") +
         "</td>";
  }
  h += "</tr>\n";
}

void CountsHeader(std::string& h, std::string_view first, bool parts) {
  h += "<table><thead><tr><th>" + EscapeHtml(first) + "</th>";
  for (Category k : kShown) h += "<th>" + EscapeHtml(CategoryLabelVi(k)) + "</th>";
  h += "<th>Tổng số</th>";
  if (parts) h += "<th>Đơn vị thành viên hoàn thành</th>";
  h += "</tr></thead><tbody>\n";
}

std::string Pct(int n, int total) { return parts::PercentVi(n, total); }

}  // namespace

std::string_view CategoryLabelVi(Category c) {
  switch (c) {
    case Category::kCompletedOnTime:
      return "Hoàn thành đúng hạn";
    case Category::kCompletedLate:
      return "Hoàn thành nhưng quá hạn";
    case Category::kInProgressWithinDeadline:
      return "Chưa hoàn thành, còn trong thời hạn";
    case Category::kOverdue:
      return "Chưa hoàn thành, quá hạn";
    case Category::kNotYetDue:
      return "Chưa đến kỳ thực hiện";
    case Category::kUnscheduled:
      return "Thường xuyên, chưa có thời hạn";
    case Category::kCancelled:
      return "Đã hủy";
  }
  return "?";
}

std::string_view StatusLabelVi(OccurrenceStatus s) {
  switch (s) {
    case OccurrenceStatus::kNotStarted:
      return "Chưa bắt đầu";
    case OccurrenceStatus::kInProgress:
      return "Đang thực hiện";
    case OccurrenceStatus::kSubmitted:
      return "Đã nộp, chờ duyệt";
    case OccurrenceStatus::kCompleted:
      return "Đã hoàn thành";
    case OccurrenceStatus::kCancelled:
      return "Đã hủy";
  }
  return "?";
}

std::string PlanMatrixCsv(const Ledger& l, const Plan& plan, Date today) {
  std::string out = "\xEF\xBB\xBF";  // Excel reads UTF-8 only with a BOM
  out += WriteCsvRow(parts::MatrixHeader());
  for (const parts::MatrixRow& row : parts::MatrixRows(l, plan, today)) {
    out += WriteCsvRow(row.cells);
  }
  return out;
}

std::string ReportHtml(const Ledger& l, const PlanReport& r, const ReportParticulars* particulars) {
  const Plan& plan = *r.plan;
  // The same header, signer and sections as the Word file's (document_parts.h).
  const parts::ReportFrame frame = parts::FrameOf(l, plan, r.as_of, particulars);
  std::string h;
  h.reserve(64 * 1024);
  h += "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  h +=
      "Báo cáo " + EscapeHtml(plan.number.empty() ? plan.id : plan.number) + " — " + ToDmy(r.as_of);
  h += "</title>\n<style>";
  h += kStyle;
  h += "</style></head>\n<body>\n<div class=\"head\"><div>";
  // Upper-cased as the Word file writes them (Vietnamese letters included), not by the browser.
  if (!frame.over.empty()) h += "<p>" + EscapeHtml(office::UpperVi(frame.over)) + "</p>";
  h += "<p class=\"upper rule\">" + EscapeHtml(office::UpperVi(frame.issuer)) + "</p>";
  h += "<p class=\"number\">" + EscapeHtml(frame.number) + "</p></div><div>";
  h += "<p class=\"upper\">Cộng hòa xã hội chủ nghĩa Việt Nam</p>";
  h += "<p class=\"motto\">Độc lập - Tự do - Hạnh phúc</p>";
  h += "<p class=\"place\">" + EscapeHtml(frame.place_date) + "</p>";
  h += "</div></div>\n<h1>BÁO CÁO</h1>\n<p class=\"sub\">Kết quả thực hiện " +
       EscapeHtml(plan.title);
  if (!plan.number.empty()) h += " (Kế hoạch số " + EscapeHtml(plan.number) + ")";
  h += "</p>\n<p class=\"asof\">Số liệu tính đến hết ngày " + ToDmy(r.as_of) + "</p>\n";
  if (!r.only_for.empty()) {
    const Agency* a = l.FindAgency(r.only_for);
    h += "<p class=\"asof\">Phạm vi: các nhiệm vụ do " + EscapeHtml(a ? a->name : r.only_for) +
         " chủ trì hoặc phối hợp</p>\n";
  }

  int section_no = 0;
  const auto heading = [&](std::string_view text) {
    h += "<h2>" + std::string(kRoman[section_no++]) + ". " + EscapeHtml(text) + "</h2>\n";
  };
  heading("Tổng hợp chung");
  const CategoryCounts& tasks = r.totals.tasks;
  const int total = parts::CountedTotal(r);
  const int parts_total = parts::CountedParts(r.totals.parts);
  h += "<p>Kế hoạch có " + std::to_string(total) + " lượt nhiệm vụ (theo từng mốc thời hạn)";
  if (tasks[Category::kCancelled] > 0) {
    h += ", không kể " + std::to_string(tasks[Category::kCancelled]) + " lượt đã hủy";
  }
  if (parts_total > 0) {
    h += "; các nhiệm vụ giao cho nhóm đơn vị (các cơ sở giáo dục, UBND các xã…) gồm " +
         std::to_string(parts_total) +
         " phần việc của từng đơn vị thành viên, mỗi phần đánh giá "
         "theo thời hạn riêng";
  }
  h += ". Kết quả theo các nhóm:</p>\n<table><thead><tr><th>Nhóm</th><th>Số lượng</th>"
       "<th>Tỷ lệ</th>";
  if (parts_total > 0) h += "<th>Phần việc của đơn vị thành viên</th><th>Tỷ lệ</th>";
  h += "</tr></thead><tbody>\n";
  for (Category k : kShown) {
    h += "<tr><td>" + EscapeHtml(CategoryLabelVi(k)) + "</td><td class=\"n\">" +
         std::to_string(tasks[k]) + "</td><td class=\"n\">" + Pct(tasks[k], total) + "</td>";
    if (parts_total > 0) {
      h += "<td class=\"n\">" + std::to_string(r.totals.parts[k]) + "</td><td class=\"n\">" +
           Pct(r.totals.parts[k], parts_total) + "</td>";
    }
    h += "</tr>\n";
  }
  h += "<tr><td><b>Tổng số</b></td><td class=\"n\"><b>" + std::to_string(total) +
       "</b></td><td class=\"n\">100%</td>";
  if (parts_total > 0) {
    h += "<td class=\"n\"><b>" + std::to_string(parts_total) + "</b></td><td class=\"n\">100%</td>";
  }
  h += "</tr></tbody></table>\n";

  heading("Theo nội dung kế hoạch");
  CountsHeader(h, "Mục", parts_total > 0);
  for (const parts::CountsLine& line : parts::SectionCounts(r)) CountsRow(h, line, parts_total > 0);
  h += "</tbody></table>\n";

  heading("Theo cơ quan chủ trì");
  CountsHeader(h, "Cơ quan chủ trì", parts_total > 0);
  for (const parts::CountsLine& line : parts::LeadCounts(l, r)) {
    CountsRow(h, line, parts_total > 0);
  }
  h += "</tbody></table>\n";

  heading("Chi tiết theo nhóm");
  const std::vector<parts::TaskLine> lines = parts::TaskLines(l, r);
  int group_no = 0;
  for (Category k : kShown) {
    ++group_no;
    int n = 0;
    for (const parts::TaskLine& line : lines) n += line.category == k;
    h += "<p><b>" + std::to_string(group_no) + ". " + EscapeHtml(CategoryLabelVi(k)) + ": " +
         std::to_string(n) + "</b></p>\n";
    if (n == 0) continue;
    h += "<table><thead><tr><th>TT</th><th>Nhiệm vụ</th><th>Cơ quan chủ trì</th>"
         "<th>Thời hạn</th><th>Trạng thái</th><th>Tiến độ</th></tr></thead><tbody>\n";
    for (const parts::TaskLine& line : lines) {
      if (line.category != k) continue;
      h += "<tr><td>" + EscapeHtml(line.code) + "</td><td>" + EscapeHtml(line.title) + "</td><td>" +
           EscapeHtml(line.lead) + "</td><td>" + EscapeHtml(line.due) + "</td><td>" +
           EscapeHtml(line.state) + (line.parts.empty() ? "" : "<br>" + EscapeHtml(line.parts)) +
           "</td><td>" + EscapeHtml(line.progress) + "</td></tr>\n";
    }
    h += "</tbody></table>\n";
  }
  for (const auto& [title, words] : frame.sections) {
    heading(title);
    for (size_t at = 0; at <= words.size();) {
      const size_t end = std::min(words.find('\n', at), words.size());
      if (end > at) h += "<p class=\"text\">" + EscapeHtml(words.substr(at, end - at)) + "</p>\n";
      at = end + 1;
    }
  }
  h += "<div class=\"sign\"><div><p class=\"to\">Nơi nhận:</p>";
  for (const std::string& line : frame.recipients)
    h += "<p class=\"to-line\">" + EscapeHtml(line) + "</p>";
  h += "<p class=\"note\">Báo cáo lập từ sổ theo dõi TaskLedger; số liệu tính theo từng mốc thời "
       "hạn của nhiệm vụ, tại thời điểm cuối ngày " +
       ToDmy(r.as_of) + ".</p></div><div><p>" + EscapeHtml(frame.signer_title) + "</p>";
  h += "<p class=\"hint\">(Ký, ghi rõ họ tên, đóng dấu)</p>";
  if (!frame.signer_name.empty())
    h += "<p class=\"signer\">" + EscapeHtml(frame.signer_name) + "</p>";
  h += "</div></div>\n</body></html>\n";
  return h;
}

}  // namespace taskledger::server
