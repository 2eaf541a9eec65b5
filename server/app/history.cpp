// The past: the state as it stood at a day's end, from the nearest checkpoint and the log after
// it, for "as of" answers and series.
#include <spdlog/spdlog.h>

#include "domain/date.h"
#include "domain/event_types.h"
#include "server/app/app.h"
#include "server/app/checkpoint.h"

namespace taskledger::server {
namespace {

// Past states of every plan are kept for questions asked again only up to this many tasks.
constexpr size_t kKeepWholeTasks = 50'000;

std::shared_ptr<const domain::Ledger> LedgerOf(std::shared_ptr<const State> state) {
  return std::shared_ptr<const domain::Ledger>(state, &state->ledger);
}

}  // namespace

Result<std::shared_ptr<const domain::Ledger>> App::LedgerAsOf(domain::Date day,
                                                              std::string_view plan,
                                                              bool for_reports) const {
  // Only days already over are kept: later events are recorded after their end.
  const bool over = domain::EndOfDayUtcMs(day) < NowMs();
  if (over) {
    std::lock_guard lock(past_mu_);
    for (auto it = past_.begin(); it != past_.end(); ++it) {
      // A ledger of every plan answers for one plan too; one with the details for reports.
      if (it->day == day && (it->plan.empty() || it->plan == plan) &&
          (it->details || for_reports)) {
        past_.splice(past_.begin(), past_, it);
        return LedgerOf(past_.front().state);
      }
    }
  }
  auto folded = FoldAsOf(day, plan, !for_reports);
  if (!folded.ok()) return folded.status();
  std::shared_ptr<const State> state = std::move(*folded);
  // A whole past state of a big store costs as much memory as the live one: only one plan's,
  // or a small store's, is kept.
  const bool small = !plan.empty() || state->ledger.task_count() <= kKeepWholeTasks;
  if (over && small && options_.past_cache > 0) {
    std::lock_guard lock(past_mu_);
    past_.push_front({day, std::string(plan), !for_reports, state});
    while (past_.size() > options_.past_cache) past_.pop_back();
  }
  return LedgerOf(state);
}

Result<std::shared_ptr<const domain::Ledger>> App::AgencyAsOf(domain::Date day,
                                                              std::string_view agency) const {
  auto until = store_->PositionAt(domain::EndOfDayUtcMs(day));
  if (!until.ok()) return until.status();
  // The nearest usable checkpoint, and the plans the agency took part in by then.
  std::optional<CheckpointInfo> base;
  std::set<std::string, std::less<>> plans;
  const std::vector<CheckpointInfo> all = checkpoints_->List();
  for (auto c = all.rbegin(); c != all.rend() && !base; ++c) {
    if (c->position > *until || !checkpoints_->Usable(*c)) continue;
    auto in = LoadAgencyPlans(*c, {std::string(agency)});
    if (!in.ok() || !*in) break;  // unreadable, or written before it said: every plan
    base = *c;
    plans = std::move(**in);
  }
  if (!base) return LedgerAsOf(day);
  // The log after it may bring the agency into more plans: a task created for it, or handed to
  // it or to a group (any group: it may be one of its members), adds the task's plan; a change
  // of the agency itself (its groups) is rare enough to answer from every plan.
  std::vector<std::string> names = {"\"" + std::string(agency) + "\""};
  Read([&](const domain::Ledger& l) {
    for (const domain::Agency* a : l.Agencies()) {
      if (a->kind == domain::AgencyKind::kGroup) names.push_back("\"" + a->id + "\"");
    }
  });
  bool every_plan = false;
  Status scanned = store_->Scan(base->position + 1, *until, [&](const EventView& e) {
    const bool assigns =
        e.type == domain::ev::kTaskCreated || e.type == domain::ev::kTaskReassigned;
    if (e.type.starts_with("agency.") && e.data.find(names.front()) != std::string_view::npos) {
      every_plan = true;
      return false;
    }
    if (!assigns) return true;
    for (const std::string& name : names) {
      if (e.data.find(name) == std::string_view::npos) continue;
      const std::string_view id = e.stream.substr(5);  // "task-<plan>:<code>"
      plans.emplace(id.substr(0, id.find(':')));
      break;
    }
    return true;
  });
  if (!scanned.ok()) return scanned;
  if (every_plan) return LedgerAsOf(day);
  auto state = std::make_unique<State>();
  if (Status s = LoadCheckpoint(*base, *state, &plans, /*details=*/false); !s.ok()) {
    return LedgerAsOf(day);  // damaged: the whole state, which sets it aside
  }
  if (Status s = state->FoldLog(*store_, *until); !s.ok()) return s;
  state->ledger.EndReplay();
  std::shared_ptr<const State> done = std::move(state);
  return LedgerOf(done);
}

Status App::FoldTo(uint64_t position, std::string_view plan, std::unique_ptr<State>& state,
                   bool plan_only, bool details) const {
  const std::set<std::string, std::less<>> plans{std::string(plan)};
  const auto* scope = plan.empty() ? nullptr : &plans;
  if (!state || state->position() > position) {
    checkpoints_->LoadNearest(position, state, scope, details);
  } else if (position - state->position() > options_.jump_events) {
    // The newest checkpoint at or before `position`, if it is far enough past this state to be
    // worth loading: whole, or for `plan_only` just the plan's part (a damaged one: whole).
    const std::vector<CheckpointInfo> all = checkpoints_->List();
    for (auto c = all.rbegin(); c != all.rend(); ++c) {
      if (c->position > position) continue;
      if (c->position > state->position() + options_.jump_events) {
        const Result<bool> matches = checkpoints_->Matches(*c);
        const bool part =
            plan_only && scope && matches.ok() && *matches && LoadPlanPart(*c, plan, *state).ok();
        if (!part) checkpoints_->LoadNearest(position, state, scope, details);
      }
      break;
    }
  }
  return state->FoldLog(*store_, position);
}

Result<std::unique_ptr<State>> App::FoldAsOf(domain::Date day, std::string_view plan,
                                             bool details) const {
  auto until = store_->PositionAt(domain::EndOfDayUtcMs(day));
  if (!until.ok()) return until.status();
  if (*until == 0) {
    // Before the log's first event: say so, rather than answer with an empty past.
    auto first = store_->ReadAll(1, 1);
    if (first.ok() && !first->empty()) {
      const std::string begins = domain::ToIso(domain::DateAtUtcMs(first->front().recorded_at_ms));
      return Status::NotFound("the log begins on " + begins + "; nothing was recorded by " +
                              domain::ToIso(day))
          .With("before-log", {{"date", domain::ToIso(day)}, {"first", begins}});
    }
  }
  std::unique_ptr<State> state;
  if (Status s = FoldTo(*until, plan, state, false, details); !s.ok()) return s;
  state->ledger.EndReplay();
  return state;
}

Status App::FoldThrough(const std::vector<domain::Date>& days, std::string_view plan,
                        const std::function<void(size_t, const domain::Ledger&)>& at,
                        bool plan_only) const {
  for (size_t i = 1; i < days.size(); ++i) {
    if (days[i] < days[i - 1]) return Status::InvalidArgument("days must be in order");
  }
  std::unique_ptr<State> state;
  for (size_t i = 0; i < days.size(); ++i) {
    auto until = store_->PositionAt(domain::EndOfDayUtcMs(days[i]));
    if (!until.ok()) return until.status();
    if (Status s = FoldTo(*until, plan, state, plan_only, /*details=*/false); !s.ok()) return s;
    // Queries need the indexes; the next stretch is folded in a replay again.
    state->ledger.EndReplay();
    at(i, state->ledger);
    state->ledger.BeginReplay();
  }
  return Status::Ok();
}

std::optional<domain::PlanCounts> App::CountsAt(domain::Date day, std::string_view plan) const {
  for (const CheckpointInfo& c : checkpoints_->List()) {
    if (c.day != day) continue;
    // Its position must be the day's end in this log, and its event this log's.
    auto until = store_->PositionAt(domain::EndOfDayUtcMs(day));
    const Result<bool> matches = checkpoints_->Matches(c);
    if (!until.ok() || *until != c.position || !matches.ok() || !*matches) return std::nullopt;
    auto counts = LoadCounts(c, plan);
    if (!counts.ok()) {
      spdlog::warn("checkpoint {}: {}", c.path, counts.status().message());
      return std::nullopt;
    }
    return *counts;
  }
  return std::nullopt;
}

}  // namespace taskledger::server
