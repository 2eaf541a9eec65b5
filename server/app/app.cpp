#include "server/app/app.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <stdexcept>

#include "events/util/clock.h"
#include "events/util/progress.h"
#include "events/util/sha256.h"

namespace taskledger::server {
namespace {

// An unconditional command is decided again each time another one on its stream commits first.
// Only a bug could make one lose this many races in a row; it then gets 503 rather than a
// notifier thread spinning forever.
constexpr int kMaxDecisions = 10000;

// 16 bytes of SHA-256, in hex.
std::string ShortDigest(std::string_view text) {
  thread_local Sha256 sha;
  return ToHex(sha.Digest(text)).substr(0, 32);
}

}  // namespace

struct Pending {
  domain::Command command;
  domain::Actor actor;
  CommandOptions options;
  std::function<void(Result<CommandOutcome>)> done;
  std::string idem_slot;    // "token:keydigest", empty without a key
  std::string fingerprint;  // digest of the request, with a key
  int attempts = 0;
};

[[noreturn]] void FailStop(const std::string& why) {
  spdlog::critical("stopping: {}", why);
  spdlog::default_logger()->flush();
  std::fprintf(stderr, "taskledger: stopping: %s\n", why.c_str());
  std::abort();
}

App::App(AppOptions options)
    : options_(std::move(options)),
      clock_(OrSystemClock(options_.clock_ms)),
      files_(options_.data_dir + "/files", [this] {
        FileStoreOptions o = options_.files;
        o.store_uri = options_.store_uri;
        return o;
      }()) {
  StartReplicas();
}

App::~App() {
  stop_following_ = true;
  if (follower_.joinable()) follower_.join();
  if (delivery_lock_.joinable()) delivery_lock_.join();
  StopMail(0);
  StopWebhooks(0);
  if (checkpoints_) checkpoints_->Stop();
  // The appends still queued are answered now, while the Ledger their answers fold into is alive.
  if (store_) store_->Close();
}

void App::Submit(domain::Decision d, std::function<void(Result<CommandOutcome>)> done) {
  const std::string stream = d.stream;
  store_->AppendAsync(stream, d.expected, std::move(d.events),
                      [this, stream, done = std::move(done)](AppendResult r) {
                        if (!r.ok()) return done(r.status);
                        done(Folded(stream, r));
                      });
}

CommandOutcome App::Folded(const std::string& stream, const AppendResult& r) {
  // Fold the whole group that carried this append at once: its other writers, answered next,
  // then find nothing left to fold.
  CatchUp(std::max(r.last_position, store_->head().position));
  CommandOutcome o;
  o.stream = stream;
  o.first_position = r.first_position;
  o.last_position = r.last_position;
  o.version = r.stream_version.value_or(0);
  return o;
}

Result<std::unique_ptr<App>> App::Open(AppOptions options) {
  std::unique_ptr<App> app(new App(std::move(options)));
  const AppOptions& o = app->options_;
  auto store = [&]() -> Result<std::unique_ptr<EventStore>> {
    if (o.store_uri.empty()) {
      RocksStoreOptions so = o.store;
      if (!so.clock_ms && o.clock_ms) so.clock_ms = o.clock_ms;
      return OpenRocksEventStore(o.data_dir, so);
    }
    PgStoreOptions so = o.pg_store;
    if (!so.clock_ms && o.clock_ms) so.clock_ms = o.clock_ms;
    return OpenPgEventStore(o.store_uri, so);
  }();
  if (!store.ok()) return store.status();
  app->store_ = std::move(*store);
  app->checkpoints_ =
      std::make_unique<Checkpoints>(app->options_.data_dir + "/checkpoints", *app->store_,
                                    app->clock_, app->options_.checkpoints);
  // The nearest checkpoint and the log after it; the log alone when there is none.
  const auto started = std::chrono::steady_clock::now();
  const uint64_t head = app->store_->head().position;
  Opened& opened = app->opened_;
  opened.checkpoint = app->checkpoints_->LoadNearest(head, app->state_);
  if (opened.checkpoint) {
    spdlog::info("state of {} loaded from its checkpoint (position {}); folding {} events after it",
                 domain::ToIso(opened.checkpoint->day), opened.checkpoint->position,
                 head - opened.checkpoint->position);
  }
  opened.events_folded = head - app->state_->position();
  // A big log takes a while to fold: say how far it is, every few seconds, in the log.
  Progress progress = Progress::Log("folding the log", head,
                                    [](const std::string& line) { spdlog::info("{}", line); });
  Status folded = app->Fold(head, &progress);
  progress.Finish();
  app->state_->ledger.EndReplay();
  if (!folded.ok()) return folded;
  opened.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (app->store_->shared()) app->follower_ = std::thread([a = app.get()] { a->Follow(); });
  return app;
}

void App::CatchUp(uint64_t to_position) {
  Status s = Fold(to_position);
  if (s.code() == Status::Code::kUnavailable) {
    // The log's database is out of reach: the state stays where it is and catches up once it
    // answers again (the follower keeps trying).
    spdlog::warn("folding the log: {}", s.message());
    return;
  }
  if (!s.ok()) {
    // The log holds what the projection cannot fold: every answer from here on would describe a
    // ledger that no longer matches the log. Stop, loudly; the log is intact for whoever looks.
    options_.on_fold_failure(s.message());
    std::abort();  // on_fold_failure must not return; if it does, stop anyway
  }
}

Status App::Fold(uint64_t to_position, Progress* progress) {
  const auto asked = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  const auto waited = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::steady_clock::now() - asked)
                                                .count());
  ++folds_;
  fold_wait_micros_ += waited;
  for (uint64_t max = fold_wait_max_micros_; waited > max;) {
    if (fold_wait_max_micros_.compare_exchange_weak(max, waited)) break;
  }
  const Status folded = state_->FoldLog(*store_, to_position, progress);
  folded_.store(state_->position(), std::memory_order_release);
  if (!folded.ok()) return folded;
  if (state_->position() < to_position) {
    return Status::Corruption("folding the log stopped at position " +
                              std::to_string(state_->position()) + " of " +
                              std::to_string(to_position));
  }
  return Status::Ok();
}

