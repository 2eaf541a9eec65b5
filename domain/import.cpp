// Turning matrix rows into commands: sections, agencies, new and changed tasks.
#include "domain/import.h"

#include <algorithm>
#include <map>
#include <set>

#include "domain/commands_util.h"
#include "domain/import_detail.h"
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

// The top of an agency's parent chain: the authority it belongs to ("ubnd-hp").
std::string RootOf(const Ledger& state, const std::string& id) {
  std::string at = id;
  for (int depth = 0; depth < 16; ++depth) {
    const Agency* a = state.FindAgency(at);
    if (!a || a->parent.empty()) break;
    at = a->parent;
  }
  return at;
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

}  // namespace

ImportPlan PlanImport(const Ledger& state, std::string_view plan_id,
                      const std::vector<MatrixRow>& rows, const ImportOptions& options) {
  ImportPlan out;
  const Plan* plan = state.FindPlan(plan_id);
  if (!plan) {
    out.problems.push_back({0, "", "no plan '" + std::string(plan_id) + "'"});
    return out;
  }
  std::set<std::string> sections;
  for (const Section& s : plan->sections) sections.insert(s.code);
  std::vector<Section> new_sections;
  std::map<std::string, std::string> new_agency_ids;  // folded name -> id
  std::map<std::string, std::string> aliases;         // folded name -> id, as the caller mapped
  std::map<std::string, Agency> aliased;              // id -> the agency with its new aliases
  std::set<std::string> create;                       // folded names to register
  for (const auto& [name, id] : options.aliases) {
    if (!state.FindAgency(id)) {
      out.problems.push_back(
          {0, "", "\"" + name + "\" is mapped to an unknown agency '" + id + "'"});
      continue;
    }
    aliases[Fold(name)] = id;
  }
  for (const std::string& name : options.create) create.insert(Fold(name));
  std::set<std::string> unknown_seen;
  std::vector<std::string>* row_unknown = nullptr;  // the preview row being resolved
  std::vector<Command> agency_commands, task_commands;
  std::set<std::string> codes;
  std::string current_section;
  const std::string scope = RootOf(state, plan->authority);

  // Agency ids for the names in a cell, or problems.
  const auto resolve = [&](const MatrixRow& r, const char* column, const std::string& cell) {
    std::vector<std::string> ids;
    for (const std::string& name : SplitAgencyNames(state, cell)) {
      if (auto a = aliases.find(Fold(name)); a != aliases.end()) {
        ids.push_back(a->second);
        auto [it, fresh] = aliased.try_emplace(a->second, *state.FindAgency(a->second));
        Agency& agency = it->second;
        const bool known = std::any_of(agency.aliases.begin(), agency.aliases.end(),
                                       [&](const std::string& x) { return Fold(x) == a->first; }) ||
                           Fold(agency.name) == a->first;
        if (!known) {
          agency.aliases.push_back(name);
          out.aliases_added.push_back(name + " -> " + a->second);
        }
        continue;
      }
      // Agencies under an authority belong to its plans; the same name elsewhere ("Sở Giáo dục và
      // Đào tạo" of another province) is not a match. Agencies without a parent serve every plan.
      // An agency of the plan's own authority is preferred to one without a parent.
      std::vector<std::string> own, everyone, elsewhere;
      for (const std::string& id : state.MatchAgency(name)) {
        const std::string root = RootOf(state, id);
        (root == id ? everyone : root == scope ? own : elsewhere).push_back(id);
      }
      const std::vector<std::string>& found = own.empty() ? everyone : own;
      if (found.empty() && !elsewhere.empty()) {
        out.problems.push_back({r.row, column,
                                "\"" + name + "\" names an agency of another authority (" +
                                    elsewhere.front() + "), not of " + scope});
        continue;
      }
      if (found.size() == 1) {
        ids.push_back(found.front());
      } else if (found.size() > 1) {
        ImportProblem p{r.row, column, "\"" + name + "\" matches several agencies"};
        p.code = "agency-ambiguous";
        p.params = {{"agency", name}};
        out.problems.push_back(std::move(p));
      } else if (auto known = new_agency_ids.find(Fold(name)); known != new_agency_ids.end()) {
        ids.push_back(known->second);
      } else if (options.create_unknown_agencies || create.count(Fold(name))) {
        std::string id = Slug(name);
        while (state.FindAgency(id) || std::any_of(new_agency_ids.begin(), new_agency_ids.end(),
                                                   [&](const auto& p) { return p.second == id; })) {
          id += "-2";
        }
        if (id.empty()) {
          out.problems.push_back({r.row, column, "\"" + name + "\" is not an agency name"});
          continue;
        }
        new_agency_ids[Fold(name)] = id;
        Agency a;
        a.id = id;
        a.name = name;
        a.kind = GuessKind(name);
        if (state.FindAgency(scope)) a.parent = scope;
        agency_commands.push_back(RegisterAgency{a, false});
        out.new_agencies.push_back(id);
        ids.push_back(id);
      } else {
        if (unknown_seen.insert(Fold(name)).second) out.unknown_agencies.push_back(name);
        if (row_unknown) row_unknown->push_back(name);
        ImportProblem p{
            r.row, column,
            "unknown agency \"" + name + "\" (register it, or import with create_agencies=true)"};
        p.code = "import-unknown-agency";
        p.params = {{"agency", name}};
        out.problems.push_back(std::move(p));
      }
    }
    std::vector<std::string> unique;
    for (const std::string& id : ids) {
      if (std::find(unique.begin(), unique.end(), id) == unique.end()) unique.push_back(id);
    }
    return unique;
  };

  for (const TaskRow& gathered : GatherLadders(rows, &out.problems, &out.warnings)) {
    const MatrixRow& r = gathered.row;
    const bool section_row = !r.code.empty() && !r.title.empty() && r.lead.empty() &&
                             r.coordinating.empty() && r.deliverable.empty() && r.deadline.empty();
    const auto preview = [&](const char* kind) -> PreviewRow& {
      PreviewRow& p = out.preview.emplace_back();
      p.table = r.table;
      p.sheet = r.sheet;
      p.row = r.row;
      p.kind = kind;
      p.code = r.code;
      p.title = r.title;
      return p;
    };
    if (section_row) {
      if (!IsCode(r.code)) {
        out.problems.push_back({r.row, "TT", "\"" + r.code + "\" is not a section code"});
        continue;
      }
      current_section = r.code;
      preview("section").change = sections.count(r.code) ? "unchanged" : "new";
      if (!sections.count(r.code)) {
        sections.insert(r.code);
        new_sections.push_back(Section{r.code, r.title, ParentOf(r.code, sections)});
      }
      continue;
    }
    if (r.code.empty() && r.title.empty() && r.lead.empty() && r.deadline.empty()) continue;
    if (r.code.empty() && r.lead.empty() && r.coordinating.empty() && r.deliverable.empty() &&
        r.deadline.empty()) {
      // An unnumbered heading inside a section ("Lớp 1 và lớp 2"): kept in the file, not tracked.
      out.warnings.push_back("row " + std::to_string(r.row) + ": heading \"" + r.title +
                             "\" has no code and is not a task or section");
      preview("heading");
      continue;
    }
    PreviewRow& shown = preview("task");

    // A task row. Codes restart in each section ("1", "2" under "II"), so qualify them.
    std::string section = r.section.empty() ? current_section : r.section;
    std::string code = r.code;
    if (code.empty()) {
      out.problems.push_back({r.row, "TT", "a task needs a code"});
    } else if (!IsCode(code)) {
      out.problems.push_back({r.row, "TT", "\"" + code + "\" is not a task code"});
    } else if (!section.empty() && !code.starts_with(section + ".")) {
      code = section + "." + code;
    }
    if (!section.empty() && !sections.count(section)) {
      out.problems.push_back({r.row, "Mục", "unknown section \"" + section + "\""});
    }
    if (!code.empty() && !codes.insert(code).second) {
      ImportProblem p{r.row, "TT", "task " + code + " appears twice"};
      p.code = "task-twice";
      p.params = {{"code", code}};
      out.problems.push_back(std::move(p));
    }
    if (Trim(r.title).empty()) {
      ImportProblem p{r.row, "Nhiệm vụ", "is empty"};
      p.code = "cell-empty";
      out.problems.push_back(std::move(p));
    }
    row_unknown = &shown.unknown;
    std::vector<std::string> lead = resolve(r, "Cơ quan chủ trì", r.lead);
    std::vector<std::string> coordinating = resolve(r, "Cơ quan phối hợp", r.coordinating);
    row_unknown = nullptr;
    std::erase_if(coordinating, [&](const std::string& c) {
      return std::find(lead.begin(), lead.end(), c) != lead.end();
    });
    if (Trim(r.lead).empty()) {
      ImportProblem p{r.row, "Cơ quan chủ trì", "is empty"};
      p.code = "cell-empty";
      out.problems.push_back(std::move(p));
    }
    auto schedule = ParseDeadline(r.deadline);
    if (schedule.ok()) {
      for (const OccurrenceSpec& o : Expand(*schedule, plan->period)) {
        if (o.due) shown.occurrences.push_back(*o.due);
      }
    }
    if (!schedule.ok()) {
      ImportProblem p{r.row, "Thời gian hoàn thành", schedule.status().message()};
      p.code = "deadline-unreadable";
      p.params = {{"text", r.deadline}};
      out.problems.push_back(std::move(p));
    } else if (Expand(*schedule, plan->period).empty()) {
      out.problems.push_back({r.row, "Thời gian hoàn thành",
                              "\"" + r.deadline + "\" has no occurrence within the plan's period"});
    }
    if (lead.size() > 1) {
      out.warnings.push_back("row " + std::to_string(r.row) + ": several lead agencies; '" +
                             lead.front() + "' is the primary lead");
    }

    const Task* existing = state.FindTask(std::string(plan_id) + ":" + code);
    const std::vector<std::string> targets = SplitOn(r.targets, ";\n");
    shown.code = code;
    shown.section = section;
    shown.lead = lead;
    shown.coordinating = coordinating;
    shown.deliverable = r.deliverable;
    shown.deadline = std::string(Trim(r.deadline));
    shown.targets = targets;
    shown.occurrence_targets = gathered.occurrence_targets;
    shown.change = !existing ? "new" : "unchanged";
    if (!existing) {
      CreateTask c;
      c.plan = std::string(plan_id);
      c.code = code;
      c.title = r.title;
      c.section = section;
      c.lead = lead;
      c.coordinating = coordinating;
      c.deliverable = r.deliverable;
      c.deadline = r.deadline;
      c.targets = targets;
      c.occurrence_targets = gathered.occurrence_targets;
      task_commands.push_back(std::move(c));
      ++out.tasks_created;
      if (schedule.ok()) {
        for (Command& s : StateCommands(r, std::string(plan_id) + ":" + code, nullptr,
                                        Expand(*schedule, plan->period), options, &out.problems)) {
          task_commands.push_back(std::move(s));
        }
      }
      continue;
    }
    // Re-import: only what changed becomes an event.
    bool changed = false;
    if (existing->title != r.title || existing->deliverable != r.deliverable ||
        existing->section != section || existing->targets != targets) {
      EditTask e;
      e.task = existing->id;
      if (existing->title != r.title) e.title = r.title;
      if (existing->deliverable != r.deliverable) e.deliverable = r.deliverable;
      if (existing->section != section) e.section = section;
      if (existing->targets != targets) e.targets = targets;
      e.reason = options.reason;
      task_commands.push_back(std::move(e));
      changed = true;
    }
    if (existing->lead != lead || existing->coordinating != coordinating) {
      task_commands.push_back(Reassign{existing->id, lead, coordinating, options.reason});
      changed = true;
    }
    if (existing->schedule.text != std::string(Trim(r.deadline))) {
      task_commands.push_back(ChangeDeadline{existing->id, r.deadline, options.reason});
      changed = true;
    }
    for (Command& s : StateCommands(r, existing->id, existing, {}, options, &out.problems)) {
      task_commands.push_back(std::move(s));
      changed = true;
    }
    changed ? ++out.tasks_changed : ++out.tasks_unchanged;
    if (changed) shown.change = "changed";
  }

  out.sections_added = static_cast<int>(new_sections.size());
  for (auto& [id, agency] : aliased) {
    if (agency.aliases != state.FindAgency(id)->aliases) {
      out.commands.push_back(RegisterAgency{agency, true});
    }
  }
  for (Command& c : agency_commands) out.commands.push_back(std::move(c));
  if (!new_sections.empty())
    out.commands.push_back(AddSections{std::string(plan_id), new_sections});
  for (Command& c : task_commands) out.commands.push_back(std::move(c));
  if (!out.problems.empty()) out.commands.clear();
  return out;
}

}  // namespace taskledger::domain
