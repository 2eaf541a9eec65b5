// The tables of a Word document (.docx), as a reader of the page sees them: automatic numbering
// computed from the numbering definitions, tracked changes taken as accepted, merged cells
// resolved (see domain::SourceTable), paragraphs and line breaks in a cell as new lines.
#include <array>
#include <map>
#include <optional>

#include "server/office/office.h"
#include "server/office/text_decode.h"
#include "server/office/xml.h"
#include "server/office/zip.h"

namespace taskledger::office {
namespace {

using domain::SourceCell;
using domain::SourceRow;
using domain::SourceTable;

constexpr size_t kMaxColumns = 200;
constexpr size_t kMaxRows = 100'000;
// Elements nested deeper than this are not looked into: a hostile file cannot run the stack out.
constexpr int kMaxDepth = 48;

int IntOf(const std::string& s, int fallback) {
  if (s.empty() || s.size() > 9) return fallback;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return fallback;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string Roman(int n, bool upper) {
  if (n <= 0 || n >= 4000) return std::to_string(n);
  static const std::pair<int, const char*> kDigits[] = {
      {1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"},
      {40, "XL"},  {10, "X"},   {9, "IX"},  {5, "V"},    {4, "IV"},  {1, "I"}};
  std::string out;
  for (auto [v, s] : kDigits) {
    for (; n >= v; n -= v) out += s;
  }
  if (!upper) {
    for (char& c : out) c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Letters(int n, bool upper) {  // 1 -> a, 26 -> z, 27 -> aa (Word repeats the letter)
  if (n <= 0) return std::to_string(n);
  const char c = static_cast<char>((upper ? 'A' : 'a') + (n - 1) % 26);
  return std::string(static_cast<size_t>((n - 1) / 26 + 1), c);
}

std::string Format(int n, const std::string& fmt) {
  if (fmt == "upperRoman") return Roman(n, true);
  if (fmt == "lowerRoman") return Roman(n, false);
  if (fmt == "upperLetter") return Letters(n, true);
  if (fmt == "lowerLetter") return Letters(n, false);
  if (fmt == "decimalZero") return (n < 10 ? "0" : "") + std::to_string(n);
  if (fmt == "none") return "";
  return std::to_string(n);  // decimal and what we do not render otherwise
}

struct Level {
  int start = 1;
  std::string format = "decimal";
  std::string text;  // "%1.", "%1.%2."
};

// Word's automatic numbering: the definitions and the counters as the document runs.
class Numbering {
 public:
  void Load(const pugi::xml_node& root) {
    for (pugi::xml_node n : root.children()) {
      if (Is(n, "abstractNum")) {
        auto& levels = abstract_[AttrOf(n, "abstractNumId")];
        for (pugi::xml_node l : n.children()) {
          if (!Is(l, "lvl")) continue;
          const int ilvl = IntOf(AttrOf(l, "ilvl"), -1);
          if (ilvl < 0 || ilvl > 8) continue;
          Level& level = levels[ilvl];
          level.start = IntOf(AttrOf(ChildOf(l, "start"), "val"), 1);
          if (pugi::xml_node f = ChildOf(l, "numFmt")) level.format = AttrOf(f, "val");
          if (pugi::xml_node t = ChildOf(l, "lvlText")) level.text = AttrOf(t, "val");
        }
      } else if (Is(n, "num")) {
        Instance& in = nums_[AttrOf(n, "numId")];
        in.abstract = AttrOf(ChildOf(n, "abstractNumId"), "val");
        for (pugi::xml_node o : n.children()) {
          if (!Is(o, "lvlOverride")) continue;
          const int ilvl = IntOf(AttrOf(o, "ilvl"), -1);
          if (ilvl < 0 || ilvl > 8) continue;
          if (pugi::xml_node s = ChildOf(o, "startOverride")) {
            in.start_override[ilvl] = IntOf(AttrOf(s, "val"), 1);
          }
        }
      }
    }
  }

  // The label of the next paragraph of list `num_id` at level `ilvl` ("II.", "1.2."), advancing
  // the counters; "- " style for bullets.
  std::string Next(const std::string& num_id, int ilvl) {
    auto in = nums_.find(num_id);
    if (in == nums_.end() || ilvl < 0 || ilvl > 8) return {};
    auto abs = abstract_.find(in->second.abstract);
    if (abs == abstract_.end()) return {};
    const auto& levels = abs->second;
    State& st = state_[in->second.abstract];
    // A list instance that restarts its numbering does so when it first appears.
    if (!in->second.applied) {
      in->second.applied = true;
      for (const auto& [l, start] : in->second.start_override) {
        st.count[l] = start - 1;
        st.used[l] = true;
      }
    }
    const auto start_of = [&](int l) {
      if (auto o = in->second.start_override.find(l); o != in->second.start_override.end())
        return o->second;
      return levels[l].start;
    };
    st.count[ilvl] = st.used[ilvl] ? st.count[ilvl] + 1 : start_of(ilvl);
    st.used[ilvl] = true;
    for (int deeper = ilvl + 1; deeper < 9; ++deeper) st.used[deeper] = false;
    const Level& level = levels[ilvl];
    if (level.format == "bullet") return "- ";
    if (level.format == "none" && level.text.find('%') == std::string::npos) return level.text;
    std::string label;
    for (size_t i = 0; i < level.text.size(); ++i) {
      const char c = level.text[i];
      if (c == '%' && i + 1 < level.text.size() && level.text[i + 1] >= '1' &&
          level.text[i + 1] <= '9') {
        const int l = level.text[++i] - '1';
        const int n = st.used[l] ? st.count[l] : start_of(l);
        label += Format(n, levels[l].format);
      } else {
        label += c;
      }
    }
    return label.empty() ? label : label + " ";
  }

 private:
  struct Instance {
    std::string abstract;
    std::map<int, int> start_override;
    bool applied = false;
  };
  struct State {
    std::array<int, 9> count{};
    std::array<bool, 9> used{};
  };
  std::map<std::string, std::array<Level, 9>> abstract_;
  std::map<std::string, Instance> nums_;
  std::map<std::string, State> state_;
};

// Paragraph styles that carry numbering (a "List Number" style, say), through their bases.
class Styles {
 public:
  void Load(const pugi::xml_node& root) {
    for (pugi::xml_node s : root.children()) {
      if (!Is(s, "style")) continue;
      Style& st = styles_[AttrOf(s, "styleId")];
      st.based_on = AttrOf(ChildOf(s, "basedOn"), "val");
      if (pugi::xml_node num = ChildOf(ChildOf(s, "pPr"), "numPr")) {
        st.num_id = AttrOf(ChildOf(num, "numId"), "val");
        st.ilvl = IntOf(AttrOf(ChildOf(num, "ilvl"), "val"), 0);
      }
    }
  }
  std::optional<std::pair<std::string, int>> NumberingOf(std::string id) const {
    for (int depth = 0; depth < 16 && !id.empty(); ++depth) {
      auto it = styles_.find(id);
      if (it == styles_.end()) break;
      if (!it->second.num_id.empty()) return std::pair{it->second.num_id, it->second.ilvl};
      id = it->second.based_on;
    }
    return std::nullopt;
  }

 private:
  struct Style {
    std::string based_on, num_id;
    int ilvl = 0;
  };
  std::map<std::string, Style> styles_;
};

class DocxReader {
 public:
  DocxReader(Numbering& numbering, const Styles& styles) : numbering_(numbering), styles_(styles) {}

  Status Body(const pugi::xml_node& body, std::vector<SourceTable>* out) {
    for (pugi::xml_node n : Flatten(body)) {
      if (Is(n, "p")) {
        Paragraph(n);  // outside the tables, but its numbering counts
      } else if (Is(n, "tbl")) {
        SourceTable t;
        t.table = static_cast<int>(out->size()) + 1;
        if (Status s = Table(n, &t); !s.ok()) return s;
        out->push_back(std::move(t));
      }
    }
    return Status::Ok();
  }

 private:
  // Children, looking through the wrappers Word puts around content (content controls, custom
  // XML, smart tags) as if they were not there.
  static std::vector<pugi::xml_node> Flatten(const pugi::xml_node& parent, int depth = 0) {
    std::vector<pugi::xml_node> out;
    if (depth > kMaxDepth) return out;
    for (pugi::xml_node c : parent.children()) {
      if (c.type() != pugi::node_element) continue;
      if (Is(c, "sdt")) {
        for (pugi::xml_node x : Flatten(ChildOf(c, "sdtContent"), depth + 1)) out.push_back(x);
      } else if (Is(c, "customXml") || Is(c, "smartTag")) {
        for (pugi::xml_node x : Flatten(c, depth + 1)) out.push_back(x);
      } else {
        out.push_back(c);
      }
    }
    return out;
  }

  // Text of the runs under `n`, deleted and moved-away text left out.
  static void Runs(const pugi::xml_node& n, std::string* out, int depth = 0) {
    if (depth > kMaxDepth) return;
    for (pugi::xml_node c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      const std::string_view name = Local(c.name());
      if (name == "del" || name == "moveFrom" || name == "instrText" || name == "delText" ||
          name == "pPr" || name == "rPr" || name == "Fallback" || name == "fldData") {
        continue;
      }
      if (name == "t") {
        *out += c.text().get();
      } else if (name == "tab" || name == "ptab") {
        *out += ' ';
      } else if (name == "br" || name == "cr") {
        *out += '\n';
      } else if (name == "noBreakHyphen" || name == "softHyphen") {
        if (name == "noBreakHyphen") *out += '-';
      } else {
        Runs(c, out, depth + 1);
      }
    }
  }

  std::string Paragraph(const pugi::xml_node& p) {
    std::string text;
    const pugi::xml_node ppr = ChildOf(p, "pPr");
    std::optional<std::pair<std::string, int>> num;
    if (pugi::xml_node np = ChildOf(ppr, "numPr")) {
      num = std::pair{AttrOf(ChildOf(np, "numId"), "val"),
                      IntOf(AttrOf(ChildOf(np, "ilvl"), "val"), 0)};
    } else if (pugi::xml_node style = ChildOf(ppr, "pStyle")) {
      num = styles_.NumberingOf(AttrOf(style, "val"));
    }
    // numId 0 switches numbering off for a paragraph whose style has it.
    if (num && num->first != "0") text = numbering_.Next(num->first, num->second);
    Runs(p, &text);
    return text;
  }

  std::string CellText(const pugi::xml_node& tc, int depth = 0) {
    std::string text;
    if (depth > 4) return text;  // tables in tables in tables …
    for (pugi::xml_node n : Flatten(tc)) {
      if (Is(n, "p")) {
        std::string line = Paragraph(n);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
        if (!text.empty()) text += '\n';
        text += line;
      } else if (Is(n, "tbl")) {
        // A table in a cell: its text, row by row, as lines of the cell.
        for (pugi::xml_node tr : Flatten(n)) {
          if (!Is(tr, "tr")) continue;
          for (pugi::xml_node c : Flatten(tr)) {
            if (!Is(c, "tc")) continue;
            const std::string inner = CellText(c, depth + 1);
            if (!inner.empty()) text += (text.empty() ? "" : "\n") + inner;
          }
        }
      }
    }
    while (!text.empty() && text.back() == '\n') text.pop_back();
    const size_t first = text.find_first_not_of('\n');
    return Nfc(first == std::string::npos ? "" : text.substr(first));
  }

  Status Table(const pugi::xml_node& tbl, SourceTable* t) {
    std::vector<std::string> above;  // each grid column's text in the row above, for merges
    int number = 0;
    for (pugi::xml_node tr : Flatten(tbl)) {
      if (!Is(tr, "tr")) continue;
      ++number;
      const pugi::xml_node trpr = ChildOf(tr, "trPr");
      if (ChildOf(trpr, "del")) continue;  // a row deleted with changes tracked
      if (t->rows.size() >= kMaxRows) {
        return Status::InvalidArgument("table " + std::to_string(t->table) + " has more than " +
                                       std::to_string(kMaxRows) + " rows");
      }
      SourceRow row;
      row.number = number;
      const int before = IntOf(AttrOf(ChildOf(trpr, "gridBefore"), "val"), 0);
      for (int i = 0; i < before && row.cells.size() < kMaxColumns; ++i) row.cells.push_back({});
      for (pugi::xml_node tc : Flatten(tr)) {
        if (!Is(tc, "tc")) continue;
        const pugi::xml_node tcpr = ChildOf(tc, "tcPr");
        const int span = std::max(1, IntOf(AttrOf(ChildOf(tcpr, "gridSpan"), "val"), 1));
        const size_t col = row.cells.size();
        if (col + static_cast<size_t>(span) > kMaxColumns) {
          return Status::InvalidArgument("table " + std::to_string(t->table) + " row " +
                                         std::to_string(number) + " has more than " +
                                         std::to_string(kMaxColumns) + " columns");
        }
        SourceCell cell;
        const pugi::xml_node vmerge = ChildOf(tcpr, "vMerge");
        const pugi::xml_node hmerge = ChildOf(tcpr, "hMerge");
        if (vmerge && AttrOf(vmerge, "val") != "restart") {
          cell.text = col < above.size() ? above[col] : "";  // continues the cell above
        } else if (hmerge && AttrOf(hmerge, "val") != "restart") {
          cell.spanned = true;  // Word 95's horizontal merge
        } else {
          cell.text = CellText(tc);
        }
        row.cells.push_back(std::move(cell));
        for (int i = 1; i < span; ++i) row.cells.push_back({"", true});
      }
      above.assign(row.cells.size(), "");
      for (size_t i = 0; i < row.cells.size(); ++i) above[i] = row.cells[i].text;
      t->rows.push_back(std::move(row));
    }
    return Status::Ok();
  }

  Numbering& numbering_;
  const Styles& styles_;
};

}  // namespace

Result<std::vector<SourceTable>> ReadDocxTables(ZipReader& zip) {
  pugi::xml_document doc;
  std::string main;
  if (Status s = ReadMainPart(zip, "word/document.xml", "Word document part", &doc, &main);
      !s.ok()) {
    return s;
  }
  auto rels = ReadRels(zip, main);
  if (!rels.ok()) return rels.status();
  Numbering numbering;
  Styles styles;
  pugi::xml_document part;
  auto found = ReadRelatedPart(zip, *rels, "numbering", "word/numbering.xml", &part);
  if (!found.ok()) return found.status();
  if (*found) numbering.Load(part.document_element());
  found = ReadRelatedPart(zip, *rels, "styles", "word/styles.xml", &part);
  if (!found.ok()) return found.status();
  if (*found) styles.Load(part.document_element());
  const pugi::xml_node body = ChildOf(doc.document_element(), "body");
  if (!body) return Status::InvalidArgument("the Word document has no body");
  std::vector<SourceTable> tables;
  DocxReader reader(numbering, styles);
  if (Status s = reader.Body(body, &tables); !s.ok()) return s;
  return tables;
}

}  // namespace taskledger::office
