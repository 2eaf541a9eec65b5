// Commands: what users ask for, decided against the Ledger's state and `now` into events.
// Decide() is pure: no clock, no storage. The caller appends the decision's events to its stream
// with its expected version, so a decision made on stale state is refused by the log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/ledger.h"
#include "domain/model.h"
#include "events/event.h"
#include "events/util/status.h"

namespace taskledger::domain {

// kSystem is the server itself (webhook outcomes); no token carries it.
enum class ActorRole { kCoordinator, kAgency, kAuditor, kSystem };
std::string_view ToString(ActorRole role);

struct Actor {
  ActorRole role = ActorRole::kAuditor;
  std::string agency;  // kAgency: the agency acted for
  std::string name;    // who, for the trail ("token:ops-laptop", "import")
  // The event's actor field: "coordinator:<name>", "agency:<id>:<name>", "auditor:<name>",
  // "system:<name>".
  std::string Label() const;
};

struct RegisterAgency {
  Agency agency;
  bool update = false;
  // An update's changes to a group's members took effect on this past day (members who joined
  // hold parts from then). Needs a reason; never after today. Default: the day it is recorded.
  std::optional<Date> effective_on;
  std::string reason;
};
struct CreatePlan {
  Plan plan;
};  // task_ids ignored
// Corrects a plan's particulars (a typo in its title, the number once the plan is signed). Only
// the fields given change; a reason is kept with the event.
struct EditPlan {
  std::string plan;
  std::optional<std::string> title, number, authority;
  std::optional<Date> issued;
  std::optional<PlanPeriod> period;
  std::string reason;
};
struct AddSections {
  std::string plan;
  std::vector<Section> sections;
};
// Opens a plan's whole report to its participating agencies, or closes it to their own tasks.
struct SetPlanVisibility {
  std::string plan;
  bool open_to_participants = false;
  std::string reason;
};
// Records what the report of `particulars.as_of` says beyond its counts (coordinators): who
// issues it, its number, place and signer, and its narrative sections. Replaces what that day's
// report had.
struct PrepareReport {
  std::string plan;
  ReportParticulars particulars;  // prepared_by and prepared_at_ms ignored
};
struct CreateTask {
  std::string plan, code, title, section;
  std::vector<std::string> lead, coordinating;
  std::string deliverable;
  std::string deadline;  // the phrase as written
  std::vector<std::string> targets;
  std::vector<std::string> occurrence_targets;  // per occurrence, for yearly ladders
};
struct EditTask {
  std::string task;
  std::optional<std::string> title, deliverable, section;
  std::optional<std::vector<std::string>> targets;
  std::string reason;
};
struct Reassign {
  std::string task;
  std::vector<std::string> lead, coordinating;
  std::string reason;
};
struct ChangeDeadline {
  std::string task, deadline, reason;
};
// Work on an occurrence is done on the occurrence as a whole, or, for a task given to a group, by
// each member on its own part. An agency acting on a task it is named in acts on the occurrence;
// one that sees the task through a group acts on its own part, always (`part` may only name
// itself). A coordinator names the member whose part it decides on in `part`; empty: the
// occurrence as a whole.
struct StartWork {
  std::string task, occurrence;
  std::string part;
};
struct ReportProgress {
  std::string task, occurrence;
  int percent = 0;
  std::string narrative;
  std::string indicators_json = "{}";  // a JSON object of indicator values
  std::string part;
};
struct SubmitDeliverable {
  std::string task, occurrence;
  Deliverable deliverable;
  std::string part;
};
struct ReviewDeliverable {
  std::string task, occurrence, deliverable;
  bool accept = false;
  std::string comment;
  // An acceptance that took effect on a past day (recorded late, or a plan taken up mid-way):
  // on time or late is judged by that day. Needs `reason`; never after today.
  std::optional<Date> effective_on;
  std::string reason;
  std::string part;
};
// Records that an occurrence (or a member's part of it) was completed on a past day without its
// deliverable passing through TaskLedger (a plan taken up mid-way, its earlier work done on
// paper). Coordinators only, with a reason; the event keeps both the day it took effect and the
// moment it was recorded.
struct RecordCompletion {
  std::string task, occurrence;
  Date completed_on;
  std::string reason;
  std::string part;
};
// Many members' parts of one occurrence recorded completed at once, each on its own past day
// (the schools that had done theirs before the plan was tracked here): all of them or none.
struct RecordPartCompletions {
  std::string task, occurrence;
  std::vector<std::pair<std::string, Date>> parts;  // member, the day it completed
  std::string reason;
};
// Cancels an occurrence; with `part`, exempts one member (the occurrence does not apply to it).
struct CancelOccurrence {
  std::string task, occurrence, reason;
  std::string part;
};
struct RequestExtension {
  std::string task, occurrence, request;  // request: a fresh id chosen by the caller
  Date due;
  std::string reason;
  std::string part;
};
struct DecideExtension {
  std::string task, occurrence, request;
  bool grant = false;
  std::optional<Date> due;  // granted due date; default: the one requested
  std::string comment;
  std::string part;
};
// A comment on the task (occurrence empty), an occurrence, or one member's part (seen by that
// member and the coordinators only).
struct AddComment {
  std::string task, occurrence, text;
  std::string part;
};
// How a task given to groups is judged done from its members' parts (model.h, CompletionRule).
struct SetCompletionRule {
  std::string task;
  CompletionRule rule;
  std::string reason;
};
// A coordinator's reminder to members about their open parts of an occurrence, in one action;
// the notification channels deliver it to each and record the outcome.
struct RemindParts {
  std::string task, occurrence;
  std::vector<std::string> members;
  std::string message;
};
// What became of one webhook notification about a task (system actor only). Recording the same
// (message, attempts) twice is refused with kAlreadyExists, so a recorder may retry blindly.
struct RecordNotification {
  std::string task, occurrence;  // occurrence empty: about the task as a whole
  Notification notification;
};

using Command =
    std::variant<RegisterAgency, CreatePlan, EditPlan, AddSections, SetPlanVisibility, CreateTask,
                 EditTask, Reassign, ChangeDeadline, StartWork, ReportProgress, SubmitDeliverable,
                 ReviewDeliverable, CancelOccurrence, RequestExtension, DecideExtension, AddComment,
                 RecordNotification, RecordCompletion, RecordPartCompletions, SetCompletionRule,
                 RemindParts, PrepareReport>;

struct Decision {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;
  std::vector<std::string> warnings;  // accepted, but worth telling ("several lead agencies")
};

// kPermissionDenied when the actor's role may not do it, kNotFound for unknown ids,
// kInvalidArgument for bad input (with the field named), kFailedPrecondition when the
// occurrence's state does not allow it.
Result<Decision> Decide(const Ledger& state, const Command& command, const Actor& actor,
                        int64_t now_ms);

}  // namespace taskledger::domain
