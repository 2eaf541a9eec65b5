// Opening the PostgreSQL event store (and its schema), the listener that follows other
// processes' appends, statistics and checkpoints. Reads and verify: pg_event_store_read.cpp;
// appends: pg_event_store_commit.cpp.
#include "events/pg_event_store.h"

#include <poll.h>

#include <cstring>
#include <filesystem>

#include "events/pg_store_impl.h"
#include "events/record.h"
#include "events/rocks_event_store.h"
#include "events/util/clock.h"

namespace taskledger {
namespace {

// Serialises schema creation among processes starting at once (CREATE … IF NOT EXISTS is not
// safe against a concurrent creator).
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(1953066600)";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS taskledger_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS taskledger_events (
  position bigint PRIMARY KEY CHECK (position > 0),
  stream text NOT NULL,
  version bigint NOT NULL CHECK (version >= 0),
  id uuid NOT NULL UNIQUE,
  type text NOT NULL,
  recorded_at_ms bigint NOT NULL,
  record bytea NOT NULL,
  UNIQUE (stream, version));
CREATE INDEX IF NOT EXISTS taskledger_events_recorded
  ON taskledger_events (recorded_at_ms, position);
CREATE TABLE IF NOT EXISTS taskledger_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  position bigint NOT NULL,
  hash bytea NOT NULL,
  recorded_at_ms bigint NOT NULL);
INSERT INTO taskledger_head VALUES (true, 0, decode(repeat('00', 32), 'hex'), 0)
  ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION taskledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the TaskLedger log is append-only: % refused', TG_OP; END $$;
CREATE OR REPLACE TRIGGER taskledger_events_append_only
  BEFORE UPDATE OR DELETE ON taskledger_events
  FOR EACH ROW EXECUTE FUNCTION taskledger_append_only();
CREATE OR REPLACE TRIGGER taskledger_events_no_truncate
  BEFORE TRUNCATE ON taskledger_events
  FOR EACH STATEMENT EXECUTE FUNCTION taskledger_append_only();
CREATE TABLE IF NOT EXISTS taskledger_kv (
  box text NOT NULL,
  key bytea NOT NULL,
  value bytea NOT NULL,
  PRIMARY KEY (box, key));
CREATE TABLE IF NOT EXISTS taskledger_files (sha256 text PRIMARY KEY, bytes bytea NOT NULL);
INSERT INTO taskledger_meta VALUES ('schema_version', '1') ON CONFLICT DO NOTHING;
)sql";

constexpr const char* kChannel = "taskledger_log";

Status CheckSchema(pg::PgConn& conn, bool create) {
  auto exists = conn.Exec("SELECT to_regclass('taskledger_meta') IS NOT NULL");
  if (!exists.ok()) return exists.status();
  std::string found;
  if (std::string_view(PQgetvalue(exists->get(), 0, 0)) == "t") {
    auto version = conn.Exec("SELECT value FROM taskledger_meta WHERE key = 'schema_version'");
    if (!version.ok()) return version.status();
    if (PQntuples(version->get()) == 1) found = PQgetvalue(version->get(), 0, 0);
    if (found.empty())
      return Status::FailedPrecondition("the database's taskledger_meta says no schema version");
  }
  if (found.empty()) {
    if (!create) return Status::NotFound("the database holds no TaskLedger log");
    auto made = conn.Exec(std::string("BEGIN; ") + kSchemaLock + "; " + kSchema + " COMMIT");
    if (!made.ok()) {
      (void)conn.Exec("ROLLBACK");
      return Status(made.status()).In("creating the TaskLedger schema");
    }
    found = std::to_string(kPgSchemaVersion);
  }
  if (found != std::to_string(kPgSchemaVersion)) {
    return Status::FailedPrecondition("the database holds TaskLedger schema version " + found +
                                      "; this build reads version " +
                                      std::to_string(kPgSchemaVersion) +
                                      ". Use the TaskLedger release that wrote it, or migrate");
  }
  return Status::Ok();
}

}  // namespace

bool IsPostgresUri(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://") ||
         location.find('=') != std::string_view::npos;
}

std::string RedactedUri(const std::string& uri) { return pg::Redacted(uri); }

PgEventStore::Impl::Impl(std::string u, PgStoreOptions o)
    : uri(std::move(u)),
      where(pg::Redacted(uri)),
      options(std::move(o)),
      readers(uri, options.application_name) {}

int64_t PgEventStore::Impl::NowMs() const {
  return options.clock_ms ? options.clock_ms() : SystemNowMs();
}

Result<Head> PgEventStore::Impl::ReadHead(pg::PgConn& conn, bool begin_and_lock) {
  const std::string select =
      "SELECT position, encode(hash, 'hex'), recorded_at_ms FROM taskledger_head";
  auto r = conn.Exec(begin_and_lock ? "BEGIN; " + select + " FOR UPDATE" : select);
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) != 1) return Status::Corruption("the head row is missing");
  Head h;
  h.position = std::stoull(PQgetvalue(r->get(), 0, 0));
  std::string hash;
  if (!pg::DecodeByteaText(std::string("\\x") + PQgetvalue(r->get(), 0, 1), &hash) ||
      hash.size() != h.hash.size()) {
    return Status::Corruption("the head's hash is unreadable");
  }
  std::memcpy(h.hash.data(), hash.data(), hash.size());
  h.recorded_at_ms = std::stoll(PQgetvalue(r->get(), 0, 2));
  return h;
}

