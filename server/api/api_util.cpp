#include "server/api/api_util.h"

#include <algorithm>

#include "domain/text.h"
#include "server/api/messages.h"
#include "server/app/use_cases.h"
#include "server/http/strict_json.h"
#include "server/views/views.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string MediaType(std::string_view content_type) {
  return Lower(domain::Trim(content_type.substr(0, content_type.find(';'))));
}

bool IsJsonContentType(std::string_view content_type) {
  const std::string type = MediaType(content_type);
  if (type != "application/json" &&
      !(type.starts_with("application/") && type.ends_with("+json"))) {
    return false;
  }
  // JSON is UTF-8 (RFC 8259); a charset that says otherwise is a client's mistake.
  const std::string params =
      Lower(content_type.substr(std::min(content_type.size(), content_type.find(';'))));
  const size_t charset = params.find("charset=");
  if (charset == std::string::npos) return true;
  std::string_view value = std::string_view(params).substr(charset + 8);
  value = value.substr(0, value.find(';'));
  value = domain::Trim(value);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  return value == "utf-8" || value == "utf8";
}

std::optional<json> JsonBody(const Call& c, const std::vector<std::string>& allowed) {
  if (!IsJsonContentType(c.req[http::field::content_type])) {
    c.Fail(UnsupportedMediaType(c.req[http::field::content_type], "application/json"));
    return std::nullopt;
  }
  StrictJson parsed = ParseStrictJson(c.req.body());
  if (parsed.error) {
    c.Fail(BadRequest(parsed.error->message, parsed.error->field));
    return std::nullopt;
  }
  json& j = parsed.value;
  if (!j.is_object()) {
    c.Fail(BadRequest("the body must be a JSON object"));
    return std::nullopt;
  }
  Problem unknown = BadRequest("unknown fields");
  for (const auto& [k, v] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      unknown.errors.push_back({k, 0, {}, "unknown field"});
    }
  }
  if (!unknown.errors.empty()) {
    unknown.detail = "unknown field '" + unknown.errors.front().field + "'";
    c.Fail(unknown);
    return std::nullopt;
  }
  return std::move(j);
}

std::optional<int64_t> Integer(const Call& c, const json& j, const char* key, int64_t min,
                               int64_t max, std::string_view field) {
  std::optional<int64_t> v = j.contains(key) ? IntegerValue(j[key], min, max) : std::nullopt;
  if (!v) {
    const std::string name = field.empty() ? std::string(key) : std::string(field);
    c.Fail(BadRequest(
        name + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max),
        name));
  }
  return v;
}

std::optional<int64_t> IntegerValue(const json& v, int64_t min, int64_t max) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (max < 0 || u > static_cast<uint64_t>(max) || static_cast<int64_t>(u) < min) {
      return std::nullopt;
    }
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (i < min || i > max) return std::nullopt;
    return i;
  }
  return std::nullopt;
}

std::optional<std::string> Text(const Call& c, const json& j, const char* key, bool required) {
  if (!j.contains(key) || j[key].is_null()) {
    if (required) c.Fail(BadRequest(std::string(key) + " is required", key));
    return required ? std::nullopt : std::optional<std::string>("");
  }
  if (!j[key].is_string()) {
    c.Fail(BadRequest(std::string(key) + " must be a string", key));
    return std::nullopt;
  }
  return j[key].get<std::string>();
}

std::optional<std::vector<std::string>> TextList(const Call& c, const json& j, const char* key,
                                                 bool required) {
  if (!j.contains(key)) {
    if (required) c.Fail(BadRequest(std::string(key) + " is required", key));
    return required ? std::nullopt
                    : std::optional<std::vector<std::string>>(std::vector<std::string>{});
  }
  const json& v = j[key];
  if (!v.is_array() ||
      !std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); })) {
    c.Fail(BadRequest(std::string(key) + " must be a list of strings", key));
    return std::nullopt;
  }
  return v.get<std::vector<std::string>>();
}

bool LimitParam(const Call& c, size_t* limit, size_t* offset) {
  *limit = 100;
  *offset = 0;
  try {
    if (auto it = c.query.find("limit"); it != c.query.end()) {
      const long v = std::stol(it->second);
      if (v < 1 || v > static_cast<long>(kMaxPageLimit)) throw std::out_of_range("limit");
      *limit = static_cast<size_t>(v);
    }
    if (auto it = c.query.find("cursor"); it != c.query.end() && !it->second.empty()) {
      *offset = std::stoul(it->second);
    }
  } catch (const std::exception&) {
    c.Fail(BadRequest("limit must be 1-1000 and cursor a value from next_cursor", "limit"));
    return false;
  }
  return true;
}

bool DateParam(const Call& c, const char* name, std::optional<domain::Date>* out) {
  auto it = c.query.find(name);
  if (it == c.query.end() || it->second.empty()) return true;
  *out = domain::ParseIsoDate(it->second);
  if (!*out) {
    c.Fail(BadRequest(std::string(name) + " must be a date YYYY-MM-DD, not '" + it->second + "'",
                      name));
    return false;
  }
  return true;
}

domain::Date Today(const App& app) { return domain::DateAtUtcMs(app.NowMs()); }

bool CanSee(const Call& c, const domain::Ledger& l, const domain::Task& t) {
  if (c.who.role != domain::ActorRole::kAgency) return true;
  return l.RoleOf(c.who.agency, t).has_value();
}

std::optional<uint32_t> MemberViewer(const TokenRecord& who, const domain::Ledger& l,
                                     const domain::Task& t) {
  if (who.role != domain::ActorRole::kAgency || l.NamedIn(who.agency, t)) return std::nullopt;
  return l.AgencyNo(who.agency);
}

