// Integration-test helpers: the real `taskledger` executable on an ephemeral port with a
// temporary data directory, and a small blocking HTTP client over Beast.
#pragma once

#include <sys/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace taskledger::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  nlohmann::json json() const;
  std::string header(const std::string& name) const;
};

// One request on a fresh connection. `headers` are added as given.
HttpResult HttpCall(uint16_t port, const std::string& method, const std::string& target,
                    const std::string& body = {},
                    const std::vector<std::pair<std::string, std::string>>& headers = {});

// Sends `raw` bytes as they are (a request a well-behaved client would not write) and reads one
// response.
HttpResult RawHttp(uint16_t port, const std::string& raw);

// A Server-Sent Events client: sends the request, checks the response head, then reads events.
struct SseEvent {
  std::string id, type, data;
};
class SseClient {
 public:
  SseClient(uint16_t port, const std::string& target,
            const std::vector<std::pair<std::string, std::string>>& headers);
  ~SseClient();
  int status() const { return status_; }
  const std::string& head() const { return head_; }
  // The next event, or nullopt when none arrives within `timeout_ms`.
  std::optional<SseEvent> Next(int timeout_ms = 3000);

 private:
  int fd_ = -1;
  int status_ = 0;
  std::string head_, buffer_;
};

// Runs `taskledger args...` to completion; returns its exit code and stdout.
struct ToolRun {
  int exit_code = -1;
  std::string out;
  std::string last_word() const;
};
ToolRun RunTool(const std::vector<std::string>& args);

// A running `taskledger serve`. Stop() sends SIGTERM and expects exit 0; Kill() sends SIGKILL.
class ServerProcess {
 public:
  // Starts on 127.0.0.1:0 over `data_dir`, with `extra` flags (e.g. "--demo").
  ServerProcess(const std::string& data_dir, const std::vector<std::string>& extra = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  // Everything the server has written to stdout and stderr so far.
  std::string log() const;
  // SIGTERM, then waits; returns the exit status (0 on a clean stop).
  int Stop();
  void Kill();
  bool running() const { return pid_ > 0; }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// A server over a fresh directory with the demo loaded and tokens for each role, as the tests
// of the API want it: `as(token)` sends requests with that bearer token.
class ApiFixture {
 public:
  // `extra`: more flags for `serve`; `store_uri`: the log in that PostgreSQL database (every
  // tool and the server get --store).
  explicit ApiFixture(const std::string& clock_start = "2026-03-02",
                      std::vector<std::string> extra = {}, std::string store_uri = {});
  ~ApiFixture();

  HttpResult Get(const std::string& token, const std::string& target,
                 const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResult Post(const std::string& token, const std::string& target, const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResult PostJson(const std::string& token, const std::string& target,
                      const nlohmann::json& body,
                      const std::vector<std::pair<std::string, std::string>>& headers = {});
  uint64_t HeadPosition();
  // Stops the server (cleanly, or with SIGKILL when `crash`) and starts a new one over the same
  // directory, on another day when `clock_start` is given.
  void Restart(const std::string& clock_start = {}, bool crash = false);
  HttpResult Send(const std::string& token, const std::string& method, const std::string& target,
                  const nlohmann::json& body = nullptr);

  const std::string& store_uri() const { return store_uri_; }
  // What another node on the same database is started with: --store and --secrets-key-file.
  std::vector<std::string> store_args() const;

  TempDir dir;
  std::string coordinator, auditor, agency_hp, agency_bk;  // tokens
  std::unique_ptr<ServerProcess> server;

 private:
  std::vector<std::string> ServeArgs() const;
  std::string clock_start_;
  std::vector<std::string> extra_;
  std::string store_uri_;
};

}  // namespace taskledger::testing
