// Mail as mail clients expect it, built with GMime (not by hand): multipart/alternative with a
// plain-text and an HTML part (UTF-8, quoted-printable), the subject and names encoded per RFC
// 2047, Date, a Message-ID the caller keeps stable across retries, Auto-Submitted:
// auto-generated (RFC 3834: no auto-replies), and one-click unsubscribe (RFC 8058) when given.
// Lines end in CRLF, as SMTP wants them. Thread-safe (GMime is initialised once).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace taskledger::webhooks::mail {

struct MailContent {
  std::string from_name, from_address;
  std::string to_address;
  std::string subject;     // UTF-8
  std::string text;        // the plain-text part, UTF-8
  std::string html;        // the HTML part, UTF-8 (a whole document)
  std::string message_id;  // without angle brackets: "msg_…@host"
  int64_t date_ms = 0;
  std::string unsubscribe_url;                               // empty: no List-Unsubscribe headers
  std::string language;                                      // Content-Language, e.g. "vi"
  std::vector<std::pair<std::string, std::string>> headers;  // more, ASCII values
};

// The whole message (headers and body), ready for SMTP's DATA.
std::string BuildMail(const MailContent& mail);

}  // namespace taskledger::webhooks::mail
