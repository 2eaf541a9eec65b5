#include "server/log_sink.h"

#include <cstdio>
#include <mutex>

#include <spdlog/sinks/base_sink.h>

namespace taskledger::server {

namespace {

class BufferedStdoutSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

}  // namespace

void UseBufferedStdoutLog() {
  static char buffer[64 << 10];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  auto logger = std::make_shared<spdlog::logger>("", std::make_shared<BufferedStdoutSink>());
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  spdlog::flush_every(std::chrono::seconds(1));
}

}  // namespace taskledger::server
