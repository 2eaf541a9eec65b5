// Agency names as plans write them in a cell: split on ';', new lines and (where the pieces are not
// one known name) commas, bullets and trailing qualifiers taken off; and slugs for new agencies.
#include <algorithm>

#include "domain/import.h"
#include "domain/import_detail.h"
#include "domain/text.h"

namespace taskledger::domain {
namespace import_detail {

std::vector<std::string> SplitOn(std::string_view s, std::string_view seps) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || seps.find(s[i]) != std::string_view::npos) {
      std::string_view piece = Trim(s.substr(start, i - start));
      while (!piece.empty() && (piece.back() == '.' || piece.back() == ',')) piece.remove_suffix(1);
      if (!piece.empty()) out.emplace_back(piece);
      start = i + 1;
    }
  }
  return out;
}

AgencyKind GuessKind(std::string_view name) {
  const std::string f = Fold(name);
  if (f.starts_with("cac ") || f.find("co so giao duc") != std::string::npos) {
    return AgencyKind::kGroup;
  }
  if (f.starts_with("ubnd") || f.starts_with("uy ban") || f.starts_with("hoi dong")) {
    return AgencyKind::kCommittee;
  }
  if (f.starts_with("truong") || f.starts_with("dai hoc") || f.starts_with("hoc vien")) {
    return AgencyKind::kInstitution;
  }
  return AgencyKind::kDepartment;
}

}  // namespace import_detail

using namespace import_detail;

namespace {

// What plans append to a name to say which of them ("Các huyện, thành phố có nhu cầu và đủ điều
// kiện thực hiện"), folded, longest first. The task still goes to the named agency or group.
constexpr std::string_view kQualifiers[] = {"co nhu cau va du dieu kien thuc hien",
                                            "co du dieu kien thuc hien",
                                            "du dieu kien thuc hien",
                                            "tham gia thuc hien chuong trinh",
                                            "tham gia thuc hien",
                                            "co nhu cau",
                                            "tren dia ban tinh",
                                            "tren dia ban thanh pho",
                                            "tren dia ban"};

// `name` without a trailing qualifier, word for word (Fold keeps the words).
std::string StripQualifier(const std::string& name) {
  const std::string folded = Fold(name);
  for (std::string_view q : kQualifiers) {
    if (folded.size() <= q.size() || !folded.ends_with(q) ||
        folded[folded.size() - q.size() - 1] != ' ') {
      continue;
    }
    const auto words = std::count(q.begin(), q.end(), ' ') + 1;
    std::string_view out = Trim(name);
    for (int i = 0; i < words; ++i) {
      const size_t space = out.find_last_of(" \t");
      if (space == std::string_view::npos) return name;
      out = Trim(out.substr(0, space));
    }
    return std::string(out);
  }
  return name;
}

}  // namespace

std::string Slug(std::string_view name) {
  std::string out;
  for (char c : Fold(name)) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 80) out.resize(80);
  return out;
}

std::vector<std::string> SplitAgencyNames(const Ledger& state, std::string_view cell) {
  std::vector<std::string> names;
  for (std::string piece : SplitOn(cell, ";\n")) {
    // Cells list agencies as bullets ("- Sở Y tế", "+ Các huyện").
    while (!piece.empty() &&
           (piece.front() == '-' || piece.front() == '+' || piece.front() == '*')) {
      piece = std::string(Trim(std::string_view(piece).substr(1)));
    }
    if (piece.empty()) continue;
    if (!state.MatchAgency(piece).empty()) {
      names.push_back(piece);
      continue;
    }
    piece = StripQualifier(piece);
    if (!state.MatchAgency(piece).empty()) {
      names.push_back(piece);
      continue;
    }
    // Greedy: the longest comma-joined run that is a known name, else one part alone.
    const std::vector<std::string> parts = SplitOn(piece, ",");
    for (size_t i = 0; i < parts.size();) {
      size_t best = i;
      std::string joined;
      std::string best_name = parts[i];
      for (size_t j = i; j < parts.size(); ++j) {
        joined += (j == i ? "" : ", ") + parts[j];
        if (!state.MatchAgency(joined).empty()) {
          best = j;
          best_name = joined;
        }
      }
      names.push_back(best_name);
      i = best + 1;
    }
  }
  return names;
}

}  // namespace taskledger::domain
