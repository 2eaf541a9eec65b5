#include "webhooks/reminders.h"

#include <algorithm>
#include <tuple>

namespace taskledger::webhooks {

using namespace domain;

const char* Reminder::type() const {
  if (offset_days > 0) return "task.deadline.approaching";
  if (offset_days == 0) return "task.deadline.today";
  return "task.overdue";
}

std::string Reminder::key() const {
  return task->id + "|" + occurrence->key + "|" + ToIso(due) + "|" + std::to_string(offset_days);
}

std::vector<Reminder> RemindersBetween(const Ledger& ledger, const ReminderPolicy& policy,
                                       int64_t after_ms, int64_t until_ms) {
  std::vector<Reminder> out;
  if (until_ms <= after_ms) return out;
  const int64_t hour_ms = static_cast<int64_t>(policy.hour) * 3600 * 1000;
  // The Vietnam days whose sending hour may fall in the window.
  const Date first_day = DateAtUtcMs(after_ms - hour_ms);
  const Date last_day = DateAtUtcMs(until_ms - hour_ms);
  const auto consider = [&](const Task& t, const Occurrence& o, Date day, int offset) {
    const int64_t at = StartOfDayUtcMs(day) + hour_ms;
    if (at > after_ms && at <= until_ms) out.push_back(Reminder{&t, &o, *o.due, offset, at});
  };

  if (!policy.days_before.empty()) {
    const auto [lo, hi] = std::minmax_element(policy.days_before.begin(), policy.days_before.end());
    for (const DueItem& item : ledger.DueBetween(AddDays(first_day, std::max(*lo, 0)),
                                                 AddDays(last_day, std::max(*hi, 0)))) {
      for (int k : policy.days_before) {
        if (k >= 0) consider(*item.task, *item.occurrence, AddDays(*item.occurrence->due, -k), k);
      }
    }
  }
  if (policy.overdue_every_days > 0) {
    const int64_t every = policy.overdue_every_days;
    const int64_t from = DaysFromCivil(first_day), to = DaysFromCivil(last_day);
    for (const DueItem& item : ledger.Overdue(last_day)) {
      const int64_t due = DaysFromCivil(*item.occurrence->due);
      // The multiples m >= 1 with due + m * every in [from, to].
      int64_t m = std::max<int64_t>(1, (from - due + every - 1) / every);
      for (; due + m * every <= to; ++m) {
        consider(*item.task, *item.occurrence, CivilFromDays(due + m * every),
                 -static_cast<int>(m * every));
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Reminder& a, const Reminder& b) {
    return std::tie(a.at_ms, a.task->seq, a.occurrence->key, a.offset_days) <
           std::tie(b.at_ms, b.task->seq, b.occurrence->key, b.offset_days);
  });
  return out;
}

}  // namespace taskledger::webhooks
