// The plan's report as an editable Word document in the layout of Nghị định 30/2020/NĐ-CP
// (../shared/VN-ADMIN-DOCUMENT.md): the header block, BÁO CÁO and its subject, the groups
// overall, by section and by lead agency, the overdue and upcoming tasks, Nơi nhận and the
// signer, written with the WordprocessingML pieces of docx_writer.h.
#include <cstdio>

#include "server/office/text_decode.h"
#include "server/views/document_parts.h"
#include "server/views/documents.h"
#include "server/views/docx_writer.h"

namespace taskledger::server {

using namespace domain;
using namespace docx;

namespace {

std::string Percent(int n, int total) { return parts::PercentVi(n, total); }

// "183/250", or empty without parts.
std::string PartsDone(const CategoryCounts& parts) {
  const int counted = parts::CountedParts(parts);
  return counted ? std::to_string(parts.completed()) + "/" + std::to_string(counted) : "";
}

// A counts table; with `with_parts`, a last column of the members' parts done ("183/250"). Its
// total line is given, not summed: a task with two leads counts under each of them.
void CountsTable(pugi::xml_node body, const std::string& first,
                 const std::vector<parts::CountsLine>& lines, const ReportCounts& totals,
                 bool with_parts) {
  std::vector<int> widths = {3155, 900, 900, 900, 900, 900, 900, 800};
  if (with_parts) widths = {2455, 850, 850, 850, 850, 850, 850, 700, 1000};
  Table t(body, widths, true);
  std::vector<std::string> head = {first};
  for (Category k : parts::kShown) head.emplace_back(CategoryLabelVi(k));
  head.emplace_back("Tổng số");
  if (with_parts) head.emplace_back("Đơn vị thành viên hoàn thành");
  Style small = Cell("center", true);
  small.size = 20;
  t.Row(head, {small}, true, "E7E6E6");
  for (const parts::CountsLine& line : lines) {
    std::vector<std::string> row = {line.label};
    for (Category k : parts::kShown) row.push_back(std::to_string(line.counts[k]));
    row.push_back(std::to_string(line.total()));
    if (with_parts) row.push_back(PartsDone(line.parts));
    t.Row(row, {Cell(), Cell("right")});
  }
  const parts::CountsLine all{"", totals.tasks, totals.parts};
  std::vector<std::string> row = {"Tổng số"};
  for (Category k : parts::kShown) row.push_back(std::to_string(all.counts[k]));
  row.push_back(std::to_string(all.total()));
  if (with_parts) row.push_back(PartsDone(all.parts));
  t.Row(row, {Cell("left", true), Cell("right", true)});
}

void TaskTable(pugi::xml_node body, const std::vector<parts::TaskLine>& lines) {
  Table t(body, {900, 3555, 2200, 1400, 1300}, true);
  t.Row({"TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Tiến độ"}, {Cell("center", true)}, true,
        "E7E6E6");
  for (const parts::TaskLine& l : lines) {
    t.Row({l.code, l.title, l.lead, l.due,
           l.state + (l.parts.empty() ? "" : "\n" + l.parts) + "\n" + l.progress},
          {Cell()});
  }
}

std::string DocumentXml(const Ledger& l, const PlanReport& r,
                        const ReportParticulars* particulars) {
  const Plan& plan = *r.plan;
  const parts::ReportFrame frame = parts::FrameOf(l, plan, r.as_of, particulars);
  pugi::xml_document doc;
  pugi::xml_node root = Root(doc, "w:document");
  root.append_attribute("xmlns:w") = kW;
  root.append_attribute("xmlns:r") = kR;
  pugi::xml_node body = root.append_child("w:body");

  // The header block: who issues it and its number | the national name, motto, place and date.
  {
    Table head(body, {3600, kTextWidth - 3600}, false);
    Style upper = Cell("center");
    upper.size = 24;
    Style upper_bold = upper;
    upper_bold.bold = true;
    const std::string issuer = office::UpperVi(frame.issuer);
    const std::string over = office::UpperVi(frame.over);
    head.Row({over.empty() ? issuer : over, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
             {over.empty() ? upper_bold : upper, upper_bold});
    // The rules: short under the issuer, as long as the motto under the motto.
    Style issuer_style = upper_bold;
    issuer_style.rule_below = true;
    issuer_style.ind_left = issuer_style.ind_right = 800;
    Style motto = Cell("center", true);
    motto.size = 26;
    motto.rule_below = true;
    motto.ind_left = motto.ind_right = 1100;
    head.Row({over.empty() ? "" : issuer, "Độc lập - Tự do - Hạnh phúc"}, {issuer_style, motto});
    Style num = Cell("center");
    num.size = 26;
    num.before = 120;
    Style dated = num;
    dated.italic = true;
    head.Row({frame.number, frame.place_date}, {num, dated});
  }

  Style title;
  title.align = "center";
  title.bold = true;
  title.size = 28;
  title.before = 360;
  title.after = 0;
  Para(body, title, "BÁO CÁO");
  Style subject = title;
  subject.before = 0;
  subject.size = 26;
  std::string about = "Kết quả thực hiện " + plan.title;
  if (!plan.number.empty()) about += " (Kế hoạch số " + plan.number + ")";
  Para(body, subject, about);
  Style subject_rule;
  subject_rule.align = "center";
  subject_rule.rule_below = true;
  subject_rule.ind_left = 3400;
  subject_rule.ind_right = 3400;
  subject_rule.size = 8;
  subject_rule.after = 240;
  Para(body, subject_rule, "");

  Style text;
  text.first_line = 720;
  Style h1 = text;
  h1.bold = true;
  h1.keep_next = true;
  h1.before = 120;
  std::string intro = "Số liệu tính đến hết " + parts::DateLineVi(r.as_of) + ".";
  if (!r.only_for.empty()) {
    const Agency* a = l.FindAgency(r.only_for);
    intro += " Phạm vi: các nhiệm vụ do " + (a ? a->name : r.only_for) + " chủ trì hoặc phối hợp.";
  }
  Para(body, text, intro);

  const int total = parts::CountedTotal(r);
  const CategoryCounts& tasks = r.totals.tasks;
  const int parts_total = parts::CountedParts(r.totals.parts);
  Para(body, h1, "I. TỔNG HỢP CHUNG");
  Para(body, text,
       "Kế hoạch có " + std::to_string(total) + " lượt nhiệm vụ theo các mốc thời hạn" +
           (tasks[Category::kCancelled] > 0
                ? " (không kể " + std::to_string(tasks[Category::kCancelled]) + " lượt đã hủy)"
                : "") +
           (parts_total > 0
                ? "; các nhiệm vụ giao cho nhóm đơn vị gồm " + std::to_string(parts_total) +
                      " phần việc của từng đơn vị thành viên, mỗi phần đánh giá theo "
                      "thời hạn riêng"
                : "") +
           ", kết quả như sau:");
  {
    if (parts_total > 0) {
      Table t(body, {3655, 1200, 1200, 1600, 1700}, true);
      t.Row({"Nhóm", "Số lượng", "Tỷ lệ", "Phần việc của đơn vị thành viên", "Tỷ lệ"},
            {Cell("center", true)}, true, "E7E6E6");
      for (Category k : parts::kShown) {
        t.Row({std::string(CategoryLabelVi(k)), std::to_string(tasks[k]), Percent(tasks[k], total),
               std::to_string(r.totals.parts[k]), Percent(r.totals.parts[k], parts_total)},
              {Cell(), Cell("right")});
      }
      t.Row({"Tổng số", std::to_string(total), "100%", std::to_string(parts_total), "100%"},
            {Cell("left", true), Cell("right", true)});
    } else {
      Table t(body, {5255, 2000, 2100}, true);
      t.Row({"Nhóm", "Số lượng", "Tỷ lệ"}, {Cell("center", true)}, true, "E7E6E6");
      for (Category k : parts::kShown) {
        t.Row({std::string(CategoryLabelVi(k)), std::to_string(tasks[k]), Percent(tasks[k], total)},
              {Cell(), Cell("right")});
      }
      t.Row({"Tổng số", std::to_string(total), "100%"}, {Cell("left", true), Cell("right", true)});
    }
  }
  Style note = text;
  note.italic = true;
  note.size = 24;
  note.before = 60;
  Para(body, note,
       "Ghi chú: số liệu đếm theo từng mốc thời hạn của nhiệm vụ (nhiệm vụ thực hiện hằng năm "
       "hoặc theo nhiều mốc được tính mỗi mốc một lượt); \"Hoàn thành đúng hạn\" và \"Hoàn thành "
       "nhưng quá hạn\" so với thời hạn đang có hiệu lực (kể cả khi đã được gia hạn) tại ngày "
       "hoàn thành.");

  Para(body, h1, "II. KẾT QUẢ THEO NỘI DUNG KẾ HOẠCH");
  CountsTable(body, "Mục", parts::SectionCounts(r), r.totals, parts_total > 0);
  Para(body, h1, "III. KẾT QUẢ THEO CƠ QUAN CHỦ TRÌ");
  // Each lead, co-leads too: the total line is the plan's, not the sum of the rows.
  CountsTable(body, "Cơ quan chủ trì", parts::LeadCounts(l, r), r.totals, parts_total > 0);
  Para(body, note,
       "Ghi chú: nhiệm vụ có nhiều cơ quan chủ trì được tính cho từng cơ quan; dòng \"Tổng số\" "
       "tính mỗi lượt nhiệm vụ một lần.");

  const std::vector<parts::TaskLine> lines = parts::TaskLines(l, r);
  std::vector<parts::TaskLine> overdue;
  for (const parts::TaskLine& line : lines) {
    if (line.category == Category::kOverdue) overdue.push_back(line);
  }
  Para(body, h1, "IV. NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN");
  if (overdue.empty()) {
    Para(body, text, "Không có nhiệm vụ chưa hoàn thành quá hạn.");
  } else {
    Para(body, text,
         "Có " + std::to_string(overdue.size()) + " lượt nhiệm vụ quá hạn chưa hoàn thành:");
    TaskTable(body, overdue);
  }
  const std::vector<parts::TaskLine> upcoming = parts::Upcoming(lines, r.as_of);
  Para(body, h1,
       "V. NHIỆM VỤ ĐẾN HẠN TRONG " + std::to_string(parts::kUpcomingDays) + " NGÀY TỚI (ĐẾN " +
           ToDmy(AddDays(r.as_of, parts::kUpcomingDays)) + ")");
  if (upcoming.empty()) {
    Para(body, text, "Không có nhiệm vụ đến hạn trong thời gian này.");
  } else {
    TaskTable(body, upcoming);
  }
  // What the department writes around the counts, in the report's own sections.
  static constexpr const char* kMore[] = {"VI", "VII", "VIII", "IX"};
  for (size_t i = 0; i < frame.sections.size(); ++i) {
    const auto& [title, words] = frame.sections[i];
    Para(body, h1, std::string(kMore[i]) + ". " + title);
    for (size_t at = 0; at <= words.size();) {
      const size_t end = std::min(words.find('\n', at), words.size());
      if (end > at) Para(body, text, words.substr(at, end - at));
      at = end + 1;
    }
  }

  // The end block: recipients | the signer.
  Para(body, Style{}, "");
  {
    Table end(body, {4500, kTextWidth - 4500}, false);
    Style recipients_head = Cell("left", true);
    recipients_head.italic = true;
    recipients_head.size = 24;
    Style recipients = Cell("left");
    recipients.size = 22;
    Style signer = Cell("center", true);
    signer.size = 26;
    Style hint = Cell("center");
    hint.italic = true;
    hint.size = 24;
    std::string to;
    for (const std::string& line : frame.recipients) to += (to.empty() ? "" : "\n") + line;
    end.Row({"Nơi nhận:", frame.signer_title}, {recipients_head, signer});
    end.Row({to, "(Ký, ghi rõ họ tên, đóng dấu)" +
                     (frame.signer_name.empty() ? "" : "\n\n\n\n" + frame.signer_name)},
            {recipients, hint});
  }

  pugi::xml_node sect = body.append_child("w:sectPr");
  for (const auto& [type, id] :
       {std::pair{"default", "rIdHeaderPage"}, {"first", "rIdHeaderFirst"}}) {
    pugi::xml_node ref = sect.append_child("w:headerReference");
    ref.append_attribute("w:type") = type;
    ref.append_attribute("r:id") = id;
  }
  pugi::xml_node size = sect.append_child("w:pgSz");
  size.append_attribute("w:w") = kPageW;
  size.append_attribute("w:h") = kPageH;
  pugi::xml_node mar = sect.append_child("w:pgMar");
  mar.append_attribute("w:top") = kTop;
  mar.append_attribute("w:right") = kRight;
  mar.append_attribute("w:bottom") = kBottom;
  mar.append_attribute("w:left") = kLeft;
  mar.append_attribute("w:header") = 567;
  mar.append_attribute("w:footer") = 567;
  mar.append_attribute("w:gutter") = 0;
  sect.append_child("w:titlePg");  // the first page has its own (empty) header: no number
  return Serialize(doc);
}

}  // namespace

Result<std::string> ReportDocx(const Ledger& l, const PlanReport& r,
                               const ReportParticulars* particulars) {
  return Package(DocumentXml(l, r, particulars), "Báo cáo " + r.plan->title, r.as_of);
}

}  // namespace taskledger::server
