#include "domain/date.h"

#include <catch2/catch.hpp>

using namespace taskledger::domain;

TEST_CASE("civil dates round-trip through day numbers", "[domain][date]") {
  CHECK(DaysFromCivil({1970, 1, 1}) == 0);
  CHECK(DaysFromCivil({2000, 3, 1}) == 11017);
  for (int64_t d = -1000; d < 30000; d += 37) CHECK(DaysFromCivil(CivilFromDays(d)) == d);
  CHECK(CivilFromDays(DaysFromCivil({2024, 2, 29}) + 1) == Date{2024, 3, 1});
  CHECK(LastDayOfMonth(2100, 2) == 28);
  CHECK(LastDayOfMonth(2000, 2) == 29);
}

TEST_CASE("weekdays and ISO weeks", "[domain][date]") {
  CHECK(Weekday({2026, 11, 23}) == 0);  // a Monday
  CHECK(IsoWeek({2026, 1, 1}) == std::pair{2026, 1});
  CHECK(IsoWeek({2027, 1, 3}) == std::pair{2026, 53});
  CHECK(IsoWeek({2024, 12, 30}) == std::pair{2025, 1});
}

TEST_CASE("days are bounded in Vietnam time", "[domain][date]") {
  // 2026-01-01 00:00 +07:00 is 2025-12-31 17:00 UTC.
  CHECK(StartOfDayUtcMs({2026, 1, 1}) == 1767225600000 - 7 * 3600 * 1000);
  CHECK(DateAtUtcMs(StartOfDayUtcMs({2026, 1, 1})) == Date{2026, 1, 1});
  CHECK(DateAtUtcMs(StartOfDayUtcMs({2026, 1, 1}) - 1) == Date{2025, 12, 31});
  CHECK(DateAtUtcMs(EndOfDayUtcMs({2026, 1, 1})) == Date{2026, 1, 1});
  CHECK(ParseIsoDate("2026-02-29") == std::nullopt);
  CHECK(ParseIsoDate("2028-02-29") == Date{2028, 2, 29});
  CHECK(ToIso({2026, 6, 3}) == "2026-06-03");
}
