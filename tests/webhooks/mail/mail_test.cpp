// Email's parts: addresses and their consent folded from events, signed links, mail built with
// GMime and read back by Python's email package, sent over SMTP to aiosmtpd.
#include <catch2/catch.hpp>

#include "domain/date.h"
#include "domain/ledger.h"
#include "tests/support/smtp_sink.h"
#include "tests/webhooks/channel_fold.h"
#include "webhooks/mail/digest.h"
#include "webhooks/mail/links.h"
#include "webhooks/mail/mailbox.h"
#include "webhooks/mail/mime.h"
#include "webhooks/mail/smtp.h"

using namespace taskledger;
using namespace taskledger::webhooks;
using namespace taskledger::webhooks::mail;
using nlohmann::json;
using taskledger::testing::Fold;
using taskledger::testing::SmtpSink;

namespace {

domain::Actor Coordinator() { return {domain::ActorRole::kCoordinator, "", "Điều phối"}; }
domain::Actor AgencyActor(std::string agency) {
  return {domain::ActorRole::kAgency, std::move(agency), "Văn thư"};
}
domain::Actor System() { return {domain::ActorRole::kSystem, "", "server"}; }

// A ledger that knows two agencies.
void AddAgencies(domain::Ledger& l) {
  uint64_t position = 0;
  for (const char* id : {"so-gddt-hp", "ubnd-q1"}) {
    EventView v;
    v.position = ++position;
    std::string stream = std::string("agency-") + id;
    v.stream = stream;
    v.type = "agency.registered";
    std::string data = json{{"id", id}, {"name", id}, {"kind", "department"}}.dump();
    v.data = data;
    REQUIRE(l.Apply(v).ok());
  }
}

}  // namespace

TEST_CASE("addresses are checked, and only a coordinator vouches for one", "[webhooks][email]") {
  CHECK(*CheckAddress("  vanthu@sogddt.haiphong.gov.vn ") == "vanthu@sogddt.haiphong.gov.vn");
  for (const char* bad : {"", "vanthu", "a@b", "a@@b.vn", "Văn thư <a@b.vn>", "a b@c.vn",
                          "a@b.vn\r\nBcc: x@y.vn", "a@.vn", "a@b..vn", "a@b.vn,c@d.vn"}) {
    INFO(bad);
    CHECK(CheckAddress(bad).status().code() == Status::Code::kInvalidArgument);
  }
  domain::Ledger ledger;
  AddAgencies(ledger);
  Mailboxes boxes;
  MailboxSpec spec;
  spec.address = "vanthu@sogddt.gov.vn";
  spec.agency = "ubnd-q1";
  CHECK(DecideCreate(boxes, ledger, "em_1", spec, AgencyActor("so-gddt-hp")).status().code() ==
        Status::Code::kPermissionDenied);
  spec.agency = "so-gddt-hp";
  spec.confirmed = true;
  CHECK(DecideCreate(boxes, ledger, "em_1", spec, AgencyActor("so-gddt-hp")).status().code() ==
        Status::Code::kPermissionDenied);
  spec.agency = "nobody";
  CHECK(DecideCreate(boxes, ledger, "em_1", spec, Coordinator()).status().code() ==
        Status::Code::kInvalidArgument);
  spec.agency = "so-gddt-hp";
  auto vouched = DecideCreate(boxes, ledger, "em_1", spec, Coordinator());
  REQUIRE(vouched.ok());
  REQUIRE(vouched->events.size() == 2);  // subscribed, confirmed by the coordinator
  uint64_t position = 0;
  Fold(boxes, *vouched, position);
  const Mailbox* m = boxes.Find("em_1");
  REQUIRE(m);
  CHECK(m->Sends());
  CHECK(m->confirmed_by.starts_with("coordinator"));
  // The same address again (any case) is refused.
  spec.address = "VanThu@SoGDDT.gov.vn";
  spec.confirmed = false;
  CHECK(DecideCreate(boxes, ledger, "em_2", spec, Coordinator()).status().code() ==
        Status::Code::kAlreadyExists);
}

