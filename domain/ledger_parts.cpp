// Members' parts of tasks given to groups: who holds one, the tallies that settle an occurrence
// from its parts, and the indexes of parts with a due date of their own.
//
// Parts are made when a task is created, reassigned or rescheduled, and when a group it names
// changes members, so a report of any day reads them without the groups' history: a part holds
// from the day its member joined (or from the start) until the day it left.
#include <algorithm>
#include <map>

#include "domain/ledger.h"

namespace taskledger::domain {

namespace {

// What a part counts for in its occurrence's tally.
struct Share {
  bool held = false, started = false, exempt = false, done = false;
};

// The day whose membership the tally counts: the fold's day, or the due date once past — which
// members a report counts. Stable between membership events (a member joins or leaves only when
// one is recorded).
Day TallyDay(const Occurrence& o, Day day) { return o.due ? std::min(day, DayOf(*o.due)) : day; }

Share ShareOf(const Part& p, Day on) {
  using S = OccurrenceStatus;
  Share s;
  s.held = p.HeldOn(on);
  if (!s.held) return s;
  s.exempt = p.status == S::kCancelled;
  s.started = p.status != S::kNotStarted && !s.exempt;
  s.done = p.status == S::kCompleted;
  return s;
}

}  // namespace

void Ledger::Tally(Occurrence& o, const Part& p, Day day, int sign) {
  const Share s = ShareOf(p, TallyDay(o, day));
  if (!s.held) return;
  PartTally& t = o.tally;
  t.held += sign;
  t.started += s.started ? sign : 0;
  t.exempt += s.exempt ? sign : 0;
  if (!s.done) return;
  const Day done = p.completed_on;
  if (sign > 0) {
    t.done.insert(std::upper_bound(t.done.begin(), t.done.end(), done), done);
  } else if (auto it = std::lower_bound(t.done.begin(), t.done.end(), done);
             it != t.done.end() && *it == done) {
    t.done.erase(it);
  }
}

void Ledger::Recount(Occurrence& o, Day day) {
  PartTally t;
  const Day on = TallyDay(o, day);
  for (const Part& p : o.parts) {
    const Share s = ShareOf(p, on);
    t.held += s.held;
    t.started += s.started;
    t.exempt += s.exempt;
    if (s.done) t.done.push_back(p.completed_on);
  }
  std::sort(t.done.begin(), t.done.end());
  o.tally = std::move(t);
}

void Ledger::Settle(const Task& t, Occurrence& o) {
  using S = OccurrenceStatus;
  if (o.own_status == S::kCompleted || o.own_status == S::kCancelled) {
    o.status = o.own_status;
    o.completed_on = o.own_completed_on;
    o.completed_late = o.own_late;
    return;
  }
  const CompletionRule rule = t.EffectiveRule();
  const PartTally& tally = o.tally;
  const uint32_t counted = tally.held - tally.exempt;
  if ((rule.kind == RuleKind::kAllParts || rule.kind == RuleKind::kThreshold) && counted > 0) {
    const uint32_t needed =
        rule.kind == RuleKind::kAllParts
            ? counted
            : std::max<uint32_t>(1, (counted * static_cast<uint32_t>(rule.percent) + 99) / 100);
    if (tally.done.size() >= needed) {
      // Completed on the day the last part it needed was: late against the due date in force.
      o.status = S::kCompleted;
      o.completed_on = CivilFromDays(tally.done[needed - 1]);
      o.completed_late = o.due && *o.completed_on > *o.due;
      return;
    }
  }
  o.status = o.own_status;
  if (o.status == S::kNotStarted && tally.started > 0) o.status = S::kInProgress;
  o.completed_on.reset();
  o.completed_late = false;
}

bool Ledger::NamedIn(std::string_view agency, const Task& t) const {
  const auto in = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), agency) != list.end();
  };
  return in(t.lead) || in(t.coordinating);
}

Ledger::Holders Ledger::HoldersOf(const Task& t) const {
  // The holders: members of each group the task names, but not agencies it names itself (they
  // act on the occurrence as a whole), nor groups within groups.
  Holders out;
  out.group_led = !t.lead.empty();
  const auto add = [&](const std::vector<std::string>& ids, bool lead) {
    for (const std::string& id : ids) {
      const Agency* g = FindAgency(id);
      const bool group = g && g->kind == AgencyKind::kGroup;
      if (lead && !group) out.group_led = false;
      if (!group) continue;
      for (size_t i = 0; i < g->members.size(); ++i) {
        const std::string& m = g->members[i];
        const Agency* member = FindAgency(m);
        if (!member || member->kind == AgencyKind::kGroup || NamedIn(m, t)) continue;
        const std::optional<uint32_t> no = AgencyNo(m);
        if (!no) continue;
        out.list.push_back({*no, lead, i < g->joined.size() ? g->joined[i] : kAlways});
      }
    }
  };
  add(t.lead, true);
  add(t.coordinating, false);
  std::sort(out.list.begin(), out.list.end(),
            [](const Holder& a, const Holder& b) { return a.member < b.member; });
  // A member of two groups the task names holds one part: a lead's if either leads, from the
  // earlier of its two days.
  std::vector<Holder> unique;
  for (const Holder& h : out.list) {
    if (!unique.empty() && unique.back().member == h.member) {
      unique.back().lead |= h.lead;
      unique.back().joined = std::min(unique.back().joined, h.joined);
    } else {
      unique.push_back(h);
    }
  }
  out.list = std::move(unique);
  out.group_led = out.group_led && !out.list.empty();
  return out;
}

