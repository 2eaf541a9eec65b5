#include "events/pg_conn.h"

#include <cstring>

#include "events/util/coding.h"

namespace taskledger::pg {
namespace {

std::string Trimmed(const char* s) {
  std::string m = s ? s : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

Status ErrorOf(const PGconn* conn, const PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message =
      Trimmed(result && *PQresultErrorMessage(result) ? PQresultErrorMessage(result)
                                                      : PQerrorMessage(conn));
  message = std::string(what) + ": " + message;
  const std::string_view code = state ? state : "";
  // Connection failures (class 08), a server shutting down (57P01-57P03), a standby refusing a
  // write (25006) or recovering (57P03): the cluster is failing over or restarting.
  if (PQstatus(conn) != CONNECTION_OK || code.starts_with("08") || code == "57P01" ||
      code == "57P02" || code == "57P03" || code == "25006") {
    return Status::Unavailable(message);
  }
  if (code == "53100") return Status::NoSpace(message);
  if (code == "40001" || code == "40P01" || code == "55P03") return Status::Busy(message);
  if (code == "23505") return Status::AlreadyExists(message);
  return Status::IOError(message);
}

std::string Redacted(const std::string& uri) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(uri.c_str(), &err);
  if (!opts) {
    PQfreemem(err);
    return "(an unreadable connection string)";
  }
  std::string user, host, port, dbname;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val) continue;
    const std::string_view k = o->keyword;
    if (k == "user") user = o->val;
    if (k == "host") host = o->val;
    if (k == "hostaddr" && host.empty()) host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") dbname = o->val;
  }
  PQconninfoFree(opts);
  std::string out = "postgresql://";
  if (!user.empty()) out += user + "@";
  out += host;
  if (!port.empty()) out += ":" + port;
  return out + "/" + dbname;
}

Result<std::unique_ptr<PgConn>> PgConn::Connect(const std::string& uri,
                                                std::string_view application_name) {
  const std::string app(application_name);
  // Earlier keywords are defaults; the expanded URI (dbname) overrides them.
  const char* keys[] = {
      "connect_timeout",  "keepalives",       "keepalives_idle", "keepalives_interval",
      "keepalives_count", "application_name", "dbname",          nullptr};
  const char* values[] = {"5", "1", "5", "2", "5", app.c_str(), uri.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn) return Status::Unavailable("out of memory connecting to " + Redacted(uri));
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string why = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Unavailable("cannot connect to " + Redacted(uri) + ": " + why);
  }
  // The server's notices ("relation … already exists, skipping") are not for the operator's log.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConn>(new PgConn(conn));
}

PgConn::~PgConn() { PQfinish(conn_); }

Result<PgResult> PgConn::Exec(const std::string& sql) {
  PgResult r(PQexec(conn_, sql.c_str()));
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return ErrorOf(conn_, r.get(), "a query");
  return r;
}

Result<PgResult> PgConn::Query(const std::string& sql, const std::vector<std::string>& params,
                               bool binary, const std::vector<size_t>& raw) {
  std::vector<const char*> values;
  std::vector<int> lengths(params.size()), formats(params.size());
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  for (size_t i : raw) {
    lengths[i] = static_cast<int>(params[i].size());
    formats[i] = 1;
  }
  PgResult r(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                          values.data(), lengths.data(), formats.data(), binary ? 1 : 0));
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return ErrorOf(conn_, r.get(), "a query");
  return r;
}

Status PgConn::CopyIn(const std::string& sql, std::string_view data) {
  PgResult start(PQexec(conn_, sql.c_str()));
  if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) {
    return ErrorOf(conn_, start.get(), "starting a copy");
  }
  // PQputCopyData takes an int length: large inputs go in pieces.
  constexpr size_t kPiece = 1u << 20;
  for (size_t at = 0; at < data.size(); at += kPiece) {
    const size_t n = std::min(kPiece, data.size() - at);
    if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1) {
      return ErrorOf(conn_, nullptr, "copying");
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) return ErrorOf(conn_, nullptr, "ending a copy");
  Status s;
  while (PGresult* raw = PQgetResult(conn_)) {
    PgResult r(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && s.ok()) s = ErrorOf(conn_, raw, "a copy");
  }
  return s;
}

Result<PgPool::Lease> PgPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    while (!idle_.empty()) {
      std::unique_ptr<PgConn> c = std::move(idle_.back());
      idle_.pop_back();
      if (c->healthy()) return Lease(this, std::move(c));
    }
  }
  auto c = PgConn::Connect(uri_, application_name_);
  if (!c.ok()) return c.status();
  return Lease(this, std::move(*c));
}

void PgPool::Return(std::unique_ptr<PgConn> conn) {
  if (!conn->healthy() || PQtransactionStatus(conn->get()) != PQTRANS_IDLE) return;
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

void PgPool::Clear() {
  std::lock_guard lock(mu_);
  idle_.clear();
}

uint64_t ReadBigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void AppendBigEndian(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string ByteaLiteral(std::string_view bytes) { return "'\\x" + Hex(bytes) + "'::bytea"; }

bool DecodeByteaText(std::string_view text, std::string* out) {
  if (!text.starts_with("\\x")) return false;
  auto bytes = FromHexText(text.substr(2));
  if (!bytes) return false;
  *out = std::move(*bytes);
  return true;
}

std::string TextArray(const std::vector<std::string_view>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out + "}";
}

}  // namespace taskledger::pg
