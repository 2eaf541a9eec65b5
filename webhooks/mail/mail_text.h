// What the mails say, in the mailbox's language (Vietnamese, or English): a subject a clerk can
// sort by, a plain-text part and an HTML part saying the same. Pure functions of the state given.
#pragma once

#include <string>

#include "domain/ledger.h"
#include "webhooks/mail/mailbox.h"
#include "webhooks/reminders.h"

namespace taskledger::webhooks::mail {

struct MailText {
  std::string subject, text, html;
};

// Asks the address's owner to follow `link` before anything else is sent to it.
MailText ConfirmationText(const domain::Ledger& ledger, const Mailbox& box,
                          const std::string& link);
// Says that mail reaches this address, and what it will receive.
MailText TestText(const domain::Ledger& ledger, const Mailbox& box, const std::string& public_url);

// A deadline reminder: "[Nhắc hạn] III.1 — hạn 31/12/2025, còn 7 ngày" (due today, overdue alike);
// to a member of a group, about its own `part` ("phần việc của đơn vị").
MailText ReminderText(const domain::Ledger& ledger, const Mailbox& box, const Reminder& r,
                      const std::string& public_url, const domain::Part* part = nullptr);
// A change to a task the agency leads or coordinates (`type` as ChangeType gives it); a
// coordinator's reminder ("task.reminder") carries the coordinator's `message`.
MailText ChangeText(const domain::Ledger& ledger, const Mailbox& box, std::string_view type,
                    const domain::Task& task, const std::string& public_url,
                    const std::string& message = {});

// Pieces the mails share. The agency's name in the mailbox's language; a plain HTML document
// around `body` (the mail clients' common subset, styled inline); a link drawn as a button; a
// task's page on the dashboard; a task's title cut for a subject.
std::string AgencyName(const domain::Ledger& ledger, const Mailbox& box);
std::string Page(const Mailbox& box, const std::string& title, const std::string& body);
std::string Button(const std::string& href, const std::string& label);
std::string TaskLink(const domain::Task& t, const std::string& public_url);
std::string ShortTitle(const domain::Task& t);

}  // namespace taskledger::webhooks::mail
