// The Ledger: every projection of the plan domain, folded incrementally from the event log.
//
// Apply() folds one event; a Ledger built from events recorded up to instant T is the domain as
// it stood at T, which is how every "as of" query is answered. Folding never reads a clock.
// Thread-safety: none; callers serialise Apply() against queries. The server keeps one Ledger
// behind a shared mutex: queries share it, and a fold takes it alone, on whichever thread's append
// it follows (server/README.md lists them); folds are in log order because each folds the log up
// to a position, under that lock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/model.h"
#include "events/event.h"
#include "events/util/binary.h"
#include "events/util/status.h"

namespace taskledger::domain {

enum class Role { kLead, kCoordinating };
std::string_view ToString(Role role);

// One open occurrence in an agency's list: of a task it leads or coordinates itself, or its own
// part of one given to a group it belongs to.
struct AgencyItem {
  const Task* task;
  const Occurrence* occurrence;
  Role role;
  std::string via;                   // the group through which the agency sees it; empty if direct
  std::optional<int64_t> days_left;  // negative: days overdue; none: no due date
  const Part* part = nullptr;        // the agency's own part (through a group), else null
};

struct DueItem {
  const Task* task;
  const Occurrence* occurrence;
};

// A member's open part that has a due date of its own (an extension granted to it alone).
struct PartDueItem {
  const Task* task;
  const Occurrence* occurrence;
  const Part* part;
};

struct CategoryCounts {
  int counts[kCategoryCount] = {};
  int& operator[](Category c) { return counts[static_cast<int>(c)]; }
  int operator[](Category c) const { return counts[static_cast<int>(c)]; }
  int total() const;
  // Completed, on time or late.
  int completed() const;
  CategoryCounts& operator+=(const CategoryCounts& o);
  bool operator==(const CategoryCounts& o) const;
};

// How a report counts: occurrences in the official groups, and beside them the parts of those
// given to groups, each member's part judged on its own ("183/250 trường hoàn thành").
struct ReportCounts {
  CategoryCounts tasks;
  CategoryCounts parts;
  bool operator==(const ReportCounts& o) const = default;
};

struct ReportLine {
  const Task* task;
  const Occurrence* occurrence;
  Category category;
  CategoryCounts parts;  // its parts that count on the report's day (none: not a group's)
};

struct PlanReport {
  const Plan* plan;
  Date as_of;
  ReportCounts totals;
  std::map<std::string, ReportCounts> by_section;  // section code
  // Every lead agency id, co-leads too: a task led by two agencies counts under each.
  std::map<std::string, ReportCounts> by_lead;
  std::vector<ReportLine> lines;  // every occurrence, in plan order
  std::string only_for;           // empty: the whole plan; else the agency whose tasks these are
};

// What one point of a plan's report series says: the counts per official group at a day's end,
// overall and by lead agency, and how many occurrences were due by then. Saved in checkpoints
// (EncodeCounts), so a series of many month-ends reads them rather than folds.
struct PlanCounts {
  ReportCounts totals;
  std::map<std::string, ReportCounts> by_lead;  // every lead agency id
  int due = 0;  // occurrences not cancelled whose due date is at or before the report's day
  bool operator==(const PlanCounts& o) const = default;
};
PlanCounts CountsOf(const PlanReport& report);
// The parts of `o` that count on `as_of` (held on HeldDay), each judged on its own.
CategoryCounts PartCounts(const Occurrence& o, Date as_of);
// Where an occurrence's parts stand on `as_of`, for people: how many count, how many are done,
// their average progress, and what waits on the coordinator.
struct PartsSummary {
  CategoryCounts counts;      // the parts that count that day, each judged on its own
  int counted = 0;            // of those, not exempted (cancelled)
  int done = 0;               // completed by that day
  int started = 0;            // past not started (done ones included)
  int percent = 0;            // average progress of those counted, done ones at 100
  int awaiting_review = 0;    // with a deliverable not yet reviewed
  int extension_pending = 0;  // with an extension request not yet decided
};
PartsSummary Summarize(const Occurrence& o, Date as_of);
void EncodeCounts(const PlanCounts& counts, std::string& out);
Result<PlanCounts> DecodeCounts(std::string_view in);

struct AgencyQuery {
  std::optional<Role> role;  // none: both
  size_t limit = 100;
  bool include_undated = true;  // ongoing and unscheduled, after everything dated
};

class Ledger {
 public:
  Ledger();
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;
  // A deep copy, for deciding a batch of commands each on the state the ones before it leave
  // (an import is decided whole before any of it is written). Costs a copy of every task.
  std::unique_ptr<Ledger> Clone() const;

