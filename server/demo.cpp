#include "server/demo.h"

#include <fstream>
#include <sstream>

#include "domain/import.h"
#include "domain/manifest.h"

namespace taskledger::server {

using namespace domain;

namespace {

Result<std::string> Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<std::string> LoadDemo(App& app, const std::string& dir) {
  const bool has_plans = app.Read([](const Ledger& l, const TokenTable&) { return !l.Plans().empty(); });
  if (has_plans) return std::string("demo: the store has plans already; nothing loaded");
  const Actor actor{ActorRole::kCoordinator, "", "demo"};
  auto agencies_text = Slurp(dir + "/agencies.json");
  if (!agencies_text.ok()) return agencies_text.status();
  auto agencies = ReadAgencies(*agencies_text);
  if (!agencies.ok()) return agencies.status();
  std::vector<Command> commands;
  for (const Agency& a : *agencies) {
    const bool known = app.Read([&](const Ledger& l, const TokenTable&) { return l.FindAgency(a.id) != nullptr; });
    if (!known) commands.push_back(RegisterAgency{a, false});
  }
  if (auto r = app.ExecuteAll(commands, actor); !r.ok()) return r.status();
  auto plans_text = Slurp(dir + "/plans.json");
  if (!plans_text.ok()) return plans_text.status();
  auto plans = ReadPlanManifests(*plans_text);
  if (!plans.ok()) return plans.status();
  int tasks = 0;
  for (const PlanManifest& m : *plans) {
    if (auto r = app.ExecuteAll({CreatePlan{m.plan}}, actor); !r.ok()) return r.status();
    auto matrix = Slurp(dir + "/" + m.matrix);
    if (!matrix.ok()) return matrix.status();
    std::vector<ImportProblem> problems;
    const auto rows = m.matrix.ends_with(".json") ? ReadMatrixJson(*matrix, &problems)
                                                  : ReadMatrixCsv(*matrix, &problems);
    ImportPlan plan = app.Read([&](const Ledger& l, const TokenTable&) {
      return PlanImport(l, m.plan.id, rows, ImportOptions{});
    });
    problems.insert(problems.end(), plan.problems.begin(), plan.problems.end());
    if (!problems.empty()) {
      return Status::InvalidArgument(m.matrix + " row " + std::to_string(problems[0].row) + " " +
                                     problems[0].column + ": " + problems[0].message);
    }
    if (auto r = app.ExecuteAll(plan.commands, actor); !r.ok()) return r.status();
    tasks += plan.tasks_created;
  }
  return "demo: " + std::to_string(agencies->size()) + " agencies, " +
         std::to_string(plans->size()) + " plans, " + std::to_string(tasks) + " tasks loaded";
}

}  // namespace taskledger::server
