// Turning matrix rows into commands: sections, agencies, new and changed tasks.
#include "domain/import.h"

#include <algorithm>
#include <map>
#include <set>

#include "domain/commands_util.h"
#include "domain/import_detail.h"
#include "domain/import_resolver.h"
#include "domain/text.h"

namespace taskledger::domain {

using namespace import_detail;

namespace {

using detail::IsCode;

// The enclosing section of `code` among `known`: its longest proper dotted prefix.
std::string ParentOf(const std::string& code, const std::set<std::string>& known) {
  for (size_t dot = code.rfind('.'); dot != std::string::npos && dot > 0;
       dot = code.rfind('.', dot - 1)) {
    const std::string prefix = code.substr(0, dot);
    if (known.count(prefix)) return prefix;
    if (dot == 0) break;
  }
  return {};
}

// A task row gathered with the ladder rows under it.
struct TaskRow {
  MatrixRow row;
  std::vector<std::string> occurrence_targets;
};

bool IsLadderRow(const MatrixRow& r) {
  return r.code.empty() && Trim(r.title).empty() && !Trim(r.deadline).empty();
}

// Folds ladder rows into the task above them: their deadlines become the task's milestones
// ("2021; 2022; …") and their deliverable or target cells the occurrences' targets.
std::vector<TaskRow> GatherLadders(const std::vector<MatrixRow>& rows,
                                   std::vector<ImportProblem>* problems,
                                   std::vector<std::string>* warnings) {
  std::vector<TaskRow> out;
  bool in_ladder = false;
  for (const MatrixRow& r : rows) {
    if (!IsLadderRow(r)) {
      out.push_back(TaskRow{r, SplitOn(r.occurrence_targets, ";\n")});
      in_ladder = false;
      continue;
    }
    if (out.empty() || out.back().row.code.empty() || out.back().row.title.empty()) {
      problems->push_back({r.row, "TT",
                           "a row with a deadline but no code or task belongs to a "
                           "task above it, and there is none"});
      continue;
    }
    TaskRow& task = out.back();
    if (!in_ladder) {
      task.row.deadline.clear();
      task.occurrence_targets.clear();
      in_ladder = true;
    }
    task.row.deadline += (task.row.deadline.empty() ? "" : "; ") + std::string(Trim(r.deadline));
    task.occurrence_targets.emplace_back(Trim(r.targets.empty() ? r.deliverable : r.targets));
    for (auto [mine, theirs] :
         {std::pair{&task.row.lead, &r.lead}, std::pair{&task.row.coordinating, &r.coordinating}}) {
      if (Trim(*mine).empty()) {
        *mine = *theirs;
      } else if (!Trim(*theirs).empty() && Fold(*mine) != Fold(*theirs)) {
        warnings->push_back("row " + std::to_string(r.row) + ": its agencies differ from task " +
                            task.row.code + "'s; the task's are used");
      }
    }
  }
  return out;
}

// One import's walk through the matrix, in file order: each row a section, a heading or a task,
// and what it finds added to the plan being built (preview rows, problems, warnings, commands).
// Lives for one PlanImport call, on its thread.
class Planner {
 public:
  Planner(const Ledger& state, const Plan& plan, const ImportOptions& options, ImportPlan* out)
      : state_(state),
        plan_(plan),
        options_(options),
        out_(out),
        agencies_(state, RootOf(state, plan.authority), options, out) {
    for (const Section& s : plan.sections) sections_.insert(s.code);
  }

  void Row(const TaskRow& gathered) {
    const MatrixRow& r = gathered.row;
    if (IsSectionRow(r)) return AddSection(r);
    if (r.code.empty() && r.title.empty() && r.lead.empty() && r.deadline.empty()) return;
    if (r.code.empty() && r.lead.empty() && r.coordinating.empty() && r.deliverable.empty() &&
        r.deadline.empty()) {
      // An unnumbered heading inside a section ("Lớp 1 và lớp 2"): kept in the file, not tracked.
      out_->warnings.push_back("row " + std::to_string(r.row) + ": heading \"" + r.title +
                               "\" has no code and is not a task or section");
      Preview(r, "heading");
      return;
    }
    AddTask(gathered);
  }

