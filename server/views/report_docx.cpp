// The plan's report as an editable Word document in the layout of Nghị định 30/2020/NĐ-CP
// (../shared/VN-ADMIN-DOCUMENT.md): WordprocessingML built with pugixml (which escapes every
// text) and packaged with libzip. Widths are in twentieths of a point; sizes in half points.
#include <pugixml.hpp>

#include <array>
#include <cstdio>
#include <sstream>

#include "server/office/text_decode.h"
#include "server/office/zip.h"
#include "server/views/document_parts.h"
#include "server/views/documents.h"

namespace taskledger::server {

using namespace domain;

namespace {

constexpr const char* kW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr const char* kR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr const char* kRel = "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr const char* kOfficeRel =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

// A4 portrait; margins top/bottom 20 mm, left 30 mm, right 15 mm: 9355 of text width.
constexpr int kPageW = 11906, kPageH = 16838, kTop = 1134, kBottom = 1134, kLeft = 1701,
              kRight = 850;
constexpr int kTextWidth = kPageW - kLeft - kRight;

std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw, pugi::encoding_utf8);
  return out.str();
}

pugi::xml_node Root(pugi::xml_document& doc, const char* name) {
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  decl.append_attribute("standalone") = "yes";
  return doc.append_child(name);
}

void Val(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).append_attribute("w:val") = value.c_str();
}

struct Style {
  const char* align = "both";  // left, center, right, both (justified)
  bool bold = false, italic = false;
  int size = 0;        // half points; 0: the document's 13 pt
  int first_line = 0;  // indent of the first line
  int ind_left = 0, ind_right = 0;
  int before = 0, after = 120;
  bool rule_below = false;  // a solid line under the paragraph, as wide as its indents leave
  bool keep_next = false;
};

// A paragraph of one run; '\n' in `text` breaks the line.
pugi::xml_node Para(pugi::xml_node parent, const Style& s, const std::string& text) {
  pugi::xml_node p = parent.append_child("w:p");
  pugi::xml_node ppr = p.append_child("w:pPr");
  if (s.keep_next) ppr.append_child("w:keepNext");
  if (s.rule_below) {
    pugi::xml_node bottom = ppr.append_child("w:pBdr").append_child("w:bottom");
    bottom.append_attribute("w:val") = "single";
    bottom.append_attribute("w:sz") = "6";
    bottom.append_attribute("w:space") = "1";
    bottom.append_attribute("w:color") = "000000";
  }
  pugi::xml_node spacing = ppr.append_child("w:spacing");
  spacing.append_attribute("w:before") = s.before;
  spacing.append_attribute("w:after") = s.after;
  if (s.first_line || s.ind_left || s.ind_right) {
    pugi::xml_node ind = ppr.append_child("w:ind");
    ind.append_attribute("w:left") = s.ind_left;
    ind.append_attribute("w:right") = s.ind_right;
    if (s.first_line) ind.append_attribute("w:firstLine") = s.first_line;
  }
  Val(ppr, "w:jc", s.align);
  if (text.empty()) return p;
  pugi::xml_node r = p.append_child("w:r");
  pugi::xml_node rpr = r.append_child("w:rPr");
  if (s.bold) rpr.append_child("w:b");
  if (s.italic) rpr.append_child("w:i");
  if (s.size) {
    Val(rpr, "w:sz", std::to_string(s.size));
    Val(rpr, "w:szCs", std::to_string(s.size));
  }
  size_t start = 0;
  for (;;) {
    const size_t nl = text.find('\n', start);
    pugi::xml_node t = r.append_child("w:t");
    t.append_attribute("xml:space") = "preserve";
    t.text() = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start).c_str();
    if (nl == std::string::npos) break;
    r.append_child("w:br");
    start = nl + 1;
  }
  return p;
}

