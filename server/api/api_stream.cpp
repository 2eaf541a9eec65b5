// Streamed routes: the log live as Server-Sent Events, and the log exported as JSON Lines. Both
// hold their connection for long, so both are bounded (clients, exports at once) and paced by
// how fast the client reads.
#include <spdlog/spdlog.h>

#include <thread>

#include "domain/event_types.h"
#include "events/log_export.h"
#include "server/api/api.h"
#include "server/api/api_util.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

constexpr size_t kMaxExports = 4;
constexpr size_t kExportPaceBytes = 1u << 20;

Response StreamHead(const Call& c, const char* content_type) {
  Response head{http::status::ok, c.req.version()};
  head.set(http::field::content_type, content_type);
  head.set(http::field::cache_control, "no-store");
  head.set("X-Accel-Buffering", "no");  // nginx and friends: pass it through as it comes
  return head;
}

}  // namespace

void Api::AddStreamRoutes() {
  // GET /v1/events/stream: catch up from Last-Event-ID (or ?after=), then live. Agencies get the
  // events of tasks they lead or coordinate, and of plans and agencies; not tokens.
  Add(http::verb::get, "/v1/events/stream",
      [this](Call& c) {
        uint64_t after = 0;
        std::string from(c.req["Last-Event-ID"]);
        if (from.empty() && c.query.count("after")) from = c.query.at("after");
        if (from.empty() && c.query.count("from") && c.query.at("from") == "head") {
          from = std::to_string(app_.store().head().position);
        }
        if (!from.empty()) {
          try {
            size_t used = 0;
            after = std::stoull(from, &used);
            if (used != from.size()) throw std::invalid_argument("trailing");
          } catch (const std::exception&) {
            return c.Fail(
                BadRequest("Last-Event-ID (or after) must be a log position", "Last-Event-ID"));
          }
        }
        std::function<bool(const RecordedEvent&)> visible = [](const RecordedEvent&) {
          return true;
        };
        if (c.who.role == ActorRole::kAgency) {
          visible = [this, agency = c.who.agency](const RecordedEvent& e) {
            if (e.stream.starts_with("task-")) {
              return app_.Read([&](const Ledger& l) {
                const Task* t = l.FindTask(std::string_view(e.stream).substr(5));
                if (!t || !l.RoleOf(agency, *t)) return false;
                // A member of a group hears of its own part, not of the others'.
                return l.NamedIn(agency, *t) || EventVisibleToMember(agency, e.type, e.data);
              });
            }
            return e.stream.starts_with("plan-") || e.stream.starts_with("agency-");
          };
        }
        if (feed_->clients() >= options_.max_event_streams) {
          return c.Fail(
              Unavailable("Too many streams", "too many event streams are open; retry later", 5));
        }
        auto sink = c.stream(StreamHead(c, "text/event-stream; charset=utf-8"));
        if (!feed_->Add(sink, after, std::move(visible))) sink->Close();
      },
      {{"after", ParamKind::kPosition}, {"from", ParamKind::kEnum, {"head"}}});

  // GET /v1/audit/export: the log (or what follows ?after=) as JSON Lines, written from a thread
  // of its own at the pace the client reads. Check it with `taskledger verify --file`.
  Add(http::verb::get, "/v1/audit/export",
      [this](Call& c) {
        if (!RequireRole(c, {ActorRole::kCoordinator, ActorRole::kAuditor})) return;
        const uint64_t after = c.query.count("after") ? std::stoull(c.query.at("after")) : 0;
        if (after > app_.store().head().position) {
          return c.Fail(BadRequest("after is beyond the head of the log", "after"));
        }
        {
          std::lock_guard lock(exports_mu_);
          if (stopping_ || exports_active_ >= kMaxExports) {
            return c.Fail(Unavailable("Too many exports", "an export is running; retry later", 30));
          }
          ++exports_active_;
        }
        Response head = StreamHead(c, "application/x-ndjson; charset=utf-8");
        head.set(http::field::content_disposition,
                 "attachment; filename=\"taskledger-log-" +
                     std::to_string(app_.store().head().position) + ".jsonl\"");
        auto sink = c.stream(std::move(head));
        std::thread([this, sink, after] {
          const bool done = ExportLog(app_.store(), after, app_.NowMs(), [&](std::string chunk) {
            while (sink->queued() > kExportPaceBytes && !sink->closed() && !stopping_) {
              std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            return !stopping_ && sink->Write(std::move(chunk));
          });
          if (!done) spdlog::warn("audit export ended early (client gone, or shutting down)");
          sink->Close();
          std::lock_guard lock(exports_mu_);
          --exports_active_;
          exports_cv_.notify_all();
        }).detach();
      },
      {{"after", ParamKind::kPosition}});
}

void Api::Shutdown() {
  feed_->Stop();
  std::unique_lock lock(exports_mu_);
  stopping_ = true;
  exports_cv_.wait(lock, [this] { return exports_active_ == 0; });
}

}  // namespace taskledger::server
