#include "tests/support/smtp_sink.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

extern char** environ;

namespace taskledger::testing {
namespace {

std::string Script(const char* name) {
  return std::string(TASKLEDGER_SOURCE_DIR) + "/tests/support/" + name;
}

std::string RunPython(const std::vector<std::string>& args) {
  std::string command = "/usr/bin/python3";
  for (const std::string& a : args) command += " '" + a + "'";
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0) out.append(buffer, n);
  REQUIRE(::pclose(p) == 0);
  return out;
}

}  // namespace

SmtpSink::SmtpSink() {
  int in[2], out[2];
  REQUIRE(::pipe(in) == 0);
  REQUIRE(::pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, in[1]);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  const std::string script = Script("smtp_sink.py");
  const std::string dir = dir_.path();
  std::vector<char*> argv = {const_cast<char*>("/usr/bin/python3"),
                             const_cast<char*>(script.c_str()), const_cast<char*>(dir.c_str()),
                             nullptr};
  REQUIRE(posix_spawn(&pid_, "/usr/bin/python3", &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  stdin_ = in[1];
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  ::close(out[0]);
  INFO(line);
  REQUIRE(line.starts_with("listening on "));
  port_ = std::stoi(line.substr(13));
}

SmtpSink::~SmtpSink() {
  if (stdin_ >= 0) ::close(stdin_);  // it stops when its stdin closes
  if (pid_ > 0) {
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void SmtpSink::Control(const nlohmann::json& how) {
  const std::string path = dir_.path() + "/control.json";
  {
    std::ofstream f(path + ".tmp");
    f << how.dump();
  }
  std::filesystem::rename(path + ".tmp", path);
}

std::vector<nlohmann::json> SmtpSink::Messages() const {
  std::vector<nlohmann::json> out;
  for (int i = 1;; ++i) {
    char stem[32];
    std::snprintf(stem, sizeof stem, "/%04d", i);
    const std::string eml = dir_.path() + stem + ".eml", env = dir_.path() + stem + ".json";
    if (!std::filesystem::exists(env)) break;  // written after the message: it is whole
    nlohmann::json m = nlohmann::json::parse(RunPython({Script("read_mail.py"), eml}));
    std::ifstream e(env);
    m["envelope"] = nlohmann::json::parse(e);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<nlohmann::json> SmtpSink::WaitFor(size_t n, double seconds) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    size_t have = 0;
    for (int i = 1;; ++i) {
      char stem[32];
      std::snprintf(stem, sizeof stem, "/%04d.json", i);
      if (!std::filesystem::exists(dir_.path() + stem)) break;
      ++have;
    }
    if (have >= n || std::chrono::steady_clock::now() > until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Messages();
}

std::string SmtpSink::Raw(size_t i) const {
  char stem[32];
  std::snprintf(stem, sizeof stem, "/%04zu.eml", i + 1);
  std::ifstream f(dir_.path() + stem, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace taskledger::testing
