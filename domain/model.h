// The plan domain's state: agencies, plans, tasks and their occurrences, as folded from events.
// Plain data; the rules live in commands.cpp (deciding) and ledger_apply.cpp (folding).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"
#include "domain/deadline.h"

namespace taskledger::domain {

enum class AgencyKind { kDepartment, kCommittee, kInstitution, kGroup };
std::string_view ToString(AgencyKind kind);
std::optional<AgencyKind> ParseAgencyKind(std::string_view text);

struct Agency {
  std::string id;    // stable slug: "so-gddt-hp"
  std::string name;  // Vietnamese, as written
  std::string name_en;
  AgencyKind kind = AgencyKind::kDepartment;
  std::string parent;                // optional
  std::vector<std::string> aliases;  // other spellings: "Sở GD&ĐT"
  std::vector<std::string> members;  // kGroup: the agencies that see its tasks
};

struct Section {
  std::string code;  // "I", "A.I", "A.I.1"
  std::string title;
  std::string parent;  // code of the enclosing section, empty at the top
};

struct Plan {
  std::string id;
  std::string title;
  std::string number;     // "68/KH-SGDĐT"
  std::string authority;  // issuing agency id or name
  std::optional<Date> issued;
  PlanPeriod period;
  std::vector<Section> sections;
  std::vector<std::string> targets;
  std::vector<std::string> task_ids;  // in import order
  int64_t created_at_ms = 0;
  // Who may read the plan's whole report. false (the default): coordinators and auditors; an
  // agency reads the report of the tasks it leads or coordinates. true: also every agency with
  // a task in the plan (a plan whose progress its participants review together).
  bool open_to_participants = false;
};

enum class OccurrenceStatus { kNotStarted, kInProgress, kSubmitted, kCompleted, kCancelled };
std::string_view ToString(OccurrenceStatus status);

// The official groups of a report (domain/README.md), plus the two that are not yet countable.
enum class Category {
  kCompletedOnTime,
  kCompletedLate,
  kInProgressWithinDeadline,
  kOverdue,
  kNotYetDue,    // its period has not started
  kUnscheduled,  // ongoing or no date yet
  kCancelled,
};
std::string_view ToString(Category category);
inline constexpr int kCategoryCount = 7;

struct Deliverable {
  std::string id;
  std::string name;
  std::string sha256;  // of the file, when one was attached
  int64_t size = 0;
  std::string note;
  std::string submitted_by;
  int64_t submitted_at_ms = 0;
  std::string review;  // "", "accepted", "returned"
  std::string review_comment;
};

struct ExtensionRequest {
  std::string id;
  Date requested_due;
  std::string reason;
  std::string requested_by;
  std::string decision;  // "", "granted", "refused"
  std::string decided_by;
  int64_t decided_at_ms = 0;
};

// One webhook notification's outcome, as recorded on the task.
struct Notification {
  std::string occurrence;  // empty: about the task as a whole
  std::string message;     // the webhook-id receivers saw
  std::string endpoint;    // the subscription's id
  std::string agency;      // whom it was for
  std::string type;        // "task.deadline.approaching", "task.assigned", …
  std::string channel = "webhook";  // "webhook" or "email"
  std::string address;     // email: the address it went to; webhook: empty (the endpoint says)
  bool delivered = false;  // false: failed after its last attempt
  int attempts = 0;
  int status = 0;     // the last HTTP status; 0: no answer
  std::string error;  // why it failed
  int64_t at_ms = 0;  // delivered, or given up, at
};

struct Occurrence {
  std::string key;
  std::optional<Date> start;
  std::optional<Date> due;           // in force (after extensions)
  std::optional<Date> original_due;  // as scheduled
  std::string target;                // the milestone's own target ("20% trường …")
  OccurrenceStatus status = OccurrenceStatus::kNotStarted;
  std::optional<Date> completed_on;  // Vietnam date of acceptance
  bool completed_late = false;       // against the due date in force at acceptance
  int percent = 0;
  std::string last_progress;
  std::vector<Deliverable> deliverables;
  std::vector<ExtensionRequest> extensions;
  bool dropped = false;  // no longer in the schedule after a deadline change

  bool open() const {
    return !dropped && status != OccurrenceStatus::kCompleted &&
           status != OccurrenceStatus::kCancelled;
  }
};

struct Task {
  std::string id;  // "<plan>:<code>"
  std::string plan;
  std::string code;
  std::string title;
  std::string section;
  std::vector<std::string> lead;  // the first is the primary lead
  std::vector<std::string> coordinating;
  std::string deliverable;
  Schedule schedule;
  std::vector<std::string> targets;
  std::vector<Occurrence> occurrences;
  std::vector<Notification> notifications;  // in the order recorded
  uint64_t version = 0;                     // the task stream's last version
  int64_t updated_at_ms = 0;
  uint32_t seq = 0;  // creation order in the log; breaks ties between equal due dates

  const Occurrence* Find(std::string_view key) const;
  Occurrence* Find(std::string_view key);
};

// Where an occurrence stands on `as_of` (a Vietnam date).
Category Classify(const Occurrence& o, Date as_of);

// The occurrence a task is "at": the open one due first (undated ones after), else the last one
// still scheduled; null when none is.
const Occurrence* CurrentOccurrence(const Task& t);

}  // namespace taskledger::domain
