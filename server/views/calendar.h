// An agency's open occurrences as an RFC 5545 calendar: one all-day VEVENT per due date, with
// VALARMs at the reminder offsets and hour, stable UIDs (task and occurrence) so a calendar app
// replaces an event when its deadline moves, in Asia/Ho_Chi_Minh. Pure.
#pragma once

#include <string>
#include <vector>

#include "domain/ledger.h"

namespace taskledger::server {

struct CalendarOptions {
  std::vector<int> alarm_days_before = {30, 7, 1, 0};  // as the webhook reminders
  int alarm_hour = 8;                                  // Vietnam time
  std::string base_url;             // links to tasks in DESCRIPTION/URL; empty: none
  std::string host = "taskledger";  // the right-hand side of UIDs
};

// The calendar `agency` subscribes to, as of `today`; `now_ms` stamps it (DTSTAMP).
std::string AgencyCalendar(const domain::Ledger& l, const domain::Agency& agency,
                           domain::Date today, int64_t now_ms, const CalendarOptions& options);

// RFC 5545 §3.3.11 TEXT escaping, and §3.1 folding of a content line at 75 octets (never inside a
// UTF-8 sequence), CRLF-terminated.
std::string IcsText(std::string_view s);
std::string IcsLine(std::string_view line);

}  // namespace taskledger::server
