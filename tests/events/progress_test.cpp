// Progress of long work: the line people read, a log line every few seconds, nothing on a pipe.
#include "events/util/progress.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <thread>
#include <vector>

using taskledger::Progress;

TEST_CASE("a progress line says done, total, share, rate and time left", "[events][progress]") {
  CHECK(Progress::Line("verify", 1234567, 2000000, 2.0) ==
        "verify: 1,234,567 of 2,000,000 (61%), 617,283/s, 1 s left");
  CHECK(Progress::Line("verify", 500, 0, 0.0) == "verify: 500");
  CHECK(Progress::Line("fold", 1000, 100000000, 10.0) ==
        "fold: 1,000 of 100,000,000 (0%), 100/s, 277 h 46 min left");
}

TEST_CASE("a log progress writes a line per interval and one at the end", "[events][progress]") {
  std::vector<std::string> lines;
  {
    Progress p = Progress::Log(
        "folding the log", 100000, [&](const std::string& l) { lines.push_back(l); },
        std::chrono::seconds(0));
    for (uint64_t i = 1; i <= 20000; ++i) {
      if (i == 8192) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      p.Update(i);
    }
  }  // Finish on destruction
  REQUIRE(lines.size() >= 2);
  CHECK(lines.front().rfind("folding the log: ", 0) == 0);
  CHECK(lines.back().find("folding the log: 20,000") == 0);
  CHECK(lines.back().find(" in ") != std::string::npos);
}

TEST_CASE("nothing is drawn when stderr is a pipe or a file", "[events][progress]") {
  // stderr pointed at a file for the test: the bar must leave it empty.
  char path[] = "/tmp/taskledger-progress-XXXXXX";
  const int file = mkstemp(path);
  REQUIRE(file >= 0);
  std::fflush(stderr);
  const int saved = dup(2);
  dup2(file, 2);
  {
    Progress t = Progress::Terminal("verify", 100000);
    for (uint64_t i = 0; i < 100000; ++i) t.Update(i);
  }
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  const off_t size = lseek(file, 0, SEEK_END);
  close(file);
  unlink(path);
  CHECK(size == 0);
}
