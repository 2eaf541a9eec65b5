#include "webhooks/reminders.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

#include "webhooks/notification_types.h"

namespace taskledger::webhooks {

using namespace domain;

nlohmann::json PolicyJson(const ReminderPolicy& p) {
  return {{"days_before", p.days_before},
          {"overdue_every_days", p.overdue_every_days},
          {"hour", p.hour}};
}

ReminderPolicy PolicyFrom(const nlohmann::json& j) {
  ReminderPolicy p;
  p.days_before = j.value("days_before", p.days_before);
  p.overdue_every_days = j.value("overdue_every_days", p.overdue_every_days);
  p.hour = j.value("hour", p.hour);
  return p;
}

Status CheckPolicy(const ReminderPolicy& p, std::string_view field) {
  const auto invalid = [&](std::string_view sub, std::string_view what) {
    return Status::InvalidArgument(std::string(field) + "." + std::string(sub) + ": " +
                                   std::string(what));
  };
  if (p.days_before.size() > 10) return invalid("days_before", "has more than 10 offsets");
  for (int d : p.days_before) {
    if (d < 0 || d > 365) return invalid("days_before", "offsets are 0–365 days");
  }
  if (p.overdue_every_days < 0 || p.overdue_every_days > 365) {
    return invalid("overdue_every_days", "is 0 (none) to 365 days");
  }
  if (p.hour < 0 || p.hour > 23) return invalid("hour", "is 0–23 (Vietnam time)");
  return Status::Ok();
}

void EncodePolicy(BinaryWriter& w, const std::optional<ReminderPolicy>& p) {
  w.Bool(p.has_value());
  if (!p) return;
  w.U64(p->days_before.size());
  for (int d : p->days_before) w.I64(d);
  w.I64(p->overdue_every_days);
  w.I64(p->hour);
}

std::optional<ReminderPolicy> DecodePolicy(BinaryReader& r) {
  if (!r.Bool()) return std::nullopt;
  ReminderPolicy p;
  p.days_before.resize(r.Count());
  for (int& d : p.days_before) d = static_cast<int>(r.I64());
  p.overdue_every_days = static_cast<int>(r.I64());
  p.hour = static_cast<int>(r.I64());
  return p;
}

std::string PolicyKey(const ReminderPolicy& p) {
  std::string k;
  for (int d : p.days_before) k += std::to_string(d) + ",";
  return k + "/" + std::to_string(p.overdue_every_days) + "/" + std::to_string(p.hour);
}

std::string_view Reminder::type() const {
  if (offset_days > 0) return kDeadlineApproaching;
  if (offset_days == 0) return kDeadlineToday;
  return kOverdue;
}

std::string Reminder::key() const {
  std::string k =
      task->id + "|" + occurrence->key + "|" + ToIso(due) + "|" + std::to_string(offset_days);
  if (part) k += "|" + member;
  return k;
}

std::vector<Reminder> RemindersBetween(const Ledger& ledger, const ReminderPolicy& policy,
                                       int64_t after_ms, int64_t until_ms) {
  std::vector<Reminder> out;
  if (until_ms <= after_ms) return out;
  const int64_t hour_ms = static_cast<int64_t>(policy.hour) * 3600 * 1000;
  // The Vietnam days whose sending hour may fall in the window.
  const Date first_day = DateAtUtcMs(after_ms - hour_ms);
  const Date last_day = DateAtUtcMs(until_ms - hour_ms);
  // One thing reminded of: an occurrence at its due date, or a part at its own.
  struct Reminded {
    const Task* task;
    const Occurrence* occurrence;
    Date due;
    const Part* part;
  };
  const auto consider = [&](const Reminded& x, Date day, int offset) {
    const int64_t at = StartOfDayUtcMs(day) + hour_ms;
    if (at <= after_ms || at > until_ms) return;
    Reminder r{x.task, x.occurrence, x.due, offset, at, x.part, {}};
    if (x.part) r.member = ledger.AgencyIdOf(x.part->member);
    out.push_back(std::move(r));
  };
  std::vector<Reminded> due_soon, overdue;
  if (!policy.days_before.empty()) {
    const auto [lo, hi] = std::minmax_element(policy.days_before.begin(), policy.days_before.end());
    const Date from = AddDays(first_day, std::max(*lo, 0)),
               to = AddDays(last_day, std::max(*hi, 0));
    for (const DueItem& item : ledger.DueBetween(from, to)) {
      due_soon.push_back({item.task, item.occurrence, *item.occurrence->due, nullptr});
    }
    for (const PartDueItem& item : ledger.PartsDueBetween(from, to)) {
      due_soon.push_back(
          {item.task, item.occurrence, *DueOf(*item.part, *item.occurrence), item.part});
    }
  }
  if (policy.overdue_every_days > 0) {
    for (const DueItem& item : ledger.Overdue(last_day)) {
      overdue.push_back({item.task, item.occurrence, *item.occurrence->due, nullptr});
    }
    for (const PartDueItem& item : ledger.PartsOverdue(last_day)) {
      overdue.push_back(
          {item.task, item.occurrence, *DueOf(*item.part, *item.occurrence), item.part});
    }
  }
  for (const Reminded& x : due_soon) {
    for (int k : policy.days_before) {
      if (k >= 0) consider(x, AddDays(x.due, -k), k);
    }
  }
  if (policy.overdue_every_days > 0) {
    const int64_t every = policy.overdue_every_days;
    const int64_t from = DaysFromCivil(first_day), to = DaysFromCivil(last_day);
    for (const Reminded& x : overdue) {
      const int64_t due = DaysFromCivil(x.due);
      // The multiples m >= 1 with due + m * every in [from, to].
      int64_t m = std::max<int64_t>(1, (from - due + every - 1) / every);
      for (; due + m * every <= to; ++m) {
        consider(x, CivilFromDays(due + m * every), -static_cast<int>(m * every));
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Reminder& a, const Reminder& b) {
    return std::tie(a.at_ms, a.task->seq, a.occurrence->key, a.offset_days, a.member) <
           std::tie(b.at_ms, b.task->seq, b.occurrence->key, b.offset_days, b.member);
  });
  return out;
}

}  // namespace taskledger::webhooks
