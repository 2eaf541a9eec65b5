// Deadline reminders ("đôn đốc"), planned from the Ledger: which reminders fall due in a window
// of time. Pure: the caller passes the instants, so a scheduler asks for (last scan, now] and a
// test for any window it likes.
//
// A reminder belongs to one open occurrence with a due date and one offset: so many days before
// the due date, on it, or every so many days after it while the occurrence stays open. It goes
// out at `hour` o'clock Vietnam time (UTC+07:00) on its day. Its key names the task, the
// occurrence, the due date in force and the offset: a deadline that moves (an extension, a
// changed deadline) gives its reminders new keys, so they are planned again for the new date,
// while the same reminder asked for twice has the same key and is sent once. A completed or
// cancelled occurrence is no longer open and plans nothing.
//
// A task given to a group reminds each member of its own part: the occurrence's reminders reach
// the members whose parts are open (ReminderAudience, audience.h), and a part with a due date of
// its own (an extension granted to that member alone) has reminders of its own, planned from
// that date, for that member only (`part` set).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/ledger.h"
#include "events/util/binary.h"

namespace taskledger::webhooks {

struct ReminderPolicy {
  // Days before the due date a reminder goes out; 0 is the due date itself.
  // Default: 30, 7, 1 and 0.
  std::vector<int> days_before = {30, 7, 1, 0};
  // While overdue, a reminder every this many days after the due date; 0 sends none.
  // Default: 7.
  int overdue_every_days = 7;
  // The hour of the day, Vietnam time, reminders go out. Default: 8.
  int hour = 8;
};

// A subscription's own policy (webhook or email) as JSON {days_before, overdue_every_days, hour}
// and back (fields left out keep the defaults); why one is out of bounds (at most 10 offsets of
// 0–365 days, overdue every 0–365 days, hour 0–23), naming the fields under `field`; in binary
// for checkpoints; and a key equal policies share.
nlohmann::json PolicyJson(const ReminderPolicy& p);
ReminderPolicy PolicyFrom(const nlohmann::json& j);
Status CheckPolicy(const ReminderPolicy& p, std::string_view field);
void EncodePolicy(BinaryWriter& w, const std::optional<ReminderPolicy>& p);
std::optional<ReminderPolicy> DecodePolicy(BinaryReader& r);
std::string PolicyKey(const ReminderPolicy& p);

struct Reminder {
  const domain::Task* task;
  const domain::Occurrence* occurrence;
  domain::Date due;
  int offset_days;  // days before the due date (30 … 0); negative: days overdue (-7, -14, …)
  int64_t at_ms;    // when it is due to go out, UTC ms
  const domain::Part* part = nullptr;  // a part reminded of its own due date, for its member only
  std::string member;                  // that part's member

  // kDeadlineApproaching, kDeadlineToday or kOverdue (notification_types.h).
  std::string_view type() const;
  // "<task>|<occurrence>|<due>|<offset>", then "|<member>" for a part's own: the same reminder
  // always has the same key.
  std::string key() const;
};

// Reminders due to go out in (after_ms, until_ms], ordered by at_ms (then task, occurrence).
std::vector<Reminder> RemindersBetween(const domain::Ledger& ledger, const ReminderPolicy& policy,
                                       int64_t after_ms, int64_t until_ms);

}  // namespace taskledger::webhooks
