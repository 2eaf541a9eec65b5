// The plan domain's state: agencies, plans, tasks and their occurrences, as folded from events.
// Plain data; the rules live in commands.cpp (deciding) and ledger_apply.cpp (folding).
#pragma once

#include <climits>
#include <cstdint>
#include <map>
#include <memory>
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

// A day as a number, for the records kept per member of a group (parts), where a Date's twelve
// bytes would be most of one: days since 1970-01-01 (DaysFromCivil).
using Day = int32_t;
inline constexpr Day kNoDay = INT32_MIN;   // none: no day was set
inline constexpr Day kAlways = INT32_MIN;  // a membership that holds from the start
inline constexpr Day kNever = INT32_MAX;   // a membership not ended
Day DayOf(Date d);
std::optional<Date> DateOfDay(Day d);  // none for kNoDay

struct Agency {
  std::string id;    // stable slug: "so-gddt-hp"
  std::string name;  // Vietnamese, as written
  std::string name_en;
  AgencyKind kind = AgencyKind::kDepartment;
  std::string parent;                // optional
  std::vector<std::string> aliases;  // other spellings: "Sở GD&ĐT"
  std::vector<std::string> members;  // kGroup: the agencies that see its tasks
  // kGroup, beside `members`: the day each joined (kAlways: a member since the group was
  // registered). Kept by the fold, never by a command: a member added by an update joins on the
  // day it was recorded, or on the day the update says it took effect.
  std::vector<Day> joined;
};

struct Section {
  std::string code;  // "I", "A.I", "A.I.1"
  std::string title;
  std::string parent;  // code of the enclosing section, empty at the top
};

// What the department preparing a plan's report writes around its counts, for the report of one
// day: who issues it, its number and place, who signs it and whom it goes to, and the narrative
// every such report has. The latest recorded for a day is the one in force.
struct ReportParticulars {
  Date as_of;                 // the day the report counts to
  std::string issuer;         // the issuing agency's id; empty: the plan's authority
  std::string number;         // "15/BC-SGDĐT"; empty: left for the office to fill in
  std::string place;          // "Hải Phòng"; empty: the issuer's province
  std::optional<Date> dated;  // the day it is signed; none: the report's own day
  std::string signer_title;   // "GIÁM ĐỐC", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
  std::string signer_name;
  std::string recipients;       // "Nơi nhận", one per line
  std::string assessment;       // Đánh giá chung
  std::string shortcomings;     // Tồn tại, hạn chế và nguyên nhân
  std::string recommendations;  // Kiến nghị
  std::string proposals;        // Đề xuất
  std::string prepared_by;      // who recorded it (an actor label)
  int64_t prepared_at_ms = 0;
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
  std::vector<ReportParticulars> reports;  // by as_of, one per day

  const ReportParticulars* ReportOf(Date as_of) const;
};

enum class OccurrenceStatus : uint8_t {
  kNotStarted,
  kInProgress,
  kSubmitted,
  kCompleted,
  kCancelled
};
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
  std::string occurrence;           // empty: about the task as a whole
  std::string message;              // the webhook-id receivers saw
  std::string endpoint;             // the subscription's id
  std::string agency;               // whom it was for
  std::string type;                 // "task.deadline.approaching", "task.assigned", …
  std::string channel = "webhook";  // "webhook" or "email"
  std::string address;     // email: the address it went to; webhook: empty (the endpoint says)
  bool delivered = false;  // false: failed after its last attempt
  int attempts = 0;
  int status = 0;     // the last HTTP status; 0: no answer
  std::string error;  // why it failed
  int64_t at_ms = 0;  // delivered, or given up, at
};

// What most parts never get: words, files and requests, kept apart so that a part that only
// counts stays small (a group of 2,500 schools has 2,500 parts per occurrence).
struct PartDetail {
  std::string last_progress;
  std::vector<Deliverable> deliverables;
  std::vector<ExtensionRequest> extensions;
};

// One member's part of an occurrence of a task given to a group ("các cơ sở giáo dục"): its own
// progress, deliverables, extension and review, judged by its own dates. A task led or
// coordinated through a group has one part per member for each occurrence; a member that joins
// the group later gets its parts from that day (`joined`), one that leaves keeps them, closed to
// it from that day (`left`). Whether a part counts on day D: HeldOn(min(D, due)) — the group's
// membership on the day asked, or on the due date if that came first (ledger_parts.cpp).
struct Part {
  uint32_t member = 0;  // the agency's number in its Ledger (Ledger::AgencyIdOf)
  OccurrenceStatus status = OccurrenceStatus::kNotStarted;
  uint8_t percent = 0;
  bool completed_late = false;  // against its due date in force at acceptance
  bool lead = false;            // held through a lead group; else through a coordinating one
  Day joined = kAlways;
  Day left = kNever;
  Day due = kNoDay;  // its own, after an extension granted to it; kNoDay: the occurrence's
  Day completed_on = kNoDay;
  std::unique_ptr<PartDetail> detail;  // null until it has words, files or requests

