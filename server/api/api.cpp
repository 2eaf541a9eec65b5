#include "server/api/api.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

#include "domain/text.h"
#include "server/api/api_channels.h"
#include "server/api/messages.h"
#include "server/app/use_cases.h"
#include "server/http/log_sink.h"

namespace taskledger::server {

namespace {
constexpr const char* kPositionHeader = "TaskLedger-Position";
}  // namespace

using nlohmann::json;

namespace {

std::string ActorLabel(const TokenRecord& t) {
  return t.name.empty() ? "token " + t.id : t.name + " (token " + t.id + ")";
}

// Answers `c` on one of `pool`'s threads: `work` gets the call, moved out of `c`; its exception
// is answered 500. `busy` when the pool's queue is full.
void Offload(RenderPool& pool, Call& c, std::function<void(Call&)> work, const Problem& busy) {
  auto call = std::make_shared<Call>(std::move(c));
  const bool queued = pool.Post([call, work = std::move(work)] {
    try {
      work(*call);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", std::string(call->req.method_string()), call->path, e.what());
      call->Fail(Internal());
    }
  });
  if (!queued) call->Fail(busy);
}

}  // namespace

void Call::Fail(const Problem& p) const {
  Problem worded = p;
  Localize(worded, PreferredLanguage(req[http::field::accept_language]));
  reply(worded.ToResponse(req.version()));
}

void Call::Json(http::status status, const json& body) const {
  JsonText(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

void Call::JsonText(http::status status, std::string body) const {
  Response res{status, req.version()};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  reply(std::move(res));
}

Api::Api(App& app, ApiOptions options)
    : app_(app),
      options_(options),
      post_(options.post ? std::move(options.post) : [](std::function<void()> f) { f(); }),
      web_(options.web_dir),
      limiter_(options.rate_per_second, options.rate_burst),
      feed_(std::make_unique<EventFeed>(
          app.store(), [&app] { return app.folded_position(); },
          FeedOptions{.max_clients = options_.max_event_streams})),
      renders_(std::make_unique<RenderPool>(options_.render)),
      writes_(std::make_unique<RenderPool>(
          RenderPoolOptions{.threads = 1, .max_waiting = 64, .nice = 0})) {
  options_.calendar.base_url = options_.public_url;  // calendar events link to the dashboard
  Add(
      http::verb::get, "/healthz",
      [this](Call& c) {
        const Status writes = app_.store().write_status();
        c.Json(http::status::ok,
               {{"status", "ok"},
                {"node", options_.node_name},
                {"store", app_.store().shared() ? "postgresql" : "rocksdb"},
                {"position", app_.store().head().position},
                {"folded", app_.folded_position()},
                {"lag", app_.lag()},
                {"writes", writes.ok() ? std::string("ok") : std::string(CodeName(writes.code()))},
                {"delivers", app_.delivering()}});
      },
      {}, /*public_route=*/true);
  Add(
      http::verb::get, "/v1/openapi.json",
      [](Call& c) {
        Response res{http::status::ok, c.req.version()};
        res.set(http::field::content_type, "application/json; charset=utf-8");
        res.set(http::field::cache_control, "public, max-age=300");
        res.body() = std::string(OpenApiJson());
        c.reply(std::move(res));
      },
      {}, /*public_route=*/true);
  AddReadRoutes();
  AddReportRoutes();
  AddTaskListRoutes();
  AddStreamRoutes();
  AddCommandRoutes();
  AddPartRoutes();
  AddSetupRoutes();
  AddHistoryRoutes();
  AddImportRoutes();
  AddWebhookRoutes();
  AddEmailRoutes();
  AddEmailLinkRoutes();
  AddReachRoutes();
  AddDashboardRoutes();
  AddBackupRoutes();
}

Api::~Api() {
  Shutdown();
  writes_.reset();
  renders_.reset();
}

void Api::Blocking(Call& c, std::function<void(Call&)> work) {
  Offload(
      *writes_, c, std::move(work),
      Unavailable("Busy", "too many notification settings are being saved; try again shortly", 2));
}

bool Api::Blocking(std::function<void()> work) { return writes_->Post(std::move(work)); }

void Api::Render(Call& c, std::function<void(Call&)> work) {
  Offload(*renders_, c, std::move(work),
          Unavailable("Busy rendering",
                      "too many reports and exports are being prepared; try again shortly", 2));
}

std::vector<std::string> Api::RouteNames() const {
  std::vector<std::string> out;
  for (const Route& r : routes_) {
    std::string name(http::to_string(r.method));
    name += " ";
    for (const std::string& s : r.segments) name += "/" + s;
    out.push_back(std::move(name));
  }
  return out;
}

std::map<std::string, std::vector<std::string>> Api::RouteQueries() const {
  std::map<std::string, std::vector<std::string>> out;
  const std::vector<std::string> names = RouteNames();
  for (size_t i = 0; i < routes_.size(); ++i) {
    for (const QueryParam& p : routes_[i].query) out[names[i]].push_back(p.name);
  }
  return out;
}

void Api::Add(http::verb method, std::string pattern, Handler handler,
              std::vector<QueryParam> query, bool public_route) {
  routes_.push_back(
      Route{method, SplitPath(pattern), std::move(query), public_route, std::move(handler)});
}

size_t Api::BodyLimit(const Request& header) const {
  const std::string_view target = header.target();
  // Deliverable uploads and imported documents carry files; everything else is small JSON.
  if ((target.find("/deliverables") != std::string_view::npos ||
       target.find("/import") != std::string_view::npos) &&
      header.method() == http::verb::post) {
    return 20u << 20;
  }
  return 1u << 20;
}

bool Api::OverRate(const Call& c, const std::string& id, std::string_view what) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
  const int64_t wait = limiter_.Take(id, now_ms);
  if (wait <= 0) return false;
  ++stats_.rate_limited;
  c.Fail(TooManyRequests(
      std::string(what) + " is over its request rate; retry in " + std::to_string(wait) + " s",
      static_cast<int>(wait)));
  return true;
}

void Api::Revoke(const Call& c, const std::string& id, std::string_view what,
                 const std::function<bool(const TokenRecord&)>& ours) {
  const domain::Actor actor = c.actor;
  RevokeToken(
      app_, id, actor, ours,
      AnswerLater<Status>(post_, c, [id, what = std::string(what)](const Later& c, Status s) {
        if (s.code() == Status::Code::kNotFound) {
          return c.Fail(NotFound("no " + what + " '" + id + "'"));
        }
        if (s.code() == Status::Code::kFailedPrecondition) {
          return c.Fail(Conflict("Already revoked", what + " " + id + " is revoked already"));
        }
        if (!s.ok()) return c.Fail(FromStatus(s));
        c.Json(http::status::ok, {{"id", id}, {"revoked", true}});
      }));
}

void Api::Handle(Request&& req, Responder responder) {
  const auto start = std::chrono::steady_clock::now();
  auto call = std::make_shared<Call>();
  const std::string method(req.method_string());
  // What the log shows of the target: never a token or key, wherever a client put it.
  const std::string logged_target = RedactTarget(req.target());
  call->req = std::move(req);
  // The reply records the request once it is answered (a stream: once it starts): one log line,
  // metrics. Never the token.
  auto actor_label = std::make_shared<std::string>("-");  // set once authenticated
  auto record = [this, start, method, logged_target, actor_label](const Response& res) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
    const int status = res.result_int();
    ++stats_.requests;
    if (status >= 500)
      ++stats_.server_errors;
    else if (status >= 400)
      ++stats_.client_errors;
    stats_.latency_micros_sum += micros;
    static constexpr int64_t kBounds[] = {500, 1000, 5000, 10000, 50000, 100000, 500000};
    int b = 0;
    while (b < 7 && micros > kBounds[b]) ++b;
    ++stats_.latency_buckets[b];
    const std::string& actor = *actor_label;
    if (status == 401 || status == 403) {
      spdlog::warn("{} {} {} {}us {} refused", method, logged_target, status, micros, actor);
    } else {
      spdlog::info("{} {} {} {}us {}", method, logged_target, status, micros, actor);
    }
  };
  // Every answer says how far this node's state reaches in the log: a client that sends it back
  // (TaskLedger-Position) to any node reads what it has seen, its own writes included.
  call->reply = [this, record, reply = std::move(responder.reply)](Response res) {
    res.set(kPositionHeader, std::to_string(app_.folded_position()));
    record(res);
    reply(std::move(res));
  };
  call->stream = [this, record, stream = std::move(responder.stream)](Response head) {
    head.set(kPositionHeader, std::to_string(app_.folded_position()));
    record(head);
    return stream(std::move(head));
  };

  auto target = ParseRequestTarget(call->req.target());
  if (!target.ok()) return call->Fail(BadRequest(target.status().message()));
  call->path = std::move(target->path);
  call->query = std::move(target->query);
  // Everything outside the API is the dashboard's files, public like the page itself: the page
  // holds no data, and signs in to the API with a token.
  if (auto page = web_.Serve(call->req, call->path)) return call->reply(std::move(*page));

  const std::vector<std::string>& segments = target->segments;
  const Route* match = nullptr;
  bool path_known = false;
  for (const Route& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    bool ok = true;
    std::vector<std::string> params;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      if (r.segments[i] == "{}") {
        ok = !segments[i].empty();
        params.push_back(segments[i]);
      } else {
        ok = r.segments[i] == segments[i];
      }
    }
    if (!ok) continue;
    path_known = true;
    if (r.method != call->req.method()) continue;
    match = &r;
    call->params = std::move(params);
    break;
  }
  if (!match) {
    if (path_known) {
      return call->Fail(MethodNotAllowed(method + " is not supported on " + call->path));
    }
    return call->Fail(NotFound("no such resource: " + call->path));
  }
  if (!match->public_route) {
    const std::string_view auth = call->req[http::field::authorization];
    if (!auth.starts_with("Bearer ")) {
      return call->Fail(Unauthorized("send 'Authorization: Bearer <token>'"));
    }
    auto who = app_.Authenticate(domain::Trim(auth.substr(7)));
    if (!who) return call->Fail(Unauthorized("the token is not valid, or was revoked"));
    call->who = *who;
    call->actor.role = who->role;
    call->actor.agency = who->agency;
    call->actor.name = ActorLabel(*who);
    *actor_label = call->actor.Label();
    if (OverRate(*call, who->id, "this token")) return;
  }
  std::string param;
  if (Status s = CheckQuery(call->query, match->query, &param); !s.ok()) {
    return call->Fail(BadRequest(s.message(), param));
  }
  const auto run = [call, match, method, logged_target] {
    try {
      match->handler(*call);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", method, logged_target, e.what());
      call->Fail(Internal());
    }
  };
  const std::string_view seen = call->req[kPositionHeader];
  if (seen.empty()) return run();
  uint64_t position = 0;
  const auto [end, ec] = std::from_chars(seen.data(), seen.data() + seen.size(), position);
  if (ec != std::errc() || end != seen.data() + seen.size()) {
    return call->Fail(
        BadRequest("TaskLedger-Position must be a log position (a whole number) "
                   "from an earlier answer's TaskLedger-Position header",
                   std::string(kPositionHeader)));
  }
  // Read-your-writes across nodes: wait (briefly, off the I/O thread) for this node to fold
  // what the client has seen elsewhere.
  app_.WhenFolded(position, [this, call, run, position](bool caught_up) {
    post_([this, call, run, position, caught_up] {
      if (caught_up) return run();
      call->Fail(Unavailable("Not caught up",
                             "this node has not yet read the log up to position " +
                                 std::to_string(position) + " (it is at " +
                                 std::to_string(app_.folded_position()) + "); retry shortly",
                             1));
    });
  });
}

}  // namespace taskledger::server