// A Word table; `borders` false for the header and signature blocks.
class Table {
 public:
  Table(pugi::xml_node body, std::vector<int> widths, bool borders) : widths_(std::move(widths)) {
    tbl_ = body.append_child("w:tbl");
    pugi::xml_node pr = tbl_.append_child("w:tblPr");
    pugi::xml_node w = pr.append_child("w:tblW");
    int total = 0;
    for (int x : widths_) total += x;
    w.append_attribute("w:w") = total;
    w.append_attribute("w:type") = "dxa";
    Val(pr, "w:jc", "center");
    pugi::xml_node b = pr.append_child("w:tblBorders");
    for (const char* side : {"w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"}) {
      pugi::xml_node e = b.append_child(side);
      e.append_attribute("w:val") = borders ? "single" : "nil";
      if (borders) {
        e.append_attribute("w:sz") = "4";
        e.append_attribute("w:space") = "0";
        e.append_attribute("w:color") = "000000";
      }
    }
    Val(pr, "w:tblLayout", "fixed");
    pugi::xml_node mar = pr.append_child("w:tblCellMar");
    for (const char* side : {"w:left", "w:right"}) {
      pugi::xml_node e = mar.append_child(side);
      e.append_attribute("w:w") = 80;
      e.append_attribute("w:type") = "dxa";
    }
    pugi::xml_node grid = tbl_.append_child("w:tblGrid");
    for (int x : widths_) grid.append_child("w:gridCol").append_attribute("w:w") = x;
  }

  // A row of cells, one paragraph style each (the last style repeats). A header row repeats at
  // the top of every page the table runs onto.
  void Row(const std::vector<std::string>& cells, const std::vector<Style>& styles,
           bool header = false, const char* shade = nullptr) {
    pugi::xml_node tr = tbl_.append_child("w:tr");
    pugi::xml_node trpr = tr.append_child("w:trPr");
    trpr.append_child("w:cantSplit");
    if (header) trpr.append_child("w:tblHeader");
    for (size_t i = 0; i < cells.size() && i < widths_.size(); ++i) {
      pugi::xml_node tc = tr.append_child("w:tc");
      pugi::xml_node tcpr = tc.append_child("w:tcPr");
      pugi::xml_node w = tcpr.append_child("w:tcW");
      w.append_attribute("w:w") = widths_[i];
      w.append_attribute("w:type") = "dxa";
      if (shade) {
        pugi::xml_node shd = tcpr.append_child("w:shd");
        shd.append_attribute("w:val") = "clear";
        shd.append_attribute("w:color") = "auto";
        shd.append_attribute("w:fill") = shade;
      }
      Val(tcpr, "w:vAlign", header ? "center" : "top");
      const Style& s = styles[std::min(i, styles.size() - 1)];
      // A cell holds paragraphs; each line of the text its own.
      size_t start = 0;
      for (;;) {
        const size_t nl = cells[i].find('\n', start);
        Para(tc, s, cells[i].substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
    }
  }

 private:
  pugi::xml_node tbl_;
  std::vector<int> widths_;
};

// Table text: 11.5 pt, no space after.
Style Cell(const char* align = "left", bool bold = false) {
  Style s;
  s.align = align;
  s.bold = bold;
  s.size = 23;
  s.after = 0;
  s.before = 20;
  return s;
}

std::string Percent(int n, int total) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", total ? 100.0 * n / total : 0.0);
  return buf;
}

void CountsTable(pugi::xml_node body, const std::string& first,
                 const std::vector<parts::CountsLine>& lines) {
  Table t(body, {3155, 900, 900, 900, 900, 900, 900, 800}, true);
  std::vector<std::string> head = {first};
  for (Category k : parts::kShown) head.emplace_back(CategoryLabelVi(k));
  head.emplace_back("Tổng số");
  Style small = Cell("center", true);
  small.size = 20;
  t.Row(head, {small}, true, "E7E6E6");
  CategoryCounts sum;
  for (const parts::CountsLine& line : lines) {
    std::vector<std::string> row = {line.label};
    for (Category k : parts::kShown) {
      row.push_back(std::to_string(line.counts[k]));
      sum[k] += line.counts[k];
    }
    row.push_back(std::to_string(line.total()));
    t.Row(row, {Cell(), Cell("right")});
  }
  std::vector<std::string> row = {"Tổng số"};
  int total = 0;
  for (Category k : parts::kShown) {
    row.push_back(std::to_string(sum[k]));
    total += sum[k];
  }
  row.push_back(std::to_string(total));
  t.Row(row, {Cell("left", true), Cell("right", true)});
}

void TaskTable(pugi::xml_node body, const std::vector<parts::TaskLine>& lines) {
  Table t(body, {900, 3555, 2200, 1400, 1300}, true);
  t.Row({"TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Tiến độ"}, {Cell("center", true)},
        true, "E7E6E6");
  for (const parts::TaskLine& l : lines) {
    t.Row({l.code, l.title, l.lead, l.due, l.state + "\n" + l.progress}, {Cell()});
  }
}

std::string DocumentXml(const Ledger& l, const PlanReport& r) {
  const Plan& plan = *r.plan;
  const Agency* authority = l.FindAgency(plan.authority);
  const Agency* parent = authority ? l.FindAgency(authority->parent) : nullptr;
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
    const std::string issuer = office::UpperVi(authority ? authority->name : plan.authority);
    const std::string over = parent ? office::UpperVi(parts::Abbreviated(parent->name)) : "";
    const std::string code = parts::IssuerCode(plan.number);
    const std::string place = parts::PlaceOf(l, plan.authority);
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
    head.Row({"Số:        /BC" + (code.empty() ? "" : "-" + code),
              (place.empty() ? "……" : place) + ", " + parts::DateLineVi(r.as_of)},
             {num, dated});
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
    intro += " Phạm vi: các nhiệm vụ do " + (a ? a->name : r.only_for) +
             " chủ trì hoặc phối hợp.";
  }
  Para(body, text, intro);

