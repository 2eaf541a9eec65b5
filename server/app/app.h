// The running TaskLedger: the event log, the Ledger folded from it, the token table, and the one
// way commands reach the log. HTTP knows nothing of RocksDB; the domain knows nothing of HTTP.
//
// Consistency: every append goes through AppendAsync, and its completion (on the store's
// notifier thread, in log order) folds the log up to that append into the Ledger before the
// caller is answered, so a client always reads its own writes.
// Thread-safety: all methods may be called from any thread. The Ledger, tokens and idempotency
// keys are guarded by mu_ (shared for reads, exclusive for folding).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/commands.h"
#include "domain/ledger.h"
#include "events/pg_event_store.h"
#include "events/rocks_event_store.h"
#include "events/util/fair_shared_mutex.h"
#include "server/app/checkpointer.h"
#include "server/app/file_store.h"
#include "server/app/state.h"
#include "server/app/tokens.h"
#include "webhooks/mail/mail.h"
#include "webhooks/webhooks.h"

namespace taskledger {
class Progress;
}

namespace taskledger::server {

// Logs `why` as critical, to stderr too, and aborts the process.
[[noreturn]] void FailStop(const std::string& why);

struct AppOptions {
  // The node's own files: the log (unless store_uri names a database), checkpoints, outboxes,
  // deliverable files.
  std::string data_dir = "./data";
  // The log in a PostgreSQL database (a libpq URI) that other nodes may share; empty: the
  // RocksDB log in data_dir.
  std::string store_uri;
  RocksStoreOptions store;
  PgStoreOptions pg_store;
  // 32 bytes that seal the outboxes' secrets when they are kept in the log's database (the
  // configuration's secrets key file); required with store_uri.
  std::string secrets_key;
  // How often a node that does not deliver tries to take the delivery lock, and the one that
  // does checks that it still holds it. Default: 1 s.
  std::chrono::milliseconds delivery_lock_interval{1000};
  // How long a request carrying a log position (TaskLedger-Position) waits for this node to
  // fold up to it. Default: 5 s.
  std::chrono::milliseconds catch_up_wait{5000};
  std::function<int64_t()> clock_ms;  // default: the system clock
  // Deliverable files: where their bytes go and the free space kept (store.min_free_bytes is
  // the event log's; the webhook outbox takes ServiceOptions::outbox).
  FileStoreOptions files;
  // Called when the running server meets an event its projection cannot fold; must not return.
  // Default: FailStop (log it and abort). Tests throw instead. At open the same failure is
  // Open()'s error.
  std::function<void(const std::string&)> on_fold_failure = FailStop;
  // Past days' ledgers kept for "as of" questions asked again (a past day recorded by its end
  // never changes, so a kept one is never stale); each costs the memory of a ledger of that day.
  // Default: 4.
  size_t past_cache = 4;
  // Projection checkpoints in <data_dir>/checkpoints (checkpointer.h).
  CheckpointOptions checkpoints;
  // A past state further behind a day than a checkpoint is by more than this many events loads
  // the checkpoint rather than fold them: one plan's part loads in about the time 10,000 events
  // fold (~10 ms). Default: 10,000.
  uint64_t jump_events = 10'000;
  // Plans' ledgers kept for long renders (PlanNow), each folded forward when used again; each
  // costs the memory of its plan's tasks and every agency. Default: 4.
  size_t plan_replicas = 4;
};

struct CommandOptions {
  std::optional<uint64_t> if_match;  // the task stream version the caller saw
  std::string idempotency_key;       // empty: none
  std::string fingerprint;           // of the request, to tell a retry from a different request
  std::string token_id;              // scopes idempotency keys to their caller
};

struct CommandOutcome {
  std::string stream;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  uint64_t version = 0;   // the stream's version after the command
  bool replayed = false;  // an Idempotency-Key retry: nothing appended
  std::vector<std::string> warnings;
};

class App {
 public:
  static Result<std::unique_ptr<App>> Open(AppOptions options);
  ~App();

  EventStore& store() { return *store_; }
  // Deliverable files, in <data_dir>/files.
  FileStore& files() { return files_; }
  int64_t NowMs() const { return clock_(); }
  const std::string& data_dir() const { return options_.data_dir; }

