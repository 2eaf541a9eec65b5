#include "domain/deadline.h"

#include <cstdio>
#include <regex>

#include "domain/text.h"

namespace taskledger::domain {
namespace {

using std::regex;

// Patterns run on Fold(text): lower case, no diacritics, single spaces, '-' for every dash.

struct Patterns {
  regex iso_date{R"(^(?:by |before |due |until |han )?(\d{4})-(\d{2})-(\d{2})$)"};
  regex vn_date{
      R"(^(?:ngay |truoc ngay |truoc |den ngay |han |by |before |due )?(\d{1,2})/(\d{1,2})/(\d{4})$)"};
  regex from_date{R"(^(?:tu ngay |tu |bat dau tu |from |starting )(\d{1,2})/(\d{1,2})/(\d{4})$)"};
  regex from_iso{R"(^(?:from |starting )(\d{4})-(\d{2})-(\d{2})$)"};
  regex from_month{R"(^(?:tu |bat dau tu |from |starting )thang (\d{1,2})(?:/| nam )(\d{4})$)"};
  regex month{
      R"(^(?:cuoi |truoc |trong |den |han |by |by end of |end of )?thang (\d{1,2})(?:/| nam | - )(\d{4})$)"};
  regex iso_month{R"(^(?:by |by end of |end of )?(\d{4})-(\d{2})$)"};
  regex en_month{
      R"(^(?:by |by end of |end of |in )?(january|february|march|april|may|june|july|august|september|october|november|december) (\d{4})$)"};
  regex month_window{
      R"(^tu thang (\d{1,2})(?:/(\d{4}))? den (?:het )?(?:thang )?(\d{1,2})/(\d{4})$)"};
  regex iso_month_window{R"(^from (\d{4})-(\d{2}) to (\d{4})-(\d{2})$)"};
  regex date_window{
      R"(^tu (?:ngay )?(\d{1,2})/(\d{1,2})/(\d{4}) den (?:ngay )?(\d{1,2})/(\d{1,2})/(\d{4})$)"};
  regex iso_window{R"(^(?:from )?(\d{4})-(\d{2})-(\d{2})(?: to |/)(\d{4})-(\d{2})-(\d{2})$)"};
  regex quarter{R"(^(?:quy|q) ?(iv|iii|ii|i|1|2|3|4)(?:/| nam | )(\d{4})$)"};
  regex iso_quarter{R"(^(\d{4}) ?-? ?q([1-4])$)"};
  regex school_year{R"(^(?:nam hoc|school year) (\d{4}) ?- ?(\d{4})$)"};
  regex year{R"(^(?:nam |trong nam |year |in |end of |by end of )?(\d{4})$)"};
  regex by_year{R"(^(?:den nam|den|truoc nam|by|until|no later than) (?:nam |year )?(\d{4})$)"};
  regex year_window{
      R"(^(?:nam |giai doan |tu nam |period |from )?(\d{4}) ?(?:-|den nam|den|to) ?(?:nam )?(\d{4})$)"};
  regex milestones{
      R"(^(?:nam |cac nam |years? |in )?(\d{4}(?: ?(?:;|,|va|and) ?(?:nam )?\d{4})+)$)"};
  regex four_digits{R"(\d{4})"};
  regex window_suffix{R"((?:giai doan|tu nam|from|over|nam)? ?(\d{4}) ?(?:-|den|to) ?(\d{4}))"};
  regex weekly{
      R"(/ ?tuan|hang tuan|moi tuan|tung tuan|weekly|every week|each week|per week|/ ?week)"};
  regex monthly{
      R"(/ ?thang$|hang thang|moi thang|tung thang|monthly|every month|each month|per month)"};
  regex quarterly{R"(hang quy|moi quy|tung quy|/ ?quy$|quarterly|every quarter|each quarter)"};
  regex semester{
      R"((?:moi|sau moi|cuoi moi|hang|tung|sau) hoc ky|(?:each|every|per|after each|end of each) semester|semesterly)"};
  regex yearly{
      R"(^(?:dinh ky )?(?:hang nam|moi nam|tung nam|(?:01|1|mot) lan ?/ ?nam|annually|annual|yearly|every year|each year|once a year)\b)"};
  regex ongoing{R"(^(?:thuong xuyen|lien tuc|ongoing|continuous|continuously|regularly)\b)"};
  regex unscheduled{
      R"(^(?:theo lo trinh|theo giai doan|theo ke hoach|theo huong dan|theo chi dao|chua xac dinh|tbd|to be decided|to be determined|unscheduled|not yet scheduled)\b)"};
};

const Patterns& P() {
  static const Patterns patterns;
  return patterns;
}

int Num(const std::ssub_match& m) { return std::stoi(m.str()); }

int MonthNumber(const std::string& name) {
  static const char* kNames[] = {"january",   "february", "march",    "april",
                                 "may",       "june",     "july",     "august",
                                 "september", "october",  "november", "december"};
  for (int i = 0; i < 12; ++i) {
    if (name == kNames[i]) return i + 1;
  }
  return 0;
}

int QuarterNumber(const std::string& q) {
  if (q == "i" || q == "1") return 1;
  if (q == "ii" || q == "2") return 2;
  if (q == "iii" || q == "3") return 3;
  return 4;
}

std::string YearKey(int y) { return std::to_string(y); }

Status Unknown(std::string_view text, std::string_view why = {}) {
  std::string m = "deadline \"" + std::string(text) + "\" is not understood";
  if (!why.empty()) m += " (" + std::string(why) + ")";
  m += "; accepted forms: ";
  for (size_t i = 0; i < kDeadlineForms.size(); ++i) {
    if (i) m += " | ";
    m += kDeadlineForms[i];
  }
  return Status::InvalidArgument(m);
}

bool PlausibleYear(int y) { return y >= 1900 && y <= 2200; }

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
  const Patterns& p = P();
  std::smatch m;

