// A real crash test: the child appends in a loop and reports each acknowledged position; we
// SIGKILL it at random moments, reopen, and check nothing acknowledged was lost.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <random>
#include <sstream>

#include "events/rocks_event_store.h"
#include "tests/support/temp_dir.h"

extern char** environ;

using namespace taskledger;

namespace {

// Runs the child for `run_for`, kills it with SIGKILL, and returns every "position id" it reported.
std::map<uint64_t, std::string> RunAndKill(const std::string& dir, unsigned seed,
                                           std::chrono::milliseconds run_for) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  const std::string seed_text = std::to_string(seed);
  char* argv[] = {const_cast<char*>(CRASH_CHILD_PATH), const_cast<char*>(dir.c_str()),
                  const_cast<char*>(seed_text.c_str()), nullptr};
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, CRASH_CHILD_PATH, &actions, nullptr, argv, environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);

  std::string out;
  char buf[65536];
  const auto kill_at = std::chrono::steady_clock::now() + run_for;
  bool killed = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        kill_at - std::chrono::steady_clock::now());
    if (!killed && left.count() <= 0) {
      kill(pid, SIGKILL);
      killed = true;
    }
    pollfd p{fds[0], POLLIN, 0};
    poll(&p, 1, killed ? 1000 : static_cast<int>(std::max<int64_t>(1, left.count())));
    if (p.revents & (POLLIN | POLLHUP)) {
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) break;  // the child is gone and the pipe is drained
    }
  }
  close(fds[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  INFO("child exit status " << wstatus);
  REQUIRE(WIFSIGNALED(wstatus));  // it died of our SIGKILL, not of an error of its own
  REQUIRE(WTERMSIG(wstatus) == SIGKILL);

  std::map<uint64_t, std::string> acked;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (lines.eof()) break;  // a line cut by the kill has no newline
    const size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    acked[std::stoull(line.substr(0, sp))] = line.substr(sp + 1);
  }
  return acked;
}

}  // namespace

TEST_CASE("every acknowledged append survives SIGKILL at random moments", "[events][crash]") {
  taskledger::testing::TempDir dir;
  std::mt19937 rng(Catch::rngSeed());
  constexpr int kRounds = 24;
  uint64_t total_acked = 0;
  for (int round = 0; round < kRounds; ++round) {
    const auto run_for = std::chrono::milliseconds(30 + rng() % 220);
    const auto acked = RunAndKill(dir.path(), rng(), run_for);
    total_acked += acked.size();

    auto opened = OpenRocksEventStore(dir.path());
    INFO("round " << round << ", " << acked.size() << " acknowledged");
    REQUIRE(opened.ok());
    EventStore& store = **opened;
    for (const auto& [pos, id] : acked) {
      auto e = store.Get(pos);
      INFO("acknowledged position " << pos);
      REQUIRE(e.ok());
      REQUIRE(e->id.ToString() == id);
    }
    if (!acked.empty()) REQUIRE(store.head().position >= acked.rbegin()->first);
    VerifyReport v = store.Verify();
    INFO("verify: " << v.problem << " at " << v.first_bad_position);
    REQUIRE(v.ok);
    REQUIRE(v.checked == store.head().position);
  }
  CHECK(total_acked > kRounds);  // the child really wrote, in most rounds
}
