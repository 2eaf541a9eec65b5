// Status and Result: a misused Result stops the process in every build, never reads garbage.
#include "events/util/status.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <functional>

using namespace taskledger;

namespace {

// Runs `fn` in a child process and returns how it ended: the signal that killed it, or 0.
int DeathSignal(const std::function<void()>& fn) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child's complaint would clutter the test output; what matters is how it ends.
    freopen("/dev/null", "w", stderr);
    fn();
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

}  // namespace

TEST_CASE("reading the value of a failed Result aborts, whatever the build", "[events][status]") {
  CHECK(DeathSignal([] {
          Result<int> r = Status::NotFound("no such thing");
          volatile int v = r.value();
          (void)v;
        }) == SIGABRT);
  CHECK(DeathSignal([] {
          Result<std::string> r = Status::IOError("disk");
          std::string moved = std::move(r).value();
        }) == SIGABRT);
  CHECK(DeathSignal([] {
          Result<int> r = Status::Ok();
          (void)r;
        }) == SIGABRT);
  // Used rightly, nothing happens.
  CHECK(DeathSignal([] {
          Result<int> r = 7;
          if (r.value() != 7) _exit(1);
        }) == 0);
}