  // Runs `fn(ledger, tables...)` under the shared lock: the ledger and, after it, each table of
  // the state named (TokenTable, webhooks::Registry, webhooks::mail::Mailboxes), as
  // Read<webhooks::Registry>([&](const Ledger& l, const webhooks::Registry& r) { ... }).
  template <class... Tables, class F>
  auto Read(F&& fn) const {
    std::shared_lock lock(mu_);
    return fn(state_->ledger, state_->Get<Tables>()...);
  }

  // How many channels reached `agency` through time (State::channels); empty: it never had one.
  std::vector<ChannelChange> ChannelsOf(std::string_view agency) const {
    std::shared_lock lock(mu_);
    auto it = state_->channels.find(agency);
    return it == state_->channels.end() ? std::vector<ChannelChange>{} : it->second;
  }

  // Decides `command` as `actor` against the current state and appends its events; `done` gets
  // the outcome once they are durable and folded (on the store's notifier thread, or at once when
  // refused). A stale decision (someone else changed the task first) is decided again, unless
  // the caller sent If-Match, which then fails with kWrongExpectedVersion.
  void Execute(domain::Command command, domain::Actor actor, CommandOptions options,
               std::function<void(Result<CommandOutcome>)> done);
  // Several commands as one all-or-nothing batch per stream, in order (imports); blocking.
  // Decides the commands `plan(ledger)` returns, each on the state the ones before it leave, and
  // records all their events in one append: all of them or none. When the log moves between
  // deciding and writing, `plan` runs again on the newer state. An empty plan writes nothing.
  struct BatchOutcome {
    size_t events = 0;
    uint64_t head = 0;
  };
  Result<BatchOutcome> ExecuteAtomically(
      const std::function<std::vector<domain::Command>(const domain::Ledger&)>& plan,
      const domain::Actor& actor);
  Result<std::vector<CommandOutcome>> ExecuteAll(const std::vector<domain::Command>& commands,
                                                 const domain::Actor& actor);
  // Appends prepared events (tokens) and folds them; blocking.
  Status AppendAndFold(const std::string& stream, ExpectedVersion expected,
                       std::vector<NewEvent> events);
  // Appends a decision made elsewhere (webhook subscriptions); `done` as for Execute.
  void Submit(domain::Decision decision, std::function<void(Result<CommandOutcome>)> done);

  // Opens the webhooks service, with the outbox in <data_dir>/webhooks (or, with a shared log, in
  // its database), and starts delivering, unless the log is shared: then only the node holding
  // the delivery lock delivers (StartDeliveryLock). Serve only: the offline tools never send
  // anything.
  Status StartWebhooks(webhooks::ServiceOptions options);
  // Finishes the deliveries in flight (up to `drain_ms`) and stops; pending ones wait for the
  // next start.
  void StopWebhooks(int64_t drain_ms);
  // The webhooks service (delivering or not: its outbox takes API calls either way); null unless
  // opened.
  webhooks::Service* webhooks() { return webhooks_.load(); }
  // Starts the mail service, with its outbox in <data_dir>/mail (serve only), and stops it.
  Status StartMail(webhooks::mail::MailOptions options);
  void StopMail(int64_t drain_ms);
  // The mail service; null unless opened (no SMTP relay configured: none).
  webhooks::mail::MailService* mail() { return mail_.load(); }
  // With a shared log: competes for the PostgreSQL advisory lock that lets one node deliver
  // webhooks, mail and reminders; the holder starts both services, and stops them the moment it
  // cannot show it still holds the lock (then opens fresh ones, not delivering, and competes
  // again). Without one: nothing (this node delivers).
  void StartDeliveryLock();
  // Where this node keeps outbox `box` ("webhooks", "mail"): its directory's options, or the
  // log's database with the secrets key.
  webhooks::OutboxOptions OutboxOptionsFor(const char* box,
                                           webhooks::OutboxOptions base = {}) const;
  // Whether this node delivers now.
  bool delivering() const { return delivering_.load(); }

  // Webhook secret changes (a secret stored in the outbox, then its event appended) hold one of
  // these from before the secret is stored until the event is durable or refused.
  std::shared_ptr<void> BeginSecretChange();
  // Waits for the secret changes in progress and holds new ones off while the returned guard
  // lives: a backup copies the outbox and the log between (backup.h).
  std::shared_ptr<void> PauseSecretChanges();