  const auto due = [&](Date d, std::string key) -> Result<Schedule> {
    s.kind = ScheduleKind::kDue;
    s.milestones = {Milestone{std::move(key), d}};
    return s;
  };
  const auto window = [&](Date start, Date end) -> Result<Schedule> {
    if (end < start) return Unknown(text, "the window ends before it starts");
    s.kind = ScheduleKind::kWindow;
    s.start = start;
    s.milestones = {Milestone{ToIso(end), end}};
    return s;
  };
  const auto date = [&](int y, int mo, int d) -> std::optional<Date> {
    if (!PlausibleYear(y) || !IsValidDate(y, mo, d)) return std::nullopt;
    return Date{y, mo, d};
  };
  // A date matched as year-month-day (ISO) or day/month/year (Vietnamese), in groups 1-3.
  const auto matched_date = [&]() -> std::optional<Date> {
    if (m[1].length() == 4) return date(Num(m[1]), Num(m[2]), Num(m[3]));
    return date(Num(m[3]), Num(m[2]), Num(m[1]));
  };
  const auto month_end = [&](int y, int mo) -> std::optional<Date> {
    if (!PlausibleYear(y) || mo < 1 || mo > 12) return std::nullopt;
    return Date{y, mo, LastDayOfMonth(y, mo)};
  };

  if (std::regex_search(f, p.unscheduled)) {
    s.kind = ScheduleKind::kUnscheduled;
    return s;
  }
  if (std::regex_search(f, p.ongoing)) {
    s.kind = ScheduleKind::kOngoing;
    return s;
  }
  Period every = Period::kNone;
  if (std::regex_search(f, p.weekly))
    every = Period::kWeek;
  else if (std::regex_search(f, p.semester))
    every = Period::kSemester;
  else if (std::regex_search(f, p.quarterly))
    every = Period::kQuarter;
  else if (std::regex_search(f, p.monthly))
    every = Period::kMonth;
  else if (std::regex_search(f, p.yearly))
    every = Period::kYear;
  if (every != Period::kNone) {
    s.kind = ScheduleKind::kRecurring;
    s.every = every;
    if (std::regex_search(f, m, p.window_suffix)) {
      const int y1 = Num(m[1]), y2 = Num(m[2]);
      if (!PlausibleYear(y1) || !PlausibleYear(y2) || y2 < y1) {
        return Unknown(text, "the window ends before it starts");
      }
      s.start = Date{y1, 1, 1};
      s.until = Date{y2, 12, 31};
    }
    return s;
  }

