#include "webhooks/notification_types.h"

#include <algorithm>

#include "domain/event_types.h"

namespace taskledger::webhooks {

namespace {

namespace ev = domain::ev;

constexpr NotificationType kTable[] = {
    {kDeadlineApproaching,
     {},
     {"[Nhắc hạn]", "[Reminder]"},
     {"Nhiệm vụ sau đến hạn ngày {due}, còn {days} ngày.",
      "This task is due on {due}, in {days} days."},
     {", còn {days} ngày", ", {days} days left"}},
    {kDeadlineToday,
     {},
     {"[Đến hạn hôm nay]", "[Due today]"},
     {"Nhiệm vụ sau đến hạn hôm nay, {due}.", "This task is due today, {due}."},
     {}},
    {kOverdue,
     {},
     {"[Quá hạn]", "[Overdue]"},
     {"Nhiệm vụ sau đã quá hạn {days} ngày (hạn {due}) mà chưa hoàn thành.",
      "This task was due on {due} and is not completed: {days} days late."},
     {", quá {days} ngày", ", {days} days late"}},
    {"task.assigned",
     ev::kTaskCreated,
     {"[Giao nhiệm vụ]", "[Assigned]"},
     {"Đơn vị được giao nhiệm vụ sau.", "Your agency was given this task."},
     {}},
    {"task.reassigned",
     ev::kTaskReassigned,
     {"[Điều chỉnh phân công]", "[Reassigned]"},
     {"Phân công của nhiệm vụ sau đã thay đổi.", "Who carries out this task has changed."},
     {}},
    {"task.deadline.changed",
     ev::kTaskDeadlineChanged,
     {"[Đổi hạn]", "[Deadline changed]"},
     {"Hạn của nhiệm vụ sau đã thay đổi.", "The deadline of this task has changed."},
     {}},
    {"task.extension.decided",
     ev::kTaskExtensionDecided,
     {"[Gia hạn]", "[Extension decided]"},
     {"Đề nghị gia hạn nhiệm vụ sau đã có quyết định.",
      "A request to extend this task was decided."},
     {}},
    {"task.deliverable.reviewed",
     ev::kTaskDeliverableReviewed,
     {"[Duyệt sản phẩm]", "[Deliverable reviewed]"},
     {"Sản phẩm của nhiệm vụ sau đã được xem xét.", "A deliverable of this task was reviewed."},
     {}},
    {"task.comment.added",
     ev::kTaskCommented,
     {"[Ý kiến]", "[Comment]"},
     {"Có ý kiến mới về nhiệm vụ sau.", "There is a new comment on this task."},
     {}},
    {kCoordinatorReminder,
     ev::kTaskPartsReminded,
     {"[Đôn đốc]", "[Reminder]"},
     {"Đơn vị điều phối đề nghị đơn vị khẩn trương hoàn thành phần việc của mình trong nhiệm vụ "
      "sau.",
      "The coordinator asks your agency to complete its part of this task."},
     {}},
};

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

}  // namespace

std::span<const NotificationType> NotificationTable() { return kTable; }

const std::vector<std::string>& NotificationTypes() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const NotificationType& t : kTable) out.emplace_back(t.type);
    return out;
  }();
  return names;
}

const NotificationType* FindNotificationType(std::string_view type) {
  const auto* it = std::find_if(std::begin(kTable), std::end(kTable),
                                [&](const NotificationType& t) { return t.type == type; });
  return it == std::end(kTable) ? nullptr : it;
}

std::string_view ChangeType(std::string_view event_type) {
  if (event_type.empty()) return {};
  for (const NotificationType& t : kTable) {
    if (t.event == event_type) return t.type;
  }
  return {};
}

std::string Fill(std::string_view text, std::string_view due, std::string_view days) {
  std::string out(text);
  ReplaceAll(out, "{due}", due);
  ReplaceAll(out, "{days}", days);
  return out;
}

}  // namespace taskledger::webhooks
