// Reports through time: a plan's counts per official group at the end of each month or week,
// overall and by lead agency, from one pass over the log (the dashboard's charts).
#include "domain/date.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/app/use_cases.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

constexpr size_t kMaxPoints = 520;  // ten years of weeks

json Counts(const CategoryCounts& c) {
  json j = json::object();
  for (int i = 0; i < kCategoryCount; ++i) {
    j[std::string(ToString(static_cast<Category>(i)))] = c.counts[i];
  }
  return j;
}

// The ends of each step from `from` to `to`: month-ends (or Sundays, ISO weeks' ends) falling
// within, and `to` itself last.
std::vector<Date> StepEnds(Date from, Date to, bool weekly) {
  std::vector<Date> out;
  Date d = from;
  if (weekly) {
    d = AddDays(from, 6 - Weekday(from));  // Weekday: 0 Monday … 6 Sunday
  } else {
    d = Date{from.year, from.month, LastDayOfMonth(from.year, from.month)};
  }
  while (d < to && out.size() < kMaxPoints) {
    out.push_back(d);
    if (weekly) {
      d = AddDays(d, 7);
    } else {
      const int year = d.month == 12 ? d.year + 1 : d.year, month = d.month % 12 + 1;
      d = Date{year, month, LastDayOfMonth(year, month)};
    }
  }
  out.push_back(to);
  return out;
}

}  // namespace

void Api::AddHistoryRoutes() {
  Add(http::verb::get, "/v1/plans/{}/report/series",
      [this](Call& c) {
        std::optional<Date> from, to;
        if (!DateParam(c, "from", &from) || !DateParam(c, "to", &to)) return;
        const bool weekly = c.query.count("step") && c.query.at("step") == "week";
        // A national plan has thousands of lead agencies: a chart of the totals leaves them out.
        const bool with_leads = !c.query.count("by_lead") || c.query.at("by_lead") == "true";
        const Date today = Today(app_);
        // Who reads what is decided on the plan as it is now, as for the report itself.
        Date start{};
        const int reach = app_.Read([&](const Ledger& l) {
          const Plan* p = l.FindPlan(c.params[0]);
          if (!p) return -1;
          start = p->period.start;
          return static_cast<int>(PlanAccess(c, l, *p));
        });
        if (reach == -1) return c.Fail(NotFound("no plan '" + c.params[0] + "'"));
        if (reach == static_cast<int>(PlanReach::kNone)) return c.Fail(NotParticipant(c.params[0]));
        const std::string only_for =
            reach == static_cast<int>(PlanReach::kOwnTasks) ? c.who.agency : std::string();
        const Date last = to.value_or(today);
        const Date first = from.value_or(std::max(start, AddDays(last, -365)));
        if (last < first) return c.Fail(BadRequest("from must not be after to", "from"));
        const std::vector<Date> days = StepEnds(first, last, weekly);
        if (days.size() > kMaxPoints) {
          return c.Fail(BadRequest("at most " + std::to_string(kMaxPoints) +
                                       " steps: ask for a shorter span or a longer step",
                                   "from"));
        }
        // Each point from the counts a checkpoint of its day saved, else from one pass over
        // the log through the others, on a render thread. A point before the plan entered the
        // log: nothing yet.
        Render(c, [this, days, only_for, with_leads, weekly, first, last](Call& c) {
          std::vector<std::optional<PlanCounts>> counts(days.size());
          std::vector<bool> exists(days.size(), true);
          std::vector<size_t> fold;
          for (size_t i = 0; i < days.size(); ++i) {
            if (only_for.empty()) counts[i] = app_.CountsAt(days[i], c.params[0]);
            if (!counts[i]) fold.push_back(i);
          }
          std::vector<Date> fold_days;
          for (size_t i : fold) fold_days.push_back(days[i]);
          const Status folded = app_.FoldThrough(
              fold_days, c.params[0],
              [&](size_t n, const Ledger& l) {
                auto report = l.Report(c.params[0], fold_days[n], only_for);
                if (report.ok()) {
                  counts[fold[n]] = CountsOf(*report);
                } else {
                  exists[fold[n]] = false;
                }
              },
              /*plan_only=*/only_for.empty());
          if (!folded.ok()) return c.Fail(FromStatus(folded));
          json points = json::array();
          for (size_t i = 0; i < days.size(); ++i) {
            json point = {{"date", ToIso(days[i])}, {"exists", exists[i]}};
            if (exists[i]) {
              const ReportCounts& totals = counts[i]->totals;
              point["totals"] = Counts(totals.tasks);
              point["completed"] = totals.tasks.completed();
              point["due"] = counts[i]->due;
              if (totals.parts.total() > 0) {
                // The members' parts of the plan's group tasks, beside the occurrences.
                point["parts"] = {{"totals", Counts(totals.parts)},
                                  {"completed", totals.parts.completed()}};
              }
              if (with_leads) {
                json by_lead = json::object();
                for (const auto& [agency, n] : counts[i]->by_lead)
                  by_lead[agency] = Counts(n.tasks);
                point["by_lead"] = std::move(by_lead);
              }
            }
            points.push_back(std::move(point));
          }
          json body = {{"plan", c.params[0]},
                       {"step", weekly ? "week" : "month"},
                       {"from", ToIso(first)},
                       {"to", ToIso(last)},
                       {"points", std::move(points)}};
          if (!only_for.empty()) body["scope"] = {{"kind", "agency"}, {"agency", only_for}};
          c.Json(http::status::ok, body);
        });
      },
      {{"from", ParamKind::kDate},
       {"to", ParamKind::kDate},
       {"step", ParamKind::kEnum, {"month", "week"}},
       {"by_lead", ParamKind::kBool}});
}

}  // namespace taskledger::server
