#include "server/app/demo.h"

#include "domain/import.h"
#include "domain/manifest.h"
#include "server/app/file_store.h"

namespace taskledger::server {

using namespace domain;

Result<std::string> LoadDemo(App& app, const std::string& dir) {
  const bool has_plans = app.Read([](const Ledger& l) { return !l.Plans().empty(); });
  if (has_plans) return std::string("demo: the store has plans already; nothing loaded");
  const Actor actor{ActorRole::kCoordinator, "", "demo"};
  auto agencies_text = ReadWholeFile(dir + "/agencies.json");
  if (!agencies_text.ok()) return agencies_text.status();
  auto agencies = ReadAgencies(*agencies_text);
  if (!agencies.ok()) return agencies.status();
  std::vector<Command> commands;
  for (const Agency& a : *agencies) {
    const bool known = app.Read([&](const Ledger& l) { return l.FindAgency(a.id) != nullptr; });
    if (!known) commands.push_back(RegisterAgency{a, false});
  }
  if (auto r = app.ExecuteAll(commands, actor); !r.ok()) return r.status();
  auto plans_text = ReadWholeFile(dir + "/plans.json");
  if (!plans_text.ok()) return plans_text.status();
  auto plans = ReadPlanManifests(*plans_text);
  if (!plans.ok()) return plans.status();
  int tasks = 0;
  for (const PlanManifest& m : *plans) {
    if (auto r = app.ExecuteAll({CreatePlan{m.plan}}, actor); !r.ok()) return r.status();
    auto matrix = ReadWholeFile(dir + "/" + m.matrix);
    if (!matrix.ok()) return matrix.status();
    const MatrixFormat format =
        m.matrix.ends_with(".json") ? MatrixFormat::kJson : MatrixFormat::kCsv;
    const ImportPlan plan = app.Read([&](const Ledger& l) {
      return PlanImportText(l, m.plan.id, *matrix, format, ImportOptions{});
    });
    if (!plan.problems.empty()) {
      const ImportProblem& p = plan.problems.front();
      return Status::InvalidArgument(m.matrix + " row " + std::to_string(p.row) + " " + p.column +
                                     ": " + p.message);
    }
    if (auto r = app.ExecuteAll(plan.commands, actor); !r.ok()) return r.status();
    tasks += plan.tasks_created;
  }
  return "demo: " + std::to_string(agencies->size()) + " agencies, " +
         std::to_string(plans->size()) + " plans, " + std::to_string(tasks) + " tasks loaded";
}

}  // namespace taskledger::server