void PgEventStore::Impl::RunListener() {
  std::unique_ptr<pg::PgConn> listen;
  while (!listener_stopping) {
    if (!listen || !listen->healthy()) {
      listen.reset();
      auto c = pg::PgConn::Connect(uri, options.application_name);
      if (c.ok() && (*c)->Exec(std::string("LISTEN ") + kChannel).ok()) listen = std::move(*c);
    }
    if (listen) {
      pollfd p{PQsocket(listen->get()), POLLIN, 0};
      // Wakes every 100 ms to notice Close(); reads the head at least every poll_interval.
      const auto until = std::chrono::steady_clock::now() + options.poll_interval;
      bool heard = false;
      while (!listener_stopping && !heard && std::chrono::steady_clock::now() < until) {
        if (::poll(&p, 1, 100) > 0) {
          if (!PQconsumeInput(listen->get())) break;
          while (PGnotify* n = PQnotifies(listen->get())) {
            heard = true;
            PQfreemem(n);
          }
        }
      }
      if (listener_stopping) break;
      auto h = listen->healthy() ? ReadHead(*listen) : Result<Head>(Status::Unavailable("lost"));
      if (h.ok()) {
        watch.Publish(*h, /*forward_only=*/true);
        // The database answers again: appends may go on (the committer reconnects on its next
        // group), and write_status() says so even before one is tried.
        std::lock_guard lock(queue_mu);
        if (write_error.code() == Status::Code::kUnavailable) write_error = Status::Ok();
      }
    } else {
      for (int i = 0; i < 10 && !listener_stopping; ++i) {
        std::this_thread::sleep_for(options.poll_interval / 10);
      }
    }
  }
}

PgEventStore::PgEventStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PgEventStore::~PgEventStore() { Close(); }

void PgEventStore::Close() {
  {
    std::lock_guard lock(impl_->queue_mu);
    if (impl_->closed) return;
    impl_->closed = true;
    impl_->stopping = true;
  }
  impl_->queue_cv.notify_all();
  if (impl_->committer.joinable()) impl_->committer.join();
  impl_->answers.Stop();
  if (impl_->notifier.joinable()) impl_->notifier.join();
  impl_->listener_stopping = true;
  if (impl_->listener.joinable()) impl_->listener.join();
  impl_->conn.reset();
  impl_->watch.Close();
}

Result<std::unique_ptr<EventStore>> OpenPgEventStore(const std::string& uri,
                                                     PgStoreOptions options) {
  auto impl = std::make_unique<PgEventStore::Impl>(uri, std::move(options));
  auto conn = pg::PgConn::Connect(uri, impl->options.application_name);
  if (!conn.ok()) return conn.status();
  if (Status s = CheckSchema(**conn, impl->options.create_if_missing); !s.ok()) {
    return std::move(s).In(impl->where);
  }
  auto head = PgEventStore::Impl::ReadHead(**conn);
  if (!head.ok()) return head.status();
  // The last record must be the head: a log whose head row and records disagree is not served.
  if (head->position > 0) {
    auto last = (*conn)->Query("SELECT record FROM taskledger_events WHERE position = $1",
                               {std::to_string(head->position)}, /*binary=*/true);
    if (!last.ok()) return last.status();
    EventView e;
    const bool found =
        PQntuples(last->get()) == 1 &&
        record::Decode(
            std::string_view(PQgetvalue(last->get(), 0, 0), PQgetlength(last->get(), 0, 0)), &e);
    if ((!found || e.hash != head->hash) && !impl->options.allow_damaged) {
      return Status::Corruption("refusing to serve a damaged log in " + impl->where +
                                ": the record at the head (position " +
                                std::to_string(head->position) + ") does not match it");
    }
  }
  impl->conn = std::move(*conn);
  impl->tail = *head;
  impl->watch.Reset(*head);
  impl->committer = std::thread([p = impl.get()] { p->RunCommitter(); });
  impl->notifier = std::thread([p = impl.get()] { p->answers.Run(); });
  impl->listener = std::thread([p = impl.get()] { p->RunListener(); });
  return std::unique_ptr<EventStore>(std::make_unique<PgEventStore>(std::move(impl)));
}

WriteStats PgEventStore::write_stats() const {
  return WriteStats{impl_->stat_appends.load(), impl_->stat_events.load(),
                    impl_->stat_groups.load(), impl_->stat_write_micros.load()};
}

Status PgEventStore::write_status() const {
  std::lock_guard lock(impl_->queue_mu);
  return impl_->write_error;
}

uint64_t PgEventStore::recoveries() const { return impl_->stat_reconnects.load(); }

std::string PgEventStore::location() const { return impl_->where; }

Result<Head> PgEventStore::Checkpoint(const std::string& dir) const {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return Status::AlreadyExists(dir + " exists");
  RocksStoreOptions o;
  o.clock_ms = impl_->options.clock_ms;
  auto copy = OpenRocksEventStore(dir, o);
  if (!copy.ok()) return copy.status();
  auto copied = CopyLog(*this, **copy, head().position);
  (*copy)->Close();
  return copied;
}

}  // namespace taskledger