TEST_CASE("an address sends only once confirmed; unsubscribing and a new address ask again",
          "[webhooks][email]") {
  domain::Ledger ledger;
  AddAgencies(ledger);
  Mailboxes boxes;
  uint64_t position = 0;
  MailboxSpec spec;
  spec.address = "vanthu@sogddt.gov.vn";
  spec.digest = Digest::kDaily;
  auto created = DecideCreate(boxes, ledger, "em_1", spec, AgencyActor("so-gddt-hp"));
  REQUIRE(created.ok());
  Fold(boxes, *created, position);
  const Mailbox* m = boxes.Find("em_1");
  REQUIRE(m);
  CHECK(m->agency == "so-gddt-hp");
  CHECK(m->digest == Digest::kDaily);
  CHECK_FALSE(m->Sends());  // not before the link is followed

  // A link for another address does nothing; the right one confirms.
  CHECK(DecideConfirm(boxes, "em_1", "other@sogddt.gov.vn", "link", System()).status().code() ==
        Status::Code::kFailedPrecondition);
  CHECK(DecideConfirm(boxes, "em_1", "vanthu@sogddt.gov.vn", "link", AgencyActor("so-gddt-hp"))
            .status()
            .code() == Status::Code::kPermissionDenied);
  auto confirmed = DecideConfirm(boxes, "em_1", "VANTHU@sogddt.gov.vn", "link", System());
  REQUIRE(confirmed.ok());
  Fold(boxes, *confirmed, position);
  CHECK(m->Sends());
  CHECK(m->confirmed_by == "link");

  // One click off; on again, it waits for a new confirmation.
  auto off = DecideUnsubscribe(boxes, "em_1", "vanthu@sogddt.gov.vn", "one-click", System());
  REQUIRE(off.ok());
  Fold(boxes, *off, position, 2000);
  CHECK_FALSE(m->Sends());
  CHECK(m->unsubscribed_at_ms == 2000);
  CHECK(DecideUnsubscribe(boxes, "em_1", "vanthu@sogddt.gov.vn", "one-click", System())
            .status()
            .code() == Status::Code::kAlreadyExists);
  MailboxSpec on;
  on.enabled = true;
  auto again = DecideUpdate(boxes, ledger, "em_1", on, AgencyActor("so-gddt-hp"));
  REQUIRE(again.ok());
  Fold(boxes, *again, position);
  CHECK(m->enabled);
  CHECK_FALSE(m->Sends());
  Fold(boxes, *DecideConfirm(boxes, "em_1", "vanthu@sogddt.gov.vn", "link", System()), position);
  CHECK(m->Sends());

  // A new address confirms anew; a failing mark shows until then.
  Fold(boxes, *DecideFailing(boxes, "em_1", "SMTP 550: no such mailbox", System()), position);
  CHECK_FALSE(m->Reaches());
  MailboxSpec moved;
  moved.address = "vanphong@sogddt.gov.vn";
  Fold(boxes, *DecideUpdate(boxes, ledger, "em_1", moved, Coordinator()), position);
  CHECK(m->address == "vanphong@sogddt.gov.vn");
  CHECK_FALSE(m->confirmed);
  CHECK(m->failing.empty());

  // Reminder days of its own, and back to the server's.
  MailboxSpec days;
  days.schedule = ReminderPolicy{{14, 3}, 0, 8};
  Fold(boxes, *DecideUpdate(boxes, ledger, "em_1", days, Coordinator()), position);
  REQUIRE(m->schedule);
  CHECK(m->schedule->days_before == std::vector<int>{14, 3});
  CHECK(m->schedule->overdue_every_days == 0);
  days.schedule = ReminderPolicy{{400}, 0, 8};
  CHECK(DecideUpdate(boxes, ledger, "em_1", days, Coordinator()).status().code() ==
        Status::Code::kInvalidArgument);

  // Others' addresses do not exist for an agency; auditors read only.
  CHECK(DecideDelete(boxes, "em_1", AgencyActor("ubnd-q1")).status().code() ==
        Status::Code::kNotFound);
  CHECK(DecideDelete(boxes, "em_1", {domain::ActorRole::kAuditor, "", "a"}).status().code() ==
        Status::Code::kPermissionDenied);

  // The folded table survives a checkpoint's round trip.
  std::string bytes;
  boxes.Encode(bytes);
  Mailboxes copy;
  REQUIRE(copy.Decode(bytes).ok());
  std::string again_bytes;
  copy.Encode(again_bytes);
  CHECK(again_bytes == bytes);
  REQUIRE(copy.Of("so-gddt-hp").size() == 1);
  CHECK(copy.Of("so-gddt-hp")[0]->address == "vanphong@sogddt.gov.vn");
  CHECK(copy.Of("so-gddt-hp")[0]->schedule->days_before == std::vector<int>{14, 3});
  MailboxSpec server_days;
  server_days.server_schedule = true;
  Fold(boxes, *DecideUpdate(boxes, ledger, "em_1", server_days, Coordinator()), position);
  CHECK_FALSE(m->schedule);
  CHECK(copy.Decode(bytes.substr(0, bytes.size() - 3)).code() == Status::Code::kCorruption);
}

