// The mail service: what TaskLedger sends by email, kept in an outbox of its own
// (<data dir>/mail, the same durable Outbox the webhooks use) and sent over SMTP with retries.
//
// Each message is built whole (GMime) when it is enqueued, so every attempt sends the same bytes
// under the same Message-ID. An attempt answered 2xx is delivered; a connection failure or an
// SMTP 4xx is tried again on the retry schedule; a 5xx is a permanent failure, and the address
// is marked failing in the log (email.failing), for the coordinator to see. A server-wide rate
// limit keeps within what the relay allows. Restarts lose nothing: pending messages are read back
// from the outbox and sent.
//
// It sends the confirmation mail (a signed, expiring link that must be followed before anything
// else goes to an address), test mails, and to confirmed addresses that want them the deadline
// reminders (per occurrence and offset, moved by extensions, never twice: keyed as the webhooks'
// are) and the changes to the tasks their agency leads or coordinates, directly or through a
// group. What the log and the clock have been read up to is kept with the outbox, so a restart
// neither loses nor repeats any. Each task mail's outcome (delivered or failed, channel email,
// the address, attempts) is recorded on its task in the log, as the webhooks' are, and counted
// in the report's "notified" columns. The link key lives in the outbox's store, never in the log.
//
// Threads: `senders` threads of its own, each with one SMTP session, and one that turns the log
// and the clock into mail every second; its methods may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/commands.h"
#include "domain/ledger.h"
#include "events/event_store.h"
#include "webhooks/mail/links.h"
#include "webhooks/mail/mailbox.h"
#include "webhooks/mail/smtp.h"
#include "webhooks/outbox.h"
#include "webhooks/reminders.h"

namespace taskledger::webhooks::mail {

// What the mail service needs from the server that hosts it.
class MailHost {
 public:
  virtual ~MailHost() = default;
  virtual int64_t NowMs() const = 0;
  // Runs fn with the Ledger and the mailboxes, consistent with each other (the read lock).
  virtual void ReadMail(
      const std::function<void(const domain::Ledger&, const Mailboxes&)>& fn) const = 0;
  // Appends a mailbox decision (confirmed, unsubscribed, failing) and folds it; blocking.
  virtual Status Append(domain::Decision decision) = 0;
  // The log, to read task events from.
  virtual const EventStore& store() const = 0;
  // Decides and appends `command` as the server itself (a mail's outcome on its task); `done`
  // (on any thread) once durable and folded, or refused.
  virtual void Execute(domain::Command command, std::function<void(Status)> done) = 0;
};

struct MailOptions {
  SmtpSettings smtp;
  // Where the outbox is kept (outbox.h): the directory Open is given, or the log's database.
  OutboxOptions outbox;
  // When reminders go out: the server's policy (the webhooks' --webhook-reminder-* flags).
  ReminderPolicy reminders;
  // Where the dashboard and the API are reached from outside: the links in mails.
  std::string public_url = "http://localhost:8080";
  // Delays before each attempt (the first: at once). Default: 0, 1 min, 5 min, 30 min, 2 h, 6 h,
  // 12 h (7 attempts over ~21 h).
  std::vector<int64_t> retry_ms = {0,         60'000,     300'000,   1'800'000,
                                   7'200'000, 21'600'000, 43'200'000};
  // Messages a second at most, over all sessions (a relay's limit). Default: 20.
  double per_second = 20;
  // SMTP sessions at once. Default: 2.
  int senders = 2;
};

// The types of mail this service sends.
inline constexpr std::string_view kConfirmationMail = "email.confirmation";
inline constexpr std::string_view kTestMail = "email.test";
inline constexpr std::string_view kDigestMail = "email.digest";

class MailService {
 public:
  static Result<std::unique_ptr<MailService>> Open(const std::string& dir, MailHost& host,
                                                   MailOptions options);
  ~MailService();
  Status Start();
  // Finishes the attempts in flight (up to `drain_ms`) and stops; pending ones wait.
  void Stop(int64_t drain_ms);

  const MailOptions& options() const;
  Outbox& outbox();

  // Queues the confirmation mail to mailbox `id`, at its address now; durable when it returns.
  // Returns the message id.
  Result<std::string> SendConfirmation(std::string_view id);
  // Queues a test mail to a confirmed mailbox.
  Result<std::string> SendTest(std::string_view id);

  // A link from a mail, checked against the key (not yet against the mailbox).
  Result<Link> ReadLink(std::string_view token) const;

  struct Stats {
    uint64_t enqueued = 0, attempts = 0, delivered = 0, failed = 0;
    int64_t pending = 0;
  };
  Stats stats() const;

  struct Impl;

 private:
  explicit MailService(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace taskledger::webhooks::mail
