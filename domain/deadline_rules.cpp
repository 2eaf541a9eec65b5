// The table of deadline phrases (deadline_rules.h): first the builders each row names, then the
// rows. server/README.md's "Deadline phrases" lists the same forms for people.
#include "domain/deadline_rules.h"

#include <vector>

#include "domain/text.h"

namespace taskledger::domain::deadline {
namespace {

int Num(const std::ssub_match& m) { return std::stoi(m.str()); }

bool PlausibleYear(int y) { return y >= 1900 && y <= 2200; }

std::optional<Date> Day(int y, int mo, int d) {
  if (!PlausibleYear(y) || !IsValidDate(y, mo, d)) return std::nullopt;
  return Date{y, mo, d};
}

std::optional<Date> MonthEnd(int y, int mo) {
  if (!PlausibleYear(y) || mo < 1 || mo > 12) return std::nullopt;
  return Date{y, mo, LastDayOfMonth(y, mo)};
}

// A day matched in groups 1-3 as year-month-day (ISO) or as day/month/year (Vietnamese).
std::optional<Date> MatchedDay(const std::smatch& m) {
  if (m[1].length() == 4) return Day(Num(m[1]), Num(m[2]), Num(m[3]));
  return Day(Num(m[3]), Num(m[2]), Num(m[1]));
}

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

// The schedules rows build.

Result<Schedule> Due(const Phrase& p, Date due, std::string key) {
  Schedule s = p.schedule;
  s.kind = ScheduleKind::kDue;
  s.milestones = {Milestone{std::move(key), due}};
  return s;
}

Result<Schedule> Window(const Phrase& p, Date start, Date end) {
  if (end < start) return Unknown(p.as_written, "the window ends before it starts");
  Schedule s = p.schedule;
  s.kind = ScheduleKind::kWindow;
  s.start = start;
  s.milestones = {Milestone{ToIso(end), end}};
  return s;
}

Result<Schedule> OngoingFrom(const Phrase& p, Date start) {
  Schedule s = p.schedule;
  s.kind = ScheduleKind::kOngoing;
  s.start = start;
  return s;
}

Result<Schedule> DueMonth(const Phrase& p, std::optional<Date> end) {
  if (!end) return Unknown(p.as_written, "no such month");
  return Due(p, *end, ToIso(*end).substr(0, 7));
}

// The builders, one per kind of row.

template <ScheduleKind kKind>
Result<Schedule> Undated(const std::smatch&, const Phrase& p) {
  Schedule s = p.schedule;
  s.kind = kKind;
  return s;
}

// Every period, over the plan's or over the window the phrase names ("…, giai đoạn 2025-2030").
template <Period kEvery>
Result<Schedule> Recurring(const std::smatch&, const Phrase& p) {
  static const std::regex kWindowSuffix{
      R"((?:giai doan|tu nam|from|over|nam)? ?(\d{4}) ?(?:-|den|to) ?(\d{4}))"};
  Schedule s = p.schedule;
  s.kind = ScheduleKind::kRecurring;
  s.every = kEvery;
  std::smatch m;
  if (std::regex_search(p.folded, m, kWindowSuffix)) {
    const int y1 = Num(m[1]), y2 = Num(m[2]);
    if (!PlausibleYear(y1) || !PlausibleYear(y2) || y2 < y1) {
      return Unknown(p.as_written, "the window ends before it starts");
    }
    s.start = Date{y1, 1, 1};
    s.until = Date{y2, 12, 31};
  }
  return s;
}

Result<Schedule> DueDay(const std::smatch& m, const Phrase& p) {
  const auto d = MatchedDay(m);
  if (!d) return Unknown(p.as_written, "no such date");
  return Due(p, *d, ToIso(*d));
}

Result<Schedule> OngoingFromDay(const std::smatch& m, const Phrase& p) {
  const auto d = MatchedDay(m);
  if (!d) return Unknown(p.as_written, "no such date");
  return OngoingFrom(p, *d);
}

Result<Schedule> OngoingFromMonth(const std::smatch& m, const Phrase& p) {
  const auto d = Day(Num(m[2]), Num(m[1]), 1);
  if (!d) return Unknown(p.as_written, "no such month");
  return OngoingFrom(p, *d);
}

Result<Schedule> DueMonthYear(const std::smatch& m, const Phrase& p) {
  return DueMonth(p, MonthEnd(Num(m[2]), Num(m[1])));
}

Result<Schedule> DueIsoMonth(const std::smatch& m, const Phrase& p) {
  return DueMonth(p, MonthEnd(Num(m[1]), Num(m[2])));
}

Result<Schedule> DueNamedMonth(const std::smatch& m, const Phrase& p) {
  return DueMonth(p, MonthEnd(Num(m[2]), MonthNumber(m[1].str())));
}

// "từ tháng 4/2025 đến 6/2025"; the start's year, when left out, is the end's.
Result<Schedule> MonthWindow(const std::smatch& m, const Phrase& p) {
  const int end_year = Num(m[4]);
  const int start_year = m[2].matched ? Num(m[2]) : end_year;
  const auto start = Day(start_year, Num(m[1]), 1);
  const auto end = MonthEnd(end_year, Num(m[3]));
  if (!start || !end) return Unknown(p.as_written, "no such month");
  return Window(p, *start, *end);
}

Result<Schedule> IsoMonthWindow(const std::smatch& m, const Phrase& p) {
  const auto start = Day(Num(m[1]), Num(m[2]), 1);
  const auto end = MonthEnd(Num(m[3]), Num(m[4]));
  if (!start || !end) return Unknown(p.as_written, "no such month");
  return Window(p, *start, *end);
}

Result<Schedule> DayWindow(const std::smatch& m, const Phrase& p) {
  const auto start = Day(Num(m[3]), Num(m[2]), Num(m[1]));
  const auto end = Day(Num(m[6]), Num(m[5]), Num(m[4]));
  if (!start || !end) return Unknown(p.as_written, "no such date");
  return Window(p, *start, *end);
}

Result<Schedule> IsoDayWindow(const std::smatch& m, const Phrase& p) {
  const auto start = Day(Num(m[1]), Num(m[2]), Num(m[3]));
  const auto end = Day(Num(m[4]), Num(m[5]), Num(m[6]));
  if (!start || !end) return Unknown(p.as_written, "no such date");
  return Window(p, *start, *end);
}

// "Quý I/2026" (quarter, then year) and "2026-Q1" (year, then quarter).
Result<Schedule> DueQuarter(const std::smatch& m, const Phrase& p) {
  const bool iso = m[1].length() == 4;
  const int y = iso ? Num(m[1]) : Num(m[2]);
  const int q = QuarterNumber(iso ? m[2].str() : m[1].str());
  const auto d = MonthEnd(y, q * 3);
  if (!d) return Unknown(p.as_written, "no such year");
  return Due(p, *d, std::to_string(y) + "-Q" + std::to_string(q));
}

// 1 September to 31 May (domain/README.md).
Result<Schedule> SchoolYear(const std::smatch& m, const Phrase& p) {
  const int y1 = Num(m[1]), y2 = Num(m[2]);
  if (!PlausibleYear(y1) || y2 != y1 + 1) {
    return Unknown(p.as_written, "a school year spans two consecutive years");
  }
  return Window(p, Date{y1, 9, 1}, Date{y2, 5, 31});
}

Result<Schedule> DueYear(const std::smatch& m, const Phrase& p) {
  const int y = Num(m[1]);
  if (!PlausibleYear(y)) return Unknown(p.as_written, "no such year");
  return Due(p, Date{y, 12, 31}, std::to_string(y));
}

Result<Schedule> YearWindow(const std::smatch& m, const Phrase& p) {
  const int y1 = Num(m[1]), y2 = Num(m[2]);
  if (!PlausibleYear(y1) || !PlausibleYear(y2)) return Unknown(p.as_written, "no such year");
  return Window(p, Date{y1, 1, 1}, Date{y2, 12, 31});
}

// "2021; 2023; 2025", "Năm 2021, 2023 và 2025": one milestone at the end of each year.
Result<Schedule> YearMilestones(const std::smatch& m, const Phrase& p) {
  static const std::regex kYear{R"(\d{4})"};
  const std::string years = m[1].str();
  Schedule s = p.schedule;
  s.kind = ScheduleKind::kMilestones;
  for (std::sregex_iterator it(years.begin(), years.end(), kYear), end; it != end; ++it) {
    const int y = std::stoi(it->str());
    if (!PlausibleYear(y)) return Unknown(p.as_written, "no such year");
    if (!s.milestones.empty() && s.milestones.back().due.year >= y) {
      return Unknown(p.as_written, "milestone years must increase");
    }
    s.milestones.push_back(Milestone{std::to_string(y), Date{y, 12, 31}});
  }
  return s;
}

using enum Match;
using enum ScheduleKind;

// Words that make a phrase undated or recurring are looked for anywhere, before any date in it:
// "Hàng năm, giai đoạn 2025-2030" recurs; "Thường xuyên từ 2025" is ongoing.
const PhraseRule kRules[] = {
    {"Theo lộ trình của Bộ GDĐT", kAnywhere,
     R"(^(?:theo lo trinh|theo giai doan|theo ke hoach|theo huong dan|theo chi dao|chua xac dinh|tbd|to be decided|to be determined|unscheduled|not yet scheduled)\b)",
     kUnscheduled, "no date yet", Undated<kUnscheduled>},
    {"Thường xuyên", kAnywhere,
     R"(^(?:thuong xuyen|lien tuc|ongoing|continuous|continuously|regularly)\b)", kOngoing,
     "no single due date", Undated<kOngoing>},
    {"Ít nhất 01 tin, bài/tuần", kAnywhere,
     R"(/ ?tuan|hang tuan|moi tuan|tung tuan|weekly|every week|each week|per week|/ ?week)",
     kRecurring, "every week, due on Sunday", Recurring<Period::kWeek>},
    {"Sau mỗi học kỳ", kAnywhere,
     R"((?:moi|sau moi|cuoi moi|hang|tung|sau) hoc ky|(?:each|every|per|after each|end of each) semester|semesterly)",
     kRecurring, "every semester (Sep-Jan, Feb-May)", Recurring<Period::kSemester>},
    {"Hàng quý", kAnywhere,
     R"(hang quy|moi quy|tung quy|/ ?quy$|quarterly|every quarter|each quarter)", kRecurring,
     "every quarter", Recurring<Period::kQuarter>},
    {"Hàng tháng", kAnywhere,
     R"(/ ?thang$|hang thang|moi thang|tung thang|monthly|every month|each month|per month)",
     kRecurring, "every month", Recurring<Period::kMonth>},
    {"Hàng năm, giai đoạn 2025-2030", kAnywhere,
     R"(^(?:dinh ky )?(?:hang nam|moi nam|tung nam|(?:01|1|mot) lan ?/ ?nam|annually|annual|yearly|every year|each year|once a year)\b)",
     kRecurring, "every year", Recurring<Period::kYear>},
    // The rest match the whole phrase.
    {"by 2026-06-30", kWhole, R"(^(?:by |before |due |until |han )?(\d{4})-(\d{2})-(\d{2})$)", kDue,
     "that day", DueDay},
    {"trước ngày 30/6/2026", kWhole,
     R"(^(?:ngay |truoc ngay |truoc |den ngay |han |by |before |due )?(\d{1,2})/(\d{1,2})/(\d{4})$)",
     kDue, "that day", DueDay},
    {"từ 20/01/2025", kWhole,
     R"(^(?:tu ngay |tu |bat dau tu |from |starting )(\d{1,2})/(\d{1,2})/(\d{4})$)", kOngoing,
     "ongoing from that day", OngoingFromDay},
    {"from 2025-01-20", kWhole, R"(^(?:from |starting )(\d{4})-(\d{2})-(\d{2})$)", kOngoing,
     "ongoing from that day", OngoingFromDay},
    {"từ tháng 6/2025", kWhole,
     R"(^(?:tu |bat dau tu |from |starting )thang (\d{1,2})(?:/| nam )(\d{4})$)", kOngoing,
     "ongoing from the month's first day", OngoingFromMonth},
    {"cuối tháng 3 năm 2025", kWhole,
     R"(^(?:cuoi |truoc |trong |den |han |by |by end of |end of )?thang (\d{1,2})(?:/| nam | - )(\d{4})$)",
     kDue, "the month's last day", DueMonthYear},
    {"2025-03", kWhole, R"(^(?:by |by end of |end of )?(\d{4})-(\d{2})$)", kDue,
     "the month's last day", DueIsoMonth},
    {"by end of March 2025", kWhole,
     R"(^(?:by |by end of |end of |in )?(january|february|march|april|may|june|july|august|september|october|november|december) (\d{4})$)",
     kDue, "the month's last day", DueNamedMonth},
    {"Từ tháng 4/2025 đến 6/2025", kWhole,
     R"(^tu thang (\d{1,2})(?:/(\d{4}))? den (?:het )?(?:thang )?(\d{1,2})/(\d{4})$)", kWindow,
     "the first month's first day to the last month's last", MonthWindow},
    {"from 2025-04 to 2025-06", kWhole, R"(^from (\d{4})-(\d{2}) to (\d{4})-(\d{2})$)", kWindow,
     "the first month's first day to the last month's last", IsoMonthWindow},
    {"từ ngày 01/04/2025 đến ngày 30/06/2025", kWhole,
     R"(^tu (?:ngay )?(\d{1,2})/(\d{1,2})/(\d{4}) den (?:ngay )?(\d{1,2})/(\d{1,2})/(\d{4})$)",
     kWindow, "from one day to the other", DayWindow},
    {"2026-01-01/2026-06-30", kWhole,
     R"(^(?:from )?(\d{4})-(\d{2})-(\d{2})(?: to |/)(\d{4})-(\d{2})-(\d{2})$)", kWindow,
     "from one day to the other", IsoDayWindow},
    {"Quý IV/2025", kWhole, R"(^(?:quy|q) ?(iv|iii|ii|i|1|2|3|4)(?:/| nam | )(\d{4})$)", kDue,
     "the quarter's last day", DueQuarter},
    {"2026-Q1", kWhole, R"(^(\d{4}) ?-? ?q([1-4])$)", kDue, "the quarter's last day", DueQuarter},
    {"Năm học 2026 – 2027", kWhole, R"(^(?:nam hoc|school year) (\d{4}) ?- ?(\d{4})$)", kWindow,
     "1 September to 31 May", SchoolYear},
    {"Năm 2026", kWhole, R"(^(?:nam |trong nam |year |in |end of |by end of )?(\d{4})$)", kDue,
     "31 December", DueYear},
    {"Đến năm 2030", kWhole,
     R"(^(?:den nam|den|truoc nam|by|until|no later than) (?:nam |year )?(\d{4})$)", kDue,
     "31 December", DueYear},
    {"Giai đoạn 2025-2030", kWhole,
     R"(^(?:nam |giai doan |tu nam |period |from )?(\d{4}) ?(?:-|den nam|den|to) ?(?:nam )?(\d{4})$)",
     kWindow, "1 January of the first year to 31 December of the last", YearWindow},
    {"Năm 2021; 2023 và 2025", kWhole,
     R"(^(?:nam |cac nam |years? |in )?(\d{4}(?: ?(?:;|,|va|and) ?(?:nam )?\d{4})+)$)", kMilestones,
     "31 December of each year", YearMilestones},
};

}  // namespace

std::span<const PhraseRule> PhraseRules() { return kRules; }

const PhraseRule* RuleFor(const std::string& folded, std::smatch* m) {
  // Compiled once, on first use, in the table's order.
  static const std::vector<std::regex> compiled = [] {
    std::vector<std::regex> out;
    for (const PhraseRule& rule : kRules) out.emplace_back(rule.pattern);
    return out;
  }();
  for (size_t i = 0; i < std::size(kRules); ++i) {
    const bool hit = kRules[i].match == Match::kWhole ? std::regex_match(folded, *m, compiled[i])
                                                      : std::regex_search(folded, *m, compiled[i]);
    if (hit) return &kRules[i];
  }
  return nullptr;
}

Status Unknown(std::string_view text, std::string_view why) {
  std::string m = "deadline \"" + std::string(text) + "\" is not understood";
  if (!why.empty()) m += " (" + std::string(why) + ")";
  m += "; accepted forms: ";
  for (size_t i = 0; i < kDeadlineForms.size(); ++i) {
    if (i) m += " | ";
    m += kDeadlineForms[i];
  }
  return Status::InvalidArgument(m);
}

}  // namespace taskledger::domain::deadline
