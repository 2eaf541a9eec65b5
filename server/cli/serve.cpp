#include "server/cli/serve.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "domain/date.h"
#include "domain/text.h"
#include "server/api/api.h"
#include "server/app/demo.h"
#include "server/cli/tools.h"
#include "server/http/http_server.h"
#include "server/http/log_sink.h"
#include "server/office/office.h"

namespace taskledger::server::cli {
namespace {

std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    out.emplace_back(domain::Trim(text.substr(start, comma - start)));
    start = comma + 1;
  }
  return out;
}

// "250ms", "5s", "5m", "2h", "5d", or plain milliseconds.
std::optional<int64_t> DurationMs(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  const int64_t n = std::stoll(std::string(text.substr(0, digits)));
  const std::string_view unit = text.substr(digits);
  if (unit.empty() || unit == "ms") return n;
  if (unit == "s") return n * 1000;
  if (unit == "m") return n * 60'000;
  if (unit == "h") return n * 3'600'000;
  if (unit == "d") return n * 86'400'000;
  return std::nullopt;
}

std::optional<webhooks::ServiceOptions> WebhookOptions(const WebhookFlags& f) {
  webhooks::ServiceOptions o;
  const auto fail = [](const std::string& what) {
    std::cerr << "taskledger: " << what << "\n";
    return std::nullopt;
  };
  o.retry_ms.clear();
  for (const std::string& part : SplitCommas(f.retry)) {
    auto ms = DurationMs(part);
    if (!ms) return fail("--webhook-retry wants durations like 0,5s,5m,2h: '" + part + "'");
    o.retry_ms.push_back(*ms);
  }
  if (o.retry_ms.empty() || o.retry_ms.size() > 20)
    return fail("--webhook-retry: 1 to 20 attempts");
  o.reminders.days_before.clear();
  for (const std::string& part : SplitCommas(f.reminder_days)) {
    const std::string& t = part;
    if (t.empty() || t.size() > 3 || !std::all_of(t.begin(), t.end(), ::isdigit)) {
      return fail("--webhook-reminder-days wants days like 30,7,1,0");
    }
    o.reminders.days_before.push_back(std::stoi(t));
  }
  o.reminders.overdue_every_days = f.overdue_every;
  o.reminders.hour = f.reminder_hour;
  if (f.reminder_hour < 0 || f.reminder_hour > 23) return fail("--webhook-reminder-hour: 0-23");
  if (f.overdue_every < 0) return fail("--webhook-overdue-every: 0 (none) or more days");
  auto policy = webhooks::ParseAddressPolicy(f.addresses);
  if (!policy.ok()) return fail("--webhook-addresses: " + policy.status().message());
  o.client.addresses = *policy;
  o.client.ca_file = f.ca_file;
  if (f.timeout_s < 1 || f.timeout_s > 120) return fail("--webhook-timeout: 1-120 seconds");
  o.client.timeout_ms = f.timeout_s * 1000LL;
  if (f.per_endpoint < 1 || f.overall < f.per_endpoint) {
    return fail(
        "--webhook-per-endpoint must be at least 1 and --webhook-concurrency at least that");
  }
  o.per_endpoint = f.per_endpoint;
  o.overall = f.overall;
  auto disable = DurationMs(f.disable_after);
  if (!disable || *disable <= 0) return fail("--webhook-disable-after wants a duration like 5d");
  o.disable_after_ms = *disable;
  if (f.jitter < 0 || f.jitter > 0.5) return fail("--webhook-jitter: 0 to 0.5");
  o.jitter = f.jitter;
  auto retention = DurationMs(f.retention);
  if (!retention || *retention < 0)
    return fail("--webhook-retention wants a duration like 90d (0: keep all)");
  o.retention_ms = *retention;
  o.base_url = f.public_url;
  while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
  return o;
}

}  // namespace

// A clock that reads `start` now and runs on from there: a date (from 08:00 in Vietnam) or a
// date and time in Vietnam, "2026-03-02T07:59:55". Tests, benchmarks and demonstrations use it
// to act "as if" at that moment; empty: the system clock.
std::function<int64_t()> ClockFrom(const std::string& start) {
  if (start.empty()) return {};
  const auto date = domain::ParseIsoDate(std::string_view(start).substr(0, 10));
  int h = 8, m = 0, sec = 0;
  const bool timed = start.size() > 10;
  if (!date || (timed && std::sscanf(start.c_str() + 10, "T%d:%d:%d", &h, &m, &sec) < 2) || h < 0 ||
      h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) {
    std::cerr << "taskledger: --clock-start wants YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]\n";
    std::exit(2);
  }
  const int64_t origin = domain::StartOfDayUtcMs(*date) + ((h * 60LL + m) * 60 + sec) * 1000;
  const auto began = std::chrono::steady_clock::now();
  return [origin, began] {
    return origin + std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - began)
                        .count();
  };
}

