// Read routes: agencies, plans, a task, the log and its audit (task lists: api_tasks.cpp; reports:
// api_reports.cpp).
#include <spdlog/spdlog.h>

#include "domain/codec.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/office/office.h"
#include "server/views/documents.h"
#include "server/views/views.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

void Api::AddReadRoutes() {
  Add(http::verb::get, "/v1/agencies", [this](Call& c) {
    json items = json::array();
    app_.Read([&](const Ledger& l) {
      for (const Agency* a : l.Agencies()) items.push_back(AgencyView(*a));
    });
    c.Json(http::status::ok, {{"items", std::move(items)}});
  });
  Add(http::verb::get, "/v1/agencies/{}", [this](Call& c) {
    std::optional<json> j;
    app_.Read([&](const Ledger& l) {
      const Agency* a = l.FindAgency(c.params[0]);
      if (!a) return;
      j = AgencyView(*a);
      (*j)["groups"] = l.GroupsOf(a->id);
    });
    if (!j) return c.Fail(NotFound("no agency '" + c.params[0] + "'"));
    c.Json(http::status::ok, *j);
  });
  // Plans: an agency sees those it has a task in (PlanVisibility in api_util.h).
  Add(http::verb::get, "/v1/plans", [this](Call& c) {
    json items = json::array();
    app_.Read([&](const Ledger& l) {
      for (const Plan* p : l.Plans()) {
        if (PlanAccess(c, l, *p) != PlanReach::kNone) items.push_back(PlanView(*p, false));
      }
    });
    c.Json(http::status::ok, {{"items", std::move(items)}});
  });
  Add(http::verb::get, "/v1/plans/{}", [this](Call& c) {
    json view;
    const int state = app_.Read([&](const Ledger& l) {
      const Plan* p = l.FindPlan(c.params[0]);
      if (!p) return 404;
      if (PlanAccess(c, l, *p) == PlanReach::kNone) return 403;
      view = PlanView(*p, true);
      return 200;
    });
    if (state == 404) return c.Fail(NotFound("no plan '" + c.params[0] + "'"));
    if (state == 403) return c.Fail(NotParticipant(c.params[0]));
    c.Json(http::status::ok, view);
  });

  Add(http::verb::get, "/v1/tasks/{}",
      [this](Call& c) {
        std::optional<Date> as_of;
        if (!DateParam(c, "as_of", &as_of)) return;
        const Date today = as_of.value_or(Today(app_));
        if (as_of) {
          // The task as it stood at the end of that day: its plan's ledger of that day (the
          // nearest checkpoint and the log after it), which knows the groups its parts are of;
          // folded on a render thread.
          return Render(c, [this, as_of, today](Call& c) {
            const std::string& id = c.params[0];
            auto past = app_.LedgerAsOf(*as_of, id.substr(0, id.find(':')));
            if (!past.ok()) return c.Fail(FromStatus(past.status()));
            const Task* t = (*past)->FindTask(id);
            if (!t) {
              Problem p = NotFound("task '" + id + "' did not exist on " + ToIso(*as_of));
              p.code = "not-existed-on";
              p.params = {{"task", id}, {"date", ToIso(*as_of)}};
              return c.Fail(p);
            }
            const bool visible = app_.Read([&](const Ledger& l) { return CanSee(c, l, *t); });
            if (!visible) return c.Fail(Forbidden("this task is not your agency's"));
            json j = TaskView(*t, today, true, MemberViewer(c.who, **past, *t));
            j["as_of"] = ToIso(*as_of);
            c.Json(http::status::ok, j);
          });
        }
        Response res{http::status::ok, c.req.version()};
        int result = app_.Read([&](const Ledger& l) {
          const Task* t = l.FindTask(c.params[0]);
          if (!t) return 404;
          if (!CanSee(c, l, *t)) return 403;
          res.set(http::field::content_type, "application/json; charset=utf-8");
          res.set(http::field::etag, VersionTag(t->version));
          JsonWriter w(&res.body());
          WriteTask(w, *t, today, true, nullptr, MemberViewer(c.who, l, *t));
          return 200;
        });
        if (result == 404) return c.Fail(NotFound("no task '" + c.params[0] + "'"));
        if (result == 403) return c.Fail(Forbidden("this task is not your agency's"));
        c.reply(std::move(res));
      },
      {{"as_of", ParamKind::kDate}});

  Add(http::verb::get, "/v1/tasks/{}/history", [this](Call& c) {
    const int visible = app_.Read([&](const Ledger& l) {
      const Task* t = l.FindTask(c.params[0]);
      return !t ? 404 : CanSee(c, l, *t) ? 200 : 403;
    });
    if (visible == 404) return c.Fail(NotFound("no task '" + c.params[0] + "'"));
    if (visible == 403) return c.Fail(Forbidden("this task is not your agency's"));
    auto events = app_.store().ReadStream("task-" + c.params[0], 0, 100000);
    if (!events.ok()) return c.Fail(FromStatus(events.status()));
    json items = json::array();
    app_.Read([&](const Ledger& l) {
      const Task* t = l.FindTask(c.params[0]);
      // A member of a group reads the task's history and its own part's, not the others'.
      const bool member = t && MemberViewer(c.who, l, *t).has_value();
      for (const RecordedEvent& e : *events) {
        if (member && !EventVisibleToMember(c.who.agency, e.type, e.data)) continue;
        json data = json::parse(e.data, nullptr, false);
        // Both dates of a fact: when it was recorded, and when it took effect (the same day,
        // unless the event says it took effect earlier).
        const std::string recorded_on = ToIso(DateAtUtcMs(e.recorded_at_ms));
        std::string effective_on = recorded_on;
        if (data.is_object() && data.contains("effective_on") && data["effective_on"].is_string()) {
          effective_on = data["effective_on"].get<std::string>();
        }
        items.push_back({{"position", e.position},
                         {"version", e.version},
                         {"type", e.type},
                         {"recorded_at_ms", e.recorded_at_ms},
                         {"recorded_on", recorded_on},
                         {"effective_on", effective_on},
                         {"actor", e.actor},
                         {"by", PersonView(l, e.actor)},
                         {"data", std::move(data)}});
      }
    });
    c.Json(http::status::ok, {{"task", c.params[0]}, {"events", std::move(items)}});
  });

  // A deliverable's file, as submitted (multipart uploads only; JSON metadata names a file kept
  // elsewhere).
  Add(http::verb::get, "/v1/tasks/{}/deliverables/{}/file", [this](Call& c) {
    std::optional<Deliverable> found;
    const int state = app_.Read([&](const Ledger& l) {
      const Task* t = l.FindTask(c.params[0]);
      if (!t) return 404;
      if (!CanSee(c, l, *t)) return 403;
      // A member reads the task's own files and its own part's; others read every part's.
      const std::optional<uint32_t> member = MemberViewer(c.who, l, *t);
      for (const Occurrence& o : t->occurrences) {
        for (const Deliverable& d : o.deliverables) {
          if (d.id == c.params[1]) found = d;
        }
        for (const Part& p : o.parts) {
          if (member && p.member != *member) continue;
          for (const Deliverable& d : p.deliverables()) {
            if (d.id == c.params[1]) found = d;
          }
        }
      }
      return found ? 200 : 404;
    });
    if (state == 403) return c.Fail(Forbidden("this task is not your agency's"));
    if (state == 404)
      return c.Fail(NotFound("no deliverable '" + c.params[1] + "' on task '" + c.params[0] + "'"));
    if (found->sha256.empty())
      return c.Fail(NotFound("deliverable '" + c.params[1] + "' has no file stored here"));
    auto bytes = app_.files().Get(found->sha256);
    if (!bytes.ok()) return c.Fail(FromStatus(bytes.status()));
    Response res{http::status::ok, c.req.version()};
    res.set(http::field::content_type, "application/octet-stream");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::etag, "\"" + found->sha256 + "\"");
    res.set("Digest", "sha-256=" + found->sha256);
    // RFC 6266 / 5987: an ASCII fallback and the UTF-8 name percent-encoded.
    std::string encoded, ascii;
    for (unsigned char ch : found->name) {
      if (std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_') {
        encoded.push_back(static_cast<char>(ch));
        ascii.push_back(static_cast<char>(ch));
      } else {
        static const char* kHex = "0123456789ABCDEF";
        encoded += {'%', kHex[ch >> 4], kHex[ch & 15]};
        if (ch < 0x80) ascii.push_back('_');
      }
    }
    res.set(http::field::content_disposition, "attachment; filename=\"" +
                                                  (ascii.empty() ? std::string("file") : ascii) +
                                                  "\"; filename*=UTF-8''" + encoded);
    res.body() = std::move(*bytes);
    c.reply(std::move(res));
  });

  Add(http::verb::get, "/v1/events",
      [this](Call& c) {
        if (!RequireRole(c, {ActorRole::kCoordinator, ActorRole::kAuditor})) return;
        const uint64_t after = c.query.count("after") ? std::stoull(c.query.at("after")) : 0;
        const size_t limit = c.query.count("limit") ? std::stoul(c.query.at("limit")) : 100;
        auto events = app_.store().ReadAll(after + 1, limit);
        if (!events.ok()) return c.Fail(FromStatus(events.status()));
        json items = json::array();
        for (const RecordedEvent& e : *events) items.push_back(LogEventView(e));
        c.Json(http::status::ok,
               {{"items", std::move(items)}, {"head", app_.store().head().position}});
      },
      {{"after", ParamKind::kPosition}, {"limit", ParamKind::kLimit}});
  Add(http::verb::get, "/v1/audit/head", [this](Call& c) {
    const Head h = app_.store().head();
    c.Json(
        http::status::ok,
        {{"position", h.position}, {"hash", ToHex(h.hash)}, {"recorded_at_ms", h.recorded_at_ms}});
  });
  Add(http::verb::get, "/v1/audit/verify", [this](Call& c) {
    if (!RequireRole(c, {ActorRole::kCoordinator, ActorRole::kAuditor})) return;
    const VerifyReport r = app_.store().Verify();
    json j = {{"ok", r.ok},
              {"checked", r.checked},
              {"head", {{"position", r.head.position}, {"hash", ToHex(r.head.hash)}}}};
    if (!r.ok) {
      j["first_bad_position"] = r.first_bad_position;
      j["problem"] = r.problem;
    }
    c.Json(http::status::ok, j);
  });
  Add(http::verb::get, "/metrics", [this](Call& c) {
    const Head h = app_.store().head();
    const WriteStats w = app_.store().write_stats();
    std::string m;
    const auto line = [&](const std::string& name, uint64_t v) {
      m += name + " " + std::to_string(v) + "\n";
    };
    m += "# TYPE taskledger_requests_total counter\n";
    line("taskledger_requests_total", stats_.requests);
    line("taskledger_requests_client_errors_total", stats_.client_errors);
    line("taskledger_requests_server_errors_total", stats_.server_errors);
    line("taskledger_requests_rate_limited_total", stats_.rate_limited);
    line("taskledger_list_cache_hits_total", pages_.hits());
    line("taskledger_list_cache_misses_total", pages_.misses());
    line("taskledger_list_items_reused_total", pages_.items_reused());
    line("taskledger_list_items_written_total", pages_.items_written());
    m += "# TYPE taskledger_request_seconds histogram\n";
    static const char* kLe[] = {"0.0005", "0.001", "0.005", "0.01", "0.05", "0.1", "0.5", "+Inf"};
    uint64_t cumulative = 0;
    for (int i = 0; i < 8; ++i) {
      cumulative += stats_.latency_buckets[i];
      m += "taskledger_request_seconds_bucket{le=\"" + std::string(kLe[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
    }
    m += "taskledger_request_seconds_sum " + std::to_string(stats_.latency_micros_sum / 1e6) + "\n";
    line("taskledger_request_seconds_count", stats_.requests);
    line("taskledger_appends_total", w.appends);
    line("taskledger_events_appended_total", w.events);
    line("taskledger_group_commits_total", w.groups);
    m += "# TYPE taskledger_group_commit_write_seconds counter\n";
    m += "taskledger_group_commit_write_seconds_total " + std::to_string(w.write_micros / 1e6) +
         "\n";
    m += "taskledger_node_info{node=\"" + options_.node_name + "\",store=\"" +
         (app_.store().shared() ? "postgresql" : "rocksdb") + "\"} 1\n";
    line("taskledger_store_writable", app_.store().write_status().ok() ? 1 : 0);
    line("taskledger_store_recoveries_total", app_.store().recoveries());
    line("taskledger_delivering", app_.delivering() ? 1 : 0);
    line("taskledger_log_position", h.position);
    const uint64_t folded = app_.folded_position();
    line("taskledger_projection_position", folded);
    line("taskledger_projection_lag_events", h.position > folded ? h.position - folded : 0);
    const App::FoldLockStats fl = app_.fold_lock_stats();
    line("taskledger_folds_total", fl.folds);
    m += "taskledger_fold_lock_wait_seconds_total " + std::to_string(fl.wait_micros / 1e6) + "\n";
    m += "taskledger_fold_lock_wait_max_seconds " + std::to_string(fl.max_wait_micros / 1e6) + "\n";
    if (const webhooks::Service* wh = app_.webhooks()) {
      const webhooks::ServiceStats& ws = wh->stats();
      line("taskledger_webhook_messages_enqueued_total", ws.enqueued);
      line("taskledger_webhook_attempts_total", ws.attempts);
      line("taskledger_webhook_delivered_total", ws.delivered);
      line("taskledger_webhook_failed_attempts_total", ws.failed_attempts);
      line("taskledger_webhook_gave_up_total", ws.gave_up);
      line("taskledger_webhook_endpoints_disabled_total", ws.disabled);
      line("taskledger_webhook_pending", static_cast<uint64_t>(std::max<int64_t>(0, ws.pending)));
      line("taskledger_webhook_in_flight",
           static_cast<uint64_t>(std::max<int64_t>(0, ws.in_flight)));
      m += "# TYPE taskledger_webhook_delivery_delay_seconds histogram\n";
      static const char* kDelayLe[] = {"0.1", "0.5", "1", "2", "5", "30", "300", "+Inf"};
      uint64_t delivered = 0;
      for (int i = 0; i < 8; ++i) {
        delivered += ws.delay_buckets[i];
        m += "taskledger_webhook_delivery_delay_seconds_bucket{le=\"" + std::string(kDelayLe[i]) +
             "\"} " + std::to_string(delivered) + "\n";
      }
      m += "taskledger_webhook_delivery_delay_seconds_sum " +
           std::to_string(ws.delay_ms_sum / 1e3) + "\n";
      line("taskledger_webhook_delivery_delay_seconds_count", delivered);
    }
    if (webhooks::mail::MailService* mail = app_.mail()) {
      const webhooks::mail::MailService::Stats ms = mail->stats();
      line("taskledger_mail_messages_enqueued_total", ms.enqueued);
      line("taskledger_mail_attempts_total", ms.attempts);
      line("taskledger_mail_delivered_total", ms.delivered);
      line("taskledger_mail_failed_total", ms.failed);
      line("taskledger_mail_pending", static_cast<uint64_t>(std::max<int64_t>(0, ms.pending)));
    }
    Response res{http::status::ok, c.req.version()};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.body() = std::move(m);
    c.reply(std::move(res));
  });
}

}  // namespace taskledger::server
