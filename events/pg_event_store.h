// The event store over PostgreSQL: one log in a database that any number of TaskLedger
// processes share. It keeps the contract of events/event_store.h, and says here what it means
// on a database server:
//  - Durable: an append is answered after its transaction committed, which (with PostgreSQL's
//    default synchronous_commit = on) means its WAL is flushed on the primary and, with
//    synchronous standbys configured, on as many of them as synchronous_standby_names asks.
//  - One committer thread per process writes everything queued as one transaction (group
//    commit). Transactions from several processes are ordered by a row lock on the head
//    (taskledger_head): each locks it, checks the expected versions and the ids against what is
//    stored, writes its records after the head, moves the head and notifies (LISTEN/NOTIFY
//    channel taskledger_log). Positions stay gapless and the chain unbroken across processes.
//  - The stored records are the RocksDB store's bytes, column `record`, byte for byte; the
//    other columns index them. UNIQUE (stream, version) and UNIQUE (id) are constraints, and a
//    trigger refuses UPDATE, DELETE and TRUNCATE of the log.
//  - Other processes' appends reach this one by the notification and, should one be missed, by
//    a look at the head every second: the head moves, subscribers run (shared() is true).
//  - The database unreachable (restarting, failing over): appends fail with kUnavailable and
//    resume by themselves once it answers again; reads fail with kUnavailable meanwhile. An
//    append whose commit was not confirmed may or may not be in the log: event ids (and the
//    server's Idempotency-Key) make its retry safe.
//  - Checkpoint() copies the log into a RocksDB store in a directory.
//
// Thread-safety: as EventStore.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "events/event_store.h"

namespace taskledger {

struct PgStoreOptions : StoreOptions {
  // Upper bound on the bytes one group commit writes. Default: 4 MiB.
  size_t max_group_bytes = 4u << 20;
  // How often the head is read when no notification came, and how long a lost database is
  // waited for between attempts to reconnect. Default: 1 s.
  std::chrono::milliseconds poll_interval{1000};
  // The name the connections give the server (pg_stat_activity). Default: "taskledger".
  std::string application_name = "taskledger";
};

// The schema version this build reads and writes (table taskledger_meta, key schema_version):
// the log (taskledger_events, taskledger_head), the outboxes (taskledger_kv) and the deliverable
// files (taskledger_files).
inline constexpr int kPgSchemaVersion = 1;

// Whether `location` names a PostgreSQL database (a postgresql:// or postgres:// URI, or libpq
// key=value settings) rather than a directory.
bool IsPostgresUri(std::string_view location);

// `uri` without its password, for messages and logs.
std::string RedactedUri(const std::string& uri);

// Connects to the database at `uri` and opens its log, creating the schema when the database
// has none (with create_if_missing). kUnavailable when the server cannot be reached or refuses
// the login, kFailedPrecondition when the database holds another schema version, kCorruption
// when the log's last records do not chain to its head.
Result<std::unique_ptr<EventStore>> OpenPgEventStore(const std::string& uri,
                                                     PgStoreOptions options = {});

}  // namespace taskledger
