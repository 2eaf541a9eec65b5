// Sending mail over SMTP with libcurl: smtp:// with STARTTLS, smtps:// (TLS from the start),
// AUTH when a user is set. One SmtpSender keeps its connection open between messages (libcurl's
// connection cache), so a burst of reminders is one session per sender, not one per mail.
// The password never leaves the settings: not logged, not in errors.
// Thread-safety: one SmtpSender per thread; SmtpSettings is a value.
#pragma once

#include <memory>
#include <string>

namespace taskledger::webhooks::mail {

struct SmtpSettings {
  std::string url;  // "smtp://relay.example.vn:587", "smtps://relay.example.vn:465"
  std::string from_address, from_name = "TaskLedger";
  std::string user, password;  // AUTH when user is not empty
  // For smtp://: STARTTLS required, or never (off). kAuto: required unless the relay is this
  // machine (localhost, 127.0.0.1, ::1), where a sink without TLS is common.
  enum class StartTls { kAuto, kRequired, kOff } starttls = StartTls::kAuto;
  long timeout_ms = 30'000;
  bool configured() const { return !url.empty() && !from_address.empty(); }
};

struct SmtpOutcome {
  bool delivered = false;
  int code = 0;            // the relay's last reply code; 0: none (no connection)
  std::string error;       // empty when delivered
  bool permanent = false;  // a 5xx about the message or address: retrying will not help
};

class SmtpSender {
 public:
  explicit SmtpSender(SmtpSettings settings);
  ~SmtpSender();
  SmtpSender(const SmtpSender&) = delete;
  SmtpSender& operator=(const SmtpSender&) = delete;

  // Sends `message` (headers and body, CRLF lines) to `to`; blocking, at most timeout_ms.
  SmtpOutcome Send(const std::string& to, const std::string& message);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether `url` is one SmtpSender can use ("smtp://host[:port]" or "smtps://…"); empty: yes.
std::string CheckSmtpUrl(const std::string& url);

}  // namespace taskledger::webhooks::mail
