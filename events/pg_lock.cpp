#include "events/pg_lock.h"

#include "events/pg_conn.h"

namespace taskledger {

struct PgSessionLock::Conn {
  std::unique_ptr<pg::PgConn> c;
};

PgSessionLock::PgSessionLock(std::string uri, int64_t key, std::string application_name)
    : uri_(std::move(uri)), key_(key), application_name_(std::move(application_name)) {}

PgSessionLock::~PgSessionLock() = default;  // closing the session releases the lock

bool PgSessionLock::TryHold() {
  if (held_ && StillHeld()) return true;
  if (!conn_ || !conn_->c || !conn_->c->healthy()) {
    auto c = pg::PgConn::Connect(uri_, application_name_);
    if (!c.ok()) return false;
    conn_ = std::make_unique<Conn>(Conn{std::move(*c)});
  }
  auto r = conn_->c->Exec("SELECT pg_try_advisory_lock(" + std::to_string(key_) + ")");
  held_ = r.ok() && std::string_view(PQgetvalue(r->get(), 0, 0)) == "t";
  return held_;
}

bool PgSessionLock::StillHeld() {
  if (!held_ || !conn_ || !conn_->c) return held_ = false;
  // Asks the server whether this session holds it: a connection that looks fine locally may be
  // cut off (the server restarted or failed over).
  auto r = conn_->c->Exec(
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
      "AND pid = pg_backend_pid() AND objid = " +
      std::to_string(static_cast<uint32_t>(key_)));
  held_ = r.ok() && std::string_view(PQgetvalue(r->get(), 0, 0)) != "0";
  if (!held_) conn_.reset();
  return held_;
}

}  // namespace taskledger
