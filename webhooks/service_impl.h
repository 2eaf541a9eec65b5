// The service's insides, shared by service.cpp (life cycle, API calls), dispatch.cpp (log and
// clock -> messages) and delivery.cpp (messages -> attempts). Private to webhooks/.
//
// Everything below "engine thread only" is touched by the service's one thread alone; API calls
// that change messages are posted to it (OnThread).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <future>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

#include "webhooks/service.h"

namespace taskledger::webhooks {

struct Service::Impl : std::enable_shared_from_this<Service::Impl> {
  Impl(Host& h, ServiceOptions o) : host(h), options(std::move(o)), client(io, options.client) {}

  Host& host;
  const ServiceOptions options;
  std::unique_ptr<Outbox> outbox;
  boost::asio::io_context io{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  boost::asio::steady_timer timer{io};
  Client client;
  std::thread thread;
  ServiceStats stats;
  std::atomic<bool> stopping{false};
  std::atomic<bool> started{false};

  // ---- engine thread only ----
  struct Endpoint {
    std::set<std::pair<int64_t, std::string>> due;  // (next attempt, message id)
    int in_flight = 0;
    std::string url;               // as last used, to drop its connections when it changes
    std::optional<Target> target;  // `url` taken apart
    struct Keys {
      std::string current, previous;  // signing keys (bytes); previous: empty, or until below
      int64_t previous_until_ms = 0;
    };
    std::optional<Keys> keys;      // loaded on first use
    int64_t keys_rotated_at = 0;   // the subscription's secret_rotated_at_ms they match
    std::optional<Health> health;  // loaded on first use
  };
  std::map<std::string, Endpoint> endpoints;
  std::unordered_map<std::string, Message> pending;  // by id
  int in_flight = 0;
  uint64_t log_cursor = 0;
  int64_t clock_cursor = 0;
  int64_t next_recovery_ms = 0;  // when a failed outbox may try to reopen next
  int64_t next_prune_ms = 0;     // when retention runs next
  int64_t next_refresh_ms = 0;   // when a shared outbox is looked at for others' messages next
  std::mt19937_64 rng{std::random_device{}()};

  // service.cpp
  void Tick();
  void Arm();
  // Removes finished messages older than the retention, a bounded step at a time.
  void Prune();
  // A shared outbox: takes in, once a second, the pending messages other nodes enqueued.
  void Refresh();
  // Runs fn on the engine thread and returns its result; inline when the thread is not running.
  template <class R>
  R OnThread(std::function<R()> fn) {
    if (!thread.joinable() || std::this_thread::get_id() == thread.get_id()) return fn();
    std::packaged_task<R()> task(std::move(fn));
    auto future = task.get_future();
    boost::asio::post(io, [&task] { task(); });
    return future.get();
  }
  Result<Message> Resend(Message m);

  // dispatch.cpp
  // Turns log events after log_cursor and reminders due after clock_cursor into messages, and
  // stores and starts them in parts (EnqueueFrom); a Tick while parts remain does not dispatch.
  void Dispatch();
  void EnqueueFrom(std::shared_ptr<std::vector<Message>> fresh, size_t from,
                   Outbox::Cursors cursors, bool more);
  bool dispatching = false;

  // delivery.cpp
  void Add(Message m);  // a pending message, into its endpoint's queue
  void Pump();          // starts what is due, within the concurrency limits
  void PumpEndpoint(Endpoint& e, int64_t now);
  void StartAttempt(Message& m, Endpoint& e, int64_t now);
  void Attempted(const std::string& id, int64_t at_ms, struct HttpOutcome outcome);
  void GiveUp(Message& m, std::string why);
  void Record(const Message& m);
  void Disable(const std::string& endpoint, const std::string& reason);
  Health& HealthOf(const std::string& id, Endpoint& e);
  int64_t DelayBefore(const Message& m);
};

}  // namespace taskledger::webhooks
