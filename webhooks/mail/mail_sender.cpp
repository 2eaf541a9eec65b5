// The mail service's senders: one SMTP session each, paced by one token bucket; what became of
// each mail recorded in the outbox and, when it is done, in the log.
#include <spdlog/spdlog.h>

#include <random>

#include "webhooks/mail/mail_service_impl.h"
#include "webhooks/outcome.h"

namespace taskledger::webhooks::mail {

bool MailService::Impl::Pace(std::unique_lock<std::mutex>& lock) {
  for (;;) {
    if (stopping) return false;
    const auto now = std::chrono::steady_clock::now();
    tokens = std::min(
        std::max(1.0, options.per_second),
        tokens + std::chrono::duration<double>(now - refilled).count() * options.per_second);
    refilled = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    cv.wait_for(lock, std::chrono::duration<double>((1 - tokens) / options.per_second));
  }
}

void MailService::Impl::SenderLoop() {
  SmtpSender smtp(options.smtp);
  std::unique_lock lock(mu);
  while (!stopping) {
    const int64_t now = host.NowMs();
    if (due.empty() || due.begin()->first > now) {
      const int64_t wait = due.empty() ? 1000 : std::min<int64_t>(1000, due.begin()->first - now);
      cv.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(wait, 1)));
      continue;
    }
    const std::string id = due.begin()->second;
    due.erase(due.begin());
    if (sending.contains(id)) continue;  // taken in twice (a shared outbox's refresh)
    if (!Pace(lock)) break;
    ++in_flight;
    sending.insert(id);
    lock.unlock();
    Send(smtp, id);
    lock.lock();
    sending.erase(id);
    --in_flight;
    cv.notify_all();
  }
}

std::string MailService::Impl::Refusal(const Message& m) {
  std::string why;
  host.ReadMail([&](const domain::Ledger&, const Mailboxes& boxes) {
    const Mailbox* box = boxes.Find(m.endpoint);
    if (!box || box->deleted) {
      why = "the address was removed";
    } else if (box->address != m.to) {
      why = "the address changed to " + box->address;
    } else if (m.type == kConfirmationMail) {
      if (box->confirmed) why = "the address is confirmed already";
    } else if (!box->Sends()) {
      why = box->confirmed ? "the address is turned off" : "the address is not confirmed";
    }
  });
  return why;
}

void MailService::Impl::Send(SmtpSender& smtp, const std::string& id) {
  auto got = outbox->Get(id);
  if (!got.ok() || got->state != MessageState::kPending) return;
  Message m = std::move(*got);
  const int64_t previous_next = m.next_ms;
  const int64_t start = host.NowMs();
  if (const std::string why = Refusal(m); !why.empty()) {
    m.state = MessageState::kFailed;
    m.last_error = "not sent: " + why;
    m.done_ms = start;
    failed.fetch_add(1);
    if (outbox->Save(m, nullptr, previous_next, false).ok() && Recorded(m)) Record(m);
    return;
  }
  attempts.fetch_add(1);
  const SmtpOutcome o = smtp.Send(m.to, m.body);
  const int64_t end = host.NowMs();
  Attempt a;
  a.n = ++m.attempts;
  a.at_ms = start;
  a.status = o.code;
  a.latency_ms = end - start;
  a.error = o.error;
  m.last_status = o.code;
  m.last_error = o.error;
  const int round = m.attempts - m.round_base;
  if (o.delivered) {
    m.state = MessageState::kDelivered;
    m.done_ms = end;
    delivered.fetch_add(1);
  } else if (o.permanent || round >= static_cast<int>(options.retry_ms.size())) {
    m.state = MessageState::kFailed;
    m.done_ms = end;
    failed.fetch_add(1);
    spdlog::warn("mail {} to mailbox {} failed for good after {} attempt(s): {}", m.id, m.endpoint,
                 m.attempts, o.error);  // the address stays out of the log
    if (o.permanent) MarkFailing(m, o.error);
  } else {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    const int64_t delay = options.retry_ms[static_cast<size_t>(round)];
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    m.next_ms = end + static_cast<int64_t>(static_cast<double>(delay) * jitter(rng));
  }
  if (Status s = outbox->Save(m, &a, previous_next, false); !s.ok()) {
    spdlog::error("mail outbox: {}", s.message());
    return;
  }
  if (m.state != MessageState::kPending && Recorded(m)) Record(m);
  if (m.state == MessageState::kPending) {
    std::lock_guard lock(mu);
    due.emplace(m.next_ms, m.id);
  }
}

void MailService::Impl::Record(const Message& m) {
  if (m.task.empty()) return RecordDigest(m);
  std::weak_ptr<Impl> weak = weak_from_this();
  const std::string id = m.id;
  host.Execute(OutcomeOf(m, "email"), [weak, id](Status s) {
    if (auto self = weak.lock()) AfterRecording(*self->outbox, id, s, "mail");
  });
}

void MailService::Impl::RecordDigest(const Message& m) {
  const nlohmann::json outcome = DigestOutcomeOf(m);
  Status s = Status::Ok();
  for (int tries = 0; tries < 3; ++tries) {
    std::optional<Result<domain::Decision>> d;
    host.ReadMail([&](const domain::Ledger&, const Mailboxes& boxes) {
      d = DecideDigestSent(boxes, m.endpoint, outcome, {domain::ActorRole::kSystem, "", "mail"});
    });
    s = d->ok() ? host.Append(std::move(**d)) : d->status();
    if (s.code() != Status::Code::kWrongExpectedVersion) break;
  }
  AfterRecording(*outbox, m.id, s, "mail");
}

void MailService::Impl::MarkFailing(const Message& m, const std::string& why) {
  std::optional<Result<domain::Decision>> d;
  host.ReadMail([&](const domain::Ledger&, const Mailboxes& boxes) {
    d = DecideFailing(boxes, m.endpoint, why, {domain::ActorRole::kSystem, "", "mail"});
  });
  if (d && d->ok()) {
    if (Status s = host.Append(std::move(**d)); !s.ok()) {
      spdlog::warn("mail: marking mailbox {} failing: {}", m.endpoint, s.message());
    }
  }
}

}  // namespace taskledger::webhooks::mail
