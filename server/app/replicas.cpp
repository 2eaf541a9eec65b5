// Plans' replicas for long renders: a plan's ledger folded from the log apart from the state
// commands fold into, so a report, an export or a Word file of any size is computed without
// taking the App's lock (app.h, PlanNow).
#include <spdlog/spdlog.h>

#include "server/app/app.h"

namespace taskledger::server {

struct App::Replicas {
  struct Idle {
    std::string plan;
    bool details = false;
    std::unique_ptr<State> state;
  };
  explicit Replicas(size_t keep) : keep(keep) {}

  // Takes the idle replica of `plan` nearest the head, if any.
  std::unique_ptr<State> Take(std::string_view plan, bool details) {
    std::lock_guard lock(mu);
    auto best = idle.end();
    for (auto it = idle.begin(); it != idle.end(); ++it) {
      if (it->plan != plan || it->details != details) continue;
      if (best == idle.end() || it->state->position() > best->state->position()) best = it;
    }
    if (best == idle.end()) return nullptr;
    std::unique_ptr<State> state = std::move(best->state);
    idle.erase(best);
    return state;
  }

  // Keeps `state` for the next render of `plan`; the least recently used beyond `keep` go.
  void Return(std::string plan, bool details, std::unique_ptr<State> state) {
    std::list<Idle> dropped;  // freed outside the lock: a big plan's ledger takes a while
    {
      std::lock_guard lock(mu);
      idle.push_front({std::move(plan), details, std::move(state)});
      while (idle.size() > keep) dropped.splice(dropped.begin(), idle, std::prev(idle.end()));
    }
  }

  const size_t keep;
  std::mutex mu;
  std::list<Idle> idle;  // by mu, most recently used first
};

void App::StartReplicas() { replicas_ = std::make_shared<Replicas>(options_.plan_replicas); }

Result<std::shared_ptr<const domain::Ledger>> App::PlanNow(std::string_view plan,
                                                           bool details) const {
  // Every command answered before this call is folded by then: a client reads its own writes.
  const uint64_t position = folded_position();
  std::unique_ptr<State> state = replicas_->Take(plan, details);
  if (Status s = FoldTo(position, plan, state, /*plan_only=*/false, details); !s.ok()) return s;
  state->ledger.EndReplay();
  State* lent = state.release();
  return std::shared_ptr<const domain::Ledger>(
      &lent->ledger, [replicas = replicas_, lent, plan = std::string(plan), details](auto*) {
        replicas->Return(plan, details, std::unique_ptr<State>(lent));
      });
}

}  // namespace taskledger::server
