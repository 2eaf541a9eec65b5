// The SMTP server the email tests send to (tests/support/smtp_sink.py: Debian's aiosmtpd), and
// what arrived read back with Python's email package (read_mail.py): an independent receiver and
// an independent reader of what TaskLedger sends. Debian's /usr/bin/python3, which has them.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace taskledger::testing {

class SmtpSink {
 public:
  SmtpSink();  // starts it; REQUIREs that it listens
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // How it answers from now on: {"data": [451]} (DATA codes first), {"rcpt": {"a@b.vn": 550}}.
  void Control(const nlohmann::json& how);
  // The messages accepted so far, in order, each as read_mail.py reads it plus "envelope".
  std::vector<nlohmann::json> Messages() const;
  // Waits up to `seconds` until at least `n` messages arrived; returns them.
  std::vector<nlohmann::json> WaitFor(size_t n, double seconds = 20) const;
  // The raw bytes of message `i` (0-based).
  std::string Raw(size_t i) const;

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

}  // namespace taskledger::testing
