// A thin layer over libpq for what TaskLedger keeps in PostgreSQL (the event log, the outboxes,
// deliverable files): connections, results that free themselves, and PostgreSQL's errors as
// Status values. For the stores' implementations only.
//
// Thread-safety: a PgConn is used by one thread at a time; a PgPool by any number.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "events/util/status.h"

namespace taskledger::pg {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// What the server said about a failed statement or connection, as a Status: the connection
// lost, a standby that takes no writes, a shutdown, as kUnavailable; a full disk as kNoSpace;
// the rest as kIOError.
Status ErrorOf(const PGconn* conn, const PGresult* result, std::string_view what);

// The connection URI without its password, for messages.
std::string Redacted(const std::string& uri);

class PgConn {
 public:
  // Connects to `uri` (a libpq connection URI or key=value string). The URI's own settings win
  // over the defaults this adds: a 5-second connect timeout and TCP keepalives that notice a dead
  // server within about 15 seconds.
  static Result<std::unique_ptr<PgConn>> Connect(const std::string& uri,
                                                 std::string_view application_name);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  PGconn* get() { return conn_; }
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

  // Runs `sql` (the simple protocol: several statements, no parameters); the last statement's
  // result, or why one failed.
  Result<PgResult> Exec(const std::string& sql);
  // One statement with text parameters; `binary`: results in binary
  // (bytea as raw bytes, integers big-endian). Parameters whose index is in `raw` go as binary
  // (a bytea's raw bytes, no escaping).
  Result<PgResult> Query(const std::string& sql, const std::vector<std::string>& params,
                         bool binary = false, const std::vector<size_t>& raw = {});
  // COPY … FROM STDIN with `data` as its whole input.
  Status CopyIn(const std::string& sql, std::string_view data);

 private:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  PGconn* conn_;
};

// Connections for readers, made when needed and kept for the next one (up to `max_idle`).
class PgPool {
 public:
  PgPool(std::string uri, std::string application_name, size_t max_idle = 8)
      : uri_(std::move(uri)), application_name_(std::move(application_name)), max_idle_(max_idle) {}

  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConn> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (conn_) pool_->Return(std::move(conn_));
    }
    PgConn& operator*() { return *conn_; }
    PgConn* operator->() { return conn_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConn> conn_;
  };
  Result<Lease> Acquire();
  // Drops the idle connections (after the server went away).
  void Clear();

 private:
  void Return(std::unique_ptr<PgConn> conn);
  const std::string uri_;
  const std::string application_name_;
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<PgConn>> idle_;  // guarded by mu_
};

// Big-endian integers as binary results and COPY carry them.
uint64_t ReadBigEndian64(const char* p);
void AppendBigEndian(std::string& out, uint64_t v, int bytes);
// A bytea literal ('\x…') for SQL text.
std::string ByteaLiteral(std::string_view bytes);
// Decodes a bytea in text output ("\x" and hex digits).
bool DecodeByteaText(std::string_view text, std::string* out);
// A text[] literal of `items` ('{"a","b"}'), quoting what needs it.
std::string TextArray(const std::vector<std::string_view>& items);

}  // namespace taskledger::pg
