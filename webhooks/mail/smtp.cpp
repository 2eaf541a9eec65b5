#include "webhooks/mail/smtp.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace taskledger::webhooks::mail {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Reader {
  const std::string* data;
  size_t at = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t n, void* user) {
  auto* r = static_cast<Reader*>(user);
  const size_t room = size * n;
  const size_t take = std::min(room, r->data->size() - r->at);
  std::memcpy(buffer, r->data->data() + r->at, take);
  r->at += take;
  return take;
}

std::string HostOf(const std::string& url) {
  const size_t start = url.find("://");
  if (start == std::string::npos) return {};
  std::string rest = url.substr(start + 3);
  if (const size_t at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') return rest.substr(1, rest.find(']') - 1);
  return rest.substr(0, std::min(rest.find(':'), rest.find('/')));
}

bool Loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

}  // namespace

std::string CheckSmtpUrl(const std::string& url) {
  if (!url.starts_with("smtp://") && !url.starts_with("smtps://")) {
    return "the SMTP URL starts with smtp:// (STARTTLS) or smtps:// (TLS), e.g. "
           "smtp://relay.example.vn:587";
  }
  if (HostOf(url).empty()) return "the SMTP URL names no host";
  if (url.find('@') != std::string::npos) {
    return "put the SMTP user and password in their own settings, not in the URL";
  }
  return {};
}

struct SmtpSender::Impl {
  SmtpSettings settings;
  CURL* curl = nullptr;
};

SmtpSender::SmtpSender(SmtpSettings settings) : impl_(std::make_unique<Impl>()) {
  GlobalInitOnce();
  impl_->settings = std::move(settings);
  impl_->curl = curl_easy_init();
}

SmtpSender::~SmtpSender() {
  if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

SmtpOutcome SmtpSender::Send(const std::string& to, const std::string& message) {
  SmtpOutcome out;
  CURL* curl = impl_->curl;
  if (!curl) {
    out.error = "libcurl could not start";
    return out;
  }
  const SmtpSettings& s = impl_->settings;
  curl_easy_reset(curl);  // options only: the connection cache stays
  char error[CURL_ERROR_SIZE] = {};
  Reader reader{&message};
  const std::string from = "<" + s.from_address + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  curl_easy_setopt(curl, CURLOPT_URL, s.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, s.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(s.timeout_ms, 10'000L));
  if (s.url.starts_with("smtp://")) {
    const bool tls = s.starttls == SmtpSettings::StartTls::kRequired ||
                     (s.starttls == SmtpSettings::StartTls::kAuto && !Loopback(HostOf(s.url)));
    curl_easy_setopt(curl, CURLOPT_USE_SSL, tls ? CURLUSESSL_ALL : CURLUSESSL_NONE);
  }
  if (!s.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, s.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, s.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  out.code = static_cast<int>(code);
  if (rc == CURLE_OK) {
    out.delivered = true;
    return out;
  }
  out.error = error[0] ? error : curl_easy_strerror(rc);
  if (out.code > 0) out.error = "SMTP " + std::to_string(out.code) + ": " + out.error;
  // A relay refusing our login is ours to fix, not the address's: retried, never permanent.
  out.permanent = out.code >= 500 && out.code < 600 && rc != CURLE_LOGIN_DENIED;
  return out;
}

}  // namespace taskledger::webhooks::mail
