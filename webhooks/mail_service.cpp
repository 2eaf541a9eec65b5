#include "webhooks/mail_service.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "webhooks/mail_plan.h"
#include "webhooks/mail_text.h"
#include "webhooks/mime.h"
#include "webhooks/outcome.h"
#include "webhooks/signature.h"

namespace taskledger::webhooks {
namespace {

constexpr std::string_view kLinkKeyName = "$mail-links";

// The host part of the public URL: the right side of every Message-ID.
std::string HostOf(const std::string& url) {
  std::string rest = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  rest = rest.substr(0, rest.find('/'));
  rest =
      rest.substr(0, rest.rfind(':') == std::string::npos || rest.front() == '[' ? rest.size()
                                                                                 : rest.rfind(':'));
  return rest.empty() ? "taskledger.invalid" : rest;
}

}  // namespace

struct MailService::Impl : std::enable_shared_from_this<Impl> {
  MailHost& host;
  MailOptions options;
  std::unique_ptr<Outbox> outbox;
  std::string link_key;

  std::mutex mu;
  std::condition_variable cv;
  std::multimap<int64_t, std::string> due;  // next attempt -> message id
  bool stopping = false;
  int in_flight = 0;
  double tokens = 1;  // the rate limit's bucket
  std::chrono::steady_clock::time_point refilled = std::chrono::steady_clock::now();
  std::vector<std::thread> senders;
  std::thread dispatcher;
  std::condition_variable dispatch_cv;
  uint64_t log_cursor = 0;   // dispatcher only (and Start)
  int64_t clock_cursor = 0;  // dispatcher only (and Start)
  std::atomic<uint64_t> enqueued{0}, attempts{0}, delivered{0}, failed{0};

  Impl(MailHost& h, MailOptions o) : host(h), options(std::move(o)) {}

  std::string Link(LinkPurpose purpose, const Mailbox& m, int64_t valid_s) const {
    const int64_t expires = host.NowMs() / 1000 + valid_s;
    return options.public_url + "/v1/email/" +
           (purpose == LinkPurpose::kConfirm ? "confirm" : "unsubscribe") +
           "?t=" + MakeLinkToken(link_key, purpose, m.id, m.address, expires);
  }

  // One round: the log's news and the reminders now due, enqueued with the cursors they reach.
  bool Dispatch() {
    const int64_t now = host.NowMs();
    MailPlan plan;
    host.ReadMail([&](const domain::Ledger& ledger, const Mailboxes& boxes) {
      plan = PlanMail(ledger, boxes, host.store(), options, log_cursor, clock_cursor, now);
    });
    if (!plan.failed.ok()) {
      spdlog::error("mail: reading the log: {}", plan.failed.message());
      return false;
    }
    const uint64_t log_to = plan.log_to;
    const bool more = plan.more;
    std::vector<PlannedMail>& planned = plan.mails;
    if (log_to == log_cursor && now <= clock_cursor) return false;
    std::vector<Message> batch;
    batch.reserve(planned.size());
    for (PlannedMail& p : planned) {
      Message m = Make(p.box, p.type, p.text, p.key, /*unsubscribe=*/true);
      m.task = std::move(p.task);
      m.occurrence = std::move(p.occurrence);
      m.due_ms = p.due_ms;
      m.about = std::move(p.about);
      batch.push_back(std::move(m));
    }
    // Not synced: mails and cursors go in one write, so a crash loses both or neither, and what
    // is lost is planned again from the older cursors under the same keys (as the webhooks do).
    auto added = outbox->Enqueue(std::move(batch), Outbox::Cursors{log_to, now}, false);
    if (!added.ok()) {
      spdlog::error("mail: {}", added.status().message());  // cursors unmoved: next round
      return false;
    }
    log_cursor = log_to;
    clock_cursor = now;
    enqueued.fetch_add(added->size());
    {
      std::lock_guard lock(mu);
      for (const Message& m : *added) due.emplace(m.next_ms, m.id);
    }
    cv.notify_all();
    return more;
  }

