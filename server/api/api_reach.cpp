// Who in a plan can be told (coordinators and auditors): each agency its tasks name, through
// groups too, with its email addresses and webhooks and what stops them reaching it — those that
// would hear of nothing first, for the coordinator to fix before a deadline.
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "webhooks/reach.h"
#include "webhooks/service.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

void Api::AddReachRoutes() {
  Add(http::verb::get, "/v1/plans/{}/reach", [this](Call& c) {
    if (!RequireRole(c, {ActorRole::kCoordinator, ActorRole::kAuditor})) return;
    webhooks::Service* hooks = app_.webhooks();
    const auto failing = [&](const webhooks::Subscription& s) {
      return hooks && hooks->outbox().GetHealth(s.id).failing_since_ms > 0;
    };
    json body;
    const bool found = app_.ReadChannels([&](const Ledger& l, const webhooks::Registry& r,
                                             const webhooks::Mailboxes& m) {
      const Plan* p = l.FindPlan(c.params[0]);
      if (!p) return false;
      json items = json::array();
      int unreachable = 0;
      const std::vector<webhooks::AgencyReach> all = webhooks::ReachOf(l, *p, m, r, failing, Today(app_));
      for (const webhooks::AgencyReach& a : all) {
        const Agency* agency = l.FindAgency(a.agency);
        unreachable += a.reachable() ? 0 : 1;
        items.push_back(
            {{"agency", a.agency},
             {"name", agency ? agency->name : a.agency},
             {"reachable", a.reachable()},
             {"problems", a.problems()},
             {"open_tasks", a.open_tasks},
             {"next_due", a.next_due ? json(ToIso(*a.next_due)) : json(nullptr)},
             {"email",
              {{"sending", a.email_sending},
               {"failing", a.email_failing},
               {"unconfirmed", a.email_unconfirmed},
               {"off", a.email_off}}},
             {"webhooks", {{"enabled", a.webhooks_enabled}, {"failing", a.webhooks_failing}}}});
      }
      // Groups counted by their members: how many a reminder would reach.
      json groups = json::array();
      for (const webhooks::GroupReach& g : webhooks::GroupsReach(l, *p, all)) {
        const Agency* agency = l.FindAgency(g.group);
        groups.push_back({{"group", g.group},
                          {"name", agency ? agency->name : g.group},
                          {"members", g.members},
                          {"reachable", g.reachable},
                          {"open", g.open},
                          {"open_unreachable", g.open_unreachable}});
      }
      body = {{"plan", p->id},
              {"agencies", std::move(items)},
              {"groups", std::move(groups)},
              {"unreachable", unreachable},
              {"mail", app_.mail() != nullptr},
              {"webhooks", hooks != nullptr}};
      return true;
    });
    if (!found) return c.Fail(NotFound("no plan '" + c.params[0] + "'"));
    c.Json(http::status::ok, body);
  });
}

}  // namespace taskledger::server