  const int total = parts::CountedTotal(r);
  Para(body, h1, "I. TỔNG HỢP CHUNG");
  Para(body, text,
       "Kế hoạch có " + std::to_string(total) + " lượt nhiệm vụ theo các mốc thời hạn" +
           (r.totals[Category::kCancelled] > 0
                ? " (không kể " + std::to_string(r.totals[Category::kCancelled]) + " lượt đã hủy)"
                : "") +
           ", kết quả như sau:");
  {
    Table t(body, {5255, 2000, 2100}, true);
    t.Row({"Nhóm", "Số lượng", "Tỷ lệ"}, {Cell("center", true)}, true, "E7E6E6");
    for (Category k : parts::kShown) {
      t.Row({std::string(CategoryLabelVi(k)), std::to_string(r.totals[k]),
             Percent(r.totals[k], total)},
            {Cell(), Cell("right")});
    }
    t.Row({"Tổng số", std::to_string(total), "100%"}, {Cell("left", true), Cell("right", true)});
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
  CountsTable(body, "Mục", parts::SectionCounts(r));
  Para(body, h1, "III. KẾT QUẢ THEO CƠ QUAN CHỦ TRÌ");
  CountsTable(body, "Cơ quan chủ trì", parts::LeadCounts(l, r));

  const std::vector<parts::TaskLine> lines = parts::TaskLines(l, r);
  std::vector<parts::TaskLine> overdue;
  for (const parts::TaskLine& line : lines) {
    if (line.category == Category::kOverdue) overdue.push_back(line);
  }
  Para(body, h1, "IV. NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN");
  if (overdue.empty()) {
    Para(body, text, "Không có nhiệm vụ chưa hoàn thành quá hạn.");
  } else {
    Para(body, text, "Có " + std::to_string(overdue.size()) + " lượt nhiệm vụ quá hạn chưa hoàn thành:");
    TaskTable(body, overdue);
  }
  const std::vector<parts::TaskLine> upcoming = parts::Upcoming(lines, r.as_of);
  Para(body, h1, "V. NHIỆM VỤ ĐẾN HẠN TRONG " + std::to_string(parts::kUpcomingDays) +
                     " NGÀY TỚI (ĐẾN " + ToDmy(AddDays(r.as_of, parts::kUpcomingDays)) + ")");
  if (upcoming.empty()) {
    Para(body, text, "Không có nhiệm vụ đến hạn trong thời gian này.");
  } else {
    TaskTable(body, upcoming);
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
    end.Row({"Nơi nhận:", "THỦ TRƯỞNG CƠ QUAN"}, {recipients_head, signer});
    end.Row({"- Cơ quan cấp trên (để báo cáo);\n- Các cơ quan chủ trì, phối hợp;\n- Lưu: VT.",
             "(Ký, ghi rõ họ tên, đóng dấu)"},
            {recipients, hint});
  }

  pugi::xml_node sect = body.append_child("w:sectPr");
  for (const auto& [type, id] : {std::pair{"default", "rIdHeaderPage"}, {"first", "rIdHeaderFirst"}}) {
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

// A header part: the page number centred, or nothing (the first page).
std::string HeaderXml(bool page_number) {
  pugi::xml_document doc;
  pugi::xml_node hdr = Root(doc, "w:hdr");
  hdr.append_attribute("xmlns:w") = kW;
  pugi::xml_node p = hdr.append_child("w:p");
  Val(p.append_child("w:pPr"), "w:jc", "center");
  if (page_number) {
    const auto run = [&](const char* child, const char* type, const char* text) {
      pugi::xml_node r = p.append_child("w:r");
      pugi::xml_node c = r.append_child(child);
      if (type) c.append_attribute("w:fldCharType") = type;
      if (text) {
        c.append_attribute("xml:space") = "preserve";
        c.text() = text;
      }
    };
    run("w:fldChar", "begin", nullptr);
    run("w:instrText", nullptr, " PAGE ");
    run("w:fldChar", "separate", nullptr);
    run("w:t", nullptr, "2");
    run("w:fldChar", "end", nullptr);
  }
  return Serialize(doc);
}

std::string StylesXml() {
  pugi::xml_document doc;
  pugi::xml_node styles = Root(doc, "w:styles");
  styles.append_attribute("xmlns:w") = kW;
  pugi::xml_node defaults = styles.append_child("w:docDefaults");
  pugi::xml_node rpr = defaults.append_child("w:rPrDefault").append_child("w:rPr");
  pugi::xml_node fonts = rpr.append_child("w:rFonts");
  for (const char* a : {"w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"}) {
    fonts.append_attribute(a) = "Times New Roman";
  }
  Val(rpr, "w:sz", "26");
  Val(rpr, "w:szCs", "26");
  pugi::xml_node lang = rpr.append_child("w:lang");
  lang.append_attribute("w:val") = "vi-VN";
  lang.append_attribute("w:eastAsia") = "vi-VN";
  pugi::xml_node spacing =
      defaults.append_child("w:pPrDefault").append_child("w:pPr").append_child("w:spacing");
  spacing.append_attribute("w:after") = 120;
  spacing.append_attribute("w:line") = 288;  // 1.2 lines
  spacing.append_attribute("w:lineRule") = "auto";
  pugi::xml_node normal = styles.append_child("w:style");
  normal.append_attribute("w:type") = "paragraph";
  normal.append_attribute("w:default") = "1";
  normal.append_attribute("w:styleId") = "Normal";
  Val(normal, "w:name", "Normal");
  normal.append_child("w:qFormat");
  return Serialize(doc);
}

std::string SettingsXml() {
  pugi::xml_document doc;
  pugi::xml_node settings = Root(doc, "w:settings");
  settings.append_attribute("xmlns:w") = kW;
  settings.append_child("w:zoom").append_attribute("w:percent") = 100;
  Val(settings, "w:defaultTabStop", "720");
  Val(settings, "w:characterSpacingControl", "doNotCompress");
  pugi::xml_node compat = settings.append_child("w:compat").append_child("w:compatSetting");
  compat.append_attribute("w:name") = "compatibilityMode";
  compat.append_attribute("w:uri") = "http://schemas.microsoft.com/office/word";
  compat.append_attribute("w:val") = "15";
  return Serialize(doc);
}

std::string ContentTypesXml() {
  pugi::xml_document doc;
  pugi::xml_node types = Root(doc, "Types");
  types.append_attribute("xmlns") = "http://schemas.openxmlformats.org/package/2006/content-types";
  const auto by_extension = [&](const char* ext, const char* type) {
    pugi::xml_node d = types.append_child("Default");
    d.append_attribute("Extension") = ext;
    d.append_attribute("ContentType") = type;
  };
  by_extension("rels", "application/vnd.openxmlformats-package.relationships+xml");
  by_extension("xml", "application/xml");
  const std::string wml = "application/vnd.openxmlformats-officedocument.wordprocessingml.";
  const std::pair<const char*, std::string> parts[] = {
      {"/word/document.xml", wml + "document.main+xml"},
      {"/word/styles.xml", wml + "styles+xml"},
      {"/word/settings.xml", wml + "settings+xml"},
      {"/word/header1.xml", wml + "header+xml"},
      {"/word/header2.xml", wml + "header+xml"},
      {"/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"},
  };
  for (const auto& [name, type] : parts) {
    pugi::xml_node o = types.append_child("Override");
    o.append_attribute("PartName") = name;
    o.append_attribute("ContentType") = type.c_str();
  }
  return Serialize(doc);
}

std::string RelsXml(std::initializer_list<std::array<const char*, 3>> rels) {
  pugi::xml_document doc;
  pugi::xml_node root = Root(doc, "Relationships");
  root.append_attribute("xmlns") = kRel;
  for (const auto& [id, type, target] : rels) {
    pugi::xml_node r = root.append_child("Relationship");
    r.append_attribute("Id") = id;
    r.append_attribute("Type") = type;
    r.append_attribute("Target") = target;
  }
  return Serialize(doc);
}

std::string CoreXml(const std::string& title, Date as_of) {
  pugi::xml_document doc;
  pugi::xml_node core = Root(doc, "cp:coreProperties");
  core.append_attribute("xmlns:cp") =
      "http://schemas.openxmlformats.org/package/2006/metadata/core-properties";
  core.append_attribute("xmlns:dc") = "http://purl.org/dc/elements/1.1/";
  core.append_attribute("xmlns:dcterms") = "http://purl.org/dc/terms/";
  core.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
  core.append_child("dc:title").text() = title.c_str();
  core.append_child("dc:creator").text() = "TaskLedger";
  core.append_child("dc:language").text() = "vi-VN";
  pugi::xml_node created = core.append_child("dcterms:created");
  created.append_attribute("xsi:type") = "dcterms:W3CDTF";
  created.text() = (ToIso(as_of) + "T00:00:00Z").c_str();
  return Serialize(doc);
}

}  // namespace

Result<std::string> ReportDocx(const Ledger& l, const PlanReport& r) {
  const std::string office_rel = kOfficeRel;
  const std::string styles = office_rel + "styles", settings = office_rel + "settings",
                    header = office_rel + "header", document = office_rel + "officeDocument";
  const std::string core =
      "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
  return office::WriteZip({
      {"[Content_Types].xml", ContentTypesXml()},
      {"_rels/.rels", RelsXml({{"rIdDocument", document.c_str(), "word/document.xml"},
                               {"rIdCore", core.c_str(), "docProps/core.xml"}})},
      {"word/document.xml", DocumentXml(l, r)},
      {"word/_rels/document.xml.rels",
       RelsXml({{"rIdStyles", styles.c_str(), "styles.xml"},
                {"rIdSettings", settings.c_str(), "settings.xml"},
                {"rIdHeaderPage", header.c_str(), "header1.xml"},
                {"rIdHeaderFirst", header.c_str(), "header2.xml"}})},
      {"word/styles.xml", StylesXml()},
      {"word/settings.xml", SettingsXml()},
      {"word/header1.xml", HeaderXml(true)},
      {"word/header2.xml", HeaderXml(false)},
      {"docProps/core.xml", CoreXml("Báo cáo " + r.plan->title, r.as_of)},
  });
}

}  // namespace taskledger::server
