// The two links every mail may carry — confirm and one-click unsubscribe (RFC 8058) — which
// need no token: the signed link is the proof. Addresses are never written to the request log.
#include "domain/text.h"
#include "server/api/api.h"
#include "server/api/api_channels.h"
#include "server/api/api_util.h"

namespace taskledger::server {

using namespace domain;
using webhooks::mail::Mailbox;

namespace {

// A small page for people who followed a link from a mail: no scripts, styled inline.
Response PageResponse(unsigned version, http::status status, const std::string& title,
                      const std::string& body) {
  Response res{status, version};
  res.set(http::field::content_type, "text/html; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.set("Content-Security-Policy",
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");  // the link's token stays here
  res.body() =
      "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta "
      "name=\"viewport\" content=\"width=device-width\"><title>" +
      EscapeHtml(title) +
      "</title></head><body style=\"font-family:Arial,sans-serif;max-width:560px;"
      "margin:40px auto;padding:0 16px;color:#1a1a1a\"><h1 style=\"font-size:22px\">" +
      EscapeHtml(title) + "</h1>" + body + "</body></html>";
  return res;
}

void Page(const Call& c, http::status status, const std::string& title, const std::string& body) {
  c.reply(PageResponse(c.req.version(), status, title, body));
}

}  // namespace

void Api::AddEmailLinkRoutes() {
  // The links in mails. GET shows a page with a button (mail scanners follow links; only a
  // person presses the button); POST does it. One-click unsubscribe POSTs without a page.
  // The signed link of ?t=, for `purpose`; otherwise a page saying why not, and none.
  const auto read_link = [this](Call& c, webhooks::mail::LinkPurpose purpose,
                                std::string* token) -> std::optional<webhooks::mail::Link> {
    webhooks::mail::MailService* mail = app_.mail();
    *token = c.query.count("t") ? c.query.at("t") : "";
    auto link = mail ? mail->ReadLink(*token)
                     : Result<webhooks::mail::Link>(Status::FailedPrecondition(
                           "this server sends no mail, so its links do nothing"));
    if (!link.ok() || link->purpose != purpose) {
      Page(c, http::status::bad_request, "Liên kết không dùng được",
           "<p>" +
               EscapeHtml(link.ok() ? "Liên kết này không dành cho việc này."
                                    : link.status().message()) +
               "</p>");
      return std::nullopt;
    }
    return *link;
  };
  const auto link_page = [=](Call& c, webhooks::mail::LinkPurpose purpose) {
    std::string token;
    const std::optional<webhooks::mail::Link> link = read_link(c, purpose, &token);
    if (!link) return;
    const bool confirm = purpose == webhooks::mail::LinkPurpose::kConfirm;
    const std::string action =
        std::string(confirm ? "/v1/email/confirm" : "/v1/email/unsubscribe") + "?t=" + token;
    Page(c, http::status::ok, confirm ? "Xác nhận địa chỉ thư" : "Ngừng nhận thư",
         std::string("<p>") +
             (confirm ? "Bấm nút để xác nhận địa chỉ này nhận thư của TaskLedger. / Press the "
                        "button to confirm this address."
                      : "Bấm nút để địa chỉ này ngừng nhận thư của TaskLedger. / Press the button "
                        "to stop mail to this address.") +
             "</p><form method=\"post\" action=\"" + EscapeHtml(action) +
             "\"><button type=\"submit\" style=\"padding:10px 18px;font-size:16px\">" +
             (confirm ? "Xác nhận / Confirm" : "Ngừng nhận / Unsubscribe") + "</button></form>");
  };
  const auto link_act = [=, this](Call& c, webhooks::mail::LinkPurpose purpose) {
    std::string token;
    const std::optional<webhooks::mail::Link> link = read_link(c, purpose, &token);
    if (!link) return;
    const bool confirm = purpose == webhooks::mail::LinkPurpose::kConfirm;
    const Actor system{ActorRole::kSystem, "", confirm ? "email-link" : "email-unsubscribe"};
    // One-click (RFC 8058) posts List-Unsubscribe=One-Click from the mail client.
    const std::string how = confirm ? "link"
                            : c.req.body().find("List-Unsubscribe=One-Click") != std::string::npos
                                ? "one-click"
                                : "link";
    std::string address;
    auto d = app_.Read<webhooks::mail::Mailboxes>(
        [&](const Ledger&, const webhooks::mail::Mailboxes& r) -> Result<Decision> {
          const Mailbox* m = r.Find(link->mailbox);
          if (!m || m->deleted) return Status::NotFound("this address is no longer subscribed");
          if (!webhooks::mail::LinkIsFor(*link, m->address)) {
            return Status::FailedPrecondition(
                "this link was for an earlier address of the subscription");
          }
          address = m->address;
          return confirm ? webhooks::mail::DecideConfirm(r, m->id, m->address, how, system)
                         : webhooks::mail::DecideUnsubscribe(r, m->id, m->address, how, system);
        });
    if (!d.ok() && d.status().code() == Status::Code::kAlreadyExists) {
      return Page(c, http::status::ok, confirm ? "Đã xác nhận" : "Đã ngừng nhận thư",
                  "<p>" + EscapeHtml(d.status().message()) + "</p>");
    }
    if (!d.ok()) {
      return Page(c, http::status::conflict, "Không thực hiện được",
                  "<p>" + EscapeHtml(d.status().message()) + "</p>");
    }
    const std::string done_title = confirm ? "Đã xác nhận địa chỉ thư" : "Đã ngừng nhận thư";
    const std::string done_text =
        EscapeHtml(address) +
        (confirm ? " sẽ nhận thư của TaskLedger. / will receive TaskLedger mail."
                 : " sẽ không nhận thư của TaskLedger nữa; đơn vị có thể bật lại trên trang "
                   "Thông báo. / will receive no more TaskLedger mail.");
    SubmitChange(
        app_, post_, c, std::move(d),
        [done_title, done_text](const Later& later) {
          later.Send(PageResponse(later.version, http::status::ok, done_title,
                                  "<p>" + done_text + "</p>"));
        },
        [](const Later& later, const Status&) {
          later.Send(
              PageResponse(later.version, http::status::service_unavailable, "Chưa thực hiện được",
                           "<p>Xin thử lại sau ít phút. / Please try again in a few minutes.</p>"));
        });
  };
  Add(
      http::verb::get, "/v1/email/confirm",
      [=](Call& c) { link_page(c, webhooks::mail::LinkPurpose::kConfirm); },
      {{"t", ParamKind::kText}},
      /*public_route=*/true);
  Add(
      http::verb::post, "/v1/email/confirm",
      [=](Call& c) { link_act(c, webhooks::mail::LinkPurpose::kConfirm); },
      {{"t", ParamKind::kText}},
      /*public_route=*/true);
  Add(
      http::verb::get, "/v1/email/unsubscribe",
      [=](Call& c) { link_page(c, webhooks::mail::LinkPurpose::kUnsubscribe); },
      {{"t", ParamKind::kText}}, /*public_route=*/true);
  Add(
      http::verb::post, "/v1/email/unsubscribe",
      [=](Call& c) { link_act(c, webhooks::mail::LinkPurpose::kUnsubscribe); },
      {{"t", ParamKind::kText}},
      /*public_route=*/true);
}

}  // namespace taskledger::server
