// Deciding the coordinator's commands: agencies, plans, tasks, assignment and deadlines.
// The occurrence lifecycle is in commands_work.cpp.
#include "domain/commands.h"

#include <algorithm>
#include <set>

#include "domain/codec.h"
#include "domain/commands_util.h"
#include "domain/event_types.h"

namespace taskledger::domain {

using detail::FindTask;
using detail::Invalid;
using detail::IsCode;
using detail::MakeEvent;
using detail::OnTask;
using detail::RequireAgencies;
using detail::RequireCoordinator;
using detail::RequireText;
using nlohmann::json;

std::string_view ToString(ActorRole role) {
  switch (role) {
    case ActorRole::kCoordinator:
      return "coordinator";
    case ActorRole::kAgency:
      return "agency";
    case ActorRole::kAuditor:
      return "auditor";
    case ActorRole::kSystem:
      return "system";
  }
  return "?";
}

std::string Actor::Label() const {
  std::string label(ToString(role));
  if (role == ActorRole::kAgency) label += ":" + agency;
  if (!name.empty()) label += ":" + name;
  return label;
}

namespace {

// Agency and plan ids: lower-case, and never "." or ".." or hidden (they appear in URLs).
bool IsSlug(std::string_view id) {
  if (id.empty() || id.size() > 100 || id.front() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

Result<Decision> DecideAgency(const Ledger& s, const RegisterAgency& c, const Actor& a,
                              int64_t now_ms) {
  if (Status st = RequireCoordinator(a, "register agencies"); !st.ok()) return st;
  const auto& ag = c.agency;
  if (!IsSlug(ag.id)) return Invalid("id", "use lower-case letters, digits, '-', '_' or '.'");
  if (Status st = RequireText("name", ag.name, 300); !st.ok()) return st;
  const bool exists = s.FindAgency(ag.id) != nullptr;
  if (exists && !c.update) return Status::AlreadyExists("agency '" + ag.id + "' exists");
  if (!exists && c.update) return Status::NotFound("no agency '" + ag.id + "'");
  if (!ag.parent.empty() && !s.FindAgency(ag.parent)) return Invalid("parent", "unknown agency");
  if (!ag.members.empty() && ag.kind != AgencyKind::kGroup) {
    return Invalid("members", "only a group has members");
  }
  if (Status st = RequireAgencies(s, "members", ag.members); !st.ok()) return st;
  for (const std::string& m : ag.members) {
    if (m == ag.id) return Invalid("members", "a group cannot be its own member");
  }
  json j = ToJson(ag);
  if (c.effective_on) {
    // Members joined (or left) on a past day: they hold parts from then.
    if (!exists) return Invalid("effective_on", "only an update's changes take effect on a day");
    if (*c.effective_on > DateAtUtcMs(now_ms)) {
      return Invalid("effective_on", "cannot be after today")
          .With("effective-in-future",
                {{"field", "effective_on"}, {"today", ToIso(DateAtUtcMs(now_ms))}});
    }
    if (Status st = RequireText("reason", c.reason); !st.ok()) return st;
    j["effective_on"] = ToIso(*c.effective_on);
    j["reason"] = c.reason;
  }
  Decision d;
  d.stream = ev::AgencyStream(ag.id);
  d.expected = exists ? ExpectedVersion::Exists() : ExpectedVersion::NoStream();
  d.events.push_back(MakeEvent(exists ? ev::kAgencyUpdated : ev::kAgencyRegistered, j, a));
  return d;
}

json SectionsJson(const std::vector<Section>& sections) {
  json out = json::array();
  for (const Section& sec : sections) {
    json j = {{"code", sec.code}, {"title", sec.title}};
    if (!sec.parent.empty()) j["parent"] = sec.parent;
    out.push_back(std::move(j));
  }
  return out;
}

Status CheckSections(const std::vector<Section>& sections, const std::vector<Section>& existing) {
  std::set<std::string> codes;
  for (const Section& sec : existing) codes.insert(sec.code);
  for (size_t i = 0; i < sections.size(); ++i) {
    const std::string at = "sections[" + std::to_string(i) + "]";
    if (!IsCode(sections[i].code)) return Invalid(at + ".code", "is not a section code");
    if (Status st = RequireText(at + ".title", sections[i].title); !st.ok()) return st;
    if (!sections[i].parent.empty() && !codes.count(sections[i].parent)) {
      return Invalid(at + ".parent", "unknown section '" + sections[i].parent + "'");
    }
    codes.insert(sections[i].code);
  }
  return Status::Ok();
}

// A plan's authority is the agency that issues it: its name heads the Word report, and the
// agencies under it are the plan's when a matrix is imported. Empty leaves it unnamed; anything
// else must be a registered agency that can issue (not a group). Checked on new commands only:
// plans already in the log with a name there instead of an id still fold as they were.
Status CheckAuthority(const Ledger& s, const std::string& authority) {
  if (authority.empty()) return Status::Ok();
  if (Status st = RequireAgencies(s, "authority", {authority}); !st.ok()) return st;
  if (s.FindAgency(authority)->kind == AgencyKind::kGroup) {
    return Invalid("authority", "a group does not issue plans");
  }
  return Status::Ok();
}

Result<Decision> DecidePlan(const Ledger& s, const CreatePlan& c, const Actor& a) {
  if (Status st = RequireCoordinator(a, "create plans"); !st.ok()) return st;
  const auto& p = c.plan;
  if (!IsSlug(p.id)) return Invalid("id", "use lower-case letters, digits, '-', '_' or '.'");
  if (s.FindPlan(p.id)) return Status::AlreadyExists("plan '" + p.id + "' exists");
  if (Status st = RequireText("title", p.title, 1000); !st.ok()) return st;
  if (Status st = CheckAuthority(s, p.authority); !st.ok()) return st;
  if (p.period.end < p.period.start) return Invalid("period", "ends before it starts");
  if (Status st = CheckSections(p.sections, {}); !st.ok()) return st;
  json j = {{"id", p.id},
            {"title", p.title},
            {"number", p.number},
            {"authority", p.authority},
            {"period", {{"start", ToIso(p.period.start)}, {"end", ToIso(p.period.end)}}},
            {"sections", SectionsJson(p.sections)},
            {"targets", p.targets}};
  if (p.issued) j["issued"] = ToIso(*p.issued);
  if (p.open_to_participants) j["open_to_participants"] = true;
  Decision d;
  d.stream = ev::PlanStream(p.id);
  d.expected = ExpectedVersion::NoStream();
  d.events.push_back(MakeEvent(ev::kPlanCreated, j, a));
  return d;
}

Result<Decision> DecideEditPlan(const Ledger& s, const EditPlan& c, const Actor& a) {
  if (Status st = RequireCoordinator(a, "edit plans"); !st.ok()) return st;
  const Plan* p = s.FindPlan(c.plan);
  if (!p) return Status::NotFound("no plan '" + c.plan + "'");
  json j = {{"plan", p->id}};
  if (c.title && *c.title != p->title) {
    if (Status st = RequireText("title", *c.title, 1000); !st.ok()) return st;
    j["title"] = *c.title;
  }
  if (c.number && *c.number != p->number) j["number"] = *c.number;
  if (c.authority && *c.authority != p->authority) {
    if (Status st = CheckAuthority(s, *c.authority); !st.ok()) return st;
    j["authority"] = *c.authority;
  }
  if (c.issued && c.issued != p->issued) j["issued"] = ToIso(*c.issued);
  if (c.period && (c.period->start != p->period.start || c.period->end != p->period.end)) {
    if (c.period->end < c.period->start) return Invalid("period", "ends before it starts");
    j["period"] = {{"start", ToIso(c.period->start)}, {"end", ToIso(c.period->end)}};
  }
  if (j.size() == 1) {
    return Status::FailedPrecondition("plan '" + p->id + "' reads so already: nothing to change");
  }
  if (!c.reason.empty()) j["reason"] = c.reason;
  Decision d;
  d.stream = ev::PlanStream(p->id);
  d.expected = ExpectedVersion::Exists();
  d.events.push_back(MakeEvent(ev::kPlanEdited, j, a));
  return d;
}

Result<Decision> DecideVisibility(const Ledger& s, const SetPlanVisibility& c, const Actor& a) {
  if (Status st = RequireCoordinator(a, "decide who reads a plan's report"); !st.ok()) return st;
  const Plan* p = s.FindPlan(c.plan);
  if (!p) return Status::NotFound("no plan '" + c.plan + "'");
  if (Status st = RequireText("reason", c.reason); !st.ok()) return st;
  if (p->open_to_participants == c.open_to_participants) {
    return Status::FailedPrecondition(std::string("plan '") + p->id + "' is " +
                                      (c.open_to_participants ? "open" : "closed") +
                                      " to its participants already");
  }
  Decision d;
  d.stream = ev::PlanStream(p->id);
  d.expected = ExpectedVersion::Exists();
  d.events.push_back(MakeEvent(
      ev::kPlanVisibilityChanged,
      {{"plan", p->id}, {"open_to_participants", c.open_to_participants}, {"reason", c.reason}},
      a));
  return d;
}

Result<Decision> DecideSections(const Ledger& s, const AddSections& c, const Actor& a) {
  if (Status st = RequireCoordinator(a, "edit plans"); !st.ok()) return st;
  const Plan* p = s.FindPlan(c.plan);
  if (!p) return Status::NotFound("no plan '" + c.plan + "'");
  if (Status st = CheckSections(c.sections, p->sections); !st.ok()) return st;
  Decision d;
  d.stream = ev::PlanStream(p->id);
  d.expected = ExpectedVersion::Exists();
  d.events.push_back(MakeEvent(ev::kPlanSectionsAdded,
                               {{"plan", p->id}, {"sections", SectionsJson(c.sections)}}, a));
  return d;
}

Status CheckAssignment(const Ledger& s, const std::vector<std::string>& lead,
                       const std::vector<std::string>& coordinating,
                       std::vector<std::string>* warnings) {
  if (lead.empty()) return Invalid("lead", "at least one lead agency is required");
  if (Status st = RequireAgencies(s, "lead", lead); !st.ok()) return st;
  if (Status st = RequireAgencies(s, "coordinating", coordinating); !st.ok()) return st;
  for (const std::string& l : lead) {
    if (std::find(coordinating.begin(), coordinating.end(), l) != coordinating.end()) {
      return Invalid("coordinating", "'" + l + "' is already a lead agency");
    }
  }
  if (lead.size() > 1) {
    warnings->push_back(
        "several lead agencies: '" + lead.front() +
        "' is the primary lead (\"06 rõ\" asks for one clearly responsible agency)");
  }
  return Status::Ok();
}

Result<Decision> DecideCreateTask(const Ledger& s, const CreateTask& c, const Actor& a) {
  if (Status st = RequireCoordinator(a, "create tasks"); !st.ok()) return st;
  const Plan* p = s.FindPlan(c.plan);
  if (!p) return Status::NotFound("no plan '" + c.plan + "'");
  if (!IsCode(c.code)) return Invalid("code", "is not a task code (letters, digits, '.', '-')");
  const std::string id = p->id + ":" + c.code;
  if (s.FindTask(id)) return Status::AlreadyExists("task '" + id + "' exists");
  if (Status st = RequireText("title", c.title); !st.ok()) return st;
  if (!c.section.empty() && std::none_of(p->sections.begin(), p->sections.end(),
                                         [&](const Section& x) { return x.code == c.section; })) {
    return Invalid("section", "unknown section '" + c.section + "' in plan " + p->id);
  }
  Decision d;
  if (Status st = CheckAssignment(s, c.lead, c.coordinating, &d.warnings); !st.ok()) return st;
  auto schedule = ParseDeadline(c.deadline);
  if (!schedule.ok()) return Invalid("deadline", schedule.status().message());
  const std::vector<OccurrenceSpec> occ = Expand(*schedule, p->period);
  if (occ.empty()) return Invalid("deadline", "has no occurrence within the plan's period");
  json j = {{"plan", p->id},
            {"code", c.code},
            {"title", c.title},
            {"section", c.section},
            {"lead", c.lead},
            {"coordinating", c.coordinating},
            {"deliverable", c.deliverable},
            {"deadline", ToJson(*schedule)},
            {"targets", c.targets},
            {"occurrences", ToJson(occ, c.occurrence_targets)}};
  d.stream = ev::TaskStream(id);
  d.expected = ExpectedVersion::NoStream();
  d.events.push_back(MakeEvent(ev::kTaskCreated, j, a));
  return d;
}

Result<Decision> DecideEdit(const Ledger& s, const EditTask& c, const Actor& a) {
  if (Status st = RequireCoordinator(a, "edit tasks"); !st.ok()) return st;
  auto t = FindTask(s, c.task);
  if (!t.ok()) return t.status();
  if (Status st = RequireText("reason", c.reason); !st.ok()) return st;
  json j = {{"reason", c.reason}};
  if (c.title) {
    if (Status st = RequireText("title", *c.title); !st.ok()) return st;
    j["title"] = *c.title;
  }
  if (c.deliverable) j["deliverable"] = *c.deliverable;
  if (c.section) j["section"] = *c.section;
  if (c.targets) j["targets"] = *c.targets;
  if (j.size() == 1) return Invalid("title", "nothing to change");
  return OnTask(**t, ev::kTaskEdited, j, a);
}

Result<Decision> DecideReassign(const Ledger& s, const Reassign& c, const Actor& a) {
  if (Status st = RequireCoordinator(a, "reassign tasks"); !st.ok()) return st;
  auto t = FindTask(s, c.task);
  if (!t.ok()) return t.status();
  if (Status st = RequireText("reason", c.reason); !st.ok()) return st;
  Decision d;
  if (Status st = CheckAssignment(s, c.lead, c.coordinating, &d.warnings); !st.ok()) return st;
  d.stream = ev::TaskStream(c.task);
  d.expected = ExpectedVersion::Exact((*t)->version);
  d.events.push_back(MakeEvent(ev::kTaskReassigned,
                               {{"lead", c.lead},
                                {"coordinating", c.coordinating},
                                {"previous_lead", (*t)->lead},
                                {"previous_coordinating", (*t)->coordinating},
                                {"reason", c.reason}},
                               a));
  return d;
}

Result<Decision> DecideDeadline(const Ledger& s, const ChangeDeadline& c, const Actor& a) {
  if (Status st = RequireCoordinator(a, "change deadlines"); !st.ok()) return st;
  auto t = FindTask(s, c.task);
  if (!t.ok()) return t.status();
  if (Status st = RequireText("reason", c.reason); !st.ok()) return st;
  auto schedule = ParseDeadline(c.deadline);
  if (!schedule.ok()) return Invalid("deadline", schedule.status().message());
  const Plan* p = s.FindPlan((*t)->plan);
  const std::vector<OccurrenceSpec> occ = Expand(*schedule, p ? p->period : PlanPeriod{});
  if (occ.empty()) return Invalid("deadline", "has no occurrence within the plan's period");
  return OnTask(**t, ev::kTaskDeadlineChanged,
                {{"deadline", ToJson(*schedule)},
                 {"previous", (*t)->schedule.text},
                 {"occurrences", ToJson(occ)},
                 {"reason", c.reason}},
                a);
}

}  // namespace

Result<Decision> Decide(const Ledger& s, const Command& c, const Actor& a, int64_t now_ms) {
  if (a.role == ActorRole::kAuditor) {
    return Status::PermissionDenied("auditors have read-only access").With("read-only");
  }
  if ((a.role == ActorRole::kSystem) != std::holds_alternative<RecordNotification>(c)) {
    return Status::PermissionDenied("the server records notification outcomes, and only those");
  }
  if (auto* x = std::get_if<RegisterAgency>(&c)) return DecideAgency(s, *x, a, now_ms);
  if (auto* x = std::get_if<CreatePlan>(&c)) return DecidePlan(s, *x, a);
  if (auto* x = std::get_if<EditPlan>(&c)) return DecideEditPlan(s, *x, a);
  if (auto* x = std::get_if<AddSections>(&c)) return DecideSections(s, *x, a);
  if (auto* x = std::get_if<SetPlanVisibility>(&c)) return DecideVisibility(s, *x, a);
  if (auto* x = std::get_if<PrepareReport>(&c)) return detail::DecideReport(s, *x, a);
  if (auto* x = std::get_if<CreateTask>(&c)) return DecideCreateTask(s, *x, a);
  if (auto* x = std::get_if<EditTask>(&c)) return DecideEdit(s, *x, a);
  if (auto* x = std::get_if<Reassign>(&c)) return DecideReassign(s, *x, a);
  if (auto* x = std::get_if<ChangeDeadline>(&c)) return DecideDeadline(s, *x, a);
  return detail::DecideParts(s, c, a, now_ms);
}

}  // namespace taskledger::domain
