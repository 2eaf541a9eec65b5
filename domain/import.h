// Importing a plan's task matrix from a table (a CSV file, a Word document's table, a spreadsheet)
// or JSON: the header row is found, rows are read, agencies matched by name, deadlines parsed, and
// the whole file turned into commands, or into a list of every problem with its place in the file
// (table, row, column). Pure: the caller decides and appends the commands, and only when there
// are no problems, so a bad file writes nothing. Reading .docx and .xlsx into tables is the
// server's (server/office); this is what any table means.
#pragma once

#include <map>
#include <set>
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
  int table = 0;      // 1-based table of a Word document; 0 elsewhere
  std::string sheet;  // a spreadsheet's sheet
  int row = 0;        // CSV line, the table's row, the sheet's row, or 1-based index in JSON
  std::string code, title, lead, coordinating, deliverable, deadline, section, targets;
  std::string occurrence_targets;  // ';'-separated, one per occurrence (yearly ladders)
  // Where the task stands, when the file says (a plan taken up mid-way): "Đã hoàn thành" and the
  // day it was completed, or progress in percent. Applied to the current occurrence.
  std::string status, percent, completed_on;
};

// The importer's own column heads, in order (TT … Chỉ tiêu theo mốc): what an export writes so
// that importing it back changes nothing.
std::vector<std::string> MatrixColumnNames();
// The optional columns that say where each task stands: "Trạng thái", "Tiến độ (%)", "Ngày hoàn
// thành" (an export writes them; an import applies them to tasks whose state differs).
std::vector<std::string> StateColumnNames();

struct ImportProblem {
  int row = 0;         // 0: the file as a whole
  std::string column;  // the column as named in the file ("Cơ quan chủ trì"), or a JSON field
  std::string message;
  int table = 0;      // 1-based table of a Word document
  std::string sheet;  // a spreadsheet's sheet
  std::string cell;   // a spreadsheet's cell ("C7")
  // A stable name for the problem and its parameters, for wording it in people's language
  // ("unknown-agency", {{"agency", "PGD Thử"}}); empty for the rarer ones.
  std::string code;
  std::vector<std::pair<std::string, std::string>> params;
};

// A table as a document holds it, merged cells resolved: a cell covered by a merge from its left
// is `spanned` and empty; a cell covered by a merge from above carries the text of the cell it
// continues (a lead agency merged down over several tasks is each task's lead).
struct SourceCell {
  std::string text;
  bool spanned = false;
};
struct SourceRow {
  int number = 0;  // as the document counts it: the table's row (1-based), the sheet's row
  std::vector<SourceCell> cells;
};
struct SourceTable {
  int table = 0;      // 1-based in a Word document
  std::string sheet;  // a spreadsheet's sheet name
  std::vector<SourceRow> rows;
};

// The columns a table's header named, as the file names them, for problems and previews.
struct MatrixLayout {
  int table = 0;
  std::string sheet;
  int header_row = 0;  // the (last) header row
  struct Column {
    std::string canonical;  // "Cơ quan chủ trì"
    std::string header;     // as the file writes it: "Đơn vị chủ trì"
    int index = 0;          // 0-based position in the row
  };
  std::vector<Column> columns;
  std::vector<std::string> seen;  // tables looked at, when none had a matrix
};

struct ImportOptions {
  bool create_unknown_agencies = false;  // else an unknown name is a problem
  std::string reason = "import";         // recorded on changes to existing tasks
  // Names the file uses for agencies the ledger knows by another name: name -> agency id. Each
  // becomes an alias of that agency (an event), so the next import matches it by itself.
  std::map<std::string, std::string> aliases;
  // Names to register as new agencies even without create_unknown_agencies.
  std::set<std::string> create;
  // Today, to refuse completion dates after it; none: not checked here (the command will).
  std::optional<Date> today;
};

// A row as the import understood it: what a preview shows before anything is written.
struct PreviewRow {
  int table = 0;
  std::string sheet;
  int row = 0;
  std::string kind;    // "section", "task", "heading"
  std::string change;  // tasks: "new", "changed", "unchanged"; sections: "new", "unchanged"
  std::string code, title, section, deliverable, deadline;
  std::vector<std::string> lead, coordinating;  // agency ids, as resolved
  std::vector<std::string> unknown;             // agency names not resolved
  std::vector<Date> occurrences;                // the deadline's dates within the plan's period
  std::vector<std::string> targets, occurrence_targets;
};

struct ImportPlan {
  std::vector<Command> commands;  // agencies, then sections, then tasks, in file order
  int sections_added = 0, tasks_created = 0, tasks_changed = 0, tasks_unchanged = 0;
  std::vector<std::string> new_agencies;
  std::vector<std::string> aliases_added;     // "name -> id"
  std::vector<std::string> unknown_agencies;  // names no agency matched, in file order
  std::vector<std::string> warnings;
  std::vector<PreviewRow> preview;
  MatrixLayout layout;
  std::vector<ImportProblem> problems;  // non-empty: write nothing
  bool unreadable = false;              // the problems are the text's own; nothing was planned
};

// Finds the matrix among `tables` by its header row (one row, or two where a heading such as "Cơ
// quan thực hiện" stands over "Chủ trì | Phối hợp"), matching headers in Vietnamese or English
// (diacritics, case and punctuation aside), and reads the rows under it: empty rows skipped, a
// row of column numbers ("(1) (2) (3)") skipped, a row merged across the width read as a section
// ("I. Tuyên truyền"), codes without their trailing '.' or ')'. `sheet`, when not empty, names the
// spreadsheet sheet to read.
std::vector<MatrixRow> ReadMatrixTables(const std::vector<SourceTable>& tables,
                                        std::string_view sheet, MatrixLayout* layout,
                                        std::vector<ImportProblem>* problems);
// CSV as one table.
std::vector<MatrixRow> ReadMatrixCsv(std::string_view text, std::vector<ImportProblem>* problems,
                                     MatrixLayout* layout = nullptr);
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
// The same for tables read from a document; problems name the file's own headers and cells.
ImportPlan PlanImportTables(const Ledger& state, std::string_view plan,
                            const std::vector<SourceTable>& tables, std::string_view sheet,
                            const ImportOptions& options);

// Agency names in a cell: split on ';' and new lines, then on commas only where the pieces are
// not one known name ("UBND xã, phường, đặc khu" stays whole when it is an agency).
std::vector<std::string> SplitAgencyNames(const Ledger& state, std::string_view cell);
// A slug for a new agency from its name: "Sở Tài chính" -> "so-tai-chinh".
std::string Slug(std::string_view name);

}  // namespace taskledger::domain
