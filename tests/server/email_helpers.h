// What the server email tests share: the flags that point a server at the test relay, and the
// mail that reached one address.
#pragma once

#include <string>
#include <vector>

#include "tests/support/smtp_sink.h"

namespace taskledger::testing {

inline constexpr const char* kPublic = "https://taskledger.example.vn";

inline std::vector<std::string> MailFlags(const SmtpSink& sink) {
  return {"--smtp-url",   sink.url(), "--smtp-from",  "nhac-han@sogddt.gov.vn",
          "--public-url", kPublic,    "--mail-retry", "0,1s,1s,1s",
          "--mail-rate",  "50"};
}

// The messages the sink accepted for `address`, in order.
inline std::vector<nlohmann::json> MailTo(const SmtpSink& sink, const std::string& address) {
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& m : sink.Messages()) {
    if (m["envelope"]["rcpt"][0] == address) out.push_back(m);
  }
  return out;
}

}  // namespace taskledger::testing
