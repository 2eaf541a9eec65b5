// taskledger: the server and its offline tools, one executable.
//   taskledger serve --data-dir DIR --listen HOST:PORT [--demo]
//   taskledger token create --role coordinator|agency|auditor [--agency ID] --data-dir DIR
//   taskledger verify --data-dir DIR          taskledger backup --data-dir DIR --to DIR
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "domain/date.h"
#include "server/api.h"
#include "server/app.h"
#include "server/demo.h"
#include "server/http_server.h"

#ifndef TASKLEDGER_DEMO_DIR
#define TASKLEDGER_DEMO_DIR "deploy/demo"
#endif

using namespace taskledger;
using namespace taskledger::server;

namespace {

std::string clock_start;  // --clock-start

std::function<int64_t()> ClockFrom(const std::string& start);

std::unique_ptr<App> OpenOrDie(const std::string& dir) {
  AppOptions o;
  o.data_dir = dir;
  o.clock_ms = ClockFrom(clock_start);
  auto app = App::Open(o);
  if (!app.ok()) {
    std::cerr << "taskledger: cannot open " << dir << ": " << app.status().ToString() << "\n";
    std::exit(2);
  }
  return std::move(*app);
}

// A clock that reads `start` (a date, at 08:00 in Vietnam) now and runs on from there. Tests and
// demonstrations use it to serve "as if" on a given day; empty: the system clock.
std::function<int64_t()> ClockFrom(const std::string& start) {
  if (start.empty()) return {};
  const auto date = domain::ParseIsoDate(start);
  if (!date) {
    std::cerr << "taskledger: --clock-start wants YYYY-MM-DD\n";
    std::exit(2);
  }
  const int64_t origin = domain::StartOfDayUtcMs(*date) + 8 * 3600 * 1000;
  const auto began = std::chrono::steady_clock::now();
  return [origin, began] {
    return origin + std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - began)
                        .count();
  };
}

