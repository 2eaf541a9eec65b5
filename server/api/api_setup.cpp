// Set-up routes, what a coordinator does before work starts: agencies (and groups), plans, and
// the tokens agencies sign in with (each with a printable sign-in sheet).
#include "server/api/api.h"
#include "server/api/api_channels.h"
#include "server/api/api_util.h"
#include "server/app/use_cases.h"
#include "server/views/qr.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

// Whether `url` names this machine: localhost, 127.x or ::1 (a sheet that only this machine can
// open).
bool IsLoopbackUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string_view host = url.substr(scheme + 3);
  host = host.substr(0, host.find_first_of("/?#"));
  if (host.starts_with("[")) return host.starts_with("[::1]");
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host.starts_with("127.") || host.ends_with(".localhost");
}

// The agency a POST or PUT body describes; a problem sent and nullopt when a member is wrong.
std::optional<Agency> AgencyFromBody(const Call& c, const json& j, const std::string& id) {
  auto name = Text(c, j, "name", true), name_en = Text(c, j, "name_en", false),
       kind = Text(c, j, "kind", false), parent = Text(c, j, "parent", false);
  if (!name || !name_en || !kind || !parent) return std::nullopt;
  auto aliases = TextList(c, j, "aliases", false), members = TextList(c, j, "members", false);
  if (!aliases || !members) return std::nullopt;
  Agency a;
  a.id = id;
  a.name = *name;
  a.name_en = *name_en;
  a.parent = *parent;
  a.aliases = *aliases;
  a.members = *members;
  if (!kind->empty()) {
    auto k = ParseAgencyKind(*kind);
    if (!k) {
      c.Fail(BadRequest("kind must be department, committee, institution or group", "kind"));
      return std::nullopt;
    }
    a.kind = *k;
  }
  return a;
}

// A plan's {"period": {"start", "end"}}; a problem sent and nullopt when it is not one.
std::optional<PlanPeriod> Period(const Call& c, const json& j) {
  if (!j.contains("period") || !j["period"].is_object()) {
    c.Fail(BadRequest("period must be {\"start\": \"YYYY-MM-DD\", \"end\": \"YYYY-MM-DD\"}",
                      "period"));
    return std::nullopt;
  }
  auto start = DateMember(c, j["period"], "start", true);
  if (!start) return std::nullopt;
  auto end = DateMember(c, j["period"], "end", true);
  if (!end) return std::nullopt;
  return PlanPeriod{*start, *end};
}

}  // namespace

