// Where a plan under way stands, read from its matrix: a row's status, completion date and
// progress become the commands that bring its task there (a completion on its own day, recorded
// now; progress), and nothing when the ledger already agrees, so importing an export back
// changes nothing.
#include <cstdio>

#include "domain/import.h"
#include "domain/import_detail.h"
#include "domain/text.h"

namespace taskledger::domain::import_detail {
namespace {

// "31/12/2025", "31-12-2025", "31.12.2025" or "2025-12-31".
std::optional<Date> ReadDay(std::string_view text) {
  text = Trim(text);
  if (auto iso = ParseIsoDate(text)) return iso;
  int d = 0, m = 0, y = 0;
  char a = 0, b = 0, rest = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%d%c%d%c%d%c", &d, &a, &m, &b, &y, &rest) != 5) return std::nullopt;
  if (a != b || (a != '/' && a != '-' && a != '.') || !IsValidDate(y, m, d)) return std::nullopt;
  return Date{y, m, d};
}

// "Đã hoàn thành", "Hoàn thành", "completed": done. "Chưa hoàn thành" is not.
bool SaysCompleted(std::string_view status) {
  const std::string s = Fold(Trim(status));
  return s == "hoan thanh" || s.starts_with("da hoan thanh") || s == "completed" || s == "done" ||
         s == "xong" || s == "da xong";
}

// The occurrence a new task will be at: its first due (undated ones last), as CurrentOccurrence.
std::string FirstKey(const std::vector<OccurrenceSpec>& specs) {
  const OccurrenceSpec* best = nullptr;
  for (const OccurrenceSpec& o : specs) {
    if (!best || (o.due && (!best->due || *o.due < *best->due))) best = &o;
  }
  return best ? best->key : "1";
}

}  // namespace

std::vector<Command> StateCommands(const MatrixRow& r, const std::string& task_id,
                                   const Task* existing, const std::vector<OccurrenceSpec>& specs,
                                   const ImportOptions& o, std::vector<ImportProblem>* problems) {
  std::vector<Command> out;
  const bool completed = SaysCompleted(r.status) || !Trim(r.completed_on).empty();
  std::optional<Date> day;
  if (!Trim(r.completed_on).empty()) {
    day = ReadDay(r.completed_on);
    if (!day) {
      ImportProblem p{r.row, "Ngày hoàn thành", "\"" + r.completed_on + "\" is not a date"};
      p.code = "date-unreadable";
      p.params = {{"text", r.completed_on}};
      problems->push_back(std::move(p));
      return out;
    }
    if (o.today && *day > *o.today) {
      ImportProblem p{r.row, "Ngày hoàn thành", "cannot be after today (" + ToIso(*o.today) + ")"};
      p.code = "effective-in-future";
      p.params = {{"field", "Ngày hoàn thành"}, {"today", ToIso(*o.today)}};
      problems->push_back(std::move(p));
      return out;
    }
  }
  std::optional<int> percent;
  if (std::string text(Trim(r.percent)); !text.empty()) {
    if (text.back() == '%') text.pop_back();
    int v = -1;
    char rest = 0;
    if (std::sscanf(std::string(Trim(text)).c_str(), "%d%c", &v, &rest) != 1 || v < 0 || v > 100) {
      problems->push_back({r.row, "Tiến độ (%)", "\"" + r.percent + "\" is not a percentage"});
      return out;
    }
    percent = v;
  }
  // The occurrence the row speaks of, while it is open; a task already there needs nothing.
  std::string key;
  int now_percent = 0;
  if (existing) {
    const Occurrence* cur = CurrentOccurrence(*existing);
    if (!cur || !cur->open()) return out;
    key = cur->key;
    now_percent = cur->percent;
  } else {
    key = FirstKey(specs);
  }
  if (completed) {
    if (!day) {
      ImportProblem p{r.row, "Ngày hoàn thành",
                      "is empty: a task completed before the import needs the day it was"};
      p.code = "cell-empty";
      problems->push_back(std::move(p));
      return out;
    }
    out.push_back(RecordCompletion{task_id, key, *day, o.reason});
    return out;
  }
  if (percent && *percent != now_percent) {
    out.push_back(ReportProgress{task_id, key, *percent, "", "{}"});
  }
  return out;
}

}  // namespace taskledger::domain::import_detail
