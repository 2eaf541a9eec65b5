#include "domain/manifest.h"

#include <nlohmann/json.hpp>

namespace taskledger::domain {
namespace {

using nlohmann::json;

std::string Text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> Texts(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const json& x : *it) {
    if (x.is_string()) out.push_back(x.get<std::string>());
  }
  return out;
}

Status At(size_t i, std::string_view field, std::string_view what) {
  std::string message = "[";
  message += std::to_string(i);
  message += "].";
  message += field;
  message += ": ";
  message += what;
  return Status::InvalidArgument(std::move(message));
}

}  // namespace

Result<std::vector<Agency>> ReadAgencies(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return Status::InvalidArgument("agencies: expected a JSON array");
  std::vector<Agency> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const json& a = j[i];
    if (!a.is_object()) return At(i, "", "expected an object");
    Agency ag;
    ag.id = Text(a, "id");
    ag.name = Text(a, "name");
    ag.name_en = Text(a, "name_en");
    const auto kind = ParseAgencyKind(Text(a, "kind").empty() ? "department" : Text(a, "kind"));
    if (!kind) return At(i, "kind", "is not department, committee, institution or group");
    ag.kind = *kind;
    ag.parent = Text(a, "parent");
    ag.aliases = Texts(a, "aliases");
    ag.members = Texts(a, "members");
    if (ag.id.empty()) return At(i, "id", "is required");
    if (ag.name.empty()) return At(i, "name", "is required");
    out.push_back(std::move(ag));
  }
  return out;
}

Result<std::vector<PlanManifest>> ReadPlanManifests(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return Status::InvalidArgument("plans: expected a JSON array");
  std::vector<PlanManifest> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const json& p = j[i];
    if (!p.is_object()) return At(i, "", "expected an object");
    PlanManifest m;
    m.plan.id = Text(p, "id");
    m.plan.title = Text(p, "title");
    m.plan.number = Text(p, "number");
    m.plan.authority = Text(p, "authority");
    if (!Text(p, "issued").empty()) {
      m.plan.issued = ParseIsoDate(Text(p, "issued"));
      if (!m.plan.issued) return At(i, "issued", "is not a YYYY-MM-DD date");
    }
    const json period = p.value("period", json::object());
    const auto start = ParseIsoDate(Text(period, "start"));
    const auto end = ParseIsoDate(Text(period, "end"));
    if (!start || !end) return At(i, "period", "needs start and end as YYYY-MM-DD");
    m.plan.period = {*start, *end};
    m.plan.targets = Texts(p, "targets");
    m.matrix = Text(p, "matrix");
    if (m.plan.id.empty()) return At(i, "id", "is required");
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace taskledger::domain