  void DispatchLoop() {
    std::unique_lock lock(mu);
    while (!stopping) {
      lock.unlock();
      const bool more = Dispatch();
      lock.lock();
      if (!more) dispatch_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping; });
    }
  }

  // A message to `m` of `type`, built whole now.
  Message Make(const Mailbox& m, std::string_view type, const MailText& text, std::string key,
               bool unsubscribe) {
    const int64_t now = host.NowMs();
    Message msg;
    msg.id = MessageIdFor(m.id, key);
    msg.endpoint = m.id;
    msg.agency = m.agency;
    msg.type = std::string(type);
    msg.key = std::move(key);
    msg.to = m.address;
    msg.created_ms = msg.due_ms = msg.next_ms = now;
    MailContent c;
    c.from_name = options.smtp.from_name;
    c.from_address = options.smtp.from_address;
    c.to_address = m.address;
    c.subject = text.subject;
    c.text = text.text;
    c.html = text.html;
    c.message_id = msg.id + "@" + HostOf(options.public_url);
    c.date_ms = now;
    c.language = m.language;
    if (unsubscribe)
      c.unsubscribe_url = Link(LinkPurpose::kUnsubscribe, m, kUnsubscribeLinkSeconds);
    c.headers.push_back({"X-TaskLedger-Type", std::string(type)});
    msg.body = BuildMail(c);
    return msg;
  }

  // Queues the mail `make` gives mailbox `id` (made under the read lock), or why not.
  Result<std::string> Queue(
      std::string_view id,
      const std::function<Result<Message>(const domain::Ledger&, const Mailbox&)>& make) {
    std::optional<Result<Message>> m;
    host.ReadMail([&](const domain::Ledger& ledger, const Mailboxes& boxes) {
      const Mailbox* box = boxes.Find(id);
      m = !box || box->deleted
              ? Result<Message>(Status::NotFound("no email subscription '" + std::string(id) + "'"))
              : make(ledger, *box);
    });
    if (!m->ok()) return m->status();
    return Enqueue(std::move(**m));
  }

  Result<std::string> Enqueue(Message m) {
    auto added = outbox->Enqueue({std::move(m)}, {}, /*sync=*/true);
    if (!added.ok()) return added.status();
    if (added->empty()) return Status::AlreadyExists("that mail is queued already");
    enqueued.fetch_add(1);
    const std::string id = added->front().id;
    {
      std::lock_guard lock(mu);
      due.emplace(added->front().next_ms, id);
    }
    cv.notify_one();
    return id;
  }

  // Waits for the rate limit's next token; false when stopping.
  bool Pace(std::unique_lock<std::mutex>& lock) {
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

  void SenderLoop() {
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
      if (!Pace(lock)) break;
      ++in_flight;
      lock.unlock();
      Send(smtp, id);
      lock.lock();
      --in_flight;
      cv.notify_all();
    }
  }

  // Why `m` should not be sent now, or empty.
  std::string Refusal(const Message& m) {
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

  void Send(SmtpSender& smtp, const std::string& id) {
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
      spdlog::warn("mail {} to mailbox {} failed for good after {} attempt(s): {}", m.id,
                   m.endpoint, m.attempts, o.error);  // the address stays out of the log
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

  // The outcome of a finished mail about a task, on that task in the log; the outbox forgets it
  // is unrecorded once the log has it (or never can: the task is gone).
  static bool Recorded(const Message& m) { return !m.task.empty() || !m.about.empty(); }

  void Record(const Message& m) {
    if (m.task.empty()) return RecordDigest(m);
    std::weak_ptr<Impl> weak = weak_from_this();
    const std::string id = m.id;
    host.Execute(OutcomeOf(m, "email"), [weak, id](Status s) {
      if (auto self = weak.lock()) AfterRecording(*self->outbox, id, s, "mail");
    });
  }

  // A digest's outcome, with the tasks it listed, on its address's stream (blocking: a sender's
  // thread, or the start). A stream moved meanwhile (the address was changed) is tried again.
  void RecordDigest(const Message& m) {
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

  void MarkFailing(const Message& m, const std::string& why) {
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
};

MailService::MailService(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

MailService::~MailService() { Stop(0); }

Result<std::unique_ptr<MailService>> MailService::Open(const std::string& dir, MailHost& host,
                                                       MailOptions options) {
  auto impl = std::make_shared<Impl>(host, std::move(options));
  auto outbox = Outbox::Open(dir);
  if (!outbox.ok()) return outbox.status();
  impl->outbox = std::move(*outbox);
  // The key that signs the links in mails: made once, kept with the outbox, never in the log.
  std::optional<Secrets> key = impl->outbox->GetSecrets(std::string(kLinkKeyName));
  if (!key) {
    key = Secrets{NewSecret(), "", 0};
    if (Status s = impl->outbox->PutSecrets(std::string(kLinkKeyName), *key); !s.ok()) return s;
  }
  auto bytes = SecretKey(key->current);
  if (!bytes.ok()) return Status::Corruption("mail outbox: the link key is unreadable");
  impl->link_key = *bytes;
  return std::unique_ptr<MailService>(new MailService(std::move(impl)));
}

Status MailService::Start() {
  auto pending = impl_->outbox->Pending();
  if (!pending.ok()) return pending.status();
  {
    std::lock_guard lock(impl_->mu);
    for (const Message& m : *pending) impl_->due.emplace(m.next_ms, m.id);
  }
  // Where the log and the clock were read up to; at the first start: the log's end and now
  // (what happened before the service existed is not news).
  const Outbox::Cursors c = impl_->outbox->cursors();
  if (c.log && c.clock) {
    impl_->log_cursor = *c.log;
    impl_->clock_cursor = *c.clock;
  } else {
    impl_->host.ReadMail(
        [&](const domain::Ledger& l, const Mailboxes&) { impl_->log_cursor = l.position(); });
    impl_->clock_cursor = impl_->host.NowMs();
    auto saved =
        impl_->outbox->Enqueue({}, Outbox::Cursors{impl_->log_cursor, impl_->clock_cursor}, true);
    if (!saved.ok()) return saved.status();
  }
  // Outcomes a crash kept from the log: recorded now (recording twice is refused, harmlessly).
  auto unrecorded = impl_->outbox->Unrecorded();
  if (!unrecorded.ok()) return unrecorded.status();
  for (const Message& m : *unrecorded) impl_->Record(m);
  for (int i = 0; i < std::max(1, impl_->options.senders); ++i) {
    impl_->senders.emplace_back([impl = impl_] { impl->SenderLoop(); });
  }
  impl_->dispatcher = std::thread([impl = impl_] { impl->DispatchLoop(); });
  return Status::Ok();
}

void MailService::Stop(int64_t drain_ms) {
  {
    std::unique_lock lock(impl_->mu);
    impl_->cv.wait_for(lock, std::chrono::milliseconds(drain_ms),
                       [&] { return impl_->in_flight == 0; });
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  impl_->dispatch_cv.notify_all();
  if (impl_->dispatcher.joinable()) impl_->dispatcher.join();
  for (std::thread& t : impl_->senders) t.join();
  impl_->senders.clear();
}

const MailOptions& MailService::options() const { return impl_->options; }
Outbox& MailService::outbox() { return *impl_->outbox; }

Result<std::string> MailService::SendConfirmation(std::string_view id) {
  return impl_->Queue(id, [&](const domain::Ledger& ledger, const Mailbox& box) -> Result<Message> {
    if (box.confirmed) return Status::AlreadyExists(box.address + " is confirmed already");
    const std::string link = impl_->Link(LinkPurpose::kConfirm, box, kConfirmLinkSeconds);
    return impl_->Make(box, kConfirmationMail, ConfirmationText(ledger, box, link),
                       "confirm:" + std::to_string(impl_->host.NowMs()), /*unsubscribe=*/false);
  });
}

Result<std::string> MailService::SendTest(std::string_view id) {
  return impl_->Queue(id, [&](const domain::Ledger& ledger, const Mailbox& box) -> Result<Message> {
    if (!box.Sends()) {
      return Status::FailedPrecondition(
          box.confirmed ? box.address + " is turned off"
                        : box.address + " is not confirmed yet: follow the mailed link first");
    }
    return impl_->Make(box, kTestMail, TestText(ledger, box, impl_->options.public_url),
                       "test:" + std::to_string(impl_->host.NowMs()), /*unsubscribe=*/true);
  });
}

Result<Link> MailService::ReadLink(std::string_view token) const {
  return ReadLinkToken(impl_->link_key, token, impl_->host.NowMs() / 1000);
}

MailService::Stats MailService::stats() const {
  Stats s;
  s.enqueued = impl_->enqueued.load();
  s.attempts = impl_->attempts.load();
  s.delivered = impl_->delivered.load();
  s.failed = impl_->failed.load();
  std::lock_guard lock(impl_->mu);
  s.pending = static_cast<int64_t>(impl_->due.size()) + impl_->in_flight;
  return s;
}

}  // namespace taskledger::webhooks