std::shared_ptr<void> App::BeginSecretChange() {
  std::unique_lock lock(secrets_mu_);
  secrets_cv_.wait(lock, [this] { return !secrets_paused_; });
  ++secret_changes_;
  return std::shared_ptr<void>(nullptr, [this](void*) {
    {
      std::lock_guard lock(secrets_mu_);
      --secret_changes_;
    }
    secrets_cv_.notify_all();
  });
}

std::shared_ptr<void> App::PauseSecretChanges() {
  std::unique_lock lock(secrets_mu_);
  secrets_cv_.wait(lock, [this] { return !secrets_paused_; });
  secrets_paused_ = true;
  secrets_cv_.wait(lock, [this] { return secret_changes_ == 0; });
  return std::shared_ptr<void>(nullptr, [this](void*) {
    {
      std::lock_guard lock(secrets_mu_);
      secrets_paused_ = false;
    }
    secrets_cv_.notify_all();
  });
}

std::optional<TokenRecord> App::Authenticate(std::string_view token, std::string_view scope) const {
  std::shared_lock lock(mu_);
  return state_->tokens.Check(token, scope);
}

void App::Execute(domain::Command command, domain::Actor actor, CommandOptions options,
                  std::function<void(Result<CommandOutcome>)> done) {
  auto p = std::make_shared<Pending>();
  p->command = std::move(command);
  p->actor = std::move(actor);
  p->options = std::move(options);
  p->done = std::move(done);
  if (!p->options.idempotency_key.empty()) {
    p->idem_slot = p->options.token_id + ":" + ShortDigest(p->options.idempotency_key);
    p->fingerprint = ShortDigest(p->options.fingerprint);
    if (store_->shared()) {
      // A retry may follow an answer this node never gave (a 503 while the database failed
      // over; another node): fold the log as the database has it now, so the first request, if
      // it was recorded, is found. While the database is known to be out of reach, say so at
      // once rather than wait on a connection from this (I/O) thread.
      if (Status w = store_->write_status(); w.code() == Status::Code::kUnavailable) {
        return p->done(w);
      }
      auto latest = store_->LatestHead();
      if (!latest.ok()) return p->done(latest.status());
      if (latest->position > folded_position()) CatchUp(latest->position);
    }
    {
      std::shared_lock lock(mu_);
      if (auto replayed = Replayed(*p); replayed) {
        lock.unlock();
        return p->done(std::move(*replayed));
      }
    }
    std::lock_guard lock(inflight_mu_);
    if (!inflight_keys_.insert(p->idem_slot).second) {
      return p->done(Status::Busy("a request with this Idempotency-Key is still in progress"));
    }
  }
  Attempt(std::move(p));
}

