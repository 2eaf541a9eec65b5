#include "webhooks/mail/mail_text.h"

#include "domain/date.h"
#include "domain/text.h"
#include "webhooks/notification_types.h"

namespace taskledger::webhooks::mail {

using domain::EscapeHtml;

std::string AgencyName(const domain::Ledger& ledger, const Mailbox& box) {
  const domain::Agency* a = ledger.FindAgency(box.agency);
  if (!a) return box.agency;
  return box.language == "en" && !a->name_en.empty() ? a->name_en : a->name;
}

namespace {

// What the mailbox receives, in a sentence.
std::string Wants(const Mailbox& box) {
  const bool vi = box.language != "en";
  std::string out;
  const auto add = [&](const char* vi_text, const char* en_text) {
    out += (out.empty() ? "" : ", ") + std::string(vi ? vi_text : en_text);
  };
  if (box.reminders) add("nhắc hạn", "deadline reminders");
  if (box.changes) add("thông báo thay đổi", "notices of changes");
  if (box.digest == Digest::kDaily) add("bản tổng hợp hằng ngày", "a daily digest");
  if (box.digest == Digest::kWeekly)
    add("bản tổng hợp hằng tuần (sáng thứ Hai)", "a weekly digest (Monday morning)");
  if (out.empty()) out = vi ? "không thư nào (đã tắt mọi loại)" : "nothing (every kind is off)";
  return out;
}

}  // namespace

// A plain HTML document around `body`: the mail clients' common subset, styled inline.
std::string Page(const Mailbox& box, const std::string& title, const std::string& body) {
  return "<!doctype html><html lang=\"" + std::string(box.language == "en" ? "en" : "vi") +
         "\"><head><meta charset=\"utf-8\"><title>" + EscapeHtml(title) +
         "</title></head><body style=\"font-family:Arial,sans-serif;font-size:15px;"
         "color:#1a1a1a;max-width:640px\">" +
         body + "</body></html>";
}

std::string Button(const std::string& href, const std::string& label) {
  return "<p><a href=\"" + EscapeHtml(href) +
         "\" style=\"display:inline-block;padding:10px 18px;background:#0b5cad;color:#ffffff;"
         "text-decoration:none;border-radius:4px\">" +
         EscapeHtml(label) + "</a></p>";
}

MailText ConfirmationText(const domain::Ledger& ledger, const Mailbox& box,
                          const std::string& link) {
  const std::string agency = AgencyName(ledger, box);
  MailText t;
  if (box.language == "en") {
    t.subject = "[TaskLedger] Confirm this address for " + agency;
    t.text = "This address (" + box.address + ") was registered to receive TaskLedger mail for " +
             agency + ": " + Wants(box) +
             ".\r\n\r\nTo confirm it, open this link within 7 days:\r\n" + link +
             "\r\n\r\nIf you did not expect this mail, ignore it: nothing will be sent to "
             "this address unless it is confirmed.\r\n";
    t.html = Page(box, t.subject,
                  "<p>This address (<b>" + EscapeHtml(box.address) +
                      "</b>) was registered to receive TaskLedger mail for <b>" +
                      EscapeHtml(agency) + "</b>: " + EscapeHtml(Wants(box)) + ".</p>" +
                      Button(link, "Confirm this address") +
                      "<p>The link works for 7 days. If you did not expect this mail, ignore "
                      "it: nothing will be sent to this address unless it is confirmed.</p>");
    return t;
  }
  t.subject = "[TaskLedger] Xác nhận địa chỉ thư của " + agency;
  t.text = "Địa chỉ " + box.address + " vừa được đăng ký nhận thư của TaskLedger cho " + agency +
           ": " + Wants(box) + ".\r\n\r\nĐể xác nhận, mở liên kết sau trong vòng 7 ngày:\r\n" +
           link +
           "\r\n\r\nNếu không phải đơn vị đăng ký, xin bỏ qua thư này: địa chỉ chưa xác "
           "nhận sẽ không nhận được thư nào.\r\n";
  t.html =
      Page(box, t.subject,
           "<p>Địa chỉ <b>" + EscapeHtml(box.address) +
               "</b> vừa được đăng ký nhận thư của TaskLedger cho <b>" + EscapeHtml(agency) +
               "</b>: " + EscapeHtml(Wants(box)) + ".</p>" + Button(link, "Xác nhận địa chỉ này") +
               "<p>Liên kết có hiệu lực trong 7 ngày. Nếu không phải đơn vị đăng ký, xin bỏ "
               "qua thư này: địa chỉ chưa xác nhận sẽ không nhận được thư nào.</p>");
  return t;
}

MailText TestText(const domain::Ledger& ledger, const Mailbox& box, const std::string& public_url) {
  const bool en = box.language == "en";
  const std::string agency = AgencyName(ledger, box);
  const std::string page = public_url + "/#/notifications";
  const std::string reaches =
      std::string(en ? "Mail from TaskLedger reaches this address. It receives: "
                     : "Thư của TaskLedger đã đến được địa chỉ này. Địa chỉ sẽ nhận: ") +
      Wants(box) + ".";
  MailText t;
  t.subject = (en ? "[TaskLedger] Test mail for " : "[TaskLedger] Thư thử của ") + agency;
  t.text = reaches + "\r\n" + (en ? "Change what it receives: " : "Đổi những gì địa chỉ nhận: ") +
           page + "\r\n";
  t.html = Page(box, t.subject,
                "<p>" + EscapeHtml(reaches) + "</p>" +
                    Button(page, en ? "Notification settings" : "Cài đặt thông báo"));
  return t;
}

std::string TaskLink(const domain::Task& t, const std::string& public_url) {
  return public_url + "/#/task/" + t.id;
}

std::string ShortTitle(const domain::Task& t) { return domain::CutUtf8(t.title, 90); }

namespace {

MailText TaskMail(const Mailbox& box, std::string subject, const std::string& lead_in,
                  const domain::Task& t, const std::string& public_url) {
  const bool en = box.language == "en";
  const std::string link = TaskLink(t, public_url);
  MailText m;
  m.subject = std::move(subject);
  m.text = lead_in + "\r\n\r\n" + t.code + ". " + t.title + "\r\n" + link + "\r\n\r\n" +
           (en ? "You receive this as an address of your agency on TaskLedger."
               : "Thư này gửi đến địa chỉ của đơn vị đã đăng ký trên TaskLedger.") +
           "\r\n";
  m.html =
      Page(box, m.subject,
           "<p>" + EscapeHtml(lead_in) + "</p><p><b>" + EscapeHtml(t.code) + ".</b> " +
               EscapeHtml(t.title) + "</p>" + Button(link, en ? "Open the task" : "Xem nhiệm vụ") +
               "<p style=\"color:#555;font-size:13px\">" +
               (en ? "You receive this as an address of your agency on TaskLedger."
                   : "Thư này gửi đến địa chỉ của đơn vị đã đăng ký trên TaskLedger.") +
               "</p>");
  return m;
}

}  // namespace

MailText ReminderText(const domain::Ledger& ledger, const Mailbox& box, const Reminder& r,
                      const std::string& public_url, const domain::Part* part) {
  (void)ledger;
  const bool en = box.language == "en";
  const NotificationType& n = *FindNotificationType(r.type());
  const std::string due = domain::ToDmy(r.due);
  const std::string days = std::to_string(r.offset_days < 0 ? -r.offset_days : r.offset_days);
  std::string lead_in = Fill(n.text.In(en), due, days);
  if (part) {
    // A task given to the agency's group: it is reminded of its own part, as its own.
    lead_in += en ? " (Your agency's own part of a task given to its group.)"
                  : " (Phần việc của đơn vị trong nhiệm vụ giao cho nhóm đơn vị.)";
  }
  const std::string subject = std::string(n.tag.In(en)) + " " + r.task->code + " — " +
                              (en ? "due " : "hạn ") + due + Fill(n.tail.In(en), due, days) +
                              " · " + ShortTitle(*r.task);
  return TaskMail(box, subject, lead_in, *r.task, public_url);
}

MailText ChangeText(const domain::Ledger& ledger, const Mailbox& box, std::string_view type,
                    const domain::Task& task, const std::string& public_url,
                    const std::string& message) {
  (void)ledger;
  const bool en = box.language == "en";
  // An unknown type reads as an assignment, as it always has: the table lists every type sent.
  const NotificationType* n = FindNotificationType(type);
  if (!n || n->event.empty()) n = FindNotificationType("task.assigned");
  const std::string subject =
      std::string(n->tag.In(en)) + " " + task.code + " — " + ShortTitle(task);
  std::string lead_in(n->text.In(en));
  if (!message.empty())
    lead_in += (en ? " The coordinator writes: “" : " Nội dung: “") + message + "”";
  return TaskMail(box, subject, lead_in, task, public_url);
}

}  // namespace taskledger::webhooks::mail