  if (std::regex_match(f, m, p.iso_date) || std::regex_match(f, m, p.vn_date)) {
    const auto d = matched_date();
    if (!d) return Unknown(text, "no such date");
    return due(*d, ToIso(*d));
  }
  if (std::regex_match(f, m, p.from_date) || std::regex_match(f, m, p.from_iso)) {
    const auto d = matched_date();
    if (!d) return Unknown(text, "no such date");
    s.kind = ScheduleKind::kOngoing;
    s.start = d;
    return s;
  }
  if (std::regex_match(f, m, p.from_month)) {
    const auto d = date(Num(m[2]), Num(m[1]), 1);
    if (!d) return Unknown(text, "no such month");
    s.kind = ScheduleKind::kOngoing;
    s.start = d;
    return s;
  }
  if (std::regex_match(f, m, p.month)) {
    const auto d = month_end(Num(m[2]), Num(m[1]));
    if (!d) return Unknown(text, "no such month");
    return due(*d, ToIso(*d).substr(0, 7));
  }
  if (std::regex_match(f, m, p.iso_month)) {
    const auto d = month_end(Num(m[1]), Num(m[2]));
    if (!d) return Unknown(text, "no such month");
    return due(*d, ToIso(*d).substr(0, 7));
  }
  if (std::regex_match(f, m, p.en_month)) {
    const auto d = month_end(Num(m[2]), MonthNumber(m[1].str()));
    if (!d) return Unknown(text, "no such month");
    return due(*d, ToIso(*d).substr(0, 7));
  }
  if (std::regex_match(f, m, p.month_window)) {
    const int end_year = Num(m[4]);
    const int start_year = m[2].matched ? Num(m[2]) : end_year;
    const auto start = date(start_year, Num(m[1]), 1);
    const auto end = month_end(end_year, Num(m[3]));
    if (!start || !end) return Unknown(text, "no such month");
    return window(*start, *end);
  }
  if (std::regex_match(f, m, p.iso_month_window)) {
    const auto start = date(Num(m[1]), Num(m[2]), 1);
    const auto end = month_end(Num(m[3]), Num(m[4]));
    if (!start || !end) return Unknown(text, "no such month");
    return window(*start, *end);
  }
  if (std::regex_match(f, m, p.date_window)) {
    const auto start = date(Num(m[3]), Num(m[2]), Num(m[1]));
    const auto end = date(Num(m[6]), Num(m[5]), Num(m[4]));
    if (!start || !end) return Unknown(text, "no such date");
    return window(*start, *end);
  }
  if (std::regex_match(f, m, p.iso_window)) {
    const auto start = date(Num(m[1]), Num(m[2]), Num(m[3]));
    const auto end = date(Num(m[4]), Num(m[5]), Num(m[6]));
    if (!start || !end) return Unknown(text, "no such date");
    return window(*start, *end);
  }
  if (std::regex_match(f, m, p.quarter) || std::regex_match(f, m, p.iso_quarter)) {
    const bool iso = m[1].length() == 4;
    const int y = iso ? Num(m[1]) : Num(m[2]);
    const int q = QuarterNumber(iso ? m[2].str() : m[1].str());
    const auto d = month_end(y, q * 3);
    if (!d) return Unknown(text, "no such year");
    return due(*d, std::to_string(y) + "-Q" + std::to_string(q));
  }
  if (std::regex_match(f, m, p.school_year)) {
    const int y1 = Num(m[1]), y2 = Num(m[2]);
    if (!PlausibleYear(y1) || y2 != y1 + 1) {
      return Unknown(text, "a school year spans two consecutive years");
    }
    return window(Date{y1, 9, 1}, Date{y2, 5, 31});
  }
  if (std::regex_match(f, m, p.year) || std::regex_match(f, m, p.by_year)) {
    const int y = Num(m[1]);
    if (!PlausibleYear(y)) return Unknown(text, "no such year");
    return due(Date{y, 12, 31}, YearKey(y));
  }
  if (std::regex_match(f, m, p.year_window)) {
    const int y1 = Num(m[1]), y2 = Num(m[2]);
    if (!PlausibleYear(y1) || !PlausibleYear(y2)) return Unknown(text, "no such year");
    return window(Date{y1, 1, 1}, Date{y2, 12, 31});
  }
  if (std::regex_match(f, m, p.milestones)) {
    const std::string years = m[1].str();
    s.kind = ScheduleKind::kMilestones;
    for (std::sregex_iterator it(years.begin(), years.end(), p.four_digits), end; it != end; ++it) {
      const int y = std::stoi(it->str());
      if (!PlausibleYear(y)) return Unknown(text, "no such year");
      if (!s.milestones.empty() && s.milestones.back().due.year >= y) {
        return Unknown(text, "milestone years must increase");
      }
      s.milestones.push_back(Milestone{YearKey(y), Date{y, 12, 31}});
    }
    return s;
  }
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
