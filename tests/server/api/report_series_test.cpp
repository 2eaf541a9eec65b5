// A plan's report through time in one request: each step's counts equal the report asked for
// that day on its own.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

TEST_CASE("a report series equals the reports of its days, month by month and week by week",
          "[server][integration][series]") {
  ApiFixture f("2026-01-05");
  const std::string task = "/v1/tasks/hp-tieng-anh-2025:I.1";
  // A history over three months: work delivered and accepted in January, a comment in February,
  // an extension in March.
  REQUIRE(f.PostJson(f.agency_hp, task + "/deliverables", {{"id", "d1"}, {"name", "Kế hoạch.pdf"}})
              .status == 201);
  REQUIRE(f.PostJson(f.coordinator, task + "/deliverables/d1/review", {{"decision", "accepted"}})
              .status == 201);
  f.Restart("2026-02-10");
  REQUIRE(
      f.PostJson(f.agency_hp, "/v1/tasks/hp-tieng-anh-2025:I.2/comments", {{"text", "x"}}).status ==
      201);
  f.Restart("2026-03-20");
  // The server writes checkpoints of the days gone by as it starts: wait for February's end, so
  // that the month-ends' points come from the counts they saved (the rest are folded).
  const std::string saved = f.dir.path() + "/data/checkpoints";
  const auto written = [&] {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(saved, ec)) {
      if (e.path().filename().string().starts_with("2026-02-28-")) return true;
    }
    return false;
  };
  for (int i = 0; i < 200 && !written(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(written());

  const std::string base = "/v1/plans/hp-tieng-anh-2025/report";
  for (const char* step : {"month", "week"}) {
    INFO(step);
    HttpResult r =
        f.Get(f.coordinator, base + "/series?from=2025-12-01&to=2026-03-20&step=" + step);
    REQUIRE(r.status == 200);
    const json s = r.json();
    CHECK(s["step"] == step);
    const json& points = s["points"];
    REQUIRE(points.size() >= 4);
    CHECK(points.back()["date"] == "2026-03-20");
    CHECK(points.front()["exists"] == false);  // before the log began
    int existing = 0;
    for (const json& p : points) {
      if (!p["exists"].get<bool>()) continue;
      ++existing;
      const std::string day = p["date"];
      INFO(day);
      const json report = f.Get(f.coordinator, base + "?as_of=" + day).json();
      for (const auto& [k, v] : p["totals"].items()) CHECK(report["totals"][k] == v);
      CHECK(p["completed"] == report["totals"]["completed_on_time"].get<int>() +
                                  report["totals"]["completed_late"].get<int>());
      for (const auto& [agency, counts] : p["by_lead"].items()) {
        for (const auto& [k, v] : counts.items()) CHECK(report["by_lead"][agency][k] == v);
      }
    }
    CHECK(existing >= 3);
  }
  // Without the lead agencies: the same totals.
  const json totals =
      f.Get(f.coordinator, base + "/series?from=2025-12-01&to=2026-03-20&by_lead=false").json();
  const json full = f.Get(f.coordinator, base + "/series?from=2025-12-01&to=2026-03-20").json();
  REQUIRE(totals["points"].size() == full["points"].size());
  for (size_t i = 0; i < full["points"].size(); ++i) {
    CHECK_FALSE(totals["points"][i].contains("by_lead"));
    CHECK(totals["points"][i].value("totals", json()) == full["points"][i].value("totals", json()));
  }

  // The completion in January shows from January's end on.
  const json months = f.Get(f.coordinator, base + "/series?from=2026-01-01&to=2026-03-20").json();
  CHECK(months["points"][0]["date"] == "2026-01-31");
  CHECK(months["points"][0]["completed"].get<int>() >= 1);

  // An agency reads its own tasks' series; others and bad spans are refused.
  const json own = f.Get(f.agency_hp, base + "/series?from=2026-01-01&to=2026-03-20").json();
  CHECK(own["scope"]["agency"] == "so-gddt-hp");
  CHECK(f.Get(f.agency_bk, base + "/series").status == 403);
  CHECK(f.Get(f.coordinator, base + "/series?from=2026-03-01&to=2026-01-01").status == 400);
  CHECK(f.Get(f.coordinator, base + "/series?step=day").status == 400);
  CHECK(f.Get(f.coordinator, base + "/series?from=1990-01-01&to=2026-01-01&step=week").status ==
        400);
  CHECK(f.Get(f.coordinator, "/v1/plans/nope/report/series").status == 404);
}