  // The commands, once every row is read: agencies, then sections, then tasks, in file order;
  // none when there is any problem.
  void Finish() {
    out_->sections_added = static_cast<int>(new_sections_.size());
    agencies_.AppendCommands(&out_->commands);
    if (!new_sections_.empty()) out_->commands.push_back(AddSections{plan_.id, new_sections_});
    for (Command& c : task_commands_) out_->commands.push_back(std::move(c));
    if (!out_->problems.empty()) out_->commands.clear();
  }

 private:
  static bool IsSectionRow(const MatrixRow& r) {
    return !r.code.empty() && !r.title.empty() && r.lead.empty() && r.coordinating.empty() &&
           r.deliverable.empty() && r.deadline.empty();
  }

  PreviewRow& Preview(const MatrixRow& r, const char* kind) {
    PreviewRow& p = out_->preview.emplace_back();
    p.table = r.table;
    p.sheet = r.sheet;
    p.row = r.row;
    p.kind = kind;
    p.code = r.code;
    p.title = r.title;
    return p;
  }

  // A section row: the section the task rows under it belong to, added to the plan when new.
  void AddSection(const MatrixRow& r) {
    if (!IsCode(r.code)) {
      out_->problems.push_back({r.row, "TT", "\"" + r.code + "\" is not a section code"});
      return;
    }
    current_section_ = r.code;
    Preview(r, "section").change = sections_.count(r.code) ? "unchanged" : "new";
    if (!sections_.count(r.code)) {
      sections_.insert(r.code);
      new_sections_.push_back(Section{r.code, r.title, ParentOf(r.code, sections_)});
    }
  }

  // The task's code within the plan. Codes restart in each section ("1", "2" under "II"), so
  // they are qualified ("II.1"); a code given twice, or none, is a problem.
  std::string TaskCode(const MatrixRow& r, const std::string& section) {
    std::string code = r.code;
    if (code.empty()) {
      out_->problems.push_back({r.row, "TT", "a task needs a code"});
    } else if (!IsCode(code)) {
      out_->problems.push_back({r.row, "TT", "\"" + code + "\" is not a task code"});
    } else if (!section.empty() && !code.starts_with(section + ".")) {
      code = section + "." + code;
    }
    if (!section.empty() && !sections_.count(section)) {
      out_->problems.push_back({r.row, "Mục", "unknown section \"" + section + "\""});
    }
    if (!code.empty() && !codes_.insert(code).second) {
      ImportProblem p{r.row, "TT", "task " + code + " appears twice"};
      p.code = "task-twice";
      p.params = {{"code", code}};
      out_->problems.push_back(std::move(p));
    }
    return code;
  }

  void CellEmpty(const MatrixRow& r, const char* column) {
    ImportProblem p{r.row, column, "is empty"};
    p.code = "cell-empty";
    out_->problems.push_back(std::move(p));
  }

  // The deadline's schedule, its dates shown on the preview row; a problem when it cannot be
  // read or has no occurrence within the plan's period.
  Result<Schedule> ReadSchedule(const MatrixRow& r, PreviewRow* shown) {
    auto schedule = ParseDeadline(r.deadline);
    if (!schedule.ok()) {
      ImportProblem p{r.row, "Thời gian hoàn thành", schedule.status().message()};
      p.code = "deadline-unreadable";
      p.params = {{"text", r.deadline}};
      out_->problems.push_back(std::move(p));
      return schedule;
    }
    const std::vector<OccurrenceSpec> occurrences = Expand(*schedule, plan_.period);
    for (const OccurrenceSpec& o : occurrences) {
      if (o.due) shown->occurrences.push_back(*o.due);
    }
    if (occurrences.empty()) {
      out_->problems.push_back(
          {r.row, "Thời gian hoàn thành",
           "\"" + r.deadline + "\" has no occurrence within the plan's period"});
    }
    return schedule;
  }

