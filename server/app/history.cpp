// The past: the ledger folded from the log up to a day's end, for "as of" answers and series.
#include "domain/date.h"
#include "server/app/app.h"

namespace taskledger::server {

Result<std::shared_ptr<const domain::Ledger>> App::LedgerAsOf(domain::Date day) const {
  // Only days already over are kept: later events are recorded after their end.
  const bool over = domain::EndOfDayUtcMs(day) < NowMs();
  if (over) {
    std::lock_guard lock(past_mu_);
    for (auto it = past_.begin(); it != past_.end(); ++it) {
      if (it->first == day) {
        past_.splice(past_.begin(), past_, it);
        return past_.front().second;
      }
    }
  }
  auto folded = FoldAsOf(day);
  if (!folded.ok()) return folded.status();
  std::shared_ptr<const domain::Ledger> ledger = std::move(*folded);
  if (over && options_.past_cache > 0) {
    std::lock_guard lock(past_mu_);
    past_.emplace_front(day, ledger);
    while (past_.size() > options_.past_cache) past_.pop_back();
  }
  return ledger;
}

Result<std::unique_ptr<domain::Ledger>> App::FoldAsOf(domain::Date day) const {
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
  auto past = std::make_unique<domain::Ledger>();
  past->BeginReplay();
  if (*until > 0) {
    Status failed = Status::Ok();
    Status s = store_->Scan(1, *until, [&](const EventView& e) {
      failed = past->Apply(e);
      return failed.ok();
    });
    if (!s.ok()) return s;
    if (!failed.ok()) return failed;
  }
  past->EndReplay();
  return past;
}

Status App::FoldThrough(const std::vector<domain::Date>& days,
                        const std::function<void(size_t, const domain::Ledger&)>& at) const {
  if (days.empty()) return Status::Ok();
  for (size_t i = 1; i < days.size(); ++i) {
    if (days[i] < days[i - 1]) return Status::InvalidArgument("days must be in order");
  }
  auto until = store_->PositionAt(domain::EndOfDayUtcMs(days.back()));
  if (!until.ok()) return until.status();
  domain::Ledger past;
  size_t next = 0;
  // Every day whose end comes before `recorded_at_ms` is answered before that event is folded.
  const auto answer_before = [&](int64_t recorded_at_ms) {
    while (next < days.size() && domain::EndOfDayUtcMs(days[next]) < recorded_at_ms) {
      at(next, past);
      ++next;
    }
  };
  if (*until > 0) {
    Status failed = Status::Ok();
    Status s = store_->Scan(1, *until, [&](const EventView& e) {
      answer_before(e.recorded_at_ms);
      failed = past.Apply(e);
      return failed.ok();
    });
    if (!s.ok()) return s;
    if (!failed.ok()) return failed;
  }
  while (next < days.size()) at(next++, past);
  return Status::Ok();
}

}  // namespace taskledger::server
