// A real PostgreSQL server for tests, in a temporary directory: Debian's postgresql-15 binaries,
// run as the `postgres` user when the tests run as root (PostgreSQL refuses root), listening on
// 127.0.0.1 at a free port. deploy/test.sh installs PostgreSQL; without it these tests fail
// (they do not skip: a suite that passes without running is no test).
//
// Thread-safety: one thread at a time, except Shared(), which any may call.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

namespace taskledger::testing {

struct PgServerOptions {
  // fsync and synchronous_commit: off for tests of behaviour (much faster), on for crash tests.
  bool durable = false;
  // A standby of this primary (streaming replication); empty: a primary.
  std::string standby_of_uri;
  // Extra postgresql.conf lines.
  std::string settings;
};

class PgServer {
 public:
  // The binaries' directory, or empty when PostgreSQL is not installed.
  static std::string BinDir();
  // Starts a new server; throws std::runtime_error (with its log) when it does not start.
  static std::unique_ptr<PgServer> Start(PgServerOptions options = {});
  // One server for the whole test process, started on first use (not durable).
  static PgServer& Shared();
  ~PgServer();  // stops it at once and removes its directory

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  // A connection URI for database `db`.
  std::string Uri(const std::string& db = "postgres") const;
  // A new empty database; returns its URI.
  std::string NewDatabase();
  // The postmaster's process id (from postmaster.pid).
  pid_t Pid() const;
  // kill -9 of the postmaster (its backends end with it).
  void Kill();
  // Starts it again after Kill() or Stop() (crash recovery, for a primary).
  void Restart();
  // Stops it cleanly.
  void Stop();
  // `pg_ctl promote`: a standby becomes a primary.
  void Promote();
  // Runs `sql` with psql against database `db`; returns its output; throws on failure.
  std::string Psql(const std::string& sql, const std::string& db = "postgres") const;

 private:
  PgServer() = default;
  std::string As(const std::string& command) const;  // the command, run as the server's user
  void StartPostmaster();

  std::string dir_;
  std::string bin_;
  int port_ = 0;
  int next_db_ = 0;
};

}  // namespace taskledger::testing
