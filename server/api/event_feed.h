// Server-Sent Events of the log. Each client catches up from where it left off (Last-Event-ID),
// then receives every event as it is committed, in log order, without gaps or repeats. Clients
// that do not read are paced (catch-up waits for their queue to drain) and, past the session's
// queue limit, cut off; they resume with Last-Event-ID.
//
// Thread-safety: all methods may be called from any thread. One thread of its own serves every
// client; `visible` runs on it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "events/event_store.h"
#include "server/http/http_server.h"

namespace taskledger::server {

struct FeedOptions {
  // Streams at once; more are refused. Default: 5,000.
  size_t max_clients = 5000;
  // A comment line sent to every client this often, so proxies keep the connection and dead
  // clients are found. Default: 15 s.
  std::chrono::milliseconds keep_alive{15000};
  // Events read per catch-up step. Default: 500.
  size_t batch = 500;
};

class EventFeed {
 public:
  // Serves events up to `horizon()` (the position the projections have folded, so what a client
  // is shown agrees with what it can read).
  EventFeed(const EventStore& store, std::function<uint64_t()> horizon, FeedOptions options = {});
  ~EventFeed();

  // Streams events after position `after` to `sink`, those `visible` says the client may see.
  // False when the feed is full or stopped (the caller answers 503).
  bool Add(std::shared_ptr<Sink> sink, uint64_t after,
           std::function<bool(const RecordedEvent&)> visible);
  // Closes every stream and stops the thread. Idempotent.
  void Stop();
  size_t clients() const;

  // One event in the text/event-stream format: id (its position), event (its type), data.
  static std::string Format(const RecordedEvent& e);

 private:
  struct Client {
    std::shared_ptr<Sink> sink;
    uint64_t cursor;  // the last position sent (or skipped as not visible)
    std::function<bool(const RecordedEvent&)> visible;
  };
  void Run();
  // Sends what `c` has not seen, up to the head; true if it is still behind.
  bool Serve(Client& c, uint64_t head,
             std::vector<std::pair<uint64_t, std::vector<RecordedEvent>>>& cache,
             std::unordered_map<uint64_t, std::string>& formatted);

  const EventStore& store_;
  const std::function<uint64_t()> horizon_;
  const FeedOptions options_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Client>> clients_;  // by mu_
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace taskledger::server
