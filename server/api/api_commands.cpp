// Write routes: every one decides a domain command as the caller and answers once its events are
// durable and folded. If-Match (the task's version, from its ETag) and Idempotency-Key apply.
#include "domain/csv.h"
#include "domain/import.h"
#include "domain/text.h"
#include "events/util/sha256.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/app/use_cases.h"
#include "server/http/multipart.h"
#include "server/views/views.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

// Runs `command` and answers 201 with the task (or `view` of the outcome) when it is durable.
// The answer is written on `post`'s thread, not on the store's notifier thread that reports the
// outcome.
void Run(App& app, const std::function<void(std::function<void()>)>& post, Call& c, Command command,
         std::string task_id = {}) {
  CommandOptions o;
  o.token_id = c.who.id;
  o.idempotency_key = std::string(c.req["Idempotency-Key"]);
  if (!o.idempotency_key.empty()) {
    o.fingerprint = std::string(c.req.method_string()) + " " + c.path + "\n" + c.req.body();
  }
  if (auto m = c.req[http::field::if_match]; !m.empty()) {
    std::string v(m);
    std::erase(v, '"');
    try {
      o.if_match = std::stoull(v);
    } catch (const std::exception&) {
      return c.Fail(BadRequest("If-Match must be the task's ETag (its version)", "If-Match"));
    }
  }
  const unsigned version = c.req.version();
  const auto answer = [&app, reply = c.reply, version, task_id](Result<CommandOutcome> r) {
    if (!r.ok()) return reply(FromStatus(r.status()).ToResponse(version));
    Response res{r->replayed ? http::status::ok : http::status::created, version};
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.set(http::field::etag, VersionTag(r->version));
    if (r->replayed) res.set("Idempotent-Replayed", "true");
    JsonWriter w(&res.body());
    w.BeginObject()
        .Field("stream", r->stream)
        .Key("positions")
        .BeginArray()
        .Int(static_cast<int64_t>(r->first_position))
        .Int(static_cast<int64_t>(r->last_position))
        .EndArray()
        .Field("version", r->version)
        .Field("replayed", r->replayed)
        .Field("warnings", r->warnings);
    if (!task_id.empty()) {
      app.Read([&](const Ledger& l, const TokenTable&) {
        if (const Task* t = l.FindTask(task_id)) {
          w.Key("task");
          WriteTask(w, *t, Today(app), true);
        }
      });
    }
    w.EndObject();
    reply(std::move(res));
  };
  app.Execute(std::move(command), c.actor, std::move(o), [&post, answer](Result<CommandOutcome> r) {
    post([answer, r = std::move(r)]() mutable { answer(std::move(r)); });
  });
}

std::optional<Date> DateMember(const Call& c, const json& j, const char* key, bool required) {
  auto text = Text(c, j, key, required);
  if (!text) return std::nullopt;
  if (text->empty() && !required) return Date{};
  auto d = ParseIsoDate(*text);
  if (!d) c.Fail(BadRequest(std::string(key) + " must be a date YYYY-MM-DD", key));
  return d;
}

}  // namespace

