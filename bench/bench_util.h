// Small helpers shared by the benchmark modes: timing, peak memory, payloads, printing.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

namespace taskledger::bench {

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Peak resident set size of this process in MiB (VmHWM). ResetPeakRss() starts a new peak so
// each mode reports its own (Linux >= 4.0: writing 5 to clear_refs resets the high-water mark).
inline double PeakRssMiB() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmHWM:") {
      double kib = 0;
      in >> kib;
      return kib / 1024.0;
    }
    std::getline(in, key);
  }
  return 0;
}

inline void ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
}

// About 300 bytes of JSON shaped like a real progress event, varying with `i`.
inline std::string Payload(uint64_t i) {
  std::string s = R"({"plan":"68/KH-SGDĐT","task":"III.2","occurrence":")" +
                  std::to_string(2021 + i % 5) + R"(","percent":)" + std::to_string(i % 101) +
                  R"(,"narrative":"Đã tổ chức tập huấn chuyển đổi số cho cán bộ quản lý và giáo)"
                  R"( viên các trường trung học phổ thông; báo cáo số )" +
                  std::to_string(i) + R"(","indicators":{"schools":)" + std::to_string(i % 977) +
                  "}}";
  while (s.size() < 300) s.insert(s.size() - 2, " ");
  return s;
}

// Prints one result line and returns the rate.
inline double PrintRow(const char* mode, uint64_t events, double seconds, const char* unit,
                       const std::string& note = {}) {
  const double rate = seconds > 0 ? static_cast<double>(events) / seconds : 0.0;
  std::printf("%-34s %10llu %-8s %9.2f s %12.0f /s  peak RSS %7.1f MiB  %s\n", mode,
              static_cast<unsigned long long>(events), unit, seconds, rate, PeakRssMiB(),
              note.c_str());
  std::fflush(stdout);
  return rate;
}

}  // namespace taskledger::bench
