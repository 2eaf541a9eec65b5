// What the documents for people share (private to server/views): the matrix's rows, a report's
// tables and task lines, with names and Vietnamese labels in place of ids and enums. Each writer
// (CSV, HTML, .xlsx, .docx) lays out the same content, so they cannot disagree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/ledger.h"

namespace taskledger::server::parts {

// The four official groups, then the two not yet countable; cancelled tasks are left out.
inline constexpr domain::Category kShown[] = {domain::Category::kCompletedOnTime,
                                              domain::Category::kCompletedLate,
                                              domain::Category::kInProgressWithinDeadline,
                                              domain::Category::kOverdue,
                                              domain::Category::kNotYetDue,
                                              domain::Category::kUnscheduled};

std::string Join(const std::vector<std::string>& parts, std::string_view sep);
// Agencies' names (the id where an agency is unknown), joined by `sep`.
std::string Names(const domain::Ledger& l, const std::vector<std::string>& ids,
                  std::string_view sep = "; ");

// The matrix in the importer's columns, then where each task stands (columns the importer
// ignores). A section row carries its code and title only.
inline constexpr int kMatrixImportColumns = 9;  // TT … Chỉ tiêu theo mốc
std::vector<std::string> MatrixHeader();
struct MatrixRow {
  bool section = false;
  std::vector<std::string> cells;  // as text, MatrixHeader().size() of them
  // The status columns as values, for writers that keep types (an .xlsx date, a number).
  std::optional<domain::Date> due, completed_on;
  std::optional<domain::Category> category;
  int percent = 0;
};
std::vector<MatrixRow> MatrixRows(const domain::Ledger& l, const domain::Plan& plan,
                                  domain::Date today);

// A counts table's row: a section or a lead agency, its occurrences per group, and the parts of
// those given to groups.
struct CountsLine {
  std::string label;
  domain::CategoryCounts counts;
  domain::CategoryCounts parts;
  int total() const;  // of the shown groups
};
std::vector<CountsLine> SectionCounts(const domain::PlanReport& r);
std::vector<CountsLine> LeadCounts(const domain::Ledger& l, const domain::PlanReport& r);
int CountedTotal(const domain::PlanReport& r);  // every occurrence but the cancelled
// Parts that count: every one but the exempted (cancelled).
int CountedParts(const domain::CategoryCounts& parts);
// "183/250 đơn vị hoàn thành" (and how many of the rest are overdue); empty without parts.
std::string PartsPhrase(const domain::CategoryCounts& parts);

// One occurrence as a report lists it.
struct TaskLine {
  std::string code;  // "III.1", or "III.1 (2025)" for one milestone of several
  std::string title;
  std::string lead;      // names
  std::string due;       // "31/12/2025 (gia hạn từ 30/11/2025)", or the phrase when undated
  std::string state;     // "Đang thực hiện", "Đã hoàn thành ngày 02/01/2026"
  std::string progress;  // "40% — narrative"
  std::string parts;     // PartsPhrase of a group's occurrence; empty for others
  domain::Category category;
  std::optional<domain::Date> due_date;
};
std::vector<TaskLine> TaskLines(const domain::Ledger& l, const domain::PlanReport& r);
// Open occurrences due after the report's date and no later than `days` after it.
inline constexpr int kUpcomingDays = 30;
std::vector<TaskLine> Upcoming(const std::vector<TaskLine>& lines, domain::Date as_of,
                               int days = kUpcomingDays);

// What frames a report's counts, as the printed page and the Word file both write it (so they
// agree): the header block, the signer, the recipients, and the narrative sections — from the
// particulars recorded for the report's day, or the plan's defaults where they say nothing.
struct ReportFrame {
  std::string over;        // the authority above the issuer, abbreviated ("UBND THÀNH PHỐ …")
  std::string issuer;      // the issuing agency's name, as written
  std::string number;      // "Số: 15/BC-SGDĐT", or "Số:        /BC-SGDĐT" left to fill in
  std::string place_date;  // "Hải Phòng, ngày 31 tháng 12 năm 2026"
  std::string signer_title, signer_name;
  std::vector<std::string> recipients;  // "- Sở Giáo dục và Đào tạo (để báo cáo);" …
  // The narrative sections written, in order, each with its heading: (title, text).
  std::vector<std::pair<std::string, std::string>> sections;
};
ReportFrame FrameOf(const domain::Ledger& l, const domain::Plan& plan, domain::Date as_of,
                    const domain::ReportParticulars* p);

// The issuing office's code in a plan number ("68/KH-SGDĐT" -> "SGDĐT"), for the report's own
// number line; empty when the number has none.
std::string IssuerCode(const std::string& plan_number);
// The province or city an agency is in, from its name or its parents' ("Ủy ban nhân dân thành
// phố Hải Phòng" -> "Hải Phòng"); empty when none says.
std::string PlaceOf(const domain::Ledger& l, const std::string& agency_id);
// "Ủy ban nhân dân thành phố Hải Phòng" -> "UBND thành phố Hải Phòng", as header blocks write it.
std::string Abbreviated(const std::string& authority_name);
// n of total as a person writes a share in Vietnamese: "0%", "100%", "12,5%" (a decimal comma,
// and no ",0").
std::string PercentVi(int n, int total);
// "ngày 04 tháng 12 năm 2025", with the leading zeros the decree asks for (day < 10, month < 3).
std::string DateLineVi(domain::Date d);

}  // namespace taskledger::server::parts
