// The notification types, in one table: each type's name (what a subscription asks for and a
// payload or mail carries), the task event it comes from, and its wording in Vietnamese and
// English. Webhooks and mail read the same table, so a new type is one row here.
//
// Thread-safety: immutable after static initialisation; safe from any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace taskledger::webhooks {

// One text in both languages.
struct Wording {
  std::string_view vi, en;
  std::string_view In(bool english) const { return english ? en : vi; }
};

struct NotificationType {
  std::string_view type;   // "task.assigned"
  std::string_view event;  // the task event it comes from; empty: a reminder, planned from dates
  Wording tag;             // what a mail's subject starts with: "[Giao nhiệm vụ]"
  // A mail's opening sentence. A reminder's has {due} (dd/mm/yyyy) and {days} to fill (Fill).
  Wording text;
  Wording tail;  // a reminder's subject after its due date: ", còn {days} ngày"; empty: none
};

// The reminders: so many days before a due date, on it, and while overdue.
inline constexpr std::string_view kDeadlineApproaching = "task.deadline.approaching";
inline constexpr std::string_view kDeadlineToday = "task.deadline.today";
inline constexpr std::string_view kOverdue = "task.overdue";
// A coordinator asking the members of a group to finish their parts (task.parts_reminded).
inline constexpr std::string_view kCoordinatorReminder = "task.reminder";

// Every type, reminders first, in the order people are shown them.
std::span<const NotificationType> NotificationTable();
// The names alone, in the same order (what GET /v1/webhooks lists).
const std::vector<std::string>& NotificationTypes();
// The row of `type`, or null: no such type.
const NotificationType* FindNotificationType(std::string_view type);
// The notification a task event gives ("task.assigned" for task.created), or empty: none.
std::string_view ChangeType(std::string_view event_type);
// `text` with {due} and {days} replaced.
std::string Fill(std::string_view text, std::string_view due, std::string_view days);

}  // namespace taskledger::webhooks
