// The mail service's front door and its planning half: what the log and the clock give the
// addresses, built whole and stored with the cursors it reaches; the confirmation and test
// mails; start and stop. The senders are in mail_sender.cpp.
#include "webhooks/mail/mail_service.h"

#include <spdlog/spdlog.h>

#include "webhooks/mail/mail_plan.h"
#include "webhooks/mail/mail_service_impl.h"
#include "webhooks/mail/mime.h"
#include "webhooks/outcome.h"
#include "webhooks/signature.h"

namespace taskledger::webhooks::mail {
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

std::string MailService::Impl::Link(LinkPurpose purpose, const Mailbox& m, int64_t valid_s) const {
  const int64_t expires = host.NowMs() / 1000 + valid_s;
  return options.public_url + "/v1/email/" +
         (purpose == LinkPurpose::kConfirm ? "confirm" : "unsubscribe") +
         "?t=" + MakeLinkToken(link_key, purpose, m.id, m.address, expires);
}

bool MailService::Impl::Dispatch() {
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

void MailService::Impl::Refresh() {
  if (!outbox->shared()) return;
  // Other nodes' API calls (tests, confirmations) enqueue into the shared outbox.
  auto ids = outbox->PendingIds();
  if (!ids.ok()) return;
  std::vector<std::pair<int64_t, std::string>> found;
  {
    std::lock_guard lock(mu);
    std::set<std::string_view> known(sending.begin(), sending.end());
    for (const auto& [at, id] : due) known.insert(id);
    for (const std::string& id : *ids) {
      if (!known.contains(id)) found.emplace_back(0, id);
    }
  }
  for (auto& [at, id] : found) {
    auto m = outbox->Get(id);
    at = m.ok() && m->state == MessageState::kPending ? m->next_ms : -1;
  }
  {
    std::lock_guard lock(mu);
    for (auto& [at, id] : found) {
      if (at >= 0 && !sending.contains(id)) due.emplace(at, std::move(id));
    }
  }
  cv.notify_all();
}

void MailService::Impl::DispatchLoop() {
  std::unique_lock lock(mu);
  while (!stopping) {
    lock.unlock();
    const bool more = Dispatch();
    Refresh();
    lock.lock();
    if (!more) dispatch_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping; });
  }
}

Message MailService::Impl::Make(const Mailbox& m, std::string_view type, const MailText& text,
                                std::string key, bool unsubscribe) {
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
  if (unsubscribe) c.unsubscribe_url = Link(LinkPurpose::kUnsubscribe, m, kUnsubscribeLinkSeconds);
  c.headers.push_back({"X-TaskLedger-Type", std::string(type)});
  msg.body = BuildMail(c);
  return msg;
}

Result<std::string> MailService::Impl::Queue(
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

Result<std::string> MailService::Impl::Enqueue(Message m) {
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

MailService::MailService(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

MailService::~MailService() { Stop(0); }

Result<std::unique_ptr<MailService>> MailService::Open(const std::string& dir, MailHost& host,
                                                       MailOptions options) {
  auto impl = std::make_shared<Impl>(host, std::move(options));
  auto outbox = Outbox::Open(dir, impl->options.outbox);
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

}  // namespace taskledger::webhooks::mail
