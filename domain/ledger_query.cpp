// The Ledger's indexes and the queries they answer.
#include <algorithm>
#include <atomic>
#include <climits>

#include "domain/ledger.h"
#include "domain/text.h"

namespace taskledger::domain {

std::string_view ToString(Role role) { return role == Role::kLead ? "lead" : "coordinating"; }

int CategoryCounts::total() const {
  int n = 0;
  for (int c : counts) n += c;
  return n;
}

int CategoryCounts::completed() const {
  return (*this)[Category::kCompletedOnTime] + (*this)[Category::kCompletedLate];
}

CategoryCounts& CategoryCounts::operator+=(const CategoryCounts& o) {
  for (int i = 0; i < kCategoryCount; ++i) counts[i] += o.counts[i];
  return *this;
}

bool CategoryCounts::operator==(const CategoryCounts& o) const {
  return std::equal(std::begin(counts), std::end(counts), std::begin(o.counts));
}

namespace {

uint64_t NextInstance() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

Ledger::Ledger() : instance_(NextInstance()) {}
Ledger::~Ledger() = default;

bool Ledger::IndexKey::operator<(const IndexKey& o) const {
  if (due_days != o.due_days) return due_days < o.due_days;
  if (seq != o.seq) return seq < o.seq;
  if (occurrence != o.occurrence) return occurrence < o.occurrence;
  return member < o.member;
}

Ledger::IndexKey Ledger::KeyOf(const Task& t, uint32_t i) {
  const Occurrence& o = t.occurrences[i];
  return IndexKey{o.due ? static_cast<int32_t>(DaysFromCivil(*o.due)) : INT32_MAX, t.seq, i, &t};
}

void Ledger::BeginReplay() { replaying_ = true; }

std::unique_ptr<Ledger> Ledger::Clone() const {
  auto c = std::make_unique<Ledger>();
  c->position_ = position_;
  c->last_recorded_at_ms_ = last_recorded_at_ms_;
  c->next_task_seq_ = next_task_seq_;
  c->agency_ids_ = agency_ids_;
  c->agency_nos_ = agency_nos_;
  for (const auto& [id, a] : agencies_) c->agencies_.emplace(id, std::make_unique<Agency>(*a));
  c->agency_names_ = agency_names_;
  c->groups_of_ = groups_of_;
  for (const auto& [id, p] : plans_) c->plans_.emplace(id, std::make_unique<Plan>(*p));
  for (const auto& [id, t] : tasks_) {
    auto copy = std::make_unique<Task>(*t);
    const std::string_view key = copy->id;  // the copy's own id: keys are views of it
    c->tasks_.emplace(key, std::move(copy));
  }
  c->replaying_ = true;
  c->EndReplay();
  return c;
}

void Ledger::EndReplay() {
  if (!replaying_) return;
  replaying_ = false;
  ++context_;
  std::vector<IndexKey> due, part_due;
  std::unordered_map<std::string, std::pair<std::vector<IndexKey>, std::vector<IndexKey>>> agency;
  std::unordered_map<uint32_t, std::vector<IndexKey>> parts;  // by member
  for (const auto& [id, t] : tasks_) {
    for (uint32_t i = 0; i < t->occurrences.size(); ++i) {
      const Occurrence& o = t->occurrences[i];
      for (const Part& p : o.parts) {
        if (!p.open() || p.due == kNoDay || p.left != kNever) continue;
        part_due.push_back(PartKeyOf(*t, i, p));
        parts[p.member].push_back(part_due.back());
      }
      if (!o.open()) continue;
      const IndexKey key = KeyOf(*t, i);
      if (o.due) due.push_back(key);
      for (const std::string& a : t->lead) agency[a].first.push_back(key);
      for (const std::string& a : t->coordinating) agency[a].second.push_back(key);
    }
  }
  // Sorted input lets std::set build in linear time.
  std::sort(due.begin(), due.end());
  due_ = std::set<IndexKey>(due.begin(), due.end());
  std::sort(part_due.begin(), part_due.end());
  part_due_ = std::set<IndexKey>(part_due.begin(), part_due.end());
  by_agency_.clear();
  for (auto& [member, keys] : parts) {
    std::sort(keys.begin(), keys.end());
    by_agency_[AgencyIdOf(member)].parts = std::set<IndexKey>(keys.begin(), keys.end());
  }
  for (auto& [id, keys] : agency) {
    std::sort(keys.first.begin(), keys.first.end());
    std::sort(keys.second.begin(), keys.second.end());
    AgencyIndex& index = by_agency_[id];
    index.lead = std::set<IndexKey>(keys.first.begin(), keys.first.end());
    index.coordinating = std::set<IndexKey>(keys.second.begin(), keys.second.end());
  }
}

void Ledger::Index(const Task& t, uint32_t i) {
  if (replaying_) return;
  const Occurrence& o = t.occurrences[i];
  if (!o.open()) return;
  const IndexKey key = KeyOf(t, i);
  if (o.due) due_.insert(key);
  for (const std::string& a : t.lead) by_agency_[a].lead.insert(key);
  for (const std::string& a : t.coordinating) by_agency_[a].coordinating.insert(key);
}

void Ledger::Unindex(const Task& t, uint32_t i) { UnindexKey(t, KeyOf(t, i)); }

void Ledger::UnindexKey(const Task& t, const IndexKey& key) {
  if (replaying_) return;
  due_.erase(key);
  for (const std::string& a : t.lead) {
    if (auto it = by_agency_.find(a); it != by_agency_.end()) it->second.lead.erase(key);
  }
  for (const std::string& a : t.coordinating) {
    if (auto it = by_agency_.find(a); it != by_agency_.end()) it->second.coordinating.erase(key);
  }
}

void Ledger::IndexAll(const Task& t) {
  for (uint32_t i = 0; i < t.occurrences.size(); ++i) Index(t, i);
}

void Ledger::UnindexAll(const Task& t) {
  for (uint32_t i = 0; i < t.occurrences.size(); ++i) Unindex(t, i);
}

const Agency* Ledger::FindAgency(std::string_view id) const {
  auto it = agencies_.find(id);
  return it == agencies_.end() ? nullptr : it->second.get();
}

const Plan* Ledger::FindPlan(std::string_view id) const {
  auto it = plans_.find(id);
  return it == plans_.end() ? nullptr : it->second.get();
}

const Task* Ledger::FindTask(std::string_view id) const {
  auto it = tasks_.find(id);
  return it == tasks_.end() ? nullptr : it->second.get();
}

std::vector<std::string> Ledger::MatchAgency(std::string_view name) const {
  auto it = agency_names_.find(Fold(name));
  if (it == agency_names_.end()) return {};
  std::vector<std::string> ids = it->second;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<const Agency*> Ledger::Agencies() const {
  std::vector<const Agency*> out;
  for (const auto& [id, a] : agencies_) out.push_back(a.get());
  return out;
}

std::vector<const Plan*> Ledger::Plans() const {
  std::vector<const Plan*> out;
  for (const auto& [id, p] : plans_) out.push_back(p.get());
  return out;
}

std::vector<std::string> Ledger::GroupsOf(std::string_view agency) const {
  auto it = groups_of_.find(agency);
  return it == groups_of_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<Role> Ledger::RoleOf(std::string_view agency, const Task& task) const {
  std::vector<std::string> as = GroupsOf(agency);
  as.emplace_back(agency);
  const auto in = [&](const std::vector<std::string>& list) {
    return std::any_of(as.begin(), as.end(), [&](const std::string& a) {
      return std::find(list.begin(), list.end(), a) != list.end();
    });
  };
  if (in(task.lead)) return Role::kLead;
  if (in(task.coordinating)) return Role::kCoordinating;
  return std::nullopt;
}

std::vector<AgencyItem> Ledger::AgencyTasks(std::string_view agency, Date today,
                                            const AgencyQuery& q) const {
  // Merge the sorted index sets of the agency, of each group it belongs to and of its own parts
  // with due dates of their own, lead before coordinating for the same occurrence, and stop at
  // the limit. Through a group the agency sees its own part: one it has done, one that is not
  // (or no longer) its own on that day, or one with a due date of its own (seen through that
  // index, at that date) is passed over.
  enum class Source { kDirect, kGroup, kOwnParts };
  struct Cursor {
    std::set<IndexKey>::const_iterator it, end;
    Role role;
    const std::string* via;
    Source source;
  };
  static const std::string kDirect;
  const std::vector<std::string> groups = GroupsOf(agency);
  const std::optional<uint32_t> member = AgencyNo(agency);
  std::vector<Cursor> cursors;
  const auto add = [&](std::string_view id, const std::string* via, Source source) {
    auto it = by_agency_.find(id);
    if (it == by_agency_.end()) return;
    if (source == Source::kOwnParts) {
      cursors.push_back(
          {it->second.parts.begin(), it->second.parts.end(), Role::kLead, via, source});
      return;
    }
    if (!q.role || *q.role == Role::kLead) {
      cursors.push_back({it->second.lead.begin(), it->second.lead.end(), Role::kLead, via, source});
    }
    if (!q.role || *q.role == Role::kCoordinating) {
      cursors.push_back({it->second.coordinating.begin(), it->second.coordinating.end(),
                         Role::kCoordinating, via, source});
    }
  };
  add(agency, &kDirect, Source::kDirect);
  for (const std::string& g : groups) add(g, &g, Source::kGroup);
  add(agency, &kDirect, Source::kOwnParts);

  std::vector<AgencyItem> out;
  const int64_t today_days = DaysFromCivil(today);
  const IndexKey* last = nullptr;
  while (out.size() < q.limit) {
    Cursor* best = nullptr;
    for (Cursor& c : cursors) {
      if (c.it == c.end) continue;
      if (!best || *c.it < *best->it ||
          (!(*best->it < *c.it) && c.role == Role::kLead && best->role != Role::kLead)) {
        best = &c;
      }
    }
    if (!best) break;
    const IndexKey& k = *best->it;
    ++best->it;
    if (last && !(*last < k) && !(k < *last)) continue;  // seen through another source
    last = &k;
    if (k.due_days == INT32_MAX && !q.include_undated) break;
    const Occurrence& o = k.task->occurrences[k.occurrence];
    const Part* part = nullptr;
    Role role = best->role;
    const std::string* via = best->via;
    if (best->source != Source::kDirect) {
      part = member ? o.FindPart(*member) : nullptr;
      if (!part || !part->open() || !part->HeldOn(HeldDay(o, today))) continue;
      if (best->source == Source::kGroup && part->due != kNoDay) continue;
      if (best->source == Source::kOwnParts) {
        if (!o.open()) continue;
        role = part->lead ? Role::kLead : Role::kCoordinating;
        if (q.role && *q.role != role) continue;
        // The group it holds the part through, for the list to say.
        for (const std::string& g : groups) {
          if (NamedIn(g, *k.task)) {
            via = &g;
            break;
          }
        }
      }
    }
    std::optional<int64_t> days_left;
    if (k.due_days != INT32_MAX) days_left = k.due_days - today_days;
    out.push_back(AgencyItem{k.task, &o, role, *via, days_left, part});
  }
  return out;
}

std::vector<DueItem> Ledger::DueBetween(Date from, Date to, size_t limit) const {
  std::vector<DueItem> out;
  const IndexKey lo{static_cast<int32_t>(DaysFromCivil(from)), 0, 0, nullptr};
  const int32_t hi = static_cast<int32_t>(DaysFromCivil(to));
  for (auto it = due_.lower_bound(lo); it != due_.end() && it->due_days <= hi; ++it) {
    if (out.size() >= limit) break;
    out.push_back(DueItem{it->task, &it->task->occurrences[it->occurrence]});
  }
  return out;
}

std::vector<DueItem> Ledger::Overdue(Date as_of, size_t limit) const {
  std::vector<DueItem> out;
  const int32_t before = static_cast<int32_t>(DaysFromCivil(as_of));
  for (auto it = due_.begin(); it != due_.end() && it->due_days < before; ++it) {
    if (out.size() >= limit) break;
    out.push_back(DueItem{it->task, &it->task->occurrences[it->occurrence]});
  }
  return out;
}

bool Ledger::Participates(std::string_view agency, const Plan& plan) const {
  return std::any_of(plan.task_ids.begin(), plan.task_ids.end(), [&](const std::string& id) {
    const Task* t = FindTask(id);
    return t && RoleOf(agency, *t).has_value();
  });
}

PlanCounts CountsOf(const PlanReport& report) {
  PlanCounts c{report.totals, report.by_lead, 0};
  for (const ReportLine& line : report.lines) {
    c.due += line.category != Category::kCancelled && line.occurrence->due &&
             !(report.as_of < *line.occurrence->due);
  }
  return c;
}

CategoryCounts PartCounts(const Occurrence& o, Date as_of) {
  CategoryCounts c;
  if (o.parts.empty()) return c;
  const Day held = HeldDay(o, as_of);
  const PartJudge judge(o, as_of);
  for (const Part& p : o.parts) {
    if (p.HeldOn(held)) c[judge(p)]++;
  }
  return c;
}

PartsSummary Summarize(const Occurrence& o, Date as_of) {
  PartsSummary s;
  if (o.parts.empty()) return s;
  const Day held = HeldDay(o, as_of);
  const PartJudge judge(o, as_of);
  int64_t percent = 0;
  for (const Part& p : o.parts) {
    if (!p.HeldOn(held)) continue;
    const Category c = judge(p);
    s.counts[c]++;
    if (c == Category::kCancelled) continue;
    ++s.counted;
    const bool done = c == Category::kCompletedOnTime || c == Category::kCompletedLate;
    s.done += done;
    s.started += p.status != OccurrenceStatus::kNotStarted;
    percent += done ? 100 : p.percent;
    if (!p.detail) continue;
    s.awaiting_review += std::any_of(p.detail->deliverables.begin(), p.detail->deliverables.end(),
                                     [](const Deliverable& d) { return d.review.empty(); });
    s.extension_pending +=
        std::any_of(p.detail->extensions.begin(), p.detail->extensions.end(),
                    [](const ExtensionRequest& x) { return x.decision.empty(); });
  }
  s.percent = s.counted ? static_cast<int>(percent / s.counted) : 0;
  return s;
}

Result<PlanReport> Ledger::Report(std::string_view plan_id, Date as_of,
                                  std::string_view only_for) const {
  const Plan* plan = FindPlan(plan_id);
  if (!plan) return Status::NotFound("no plan '" + std::string(plan_id) + "'");
  PlanReport r{plan, as_of, {}, {}, {}, {}};
  r.only_for = std::string(only_for);
  std::vector<std::string_view> leads;
  for (const std::string& id : plan->task_ids) {
    const Task* t = FindTask(id);
    if (!t) continue;
    if (!only_for.empty() && !RoleOf(only_for, *t)) continue;
    leads.assign(t->lead.begin(), t->lead.end());
    std::sort(leads.begin(), leads.end());
    leads.erase(std::unique(leads.begin(), leads.end()), leads.end());
    for (const Occurrence& o : t->occurrences) {
      if (o.dropped) continue;
      const Category c = Classify(o, as_of);
      const CategoryCounts parts = PartCounts(o, as_of);
      const auto count = [&](ReportCounts& into, bool with_parts) {
        into.tasks[c]++;
        if (with_parts) into.parts += parts;
      };
      count(r.totals, true);
      count(r.by_section[t->section], true);
      // Each lead, co-leads too; a group's members' parts under the group.
      for (std::string_view lead : leads) {
        const Agency* a = FindAgency(lead);
        count(r.by_lead[std::string(lead)], a && a->kind == AgencyKind::kGroup);
      }
      if (leads.empty()) count(r.by_lead[std::string()], true);
      r.lines.push_back(ReportLine{t, &o, c, parts});
    }
  }
  return r;
}

}  // namespace taskledger::domain
