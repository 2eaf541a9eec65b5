#include "webhooks/notification_types.h"

#include <catch2/catch.hpp>
#include <set>

#include "domain/event_types.h"

using namespace taskledger;
using namespace taskledger::webhooks;

TEST_CASE("every notification type is listed once, reminders first, with both wordings",
          "[webhooks][notifications]") {
  std::set<std::string_view> seen;
  bool changes_started = false;
  for (const NotificationType& t : NotificationTable()) {
    INFO(t.type);
    CHECK(seen.insert(t.type).second);
    CHECK_FALSE(t.tag.vi.empty());
    CHECK_FALSE(t.tag.en.empty());
    CHECK_FALSE(t.text.vi.empty());
    CHECK_FALSE(t.text.en.empty());
    // Reminders come from dates, changes from a task event; no reminder after the first change.
    if (t.event.empty()) {
      CHECK_FALSE(changes_started);
    } else {
      changes_started = true;
    }
  }
  CHECK(NotificationTypes().size() == seen.size());
  CHECK(NotificationTypes().front() == kDeadlineApproaching);
}

TEST_CASE("a task event gives the notification its row names, and others none",
          "[webhooks][notifications]") {
  CHECK(ChangeType(domain::ev::kTaskCreated) == "task.assigned");
  CHECK(ChangeType(domain::ev::kTaskPartsReminded) == kCoordinatorReminder);
  CHECK(ChangeType(domain::ev::kTaskCommented) == "task.comment.added");
  CHECK(ChangeType("task.progress_reported").empty());
  CHECK(ChangeType("").empty());  // reminders have no event: they are never a change
  for (const NotificationType& t : NotificationTable()) {
    if (!t.event.empty()) CHECK(ChangeType(t.event) == t.type);
  }
}

TEST_CASE("a reminder's wording is filled with its due date and days",
          "[webhooks][notifications]") {
  const NotificationType* overdue = FindNotificationType(kOverdue);
  REQUIRE(overdue);
  CHECK(Fill(overdue->text.vi, "31/12/2025", "7") ==
        "Nhiệm vụ sau đã quá hạn 7 ngày (hạn 31/12/2025) mà chưa hoàn thành.");
  CHECK(Fill(overdue->tail.en, "31/12/2025", "14") == ", 14 days late");
  CHECK(FindNotificationType("task.nothing") == nullptr);
}
