#include "webhooks/service.h"

#include <spdlog/spdlog.h>

#include "webhooks/payload.h"
#include "webhooks/service_impl.h"
#include "webhooks/signature.h"

namespace taskledger::webhooks {

namespace asio = boost::asio;

Service::Service(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Service::~Service() { Stop(0); }

Result<std::unique_ptr<Service>> Service::Open(const std::string& dir, Host& host,
                                               ServiceOptions options) {
  if (options.retry_ms.empty())
    return Status::InvalidArgument("retry schedule: at least one attempt");
  if (options.per_endpoint < 1 || options.overall < 1) {
    return Status::InvalidArgument("concurrency: at least 1 per endpoint and overall");
  }
  if (!options.client.clock_ms) options.client.clock_ms = [&host] { return host.NowMs(); };
  auto impl = std::make_shared<Impl>(host, std::move(options));
  if (Status s = impl->client.Init(); !s.ok()) return s;
  auto outbox = Outbox::Open(dir, impl->options.outbox);
  if (!outbox.ok()) return outbox.status();
  impl->outbox = std::move(*outbox);
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Status Service::Start() {
  Impl& s = *impl_;
  if (s.started.exchange(true)) return Status::Ok();
  const Outbox::Cursors c = s.outbox->cursors();
  if (!c.log || !c.clock) {
    // A new outbox hears about what happens from now on, not about the log's past.
    uint64_t folded = 0;
    s.host.Read([&](const domain::Ledger& l, const Registry&) { folded = l.position(); });
    s.log_cursor = c.log.value_or(folded);
    s.clock_cursor = c.clock.value_or(s.host.NowMs());
    auto r = s.outbox->Enqueue({}, Outbox::Cursors{s.log_cursor, s.clock_cursor}, true);
    if (!r.ok()) return r.status();
  } else {
    s.log_cursor = *c.log;
    s.clock_cursor = *c.clock;
  }
  auto pending = s.outbox->Pending();
  if (!pending.ok()) return pending.status();
  for (Message& m : *pending) s.Add(std::move(m));
  auto unrecorded = s.outbox->Unrecorded();
  if (!unrecorded.ok()) return unrecorded.status();
  for (const Message& m : *unrecorded) s.Record(m);
  if (!pending->empty() || !unrecorded->empty()) {
    spdlog::info("webhooks: {} messages pending, {} outcomes to record", pending->size(),
                 unrecorded->size());
  }
  s.work.emplace(s.io.get_executor());
  asio::post(s.io, [&s] { s.Tick(); });
  s.thread = std::thread([&s] { s.io.run(); });
  return Status::Ok();
}

void Service::Stop(int64_t drain_ms) {
  Impl& s = *impl_;
  if (!s.thread.joinable() || s.stopping.exchange(true)) return;
  // Stop starting attempts; let those in flight finish, up to drain_ms.
  std::promise<void> drained;
  auto done = drained.get_future();
  asio::post(s.io, [&s, &drained, drain_ms] {
    s.timer.cancel();
    auto deadline = std::make_shared<asio::steady_timer>(s.io);
    auto poll = std::make_shared<std::function<void(int)>>();
    *poll = [&s, &drained, deadline, poll, drain_ms](int waited) {
      if (s.in_flight == 0 || waited >= drain_ms) {
        drained.set_value();
        *poll = nullptr;  // breaks the cycle
        return;
      }
      deadline->expires_after(std::chrono::milliseconds(20));
      deadline->async_wait([poll, waited](boost::system::error_code) {
        if (*poll) (*poll)(waited + 20);
      });
    };
    (*poll)(0);
  });
  done.wait();
  s.client.Shutdown();
  s.work.reset();
  s.io.stop();
  s.thread.join();
  // Run what the API posted meanwhile, so no caller waits forever.
  s.io.restart();
  s.io.poll();
}

void Service::Impl::Tick() {
  if (stopping) return;
  // A failed outbox (a full disk) cannot keep what is derived or attempted: everything waits,
  // and the derivation picks up from the stored cursors once it is back.
  if (!outbox->write_status().ok()) {
    const int64_t now = host.NowMs();
    if (now >= next_recovery_ms) {
      next_recovery_ms = now + 1000;
      outbox->TryRecover();
    }
    if (!outbox->write_status().ok()) return Arm();
  }
  if (!dispatching) Dispatch();
  Refresh();
  Pump();
  Prune();
  Arm();
}

void Service::Impl::Refresh() {
  const int64_t now = host.NowMs();
  if (!outbox->shared() || now < next_refresh_ms) return;
  next_refresh_ms = now + 1000;
  // Other nodes' API calls (pings, redeliveries) enqueue into the shared outbox.
  auto ids = outbox->PendingIds();
  if (!ids.ok()) return;
  for (const std::string& id : *ids) {
    if (pending.contains(id)) continue;
    auto m = outbox->Get(id);
    if (m.ok() && m->state == MessageState::kPending) Add(std::move(*m));
  }
}

void Service::Impl::Prune() {
  const int64_t now = host.NowMs();
  if (options.retention_ms <= 0 || now < next_prune_ms) return;
  auto r = outbox->Prune(now - options.retention_ms, 1000);
  if (!r.ok()) {
    next_prune_ms = now + 60'000;
    return;
  }
  if (r->pruned > 0) spdlog::info("webhooks: pruned {} finished deliveries", r->pruned);
  // Work in bounded steps between the loop's other work; hourly once caught up.
  next_prune_ms = r->more ? now : now + 3'600'000;
}

void Service::Impl::Arm() {
  int64_t wait = options.tick_ms;
  const int64_t now = host.NowMs();
  for (const auto& [id, e] : endpoints) {
    if (!e.due.empty() && e.in_flight < options.per_endpoint) {
      wait = std::min(wait, std::max<int64_t>(1, e.due.begin()->first - now));
    }
  }
  timer.expires_after(std::chrono::milliseconds(wait));
  std::weak_ptr<Impl> weak = weak_from_this();
  timer.async_wait([weak](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->Tick();
  });
}

Result<std::string> Service::NewEndpointSecret(const std::string& endpoint) {
  Secrets s;
  s.current = NewSecret();
  if (Status st = impl_->outbox->PutSecrets(endpoint, s); !st.ok()) return st;
  return s.current;
}

Result<std::pair<std::string, int64_t>> Service::RotateSecret(const std::string& endpoint) {
  std::optional<Secrets> old = impl_->outbox->GetSecrets(endpoint);
  if (!old) return Status::NotFound("webhook " + endpoint + " has no secret");
  Secrets s;
  s.current = NewSecret();
  s.previous = old->current;
  s.previous_until_ms = impl_->host.NowMs() + impl_->options.rotation_overlap_ms;
  if (Status st = impl_->outbox->PutSecrets(endpoint, s); !st.ok()) return st;
  return std::make_pair(s.current, s.previous_until_ms);
}

Status Service::ForgetEndpoint(const std::string& endpoint) {
  return impl_->outbox->DeleteSecrets(endpoint);
}

Result<Message> Service::Ping(const Subscription& sub) {
  Message m;
  m.id = NewMessageId();
  m.endpoint = sub.id;
  m.agency = sub.agency;
  m.type = "webhook.ping";
  m.created_ms = m.due_ms = m.next_ms = impl_->host.NowMs();
  m.body = PingPayload(PayloadContext{m.id, m.created_ms, impl_->options.base_url});
  auto added = impl_->outbox->Enqueue({m}, {}, true);
  if (!added.ok()) return added.status();
  impl_->stats.enqueued.fetch_add(1, std::memory_order_relaxed);
  if (impl_->thread.joinable()) {
    asio::post(impl_->io, [self = impl_, m] {
      self->Add(m);
      self->Pump();
    });
  }
  return m;
}

Result<Message> Service::Impl::Resend(Message m) {
  if (pending.count(m.id)) return pending.at(m.id);  // already on its way
  const int64_t previous_next = 0;                   // not pending: no queue entry to drop
  m.state = MessageState::kPending;
  m.round_base = m.attempts;
  m.next_ms = host.NowMs();
  m.done_ms = 0;
  if (Status s = outbox->Save(m, nullptr, previous_next, true); !s.ok()) return s;
  Add(m);
  return m;
}

Result<Message> Service::Redeliver(const std::string& endpoint, const std::string& message) {
  return impl_->OnThread<Result<Message>>([&]() -> Result<Message> {
    auto m = impl_->outbox->Get(message);
    if (!m.ok() || m->endpoint != endpoint) {
      return Status::NotFound("webhook " + endpoint + " has no delivery '" + message + "'");
    }
    auto r = impl_->Resend(std::move(*m));
    if (r.ok()) impl_->Pump();
    return r;
  });
}

Result<size_t> Service::Recover(const std::string& endpoint, int64_t since_ms) {
  return impl_->OnThread<Result<size_t>>([&]() -> Result<size_t> {
    std::vector<Message> failed;
    Status s = impl_->outbox->ForEachSince(endpoint, since_ms, [&](const Message& m) {
      if (m.state == MessageState::kFailed) failed.push_back(m);
    });
    if (!s.ok()) return s;
    for (Message& m : failed) {
      if (auto r = impl_->Resend(std::move(m)); !r.ok()) return r.status();
    }
    impl_->Pump();
    return failed.size();
  });
}

const Outbox& Service::outbox() const { return *impl_->outbox; }
const ServiceStats& Service::stats() const { return impl_->stats; }
const ServiceOptions& Service::options() const { return impl_->options; }

}  // namespace taskledger::webhooks
