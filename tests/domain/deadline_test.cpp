// Every deadline phrase in domain/README.md, and the English/ISO forms, parse to the meaning given
// there.
#include "domain/deadline.h"

#include <catch2/catch.hpp>

#include "domain/deadline_rules.h"
#include "domain/text.h"

using namespace taskledger::domain;

namespace {

Schedule Parse(const std::string& text) {
  auto r = ParseDeadline(text);
  INFO(text << ": " << (r.ok() ? "" : r.status().ToString()));
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::optional<Date> Due(const Schedule& s) {
  if (s.milestones.size() != 1) return std::nullopt;
  return s.milestones.front().due;
}

struct DueCase {
  const char* text;
  ScheduleKind kind;
  std::optional<Date> start;
  Date due;
};

}  // namespace

TEST_CASE("single-deadline phrases parse to their due date", "[domain][deadline]") {
  const DueCase cases[] = {
      {"Năm 2026", ScheduleKind::kDue, std::nullopt, {2026, 12, 31}},
      {"năm 2025", ScheduleKind::kDue, std::nullopt, {2025, 12, 31}},
      {"Nam 2026", ScheduleKind::kDue, std::nullopt, {2026, 12, 31}},  // typed without diacritics
      {"Năm 2026-2027", ScheduleKind::kWindow, Date{2026, 1, 1}, {2027, 12, 31}},
      {"Giai đoạn 2025-2030", ScheduleKind::kWindow, Date{2025, 1, 1}, {2030, 12, 31}},
      {"2018 - 2025", ScheduleKind::kWindow, Date{2018, 1, 1}, {2025, 12, 31}},
      {"GIAI ĐOẠN 2017 - 2025", ScheduleKind::kWindow, Date{2017, 1, 1}, {2025, 12, 31}},
      {"giai đoạn 2017–2025", ScheduleKind::kWindow, Date{2017, 1, 1}, {2025, 12, 31}},
      {"Đến năm 2030", ScheduleKind::kDue, std::nullopt, {2030, 12, 31}},
      {"tháng 3/2025", ScheduleKind::kDue, std::nullopt, {2025, 3, 31}},
      {"cuối tháng 3 năm 2025", ScheduleKind::kDue, std::nullopt, {2025, 3, 31}},
      {"Tháng 2/2028", ScheduleKind::kDue, std::nullopt, {2028, 2, 29}},
      {"Từ tháng 4/2025 đến 6/2025", ScheduleKind::kWindow, Date{2025, 4, 1}, {2025, 6, 30}},
      {"Năm học 2026 – 2027", ScheduleKind::kWindow, Date{2026, 9, 1}, {2027, 5, 31}},
      {"năm học 2024-2025", ScheduleKind::kWindow, Date{2024, 9, 1}, {2025, 5, 31}},
      {"Quý I/2026", ScheduleKind::kDue, std::nullopt, {2026, 3, 31}},
      {"Quý IV/2025", ScheduleKind::kDue, std::nullopt, {2025, 12, 31}},
      {"31/12/2025", ScheduleKind::kDue, std::nullopt, {2025, 12, 31}},
      {"trước ngày 30/6/2026", ScheduleKind::kDue, std::nullopt, {2026, 6, 30}},
      // English and ISO-8601.
      {"2026-06-30", ScheduleKind::kDue, std::nullopt, {2026, 6, 30}},
      {"by 2026-06-30", ScheduleKind::kDue, std::nullopt, {2026, 6, 30}},
      {"2026-Q1", ScheduleKind::kDue, std::nullopt, {2026, 3, 31}},
      {"Q3 2026", ScheduleKind::kDue, std::nullopt, {2026, 9, 30}},
      {"2026-03", ScheduleKind::kDue, std::nullopt, {2026, 3, 31}},
      {"by end of March 2026", ScheduleKind::kDue, std::nullopt, {2026, 3, 31}},
      {"2026", ScheduleKind::kDue, std::nullopt, {2026, 12, 31}},
      {"by 2030", ScheduleKind::kDue, std::nullopt, {2030, 12, 31}},
      {"2026-01-01/2026-06-30", ScheduleKind::kWindow, Date{2026, 1, 1}, {2026, 6, 30}},
      {"from 2025-04 to 2025-06", ScheduleKind::kWindow, Date{2025, 4, 1}, {2025, 6, 30}},
      {"school year 2026-2027", ScheduleKind::kWindow, Date{2026, 9, 1}, {2027, 5, 31}},
  };
  for (const DueCase& c : cases) {
    INFO(c.text);
    const Schedule s = Parse(c.text);
    CHECK(s.text == c.text);
    CHECK(s.kind == c.kind);
    CHECK(s.start == c.start);
    CHECK(Due(s) == c.due);
  }
}

TEST_CASE("milestone lists give one due date per milestone", "[domain][deadline]") {
  for (const char* text : {"2021; 2023; 2025", "2021, 2023, 2025", "Năm 2021; 2023 và 2025"}) {
    INFO(text);
    const Schedule s = Parse(text);
    REQUIRE(s.kind == ScheduleKind::kMilestones);
    REQUIRE(s.milestones.size() == 3);
    CHECK(s.milestones[0].key == "2021");
    CHECK(s.milestones[1].due == Date{2023, 12, 31});
    CHECK(s.milestones[2].due == Date{2025, 12, 31});
  }
}

TEST_CASE("recurring, ongoing and unscheduled phrases", "[domain][deadline]") {
  const std::pair<const char*, Period> recurring[] = {
      {"Hàng năm", Period::kYear},
      {"Hằng năm", Period::kYear},
      {"01 lần/năm", Period::kYear},
      {"annually", Period::kYear},
      {"Ít nhất 01 tin, bài/tuần", Period::kWeek},
      {"weekly", Period::kWeek},
      {"Sau mỗi học kỳ", Period::kSemester},
      {"every semester", Period::kSemester},
      {"Hàng quý", Period::kQuarter},
      {"quarterly", Period::kQuarter},
      {"Hàng tháng", Period::kMonth},
      {"monthly", Period::kMonth},
  };
  for (const auto& [text, period] : recurring) {
    INFO(text);
    const Schedule s = Parse(text);
    CHECK(s.kind == ScheduleKind::kRecurring);
    CHECK(s.every == period);
    CHECK_FALSE(s.start.has_value());
  }
  const Schedule windowed = Parse("Hàng năm, giai đoạn 2025-2030");
  CHECK(windowed.every == Period::kYear);
  CHECK(windowed.start == Date{2025, 1, 1});
  CHECK(windowed.until == Date{2030, 12, 31});

  for (const char* text : {"Thường xuyên", "THƯỜNG XUYÊN", "ongoing"}) {
    INFO(text);
    CHECK(Parse(text).kind == ScheduleKind::kOngoing);
  }
  const Schedule from_month = Parse("Từ tháng 6/2025");
  CHECK(from_month.kind == ScheduleKind::kOngoing);
  CHECK(from_month.start == Date{2025, 6, 1});
  const Schedule from = Parse("từ 20/01/2025");
  CHECK(from.kind == ScheduleKind::kOngoing);
  CHECK(from.start == Date{2025, 1, 20});

  for (const char* text : {"Theo lộ trình của Bộ GDĐT", "Theo giai đoạn",
                           "Theo lộ trình của Bộ Giáo dục và Đào tạo", "unscheduled"}) {
    INFO(text);
    const Schedule s = Parse(text);
    CHECK(s.kind == ScheduleKind::kUnscheduled);
    CHECK(s.milestones.empty());
  }
}

TEST_CASE("an unknown or impossible phrase is an error listing the accepted forms",
          "[domain][deadline]") {
  for (const char* text :
       {"sớm nhất có thể", "", "31/02/2026", "tháng 13/2025", "Năm học 2026-2028", "2025; 2023",
        "Từ tháng 7/2025 đến 6/2025", "năm 20266"}) {
    INFO(text);
    auto r = ParseDeadline(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == taskledger::Status::Code::kInvalidArgument);
    CHECK_THAT(r.status().message(), Catch::Contains("accepted forms") &&
                                         Catch::Contains("Thường xuyên") &&
                                         Catch::Contains("2026-Q1"));
  }
}

TEST_CASE("schedules expand into occurrences over the plan period", "[domain][deadline]") {
  const PlanPeriod plan{{2025, 1, 1}, {2027, 12, 31}};

  auto single = Expand(Parse("Năm 2026"), plan);
  REQUIRE(single.size() == 1);
  CHECK(single[0] == OccurrenceSpec{"1", std::nullopt, Date{2026, 12, 31}});

  auto yearly = Expand(Parse("Hàng năm"), plan);
  REQUIRE(yearly.size() == 3);
  CHECK(yearly[0].key == "2025");
  CHECK(yearly[2].due == Date{2027, 12, 31});

  auto ladder = Expand(Parse("2021; 2023; 2025"), plan);
  REQUIRE(ladder.size() == 3);  // milestones are the plan's own, even outside the period
  CHECK(ladder[1].start == Date{2022, 1, 1});

  auto semesters = Expand(Parse("Sau mỗi học kỳ"), plan);
  REQUIRE(semesters.size() == 6);  // HK1/HK2 ending in 2025, 2026, 2027
  CHECK(semesters[0].key == "2024-2025/HK1");
  CHECK(semesters[0].due == Date{2025, 1, 31});
  CHECK(semesters[0].start == Date{2025, 1, 1});  // clipped to the period
  CHECK(semesters[1].due == Date{2025, 5, 31});

  auto quarters = Expand(Parse("quarterly"), plan);
  REQUIRE(quarters.size() == 12);
  CHECK(quarters[4].key == "2026-Q1");

  auto weeks = Expand(Parse("Ít nhất 01 tin, bài/tuần"), PlanPeriod{{2026, 1, 1}, {2026, 1, 31}});
  REQUIRE(weeks.size() == 4);  // Sundays 4, 11, 18, 25 January 2026
  CHECK(weeks[0].key == "2026-W01");
  CHECK(weeks[0].due == Date{2026, 1, 4});
  CHECK(weeks[3].due == Date{2026, 1, 25});

  auto ongoing = Expand(Parse("Thường xuyên"), plan);
  REQUIRE(ongoing.size() == 1);
  CHECK_FALSE(ongoing[0].due.has_value());
}

TEST_CASE("milestone lists of windows and dates, as ladders of recruitment write them",
          "[domain][deadline]") {
  const Schedule s = Parse("2019 - 2021; 2020 - 2022; 2021 - 2023");
  REQUIRE(s.kind == ScheduleKind::kMilestones);
  REQUIRE(s.milestones.size() == 3);
  CHECK(s.milestones[1].key == "2020-2022");
  CHECK(s.milestones[1].start == Date{2020, 1, 1});
  CHECK(s.milestones[1].due == Date{2022, 12, 31});
  const auto occ = Expand(s, PlanPeriod{{2017, 1, 1}, {2025, 12, 31}});
  REQUIRE(occ.size() == 3);
  CHECK(occ[2].start == Date{2021, 1, 1});  // each window keeps its own start

  const Schedule dated = Parse("tháng 3/2025; 30/09/2025; Quý IV/2025");
  REQUIRE(dated.milestones.size() == 3);
  CHECK(dated.milestones[0].key == "2025-03");
  CHECK(dated.milestones[2].due == Date{2025, 12, 31});
  CHECK(Expand(dated, PlanPeriod{{2025, 1, 1}, {2025, 12, 31}})[1].start == Date{2025, 4, 1});

  for (const char* bad : {"2023; 2021", "2021; Thường xuyên", "2021; bogus", "2021-2023; 2022"}) {
    INFO(bad);
    CHECK(ParseDeadline(bad).status().code() == taskledger::Status::Code::kInvalidArgument);
  }
}

TEST_CASE("every row of the phrase table decides its own example and yields what it says",
          "[domain][deadline]") {
  const auto rules = deadline::PhraseRules();
  REQUIRE(rules.size() >= 20);
  for (const deadline::PhraseRule& rule : rules) {
    INFO(rule.example << " (" << rule.pattern << ")");
    // This row, not an earlier one, is the one that matches its example.
    std::smatch m;
    const std::string folded = Fold(rule.example);
    CHECK(deadline::RuleFor(folded, &m) == &rule);
    const Schedule s = Parse(std::string(rule.example));
    CHECK(s.kind == rule.yields);
    CHECK(s.text == rule.example);
    CHECK_FALSE(rule.means.empty());
  }
}