  // Folds `e`. Events of unknown types are skipped; a known type with unreadable data is
  // kCorruption and changes nothing.
  Status Apply(const EventView& e);
  // Replaying many events (start-up, "as of" queries): between BeginReplay() and EndReplay()
  // Apply() leaves the query indexes alone and EndReplay() rebuilds them once, sorted in bulk,
  // which is several times faster than keeping them current event by event. Queries are only
  // valid outside a replay.
  void BeginReplay();
  void EndReplay();
  uint64_t position() const { return position_; }
  // What a page of task views rendered from this ledger may reuse. A task's view is a function
  // of the task, whose version changes with every event on it, and of the rest of the ledger it
  // reads beside it: agencies, groups (the parts their members hold), plans. context() changes
  // whenever that rest may have (an agency or plan event, a replay's end, a plan part replaced)
  // or a task was destroyed (a task created again), so that a Task* names one task while it
  // stays; instance() tells ledgers apart. While both stay, a task whose version is unchanged
  // reads as it did.
  uint64_t instance() const { return instance_; }
  uint64_t context() const { return context_; }

  // Projection checkpoints: the folded state in a compact binary form (ledger_codec.cpp).
  // EncodeShared() writes agencies and the rest; EncodePlans() and EncodeTasks() each plan and
  // its tasks apart, so a
  // question about one plan's past reads only that plan. A Ledger decoded (inside a replay, into
  // an empty one) from the shared part and some plans' tasks, then EndReplay()ed, answers about
  // those plans exactly as the ledger it was taken from. The encoding is canonical: equal states
  // encode to equal bytes. kFoldVersion changes whenever folding or this form changes meaning,
  // which sets older checkpoints aside.
  // 2: task.completion_recorded; 3: plans apart; 4: a notification's channel and address;
  // 5: who decided an extension, and when; 6: members' parts, completion rules, co-leads
  // counted in reports, the days members joined their groups.
  static constexpr uint32_t kFoldVersion = 6;
  void EncodeShared(std::string& out) const;
  // `want` (optional) picks the plans to encode; the others are left out.
  void EncodePlans(const std::function<void(std::string_view plan, std::string_view bytes)>& sink,
                   const std::function<bool(std::string_view plan)>& want = {}) const;
  // Each plan's tasks, and apart its members' parts' details (their words, files and requests):
  // a ledger decoded without the details answers reports exactly (they only count) and folds
  // the events after it alike, but has no part's deliverables or requests to show.
  void EncodeTasks(const std::function<void(std::string_view plan, std::string_view tasks,
                                            std::string_view details)>& sink,
                   const std::function<bool(std::string_view plan)>& want = {}) const;
  // Without names, MatchAgency() finds nothing (a ledger for some plans' reports needs none).
  Status DecodeShared(std::string_view in, bool with_names = true);
  Status DecodePlan(std::string_view in);
  Status DecodeTasks(std::string_view in);
  // After DecodeTasks of the same plan.
  Status DecodePartDetails(std::string_view in);
  // A ledger limited to one plan takes that plan and its tasks (without their parts' details)
  // from a later checkpoint, and its agencies and groups as they stood then (a whole-plan series
  // between checkpoints). `shared` is that checkpoint's shared part.
  Status ReplacePlanPart(std::string_view shared, std::string_view plan, std::string_view tasks);
  // From here on, folds only the tasks of `plans` (a ledger loaded for those plans): other task
  // events are skipped, though plans still list their tasks and creation order is kept.
  void LimitToPlans(std::set<std::string, std::less<>> plans);
  int64_t last_recorded_at_ms() const { return last_recorded_at_ms_; }
  // Which plans' checkpoint sections (the plan, its tasks, their parts' details) may differ from
  // what they were when TrackChanges() was last called: a checkpoint encodes only those and
  // copies the rest from the one this ledger was loaded from. None: any plan may have (a
  // group's membership changed, which reaches the parts of every plan's tasks), or nothing was
  // tracked.
  void TrackChanges();
  std::optional<std::set<std::string, std::less<>>> ChangedPlans() const;