  // The principal for a bearer token (or, with scope "calendar", a feed key), if valid.
  std::optional<TokenRecord> Authenticate(std::string_view token,
                                          std::string_view scope = {}) const;

  // The log position the state is folded to: every command answered so far is in it. Lock-free.
  uint64_t folded_position() const { return folded_.load(std::memory_order_acquire); }
  // Runs `fn(true)` once the state is folded to `position` (at once if it is), or `fn(false)`
  // after catch_up_wait if it is not by then: a client reading its own write, made on another
  // node, from this one. On the follower's thread (or the caller's, at once): `fn` must be quick.
  // A store no other process writes is folded up to everything it acknowledged: there `fn` runs
  // at once.
  void WhenFolded(uint64_t position, std::function<void(bool)> fn);
  // How far the state is behind the log as this node knows it (0 without other writers).
  uint64_t lag() const {
    const uint64_t head = store_->head().position, folded = folded_position();
    return head > folded ? head - folded : 0;
  }

  // A ledger of `plan` (its tasks, every agency) folded to at least folded_position(), for long
  // renders (reports, exports): a replica of its own, never the state commands fold into, so a
  // render of any length holds back no command and no fold holds back the render. Replicas are
  // kept after use (AppOptions::plan_replicas) and folded forward when taken again; the first is
  // built from the nearest checkpoint and the log after it. `details`: with the members' parts'
  // details. Thread-safe; it may read the log, so call it from a render thread, not an I/O
  // thread.
  Result<std::shared_ptr<const domain::Ledger>> PlanNow(std::string_view plan,
                                                        bool details = false) const;
  // How long folds waited for the lock that readers share: how much reads hold up commands.
  struct FoldLockStats {
    uint64_t folds = 0;
    uint64_t wait_micros = 0;
    uint64_t max_wait_micros = 0;
  };
  FoldLockStats fold_lock_stats() const {
    return {folds_.load(), fold_wait_micros_.load(), fold_wait_max_micros_.load()};
  }

  // The Ledger as it stood at the end of `day` (Vietnam time): the nearest checkpoint at or
  // before then and the log after it, folded, or one of the last few asked for, kept. With
  // `plan`, a ledger that holds only that plan's tasks (everything else whole), which reads only
  // that plan's part of the checkpoint: for questions about one plan. `for_reports`: without
  // the members' parts' details (their files and words), which reports never read and which
  // are most of a big plan's checkpoint. Thread-safe.
  Result<std::shared_ptr<const domain::Ledger>> LedgerAsOf(domain::Date day,
                                                           std::string_view plan = {},
                                                           bool for_reports = false) const;
  // The ledger as it stood at the end of `day` holding only the plans `agency` took part in
  // then (led, coordinated, or held a member's part of a task of), for its list of tasks: the
  // nearest checkpoint says which plans, the log after it adds any it was brought into since. A
  // checkpoint that does not say, or the agency's own groups changing since: every plan
  // (LedgerAsOf). Without the parts' details. Thread-safe.
  Result<std::shared_ptr<const domain::Ledger>> AgencyAsOf(domain::Date day,
                                                           std::string_view agency) const;
  // Many past days (in order) in one pass: `at(i, ledger)` sees the ledger as it stood at the
  // end of days[i], each in turn, for reports (without parts' details); between two days far apart
  // it jumps to a checkpoint rather than fold all the events between. `plan` as for LedgerAsOf. For
  // report series. `plan_only`: the caller reads only the plan's own report (no agency's view of
  // it), so a jump takes just the plan and its tasks from the checkpoint, keeping the agencies
  // loaded first.
  Status FoldThrough(const std::vector<domain::Date>& days, std::string_view plan,
                     const std::function<void(size_t, const domain::Ledger&)>& at,
                     bool plan_only = false) const;

  // A whole plan's report counts at the end of `day`, when a checkpoint of that very day saved
  // them (and still matches the log); none otherwise, and the caller folds. For report series.
  std::optional<domain::PlanCounts> CountsAt(domain::Date day, std::string_view plan) const;

  // The data directory's checkpoints; Start() them to have them written as days end (serve).
  Checkpoints& checkpoints() { return *checkpoints_; }
  // How the running state was built at open: from which checkpoint (none: from the log's
  // start) and how many events were folded after it.
  struct Opened {
    std::optional<CheckpointInfo> checkpoint;
    uint64_t events_folded = 0;
    double seconds = 0;
  };
  const Opened& opened() const { return opened_; }