TEST_CASE("links are signed, tied to the address, and expire", "[webhooks][email]") {
  const std::string key = "0123456789abcdef0123456789abcdef";
  const std::string token =
      MakeLinkToken(key, LinkPurpose::kConfirm, "em_1", "VanThu@sogddt.gov.vn", 5000);
  auto link = ReadLinkToken(key, token, 4000);
  REQUIRE(link.ok());
  CHECK(link->purpose == LinkPurpose::kConfirm);
  CHECK(link->mailbox == "em_1");
  CHECK(LinkIsFor(*link, "vanthu@sogddt.gov.vn"));
  CHECK_FALSE(LinkIsFor(*link, "other@sogddt.gov.vn"));
  CHECK(ReadLinkToken(key, token, 5001).status().code() == Status::Code::kFailedPrecondition);
  CHECK(ReadLinkToken("another key", token, 4000).status().code() ==
        Status::Code::kInvalidArgument);
  std::string forged = token;
  forged[2] = forged[2] == '1' ? '2' : '1';  // another mailbox, same MAC
  CHECK(ReadLinkToken(key, forged, 4000).status().code() == Status::Code::kInvalidArgument);
  std::string longer = token;
  longer.replace(longer.find(".5000."), 6, ".9999.");  // a later expiry
  CHECK(ReadLinkToken(key, longer, 4000).status().code() == Status::Code::kInvalidArgument);
  CHECK(ReadLinkToken(key, "c.em_1", 0).status().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("a mail built with GMime reads back as a clerk's client reads it, over SMTP",
          "[webhooks][email][smtp]") {
  MailContent mail;
  mail.from_name = "TaskLedger — Sở GD&ĐT";
  mail.from_address = "nhac-han@sogddt.gov.vn";
  mail.to_address = "vanthu@ubnd-q1.gov.vn";
  mail.subject = "[Nhắc hạn] III.1 — hạn 31/12/2025, còn 7 ngày";
  mail.text =
      "Kính gửi Văn thư,\r\nNhiệm vụ III.1 đến hạn ngày 31/12/2025.\r\n"
      "Xem: https://taskledger.example.vn/#/tasks/kh:III.1\r\n";
  mail.html =
      "<!doctype html><html lang=\"vi\"><body><p>Nhiệm vụ <b>III.1</b> đến hạn "
      "ngày 31/12/2025.</p></body></html>";
  mail.message_id = "msg_0123abcd@taskledger.example.vn";
  mail.date_ms = 1767139200000;  // 2025-12-31 00:00 UTC
  mail.unsubscribe_url = "https://taskledger.example.vn/v1/email/unsubscribe?t=u.em_1.1.2.3";
  mail.language = "vi";
  const std::string bytes = BuildMail(mail);
  CHECK(bytes.find("Subject: =?") != std::string::npos);  // RFC 2047 on the wire
  CHECK(bytes.find("Nhắc") == std::string::npos);         // nothing 8-bit in the headers/body

  SmtpSink sink;
  SmtpSettings settings;
  settings.url = sink.url();
  settings.from_address = mail.from_address;
  SmtpSender sender(settings);
  // Two in one session; the second after a temporary refusal.
  const SmtpOutcome first = sender.Send(mail.to_address, bytes);
  INFO(first.error);
  REQUIRE(first.delivered);
  sink.Control({{"data", {451}}});
  const SmtpOutcome busy = sender.Send(mail.to_address, bytes);
  CHECK_FALSE(busy.delivered);
  CHECK(busy.code == 451);
  CHECK_FALSE(busy.permanent);
  CHECK(sender.Send(mail.to_address, bytes).delivered);
  sink.Control({{"rcpt", {{"gone@ubnd-q1.gov.vn", 550}}}});
  const SmtpOutcome gone = sender.Send("gone@ubnd-q1.gov.vn", bytes);
  CHECK_FALSE(gone.delivered);
  CHECK(gone.code == 550);
  CHECK(gone.permanent);
  CHECK(gone.error.find("550") != std::string::npos);

  const std::vector<json> got = sink.Messages();
  REQUIRE(got.size() == 2);
  const json& m = got[0];
  CHECK(m["envelope"]["from"] == mail.from_address);
  CHECK(m["envelope"]["rcpt"] == json::array({mail.to_address}));
  CHECK(m["subject"] == mail.subject);
  CHECK(m["content_type"] == "multipart/alternative");
  REQUIRE(m["parts"].size() == 2);
  CHECK(m["parts"][0]["type"] == "text/plain");
  CHECK(m["parts"][0]["charset"] == "utf-8");
  CHECK(m["parts"][0]["text"].get<std::string>().find("Nhiệm vụ III.1 đến hạn") !=
        std::string::npos);
  CHECK(m["parts"][1]["type"] == "text/html");
  CHECK(m["parts"][1]["text"].get<std::string>().find("<b>III.1</b>") != std::string::npos);
  const json& h = m["headers"];
  CHECK(h["message-id"][0] == "<" + mail.message_id + ">");
  CHECK(h["auto-submitted"][0] == "auto-generated");
  CHECK(h["list-unsubscribe"][0] == "<" + mail.unsubscribe_url + ">");
  CHECK(h["list-unsubscribe-post"][0] == "List-Unsubscribe=One-Click");
  CHECK(h["from"][0].get<std::string>().find("nhac-han@sogddt.gov.vn") != std::string::npos);
  CHECK(h["from"][0].get<std::string>().find("Sở GD&ĐT") != std::string::npos);
  CHECK(h.contains("date"));
  CHECK(m["crlf"] == true);
  CHECK(m["defects"].empty());
  // The same message twice carries the same Message-ID: a retry is the same mail.
  CHECK(got[1]["headers"]["message-id"] == h["message-id"]);
}

TEST_CASE("a relay that is not there is a failure to retry, not a refusal",
          "[webhooks][email][smtp]") {
  SmtpSettings settings;
  settings.url = "smtp://127.0.0.1:1";
  settings.from_address = "a@b.vn";
  settings.timeout_ms = 3000;
  SmtpSender sender(settings);
  const SmtpOutcome o = sender.Send("c@d.vn", "Subject: x\r\n\r\nx\r\n");
  CHECK_FALSE(o.delivered);
  CHECK_FALSE(o.permanent);
  CHECK(o.code == 0);
  CHECK_FALSE(o.error.empty());
  CHECK(CheckSmtpUrl("smtp://relay.vn:587").empty());
  CHECK_FALSE(CheckSmtpUrl("http://relay.vn").empty());
  CHECK_FALSE(CheckSmtpUrl("smtp://user:pw@relay.vn").empty());
}

TEST_CASE("digests fall due at 07:30 Vietnam time, daily or on Mondays, the latest one only",
          "[webhooks][email]") {
  using domain::Date;
  // 07:30 in Vietnam is 00:30 UTC.
  const auto at = [](Date d, int hour, int minute) {
    return domain::StartOfDayUtcMs(d) + (hour * 60 + minute) * 60'000LL;
  };
  const Date monday{2026, 12, 28}, tuesday{2026, 12, 29}, sunday{2026, 12, 27};
  const int64_t digest = at(monday, 7, 30);
  CHECK(DigestDueBetween(Digest::kDaily, digest - 1, digest) == digest);
  CHECK_FALSE(DigestDueBetween(Digest::kDaily, digest, digest + 1000).has_value());
  CHECK_FALSE(DigestDueBetween(Digest::kDaily, digest - 2000, digest - 1).has_value());
  CHECK_FALSE(DigestDueBetween(Digest::kNone, digest - 1, digest).has_value());
  CHECK(DigestDueBetween(Digest::kWeekly, digest - 1, digest) == digest);
  // Tuesday's is daily only; a server down from Sunday to Tuesday noon sends Tuesday's daily
  // digest and Monday's weekly one, once each.
  const int64_t tuesday_digest = at(tuesday, 7, 30);
  CHECK_FALSE(DigestDueBetween(Digest::kWeekly, tuesday_digest - 1, tuesday_digest).has_value());
  CHECK(DigestDueBetween(Digest::kDaily, at(sunday, 9, 0), at(tuesday, 12, 0)) == tuesday_digest);
  CHECK(DigestDueBetween(Digest::kWeekly, at(sunday, 9, 0), at(tuesday, 12, 0)) == digest);
  // Just after midnight in Vietnam it is still the day before's digest.
  CHECK(DigestDueBetween(Digest::kDaily, at(monday, 0, 0), at(tuesday, 0, 10)) == digest);
}