bool ReadsParts(const Call& c, const domain::Task& t) {
  if (c.who.role != domain::ActorRole::kAgency) return true;
  return std::find(t.lead.begin(), t.lead.end(), c.who.agency) != t.lead.end();
}

bool EventVisibleToMember(std::string_view agency, std::string_view type, std::string_view data) {
  // Cheap before exact: most events of a group's task name no part at all.
  if (data.find("\"part\"") == std::string_view::npos &&
      data.find("\"members\"") == std::string_view::npos &&
      !type.starts_with("task.notification_")) {
    return true;
  }
  const json j = json::parse(data, nullptr, false);
  if (!j.is_object()) return false;
  if (type == "task.parts_reminded") {
    const json& members = j.contains("members") ? j["members"] : json::array();
    return std::find(members.begin(), members.end(), json(agency)) != members.end();
  }
  if (type.starts_with("task.notification_")) return j.value("agency", "") == agency;
  if (j.contains("part")) return j["part"] == agency;
  return true;
}

PlanReach PlanAccess(const Call& c, const domain::Ledger& l, const domain::Plan& p) {
  if (c.who.role != domain::ActorRole::kAgency) return PlanReach::kAll;
  if (!l.Participates(c.who.agency, p)) return PlanReach::kNone;
  return p.open_to_participants ? PlanReach::kAll : PlanReach::kOwnTasks;
}

Problem NotParticipant(const std::string& plan) {
  return Forbidden("your agency has no task in plan '" + plan +
                   "'; a plan is read by its coordinators, auditors and participating agencies");
}

std::string VersionTag(uint64_t version) {
  std::string tag = "\"";
  tag += std::to_string(version);
  tag += '"';
  return tag;
}

bool RequireRole(const Call& c, std::initializer_list<domain::ActorRole> roles) {
  if (std::find(roles.begin(), roles.end(), c.who.role) != roles.end()) return true;
  std::string names;
  for (auto r : roles) names += (names.empty() ? "" : " or ") + std::string(domain::ToString(r));
  c.Fail(Forbidden("this needs a " + names + " token"));
  return false;
}

void RunCommand(App& app, const std::function<void(std::function<void()>)>& post, Call& c,
                domain::Command command, std::string task_id) {
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
  const Language lang = PreferredLanguage(c.req[http::field::accept_language]);
  const auto answer = [&app, reply = c.reply, version, lang, task_id,
                       viewer = c.who](Result<CommandOutcome> r) {
    if (!r.ok()) {
      Problem p = FromStatus(r.status());
      Localize(p, lang);
      return reply(p.ToResponse(version));
    }
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
      app.Read([&](const Ledger& l) {
        if (const Task* t = l.FindTask(task_id)) {
          w.Key("task");
          WriteTask(w, *t, Today(app), true, nullptr, MemberViewer(viewer, l, *t));
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

namespace {

std::optional<std::vector<int>> IntList(const Call& c, const json& j, const char* key,
                                        const char* field) {
  if (!j.contains(key)) return std::vector<int>{};
  const json& v = j[key];
  std::vector<int> out;
  for (const json& x : v.is_array() ? v : json::array({nullptr})) {
    const auto day = IntegerValue(x, 0, 365);
    if (!day) {
      c.Fail(BadRequest(std::string(field) + " must be a list of whole numbers of days (0-365)",
                        field));
      return std::nullopt;
    }
    out.push_back(static_cast<int>(*day));
  }
  return out;
}

}  // namespace

bool ReminderPolicyMember(const Call& c, const json& j, const char* key,
                          std::optional<webhooks::ReminderPolicy>& own, bool& server) {
  if (!j.contains(key)) return true;
  const json& r = j[key];
  const std::string name = key;
  if (r.is_null()) {
    server = true;
    return true;
  }
  if (!r.is_object()) {
    c.Fail(BadRequest(name + " must be an object {days_before, overdue_every_days, hour} or null",
                      name));
    return false;
  }
  for (const auto& [k, v] : r.items()) {
    if (k != "days_before" && k != "overdue_every_days" && k != "hour") {
      c.Fail(BadRequest(name + ": unknown field '" + k + "'", name + "." + k));
      return false;
    }
  }
  webhooks::ReminderPolicy p;
  const std::string days_field = name + ".days_before";
  auto days = IntList(c, r, "days_before", days_field.c_str());
  if (!days) return false;
  if (r.contains("days_before")) p.days_before = *days;
  for (auto [sub, out] :
       {std::pair{"overdue_every_days", &p.overdue_every_days}, std::pair{"hour", &p.hour}}) {
    if (!r.contains(sub)) continue;
    const auto v =
        Integer(c, r, sub, 0, sub == std::string_view("hour") ? 23 : 365, name + "." + sub);
    if (!v) return false;
    *out = static_cast<int>(*v);
  }
  own = p;
  return true;
}

std::optional<Date> DateMember(const Call& c, const json& j, const char* key, bool required) {
  auto text = Text(c, j, key, required);
  if (!text) return std::nullopt;
  if (text->empty() && !required) return Date{};
  auto d = ParseIsoDate(*text);
  if (!d) c.Fail(BadRequest(std::string(key) + " must be a date YYYY-MM-DD", key));
  return d;
}

void AnswerAfter(Call& c, const std::function<void()>& fn) {
  std::optional<Response> answer;
  Reply send = std::exchange(c.reply, [&answer](Response r) { answer = std::move(r); });
  try {
    fn();
  } catch (...) {
    c.reply = std::move(send);
    throw;
  }
  c.reply = std::move(send);
  if (answer) c.reply(std::move(*answer));
}

}  // namespace taskledger::server
