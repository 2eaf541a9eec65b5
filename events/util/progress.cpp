#include "events/util/progress.h"

#include <unistd.h>

#include <cstdio>

namespace taskledger {

namespace {

std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Duration(double s) {
  if (s < 60) return std::to_string(static_cast<int>(s + 0.5)) + " s";
  const int m = static_cast<int>(s / 60);
  if (m < 60) return std::to_string(m) + " min " + std::to_string(static_cast<int>(s) % 60) + " s";
  return std::to_string(m / 60) + " h " + std::to_string(m % 60) + " min";
}

}  // namespace

Progress Progress::Terminal(std::string what, uint64_t total) {
  Progress p;
  if (!isatty(STDERR_FILENO)) return p;
  p.mode_ = Mode::kTerminal;
  p.what_ = std::move(what);
  p.total_ = total;
  p.start_ = p.last_ = std::chrono::steady_clock::now();
  return p;
}

Progress Progress::Log(std::string what, uint64_t total,
                       std::function<void(const std::string&)> log, std::chrono::seconds every) {
  Progress p;
  p.mode_ = Mode::kLog;
  p.what_ = std::move(what);
  p.total_ = total;
  p.log_ = std::move(log);
  p.every_ = every;
  p.start_ = p.last_ = std::chrono::steady_clock::now();
  return p;
}

std::string Progress::Line(const std::string& what, uint64_t done, uint64_t total, double seconds) {
  std::string line = what + ": " + Grouped(done);
  const double rate = seconds > 0 ? done / seconds : 0;
  if (total > 0) {
    line += " of " + Grouped(total) + " (" + std::to_string(done * 100 / total) + "%)";
  }
  if (rate > 0) line += ", " + Grouped(static_cast<uint64_t>(rate)) + "/s";
  if (total > done && rate > 0) line += ", " + Duration((total - done) / rate) + " left";
  return line;
}

void Progress::Update(uint64_t done) {
  done_ = done;
  if (mode_ == Mode::kOff || (++calls_ & 4095) != 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < every_) return;
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const std::string line = Line(what_, done, total_, seconds);
  if (mode_ == Mode::kTerminal) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
  } else {
    log_(line);
  }
}

void Progress::Finish() {
  if (finished_ || mode_ == Mode::kOff) return;
  finished_ = true;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (mode_ == Mode::kTerminal) {
    std::fprintf(stderr, "\r\033[K%s in %s\n", Line(what_, done_, 0, seconds).c_str(),
                 Duration(seconds).c_str());
  } else if (seconds >= every_.count() / 1000.0) {
    log_(Line(what_, done_, 0, seconds) + " in " + Duration(seconds));
  }
}

}  // namespace taskledger
