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
  // Where a plan under way stands (a file exported by TaskLedger, or a clerk's own columns):
  // the current occurrence's status, completion date and progress. Optional.
  kStatus,
  kPercent,
  kCompletedOn,
  kColumnCount
};
inline constexpr int kMatrixColumnCount = kOccurrenceTargets + 1;  // the plan's own columns

extern const char* const kColumnNames[kColumnCount];  // canonical, for problems and layouts

// The field of `r` that holds `column`.
std::string* Field(MatrixRow& r, int column);
// The column a header cell names, or -1 ("Đơn vị chủ trì thực hiện" -> kLead).
int ColumnOf(std::string_view cell);

// The pieces of `s` split on any of `seps`, trimmed, without trailing '.' or ','; empty ones left
// out.
std::vector<std::string> SplitOn(std::string_view s, std::string_view seps);
// The commands that bring task `task_id` (`existing`, or new with occurrences `specs`) to where
// row `r` says it stands (import_state.cpp): a completion on its own day, or progress; none when
// the ledger already agrees. Problems are the row's.
std::vector<Command> StateCommands(const MatrixRow& r, const std::string& task_id,
                                   const Task* existing, const std::vector<OccurrenceSpec>& specs,
                                   const ImportOptions& o, std::vector<ImportProblem>* problems);

// What kind of agency a name suggests ("UBND …": a committee, "Các …": a group).
AgencyKind GuessKind(std::string_view name);

}  // namespace taskledger::domain::import_detail
