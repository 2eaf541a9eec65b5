// The HTTP(S) client that carries webhooks: one POST per attempt, keep-alive connections pooled
// per endpoint, one deadline for the whole attempt (resolve, connect, TLS, write, read), no
// redirects followed, certificates verified against the system's CAs (plus an optional extra CA
// file) with the host name checked, and the address guard applied to every resolved address
// before connecting (so a name cannot be re-pointed at a private address between check and use).
//
// Thread-safety: none. Post() and the completions run on the io_context given, which must be
// run by one thread (the delivery engine's).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "webhooks/target.h"

namespace taskledger::webhooks {

struct ClientOptions {
  // The whole attempt's deadline. Default: 15 s.
  int64_t timeout_ms = 15000;
  // Which addresses may be connected to. Default: public only.
  AddressPolicy addresses = AddressPolicy::kPublic;
  // PEM file of extra certificate authorities to trust beside the system's. Default: none.
  std::string ca_file;
  // How much of an answer's body is read; the rest is dropped with the connection.
  // Default: 64 KiB.
  size_t max_response_bytes = 64 * 1024;
  // Kept-alive connections idle longer are closed instead of reused. Default: 30 s.
  int64_t idle_ms = 30000;
  // UTC milliseconds now, for Retry-After given as an HTTP date. Default: the system clock (the
  // service passes its host's clock, so a server on --clock-start reads dates on its own time).
  std::function<int64_t()> clock_ms;
};

struct HttpOutcome {
  int status = 0;     // 0: no HTTP answer
  std::string error;  // why there was no answer (timeout, refused, TLS, address refused)
  std::string body;   // the answer's body, up to max_response_bytes, as sent (bytes)
  std::optional<int64_t> retry_after_ms;  // from Retry-After (seconds or an HTTP date)
  int64_t latency_ms = 0;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class Client {
 public:
  Client(boost::asio::io_context& io, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Loads the CAs; kInvalidArgument when the extra CA file cannot be read.
  Status Init();
  // POSTs `body` to `target` on a connection of `pool` (an endpoint's id); `done` runs on the
  // io_context with the outcome, exactly once.
  void Post(const std::string& pool, const Target& target, std::string body, Headers headers,
            std::function<void(HttpOutcome)> done);
  // Closes the idle connections of `pool` (its URL changed, it was deleted).
  void Forget(const std::string& pool);
  // Closes every idle connection.
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace taskledger::webhooks
