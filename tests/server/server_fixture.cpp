#include "tests/server/server_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace taskledger::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

nlohmann::json HttpResult::json() const {
  INFO("body: " << body.substr(0, 2000));
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

namespace {

// One response from `socket`; status 0 (and `ec` set) when none could be read.
HttpResult ReadResponse(tcp::socket& socket, beast::error_code* ec) {
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  http::read(socket, buffer, parser, *ec);
  HttpResult r;
  if (*ec) return r;
  const auto& res = parser.get();
  r.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.headers[name] = std::string(f.value());
  }
  r.body = res.body();
  return r;
}

}  // namespace

HttpResult HttpCall(uint16_t port, const std::string& method, const std::string& target,
                    const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST") {
    req.body() = body;
    req.prepare_payload();
  }
  http::write(socket, req);
  beast::error_code ec;
  HttpResult r = ReadResponse(socket, &ec);
  if (ec) throw beast::system_error(ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  return r;
}

HttpResult RawHttp(uint16_t port, const std::string& raw) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  net::write(socket, net::buffer(raw));
  beast::error_code ec;
  return ReadResponse(socket, &ec);  // status 0 when there was no answer
}

SseClient::SseClient(uint16_t port, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  std::string req =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "\r\n";
  REQUIRE(write(fd_, req.data(), req.size()) == static_cast<ssize_t>(req.size()));
  // The head, up to the blank line.
  while (buffer_.find("\r\n\r\n") == std::string::npos) {
    pollfd p{fd_, POLLIN, 0};
    REQUIRE(poll(&p, 1, 5000) == 1);
    char buf[4096];
    const ssize_t n = read(fd_, buf, sizeof buf);
    REQUIRE(n > 0);
    buffer_.append(buf, static_cast<size_t>(n));
  }
  const size_t end = buffer_.find("\r\n\r\n");
  head_ = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  status_ = std::stoi(head_.substr(9, 3));
}

SseClient::~SseClient() {
  if (fd_ >= 0) close(fd_);
}

std::optional<SseEvent> SseClient::Next(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    // A whole event is text up to a blank line; comments and retry lines carry no event.
    while (true) {
      const size_t end = buffer_.find("\n\n");
      if (end == std::string::npos) break;
      const std::string block = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      SseEvent e;
      std::istringstream lines(block);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.rfind("id: ", 0) == 0) e.id = line.substr(4);
        if (line.rfind("event: ", 0) == 0) e.type = line.substr(7);
        if (line.rfind("data: ", 0) == 0) e.data += line.substr(6);
      }
      if (!e.id.empty() || !e.data.empty()) return e;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) != 1) return std::nullopt;
    char buf[65536];
    const ssize_t n = read(fd_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    buffer_.append(buf, static_cast<size_t>(n));
  }
}

std::string ToolRun::last_word() const {
  std::string s = out;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  const size_t sp = s.find_last_of(" \n\t");
  return sp == std::string::npos ? s : s.substr(sp + 1);
}

namespace {

pid_t Spawn(const std::vector<std::string>& args, const std::string& out_path) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(TASKLEDGER_BIN));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, TASKLEDGER_BIN, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + std::string(TASKLEDGER_BIN));
  return pid;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ToolRun RunTool(const std::vector<std::string>& args) {
  TempDir out;
  const std::string path = out.Sub("out.txt");
  const pid_t pid = Spawn(args, path);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  ToolRun r;
  r.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  r.out = ReadFile(path);
  return r;
}