// "64MiB", "512KiB", "2GiB", "0", or plain bytes.
std::optional<uint64_t> SizeBytes(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  const uint64_t n = std::stoull(std::string(text.substr(0, digits)));
  const std::string_view unit = text.substr(digits);
  if (unit.empty() || unit == "B") return n;
  if (unit == "KiB" || unit == "K") return n << 10;
  if (unit == "MiB" || unit == "M") return n << 20;
  if (unit == "GiB" || unit == "G") return n << 30;
  return std::nullopt;
}

namespace {

// Each connection is a file descriptor; the soft limit (often 1,024) is raised toward the hard
// one so --max-connections can be reached, with a warning when it cannot.
void RaiseDescriptorLimit(size_t connections) {
  struct rlimit r;
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return;
  const rlim_t want = static_cast<rlim_t>(connections) + 512;  // the store, logs, webhooks
  if (r.rlim_cur >= want) return;
  r.rlim_cur = r.rlim_max == RLIM_INFINITY ? want : std::min(want, r.rlim_max);
  setrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_cur < want) {
    spdlog::warn("open files are limited to {} (ulimit -Hn): fewer than --max-connections {} need",
                 r.rlim_cur, connections);
  }
}

// The mail service's options from the flags; none when no relay is set (mail off).
std::optional<std::optional<webhooks::mail::MailOptions>> MailOptionsFrom(
    const MailFlags& f, const std::string& public_url) {
  const auto fail = [](const std::string& why) {
    std::cerr << "taskledger: " << why << "\n";
    return std::nullopt;
  };
  if (f.smtp_url.empty()) return std::optional<webhooks::mail::MailOptions>();
  webhooks::mail::MailOptions o;
  if (std::string why = webhooks::mail::CheckSmtpUrl(f.smtp_url); !why.empty()) {
    return fail("--smtp-url: " + why);
  }
  auto from = webhooks::mail::CheckAddress(f.smtp_from);
  if (!from.ok()) return fail("--smtp-from: " + from.status().message());
  o.smtp.url = f.smtp_url;
  o.smtp.from_address = *from;
  o.smtp.from_name = f.smtp_from_name;
  o.smtp.user = f.smtp_user;
  if (!f.smtp_password_file.empty()) {
    std::ifstream in(f.smtp_password_file);
    if (!in) return fail("--smtp-password-file: cannot read " + f.smtp_password_file);
    std::getline(in, o.smtp.password);
  } else if (const char* env = std::getenv("TASKLEDGER_SMTP_PASSWORD")) {
    o.smtp.password = env;
  }
  if (!o.smtp.user.empty() && o.smtp.password.empty()) {
    return fail("--smtp-user needs a password: --smtp-password-file or TASKLEDGER_SMTP_PASSWORD");
  }
  using Tls = webhooks::mail::SmtpSettings::StartTls;
  if (f.smtp_starttls == "auto") {
    o.smtp.starttls = Tls::kAuto;
  } else if (f.smtp_starttls == "required") {
    o.smtp.starttls = Tls::kRequired;
  } else if (f.smtp_starttls == "off") {
    o.smtp.starttls = Tls::kOff;
  } else {
    return fail("--smtp-starttls: auto, required or off");
  }
  if (f.smtp_timeout_s < 1 || f.smtp_timeout_s > 300) return fail("--smtp-timeout: 1-300 seconds");
  if (f.rate <= 0 || f.rate > 10000) return fail("--mail-rate: more than 0, at most 10000");
  if (f.sessions < 1 || f.sessions > 64) return fail("--mail-sessions: 1-64");
  o.retry_ms.clear();
  for (const std::string& part : SplitCommas(f.retry)) {
    auto ms = DurationMs(part);
    if (!ms) return fail("--mail-retry wants durations like 0,1m,5m,2h: '" + part + "'");
    o.retry_ms.push_back(*ms);
  }
  if (o.retry_ms.empty() || o.retry_ms.size() > 20) return fail("--mail-retry: 1 to 20 attempts");
  o.smtp.timeout_ms = f.smtp_timeout_s * 1000L;
  o.per_second = f.rate;
  o.senders = f.sessions;
  if (!public_url.empty()) o.public_url = public_url;
  return std::optional<webhooks::mail::MailOptions>(std::move(o));
}

}  // namespace

