// What the import's files share inside domain/: the matrix columns, how a header names them, and
// splitting cells into names. Not part of the domain's interface (see import.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/import.h"
#include "domain/model.h"

namespace taskledger::domain::import_detail {

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

extern const char* const kColumnNames[kColumnCount];  // canonical, for problems and layouts

// The field of `r` that holds `column`.
std::string* Field(MatrixRow& r, int column);
// The column a header cell names, or -1 ("Đơn vị chủ trì thực hiện" -> kLead).
int ColumnOf(std::string_view cell);

// The pieces of `s` split on any of `seps`, trimmed, without trailing '.' or ','; empty ones left
// out.
std::vector<std::string> SplitOn(std::string_view s, std::string_view seps);
// What kind of agency a name suggests ("UBND …": a committee, "Các …": a group).
AgencyKind GuessKind(std::string_view name);

}  // namespace taskledger::domain::import_detail
