// `taskledger serve`: the options as typed and the running server; and the value parsers the
// other subcommands share (a clock from --clock-start, sizes such as 64MiB).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "server/api/api.h"
#include "server/app/app.h"
#include "server/http/http_server.h"

#ifndef TASKLEDGER_DEMO_DIR
#define TASKLEDGER_DEMO_DIR "deploy/demo"
#endif

namespace taskledger::server::cli {

// A clock that reads `start` now and runs on from there: a date (from 08:00 in Vietnam) or a
// date and time in Vietnam, "2026-03-02T07:59:55". Tests, benchmarks and demonstrations use it
// to act "as if" at that moment; empty: the system clock.
std::function<int64_t()> ClockFrom(const std::string& start);

// "64MiB", "512KiB", "2GiB", "0", or plain bytes.
std::optional<uint64_t> SizeBytes(std::string_view text);

// The webhook options as typed, checked into ServiceOptions at start-up.
struct WebhookFlags {
  std::string retry = "0,5s,5m,30m,2h,5h,10h,10h";
  std::string reminder_days = "30,7,1,0";
  int overdue_every = 7;
  int reminder_hour = 8;
  std::string addresses = "public";
  std::string ca_file;
  int timeout_s = 15;
  int per_endpoint = 4;
  int overall = 256;
  std::string disable_after = "5d";
  double jitter = 0.2;
  std::string public_url;
  std::string retention = "90d";
};

struct MailFlags {
  std::string smtp_url, smtp_from, smtp_from_name = "TaskLedger", smtp_user;
  std::string smtp_password_file;  // or TASKLEDGER_SMTP_PASSWORD; never a flag (ps would show it)
  std::string smtp_starttls = "auto";
  int smtp_timeout_s = 30;
  std::string retry = "0,1m,5m,30m,2h,6h,12h";
  double rate = 20;
  int sessions = 2;
};

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  bool demo = false;
  std::string demo_dir = TASKLEDGER_DEMO_DIR;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::string tls_cert, tls_key;  // both or neither: HTTPS instead of HTTP
  HttpLimits limits;
  ApiOptions api;
  WebhookFlags webhooks;
  MailFlags mail;
  std::optional<uint64_t> min_free_bytes;  // --min-free-space; nullopt: the default
};

// Serves until SIGINT or SIGTERM, then drains; the exit code.
int Serve(std::unique_ptr<App> app, const ServeOptions& o);

}  // namespace taskledger::server::cli