int Serve(std::unique_ptr<App> app, const ServeOptions& o) {
  RaiseDescriptorLimit(o.limits.max_connections);
  auto webhook_options = WebhookOptions(o.webhooks);
  if (!webhook_options) return 2;
  webhook_options->outbox.min_free_bytes = o.min_free_bytes;
  auto mail_options = MailOptionsFrom(o.mail, webhook_options->base_url);
  if (!mail_options) return 2;
  if (*mail_options) (*mail_options)->reminders = webhook_options->reminders;
  UseBufferedStdoutLog();
  const size_t colon = o.listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "taskledger: --listen wants HOST:PORT\n";
    return 2;
  }
  std::string host = o.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);  // [::1]
  const int port = std::atoi(o.listen.c_str() + colon + 1);
  const App::Opened& opened = app->opened();
  spdlog::info("opened the store at position {} in {:.2f} s ({}; {} events folded)",
               app->store().head().position, opened.seconds,
               opened.checkpoint ? "from the checkpoint of " + ToIso(opened.checkpoint->day)
                                 : std::string("no checkpoint"),
               opened.events_folded);
  if (o.demo) {
    auto r = LoadDemo(*app, o.demo_dir);
    if (!r.ok()) {
      std::cerr << "taskledger: demo: " << r.status().ToString() << "\n";
      return 2;
    }
    spdlog::info("{}", *r);
  }
  if (Status s = app->StartWebhooks(*webhook_options); !s.ok()) {
    std::cerr << "taskledger: webhooks: " << s.message() << "\n";
    return 2;
  }
  if (*mail_options) {
    if (Status s = app->StartMail(**mail_options); !s.ok()) {
      std::cerr << "taskledger: mail: " << s.message() << "\n";
      return 2;
    }
    spdlog::info("mail goes through {} from {}", (*mail_options)->smtp.url,
                 (*mail_options)->smtp.from_address);
  } else {
    spdlog::info("no --smtp-url: no mail is sent (email subscriptions can still be managed)");
  }
  // With the log shared by several nodes, one delivers at a time (the others take over).
  app->StartDeliveryLock();
  if (webhook_options->base_url.empty()) {
    spdlog::warn(
        "no --public-url: sign-in sheets will point at the address the coordinator's page was "
        "opened at, and mails and webhooks carry no links; set it to the address agencies reach "
        "this server at (https://taskledger.sogddt.gov.vn)");
  }
  // Checkpoints are written in the background as days end (checkpointer.h).
  app->checkpoints().Start();
  boost::asio::io_context io(static_cast<int>(o.threads));
  ApiOptions api_options = o.api;
  if (api_options.node_name.empty()) {
    char host[256] = {};
    api_options.node_name = ::gethostname(host, sizeof host - 1) == 0 ? host : "taskledger";
  }
  api_options.public_url = webhook_options->base_url;
  api_options.calendar.alarm_days_before = webhook_options->reminders.days_before;
  api_options.calendar.alarm_hour = webhook_options->reminders.hour;
  api_options.post = [&io](std::function<void()> f) { boost::asio::post(io, std::move(f)); };
  Api api(*app, api_options);
  HttpHandlers handlers;
  handlers.handle = [&api](Request&& req, Responder r) {
    api.Handle(std::move(req), std::move(r));
  };
  handlers.body_limit = [&api](const Request& r) { return api.BodyLimit(r); };
  handlers.refuse = [](http::status s, std::string detail, unsigned version) {
    return Refusal(s, std::move(detail)).ToResponse(version);
  };
  HttpServer server(io, o.limits, handlers);
  if (!o.tls_cert.empty()) {
    if (Status s = server.EnableTls(o.tls_cert, o.tls_key); !s.ok()) {
      std::cerr << "taskledger: " << s.message() << "\n";
      return 2;
    }
  }
  if (Status s = server.Listen(host, static_cast<uint16_t>(port)); !s.ok()) {
    std::cerr << "taskledger: " << s.message() << "\n";
    return 2;
  }
  // Scripts and tests read this line for the port.
  std::cout << "listening on " << host << ":" << server.port() << std::endl;
  spdlog::info("listening on {}:{} ({}) with {} threads", host, server.port(),
               o.tls_cert.empty() ? "HTTP" : "HTTPS", o.threads);
  spdlog::default_logger()->flush();  // start-up lines at once; request lines in blocks
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int sig) {
    spdlog::info("signal {}: no new connections; finishing requests in flight", sig);
    server.Stop();
    api.Shutdown();
  });
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < o.threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  app->StopWebhooks(5000);  // attempts in flight finish; pending ones resume at the next start
  app->StopMail(5000);
  app.reset();  // flushes and closes the store
  spdlog::info("stopped cleanly");
  spdlog::shutdown();  // flushes the log
  return 0;
}

}  // namespace taskledger::server::cli
