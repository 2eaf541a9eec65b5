#include "server/views/docx_writer.h"

#include <array>
#include <sstream>

#include "server/office/zip.h"

namespace taskledger::server::docx {

namespace {

constexpr const char* kRel = "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr const char* kOfficeRel =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

}  // namespace

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

Table::Table(pugi::xml_node body, std::vector<int> widths, bool borders)
    : widths_(std::move(widths)) {
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

void Table::Row(const std::vector<std::string>& cells, const std::vector<Style>& styles,
                bool header, const char* shade) {
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

Style Cell(const char* align, bool bold) {
  Style s;
  s.align = align;
  s.bold = bold;
  s.size = 23;
  s.after = 0;
  s.before = 20;
  return s;
}

namespace {

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

std::string CoreXml(const std::string& title, domain::Date as_of) {
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
  created.text() = (domain::ToIso(as_of) + "T00:00:00Z").c_str();
  return Serialize(doc);
}

}  // namespace

Result<std::string> Package(std::string document_xml, const std::string& title,
                            domain::Date created) {
  const std::string office_rel = kOfficeRel;
  const std::string styles = office_rel + "styles", settings = office_rel + "settings",
                    header = office_rel + "header", document = office_rel + "officeDocument";
  const std::string core =
      "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
  return office::WriteZip({
      {"[Content_Types].xml", ContentTypesXml()},
      {"_rels/.rels", RelsXml({{"rIdDocument", document.c_str(), "word/document.xml"},
                               {"rIdCore", core.c_str(), "docProps/core.xml"}})},
      {"word/document.xml", std::move(document_xml)},
      {"word/_rels/document.xml.rels",
       RelsXml({{"rIdStyles", styles.c_str(), "styles.xml"},
                {"rIdSettings", settings.c_str(), "settings.xml"},
                {"rIdHeaderPage", header.c_str(), "header1.xml"},
                {"rIdHeaderFirst", header.c_str(), "header2.xml"}})},
      {"word/styles.xml", StylesXml()},
      {"word/settings.xml", SettingsXml()},
      {"word/header1.xml", HeaderXml(true)},
      {"word/header2.xml", HeaderXml(false)},
      {"docProps/core.xml", CoreXml(title, created)},
  });
}

}  // namespace taskledger::server::docx
