// The HTTP API (v1): routing, authentication, and the handlers that turn requests into Ledger
// reads and commands. Every error leaves through problem.h.
//
// Thread-safety: Handle() may be called concurrently from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/api/event_feed.h"
#include "server/api/page_cache.h"
#include "server/api/render_pool.h"
#include "server/app/app.h"
#include "server/http/http_server.h"
#include "server/http/problem.h"
#include "server/http/rate_limiter.h"
#include "server/http/request_target.h"
#include "server/http/static_files.h"
#include "server/office/office.h"
#include "server/views/calendar.h"
#include "server/views/views.h"

namespace taskledger::server {

// One request on its way through the API.
struct Call {
  Request req;
  std::string path;                          // decoded, without the query
  std::map<std::string, std::string> query;  // decoded
  std::vector<std::string> params;           // the {} segments of the route, decoded
  TokenRecord who;
  domain::Actor actor;
  Reply reply;
  StartStream stream;  // instead of reply, for streamed responses

  void Json(http::status status, const nlohmann::json& body) const;
  // A body already written as JSON text (JsonWriter).
  void JsonText(http::status status, std::string body) const;
  // Answers `p`, worded in the language the request's Accept-Language prefers (vi or en).
  void Fail(const Problem& p) const;
};

// The OpenAPI 3.1 document of this API (server/api_doc/openapi.json).
std::string_view OpenApiJson();

struct ApiOptions {
  // This node's name, in /healthz and /metrics (several nodes may serve one log). Default: the
  // host name.
  std::string node_name;
  // Event streams (the dashboard's live updates) open at once; more are answered 503 and the
  // page polls instead. Sized for a province's schools. Default: 5,000.
  size_t max_event_streams = 5000;
  // Requests per second per token, sustained; 0 turns the limit off. Default: 50.
  double rate_per_second = 50;
  // Requests a token may make at once before the sustained rate applies. Default: 200.
  double rate_burst = 200;
  // Runs a command's answer (reading the task, writing its JSON) off the store's notifier
  // thread, which then goes straight on to answering the next group. Default: inline.
  std::function<void(std::function<void()>)> post;
  // The built web dashboard (clients/web/dist), served at "/". Empty: "/" says it is not built.
  std::string web_dir;
  // Where users reach the server ("https://taskledger.example.vn"), for links in calendar feeds
  // and calendar-key answers. Empty: paths only.
  std::string public_url;
  // Calendar feeds' alarms: the webhook reminders' offsets and hour.
  CalendarOptions calendar;
  // Where POST /v1/backups writes (one directory per backup). Empty: backups are off.
  std::string backup_dir;
  // Reading imported files: LibreOffice for old .doc/.xls (empty: refused with 415), caps.
  office::ReadOptions import;
  // The threads long renders run on (reports, exports, "as of" answers; Render()).
  RenderPoolOptions render;
};

class Api {
 public:
  explicit Api(App& app, ApiOptions options = {});
  ~Api();
  void Handle(Request&& req, Responder responder);
  // "GET /v1/tasks/{}" for each route, for checking the OpenAPI document against.
  std::vector<std::string> RouteNames() const;
  // The query parameters each route takes, by its name as above.
  std::map<std::string, std::vector<std::string>> RouteQueries() const;
  // Ends the streams (SSE, exports) so a graceful stop is not held up by them.
  void Shutdown();
  size_t BodyLimit(const Request& header) const;

  struct Stats {
    std::atomic<uint64_t> requests{0}, client_errors{0}, server_errors{0}, rate_limited{0};
    std::atomic<uint64_t> latency_buckets[8] = {};  // ≤0.5, 1, 5, 10, 50, 100, 500 ms, more
    std::atomic<uint64_t> latency_micros_sum{0};
  };
  Stats& stats() { return stats_; }

 private:
  using Handler = std::function<void(Call&)>;
  struct Route {
    http::verb method;
    std::vector<std::string> segments;  // "{}" matches one segment
    std::vector<QueryParam> query;      // the parameters it takes; others are refused
    bool public_route;
    Handler handler;
  };
  // A route: `query` lists the parameters it takes, checked before `handler` runs; a public
  // route needs no token.
  void Add(http::verb method, std::string pattern, Handler handler,
           std::vector<QueryParam> query = {}, bool public_route = false);
  void AddCommandRoutes();
  void AddPartRoutes();
  void AddSetupRoutes();
  void AddHistoryRoutes();
  void AddImportRoutes();
  void AddReadRoutes();
  void AddReportRoutes();
  void AddTaskListRoutes();
  void AddStreamRoutes();
  void AddWebhookRoutes();
  void AddEmailRoutes();
  void AddEmailLinkRoutes();  // api_email_links.cpp
  void AddReachRoutes();
  void AddDashboardRoutes();
  void AddBackupRoutes();
  // Takes one request from `id`'s rate; when it is over, answers 429 with Retry-After, naming
  // `what` ("this token"), and returns true.
  bool OverRate(const Call& c, const std::string& id, std::string_view what);
  // Answers `c` on a render thread: `work` gets the call (moved out of `c`, which the handler
  // must not touch again). A report, an export or an "as of" answer runs there, from a replica
  // (App::PlanNow) or a past ledger, never holding an I/O thread or the App's lock. When too
  // many renders already wait: 503 with Retry-After.
  void Render(Call& c, std::function<void(Call&)> work);
  // Answers `c` on the outboxes' writer thread, as Render: a handler whose outbox write waits for
  // its sync (a webhook's secret stored, forgotten or rotated; a test or confirmation message
  // queued) runs there, so no I/O thread waits on an fsync. 503 when too many already wait.
  void Blocking(Call& c, std::function<void(Call&)> work);
  // Runs `work` on that thread for an answer already detached from its call; false (nothing
  // run) when too many already wait.
  [[nodiscard]] bool Blocking(std::function<void()> work);
  // The log's position `l` is folded to, and that event's chained hash.
  ReportHead HeadOf(const domain::Ledger& l) const;
  // Revokes token `id` (an API token or a calendar key) if `ours` says it is the caller's to
  // revoke: 404 when not, 409 when revoked already, else 200 once the revocation is durable.
  void Revoke(const Call& c, const std::string& id, std::string_view what,
              const std::function<bool(const TokenRecord&)>& ours);

  App& app_;
  ApiOptions options_;
  std::function<void(std::function<void()>)> post_;
  StaticFiles web_;
  std::vector<Route> routes_;
  Stats stats_;
  RateLimiter limiter_;
  std::unique_ptr<EventFeed> feed_;
  PageCache pages_;  // task lists as last rendered
  std::mutex exports_mu_;
  std::condition_variable exports_cv_;
  size_t exports_active_ = 0;  // by exports_mu_
  std::atomic<bool> stopping_{false};
  std::atomic<bool> backing_up_{false};
  // Last: destroyed first, while everything their work uses is still alive.
  std::unique_ptr<RenderPool> renders_;
  std::unique_ptr<RenderPool> writes_;  // Blocking(): one thread at normal priority
};

}  // namespace taskledger::server
