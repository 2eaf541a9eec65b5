#include "domain/codec.h"

namespace taskledger::domain {

nlohmann::json ToJson(const Schedule& s) {
  nlohmann::json j = {{"text", s.text}, {"kind", ToString(s.kind)}};
  if (s.start) j["start"] = ToIso(*s.start);
  if (s.every != Period::kNone) j["every"] = ToString(s.every);
  if (s.until) j["until"] = ToIso(*s.until);
  if (!s.milestones.empty()) {
    j["milestones"] = nlohmann::json::array();
    for (const Milestone& m : s.milestones) {
      nlohmann::json x = {{"key", m.key}, {"due", ToIso(m.due)}};
      if (m.start) x["start"] = ToIso(*m.start);
      j["milestones"].push_back(std::move(x));
    }
  }
  return j;
}

nlohmann::json ToJson(const std::vector<OccurrenceSpec>& specs,
                      const std::vector<std::string>& targets) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < specs.size(); ++i) {
    nlohmann::json o = {{"key", specs[i].key}};
    if (specs[i].start) o["start"] = ToIso(*specs[i].start);
    if (specs[i].due) o["due"] = ToIso(*specs[i].due);
    if (i < targets.size() && !targets[i].empty()) o["target"] = targets[i];
    out.push_back(std::move(o));
  }
  return out;
}

nlohmann::json ToJson(const Agency& a) {
  nlohmann::json j = {{"id", a.id}, {"name", a.name}, {"kind", ToString(a.kind)}};
  if (!a.name_en.empty()) j["name_en"] = a.name_en;
  if (!a.parent.empty()) j["parent"] = a.parent;
  j["aliases"] = a.aliases;
  j["members"] = a.members;
  return j;
}

}  // namespace taskledger::domain
