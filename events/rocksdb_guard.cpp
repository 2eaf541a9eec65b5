#include "events/rocksdb_guard.h"

#include <rocksdb/env.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>

namespace taskledger {
namespace {

class InfoLog : public rocksdb::Logger {
 public:
  InfoLog(std::string dir, size_t max_bytes)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL),
        path_(std::move(dir) + "/LOG"),
        max_bytes_(max_bytes) {}
  ~InfoLog() override {
    if (file_) std::fclose(file_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[2048];
    const int n = std::vsnprintf(line, sizeof line, format, ap);
    if (n < 0) return;
    std::lock_guard lock(mu_);
    if (!file_ || written_ > max_bytes_) Rotate();
    if (!file_) return;
    // A line that does not fit (a full disk) is dropped; the next one tries again.
    std::fprintf(file_, "%s\n", line);
    std::fflush(file_);
    written_ += static_cast<size_t>(std::min<int>(n, sizeof line)) + 1;
  }

 private:
  void Rotate() {
    if (file_) {
      std::fclose(file_);
      std::rename(path_.c_str(), (path_ + ".old").c_str());
    }
    file_ = std::fopen(path_.c_str(), "a");
    written_ = 0;
  }

  const std::string path_;
  const size_t max_bytes_;
  std::mutex mu_;
  std::FILE* file_ = nullptr;  // by mu_
  size_t written_ = 0;         // by mu_
};

}  // namespace

std::shared_ptr<rocksdb::Logger> MakeInfoLog(const std::string& dir, size_t max_bytes) {
  // Opened at the first line: the directory may not exist until RocksDB creates it.
  return std::make_shared<InfoLog>(dir, max_bytes);
}

bool IsNoSpace(const rocksdb::Status& s) {
  return s.IsNoSpace() || s.ToString().find("No space left") != std::string::npos;
}

void WriteErrorListener::OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* error) {
  if (!error || error->ok()) return;
  std::lock_guard lock(mu_);
  if (!failed_.load(std::memory_order_relaxed)) error_ = *error;
  failed_.store(true, std::memory_order_release);
}

rocksdb::Status WriteErrorListener::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

void WriteErrorListener::Clear() {
  std::lock_guard lock(mu_);
  error_ = rocksdb::Status::OK();
  failed_.store(false, std::memory_order_release);
}

}  // namespace taskledger