  Part() = default;
  Part(const Part& o) { *this = o; }
  Part(Part&&) = default;
  Part& operator=(const Part& o);
  Part& operator=(Part&&) = default;

  bool HeldOn(Day day) const { return joined <= day && day < left; }
  bool open() const {
    return status != OccurrenceStatus::kCompleted && status != OccurrenceStatus::kCancelled;
  }
  PartDetail& Detail();  // made on first use
  const std::vector<Deliverable>& deliverables() const;
  const std::vector<ExtensionRequest>& extensions() const;
  std::string_view last_progress() const;
};

// Counts over an occurrence's parts held now, kept by the fold so that a part's change settles
// its occurrence without reading every part (derived: rebuilt from the parts, never stored).
struct PartTally {
  uint32_t held = 0;      // parts held on the fold's day (or on the due date, once past)
  uint32_t started = 0;   // of those, past not started (completed ones included)
  uint32_t exempt = 0;    // of those, cancelled: a member the occurrence does not apply to
  std::vector<Day> done;  // of those, the days each completed, ascending
};

struct Occurrence {
  std::string key;
  std::optional<Date> start;
  std::optional<Date> due;           // in force (after extensions)
  std::optional<Date> original_due;  // as scheduled
  std::string target;                // the milestone's own target ("20% trường …")
  // Where the occurrence stands, as everyone reads it: its own record (below), or, when its
  // task's rule reads its parts, completed on the day enough parts were (Settle).
  OccurrenceStatus status = OccurrenceStatus::kNotStarted;
  std::optional<Date> completed_on;  // Vietnam date of acceptance
  bool completed_late = false;       // against the due date in force at acceptance
  // Its own record: what was done on it as a whole (by a lead named directly, or the
  // coordinator), whatever its parts say.
  OccurrenceStatus own_status = OccurrenceStatus::kNotStarted;
  std::optional<Date> own_completed_on;
  bool own_late = false;
  int percent = 0;  // the progress last reported on it as a whole
  std::string last_progress;
  std::vector<Deliverable> deliverables;
  std::vector<ExtensionRequest> extensions;
  bool dropped = false;     // no longer in the schedule after a deadline change
  std::vector<Part> parts;  // by member number
  PartTally tally;          // derived from `parts`

  bool open() const {
    return !dropped && status != OccurrenceStatus::kCompleted &&
           status != OccurrenceStatus::kCancelled;
  }
  const Part* FindPart(uint32_t member) const;
  Part* FindPart(uint32_t member);
};

// How a task given to groups is judged done from its members' parts. The default: all parts
// done when only groups lead it; otherwise the lead agency's own acceptance (a department that
// leads, its schools coordinating). Parts exempted (cancelled) do not count; a task whose groups
// have no members is judged by its own record.
enum class RuleKind : uint8_t { kDefault, kLeadAcceptance, kAllParts, kThreshold };
std::string_view ToString(RuleKind kind);  // "default", "lead_acceptance", "all_parts", "threshold"
std::optional<RuleKind> ParseRuleKind(std::string_view text);
struct CompletionRule {
  RuleKind kind = RuleKind::kDefault;
  int percent = 100;  // kThreshold: the share of parts that must be done, 1-100
  bool operator==(const CompletionRule&) const = default;
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
  CompletionRule rule;                      // as the coordinator chose it
  bool group_led = false;  // every lead is a group (the default rule reads parts): by the fold
  uint64_t version = 0;    // the task stream's last version
  int64_t updated_at_ms = 0;
  uint32_t seq = 0;  // creation order in the log; breaks ties between equal due dates

  const Occurrence* Find(std::string_view key) const;
  Occurrence* Find(std::string_view key);
  // The rule in force: the chosen one, or the default for how it is assigned.
  CompletionRule EffectiveRule() const;
  bool has_parts() const;
};

// Where an occurrence stands on `as_of` (a Vietnam date).
Category Classify(const Occurrence& o, Date as_of);
// Where a member's part stands on `as_of`, by its own dates; a part of a cancelled occurrence is
// cancelled. (Whether it counts at all that day: Part::HeldOn.)
Category Classify(const Part& p, const Occurrence& o, Date as_of);
// The same for many parts of one occurrence, its dates read once (a report reads millions).
class PartJudge {
 public:
  PartJudge(const Occurrence& o, Date as_of);
  Category operator()(const Part& p) const;

 private:
  Day as_of_, due_, start_;
  bool cancelled_;
};
// A part's due date in force: its own after an extension, else its occurrence's.
std::optional<Date> DueOf(const Part& p, const Occurrence& o);
// The day whose membership decides whether a part counts when asked on `as_of`.
Day HeldDay(const Occurrence& o, Date as_of);

// The occurrence a task is "at": the open one due first (undated ones after), else the last one
// still scheduled; null when none is.
const Occurrence* CurrentOccurrence(const Task& t);

}  // namespace taskledger::domain
