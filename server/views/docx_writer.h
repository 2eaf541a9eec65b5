// WordprocessingML for the documents TaskLedger writes (private to server/views): paragraphs
// and tables built with pugixml (which escapes every text), and the package around a document
// part (styles with Times New Roman as Vietnamese offices use, A4, headers with the page number
// from page 2, core properties), zipped with libzip. Widths are in twentieths of a point (twips),
// sizes in half points.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <vector>

#include "domain/date.h"
#include "events/util/status.h"

namespace taskledger::server::docx {

inline constexpr const char* kW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
inline constexpr const char* kR =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// A4 portrait; margins top/bottom 20 mm, left 30 mm, right 15 mm: 9355 of text width.
inline constexpr int kPageW = 11906, kPageH = 16838, kTop = 1134, kBottom = 1134, kLeft = 1701,
                     kRight = 850;
inline constexpr int kTextWidth = kPageW - kLeft - kRight;

std::string Serialize(const pugi::xml_document& doc);
// The document's root element `name`, after the XML declaration.
pugi::xml_node Root(pugi::xml_document& doc, const char* name);
// <name w:val="value"/> under `parent`.
void Val(pugi::xml_node parent, const char* name, const std::string& value);

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
pugi::xml_node Para(pugi::xml_node parent, const Style& s, const std::string& text);

// A Word table; `borders` false for the header and signature blocks.
class Table {
 public:
  Table(pugi::xml_node body, std::vector<int> widths, bool borders);
  // A row of cells, one paragraph style each (the last style repeats). A header row repeats at
  // the top of every page the table runs onto.
  void Row(const std::vector<std::string>& cells, const std::vector<Style>& styles,
           bool header = false, const char* shade = nullptr);

 private:
  pugi::xml_node tbl_;
  std::vector<int> widths_;
};

// Table text: 11.5 pt, no space after.
Style Cell(const char* align = "left", bool bold = false);

// The .docx around `document_xml` (a w:document whose sectPr refers to the headers as
// rIdHeaderPage and rIdHeaderFirst), titled `title`, created on `created`.
Result<std::string> Package(std::string document_xml, const std::string& title,
                            domain::Date created);

}  // namespace taskledger::server::docx