  const Agency* FindAgency(std::string_view id) const;
  const Plan* FindPlan(std::string_view id) const;
  const Task* FindTask(std::string_view id) const;
  // Agency ids by folded name or alias ("so gd&dt"); empty when none matches.
  std::vector<std::string> MatchAgency(std::string_view name) const;
  std::vector<const Agency*> Agencies() const;  // by id
  std::vector<const Plan*> Plans() const;       // by id
  size_t task_count() const { return tasks_.size(); }
  // The groups `agency` belongs to.
  std::vector<std::string> GroupsOf(std::string_view agency) const;
  // Whether `agency` leads or coordinates `task`, directly or through a group.
  std::optional<Role> RoleOf(std::string_view agency, const Task& task) const;
  // Whether `agency` is named in `task` itself (lead or coordinating), not through a group.
  bool NamedIn(std::string_view agency, const Task& task) const;

  // Agencies by number, as parts name their members (Part::member): numbers are given in the
  // order agencies are registered and never change.
  std::optional<uint32_t> AgencyNo(std::string_view id) const;
  const std::string& AgencyIdOf(uint32_t no) const;  // "" for a number not given
  // The part `agency` holds in `o`, whether or not it still counts; null when it has none.
  const Part* PartOf(std::string_view agency, const Occurrence& o) const;
  // Open parts with a due date of their own (extensions granted to one member), due in
  // [from, to] / before `as_of`, by that date: the reminders planned apart from their
  // occurrence's.
  std::vector<PartDueItem> PartsDueBetween(Date from, Date to) const;
  std::vector<PartDueItem> PartsOverdue(Date as_of) const;

  // "Who owns what, due when": open occurrences `agency` leads or coordinates, directly or through
  // a group, ordered by due date (then task id, occurrence), with days left as of `today`.
  std::vector<AgencyItem> AgencyTasks(std::string_view agency, Date today,
                                      const AgencyQuery& query = {}) const;
  // Open occurrences due in [from, to], by due date.
  std::vector<DueItem> DueBetween(Date from, Date to, size_t limit = SIZE_MAX) const;
  // Open occurrences due before `as_of`.
  std::vector<DueItem> Overdue(Date as_of, size_t limit = SIZE_MAX) const;
  // The plan's report in the official groups as of `as_of`. For the report as it stood then,
  // call it on a Ledger folded up to the end of that day. With `only_for`, the report of the
  // tasks that agency leads or coordinates (directly or through a group), counted alike.
  Result<PlanReport> Report(std::string_view plan, Date as_of,
                            std::string_view only_for = {}) const;
  // Whether `agency` leads or coordinates any task of `plan`.
  bool Participates(std::string_view agency, const Plan& plan) const;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct IndexKey {
    int32_t due_days;  // days since epoch; INT32_MAX when undated
    uint32_t seq;      // the task's creation order: a cheap, stable tie-break
    uint32_t occurrence;
    const Task* task;
    uint32_t member = 0;  // parts' indexes: the part's member; 0 in occurrences' indexes
    bool operator<(const IndexKey& o) const;
  };
  struct AgencyIndex {
    std::set<IndexKey> lead, coordinating;
    std::set<IndexKey> parts;  // its own open parts with a due date of their own
  };