void Ledger::HoldParts(Task& t, Day day) { HoldParts(t, HoldersOf(t), day); }

void Ledger::HoldParts(Task& t, const Holders& holders, Day day) {
  t.group_led = holders.group_led;
  const std::vector<Holder>& unique = holders.list;
  for (uint32_t index = 0; index < t.occurrences.size(); ++index) {
    Occurrence& o = t.occurrences[index];
    if (o.dropped || (o.parts.empty() && unique.empty())) continue;
    std::vector<Part> merged;
    merged.reserve(std::max(o.parts.size(), unique.size()));
    auto old = o.parts.begin();
    auto h = unique.begin();
    while (old != o.parts.end() || h != unique.end()) {
      if (h == unique.end() || (old != o.parts.end() && old->member < h->member)) {
        // No longer a holder: it keeps its part, closed to it from today.
        if (old->left == kNever) {
          UnindexPart(t, index, *old);
          old->left = day;
        }
        merged.push_back(std::move(*old++));
      } else if (old == o.parts.end() || h->member < old->member) {
        Part p;
        p.member = h->member;
        p.lead = h->lead;
        p.joined = h->joined;
        merged.push_back(std::move(p));
        ++h;
      } else {
        // Still (or again) a holder. One who left and came back holds it again, as if it had
        // never left: a part keeps one span, not a history of them.
        old->lead = h->lead;
        if (old->left != kNever) {
          old->left = kNever;
          IndexPart(t, index, *old);
        }
        merged.push_back(std::move(*old++));
        ++h;
      }
    }
    o.parts = std::move(merged);
    Recount(o, day);
    Settle(t, o);
  }
}

void Ledger::HoldPartsOfGroup(std::string_view group, Day day) {
  // Tasks naming the same agencies have the same holders: worked out once for all of them (a
  // department's plan gives hundreds of tasks to one group).
  std::map<std::pair<std::vector<std::string>, std::vector<std::string>>, Holders> holders;
  for (auto& [id, t] : tasks_) {
    if (!NamedIn(group, *t)) continue;
    auto it = holders.find({t->lead, t->coordinating});
    if (it == holders.end())
      it = holders.emplace(std::pair{t->lead, t->coordinating}, HoldersOf(*t)).first;
    UnindexAll(*t);
    HoldParts(*t, it->second, day);
    IndexAll(*t);
  }
}

std::optional<uint32_t> Ledger::AgencyNo(std::string_view id) const {
  auto it = agency_nos_.find(id);
  if (it == agency_nos_.end()) return std::nullopt;
  return it->second;
}

const std::string& Ledger::AgencyIdOf(uint32_t no) const {
  static const std::string kNone;
  return no < agency_ids_.size() ? agency_ids_[no] : kNone;
}

const Part* Ledger::PartOf(std::string_view agency, const Occurrence& o) const {
  const std::optional<uint32_t> no = AgencyNo(agency);
  return no ? o.FindPart(*no) : nullptr;
}

Ledger::IndexKey Ledger::PartKeyOf(const Task& t, uint32_t occurrence, const Part& p) {
  return IndexKey{p.due, t.seq, occurrence, &t, p.member};
}

namespace {

bool OwnDueIndexed(const Part& p) { return p.open() && p.due != kNoDay && p.left == kNever; }

}  // namespace

void Ledger::IndexPart(const Task& t, uint32_t occurrence, const Part& p) {
  if (replaying_ || !OwnDueIndexed(p)) return;
  const IndexKey key = PartKeyOf(t, occurrence, p);
  part_due_.insert(key);
  by_agency_[AgencyIdOf(p.member)].parts.insert(key);
}

void Ledger::UnindexPart(const Task& t, uint32_t occurrence, const Part& p) {
  if (replaying_ || !OwnDueIndexed(p)) return;
  const IndexKey key = PartKeyOf(t, occurrence, p);
  part_due_.erase(key);
  if (auto it = by_agency_.find(AgencyIdOf(p.member)); it != by_agency_.end()) {
    it->second.parts.erase(key);
  }
}

namespace {

// An own-due part whose occurrence is still live.
bool Live(const Occurrence& o) { return o.open(); }

}  // namespace

std::vector<PartDueItem> Ledger::PartsDueBetween(Date from, Date to) const {
  std::vector<PartDueItem> out;
  const IndexKey lo{static_cast<int32_t>(DaysFromCivil(from)), 0, 0, nullptr};
  const int32_t hi = static_cast<int32_t>(DaysFromCivil(to));
  for (auto it = part_due_.lower_bound(lo); it != part_due_.end() && it->due_days <= hi; ++it) {
    const Occurrence& o = it->task->occurrences[it->occurrence];
    if (Live(o)) out.push_back({it->task, &o, o.FindPart(it->member)});
  }
  return out;
}

std::vector<PartDueItem> Ledger::PartsOverdue(Date as_of) const {
  std::vector<PartDueItem> out;
  const int32_t before = static_cast<int32_t>(DaysFromCivil(as_of));
  for (auto it = part_due_.begin(); it != part_due_.end() && it->due_days < before; ++it) {
    const Occurrence& o = it->task->occurrences[it->occurrence];
    if (Live(o)) out.push_back({it->task, &o, o.FindPart(it->member)});
  }
  return out;
}

}  // namespace taskledger::domain
