// Progress of long work (verify, replay, a first start-up over a big log): on a terminal, a bar
// redrawn in place (done, rate, time left); to a log, a line every few seconds; never on a pipe.
// Not thread-safe: one worker reports its own progress.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace taskledger {

class Progress {
 public:
  // A bar on stderr when it is a terminal, else nothing. `total` may be 0 (unknown).
  static Progress Terminal(std::string what, uint64_t total);
  // A line through `log` every `every`, whatever stderr is (the server's log).
  static Progress Log(std::string what, uint64_t total, std::function<void(const std::string&)> log,
                      std::chrono::seconds every = std::chrono::seconds(5));
  // Reports nothing.
  Progress() = default;

  // `done` of `total` so far; cheap to call for every item (the clock is read every 4,096th).
  void Update(uint64_t done);
  // Ends the bar's line (a terminal) or says how long it took (a log). Idempotent.
  void Finish();
  ~Progress() { Finish(); }
  Progress(Progress&&) = default;
  Progress& operator=(Progress&&) = default;

  // "1,234,567 of 2,000,000 events (61%), 812,000/s, 1 s left"
  static std::string Line(const std::string& what, uint64_t done, uint64_t total, double seconds);

 private:
  enum class Mode { kOff, kTerminal, kLog };
  Mode mode_ = Mode::kOff;
  std::string what_;
  uint64_t total_ = 0, done_ = 0, calls_ = 0;
  std::chrono::steady_clock::time_point start_, last_;
  std::chrono::milliseconds every_{200};
  std::function<void(const std::string&)> log_;
  bool finished_ = false;
};

}  // namespace taskledger
