// Importing a plan's task matrix from CSV or JSON: rows are read, agencies matched by name,
// deadlines parsed, and the whole file turned into commands, or into a list of every problem
// with its row and column. Pure: the caller decides and appends the commands, and only when
// there are no problems, so a bad file writes nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/commands.h"
#include "domain/ledger.h"

namespace taskledger::domain {

// One row of a matrix, as read. A row with a code and a title and nothing else starts a section.
// A row with neither code nor title but a deadline is a rung of a ladder: it belongs to the task
// above it and becomes one of its occurrences, its deliverable (or target) cell that occurrence's
// target ("10% cơ sở … | 2021", "20% … | 2022"), as plans write yearly ladders.
struct MatrixRow {
  int row = 0;  // CSV line, or 1-based index in JSON
  std::string code, title, lead, coordinating, deliverable, deadline, section, targets;
  std::string occurrence_targets;  // ';'-separated, one per occurrence (yearly ladders)
};

struct ImportProblem {
  int row = 0;         // 0: the file as a whole
  std::string column;  // the column as named in the file ("Cơ quan chủ trì"), or a JSON field
  std::string message;
};

struct ImportOptions {
  bool create_unknown_agencies = false;  // else an unknown name is a problem
  std::string reason = "import";         // recorded on changes to existing tasks
};

struct ImportPlan {
  std::vector<Command> commands;  // agencies, then sections, then tasks, in file order
  int sections_added = 0, tasks_created = 0, tasks_changed = 0, tasks_unchanged = 0;
  std::vector<std::string> new_agencies;
  std::vector<std::string> warnings;
  std::vector<ImportProblem> problems;  // non-empty: write nothing
  bool unreadable = false;              // the problems are the text's own; nothing was planned
};

// Reads rows, matching headers in Vietnamese or English (diacritics and case aside).
std::vector<MatrixRow> ReadMatrixCsv(std::string_view text, std::vector<ImportProblem>* problems);
// {"rows": [...]} or [...], each {"code","title","lead","coordinating","deliverable","deadline",
// "section","targets","occurrence_targets"}; lead/coordinating/targets as a string or a list.
std::vector<MatrixRow> ReadMatrixJson(std::string_view text, std::vector<ImportProblem>* problems);

ImportPlan PlanImport(const Ledger& state, std::string_view plan,
                      const std::vector<MatrixRow>& rows, const ImportOptions& options);

enum class MatrixFormat { kCsv, kJson };
// Reads `text` and plans its import; when the text itself has problems, those are the plan's
// problems (`unreadable`) and nothing is planned.
ImportPlan PlanImportText(const Ledger& state, std::string_view plan, std::string_view text,
                          MatrixFormat format, const ImportOptions& options);

// Agency names in a cell: split on ';' and new lines, then on commas only where the pieces are
// not one known name ("UBND xã, phường, đặc khu" stays whole when it is an agency).
std::vector<std::string> SplitAgencyNames(const Ledger& state, std::string_view cell);
// A slug for a new agency from its name: "Sở Tài chính" -> "so-tai-chinh".
std::string Slug(std::string_view name);

}  // namespace taskledger::domain