  static IndexKey KeyOf(const Task& t, uint32_t occurrence);
  static IndexKey PartKeyOf(const Task& t, uint32_t occurrence, const Part& p);
  Status ApplyAgency(const EventView& e);
  // The agencies, their numbering and groups of a checkpoint's shared part (after its counters).
  Status DecodeAgencies(BinaryReader& r);
  Status ApplyPlan(const EventView& e);
  Status ApplyTask(const EventView& e);
  // An event on one occurrence, on its own record or on one member's part (`part`); `data` is
  // the event's parsed data (ledger_apply.cpp).
  struct EventData;
  class Unindexed;
  Status ApplyWork(const EventView& e, const EventData& data, Task& t, uint32_t index, Part* part);
  void Index(const Task& t, uint32_t occurrence);
  void Unindex(const Task& t, uint32_t occurrence);
  void UnindexKey(const Task& t, const IndexKey& key);
  void IndexAll(const Task& t);
  void UnindexAll(const Task& t);
  // Parts' own-due indexes: a part is in them while it and its occurrence are live, it still
  // belongs to its member and it has a due date of its own.
  void IndexPart(const Task& t, uint32_t occurrence, const Part& p);
  void UnindexPart(const Task& t, uint32_t occurrence, const Part& p);

  // Parts (ledger_parts.cpp). Who holds parts of `t`: each member of the groups it names
  // (except agencies it names itself), by number, through a lead group or not, since when.
  struct Holder {
    uint32_t member;
    bool lead;
    Day joined;
  };
  struct Holders {
    std::vector<Holder> list;  // by member
    bool group_led = false;    // every lead is a group, and it has members
  };
  Holders HoldersOf(const Task& t) const;
  // Gives every occurrence of `t` a part for each of its holders, closes those of members no
  // longer among them from `day`, and settles each occurrence.
  void HoldParts(Task& t, Day day);
  void HoldParts(Task& t, const Holders& holders, Day day);
  // Re-holds the parts of every task that names `group`.
  void HoldPartsOfGroup(std::string_view group, Day day);
  // The tally of `o`'s parts on `day`, counted afresh.
  static void Recount(Occurrence& o, Day day);
  // Where `o` stands under `t`'s rule: its own record, or completed by its parts.
  static void Settle(const Task& t, Occurrence& o);
  // What a part adds to its occurrence's tally on `day`.
  static void Tally(Occurrence& o, const Part& p, Day day, int sign);

  uint64_t position_ = 0;
  const uint64_t instance_;
  uint64_t context_ = 0;
  std::vector<std::string> agency_ids_;  // by number
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> agency_nos_;
  int64_t last_recorded_at_ms_ = 0;
  uint32_t next_task_seq_ = 0;
  bool replaying_ = false;
  // TrackChanges(): the plans touched since, or every plan.
  bool tracking_ = false, all_changed_ = false;
  std::set<std::string, std::less<>> changed_plans_;
  std::optional<std::set<std::string, std::less<>>> scope_;  // LimitToPlans
  std::map<std::string, std::unique_ptr<Agency>, std::less<>> agencies_;
  std::unordered_map<std::string, std::vector<std::string>> agency_names_;  // folded -> ids
  std::unordered_map<std::string, std::vector<std::string>, StringHash, std::equal_to<>>
      groups_of_;  // member -> groups
  std::map<std::string, std::unique_ptr<Plan>, std::less<>> plans_;
  // Keyed by a view of the task's own id (never changed once created): a lookup that compares
  // keys touches only the Task it is about to use, one cache miss fewer per event on replay.
  std::unordered_map<std::string_view, std::unique_ptr<Task>, StringHash> tasks_;
  std::unordered_map<std::string, AgencyIndex, StringHash, std::equal_to<>> by_agency_;
  std::set<IndexKey> due_;       // open, dated occurrences
  std::set<IndexKey> part_due_;  // open parts with a due date of their own
};

}  // namespace taskledger::domain
