// Documents for people rather than programs: a plan's task matrix exported in the importer's own
// columns (so export -> import round-trips), as CSV or a spreadsheet, and the plan's report laid
// out as an official Vietnamese report: a printable page, an editable Word document (Nghị định
// 30/2020/NĐ-CP layout) and a workbook with the same tables. Functions of the Ledger; the .xlsx
// writers use a temporary file (kIOError when it cannot be written).
#pragma once

#include <string>
#include <string_view>

#include "domain/ledger.h"
#include "domain/parts.h"
#include "events/util/status.h"

namespace taskledger::server {

// The official Vietnamese name of a report group, and of an occurrence's status.
std::string_view CategoryLabelVi(domain::Category c);
std::string_view StatusLabelVi(domain::OccurrenceStatus s);

// The plan's matrix as CSV (UTF-8 with a BOM): section rows, then each task in the importer's
// columns (TT, Nhiệm vụ, Cơ quan chủ trì, …, Thời gian hoàn thành as written, Mục, Mục tiêu,
// Chỉ tiêu theo mốc), followed by columns the importer ignores: where the task stands on `today`.
std::string PlanMatrixCsv(const domain::Ledger& l, const domain::Plan& plan, domain::Date today);

// The matrix as an .xlsx workbook: a title block, the header row frozen and filtered, wrapped
// text, section rows merged across, dates as dates; the importer reads it back unchanged.
Result<std::string> PlanMatrixXlsx(const domain::Ledger& l, const domain::Plan& plan,
                                   domain::Date today);

// The report as an editable .docx in the administrative layout (A4, Times New Roman, header
// block, number and date lines, BÁO CÁO and subject, the groups overall / by section / by lead
// agency as Word tables with repeated header rows, overdue and upcoming tasks, Nơi nhận and the
// signature block, page numbers from page 2).
// `particulars`: what the department recorded for the report's day (issuer, number, place,
// signer, recipients, narrative), or null for the plan's defaults (document_parts.h, FrameOf).
Result<std::string> ReportDocx(const domain::Ledger& l, const domain::PlanReport& r,
                               const domain::ReportParticulars* particulars = nullptr);
// The same tables as a workbook: one sheet each, then every task line.
Result<std::string> ReportXlsx(const domain::Ledger& l, const domain::PlanReport& r);

// A task's parts (one occurrence, as ListParts gave them) for the coordinator to file or work
// through: one row per member with its status, group, progress, dates, deliverables and
// requests; as CSV, or as a workbook with a title block saying the day and `filter_label`.
std::string PartsCsv(const domain::Task& t, const domain::Occurrence& o,
                     const std::vector<domain::PartRow>& rows);
Result<std::string> PartsXlsx(const domain::Task& t, const domain::Occurrence& o,
                              const std::vector<domain::PartRow>& rows, domain::Date today,
                              std::string_view filter_label);

// The report as a self-contained, printable HTML page in Vietnamese: heading, the plan's number,
// the as-of date, the groups overall, by section and by lead agency, and the tasks of each group.
// With the same header, signer, recipients and narrative as the Word file.
std::string ReportHtml(const domain::Ledger& l, const domain::PlanReport& r,
                       const domain::ReportParticulars* particulars = nullptr);

}  // namespace taskledger::server
