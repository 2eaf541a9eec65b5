// Deadline phrases parsed (by the table of rules in deadline_rules.cpp) and expanded into
// occurrences.
#include "domain/deadline.h"

#include <cstdio>

#include "domain/deadline_rules.h"
#include "domain/text.h"

namespace taskledger::domain {
namespace {

using deadline::Unknown;

std::string YearKey(int y) { return std::to_string(y); }

// "2019 - 2021; 2020 - 2022; 2021 - 2023", "tháng 3/2025; tháng 9/2025": each part a single
// dated phrase (a date, month, year or window), due dates strictly increasing.
Result<Schedule> ParseMilestoneList(Schedule s) {
  s.kind = ScheduleKind::kMilestones;
  size_t from = 0;
  while (from <= s.text.size()) {
    size_t semi = s.text.find(';', from);
    if (semi == std::string::npos) semi = s.text.size();
    const std::string_view part = Trim(std::string_view(s.text).substr(from, semi - from));
    from = semi + 1;
    if (part.empty()) continue;
    Result<Schedule> one = ParseDeadline(part);
    if (!one.ok() || (one->kind != ScheduleKind::kDue && one->kind != ScheduleKind::kWindow)) {
      std::string why = "\"";
      why.append(part).append("\" is not a dated milestone");
      return Unknown(s.text, why);
    }
    Milestone m = one->milestones.front();
    if (one->kind == ScheduleKind::kWindow) {
      m.start = one->start;
      const bool whole_years =
          m.start->month == 1 && m.start->day == 1 && m.due.month == 12 && m.due.day == 31;
      m.key = whole_years ? YearKey(m.start->year) + "-" + YearKey(m.due.year)
                          : ToIso(*m.start) + "/" + ToIso(m.due);
    }
    if (!s.milestones.empty() && !(s.milestones.back().due < m.due)) {
      return Unknown(s.text, "milestone due dates must increase");
    }
    s.milestones.push_back(std::move(m));
  }
  if (s.milestones.size() < 2) return Unknown(s.text, "a milestone list needs two or more");
  return s;
}

}  // namespace

const std::vector<std::string_view> kDeadlineForms = {"Năm 2026",
                                                      "Năm 2026-2027",
                                                      "Giai đoạn 2025-2030",
                                                      "Đến năm 2030",
                                                      "2021; 2023; 2025",
                                                      "2019 - 2021; 2020 - 2022",
                                                      "Hàng năm",
                                                      "01 lần/năm",
                                                      "Thường xuyên",
                                                      "Ít nhất 01 tin, bài/tuần",
                                                      "Hàng tháng",
                                                      "Hàng quý",
                                                      "Sau mỗi học kỳ",
                                                      "Theo lộ trình …",
                                                      "tháng 3/2025",
                                                      "cuối tháng 3 năm 2025",
                                                      "31/12/2025",
                                                      "từ 20/01/2025",
                                                      "từ tháng 6/2025",
                                                      "Từ tháng 4/2025 đến 6/2025",
                                                      "Năm học 2026 – 2027",
                                                      "Quý I/2026",
                                                      "2026-06-30",
                                                      "by 2026-06-30",
                                                      "2026-03",
                                                      "March 2026",
                                                      "2026-Q1",
                                                      "2026-01-01/2026-06-30",
                                                      "annually",
                                                      "every semester",
                                                      "quarterly",
                                                      "monthly",
                                                      "weekly",
                                                      "ongoing",
                                                      "unscheduled"};

std::string_view ToString(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::kDue:
      return "due";
    case ScheduleKind::kWindow:
      return "window";
    case ScheduleKind::kMilestones:
      return "milestones";
    case ScheduleKind::kRecurring:
      return "recurring";
    case ScheduleKind::kOngoing:
      return "ongoing";
    case ScheduleKind::kUnscheduled:
      return "unscheduled";
  }
  return "?";
}

