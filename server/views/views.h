// JSON views of the domain for the API: what a task, an occurrence, an agency or a plan report
// looks like on the wire. Pure functions of the Ledger and a date.
#pragma once

#include <nlohmann/json.hpp>

#include "domain/ledger.h"
#include "events/event.h"
#include "server/views/json_writer.h"

namespace taskledger::server {

nlohmann::json AgencyView(const domain::Agency& a);
nlohmann::json PlanView(const domain::Plan& p, bool with_sections);
// The occurrence a task is "at": its first open one by due date, else its last one.
using domain::CurrentOccurrence;
// A task with its schedule, status and category as of `today`; `occurrences` adds each one.
// For a member of a group the task is given to (`member`, its number in the ledger), where the
// task stands is where its own part does, and of the parts it reads its own only; for everyone
// else, each occurrence of a group carries its parts' counts.
nlohmann::json TaskView(const domain::Task& t, domain::Date today, bool occurrences,
                        std::optional<uint32_t> member = std::nullopt);
// The same view written straight into `w`, for lists; `seen` adds how the agency sees the task
// (its role, the group it sees it through, its part).
void WriteTask(JsonWriter& w, const domain::Task& t, domain::Date today, bool occurrences,
               const domain::AgencyItem* seen = nullptr,
               std::optional<uint32_t> member = std::nullopt);
// One member's part of `o` (`member`: its id, left out when empty), as of `today`.
void WritePart(JsonWriter& w, const domain::Part& p, const domain::Occurrence& o,
               domain::Date today, std::string_view member);
// Where an occurrence's parts stand: how many are counted, done, started, awaiting review, asking
// for more time, late ("late", the overdue group) and in each report group ("categories").
void WritePartsSummary(JsonWriter& w, const domain::PartsSummary& s);
// The log's head a report was computed at: its position and that event's hash (hex).
struct ReportHead {
  uint64_t position = 0;
  std::string hash;
  std::string Header() const { return std::to_string(position) + " " + hash; }
};
// A plan's report as JSON text; `known` ("then" or "now", how a past day was read) and `head`
// when given.
std::string ReportJson(const domain::PlanReport& r, std::string_view known,
                       const ReportHead* head = nullptr);
nlohmann::json ReportView(const domain::PlanReport& r);
// The report's lines as CSV for Excel: names and Vietnamese labels, then ids and codes.
std::string ReportCsv(const domain::Ledger& l, const domain::PlanReport& r);

// Who did something, for people: an actor label ("agency:so-gddt-hp:Văn thư (token 9383b3c6bb0d)")
// as {role, agency, agency_name, person, label}; the label stays for auditors.
nlohmann::json PersonView(const domain::Ledger& l, std::string_view actor_label);

// An event of the log as the API shows it (/v1/events, the SSE stream, the export).
nlohmann::json LogEventView(const RecordedEvent& e);

}  // namespace taskledger::server