ServerProcess::ServerProcess(const std::string& data_dir, const std::vector<std::string>& extra) {
  log_path_ = data_dir + ".log";
  std::vector<std::string> args = {"serve",       "--data-dir", data_dir, "--listen",
                                   "127.0.0.1:0", "--threads",  "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  const size_t from = ReadFile(log_path_).size();  // a restart appends to the same log
  pid_ = Spawn(args, log_path_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = ReadFile(log_path_).substr(from);
    if (const size_t at = text.find("listening on 127.0.0.1:"); at != std::string::npos) {
      const size_t end = text.find('\n', at);
      if (end != std::string::npos) {
        port_ = static_cast<uint16_t>(std::stoi(text.substr(at + 23, end - at - 23)));
        return;
      }
    }
    int wstatus = 0;
    if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL("taskledger serve exited before listening:\n" << text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("taskledger serve did not start listening:\n" << ReadFile(log_path_));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
}

std::string ServerProcess::log() const { return ReadFile(log_path_); }

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int wstatus = 0;
  waitpid(pid_, &wstatus, 0);
  pid_ = -1;
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int wstatus = 0;
  waitpid(pid_, &wstatus, 0);
  pid_ = -1;
}

ApiFixture::ApiFixture(const std::string& clock_start, std::vector<std::string> extra,
                       std::string store_uri)
    : clock_start_(clock_start), extra_(std::move(extra)), store_uri_(std::move(store_uri)) {
  const std::string data = dir.Sub("data");
  if (!store_uri_.empty()) {
    std::ofstream(dir.Sub("secrets.key")) << std::string(64, 'a') << "\n";
    const std::vector<std::string> args = store_args();
    extra_.insert(extra_.end(), args.begin(), args.end());
  }
  const auto token = [&](std::vector<std::string> args) {
    args.insert(args.begin(),
                {"token", "create", "--data-dir", data, "--clock-start", clock_start_});
    if (!store_uri_.empty()) args.insert(args.end(), {"--store", store_uri_});
    ToolRun r = RunTool(args);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    return r.last_word();
  };
  std::vector<std::string> demo = {"load-demo", "--data-dir", data, "--clock-start", clock_start_};
  if (!store_uri_.empty()) demo.insert(demo.end(), {"--store", store_uri_});
  REQUIRE(RunTool(demo).exit_code == 0);
  coordinator = token({"--role", "coordinator", "--name", "Phòng GDTrH"});
  auditor = token({"--role", "auditor", "--name", "Thanh tra"});
  agency_hp = token({"--role", "agency", "--agency", "so-gddt-hp"});
  agency_bk = token({"--role", "agency", "--agency", "so-gddt-bk"});
  server = std::make_unique<ServerProcess>(data, ServeArgs());
}

std::vector<std::string> ApiFixture::store_args() const {
  return {"--store", store_uri_, "--secrets-key-file", dir.Sub("secrets.key")};
}

std::vector<std::string> ApiFixture::ServeArgs() const {
  std::vector<std::string> args = {"--clock-start", clock_start_};
  args.insert(args.end(), extra_.begin(), extra_.end());
  return args;
}

ApiFixture::~ApiFixture() = default;

namespace {
std::vector<std::pair<std::string, std::string>> WithAuth(
    const std::string& token, std::vector<std::pair<std::string, std::string>> headers) {
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return headers;
}
}  // namespace

HttpResult ApiFixture::Get(const std::string& token, const std::string& target,
                           const std::vector<std::pair<std::string, std::string>>& headers) {
  return HttpCall(server->port(), "GET", target, {}, WithAuth(token, headers));
}

HttpResult ApiFixture::Post(const std::string& token, const std::string& target,
                            const std::string& body,
                            const std::vector<std::pair<std::string, std::string>>& headers) {
  return HttpCall(server->port(), "POST", target, body, WithAuth(token, headers));
}

HttpResult ApiFixture::PostJson(const std::string& token, const std::string& target,
                                const nlohmann::json& body,
                                const std::vector<std::pair<std::string, std::string>>& headers) {
  auto h = headers;
  h.emplace_back("Content-Type", "application/json");
  return Post(token, target, body.dump(), h);
}

uint64_t ApiFixture::HeadPosition() {
  const HttpResult r = Get(auditor, "/v1/audit/head");
  REQUIRE(r.status == 200);
  return r.json()["position"].get<uint64_t>();
}

HttpResult ApiFixture::Send(const std::string& token, const std::string& method,
                            const std::string& target, const nlohmann::json& body) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!body.is_null()) headers.emplace_back("Content-Type", "application/json");
  return HttpCall(server->port(), method, target, body.is_null() ? std::string() : body.dump(),
                  WithAuth(token, headers));
}

void ApiFixture::Restart(const std::string& clock_start, bool crash) {
  if (!clock_start.empty()) clock_start_ = clock_start;
  if (crash) {
    server->Kill();
  } else if (server->running()) {
    REQUIRE(server->Stop() == 0);
  }
  server.reset();
  server = std::make_unique<ServerProcess>(dir.Sub("data"), ServeArgs());
}

}  // namespace taskledger::testing
