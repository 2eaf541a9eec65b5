// taskledger: the server and its offline tools, one executable.
//   taskledger serve --data-dir DIR --listen HOST:PORT [--demo]
//   taskledger token create --role coordinator|agency|auditor [--agency ID] --data-dir DIR
//   taskledger import|export|verify|replay|backup|load-demo ...      (see --help)
//   taskledger migrate --from DIR --to postgresql://...               (and back)
// Every command that opens a log takes --store postgresql://... to use a shared database log.
// Options come from flags, then TASKLEDGER_* environment variables, then a config file
// (--config FILE or TASKLEDGER_CONFIG; TOML/INI, e.g. `[serve]` / `listen = "0.0.0.0:8080"`).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "server/api/api.h"
#include "server/cli/serve.h"
#include "server/cli/tools.h"
#include "server/office/office.h"
#include "webhooks/seal.h"

using namespace taskledger;
using namespace taskledger::server;
using namespace taskledger::server::cli;

int main(int argc, char** argv) {
  CLI::App cli{"TaskLedger: who must deliver what, by when"};
  cli.require_subcommand(1);
  cli.fallthrough();  // options of the whole tool may follow the subcommand
  cli.set_config("--config", "", "a TOML/INI file of options ([serve] listen = \"...\")")
      ->envname("TASKLEDGER_CONFIG");
  std::string min_free_space;
  cli.add_option("--min-free-space", min_free_space,
                 "writes pause (503) while the data directory's disk has less free space than "
                 "this, and resume by themselves above it: 64MiB, 512KiB, 0 (off). Default: 64MiB, "
                 "or 5% of the filesystem if less")
      ->envname("TASKLEDGER_MIN_FREE_SPACE");
  std::string clock_start;
  cli.add_option("--clock-start", clock_start,
                 "act as if it were now this date (YYYY-MM-DD, from 08:00) or moment "
                 "(YYYY-MM-DDTHH:MM[:SS]) in Vietnam, for tests, benchmarks and demonstrations")
      ->envname("TASKLEDGER_CLOCK_START");
  std::string block_cache = "64MiB";
  cli.add_option("--block-cache", block_cache,
                 "memory for the log's cached blocks (RocksDB's block cache): more keeps a big "
                 "store's indexes in memory, which appends on many streams look up")
      ->envname("TASKLEDGER_BLOCK_CACHE")
      ->capture_default_str();
  CheckpointOptions checkpoints;
  cli.add_option("--checkpoint-days", checkpoints.recent_days,
                 "projection checkpoints are kept for the end of each of this many recent days "
                 "(and of every month, for good)")
      ->envname("TASKLEDGER_CHECKPOINT_DAYS")
      ->check(CLI::Range(0, 3660))
      ->capture_default_str();
  bool no_checkpoints = false;
  cli.add_flag("--no-checkpoints", no_checkpoints,
               "neither read nor write projection checkpoints: fold the whole log at start-up "
               "and for every past date")
      ->envname("TASKLEDGER_NO_CHECKPOINTS");
  std::string libreoffice = "auto";
  cli.add_option("--libreoffice", libreoffice,
                 "LibreOffice's soffice, to read old .doc and .xls files on import: a path, auto "
                 "(where Debian installs it) or off")
      ->envname("TASKLEDGER_LIBREOFFICE")
      ->capture_default_str();
  std::string data_dir = "./data";
  std::string store_uri;
  const auto data_opt = [&](CLI::App* sub) {
    sub->add_option("--data-dir", data_dir,
                    "the node's directory: the log (unless --store), checkpoints, outboxes, files")
        ->envname("TASKLEDGER_DATA_DIR")
        ->capture_default_str();
    sub->add_option("--store", store_uri,
                    "keep the log in PostgreSQL: a libpq URI (postgresql://user@host:5432/db, "
                    "several hosts with target_session_attrs=read-write). Keep the password out "
                    "of it: PGPASSFILE or ~/.pgpass. Default: the RocksDB log in --data-dir")
        ->envname("TASKLEDGER_STORE");
  };
  std::string secrets_key_file;
  cli.add_option("--secrets-key-file", secrets_key_file,
                 "with --store: a file of 64 hex digits (openssl rand -hex 32) that seals the "
                 "webhook signing secrets and the mail link key kept in the database; the same "
                 "on every node, and kept out of the database's backups")
      ->envname("TASKLEDGER_SECRETS_KEY_FILE");

  ServeOptions so;
  auto* serve = cli.add_subcommand("serve", "serve the HTTP API");
  data_opt(serve);
  serve->add_option("--listen", so.listen, "HOST:PORT")
      ->envname("TASKLEDGER_LISTEN")
      ->capture_default_str();
  serve->add_flag("--demo", so.demo, "load the demo agencies and plans into a store that has none");
  so.api.web_dir = TASKLEDGER_WEB_DIR;
  serve
      ->add_option("--web-dir", so.api.web_dir,
                   "the built web dashboard, served at / (clients/web/dist)")
      ->envname("TASKLEDGER_WEB_DIR")
      ->capture_default_str();
  serve->add_option("--demo-dir", so.demo_dir, "where the demo data is")
      ->envname("TASKLEDGER_DEMO_DIR");
  serve
      ->add_option("--backup-dir", so.api.backup_dir,
                   "where POST /v1/backups writes backups (default: <data-dir>-backups)")
      ->envname("TASKLEDGER_BACKUP_DIR");
  serve
      ->add_option("--node-name", so.api.node_name,
                   "this node's name in /healthz and /metrics (default: the host name)")
      ->envname("TASKLEDGER_NODE_NAME");
  serve->add_option("--threads", so.threads, "I/O threads")
      ->envname("TASKLEDGER_THREADS")
      ->capture_default_str();
  serve->add_option("--max-connections", so.limits.max_connections, "open connections at most")
      ->envname("TASKLEDGER_MAX_CONNECTIONS")
      ->capture_default_str();
  serve
      ->add_option("--max-event-streams", so.api.max_event_streams,
                   "live-update streams (open dashboards) at once; beyond it pages poll")
      ->envname("TASKLEDGER_MAX_EVENT_STREAMS")
      ->capture_default_str();
  serve
      ->add_option("--rate-limit", so.api.rate_per_second,
                   "requests per second per token, sustained (0: no limit)")
      ->envname("TASKLEDGER_RATE_LIMIT")
      ->capture_default_str();
  serve->add_option("--rate-burst", so.api.rate_burst, "requests per token in a burst")
      ->envname("TASKLEDGER_RATE_BURST")
      ->capture_default_str();
  auto* cert = serve
                   ->add_option("--tls-cert", so.tls_cert,
                                "serve HTTPS with this PEM certificate chain (needs --tls-key)")
                   ->envname("TASKLEDGER_TLS_CERT");
  auto* key = serve->add_option("--tls-key", so.tls_key, "the certificate's PEM private key")
                  ->envname("TASKLEDGER_TLS_KEY");
  cert->needs(key);
  key->needs(cert);
  WebhookFlags& wf = so.webhooks;
  serve
      ->add_option("--public-url", wf.public_url,
                   "where people reach this server, for links in notifications and calendars")
      ->envname("TASKLEDGER_PUBLIC_URL");
  serve
      ->add_option("--webhook-retry", wf.retry,
                   "delays before each delivery attempt (the first: immediately)")
      ->envname("TASKLEDGER_WEBHOOK_RETRY")
      ->capture_default_str();
  serve
      ->add_option("--webhook-reminder-days", wf.reminder_days,
                   "days before a due date that reminders go out (0: on the day)")
      ->envname("TASKLEDGER_WEBHOOK_REMINDER_DAYS")
      ->capture_default_str();
  serve
      ->add_option("--webhook-overdue-every", wf.overdue_every,
                   "while overdue, a reminder every this many days (0: none)")
      ->envname("TASKLEDGER_WEBHOOK_OVERDUE_EVERY")
      ->capture_default_str();
  serve
      ->add_option("--webhook-reminder-hour", wf.reminder_hour,
                   "the hour (Vietnam time) reminders go out")
      ->envname("TASKLEDGER_WEBHOOK_REMINDER_HOUR")
      ->capture_default_str();
  serve
      ->add_option("--webhook-addresses", wf.addresses,
                   "which endpoint addresses deliveries may reach: public, private (and LAN), "
                   "loopback (and this machine); link-local never")
      ->envname("TASKLEDGER_WEBHOOK_ADDRESSES")
      ->capture_default_str();
  serve
      ->add_option("--webhook-ca", wf.ca_file,
                   "a PEM file of extra CAs to trust for HTTPS endpoints (beside the system's)")
      ->envname("TASKLEDGER_WEBHOOK_CA");
  serve->add_option("--webhook-timeout", wf.timeout_s, "seconds an attempt may take")
      ->envname("TASKLEDGER_WEBHOOK_TIMEOUT")
      ->capture_default_str();
  serve->add_option("--webhook-per-endpoint", wf.per_endpoint, "attempts in flight per endpoint")
      ->envname("TASKLEDGER_WEBHOOK_PER_ENDPOINT")
      ->capture_default_str();
  serve->add_option("--webhook-concurrency", wf.overall, "attempts in flight overall")
      ->envname("TASKLEDGER_WEBHOOK_CONCURRENCY")
      ->capture_default_str();
  serve
      ->add_option("--webhook-disable-after", wf.disable_after,
                   "disable an endpoint failing this long without a success")
      ->envname("TASKLEDGER_WEBHOOK_DISABLE_AFTER")
      ->capture_default_str();
  serve->add_option("--webhook-jitter", wf.jitter, "retry delays move by up to this fraction")
      ->envname("TASKLEDGER_WEBHOOK_JITTER")
      ->capture_default_str();
  serve
      ->add_option("--webhook-retention", wf.retention,
                   "keep finished deliveries and their attempts this long once the log records "
                   "their outcome (0: forever)")
      ->envname("TASKLEDGER_WEBHOOK_RETENTION")
      ->capture_default_str();

  MailFlags& mf = so.mail;
  serve
      ->add_option("--smtp-url", mf.smtp_url,
                   "the relay mail goes through: smtp://host:587 (STARTTLS) or smtps://host:465; "
                   "none: no mail is sent")
      ->envname("TASKLEDGER_SMTP_URL");
  serve->add_option("--smtp-from", mf.smtp_from, "the address mail comes from")
      ->envname("TASKLEDGER_SMTP_FROM");
  serve->add_option("--smtp-from-name", mf.smtp_from_name, "the name shown beside it")
      ->envname("TASKLEDGER_SMTP_FROM_NAME")
      ->capture_default_str();
  serve->add_option("--smtp-user", mf.smtp_user, "log in to the relay as this user (AUTH)")
      ->envname("TASKLEDGER_SMTP_USER");
  serve
      ->add_option("--smtp-password-file", mf.smtp_password_file,
                   "a file holding the relay password (or TASKLEDGER_SMTP_PASSWORD; never logged)")
      ->envname("TASKLEDGER_SMTP_PASSWORD_FILE");
  serve
      ->add_option("--smtp-starttls", mf.smtp_starttls,
                   "for smtp://: required, off, or auto (required unless the relay is this "
                   "machine)")
      ->envname("TASKLEDGER_SMTP_STARTTLS")
      ->capture_default_str();
  serve->add_option("--smtp-timeout", mf.smtp_timeout_s, "seconds one mail may take")
      ->envname("TASKLEDGER_SMTP_TIMEOUT")
      ->capture_default_str();
  serve
      ->add_option("--mail-retry", mf.retry,
                   "delays before each attempt of a mail (the first: immediately); SMTP 4xx and "
                   "lost connections are tried again, 5xx is final")
      ->envname("TASKLEDGER_MAIL_RETRY")
      ->capture_default_str();
  serve->add_option("--mail-rate", mf.rate, "mails a second at most, over all sessions")
      ->envname("TASKLEDGER_MAIL_RATE")
      ->capture_default_str();
  serve->add_option("--mail-sessions", mf.sessions, "SMTP sessions at once")
      ->envname("TASKLEDGER_MAIL_SESSIONS")
      ->capture_default_str();

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

  auto* verify =
      cli.add_subcommand("verify", "walk the hash chain of a store, or of an export file");
  data_opt(verify);
  std::string verify_file;
  verify->add_option("--file", verify_file, "an export (JSON Lines) to check instead of a store");

  auto* backup = cli.add_subcommand(
      "backup",
      "a copy of the log, the webhook outbox and the files (offline; with the server "
      "running, POST /v1/backups)");
  data_opt(backup);
  std::string backup_to;
  backup->add_option("--to", backup_to, "a directory that does not exist yet")->required();
  auto* restore = cli.add_subcommand(
      "restore", "copy a backup into a new data directory and check it opens and verifies");
  data_opt(restore);
  std::string restore_from;
  restore->add_option("--from", restore_from, "the backup directory")->required();

  auto* exp = cli.add_subcommand("export", "the log as JSON Lines, verifiable with verify --file");
  data_opt(exp);
  std::string export_out = "-";
  uint64_t export_after = 0;
  exp->add_option("--out", export_out, "a file (default: standard output)");
  exp->add_option("--after", export_after, "only positions after this one");

  auto* imp = cli.add_subcommand(
      "import", "import a task matrix (.docx, .xlsx, .csv in UTF-8 or Windows-1258, .json)");
  data_opt(imp);
  tools::ImportArgs ia;
  imp->add_option("--plan", ia.plan, "the plan's id")->required();
  imp->add_option("--file", ia.file, "the plan's document or matrix")->required();
  imp->add_option("--sheet", ia.sheet, "a workbook's sheet (default: the one with the matrix)");
  imp->add_option("--alias", ia.aliases,
                  "\"Name as the file writes it=agency-id\": remembered as that agency's alias");
  imp->add_option("--create", ia.create, "register this unknown name as a new agency");
  imp->add_flag("--dry-run", ia.dry_run, "check and report; write nothing");
  imp->add_flag("--create-agencies", ia.create_agencies,
                "register agencies the matrix names and the store lacks");
  imp->add_option("--reason", ia.reason, "recorded on changes to existing tasks");

  auto* replay =
      cli.add_subcommand("replay", "a plan's report, a task or an agency's tasks as of a day");
  data_opt(replay);
  tools::ReplayArgs ra;
  replay->add_option("--as-of", ra.as_of, "YYYY-MM-DD")->required();
  replay->add_option("--plan", ra.plan, "print this plan's report");
  replay->add_option("--task", ra.task, "print this task");
  replay->add_option("--agency", ra.agency, "print this agency's tasks by due date");
  replay->add_option("--format", ra.format, "json, or csv for a report")
      ->check(CLI::IsMember({"json", "csv"}));

  auto* checkpoint = cli.add_subcommand(
      "checkpoint",
      "write the projection checkpoints a store lacks (serve does it by itself as days end), "
      "and list them");
  data_opt(checkpoint);

  auto* migrate = cli.add_subcommand(
      "migrate",
      "copy a log, record for record with its hash chain, from a RocksDB directory or a "
      "PostgreSQL database to the other (offline: stop the servers first); both are verified");
  std::string migrate_from, migrate_to;
  migrate->add_option("--from", migrate_from, "a data directory or a postgresql:// URI")
      ->required();
  migrate
      ->add_option("--to", migrate_to,
                   "a new or empty data directory or database, or one holding a prefix of the "
                   "log (the copy goes on from there)")
      ->required();

  auto* load_demo = cli.add_subcommand("load-demo", "load the demo data offline (as serve --demo)");
  data_opt(load_demo);
  load_demo->add_option("--demo-dir", so.demo_dir, "where the demo data is")
      ->envname("TASKLEDGER_DEMO_DIR");

  CLI11_PARSE(cli, argc, argv);

  std::string secrets_key;
  if (!secrets_key_file.empty()) {
    auto key = webhooks::ReadSealKey(secrets_key_file);
    if (!key.ok()) {
      std::cerr << "taskledger: " << key.status().message() << "\n";
      return 2;
    }
    secrets_key = *key;
  } else if (!store_uri.empty() && (*serve || *restore)) {
    std::cerr << "taskledger: --store needs --secrets-key-file (TASKLEDGER_SECRETS_KEY_FILE): the "
                 "outboxes' secrets are kept in the database sealed with it; make one with "
                 "`openssl rand -hex 32 > key && chmod 600 key`\n";
    return 2;
  }
  if (*verify && !verify_file.empty()) return tools::VerifyFile(verify_file);
  if (*restore) return tools::Restore(restore_from, {data_dir, store_uri, secrets_key});
  if (*migrate) return tools::Migrate(migrate_from, migrate_to);
  std::optional<uint64_t> min_free;
  if (!min_free_space.empty()) {
    min_free = SizeBytes(min_free_space);
    if (!min_free) {
      std::cerr << "taskledger: --min-free-space wants a size like 64MiB, 512KiB or 0\n";
      return 2;
    }
  }
  // The offline tools print their results on stdout (scripts take a token as its last word): what
  // they log (a long fold's progress, a checkpoint loaded or set aside) goes to stderr.
  if (!*serve) spdlog::set_default_logger(spdlog::stderr_color_mt("taskledger"));
  checkpoints.enabled = !no_checkpoints;
  const std::optional<uint64_t> cache_bytes = SizeBytes(block_cache);
  if (!cache_bytes || *cache_bytes < (1u << 20)) {
    std::cerr << "taskledger: --block-cache wants a size of at least 1MiB, like 512MiB\n";
    return 2;
  }
  auto app = tools::OpenOrExit({data_dir, store_uri, secrets_key}, ClockFrom(clock_start), min_free,
                               checkpoints, *cache_bytes);
  if (so.api.backup_dir.empty()) {
    std::string base = data_dir;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    so.api.backup_dir = base + "-backups";
  }
  so.min_free_bytes = min_free;
  const std::string soffice = libreoffice == "off"    ? std::string()
                              : libreoffice == "auto" ? office::FindSoffice()
                                                      : libreoffice;
  so.api.import.soffice = soffice;
  ia.soffice = soffice;
  if (*serve) return Serve(std::move(app), so);
  if (*load_demo) return tools::LoadDemoTool(*app, so.demo_dir);
  if (*create) return tools::CreateToken(*app, role, agency, name);
  if (*revoke) return tools::RevokeToken(*app, token_id);
  if (*verify) return tools::VerifyStore(*app);
  if (*backup) return tools::Backup(*app, backup_to);
  if (*exp) return tools::Export(*app, export_after, export_out);
  if (*imp) return tools::Import(*app, ia);
  if (*replay) return tools::Replay(*app, ra);
  if (*checkpoint) return tools::WriteCheckpoints(*app);
  return 2;
}
