// Backup and restore of everything a TaskLedger needs to come back elsewhere: the event log, the
// webhook outbox (signing secrets, cursors, what is pending), the mail outbox (the key of the
// links in mails already sent, cursors, pending mail) and the deliverable files. A backup
// directory is a data directory: restoring is copying it and checking that it opens.
//
// Consistency, while the server keeps working. The outboxes are copied first and the log second,
// with secret changes (a webhook created, rotated, deleted: secret stored, then its event
// appended) held off across both copies, so the copied outbox never lags a secret its copied
// log names, and never runs ahead of the log: its cursors are at or before the log's head. The
// restored server derives again what the log holds past them (duplicates are recognised by key),
// and resends what the copy still shows pending: at least once, as after a crash. Files are
// linked last, so every file the copied log names is there.
//
// Thread-safety: one backup at a time per App (the API refuses a second while one runs).
#pragma once

#include <cstdint>
#include <string>

#include "events/util/status.h"
#include "server/app/app.h"

namespace taskledger::server {

struct BackupResult {
  std::string dir;
  Head head;            // what the copied log ends with
  size_t files = 0;     // deliverable files copied
  bool outbox = false;  // the webhook outbox was copied (there was one)
  bool mail = false;    // the mail outbox was copied (link key, cursors, pending mail)
  int64_t taken_at_ms = 0;
};

// Writes the backup into `to`, which must not exist. Works with the server running (through
// its App) and offline (the outbox opened from the data directory).
Result<BackupResult> Backup(App& app, const std::string& to);

// Copies the backup in `from` to `data_dir` (which must not exist, or be empty), then opens it:
// the log folds and its chain verifies, the outbox opens. The backup itself is left untouched.
// With `store_uri`, the log, the outboxes (their secrets sealed with `secrets_key`) and the files
// go into that database, which must hold no log yet.
Result<BackupResult> Restore(const std::string& from, const std::string& data_dir,
                             const std::string& store_uri = {},
                             const std::string& secrets_key = {});

}  // namespace taskledger::server
