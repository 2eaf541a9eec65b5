// Agency names in a matrix's cells resolved to agency ids, for one import (import.cpp). Private to
// domain/; callers use PlanImport (import.h).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/import.h"

namespace taskledger::domain::import_detail {

// Resolves each name of a cell, in this order: a name the caller mapped to an agency (recorded as
// that agency's alias unless it already is one); a name or alias of an agency of the plan's
// authority (its `parent` chain), else of one without a parent (ministries serve every plan) —
// one of another authority is a problem; a name this import has already registered; a new
// agency, when the caller asked for unknown names or this one to be created. Anything else is an
// unknown agency: a problem, and a name the preview lists. One per import: it remembers the
// names it has seen and the agencies it has made up. Not thread-safe.
class AgencyResolver {
 public:
  // `scope` is the root of the plan's authority ("ubnd-hp"). A name mapped to an unknown agency
  // is a problem at once, in `out->problems`; `out` receives all that follows as well and must
  // outlive the resolver.
  AgencyResolver(const Ledger& state, std::string scope, const ImportOptions& options,
                 ImportPlan* out);

  // The agency ids that `cell`, in file row `row` and column `column`, names: each once, in the
  // cell's order. Names left unresolved are appended to `unknown` when it is given.
  std::vector<std::string> Resolve(int row, const char* column, const std::string& cell,
                                   std::vector<std::string>* unknown);

  // What the names call for, to be decided before the tasks: agencies whose aliases grew (as
  // updates), then the agencies registered, in the order first named.
  void AppendCommands(std::vector<Command>* commands);

 private:
  // A name the caller mapped: its id, and the name kept as an alias.
  bool Mapped(const std::string& name, std::vector<std::string>* ids);
  // A name matched against the ledger's agencies within the plan's authority; false when none
  // matched (a name of another authority is a problem, and true).
  bool Matched(int row, const char* column, const std::string& name, std::vector<std::string>* ids);
  // A name registered as a new agency under the plan's authority, when that was asked for.
  bool Registered(int row, const char* column, const std::string& name,
                  std::vector<std::string>* ids);

  const Ledger& state_;
  const std::string scope_;
  const ImportOptions& options_;
  ImportPlan* out_;
  std::map<std::string, std::string> aliases_;         // folded name -> id, as the caller mapped
  std::set<std::string> create_;                       // folded names to register
  std::map<std::string, Agency> aliased_;              // id -> the agency with its new aliases
  std::map<std::string, std::string> new_agency_ids_;  // folded name -> id
  std::vector<Command> new_agencies_;                  // RegisterAgency, in the order named
  std::set<std::string> unknown_seen_;                 // folded names reported unknown
};

// The top of an agency's parent chain: the authority it belongs to ("ubnd-hp").
std::string RootOf(const Ledger& state, const std::string& id);

}  // namespace taskledger::domain::import_detail