  void AddTask(const TaskRow& gathered) {
    const MatrixRow& r = gathered.row;
    PreviewRow& shown = Preview(r, "task");
    const std::string section = r.section.empty() ? current_section_ : r.section;
    const std::string code = TaskCode(r, section);
    if (Trim(r.title).empty()) CellEmpty(r, "Nhiệm vụ");
    const std::vector<std::string> lead =
        agencies_.Resolve(r.row, "Cơ quan chủ trì", r.lead, &shown.unknown);
    std::vector<std::string> coordinating =
        agencies_.Resolve(r.row, "Cơ quan phối hợp", r.coordinating, &shown.unknown);
    std::erase_if(coordinating, [&](const std::string& c) {
      return std::find(lead.begin(), lead.end(), c) != lead.end();
    });
    if (Trim(r.lead).empty()) CellEmpty(r, "Cơ quan chủ trì");
    const Result<Schedule> schedule = ReadSchedule(r, &shown);
    if (lead.size() > 1) {
      out_->warnings.push_back("row " + std::to_string(r.row) + ": several lead agencies; '" +
                               lead.front() + "' is the primary lead");
    }

    const Task* existing = state_.FindTask(plan_.id + ":" + code);
    shown.code = code;
    shown.section = section;
    shown.lead = lead;
    shown.coordinating = coordinating;
    shown.deliverable = r.deliverable;
    shown.deadline = std::string(Trim(r.deadline));
    shown.targets = SplitOn(r.targets, ";\n");
    shown.occurrence_targets = gathered.occurrence_targets;
    shown.change = !existing ? "new" : "unchanged";
    if (!existing) return AddNewTask(gathered, shown, schedule);
    if (ChangedTask(r, *existing, shown)) {
      ++out_->tasks_changed;
      shown.change = "changed";
    } else {
      ++out_->tasks_unchanged;
    }
  }

  // A task the plan does not have: created, then brought to where the row says it stands.
  void AddNewTask(const TaskRow& gathered, const PreviewRow& shown,
                  const Result<Schedule>& schedule) {
    const MatrixRow& r = gathered.row;
    CreateTask c;
    c.plan = plan_.id;
    c.code = shown.code;
    c.title = r.title;
    c.section = shown.section;
    c.lead = shown.lead;
    c.coordinating = shown.coordinating;
    c.deliverable = r.deliverable;
    c.deadline = r.deadline;
    c.targets = shown.targets;
    c.occurrence_targets = gathered.occurrence_targets;
    task_commands_.push_back(std::move(c));
    ++out_->tasks_created;
    if (!schedule.ok()) return;
    for (Command& s : StateCommands(r, plan_.id + ":" + shown.code, nullptr,
                                    Expand(*schedule, plan_.period), options_, &out_->problems)) {
      task_commands_.push_back(std::move(s));
    }
  }

  // A task the plan has (a re-import): only what changed becomes an event. True when any did.
  bool ChangedTask(const MatrixRow& r, const Task& existing, const PreviewRow& shown) {
    bool changed = false;
    if (existing.title != r.title || existing.deliverable != r.deliverable ||
        existing.section != shown.section || existing.targets != shown.targets) {
      EditTask e;
      e.task = existing.id;
      if (existing.title != r.title) e.title = r.title;
      if (existing.deliverable != r.deliverable) e.deliverable = r.deliverable;
      if (existing.section != shown.section) e.section = shown.section;
      if (existing.targets != shown.targets) e.targets = shown.targets;
      e.reason = options_.reason;
      task_commands_.push_back(std::move(e));
      changed = true;
    }
    if (existing.lead != shown.lead || existing.coordinating != shown.coordinating) {
      task_commands_.push_back(
          Reassign{existing.id, shown.lead, shown.coordinating, options_.reason});
      changed = true;
    }
    if (existing.schedule.text != shown.deadline) {
      task_commands_.push_back(ChangeDeadline{existing.id, r.deadline, options_.reason});
      changed = true;
    }
    for (Command& s : StateCommands(r, existing.id, &existing, {}, options_, &out_->problems)) {
      task_commands_.push_back(std::move(s));
      changed = true;
    }
    return changed;
  }

  const Ledger& state_;
  const Plan& plan_;
  const ImportOptions& options_;
  ImportPlan* out_;
  AgencyResolver agencies_;
  std::set<std::string> sections_;     // the plan's and the file's so far
  std::vector<Section> new_sections_;  // the file's that the plan lacks, in file order
  std::set<std::string> codes_;        // task codes seen, qualified
  std::string current_section_;
  std::vector<Command> task_commands_;
};

}  // namespace

ImportPlan PlanImport(const Ledger& state, std::string_view plan_id,
                      const std::vector<MatrixRow>& rows, const ImportOptions& options) {
  ImportPlan out;
  const Plan* plan = state.FindPlan(plan_id);
  if (!plan) {
    out.problems.push_back({0, "", "no plan '" + std::string(plan_id) + "'"});
    return out;
  }
  Planner planner(state, *plan, options, &out);
  for (const TaskRow& row : GatherLadders(rows, &out.problems, &out.warnings)) planner.Row(row);
  planner.Finish();
  return out;
}

}  // namespace taskledger::domain
