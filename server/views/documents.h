// Documents for people rather than programs: a plan's task matrix exported in the importer's own
// columns (so export -> import round-trips), and the plan's report laid out as an official
// Vietnamese report for printing. Pure functions of the Ledger.
#pragma once

#include <string>
#include <string_view>

#include "domain/ledger.h"

namespace taskledger::server {

// The official Vietnamese name of a report group, and of an occurrence's status.
std::string_view CategoryLabelVi(domain::Category c);
std::string_view StatusLabelVi(domain::OccurrenceStatus s);

// The plan's matrix as CSV (UTF-8 with a BOM): section rows, then each task in the importer's
// columns (TT, Nhiệm vụ, Cơ quan chủ trì, …, Thời gian hoàn thành as written, Mục, Mục tiêu,
// Chỉ tiêu theo mốc), followed by columns the importer ignores: where the task stands on `today`.
std::string PlanMatrixCsv(const domain::Ledger& l, const domain::Plan& plan, domain::Date today);

// The report as a self-contained, printable HTML page in Vietnamese: heading, the plan's number,
// the as-of date, the groups overall, by section and by lead agency, and the tasks of each group.
std::string ReportHtml(const domain::Ledger& l, const domain::PlanReport& r);

}  // namespace taskledger::server