void Api::AddCommandRoutes() {
  Add(http::verb::post, "/v1/agencies", [this](Call& c) {
    auto j = JsonBody(c, {"id", "name", "name_en", "kind", "parent", "aliases", "members"});
    if (!j) return;
    Agency a;
    auto id = Text(c, *j, "id", true), name = Text(c, *j, "name", true);
    auto name_en = Text(c, *j, "name_en", false), kind = Text(c, *j, "kind", false);
    auto parent = Text(c, *j, "parent", false);
    if (!id || !name || !name_en || !kind || !parent) return;
    auto aliases = TextList(c, *j, "aliases", false), members = TextList(c, *j, "members", false);
    if (!aliases || !members) return;
    a.id = *id;
    a.name = *name;
    a.name_en = *name_en;
    a.parent = *parent;
    a.aliases = *aliases;
    a.members = *members;
    if (!kind->empty()) {
      auto k = ParseAgencyKind(*kind);
      if (!k)
        return c.Fail(
            BadRequest("kind must be department, committee, institution or group", "kind"));
      a.kind = *k;
    }
    Run(app_, post_, c, RegisterAgency{a, false});
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
    if (!j->contains("period") || !(*j)["period"].is_object()) {
      return c.Fail(BadRequest(
          "period must be {\"start\": \"YYYY-MM-DD\", \"end\": \"YYYY-MM-DD\"}", "period"));
    }
    auto start = DateMember(c, (*j)["period"], "start", true);
    if (!start) return;
    auto end = DateMember(c, (*j)["period"], "end", true);
    if (!end) return;
    p.id = *id;
    p.title = *title;
    p.number = *number;
    p.authority = *authority;
    if (*issued != Date{}) p.issued = *issued;
    p.period = {*start, *end};
    p.targets = *targets;
    if (j->contains("open_to_participants")) {
      if (!(*j)["open_to_participants"].is_boolean()) {
        return c.Fail(
            BadRequest("open_to_participants must be true or false", "open_to_participants"));
      }
      p.open_to_participants = (*j)["open_to_participants"].get<bool>();
    }
    Run(app_, post_, c, CreatePlan{p});
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
    Run(app_, post_, c,
        SetPlanVisibility{c.params[0], (*j)["open_to_participants"].get<bool>(), *reason});
  });

  Add(http::verb::post, "/v1/tokens", [this](Call& c) {
    if (!RequireRole(c, {ActorRole::kCoordinator})) return;
    auto j = JsonBody(c, {"role", "agency", "name"});
    if (!j) return;
    auto role = Text(c, *j, "role", true), agency = Text(c, *j, "agency", false),
         name = Text(c, *j, "name", false);
    if (!role || !agency || !name) return;
    auto r = ParseRole(*role);
    if (!r) return c.Fail(BadRequest("role must be coordinator, agency or auditor", "role"));
    auto t = CreateToken(app_, {*r, *agency, *name, ""}, c.actor);
    if (!t.ok()) return c.Fail(FromStatus(t.status()));
    c.Json(http::status::created, {{"id", t->record.id},
                                   {"token", t->token},
                                   {"role", *role},
                                   {"agency", *agency},
                                   {"note", "shown once; only its hash is kept"}});
  });

  Add(http::verb::get, "/v1/tokens", [this](Call& c) {
    if (!RequireRole(c, {ActorRole::kCoordinator})) return;
    json items = json::array();
    app_.Read([&](const Ledger&, const TokenTable& t) {
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

  // Commands on a task's occurrence. `occurrence` defaults to the task's only one.
  const auto occurrence = [this](const Call& c, const json& j) -> std::optional<std::string> {
    auto key = Text(c, j, "occurrence", false);
    if (!key) return std::nullopt;
    if (!key->empty()) return key;
    auto only = app_.Read([&](const Ledger& l, const TokenTable&) -> std::optional<std::string> {
      const Task* t = l.FindTask(c.params[0]);
      if (!t) return std::string("1");  // Decide will say the task does not exist
      std::vector<std::string> open;
      for (const Occurrence& o : t->occurrences)
        if (o.open()) open.push_back(o.key);
      if (open.size() == 1) return open.front();
      return std::nullopt;
    });
    if (!only)
      c.Fail(BadRequest("this task has several open occurrences; say which", "occurrence"));
    return only;
  };

  Add(http::verb::post, "/v1/tasks/{}/status", [this, occurrence](Call& c) {
    auto j = JsonBody(c, {"occurrence", "status", "reason"});
    if (!j) return;
    auto status = Text(c, *j, "status", true), reason = Text(c, *j, "reason", false);
    if (!status || !reason) return;
    auto occ = occurrence(c, *j);
    if (!occ) return;
    if (*status == "in_progress")
      return Run(app_, post_, c, StartWork{c.params[0], *occ}, c.params[0]);
    if (*status == "cancelled")
      return Run(app_, post_, c, CancelOccurrence{c.params[0], *occ, *reason}, c.params[0]);
    c.Fail(
        BadRequest("status must be in_progress or cancelled (completion is a review of a "
                   "deliverable)",
                   "status"));
  });
  Add(http::verb::post, "/v1/tasks/{}/progress", [this, occurrence](Call& c) {
    auto j = JsonBody(c, {"occurrence", "percent", "narrative", "indicators"});
    if (!j) return;
    const auto percent = Integer(c, *j, "percent", 0, 100);
    if (!percent) return;
    auto narrative = Text(c, *j, "narrative", false);
    if (!narrative) return;
    if (j->contains("indicators") && !(*j)["indicators"].is_object()) {
      return c.Fail(BadRequest("indicators must be an object", "indicators"));
    }
    auto occ = occurrence(c, *j);
    if (!occ) return;
    ReportProgress cmd{c.params[0], *occ, static_cast<int>(*percent), *narrative,
                       j->contains("indicators") ? (*j)["indicators"].dump() : "{}"};
    Run(app_, post_, c, cmd, c.params[0]);
  });
  // A deliverable: JSON metadata (the file is elsewhere), or multipart/form-data with the file
  // itself (part "file", up to 20 MiB), stored by its SHA-256 before the event is appended.
  Add(http::verb::post, "/v1/tasks/{}/deliverables", [this, occurrence](Call& c) {
    Deliverable d;
    std::string occ_key;
    if (auto boundary = MultipartBoundary(c.req[http::field::content_type])) {
      auto parts = ParseMultipart(c.req.body(), *boundary);
      if (!parts.ok()) return c.Fail(BadRequest(parts.status().message()));
      json fields = json::object();
      const FormPart* file = nullptr;
      for (const FormPart& p : *parts) {
        if (p.name == "file") {
          file = &p;
        } else if (p.name == "occurrence" || p.name == "id" || p.name == "note" ||
                   p.name == "name") {
          fields[p.name] = std::string(p.data);
        } else {
          return c.Fail(BadRequest(
              "unknown part '" + p.name + "' (file, name, note, occurrence, id)", p.name));
        }
      }
      if (!file) return c.Fail(BadRequest("the form has no 'file' part", "file"));
      if (file->data.empty()) return c.Fail(BadRequest("the file is empty", "file"));
      for (const auto& [k, v] : fields.items()) {
        if (!domain::IsUtf8(v.get<std::string>()))
          return c.Fail(BadRequest(k + " is not UTF-8", k));
      }
      const std::string name = fields.value("name", file->filename);
      if (name.empty() || !domain::IsUtf8(name)) {
        return c.Fail(
            BadRequest("the file part needs a UTF-8 filename (or send a 'name' part)", "file"));
      }
      auto o = occurrence(c, fields);
      if (!o) return;
      occ_key = *o;
      // Refuse before storing anything if the command cannot succeed for this caller.
      const bool visible = app_.Read([&](const Ledger& l, const TokenTable&) {
        const Task* t = l.FindTask(c.params[0]);
        return t && CanSee(c, l, *t);
      });
      if (!visible) return c.Fail(NotFound("no task '" + c.params[0] + "' of yours"));
      auto sha = app_.files().Put(file->data);
      if (!sha.ok()) return c.Fail(FromStatus(sha.status()));
      d.id = fields.value("id", std::string());
      d.name = name;
      d.sha256 = *sha;
      d.size = static_cast<int64_t>(file->data.size());
      d.note = fields.value("note", std::string());
    } else {
      if (!IsJsonContentType(c.req[http::field::content_type])) {
        return c.Fail(UnsupportedMediaType(c.req[http::field::content_type],
                                           "multipart/form-data (a file) or application/json"));
      }
      auto j = JsonBody(c, {"occurrence", "id", "name", "sha256", "size", "note"});
      if (!j) return;
      auto id = Text(c, *j, "id", false), name = Text(c, *j, "name", true),
           sha = Text(c, *j, "sha256", false), note = Text(c, *j, "note", false);
      if (!id || !name || !sha || !note) return;
      std::optional<int64_t> size = 0;
      if (j->contains("size")) size = Integer(c, *j, "size", 0, INT64_MAX);
      if (!size) return;
      auto o = occurrence(c, *j);
      if (!o) return;
      occ_key = *o;
      d.id = *id;
      d.name = *name;
      d.sha256 = *sha;
      d.size = *size;
      d.note = *note;
    }
    if (d.id.empty()) d.id = Uuid::NewV7(app_.NowMs()).ToString();
    Run(app_, post_, c, SubmitDeliverable{c.params[0], occ_key, d}, c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/deliverables/{}/review", [this, occurrence](Call& c) {
    auto j = JsonBody(c, {"occurrence", "decision", "comment"});
    if (!j) return;
    auto decision = Text(c, *j, "decision", true), comment = Text(c, *j, "comment", false);
    if (!decision || !comment) return;
    if (*decision != "accepted" && *decision != "returned") {
      return c.Fail(BadRequest("decision must be accepted or returned", "decision"));
    }
    auto occ = occurrence(c, *j);
    if (!occ) return;
    Run(app_, post_, c,
        ReviewDeliverable{c.params[0], *occ, c.params[1], *decision == "accepted", *comment},
        c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/assignment", [this](Call& c) {
    auto j = JsonBody(c, {"lead", "coordinating", "reason"});
    if (!j) return;
    auto lead = TextList(c, *j, "lead", true),
         coordinating = TextList(c, *j, "coordinating", false);
    auto reason = Text(c, *j, "reason", true);
    if (!lead || !coordinating || !reason) return;
    Run(app_, post_, c, Reassign{c.params[0], *lead, *coordinating, *reason}, c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/deadline", [this](Call& c) {
    auto j = JsonBody(c, {"deadline", "reason"});
    if (!j) return;
    auto deadline = Text(c, *j, "deadline", true), reason = Text(c, *j, "reason", true);
    if (!deadline || !reason) return;
    Run(app_, post_, c, ChangeDeadline{c.params[0], *deadline, *reason}, c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/extension-requests", [this, occurrence](Call& c) {
    auto j = JsonBody(c, {"occurrence", "id", "due", "reason"});
    if (!j) return;
    auto id = Text(c, *j, "id", false), reason = Text(c, *j, "reason", true);
    if (!id || !reason) return;
    auto due = DateMember(c, *j, "due", true);
    if (!due) return;
    auto occ = occurrence(c, *j);
    if (!occ) return;
    const std::string rid = id->empty() ? Uuid::NewV7(app_.NowMs()).ToString() : *id;
    Run(app_, post_, c, RequestExtension{c.params[0], *occ, rid, *due, *reason}, c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/extension-requests/{}/decision", [this, occurrence](Call& c) {
    auto j = JsonBody(c, {"occurrence", "decision", "due", "comment"});
    if (!j) return;
    auto decision = Text(c, *j, "decision", true), comment = Text(c, *j, "comment", false);
    if (!decision || !comment) return;
    if (*decision != "granted" && *decision != "refused") {
      return c.Fail(BadRequest("decision must be granted or refused", "decision"));
    }
    auto due = DateMember(c, *j, "due", false);
    if (!due) return;
    auto occ = occurrence(c, *j);
    if (!occ) return;
    DecideExtension cmd{c.params[0],
                        *occ,
                        c.params[1],
                        *decision == "granted",
                        *due == Date{} ? std::nullopt : std::optional<Date>(*due),
                        *comment};
    Run(app_, post_, c, cmd, c.params[0]);
  });
  Add(http::verb::post, "/v1/tasks/{}/comments", [this](Call& c) {
    auto j = JsonBody(c, {"occurrence", "text"});
    if (!j) return;
    auto text = Text(c, *j, "text", true), occ = Text(c, *j, "occurrence", false);
    if (!text || !occ) return;
    Run(app_, post_, c, AddComment{c.params[0], *occ, *text}, c.params[0]);
  });
}

}  // namespace taskledger::server