std::optional<Result<CommandOutcome>> App::Replayed(const Pending& p) const {
  if (p.idem_slot.empty()) return std::nullopt;
  auto it = state_->idem.find(p.idem_slot);
  if (it == state_->idem.end()) return std::nullopt;
  if (it->second.fingerprint != p.fingerprint) {
    return Result<CommandOutcome>(
        Status::IdempotencyConflict("Idempotency-Key was first used for a different request"));
  }
  CommandOutcome o;
  o.stream = it->second.stream;
  o.first_position = it->second.first_position;
  o.last_position = it->second.last_position;
  o.version = it->second.version;
  o.replayed = true;
  return Result<CommandOutcome>(std::move(o));
}

void App::Attempt(std::shared_ptr<Pending> p) {
  const auto finish = [this](const std::shared_ptr<Pending>& p, Result<CommandOutcome> r) {
    if (!p->idem_slot.empty()) {
      std::lock_guard lock(inflight_mu_);
      inflight_keys_.erase(p->idem_slot);
    }
    p->done(std::move(r));
  };
  ++p->attempts;
  std::optional<Result<CommandOutcome>> replayed;
  Result<domain::Decision> decision = [&]() -> Result<domain::Decision> {
    std::shared_lock lock(mu_);
    // Decided again after a conflict: the request itself may be what changed the task (its
    // first try, answered 503, was recorded after all).
    if (p->attempts > 1) replayed = Replayed(*p);
    if (replayed) return Status::Ok();
    return domain::Decide(state_->ledger, p->command, p->actor, clock_());
  }();
  if (replayed) return finish(p, std::move(*replayed));
  if (!decision.ok()) return finish(p, decision.status());
  domain::Decision d = std::move(*decision);
  if (p->options.if_match && d.expected.kind() != ExpectedVersion::Kind::kNoStream) {
    d.expected = ExpectedVersion::Exact(*p->options.if_match);
  }
  if (!p->idem_slot.empty()) {
    const std::string correlation = std::string(kIdemPrefix) + p->idem_slot + ":" + p->fingerprint;
    for (NewEvent& e : d.events) e.correlation_id = correlation;
  }
  const std::string stream = d.stream;
  const ExpectedVersion expected = d.expected;
  auto warnings = std::make_shared<std::vector<std::string>>(std::move(d.warnings));
  store_->AppendAsync(
      stream, expected, std::move(d.events), [this, p, stream, warnings, finish](AppendResult r) {
        if (r.status.code() == Status::Code::kWrongExpectedVersion && !p->options.if_match &&
            p->attempts < kMaxDecisions) {
          // Decided on state someone else changed first: fold what they did
          // (the log is ahead of the Ledger until their answers fold it) and
          // decide again. Each refusal means another command committed, so the
          // whole system always moves on.
          CatchUp(store_->head().position);
          return Attempt(p);
        }
        if (r.status.code() == Status::Code::kWrongExpectedVersion && !p->options.if_match) {
          return finish(p, Status::Busy("the task is changing too fast to decide "
                                        "this command; retry"));
        }
        if (!r.ok()) return finish(p, r.status);
        CommandOutcome o = Folded(stream, r);
        o.warnings = std::move(*warnings);
        finish(p, std::move(o));
      });
}

