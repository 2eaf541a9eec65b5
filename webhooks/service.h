// The webhooks service, the front door of webhooks/: it turns the log's task events into change
// notifications and the Ledger's due dates into reminders, keeps them in the outbox, delivers them
// signed with retries, and records each task notification's outcome back in the log.
//
// Threads: one thread of its own runs dispatching and delivery (an io_context), so a slow
// endpoint costs a connection, never a thread, and the server's request threads never wait on a
// receiver. The API's calls (secrets, pings, redelivery) may come from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/commands.h"
#include "domain/ledger.h"
#include "events/event_store.h"
#include "webhooks/client.h"
#include "webhooks/outbox.h"
#include "webhooks/reminders.h"
#include "webhooks/subscription.h"

namespace taskledger::webhooks {

// What the webhooks need from the server that hosts them.
class Host {
 public:
  virtual ~Host() = default;
  virtual int64_t NowMs() const = 0;
  // Runs fn with the Ledger and the subscriptions, consistent with each other, under the
  // server's read lock.
  virtual void Read(
      const std::function<void(const domain::Ledger&, const Registry&)>& fn) const = 0;
  // The log, to read task events from.
  virtual EventStore& store() = 0;
  // Decides and appends `command` as the server itself; `done` (on any thread) once durable and
  // folded, or refused.
  virtual void Execute(domain::Command command, std::function<void(Status)> done) = 0;
  // Appends a subscription decision (webhook.disabled) and folds it; blocking.
  virtual Status Append(domain::Decision decision) = 0;
};

struct ServiceOptions {
  // The server's reminder offsets; a subscription may have its own. Default: ReminderPolicy{}.
  ReminderPolicy reminders;
  // Delays before each attempt: the first is "immediately"; the others are from the failure
  // before. Default: 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts, ~28 h).
  std::vector<int64_t> retry_ms = {0,         5'000,      300'000,    1'800'000,
                                   7'200'000, 18'000'000, 36'000'000, 36'000'000};
  // Each delay after the first is moved by up to this fraction either way, so endpoints that
  // failed together do not retry together. Default: 0.2.
  double jitter = 0.2;
  // Attempts in flight at once, per endpoint and overall. Default: 4 and 256.
  int per_endpoint = 4;
  int overall = 256;
  // An endpoint failing without a success for this long is disabled. Default: 5 days.
  int64_t disable_after_ms = 5LL * 24 * 3600 * 1000;
  // Retry-After is honoured up to this long. Default: 24 h.
  int64_t max_retry_after_ms = 24LL * 3600 * 1000;
  // After a rotation the previous secret signs too for this long. Default: 24 h.
  int64_t rotation_overlap_ms = 24LL * 3600 * 1000;
  // How often the log and the clock are looked at for new notifications. Default: 250 ms.
  int64_t tick_ms = 250;
  // Where people open a task, for links in payloads ("https://taskledger.example"). Default: none.
  std::string base_url;
  ClientOptions client;
  // Finished messages (and their attempts) are kept this long in the outbox, then pruned once
  // the event log records their outcome; 0 keeps them forever. Default: 90 days.
  int64_t retention_ms = 90LL * 24 * 3600 * 1000;
  // How the outbox stores (fault injection and the free-space floor).
  OutboxOptions outbox;
};

struct ServiceStats {
  std::atomic<uint64_t> enqueued{0}, attempts{0}, delivered{0}, failed_attempts{0}, gave_up{0},
      disabled{0};
  // Delay from when a message was due to go out to its successful delivery.
  std::atomic<uint64_t> delay_buckets[8] = {};  // ≤0.1, 0.5, 1, 2, 5, 30, 300 s, more
  std::atomic<uint64_t> delay_ms_sum{0};
  std::atomic<int64_t> pending{0}, in_flight{0};
};

class Service {
 public:
  // Opens the outbox in `dir`; the host must outlive the service.
  static Result<std::unique_ptr<Service>> Open(const std::string& dir, Host& host,
                                               ServiceOptions options);
  ~Service();  // Stop()

  // Starts the thread: loads what is pending, records outcomes a crash left unrecorded, and
  // goes on from the cursors.
  Status Start();
  // Stops dispatching, waits up to `drain_ms` for attempts in flight, then ends the thread.
  // What is still pending is sent after the next start.
  void Stop(int64_t drain_ms = 5000);

  // A new endpoint's first secret, stored (synced) before the subscription is recorded.
  Result<std::string> NewEndpointSecret(const std::string& endpoint);
  // A new secret; the previous one keeps signing for rotation_overlap_ms. Returns the new one
  // and when the previous stops.
  Result<std::pair<std::string, int64_t>> RotateSecret(const std::string& endpoint);
  Status ForgetEndpoint(const std::string& endpoint);
  // Enqueues a ping to `s` (synced) and returns it.
  Result<Message> Ping(const Subscription& s);
  // Sends a message again under the same id, from a fresh retry schedule.
  Result<Message> Redeliver(const std::string& endpoint, const std::string& message);
  // Sends again every failed message of `endpoint` created at or after `since_ms`.
  Result<size_t> Recover(const std::string& endpoint, int64_t since_ms);

  const Outbox& outbox() const;
  const ServiceStats& stats() const;
  const ServiceOptions& options() const;

  struct Impl;  // webhooks/service_impl.h, private to webhooks/

 private:
  explicit Service(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace taskledger::webhooks
