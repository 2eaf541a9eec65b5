// Routes for people's tools: who the caller is (the dashboard adapts to it), a plan's review
// queue, the matrix exported for the importer, and an agency's calendar feed with its keys.
#include "domain/text.h"
#include "server/api/api.h"
#include "server/api/api_channels.h"
#include "server/api/api_util.h"
#include "server/app/use_cases.h"
#include "server/office/office.h"
#include "server/views/calendar.h"
#include "server/views/documents.h"
#include "server/views/views.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

// Agencies manage their own calendar keys; coordinators any agency's.
bool MayManageCalendar(const Call& c, const std::string& agency) {
  if (c.who.role == ActorRole::kCoordinator) return true;
  if (c.who.role == ActorRole::kAgency && c.who.agency == agency) return true;
  c.Fail(Forbidden("only the agency itself or a coordinator manages its calendar keys"));
  return false;
}

std::string CalendarPath(const std::string& agency) {
  return "/v1/agencies/" + agency + "/calendar.ics";
}

}  // namespace

void Api::AddDashboardRoutes() {
  Add(http::verb::get, "/v1/me", [this](Call& c) {
    json j = {{"token", c.who.id}, {"role", ToString(c.who.role)}, {"name", c.who.name}};
    if (!c.who.agency.empty()) {
      j["agency"] = c.who.agency;
      app_.Read([&](const Ledger& l) {
        if (const Agency* a = l.FindAgency(c.who.agency)) j["agency_name"] = a->name;
      });
    }
    j["today"] = ToIso(Today(app_));
    c.Json(http::status::ok, j);
  });

  // What waits on the coordinator: submitted deliverables not yet reviewed, and extension
  // requests not yet decided, oldest first; of one plan, or of every plan (the inbox).
  const auto queue = [this](Call& c, const std::string& only_plan) {
    if (!RequireRole(c, {ActorRole::kCoordinator, ActorRole::kAuditor})) return;
    json deliverables = json::array(), extensions = json::array();
    const bool found = app_.Read([&](const Ledger& l) {
      std::vector<const Plan*> plans;
      if (!only_plan.empty()) {
        const Plan* p = l.FindPlan(only_plan);
        if (!p) return false;
        plans.push_back(p);
      } else {
        for (const Plan* p : l.Plans()) plans.push_back(p);
      }
      for (const Plan* p : plans) {
        for (const std::string& id : p->task_ids) {
          const Task* t = l.FindTask(id);
          if (!t) continue;
          for (const Occurrence& o : t->occurrences) {
            if (!o.open()) continue;
            const json where = {
                {"plan", p->id},        {"plan_title", p->title},
                {"task", t->id},        {"code", t->code},
                {"title", t->title},    {"lead", t->lead},
                {"occurrence", o.key},  {"due", o.due ? json(ToIso(*o.due)) : json(nullptr)},
                {"version", t->version}};
            // The occurrence's own, then each member's part's: a part's item names the member,
            // whose part the decision is on.
            const auto add = [&](const std::vector<Deliverable>& ds,
                                 const std::vector<ExtensionRequest>& xs, const Part* part) {
              json at = where;
              if (part) {
                const std::string& member = l.AgencyIdOf(part->member);
                const Agency* a = l.FindAgency(member);
                at["part"] = {{"member", member}, {"name", a ? a->name : member}};
                if (const std::optional<Date> due = DueOf(*part, o)) at["due"] = ToIso(*due);
              }
              for (const Deliverable& d : ds) {
                if (!d.review.empty()) continue;
                json item = at;
                item["deliverable"] = {{"id", d.id},
                                       {"name", d.name},
                                       {"size", d.size},
                                       {"note", d.note},
                                       {"submitted_by", d.submitted_by},
                                       {"by", PersonView(l, d.submitted_by)},
                                       {"submitted_at_ms", d.submitted_at_ms},
                                       {"has_file", !d.sha256.empty()}};
                deliverables.push_back(std::move(item));
              }
              for (const ExtensionRequest& x : xs) {
                if (!x.decision.empty()) continue;
                json item = at;
                item["request"] = {{"id", x.id},
                                   {"requested_due", ToIso(x.requested_due)},
                                   {"reason", x.reason},
                                   {"requested_by", x.requested_by},
                                   {"by", PersonView(l, x.requested_by)}};
                extensions.push_back(std::move(item));
              }
            };
            add(o.deliverables, o.extensions, nullptr);
            for (const Part& p : o.parts) {
              if (p.detail && p.open()) add(p.deliverables(), p.extensions(), &p);
            }
          }
        }
      }
      return true;
    });
    if (!found) return c.Fail(NotFound("no plan '" + only_plan + "'"));
    std::stable_sort(deliverables.begin(), deliverables.end(), [](const json& a, const json& b) {
      return a["deliverable"]["submitted_at_ms"].get<int64_t>() <
             b["deliverable"]["submitted_at_ms"].get<int64_t>();
    });
    json body = {{"deliverables", std::move(deliverables)},
                 {"extension_requests", std::move(extensions)}};
    if (!only_plan.empty()) body["plan"] = only_plan;
    body["count"] = body["deliverables"].size() + body["extension_requests"].size();
    c.Json(http::status::ok, body);
  };
  Add(http::verb::get, "/v1/plans/{}/queue", [queue](Call& c) { queue(c, c.params[0]); });
  Add(http::verb::get, "/v1/queue", [queue](Call& c) { queue(c, ""); });

  // The matrix in the importer's columns, with where each task stands, as CSV or a spreadsheet:
  // export -> import of the same file changes nothing.
  Add(http::verb::get, "/v1/plans/{}/export",
      [this](Call& c) {
        const std::string format = c.query.count("format") ? c.query.at("format") : "csv";
        if (c.who.role == ActorRole::kAgency) {
          return c.Fail(
              Forbidden("the whole matrix is for coordinators and auditors; an agency reads "
                        "its own tasks"));
        }
        const bool known =
            app_.Read([&](const Ledger& l) { return l.FindPlan(c.params[0]) != nullptr; });
        if (!known) return c.Fail(NotFound("no plan '" + c.params[0] + "'"));
        // Written on a render thread from a replica of the plan: a big plan's spreadsheet holds
        // back no command.
        Render(c, [this, format](Call& c) {
          const Date today = Today(app_);
          auto ledger = app_.PlanNow(c.params[0]);
          if (!ledger.ok()) return c.Fail(FromStatus(ledger.status()));
          const Ledger& l = **ledger;
          const Plan* p = l.FindPlan(c.params[0]);
          if (!p) return c.Fail(NotFound("no plan '" + c.params[0] + "'"));
          Result<std::string> body =
              format == "xlsx" ? PlanMatrixXlsx(l, *p, today) : PlanMatrixCsv(l, *p, today);
          if (!body.ok()) return c.Fail(FromStatus(body.status()));
          Response res{http::status::ok, c.req.version()};
          res.set(http::field::content_type,
                  format == "xlsx" ? std::string(office::kXlsxType) : "text/csv; charset=utf-8");
          res.set(http::field::content_disposition, "attachment; filename=\"" + c.params[0] + "-" +
                                                        ToIso(today) + "." + format + "\"");
          res.body() = std::move(*body);
          c.reply(std::move(res));
        });
      },
      {{"format", ParamKind::kEnum, {"csv", "xlsx"}}});

  // Calendar feed keys: tokens of scope "calendar", for one agency's feed and nothing else.
  Add(http::verb::post, "/v1/agencies/{}/calendar-keys", [this](Call& c) {
    const std::string agency = c.params[0];
    if (!MayManageCalendar(c, agency)) return;
    auto j = JsonBody(c, {"name"});
    if (!j) return;
    auto name = Text(c, *j, "name", false);
    if (!name) return;
    const TokenRequest request{ActorRole::kAgency, agency, name->empty() ? "calendar" : *name,
                               std::string(kCalendarScope)};
    const Actor actor = c.actor;
    CreateToken(
        app_, request, actor,
        AnswerLater<Result<NewToken>>(post_, c, [this, agency](const Later& c, Result<NewToken> t) {
          if (!t.ok()) return c.Fail(FromStatus(t.status()));
          const std::string path = CalendarPath(agency) + "?key=" + t->token;
          json body = {{"id", t->record.id},
                       {"key", t->token},
                       {"agency", agency},
                       {"name", t->record.name},
                       {"path", path},
                       {"note", "shown once; only its hash is kept. Revoke it with DELETE."}};
          if (!options_.public_url.empty()) body["url"] = options_.public_url + path;
          c.Json(http::status::created, body);
        }));
  });
  Add(http::verb::get, "/v1/agencies/{}/calendar-keys", [this](Call& c) {
    const std::string agency = c.params[0];
    if (!MayManageCalendar(c, agency)) return;
    json items = json::array();
    app_.Read<TokenTable>([&](const Ledger&, const TokenTable& tokens) {
      for (const auto& [id, r] : tokens.all()) {
        if (r.scope != kCalendarScope || r.agency != agency) continue;
        items.push_back({{"id", id},
                         {"name", r.name},
                         {"created_at_ms", r.created_at_ms},
                         {"revoked", r.revoked}});
      }
    });
    c.Json(http::status::ok, {{"agency", agency}, {"items", std::move(items)}});
  });
  Add(http::verb::delete_, "/v1/agencies/{}/calendar-keys/{}", [this](Call& c) {
    const std::string agency = c.params[0];
    if (!MayManageCalendar(c, agency)) return;
    Revoke(c, c.params[1], "calendar key",
           [&](const TokenRecord& r) { return r.scope == kCalendarScope && r.agency == agency; });
  });

  // The feed itself: public as a route (calendar apps send no headers), but it answers only to a
  // valid key of this agency's. The key never reaches the request log (paths are logged without
  // their query).
  Add(
      http::verb::get, "/v1/agencies/{}/calendar.ics",
      [this](Call& c) {
        const std::string agency = c.params[0];
        const std::string key = c.query.count("key") ? c.query.at("key") : "";
        if (key.empty()) {
          return c.Fail(Unauthorized("a calendar feed needs ?key= (POST /v1/agencies/" + agency +
                                     "/calendar-keys makes one)"));
        }
        auto who = app_.Authenticate(key, kCalendarScope);
        if (!who || who->agency != agency) {
          return c.Fail(
              Unauthorized("the calendar key is not valid for this agency, or was revoked"));
        }
        if (OverRate(c, who->id, "this calendar key")) return;
        std::string body;
        const bool found = app_.Read([&](const Ledger& l) {
          const Agency* a = l.FindAgency(agency);
          if (a) body = AgencyCalendar(l, *a, Today(app_), app_.NowMs(), options_.calendar);
          return a != nullptr;
        });
        if (!found) return c.Fail(NotFound("no agency '" + agency + "'"));
        Response res{http::status::ok, c.req.version()};
        res.set(http::field::content_type, "text/calendar; charset=utf-8");
        res.set(http::field::content_disposition, "inline; filename=\"" + agency + ".ics\"");
        res.set(http::field::cache_control, "private, max-age=300");
        res.body() = std::move(body);
        c.reply(std::move(res));
      },
      {{"key", ParamKind::kText}}, /*public_route=*/true);
}

}  // namespace taskledger::server