Result<App::BatchOutcome> App::ExecuteAtomically(
    const std::function<std::vector<domain::Command>(const domain::Ledger&)>& plan,
    const domain::Actor& actor) {
  for (int attempt = 0; attempt < kMaxDecisions; ++attempt) {
    std::vector<EventStore::StreamAppend> parts;
    {
      std::shared_lock lock(mu_);
      const std::vector<domain::Command> commands = plan(state_->ledger);
      if (commands.empty()) return BatchOutcome{0, store_->head().position};
      // Each command is decided on a copy that has folded the ones before it.
      std::unique_ptr<domain::Ledger> scratch = state_->ledger.Clone();
      std::map<std::string, std::optional<uint64_t>> versions;  // streams' versions on the copy
      uint64_t position = state_->position();
      const int64_t now = clock_();
      for (const domain::Command& c : commands) {
        Result<domain::Decision> d = domain::Decide(*scratch, c, actor, now);
        if (!d.ok()) return d.status();
        auto v = versions.find(d->stream);
        if (v == versions.end()) {
          std::optional<uint64_t> current;
          if (d->expected.kind() == ExpectedVersion::Kind::kExact) {
            current = d->expected.version();
          } else if (d->expected.kind() != ExpectedVersion::Kind::kNoStream) {
            auto stored = store_->StreamVersion(d->stream);
            if (!stored.ok()) return stored.status();
            current = *stored;
          }
          v = versions.emplace(d->stream, current).first;
        }
        for (const NewEvent& e : d->events) {
          EventView view;
          view.position = ++position;
          view.stream = d->stream;
          view.version = v->second ? *v->second + 1 : 0;
          view.type = e.type;
          view.recorded_at_ms = now;
          view.actor = e.actor;
          view.data = e.data;
          if (Status s = scratch->Apply(view); !s.ok()) return s;
          v->second = view.version;
        }
        parts.push_back({d->stream, d->expected, std::move(d->events)});
      }
    }
    AppendResult r = store_->AppendMany(std::move(parts));
    if (r.status.code() == Status::Code::kWrongExpectedVersion) {
      CatchUp(store_->head().position);  // decided on a state someone changed first
      continue;
    }
    if (!r.ok()) return r.status;
    CatchUp(r.last_position);
    return BatchOutcome{r.last_position - r.first_position + 1, r.last_position};
  }
  return Status::Busy("the plan is changing too fast to record this all at once; retry");
}

Result<std::vector<CommandOutcome>> App::ExecuteAll(const std::vector<domain::Command>& commands,
                                                    const domain::Actor& actor) {
  std::vector<CommandOutcome> out;
  for (const domain::Command& c : commands) {
    std::promise<Result<CommandOutcome>> promise;
    auto future = promise.get_future();
    Execute(c, actor, {}, [&](Result<CommandOutcome> r) { promise.set_value(std::move(r)); });
    Result<CommandOutcome> r = future.get();
    if (!r.ok()) return r.status();
    out.push_back(std::move(*r));
  }
  return out;
}

Status App::AppendAndFold(const std::string& stream, ExpectedVersion expected,
                          std::vector<NewEvent> events) {
  AppendResult r = store_->Append(stream, expected, std::move(events));
  if (!r.ok()) return r.status;
  CatchUp(r.last_position);
  return Status::Ok();
}

}  // namespace taskledger::server
