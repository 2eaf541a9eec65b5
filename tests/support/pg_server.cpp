#include "tests/support/pg_server.h"

#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace taskledger::testing {
namespace fs = std::filesystem;
namespace {

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// Runs `command` through the shell; its output, and whether it exited 0.
std::pair<std::string, bool> Run(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return {"popen failed", false};
  std::array<char, 4096> buf;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int rc = ::pclose(p);
  return {out, rc == 0};
}

std::string Quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string PgServer::BinDir() {
  for (const char* d : {"/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin"}) {
    if (fs::exists(std::string(d) + "/initdb")) return d;
  }
  return {};
}

std::string PgServer::As(const std::string& command) const {
  if (::geteuid() != 0) return command;
  return "runuser -u postgres -- sh -c " + Quoted(command);
}

std::unique_ptr<PgServer> PgServer::Start(PgServerOptions options) {
  std::unique_ptr<PgServer> s(new PgServer);
  s->bin_ = BinDir();
  if (s->bin_.empty()) throw std::runtime_error("PostgreSQL is not installed");
  std::string tmpl = "/tmp/tl-pg-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  s->dir_ = tmpl;
  if (::geteuid() == 0) {
    if (passwd* pw = ::getpwnam("postgres")) {
      if (::chown(s->dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        throw std::runtime_error("chown of " + s->dir_ + " failed");
      }
    }
  }
  s->port_ = FreePort();
  const std::string data = s->dir_ + "/data";
  if (options.standby_of_uri.empty()) {
    auto [out, ok] = Run(s->As(s->bin_ + "/initdb -D " + data +
                               " -A trust -U tl --no-sync -E UTF8 --locale=C.UTF-8"));
    if (!ok) throw std::runtime_error("initdb failed: " + out);
  } else {
    auto [out, ok] = Run(s->As(s->bin_ + "/pg_basebackup -D " + data + " -d " +
                               Quoted(options.standby_of_uri) + " -R -X stream -c fast"));
    if (!ok) throw std::runtime_error("pg_basebackup failed: " + out);
  }
  std::string conf = "\nlisten_addresses = '127.0.0.1'\nport = " + std::to_string(s->port_) +
                     "\nunix_socket_directories = '" + s->dir_ +
                     "'\nmax_connections = 200\nwal_level = replica\nmax_wal_senders = 10\n"
                     "wal_keep_size = '256MB'\nhot_standby = on\nshared_buffers = '64MB'\n";
  conf += options.durable ? "fsync = on\nsynchronous_commit = on\n"
                          : "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
  conf += options.settings + "\n";
  // Appended by this (root) process to a file the server's user owns: written through a shell
  // running as that user.
  auto [out, ok] = Run(s->As("printf '%s' " + Quoted(conf) + " >> " + data + "/postgresql.conf"));
  if (!ok) throw std::runtime_error("writing postgresql.conf failed: " + out);
  if (options.standby_of_uri.empty()) {
    Run(s->As("printf '%s\\n' 'host replication all 127.0.0.1/32 trust' >> " + data +
              "/pg_hba.conf"));
  }
  s->StartPostmaster();
  return s;
}

void PgServer::StartPostmaster() {
  const std::string data = dir_ + "/data";
  auto [out, ok] = Run(As(bin_ + "/pg_ctl -D " + data + " -l " + dir_ + "/log -w -t 60 start"));
  if (!ok) throw std::runtime_error("pg_ctl start failed: " + out + "\n" + Slurp(dir_ + "/log"));
}

PgServer& PgServer::Shared() {
  static std::unique_ptr<PgServer> shared = Start();
  return *shared;
}

PgServer::~PgServer() {
  if (Pid() > 0) Kill();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PgServer::Uri(const std::string& db) const {
  return "postgresql://tl@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string PgServer::NewDatabase() {
  const std::string name = "tl_" + std::to_string(::getpid()) + "_" + std::to_string(++next_db_);
  Psql("CREATE DATABASE " + name);
  return Uri(name);
}

pid_t PgServer::Pid() const {
  std::ifstream in(dir_ + "/data/postmaster.pid");
  pid_t pid = 0;
  if (!(in >> pid)) return 0;
  return ::kill(pid, 0) == 0 ? pid : 0;
}

void PgServer::Kill() {
  const pid_t pid = Pid();
  if (pid <= 0) return;
  ::kill(pid, SIGKILL);
  // Its backends notice the postmaster's death and exit; wait until the port is free.
  for (int i = 0; i < 500 && ::kill(pid, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

void PgServer::Restart() { StartPostmaster(); }

void PgServer::Stop() { Run(As(bin_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop")); }

void PgServer::Promote() {
  auto [out, ok] = Run(As(bin_ + "/pg_ctl -D " + dir_ + "/data -w promote"));
  if (!ok) throw std::runtime_error("pg_ctl promote failed: " + out);
}

std::string PgServer::Psql(const std::string& sql, const std::string& db) const {
  auto [out, ok] = Run(bin_ + "/psql -X -q -A -t -v ON_ERROR_STOP=1 -d " + Quoted(Uri(db)) +
                       " -c " + Quoted(sql));
  if (!ok) throw std::runtime_error("psql failed: " + out);
  return out;
}

}  // namespace taskledger::testing
