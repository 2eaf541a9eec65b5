// AgencyResolver: the names in a matrix's lead and coordinating cells, as agency ids.
#include "domain/import_resolver.h"

#include <algorithm>

#include "domain/import_detail.h"
#include "domain/text.h"

namespace taskledger::domain::import_detail {

std::string RootOf(const Ledger& state, const std::string& id) {
  std::string at = id;
  for (int depth = 0; depth < 16; ++depth) {
    const Agency* a = state.FindAgency(at);
    if (!a || a->parent.empty()) break;
    at = a->parent;
  }
  return at;
}

AgencyResolver::AgencyResolver(const Ledger& state, std::string scope, const ImportOptions& options,
                               ImportPlan* out)
    : state_(state), scope_(std::move(scope)), options_(options), out_(out) {
  for (const auto& [name, id] : options.aliases) {
    if (!state.FindAgency(id)) {
      out_->problems.push_back(
          {0, "", "\"" + name + "\" is mapped to an unknown agency '" + id + "'"});
      continue;
    }
    aliases_[Fold(name)] = id;
  }
  for (const std::string& name : options.create) create_.insert(Fold(name));
}

std::vector<std::string> AgencyResolver::Resolve(int row, const char* column,
                                                 const std::string& cell,
                                                 std::vector<std::string>* unknown) {
  std::vector<std::string> ids;
  for (const std::string& name : SplitAgencyNames(state_, cell)) {
    if (Mapped(name, &ids) || Matched(row, column, name, &ids) ||
        Registered(row, column, name, &ids)) {
      continue;
    }
    if (unknown_seen_.insert(Fold(name)).second) out_->unknown_agencies.push_back(name);
    if (unknown) unknown->push_back(name);
    ImportProblem p{
        row, column,
        "unknown agency \"" + name + "\" (register it, or import with create_agencies=true)"};
    p.code = "import-unknown-agency";
    p.params = {{"agency", name}};
    out_->problems.push_back(std::move(p));
  }
  std::vector<std::string> unique;
  for (const std::string& id : ids) {
    if (std::find(unique.begin(), unique.end(), id) == unique.end()) unique.push_back(id);
  }
  return unique;
}

bool AgencyResolver::Mapped(const std::string& name, std::vector<std::string>* ids) {
  const auto a = aliases_.find(Fold(name));
  if (a == aliases_.end()) return false;
  ids->push_back(a->second);
  auto [it, fresh] = aliased_.try_emplace(a->second, *state_.FindAgency(a->second));
  Agency& agency = it->second;
  const bool known = std::any_of(agency.aliases.begin(), agency.aliases.end(),
                                 [&](const std::string& x) { return Fold(x) == a->first; }) ||
                     Fold(agency.name) == a->first;
  if (!known) {
    agency.aliases.push_back(name);
    out_->aliases_added.push_back(name + " -> " + a->second);
  }
  return true;
}

bool AgencyResolver::Matched(int row, const char* column, const std::string& name,
                             std::vector<std::string>* ids) {
  // Agencies under an authority belong to its plans; the same name elsewhere ("Sở Giáo dục và
  // Đào tạo" of another province) is not a match. Agencies without a parent serve every plan.
  // An agency of the plan's own authority is preferred to one without a parent.
  std::vector<std::string> own, everyone, elsewhere;
  for (const std::string& id : state_.MatchAgency(name)) {
    const std::string root = RootOf(state_, id);
    (root == id ? everyone : root == scope_ ? own : elsewhere).push_back(id);
  }
  const std::vector<std::string>& found = own.empty() ? everyone : own;
  if (found.empty() && !elsewhere.empty()) {
    out_->problems.push_back({row, column,
                              "\"" + name + "\" names an agency of another authority (" +
                                  elsewhere.front() + "), not of " + scope_});
    return true;
  }
  if (found.size() == 1) {
    ids->push_back(found.front());
  } else if (found.size() > 1) {
    ImportProblem p{row, column, "\"" + name + "\" matches several agencies"};
    p.code = "agency-ambiguous";
    p.params = {{"agency", name}};
    out_->problems.push_back(std::move(p));
  }
  return !found.empty();
}

bool AgencyResolver::Registered(int row, const char* column, const std::string& name,
                                std::vector<std::string>* ids) {
  if (auto known = new_agency_ids_.find(Fold(name)); known != new_agency_ids_.end()) {
    ids->push_back(known->second);
    return true;
  }
  if (!options_.create_unknown_agencies && !create_.count(Fold(name))) return false;
  std::string id = Slug(name);
  while (state_.FindAgency(id) || std::any_of(new_agency_ids_.begin(), new_agency_ids_.end(),
                                              [&](const auto& p) { return p.second == id; })) {
    id += "-2";
  }
  if (id.empty()) {
    out_->problems.push_back({row, column, "\"" + name + "\" is not an agency name"});
    return true;
  }
  new_agency_ids_[Fold(name)] = id;
  Agency a;
  a.id = id;
  a.name = name;
  a.kind = GuessKind(name);
  if (state_.FindAgency(scope_)) a.parent = scope_;
  new_agencies_.push_back(RegisterAgency{a, false});
  out_->new_agencies.push_back(id);
  ids->push_back(id);
  return true;
}

void AgencyResolver::AppendCommands(std::vector<Command>* commands) {
  for (auto& [id, agency] : aliased_) {
    if (agency.aliases != state_.FindAgency(id)->aliases) {
      commands->push_back(RegisterAgency{agency, true});
    }
  }
  for (Command& c : new_agencies_) commands->push_back(std::move(c));
  new_agencies_.clear();
}

}  // namespace taskledger::domain::import_detail
