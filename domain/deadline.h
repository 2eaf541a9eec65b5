// Deadline schedules: the phrase a plan writes in its "Thời gian hoàn thành" column, parsed into
// what it means, and expanded into occurrences, each with its own due date.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"
#include "events/util/status.h"

namespace taskledger::domain {

enum class ScheduleKind {
  kDue,         // one due date ("Năm 2026", "tháng 3/2025", "2026-06-30", "Quý I/2026")
  kWindow,      // a start and a due date ("Giai đoạn 2025-2030", "Năm học 2026-2027")
  kMilestones,  // several due dates, each its own occurrence ("2021; 2023; 2025",
                // "2019 - 2021; 2020 - 2022": any dated phrases separated by ';')
  kRecurring,  // every period over the plan or a window ("Hàng năm", "…/tuần", "Sau mỗi học kỳ")
  kOngoing,  // no single due date, reported periodically ("Thường xuyên", "từ 20/01/2025")
  kUnscheduled,  // no date yet ("Theo lộ trình của Bộ GDĐT")
};

enum class Period { kNone, kYear, kSemester, kQuarter, kMonth, kWeek };

std::string_view ToString(ScheduleKind kind);
std::string_view ToString(Period period);

struct Milestone {
  std::string key;  // stable within the task: "2026", "2026-03-31", "2026-Q1", "2019-2021"
  Date due;
  std::optional<Date> start;  // its own window ("2019 - 2021; 2020 - 2022"), else after the last
};

// A parsed deadline. `text` is the phrase exactly as written and is always kept.
struct Schedule {
  std::string text;
  ScheduleKind kind = ScheduleKind::kUnscheduled;
  std::optional<Date> start;          // kWindow; kOngoing "from"; kRecurring window start
  std::vector<Milestone> milestones;  // kDue, kWindow: one; kMilestones: several
  Period every = Period::kNone;       // kRecurring
  std::optional<Date> until;          // kRecurring window end

  bool operator==(const Schedule&) const = default;
};

// The forms ParseDeadline accepts, for error messages and documentation.
extern const std::vector<std::string_view> kDeadlineForms;

// Parses a deadline phrase in Vietnamese (with or without diacritics) or English/ISO-8601.
// An unknown phrase is kInvalidArgument listing the accepted forms; it is never guessed.
Result<Schedule> ParseDeadline(std::string_view text);

// The span a plan covers; recurring schedules without their own window repeat over it.
struct PlanPeriod {
  Date start;
  Date end;
};

struct OccurrenceSpec {
  std::string key;  // "1" for single-occurrence schedules, else the milestone key
  std::optional<Date> start;
  std::optional<Date> due;  // none for ongoing and unscheduled
  bool operator==(const OccurrenceSpec&) const = default;
};

// The occurrences a schedule expands into. Single-occurrence kinds (due, window, ongoing,
// unscheduled) always yield key "1", so changing a deadline keeps the occurrence and its history.
std::vector<OccurrenceSpec> Expand(const Schedule& schedule, const PlanPeriod& period);

}  // namespace taskledger::domain
