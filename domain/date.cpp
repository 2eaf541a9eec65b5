#include "domain/date.h"

#include <cstdio>

namespace taskledger::domain {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

bool IsValidDate(int year, int month, int day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= LastDayOfMonth(year, month);
}

int LastDayOfMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[(month - 1) % 12];
}

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(Date d) {
  const int64_t y = d.year - (d.month <= 2);
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Date{static_cast<int>(yoe + era * 400 + (month <= 2)), month, day};
}

int Weekday(Date d) {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  return static_cast<int>(((DaysFromCivil(d) % 7) + 7 + 3) % 7);
}

std::pair<int, int> IsoWeek(Date d) {
  // The week belongs to the year of its Thursday.
  const Date thursday = AddDays(d, 3 - Weekday(d));
  const int64_t first = DaysFromCivil(Date{thursday.year, 1, 1});
  return {thursday.year, static_cast<int>((DaysFromCivil(thursday) - first) / 7 + 1)};
}

std::string ToIso(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string ToDmy(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", d.day, d.month, d.year);
  return buf;
}

std::optional<Date> ParseIsoDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (size_t i = starts[k]; i < starts[k] + lens[k]; ++i) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      v[k] = v[k] * 10 + (t[i] - '0');
    }
  }
  if (!IsValidDate(v[0], v[1], v[2])) return std::nullopt;
  return Date{v[0], v[1], v[2]};
}

int64_t StartOfDayUtcMs(Date d) { return DaysFromCivil(d) * kDayMs - kVietnamOffsetMs; }
int64_t EndOfDayUtcMs(Date d) { return StartOfDayUtcMs(d) + kDayMs - 1; }
Date DateAtUtcMs(int64_t unix_ms) {
  return CivilFromDays(FloorDiv(unix_ms + kVietnamOffsetMs, kDayMs));
}

UtcTime UtcTimeAt(int64_t unix_ms) {
  const int64_t days = FloorDiv(unix_ms, kDayMs);
  const int64_t ms = unix_ms - days * kDayMs;
  return {CivilFromDays(days), static_cast<int>(ms / 3600000), static_cast<int>(ms / 60000 % 60),
          static_cast<int>(ms / 1000 % 60), static_cast<int>(ms % 1000)};
}

}  // namespace taskledger::domain
