#include "server/http/log_sink.h"

#include <spdlog/sinks/base_sink.h>

#include <cctype>
#include <cstdio>
#include <mutex>

namespace taskledger::server {

namespace {

class BufferedStdoutSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

bool Base64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// Percent-decoded, leniently (a malformed escape stays as it is): only for looking at.
std::string Decoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

bool LooksSecret(std::string_view raw) {
  const std::string s = Decoded(raw);
  std::string lower;
  for (char c : s.substr(0, 6))
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower.starts_with("tl_") || lower.starts_with("whsec_")) return true;
  size_t i = 0;
  while (i < s.size()) {
    if (!Base64Url(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    bool upper = false, lower_case = false, digit = false;
    for (; j < s.size() && Base64Url(s[j]); ++j) {
      upper |= s[j] >= 'A' && s[j] <= 'Z';
      lower_case |= s[j] >= 'a' && s[j] <= 'z';
      digit |= s[j] >= '0' && s[j] <= '9';
    }
    if (j - i >= 20 && upper && lower_case && digit) return true;
    i = j;
  }
  return false;
}

bool SecretName(std::string_view raw) {
  std::string name = Decoded(raw);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // "t": the signed links in mails (confirm, unsubscribe).
  return name == "key" || name == "token" || name == "access_token" || name == "secret" ||
         name == "t" || name == "password";
}

constexpr std::string_view kRedacted = "[redacted]";

}  // namespace

std::string RedactTarget(std::string_view target) {
  const size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  std::string out;
  out.reserve(target.size());
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view segment = path.substr(start, slash - start);
    out.append(LooksSecret(segment) ? kRedacted : segment);
    if (slash < path.size()) out.push_back('/');
    start = slash + 1;
  }
  if (q == std::string_view::npos) return out;
  out.push_back('?');
  std::string_view rest = target.substr(q + 1);
  bool first = true;
  while (true) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    if (!first) out.push_back('&');
    first = false;
    if (LooksSecret(name)) {
      out.append(kRedacted);
    } else {
      out.append(name);
      if (eq != std::string_view::npos) {
        const std::string_view value = pair.substr(eq + 1);
        out.push_back('=');
        out.append(SecretName(name) || LooksSecret(value) ? kRedacted : value);
      }
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

void UseBufferedStdoutLog() {
  static char buffer[64 << 10];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  auto logger = std::make_shared<spdlog::logger>("", std::make_shared<BufferedStdoutSink>());
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  spdlog::flush_every(std::chrono::seconds(1));
}

}  // namespace taskledger::server
