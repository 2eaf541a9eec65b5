#include "server/api_util.h"

#include <algorithm>

#include "domain/text.h"

namespace taskledger::server {

using nlohmann::json;

std::optional<json> JsonBody(const Call& c, const std::vector<std::string>& allowed) {
  const std::string& body = c.req.body();
  if (!domain::IsUtf8(body)) {
    c.Fail(BadRequest("the body is not valid UTF-8"));
    return std::nullopt;
  }
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    c.Fail(BadRequest("malformed JSON at byte " + std::to_string(e.byte) + ": " +
                       std::string(e.what()).substr(std::string(e.what()).find(':') + 2)));
    return std::nullopt;
  }
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
  return j;
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
    return required ? std::nullopt : std::optional<std::vector<std::string>>(std::vector<std::string>{});
  }
  const json& v = j[key];
  if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); })) {
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

}  // namespace taskledger::server