std::string_view ToString(Period period) {
  switch (period) {
    case Period::kNone:
      return "none";
    case Period::kYear:
      return "year";
    case Period::kSemester:
      return "semester";
    case Period::kQuarter:
      return "quarter";
    case Period::kMonth:
      return "month";
    case Period::kWeek:
      return "week";
  }
  return "?";
}

Result<Schedule> ParseDeadline(std::string_view text) {
  Schedule s;
  s.text = std::string(Trim(text));
  std::string f = Fold(s.text);
  while (!f.empty() && (f.back() == '.' || f.back() == ';' || f.back() == ',')) f.pop_back();
  if (f.empty()) return Unknown(text, "empty");
  std::smatch m;
  if (const deadline::PhraseRule* rule = deadline::RuleFor(f, &m)) {
    return rule->build(m, deadline::Phrase{text, f, s});
  }
  // Several dated phrases of any of the forms above, each a milestone ("tháng 3/2025; Quý
  // IV/2025"); tried last, as each part is parsed by the rules again.
  if (s.text.find(';') != std::string::npos) return ParseMilestoneList(std::move(s));
  return Unknown(text);
}

std::vector<OccurrenceSpec> Expand(const Schedule& s, const PlanPeriod& period) {
  std::vector<OccurrenceSpec> out;
  switch (s.kind) {
    case ScheduleKind::kDue:
    case ScheduleKind::kWindow:
      out.push_back(OccurrenceSpec{"1", s.start, s.milestones.front().due});
      break;
    case ScheduleKind::kOngoing:
    case ScheduleKind::kUnscheduled:
      out.push_back(OccurrenceSpec{"1", s.start, std::nullopt});
      break;
    case ScheduleKind::kMilestones: {
      std::optional<Date> start = s.start;
      for (const Milestone& ms : s.milestones) {
        out.push_back(OccurrenceSpec{ms.key, ms.start ? ms.start : start, ms.due});
        start = AddDays(ms.due, 1);
      }
      break;
    }
    case ScheduleKind::kRecurring: {
      const Date from = s.start.value_or(period.start);
      const Date to = s.until.value_or(period.end);
      const auto add = [&](std::string key, Date start, Date due) {
        if (due < from || due > to) return;
        out.push_back(OccurrenceSpec{std::move(key), std::max(start, from), due});
      };
      for (int y = from.year; y <= to.year; ++y) {
        switch (s.every) {
          case Period::kYear:
            add(YearKey(y), Date{y, 1, 1}, Date{y, 12, 31});
            break;
          case Period::kSemester: {
            // School year y-(y+1): semester I Sep-Jan, semester II Jan-May (domain/README.md).
            const std::string sy = std::to_string(y - 1) + "-" + std::to_string(y);
            add(sy + "/HK1", Date{y - 1, 9, 1}, Date{y, 1, 31});
            add(sy + "/HK2", Date{y, 2, 1}, Date{y, 5, 31});
            break;
          }
          case Period::kQuarter:
            for (int q = 1; q <= 4; ++q) {
              add(YearKey(y) + "-Q" + std::to_string(q), Date{y, q * 3 - 2, 1},
                  Date{y, q * 3, LastDayOfMonth(y, q * 3)});
            }
            break;
          case Period::kMonth:
            for (int mo = 1; mo <= 12; ++mo) {
              const Date end{y, mo, LastDayOfMonth(y, mo)};
              add(ToIso(end).substr(0, 7), Date{y, mo, 1}, end);
            }
            break;
          case Period::kWeek:
          case Period::kNone:
            break;
        }
      }
      if (s.every == Period::kWeek) {
        // Weeks end on Sunday; each is due then.
        Date sunday = AddDays(from, 6 - Weekday(from));
        for (; sunday <= to; sunday = AddDays(sunday, 7)) {
          const auto [wy, wn] = IsoWeek(sunday);
          char key[16];
          std::snprintf(key, sizeof key, "%04d-W%02d", wy, wn);
          add(key, AddDays(sunday, -6), sunday);
        }
      }
      break;
    }
  }
  return out;
}

}  // namespace taskledger::domain
