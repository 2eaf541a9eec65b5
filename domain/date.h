// Calendar dates in Vietnam time (UTC+07:00, no daylight saving), which is what every deadline
// in a plan means.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace taskledger::domain {

inline constexpr int64_t kVietnamOffsetMs = 7 * 3600 * 1000;

struct Date {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31

  auto operator<=>(const Date&) const = default;
};

bool IsValidDate(int year, int month, int day);
int LastDayOfMonth(int year, int month);

// Days since 1970-01-01 (negative before), and back.
int64_t DaysFromCivil(Date d);
Date CivilFromDays(int64_t days);
inline Date AddDays(Date d, int64_t n) { return CivilFromDays(DaysFromCivil(d) + n); }
inline int64_t DaysBetween(Date from, Date to) { return DaysFromCivil(to) - DaysFromCivil(from); }
// 0 = Monday … 6 = Sunday.
int Weekday(Date d);
// ISO-8601 week-numbering year and week of `d`.
std::pair<int, int> IsoWeek(Date d);

// "2026-06-30".
std::string ToIso(Date d);
// "30/06/2026", as Vietnamese documents write a date.
std::string ToDmy(Date d);
// Exactly "YYYY-MM-DD" with a valid date.
std::optional<Date> ParseIsoDate(std::string_view text);

// The instant a day starts and the last millisecond of it, in Vietnam time, as UTC ms.
int64_t StartOfDayUtcMs(Date d);
int64_t EndOfDayUtcMs(Date d);
// The Vietnam calendar date at a UTC instant.
Date DateAtUtcMs(int64_t unix_ms);

// A UTC instant as a calendar date and a time of day, for timestamps in other formats.
struct UtcTime {
  Date date;
  int hour = 0, minute = 0, second = 0, millisecond = 0;
};
UtcTime UtcTimeAt(int64_t unix_ms);

}  // namespace taskledger::domain
