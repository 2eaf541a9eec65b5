// The mail service's inside, shared by its two halves: planning and queueing
// (mail_service.cpp) and sending and recording (mail_sender.cpp). Private to webhooks/.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "webhooks/mail/mail_service.h"
#include "webhooks/mail/mail_text.h"
#include "webhooks/mail/smtp.h"

namespace taskledger::webhooks::mail {

// Thread-safety: shared by the dispatcher, the senders and the API's callers (SendConfirmation,
// SendTest). What each member is guarded by is marked on it; what is set before the threads
// start (Open, Start) is read-only after.
struct MailService::Impl : std::enable_shared_from_this<Impl> {
  MailHost& host;                  // thread-safe
  MailOptions options;             // read-only
  std::unique_ptr<Outbox> outbox;  // set before the threads start; the outbox is thread-safe
  std::string link_key;            // set before the threads start

  std::mutex mu;
  std::condition_variable cv;               // senders wait on it, with mu
  std::multimap<int64_t, std::string> due;  // by mu: next attempt -> message id
  std::set<std::string> sending;            // by mu: ids a sender is working on
  bool stopping = false;                    // by mu
  int in_flight = 0;                        // by mu
  double tokens = 1;                        // by mu: the rate limit's bucket
  std::chrono::steady_clock::time_point refilled = std::chrono::steady_clock::now();  // by mu
  std::vector<std::thread> senders;     // Start and Stop only
  std::thread dispatcher;               // Start and Stop only
  std::condition_variable dispatch_cv;  // the dispatcher waits on it, with mu
  uint64_t log_cursor = 0;              // dispatcher only (and Start)
  int64_t clock_cursor = 0;             // dispatcher only (and Start)
  std::atomic<uint64_t> enqueued{0}, attempts{0}, delivered{0}, failed{0};

  Impl(MailHost& h, MailOptions o) : host(h), options(std::move(o)) {}

  // A signed link for `m`'s address, valid for `valid_s` seconds from now.
  std::string Link(LinkPurpose purpose, const Mailbox& m, int64_t valid_s) const;

  // A shared outbox: takes in the pending mails other nodes enqueued (each dispatch round).
  void Refresh();
  // One round: the log's news and the reminders now due, enqueued with the cursors they reach.
  bool Dispatch();

  // Dispatch() every second, at once again while it has more to read; until stopping.
  void DispatchLoop();

  // A message to `m` of `type`, built whole now.
  Message Make(const Mailbox& m, std::string_view type, const MailText& text, std::string key,
               bool unsubscribe);

  // Queues the mail `make` gives mailbox `id` (made under the read lock), or why not.
  Result<std::string> Queue(
      std::string_view id,
      const std::function<Result<Message>(const domain::Ledger&, const Mailbox&)>& make);

  // Stores `m` (synced) and wakes a sender; the message id, or kAlreadyExists for its key.
  Result<std::string> Enqueue(Message m);

  // Waits for the rate limit's next token; false when stopping.
  bool Pace(std::unique_lock<std::mutex>& lock);

  // One sender: takes the next mail due, paced, and sends it over this thread's SMTP session.
  void SenderLoop();

  // Why `m` should not be sent now, or empty.
  std::string Refusal(const Message& m);

  void Send(SmtpSender& smtp, const std::string& id);

  // Whether `m`'s outcome goes into the log: a task's mail, or a digest.
  static bool Recorded(const Message& m) { return !m.task.empty() || !m.about.empty(); }

  // The outcome of a finished mail about a task, on that task in the log (a digest's: on its
  // address's stream); the outbox forgets it is unrecorded once the log has it (or never can:
  // the task is gone).
  void Record(const Message& m);

  // A digest's outcome, with the tasks it listed, on its address's stream (blocking: a sender's
  // thread, or the start). A stream moved meanwhile (the address was changed) is tried again.
  void RecordDigest(const Message& m);

  void MarkFailing(const Message& m, const std::string& why);
};

}  // namespace taskledger::webhooks::mail