 private:
  explicit App(AppOptions options);
  void StartReplicas();
  // With a shared log: folds what other nodes append as it arrives, and answers WhenFolded.
  void Follow();
  // The log up to the end of `day`, from the nearest checkpoint.
  Result<std::unique_ptr<State>> FoldAsOf(domain::Date day, std::string_view plan,
                                          bool details) const;
  // The state at `position`: from `state` when it is not far behind, else from the nearest
  // checkpoint (with `plan_only`, just the plan's part of it); the ledger is left in a replay.
  Status FoldTo(uint64_t position, std::string_view plan, std::unique_ptr<State>& state,
                bool plan_only = false, bool details = true) const;
  // Folds the log up to `to_position`; a failure is fatal (on_fold_failure).
  void CatchUp(uint64_t to_position);
  Status Fold(uint64_t to_position, Progress* progress = nullptr);
  // Folds the log up to (at least) a durable append and describes it.
  CommandOutcome Folded(const std::string& stream, const AppendResult& r);
  void Attempt(std::shared_ptr<struct Pending> p);
  // The answer already given to `p`'s Idempotency-Key, if the log holds it; under mu_.
  std::optional<Result<CommandOutcome>> Replayed(const struct Pending& p) const;

  AppOptions options_;
  std::function<int64_t()> clock_;
  // Recently asked past days (day, plan), most recent first (LedgerAsOf).
  struct Past {
    domain::Date day;
    std::string plan;
    bool details;  // with the parts' details (not only for reports)
    std::shared_ptr<const State> state;
  };
  mutable std::mutex past_mu_;
  mutable std::list<Past> past_;
  std::unique_ptr<EventStore> store_;
  FileStore files_;
  // Writer-preferring: a fold waits for the reads in progress, never for a stream of new ones.
  mutable FairSharedMutex mu_;
  std::atomic<uint64_t> folds_{0}, fold_wait_micros_{0}, fold_wait_max_micros_{0};
  std::unique_ptr<State> state_;     // by mu_
  std::atomic<uint64_t> folded_{0};  // state_->position(), published after each fold
  // Idle plan replicas (PlanNow), most recently used first; shared with the ledgers lent out,
  // which come back to it when their last reader lets go.
  struct Replicas;
  std::shared_ptr<Replicas> replicas_;
  std::unique_ptr<Checkpoints> checkpoints_;
  Opened opened_;
  std::mutex inflight_mu_;
  std::set<std::string> inflight_keys_;  // by inflight_mu_
  std::mutex secrets_mu_;
  std::condition_variable secrets_cv_;
  int secret_changes_ = 0;       // by secrets_mu_: in progress
  bool secrets_paused_ = false;  // by secrets_mu_: a backup is copying
  std::unique_ptr<webhooks::Host> webhook_host_;
  std::unique_ptr<webhooks::mail::MailHost> mail_host_;
  // Every service opened, the current one last: a node that loses the delivery lock stops its
  // services and opens fresh ones; the old ones stay (stopped) while API calls may hold them.
  std::optional<webhooks::ServiceOptions> webhook_options_;
  std::optional<webhooks::mail::MailOptions> mail_options_;
  std::vector<std::unique_ptr<webhooks::Service>> webhook_services_;
  std::vector<std::unique_ptr<webhooks::mail::MailService>> mail_services_;
  std::atomic<webhooks::Service*> webhooks_{nullptr};
  std::atomic<webhooks::mail::MailService*> mail_{nullptr};
  std::atomic<bool> delivering_{false};
  std::thread delivery_lock_;
  Status OpenWebhooks();
  Status OpenMail();
  void HoldDeliveryLock();
  // The follower (a shared log only) and the requests waiting for it (WhenFolded).
  struct FoldWaiter {
    uint64_t position;
    std::chrono::steady_clock::time_point deadline;
    std::function<void(bool)> fn;
  };
  std::mutex waiters_mu_;
  std::vector<FoldWaiter> waiters_;  // by waiters_mu_
  std::atomic<bool> stop_following_{false};
  std::thread follower_;
};

}  // namespace taskledger::server
