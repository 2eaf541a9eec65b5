// The demo matrices in deploy/demo load completely, with their sections, tasks and agencies.
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "domain/import.h"
#include "domain/manifest.h"
#include "tests/domain/domain_fixture.h"

using namespace taskledger;
using namespace taskledger::testing;

namespace {

std::string Slurp(const std::string& name) {
  std::ifstream in(std::string(DEMO_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Loads every agency and plan of the demo into `f`; returns the import of each plan.
std::map<std::string, ImportPlan> LoadDemo(DomainFixture& f) {
  auto agencies = ReadAgencies(Slurp("agencies.json"));
  REQUIRE(agencies.ok());
  for (const Agency& a : *agencies) f.Do(RegisterAgency{a, false});
  auto plans = ReadPlanManifests(Slurp("plans.json"));
  REQUIRE(plans.ok());
  std::map<std::string, ImportPlan> out;
  for (const PlanManifest& m : *plans) {
    f.Do(CreatePlan{m.plan});
    std::vector<ImportProblem> problems;
    const std::string text = Slurp(m.matrix);
    const auto rows = m.matrix.ends_with(".json") ? ReadMatrixJson(text, &problems)
                                                  : ReadMatrixCsv(text, &problems);
    REQUIRE(problems.empty());
    ImportPlan plan = PlanImport(f.ledger(), m.plan.id, rows, ImportOptions{});
    for (const ImportProblem& p : plan.problems) {
      FAIL_CHECK(m.matrix << " row " << p.row << " [" << p.column << "] " << p.message);
    }
    for (const Command& c : plan.commands) f.Do(c);
    out[m.plan.id] = std::move(plan);
  }
  return out;
}

}  // namespace

TEST_CASE("the Hai Phong appendix loads all nine sections and forty tasks", "[domain][demo]") {
  DomainFixture f;
  const auto imports = LoadDemo(f);
  const ImportPlan& hp = imports.at("hp-tieng-anh-2025");
  CHECK(hp.sections_added == 9);
  CHECK(hp.tasks_created == 40);
  const Plan* plan = f.ledger().FindPlan("hp-tieng-anh-2025");
  REQUIRE(plan);
  CHECK(plan->sections.size() == 9);
  CHECK(plan->sections[6].code == "VII");
  std::map<std::string, int> per_section;
  for (const std::string& id : plan->task_ids) per_section[f.ledger().FindTask(id)->section]++;
  CHECK(per_section == std::map<std::string, int>{{"I", 6},
                                                  {"II", 3},
                                                  {"III", 5},
                                                  {"IV", 4},
                                                  {"V", 3},
                                                  {"VI", 4},
                                                  {"VII", 7},
                                                  {"VIII", 3},
                                                  {"IX", 5}});
  const Task* t = f.ledger().FindTask("hp-tieng-anh-2025:I.2");
  REQUIRE(t);
  REQUIRE(f.ledger().FindTask("hp-tieng-anh-2025:I.5"));
  REQUIRE(f.ledger().FindTask("hp-tieng-anh-2025:III.3"));
  REQUIRE(f.ledger().FindTask("hp-tieng-anh-2025:IV.2"));
  CHECK(t->lead == std::vector<std::string>{"bao-pttt-hp"});
  CHECK(t->coordinating ==
        std::vector<std::string>{"so-gddt-hp", "cac-so-nganh-hp", "co-quan-lien-quan-hp"});
  CHECK(t->schedule.kind == ScheduleKind::kOngoing);
  const Task* biling = f.ledger().FindTask("hp-tieng-anh-2025:I.5");
  CHECK(biling->schedule.text == "Năm 2026-2027");
  CHECK(biling->occurrences.front().due == Date{2027, 12, 31});
  const Task* recruit = f.ledger().FindTask("hp-tieng-anh-2025:III.3");
  CHECK(recruit->lead == std::vector<std::string>{"so-gddt-hp", "so-nv-hp"});
  CHECK(recruit->occurrences.size() == 11);  // yearly over 2025-2035
  CHECK(f.ledger().FindTask("hp-tieng-anh-2025:IV.2")->schedule.kind == ScheduleKind::kUnscheduled);
  // A school sees the tasks of the "Cơ sở giáo dục" group.
  const auto school = f.ledger().AgencyTasks("thpt-tran-phu-hp", {2026, 1, 1});
  CHECK(school.size() >= 20);
  CHECK(school.front().via == "co-so-gd-hp");
}

TEST_CASE("the Ha Noi plan 68/KH-SGDĐT keeps its dated milestones", "[domain][demo]") {
  DomainFixture f;
  const auto imports = LoadDemo(f);
  const ImportPlan& hn = imports.at("hn-68-2025");
  CHECK(hn.sections_added == 4);
  CHECK(hn.tasks_created == 15);
  const auto due = [&](const char* code) {
    const Task* t = f.ledger().FindTask(std::string("hn-68-2025:") + code);
    REQUIRE(t);
    return t->occurrences.front();
  };
  CHECK(due("V.1").due == Date{2025, 1, 31});
  CHECK(due("V.2").start == Date{2025, 1, 20});
  CHECK(due("V.3").due == Date{2025, 3, 31});
  CHECK(due("V.4").start == Date{2025, 3, 1});
  CHECK(due("V.5").start == Date{2025, 4, 1});
  CHECK(due("V.5").due == Date{2025, 6, 30});
  const Task* review = f.ledger().FindTask("hn-68-2025:V.7");
  REQUIRE(review);
  CHECK(review->schedule.every == Period::kSemester);
  CHECK(review->occurrences.size() == 4);  // semesters ending Jan and May of 2025 and 2026
  CHECK(f.ledger().FindPlan("hn-68-2025")->number == "68/KH-SGDĐT");
  // Names with commas inside resolve to one agency each.
  CHECK(f.ledger().FindTask("hn-68-2025:V.1")->coordinating ==
        std::vector<std::string>{"phong-gddt-qh-hn", "thpt-gdnn-hn"});
}

TEST_CASE("the Cambridge pilot's roadmap is one task per school year", "[domain][demo]") {
  DomainFixture f;
  const auto imports = LoadDemo(f);
  const ImportPlan& cam = imports.at("hp-cambridge-2026");
  CHECK(cam.sections_added == 3);
  CHECK(cam.tasks_created == 15);
  const Plan* plan = f.ledger().FindPlan("hp-cambridge-2026");
  REQUIRE(plan);
  CHECK(plan->sections[2].parent == "V");
  for (int y = 2026; y <= 2030; ++y) {
    const Task* t = f.ledger().FindTask("hp-cambridge-2026:V.1." + std::to_string(y - 2025));
    REQUIRE(t);
    CHECK(t->occurrences.front().start == Date{y, 9, 1});
    CHECK(t->occurrences.front().due == Date{y + 1, 5, 31});
  }
  // The Hai Phong department leads tasks in both Hai Phong plans.
  int hp_plans = 0;
  std::set<std::string> seen;
  for (const auto& item :
       f.ledger().AgencyTasks("so-gddt-hp", {2026, 1, 1}, {std::nullopt, 1000, true})) {
    if (seen.insert(item.task->plan).second) ++hp_plans;
  }
  CHECK(hp_plans == 2);
}

TEST_CASE("the Bac Kan matrix loads every numbered row, its ladders as occurrences",
          "[domain][demo]") {
  DomainFixture f;
  const auto imports = LoadDemo(f);
  const ImportPlan& bk = imports.at("bk-ngoai-ngu-2018");
  CHECK(bk.sections_added == 36);
  CHECK(bk.tasks_created == 88);
  CHECK(bk.new_agencies.empty());
  const Plan* plan = f.ledger().FindPlan("bk-ngoai-ngu-2018");
  REQUIRE(plan);
  std::map<std::string, int> per_group;
  for (const std::string& id : plan->task_ids)
    per_group[f.ledger().FindTask(id)->section.substr(0, 1)]++;
  CHECK(per_group ==
        std::map<std::string, int>{
            {"A", 29}, {"B", 6}, {"C", 12}, {"D", 10}, {"E", 9}, {"F", 11}, {"G", 4}, {"H", 7}});
  const auto task = [&](const std::string& code) {
    const Task* t = f.ledger().FindTask("bk-ngoai-ngu-2018:" + code);
    REQUIRE(t);
    return t;
  };
  // "Sở Giáo dục và Đào tạo" is Bac Kan's own department here, not Hai Phong's.
  CHECK(task("A.I.1.1")->lead == std::vector<std::string>{"so-gddt-bk"});
  CHECK(task("A.I.1.3")->schedule.kind == ScheduleKind::kMilestones);
  CHECK(task("A.I.1.3")->occurrences.size() == 3);
  // The yearly ladder: 10% of vocational institutions in 2021 … 50% in 2025, one task.
  const Task* ladder = task("A.I.3.4");
  REQUIRE(ladder->occurrences.size() == 5);
  CHECK(ladder->occurrences[0].key == "2021");
  CHECK(ladder->occurrences[0].target.starts_with("10% các cơ sở giáo dục nghề nghiệp"));
  CHECK(ladder->occurrences[4].due == Date{2025, 12, 31});
  CHECK(ladder->occurrences[4].target.starts_with("50%"));
  CHECK(ladder->lead ==
        std::vector<std::string>{"so-ldtbxh-bk", "so-yt-bk", "cac-huyen-bk", "co-so-gdnn-bk"});
  // A ladder of overlapping windows: recruitment 2019-2021, 2020-2022, 2021-2023.
  const Task* recruit = task("C.I.4");
  REQUIRE(recruit->occurrences.size() == 3);
  CHECK(recruit->occurrences[1].key == "2020-2022");
  CHECK(recruit->occurrences[1].start == Date{2020, 1, 1});
  CHECK(recruit->occurrences[1].due == Date{2022, 12, 31});
  CHECK(recruit->coordinating == std::vector<std::string>{"so-nv-bk"});
  // Qualified names ("… có nhu cầu và đủ điều kiện thực hiện") go to the named group.
  CHECK(task("A.I.1.2")->lead == std::vector<std::string>{"cac-huyen-bk", "truong-mn-bk"});
  // A district sees the tasks of "Các huyện, thành phố".
  const auto district = f.ledger().AgencyTasks("ubnd-na-ri-bk", {2019, 1, 1});
  CHECK(district.size() >= 40);
  CHECK(district.front().via == "cac-huyen-bk");
}