void Api::AddSetupRoutes() {
  Add(http::verb::post, "/v1/agencies", [this](Call& c) {
    auto j = JsonBody(c, {"id", "name", "name_en", "kind", "parent", "aliases", "members"});
    if (!j) return;
    auto id = Text(c, *j, "id", true);
    if (!id) return;
    if (auto a = AgencyFromBody(c, *j, *id)) RunCommand(app_, post_, c, RegisterAgency{*a, false});
  });
  // An agency's record replaced whole (name, kind, parent, aliases, a group's members).
  // "effective_on" (with a "reason"): a group's members changed on that past day (a school
  // merged in March, recorded in May holds its parts from March).
  Add(http::verb::put, "/v1/agencies/{}", [this](Call& c) {
    auto j = JsonBody(c, {"id", "name", "name_en", "kind", "parent", "aliases", "members",
                          "effective_on", "reason"});
    if (!j) return;
    if (j->contains("id") && (*j)["id"] != c.params[0]) {
      return c.Fail(BadRequest("id cannot change; register a new agency instead", "id"));
    }
    auto effective_on = DateMember(c, *j, "effective_on", false);
    auto reason = Text(c, *j, "reason", false);
    if (!effective_on || !reason) return;
    if (auto a = AgencyFromBody(c, *j, c.params[0])) {
      RegisterAgency cmd{*a, true};
      if (*effective_on != Date{}) cmd.effective_on = *effective_on;
      cmd.reason = *reason;
      RunCommand(app_, post_, c, cmd);
    }
  });

  Add(http::verb::post, "/v1/plans", [this](Call& c) {
    auto j = JsonBody(c, {"id", "title", "number", "authority", "issued", "period", "targets",
                          "open_to_participants"});
    if (!j) return;
    Plan p;
    auto id = Text(c, *j, "id", true), title = Text(c, *j, "title", true);
    auto number = Text(c, *j, "number", false), authority = Text(c, *j, "authority", false);
    if (!id || !title || !number || !authority) return;
    auto targets = TextList(c, *j, "targets", false);
    if (!targets) return;
    auto issued = DateMember(c, *j, "issued", false);
    if (!issued) return;
    auto period = Period(c, *j);
    if (!period) return;
    p.id = *id;
    p.title = *title;
    p.number = *number;
    p.authority = *authority;
    if (*issued != Date{}) p.issued = *issued;
    p.period = *period;
    p.targets = *targets;
    if (j->contains("open_to_participants")) {
      if (!(*j)["open_to_participants"].is_boolean()) {
        return c.Fail(
            BadRequest("open_to_participants must be true or false", "open_to_participants"));
      }
      p.open_to_participants = (*j)["open_to_participants"].get<bool>();
    }
    RunCommand(app_, post_, c, CreatePlan{p});
  });

  // Corrects a plan's particulars: only the members given change.
  Add(http::verb::patch, "/v1/plans/{}", [this](Call& c) {
    auto j = JsonBody(c, {"title", "number", "authority", "issued", "period", "reason"});
    if (!j) return;
    EditPlan e;
    e.plan = c.params[0];
    for (auto [key, out] :
         {std::pair{"title", &e.title}, {"number", &e.number}, {"authority", &e.authority}}) {
      if (!j->contains(key)) continue;
      auto v = Text(c, *j, key, true);
      if (!v) return;
      *out = *v;
    }
    auto reason = Text(c, *j, "reason", false);
    if (!reason) return;
    e.reason = *reason;
    if (j->contains("issued")) {
      auto issued = DateMember(c, *j, "issued", true);
      if (!issued) return;
      e.issued = *issued;
    }
    if (j->contains("period")) {
      e.period = Period(c, *j);
      if (!e.period) return;
    }
    RunCommand(app_, post_, c, std::move(e));
  });

  Add(http::verb::post, "/v1/plans/{}/visibility", [this](Call& c) {
    auto j = JsonBody(c, {"open_to_participants", "reason"});
    if (!j) return;
    if (!j->contains("open_to_participants") || !(*j)["open_to_participants"].is_boolean()) {
      return c.Fail(
          BadRequest("open_to_participants must be true or false", "open_to_participants"));
    }
    auto reason = Text(c, *j, "reason", true);
    if (!reason) return;
    RunCommand(app_, post_, c,
               SetPlanVisibility{c.params[0], (*j)["open_to_participants"].get<bool>(), *reason});
  });

  Add(http::verb::post, "/v1/tokens", [this](Call& c) {
    if (!RequireRole(c, {ActorRole::kCoordinator})) return;
    auto j = JsonBody(c, {"role", "agency", "name", "dashboard_url"});
    if (!j) return;
    auto role = Text(c, *j, "role", true), agency = Text(c, *j, "agency", false),
         name = Text(c, *j, "name", false), dashboard = Text(c, *j, "dashboard_url", false);
    if (!role || !agency || !name || !dashboard) return;
    auto r = ParseRole(*role);
    if (!r) return c.Fail(BadRequest("role must be coordinator, agency or auditor", "role"));
    // The address agencies open: the server's public one when it has it and the page was
    // opened on this machine (a coordinator at the server's console), else the page's own.
    std::string base = dashboard->empty() ? options_.public_url : *dashboard;
    if (!base.empty() && !base.starts_with("https://") && !base.starts_with("http://")) {
      return c.Fail(BadRequest("dashboard_url must be an http(s) address", "dashboard_url"));
    }
    if (IsLoopbackUrl(base) && !options_.public_url.empty()) base = options_.public_url;
    json warnings = json::array();
    if (IsLoopbackUrl(base)) {
      warnings.push_back(
          {{"code", "sign-in-loopback"},
           {"detail", "the sign-in link points at this machine (" + base +
                          "): other devices cannot open it; start the server with --public-url "
                          "and the address agencies reach it at"}});
    }
    const Actor actor = c.actor;
    CreateToken(app_, {*r, *agency, *name, ""}, actor,
                AnswerLater<Result<NewToken>>(
                    post_, c,
                    [role = *role, agency = *agency, name = *name, base, warnings](
                        const Later& c, Result<NewToken> t) mutable {
                      if (!t.ok()) return c.Fail(FromStatus(t.status()));
                      json body = {
                          {"id", t->record.id}, {"token", t->token},
                          {"role", role},       {"agency", agency},
                          {"name", name},       {"note", "shown once; only its hash is kept"}};
                      // The sign-in sheet: the dashboard's address with the token in its fragment
                      // (which browsers never send to a server), also as a QR code for a phone.
                      if (!base.empty()) {
                        if (!base.ends_with('/')) base += '/';
                        const std::string url = base + "#/signin/" + t->token;
                        body["sign_in"] = {{"dashboard", base}, {"url", url}};
                        if (auto qr = EncodeQr(url); qr.ok()) {
                          body["sign_in"]["qr"] = {{"size", qr->size}, {"rows", qr->rows}};
                        }
                        body["sign_in"]["warnings"] = std::move(warnings);
                      }
                      c.Json(http::status::created, body);
                    }));
  });

  Add(http::verb::get, "/v1/tokens", [this](Call& c) {
    if (!RequireRole(c, {ActorRole::kCoordinator})) return;
    json items = json::array();
    app_.Read<TokenTable>([&](const Ledger&, const TokenTable& t) {
      for (const auto& [id, r] : t.all()) {
        items.push_back({{"id", id},
                         {"role", ToString(r.role)},
                         {"agency", r.agency},
                         {"name", r.name},
                         {"scope", r.scope.empty() ? "api" : r.scope},
                         {"created_at_ms", r.created_at_ms},
                         {"revoked", r.revoked}});
      }
    });
    c.Json(http::status::ok, {{"items", std::move(items)}});
  });
  Add(http::verb::delete_, "/v1/tokens/{}", [this](Call& c) {
    if (!RequireRole(c, {ActorRole::kCoordinator})) return;
    Revoke(c, c.params[0], "token", [](const TokenRecord&) { return true; });
  });
}

}  // namespace taskledger::server
