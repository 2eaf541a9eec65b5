// The offline subcommands of `taskledger`: each opens a data directory (which the server must
// not hold), does one thing, prints what it did, and returns the process exit code
// (0 done, 1 failed, 2 bad usage or input).
#pragma once

#include <functional>
#include <string>

#include "server/app/app.h"

namespace taskledger::server::tools {

// Where a node keeps things: its directory, and the log's database (empty: the log is in the
// directory).
struct Where {
  std::string data_dir;
  std::string store_uri;
  std::string secrets_key;  // 32 bytes, for outboxes in the database; empty: none
};
// Opens `where` with `clock` (empty: the system clock) and the free-space floor (nullopt: the
// default), or prints why not and exits 2.
std::unique_ptr<App> OpenOrExit(const Where& where, std::function<int64_t()> clock,
                                std::optional<uint64_t> min_free_bytes = std::nullopt,
                                CheckpointOptions checkpoints = {},
                                size_t block_cache_bytes = 64u << 20);

// Writes the checkpoints the store lacks and lists those it has.
int WriteCheckpoints(App& app);

int LoadDemoTool(App& app, const std::string& demo_dir);
int CreateToken(App& app, const std::string& role, const std::string& agency,
                const std::string& name);
int RevokeToken(App& app, const std::string& id);
int VerifyStore(App& app);
// Verifies an export file (JSON Lines from /v1/audit/export or `export`) without a store.
int VerifyFile(const std::string& path);
// A backup of the log, the webhook outbox and the files in `to` (backup.h).
int Backup(App& app, const std::string& to);
// Copies a backup into a new data directory (and its log into an empty database, with
// `store_uri`) and checks that it opens and verifies.
int Restore(const std::string& from, const Where& to);
// Copies the log in `from` (a directory or a postgresql:// URI) to `to`, and verifies both.
int Migrate(const std::string& from, const std::string& to);
// Writes the log after position `after` as JSON Lines to `out` ("-": stdout).
int Export(App& app, uint64_t after, const std::string& out);

struct ImportArgs {
  std::string plan, file;
  bool dry_run = false, create_agencies = false;
  std::string reason = "import";
  std::string sheet;
  std::vector<std::string> aliases;  // "Name as the file writes it=agency-id"
  std::vector<std::string> create;   // names to register as new agencies
  std::string soffice;               // LibreOffice, for old .doc/.xls; "" refuses them
};
// Imports a task matrix (.docx, .xlsx, CSV in any office encoding, or JSON) into a plan, as
// the coordinator "cli".
int Import(App& app, const ImportArgs& args);

struct ReplayArgs {
  std::string plan, task, agency, as_of;  // one of plan, task or agency
  std::string format = "json";            // json, or csv for a plan's report
};
// Prints a plan's report, a task, or an agency's tasks as they stood at the end of a day.
int Replay(App& app, const ReplayArgs& args);

}  // namespace taskledger::server::tools
