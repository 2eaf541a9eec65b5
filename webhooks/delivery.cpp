// Delivery: pending messages -> signed attempts -> outcomes, retries and records.
#include <spdlog/spdlog.h>

#include "domain/date.h"
#include "domain/text.h"
#include "webhooks/outcome.h"
#include "webhooks/payload.h"
#include "webhooks/service_impl.h"
#include "webhooks/signature.h"

namespace taskledger::webhooks {

using Impl = Service::Impl;

namespace {

std::string VietnamDay(int64_t ms) {
  return domain::ToIso(domain::DateAtUtcMs(ms)) + " (Vietnam time)";
}

void Observe(ServiceStats& s, int64_t delay_ms) {
  static constexpr int64_t kBounds[] = {100, 500, 1000, 2000, 5000, 30000, 300000};
  int i = 0;
  while (i < 7 && delay_ms > kBounds[i]) ++i;
  s.delay_buckets[i].fetch_add(1, std::memory_order_relaxed);
  s.delay_ms_sum.fetch_add(static_cast<uint64_t>(std::max<int64_t>(delay_ms, 0)),
                           std::memory_order_relaxed);
}

}  // namespace

void Impl::Add(Message m) {
  Endpoint& e = endpoints[m.endpoint];
  e.due.emplace(m.next_ms, m.id);
  const std::string id = m.id;
  pending.insert_or_assign(id, std::move(m));
  stats.pending.store(static_cast<int64_t>(pending.size()), std::memory_order_relaxed);
}

void Impl::Pump() {
  const int64_t now = host.NowMs();
  for (auto& [id, e] : endpoints) {
    if (in_flight >= options.overall) break;
    PumpEndpoint(e, now);
  }
}

void Impl::PumpEndpoint(Endpoint& e, int64_t now) {
  // With the outbox failed (a full disk), an attempt's outcome could not be kept: wait.
  if (!outbox->write_status().ok()) return;
  while (!stopping && e.in_flight < options.per_endpoint && in_flight < options.overall &&
         !e.due.empty() && e.due.begin()->first <= now) {
    const std::string msg = e.due.begin()->second;
    e.due.erase(e.due.begin());
    auto it = pending.find(msg);
    if (it == pending.end()) continue;
    StartAttempt(it->second, e, now);
  }
}

Health& Impl::HealthOf(const std::string& id, Endpoint& e) {
  if (!e.health) {
    auto h = outbox->GetHealth(id);
    if (!h.ok())
      spdlog::warn("webhook {}: {}; counted healthy until it is written", id, h.status().message());
    e.health = h.ok() ? *h : Health{};
  }
  return *e.health;
}

void Impl::StartAttempt(Message& m, Endpoint& e, int64_t now) {
  std::string url, why;
  int64_t rotated_at = 0;
  host.Read([&](const domain::Ledger&, const Registry& r) {
    const Subscription* s = r.Find(m.endpoint);
    if (!s || s->deleted) {
      why = "the endpoint was deleted";
    } else if (!s->enabled) {
      why = "the endpoint is disabled" +
            (s->disabled_reason.empty() ? std::string() : ": " + s->disabled_reason);
    } else if (!s->Wants(m.type)) {
      why = "the endpoint no longer wants " + m.type;
    } else {
      url = s->url;
      rotated_at = s->secret_rotated_at_ms;
    }
  });
  if (url.empty()) return GiveUp(m, why);
  if (!e.target || e.url != url) {
    auto target = ParseTarget(url);
    if (!target.ok()) return GiveUp(m, target.status().message());
    if (!e.url.empty()) client.Forget(m.endpoint);
    e.url = url;
    e.target = *target;
  }
  // The keys are read from the outbox once, and again after a rotation is folded (the new
  // secret is stored before its event, and the old one signs on meanwhile).
  if (!e.keys || e.keys_rotated_at != rotated_at) {
    e.keys.reset();
    if (const std::optional<Secrets> secrets = outbox->GetSecrets(m.endpoint)) {
      auto current = SecretKey(secrets->current);
      auto previous = SecretKey(secrets->previous);
      if (current.ok()) {
        e.keys = Endpoint::Keys{*current, previous.ok() ? *previous : std::string(),
                                secrets->previous_until_ms};
      }
    }
    e.keys_rotated_at = rotated_at;
  }
  if (!e.keys) return GiveUp(m, "the endpoint has no signing secret");
  std::vector<std::string> keys = {e.keys->current};
  if (!e.keys->previous.empty() && now < e.keys->previous_until_ms)
    keys.push_back(e.keys->previous);
  const int64_t timestamp = now / 1000;
  Headers headers = {{"webhook-id", m.id},
                     {"webhook-timestamp", std::to_string(timestamp)},
                     {"webhook-signature", SignatureHeader(keys, m.id, timestamp, m.body)}};
  ++e.in_flight;
  ++in_flight;
  stats.in_flight.store(in_flight, std::memory_order_relaxed);
  stats.attempts.fetch_add(1, std::memory_order_relaxed);
  std::weak_ptr<Impl> weak = weak_from_this();
  const std::string id = m.id;
  client.Post(m.endpoint, *e.target, m.body, std::move(headers), [weak, id, now](HttpOutcome o) {
    if (auto self = weak.lock()) self->Attempted(id, now, std::move(o));
  });
}

int64_t Impl::DelayBefore(const Message& m) {
  const size_t n = static_cast<size_t>(m.attempts - m.round_base);  // attempts made this round
  if (n >= options.retry_ms.size()) return -1;
  const int64_t base = options.retry_ms[n];
  if (base <= 0 || options.jitter <= 0) return base;
  std::uniform_real_distribution<double> spread(-options.jitter, options.jitter);
  return std::max<int64_t>(0, base + static_cast<int64_t>(static_cast<double>(base) * spread(rng)));
}

void Impl::Attempted(const std::string& id, int64_t at_ms, HttpOutcome o) {
  auto it = pending.find(id);
  if (it == pending.end()) return;
  Message& m = it->second;
  const std::string endpoint = m.endpoint;
  Endpoint& e = endpoints[endpoint];
  --e.in_flight;
  --in_flight;
  stats.in_flight.store(in_flight, std::memory_order_relaxed);
  const int64_t now = host.NowMs();
  const int64_t previous_next = m.next_ms;
  const bool ok = o.status >= 200 && o.status < 300;
  ++m.attempts;
  m.last_status = o.status;
  m.last_error = ok ? "" : !o.error.empty() ? o.error : "HTTP " + std::to_string(o.status);
  // The start of the answer, as text a person can read, with "…" where it was cut.
  const std::string excerpt =
      domain::CutUtf8(domain::ToPrintableUtf8(o.body.substr(0, 4096)), 1024);
  const Attempt attempt{m.attempts, at_ms, o.status, o.latency_ms, o.error, excerpt};
  Health& h = HealthOf(m.endpoint, e);
  bool health_changed = false;
  std::string disable_reason;
  if (ok) {
    m.state = MessageState::kDelivered;
    m.done_ms = now;
    stats.delivered.fetch_add(1, std::memory_order_relaxed);
    if (m.due_ms > 0) Observe(stats, now - m.due_ms);
    health_changed = h.failing_since_ms != 0 || now - h.last_success_ms > 60'000;
    h.failing_since_ms = 0;
    h.last_success_ms = now;
  } else {
    stats.failed_attempts.fetch_add(1, std::memory_order_relaxed);
    health_changed = true;
    if (h.failing_since_ms == 0) h.failing_since_ms = at_ms;
    h.last_failure_ms = now;
    h.last_error = m.last_error;
    const int64_t delay = DelayBefore(m);
    if (o.status == 410) {
      disable_reason = "the endpoint answered 410 Gone on " + VietnamDay(now);
    } else if (now - h.failing_since_ms >= options.disable_after_ms) {
      disable_reason = "failing since " + VietnamDay(h.failing_since_ms) +
                       " without a success; last error: " + m.last_error;
    }
    if (o.status == 410 || delay < 0) {
      m.state = MessageState::kFailed;
      m.done_ms = now;
      stats.gave_up.fetch_add(1, std::memory_order_relaxed);
    } else if (o.retry_after_ms && (o.status == 429 || o.status == 503)) {
      m.next_ms = now + std::min(*o.retry_after_ms, options.max_retry_after_ms);
    } else {
      m.next_ms = now + delay;
    }
  }
  if (Status s = outbox->Save(m, &attempt, previous_next, false); !s.ok()) {
    spdlog::error("webhooks: {}", s.ToString());
  }
  if (health_changed) {
    if (Status s = outbox->PutHealth(m.endpoint, h); !s.ok())
      spdlog::error("webhooks: {}", s.ToString());
  }
  if (m.state == MessageState::kPending) {
    e.due.emplace(m.next_ms, m.id);
  } else {
    Message done = std::move(m);
    pending.erase(it);
    stats.pending.store(static_cast<int64_t>(pending.size()), std::memory_order_relaxed);
    if (!done.task.empty()) Record(done);
  }
  if (!disable_reason.empty()) Disable(endpoint, disable_reason);
  PumpEndpoint(e, now);
  if (in_flight < options.overall) Pump();
}

void Impl::GiveUp(Message& m, std::string why) {
  const int64_t previous_next = m.next_ms;
  m.state = MessageState::kFailed;
  m.last_error = std::move(why);
  m.done_ms = host.NowMs();
  stats.gave_up.fetch_add(1, std::memory_order_relaxed);
  if (Status s = outbox->Save(m, nullptr, previous_next, false); !s.ok()) {
    spdlog::error("webhooks: {}", s.ToString());
  }
  Message done = std::move(m);
  pending.erase(done.id);
  stats.pending.store(static_cast<int64_t>(pending.size()), std::memory_order_relaxed);
  if (!done.task.empty()) Record(done);
}

void Impl::Record(const Message& m) {
  std::weak_ptr<Impl> weak = weak_from_this();
  const std::string id = m.id;
  host.Execute(OutcomeOf(m, "webhook"), [weak, id](Status s) {
    if (auto self = weak.lock()) AfterRecording(*self->outbox, id, s, "webhooks");
  });
}

void Impl::Disable(const std::string& endpoint, const std::string& reason) {
  Result<domain::Decision> d = Status::NotFound(endpoint);
  host.Read([&](const domain::Ledger&, const Registry& r) {
    d = DecideDisable(r, endpoint, reason,
                      domain::Actor{domain::ActorRole::kSystem, "", "webhooks"});
  });
  if (!d.ok()) return;  // already disabled or gone
  if (Status s = host.Append(std::move(*d)); !s.ok()) {
    spdlog::error("webhooks: disabling {}: {}", endpoint, s.ToString());
    return;
  }
  stats.disabled.fetch_add(1, std::memory_order_relaxed);
  spdlog::warn("webhooks: disabled endpoint {}: {}", endpoint, reason);
}

}  // namespace taskledger::webhooks
