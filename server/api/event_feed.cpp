#include "server/api/event_feed.h"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "server/views/views.h"

namespace taskledger::server {

namespace {
// A client whose queue holds more than this gets no more catch-up until it drains.
constexpr size_t kPaceBytes = 256u << 10;
}  // namespace

EventFeed::EventFeed(const EventStore& store, std::function<uint64_t()> horizon,
                     FeedOptions options)
    : store_(store), horizon_(std::move(horizon)), options_(options), thread_([this] { Run(); }) {}

EventFeed::~EventFeed() { Stop(); }

bool EventFeed::Add(std::shared_ptr<Sink> sink, uint64_t after,
                    std::function<bool(const RecordedEvent&)> visible) {
  std::lock_guard lock(mu_);
  if (stopping_ || clients_.size() >= options_.max_clients) return false;
  // Tells EventSource how soon to reconnect; the stream starts at once even with no events.
  sink->Write("retry: 3000\n\n");
  clients_.push_back(std::make_shared<Client>(Client{std::move(sink), after, std::move(visible)}));
  return true;
}

void EventFeed::Stop() {
  if (stopping_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  for (auto& c : clients_) c->sink->Close();
  clients_.clear();
}

size_t EventFeed::clients() const {
  std::lock_guard lock(mu_);
  return clients_.size();
}

std::string EventFeed::Format(const RecordedEvent& e) {
  std::string out = "id: " + std::to_string(e.position) + "\nevent: ";
  out += e.type;
  out += "\ndata: ";
  out += LogEventView(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += "\n\n";
  return out;
}

bool EventFeed::Serve(Client& c, uint64_t head,
                      std::vector<std::pair<uint64_t, std::vector<RecordedEvent>>>& cache,
                      std::unordered_map<uint64_t, std::string>& formatted) {
  if (c.cursor >= head) return false;
  if (c.sink->queued() > kPaceBytes) return true;
  // Clients at the same cursor (every live one, usually) share one read.
  const std::vector<RecordedEvent>* events = nullptr;
  for (const auto& [from, batch] : cache) {
    if (from == c.cursor) events = &batch;
  }
  if (!events) {
    auto read = store_.ReadAll(c.cursor + 1, options_.batch);
    if (!read.ok()) {
      spdlog::error("event feed: {}", read.status().ToString());
      c.sink->Close();
      return false;
    }
    cache.emplace_back(c.cursor, std::move(*read));
    events = &cache.back().second;
  }
  std::string out;
  uint64_t cursor = c.cursor;
  for (const RecordedEvent& e : *events) {
    if (e.position > head) break;
    if (c.visible(e)) {
      // Thousands of clients get the same event: it is written as text once per round.
      auto [it, fresh] = formatted.try_emplace(e.position);
      if (fresh) it->second = Format(e);
      out += it->second;
    }
    cursor = e.position;
  }
  if (!out.empty() && !c.sink->Write(std::move(out))) return false;
  c.cursor = cursor;
  return c.cursor < head;
}

void EventFeed::Run() {
  auto last_keep_alive = std::chrono::steady_clock::now();
  while (!stopping_) {
    std::vector<std::shared_ptr<Client>> clients;
    {
      std::lock_guard lock(mu_);
      std::erase_if(clients_, [](const auto& c) { return c->sink->closed(); });
      clients = clients_;
    }
    const uint64_t stored = store_.head().position;
    const uint64_t head = std::min(stored, horizon_());
    std::vector<std::pair<uint64_t, std::vector<RecordedEvent>>> cache;
    std::unordered_map<uint64_t, std::string> formatted;
    bool behind = false;
    for (auto& c : clients) behind |= Serve(*c, head, cache, formatted);
    if (const auto now = std::chrono::steady_clock::now();
        now - last_keep_alive > options_.keep_alive) {
      for (auto& c : clients) c->sink->Write(": keep-alive\n\n");
      last_keep_alive = now;
    }
    if (behind || head < stored) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } else {
      // Wakes on the next commit; new clients wait at most this long for their catch-up.
      store_.WaitForAppend(stored, std::chrono::milliseconds(100));
    }
  }
}

}  // namespace taskledger::server
