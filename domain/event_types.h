// The event types of the plan domain, and the streams they are appended to. The JSON shape of
// each event's data is documented next to its encoder in codec.cpp.
#pragma once

#include <string>
#include <string_view>

namespace taskledger::domain::ev {

inline constexpr std::string_view kAgencyRegistered = "agency.registered";
inline constexpr std::string_view kAgencyUpdated = "agency.updated";
inline constexpr std::string_view kPlanCreated = "plan.created";
inline constexpr std::string_view kPlanEdited = "plan.edited";
inline constexpr std::string_view kPlanSectionsAdded = "plan.sections_added";
inline constexpr std::string_view kPlanVisibilityChanged = "plan.visibility_changed";
// The particulars and narrative of the plan's report of one day: PrepareReport.
inline constexpr std::string_view kPlanReportPrepared = "plan.report_prepared";
inline constexpr std::string_view kTaskCreated = "task.created";
inline constexpr std::string_view kTaskEdited = "task.edited";
inline constexpr std::string_view kTaskReassigned = "task.reassigned";
inline constexpr std::string_view kTaskDeadlineChanged = "task.deadline_changed";
inline constexpr std::string_view kTaskStarted = "task.started";
inline constexpr std::string_view kTaskProgressReported = "task.progress_reported";
inline constexpr std::string_view kTaskDeliverableSubmitted = "task.deliverable_submitted";
inline constexpr std::string_view kTaskDeliverableReviewed = "task.deliverable_reviewed";
inline constexpr std::string_view kTaskCancelled = "task.cancelled";
// Completed on a past day ("effective_on"), recorded now: RecordCompletion.
inline constexpr std::string_view kTaskCompletionRecorded = "task.completion_recorded";
inline constexpr std::string_view kTaskExtensionRequested = "task.extension_requested";
inline constexpr std::string_view kTaskExtensionDecided = "task.extension_decided";
inline constexpr std::string_view kTaskCommented = "task.commented";
// How the task is judged done from its members' parts: SetCompletionRule.
inline constexpr std::string_view kTaskRuleChanged = "task.rule_changed";
// A coordinator's reminder to some members about their parts ("đôn đốc" in one action): the
// webhooks and the mail tell each of them, and record the outcome like any notification.
inline constexpr std::string_view kTaskPartsReminded = "task.parts_reminded";
// A webhook notification's outcome, recorded by the server so an auditor can see who was told
// what and when: delivered to an endpoint, or failed after its last attempt.
inline constexpr std::string_view kTaskNotificationDelivered = "task.notification_delivered";
inline constexpr std::string_view kTaskNotificationFailed = "task.notification_failed";

inline std::string AgencyStream(std::string_view id) { return "agency-" + std::string(id); }
inline std::string PlanStream(std::string_view id) { return "plan-" + std::string(id); }
inline std::string TaskStream(std::string_view id) { return "task-" + std::string(id); }

}  // namespace taskledger::domain::ev