int Serve(const std::string& data_dir, const std::string& listen, bool demo,
          const std::string& demo_dir, unsigned threads, size_t max_connections) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "taskledger: --listen wants HOST:PORT\n";
    return 2;
  }
  const std::string host = listen.substr(0, colon);
  const int port = std::atoi(listen.c_str() + colon + 1);
  std::unique_ptr<App> app = OpenOrDie(data_dir);
  spdlog::info("opened {} at position {}", data_dir, app->store().head().position);
  if (demo) {
    auto r = LoadDemo(*app, demo_dir);
    if (!r.ok()) {
      std::cerr << "taskledger: demo: " << r.status().ToString() << "\n";
      return 2;
    }
    spdlog::info("{}", *r);
  }
  Api api(*app);
  boost::asio::io_context io(static_cast<int>(threads));
  HttpLimits limits;
  limits.max_connections = max_connections;
  HttpHandlers handlers;
  handlers.handle = [&api](Request&& req, Reply reply) { api.Handle(std::move(req), std::move(reply)); };
  handlers.body_limit = [&api](const Request& r) { return api.BodyLimit(r); };
  handlers.refuse = [](http::status s, std::string detail, unsigned version) {
    const char* type = s == http::status::payload_too_large ? "too-large"
                       : s == http::status::service_unavailable ? "unavailable"
                       : "bad-request";
    return MakeProblem(s, type, std::string(http::obsolete_reason(s)), std::move(detail))
        .ToResponse(version);
  };
  HttpServer server(io, limits, handlers);
  if (Status s = server.Listen(host, static_cast<uint16_t>(port)); !s.ok()) {
    std::cerr << "taskledger: " << s.message() << "\n";
    return 2;
  }
  // Scripts and tests read this line for the port.
  std::cout << "listening on " << host << ":" << server.port() << std::endl;
  spdlog::info("listening on {}:{} with {} threads", host, server.port(), threads);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int sig) {
    spdlog::info("signal {}: no new connections; finishing requests in flight", sig);
    server.Stop();
  });
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  app.reset();  // flushes and closes the store
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"TaskLedger: who must deliver what, by when"};
  cli.require_subcommand(1);
  cli.fallthrough();  // options of the whole tool may follow the subcommand
  cli.add_option("--clock-start", clock_start,
                 "act as if today were this date (YYYY-MM-DD, from 08:00 in Vietnam), for tests "
                 "and demonstrations")
      ->envname("TASKLEDGER_CLOCK_START");
  std::string data_dir = "./data";
  const auto data_opt = [&](CLI::App* sub) {
    sub->add_option("--data-dir", data_dir, "the store's directory")
        ->envname("TASKLEDGER_DATA_DIR")
        ->capture_default_str();
  };

  auto* serve = cli.add_subcommand("serve", "serve the HTTP API");
  data_opt(serve);
  std::string listen = "127.0.0.1:8080", demo_dir = TASKLEDGER_DEMO_DIR;
  bool demo = false;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  size_t max_connections = 1024;
  serve->add_option("--listen", listen, "HOST:PORT")->envname("TASKLEDGER_LISTEN")->capture_default_str();
  serve->add_flag("--demo", demo, "load the demo agencies and plans into a store that has none");
  serve->add_option("--demo-dir", demo_dir, "where the demo data is")->envname("TASKLEDGER_DEMO_DIR");
  serve->add_option("--threads", threads, "I/O threads")->envname("TASKLEDGER_THREADS")->capture_default_str();
  serve->add_option("--max-connections", max_connections)->envname("TASKLEDGER_MAX_CONNECTIONS");

  auto* token = cli.add_subcommand("token", "create or revoke API tokens (offline)");
  token->require_subcommand(1);
  auto* create = token->add_subcommand("create", "print a new token as the last word");
  data_opt(create);
  std::string role, agency, name;
  create->add_option("--role", role, "coordinator, agency or auditor")->required();
  create->add_option("--agency", agency, "the agency an agency token acts for");
  create->add_option("--name", name, "who holds it");
  auto* revoke = token->add_subcommand("revoke", "revoke a token by its id");
  data_opt(revoke);
  std::string token_id;
  revoke->add_option("--id", token_id, "the token's id (tl_<id>_...)")->required();

  auto* verify = cli.add_subcommand("verify", "walk the hash chain of a store");
  data_opt(verify);
  auto* backup = cli.add_subcommand("backup", "a consistent copy of a store (RocksDB checkpoint)");
  data_opt(backup);
  std::string backup_to;
  backup->add_option("--to", backup_to, "a directory that does not exist yet")->required();

  auto* load_demo = cli.add_subcommand("load-demo", "load the demo data offline (as serve --demo)");
  data_opt(load_demo);
  load_demo->add_option("--demo-dir", demo_dir, "where the demo data is")->envname("TASKLEDGER_DEMO_DIR");

  CLI11_PARSE(cli, argc, argv);

  if (*load_demo) {
    auto app = OpenOrDie(data_dir);
    auto r = LoadDemo(*app, demo_dir);
    if (!r.ok()) {
      std::cerr << "taskledger: demo: " << r.status().ToString() << "\n";
      return 2;
    }
    std::cout << *r << "\n";
    return 0;
  }

  if (*serve) return Serve(data_dir, listen, demo, demo_dir, threads, max_connections);
  if (*create) {
    auto r = ParseRole(role);
    if (!r) {
      std::cerr << "taskledger: --role must be coordinator, agency or auditor\n";
      return 2;
    }
    if ((*r == domain::ActorRole::kAgency) != !agency.empty()) {
      std::cerr << "taskledger: --agency is needed for, and only for, --role agency\n";
      return 2;
    }
    auto app = OpenOrDie(data_dir);
    if (!agency.empty() && !app->Read([&](const domain::Ledger& l, const TokenTable&) {
          return l.FindAgency(agency) != nullptr;
        })) {
      std::cerr << "taskledger: no agency '" << agency << "'\n";
      return 2;
    }
    NewToken t = MintToken(*r, agency, name, "cli:token");
    if (Status s = app->AppendAndFold(t.stream, ExpectedVersion::NoStream(), {t.event}); !s.ok()) {
      std::cerr << "taskledger: " << s.ToString() << "\n";
      return 1;
    }
    std::cout << role << (agency.empty() ? "" : " " + agency) << " token (id " << t.record.id
              << ", shown once): " << t.token << "\n";
    return 0;
  }
  if (*revoke) {
    auto app = OpenOrDie(data_dir);
    if (!app->Read([&](const domain::Ledger&, const TokenTable& t) { return t.Find(token_id) != nullptr; })) {
      std::cerr << "taskledger: no token '" << token_id << "'\n";
      return 2;
    }
    if (Status s = app->AppendAndFold(TokenStream(token_id), ExpectedVersion::Exists(),
                                      {RevokeEvent(token_id, "cli:token")});
        !s.ok()) {
      std::cerr << "taskledger: " << s.ToString() << "\n";
      return 1;
    }
    std::cout << "revoked " << token_id << "\n";
    return 0;
  }
  if (*verify) {
    auto app = OpenOrDie(data_dir);
    const VerifyReport r = app->store().Verify();
    std::cout << (r.ok ? "ok" : "BAD") << ": " << r.checked << " events checked, head "
              << r.head.position << " " << ToHex(r.head.hash) << "\n";
    if (!r.ok) std::cout << "first bad position " << r.first_bad_position << ": " << r.problem << "\n";
    return r.ok ? 0 : 1;
  }
  if (*backup) {
    auto app = OpenOrDie(data_dir);
    if (Status s = app->store().Checkpoint(backup_to); !s.ok()) {
      std::cerr << "taskledger: " << s.ToString() << "\n";
      return 1;
    }
    std::cout << "backup of position " << app->store().head().position << " in " << backup_to << "\n";
    return 0;
  }
  return 0;
}
