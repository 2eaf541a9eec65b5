// Who in a plan can be told (coordinators and auditors): each agency its tasks name, through
// groups too, with its email addresses and webhooks and what stops them reaching it — those that
// would hear of nothing first, for the coordinator to fix before a deadline.
#include <set>

#include "server/api/api.h"
#include "server/api/api_util.h"
#include "webhooks/notifications.h"
#include "webhooks/webhooks.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

void Api::AddReachRoutes() {
  Add(http::verb::get, "/v1/plans/{}/reach", [this](Call& c) {
    if (!RequireRole(c, {ActorRole::kCoordinator, ActorRole::kAuditor})) return;
    // The webhooks' health is the outbox's, read before taking the lock (no I/O under it).
    webhooks::Service* hooks = app_.webhooks();
    std::set<std::string> failing_ids;
    if (hooks) {
      const std::vector<std::string> ids =
          app_.Read<webhooks::Registry>([](const Ledger&, const webhooks::Registry& r) {
            std::vector<std::string> out;
            for (const webhooks::Subscription* s : r.All()) out.push_back(s->id);
            return out;
          });
      for (const std::string& id : ids) {
        auto h = hooks->outbox().GetHealth(id);
        if (!h.ok()) return c.Fail(FromStatus(h.status()));
        if (h->failing_since_ms > 0) failing_ids.insert(id);
      }
    }
    const auto failing = [&](const webhooks::Subscription& s) {
      return failing_ids.contains(s.id);
    };
    json body;
    const bool found = app_.Read<webhooks::Registry, webhooks::mail::Mailboxes>(
        [&](const Ledger& l, const webhooks::Registry& r, const webhooks::mail::Mailboxes& m) {
          const Plan* p = l.FindPlan(c.params[0]);
          if (!p) return false;
          json items = json::array();
          int unreachable = 0;
          const std::vector<webhooks::AgencyReach> all =
              webhooks::ReachOf(l, *p, m, r, failing, Today(app_));
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

  // Whether an agency could be told, through time: the stretches between `from` and `to` (days,
  // Vietnam time; default the last 90 days) with how many channels reached it, and those with
  // none — "it could not be told: no channel from 07/12 to 20/12". Coordinators, auditors and
  // the agency itself.
  Add(http::verb::get, "/v1/agencies/{}/channels",
      [this](Call& c) {
        if (c.who.role == ActorRole::kAgency && c.who.agency != c.params[0]) {
          return c.Fail(Forbidden("an agency reads its own channels only"));
        }
        std::optional<Date> from, to;
        if (!DateParam(c, "from", &from) || !DateParam(c, "to", &to)) return;
        const Date today = Today(app_);
        const Date last = to.value_or(today);
        Date first = from.value_or(AddDays(last, -90));
        if (last < first) return c.Fail(BadRequest("from must not be after to", "from"));
        // Nothing is known before the log began: the stretches start then.
        if (auto head = app_.store().ReadAll(1, 1); head.ok() && !head->empty()) {
          first = std::max(first, DateAtUtcMs(head->front().recorded_at_ms));
        }
        const bool known = app_.Read([&](const Ledger& l) { return l.FindAgency(c.params[0]); });
        if (!known) return c.Fail(NotFound("no agency '" + c.params[0] + "'"));
        const std::vector<ChannelChange> line = app_.ChannelsOf(c.params[0]);
        const int64_t begin = StartOfDayUtcMs(first), end = EndOfDayUtcMs(last);
        // The stretches within [begin, end]: each change opens one, closed by the next.
        json stretches = json::array(), gaps = json::array();
        int live = 0;
        size_t i = 0;
        while (i < line.size() && line[i].at_ms <= begin) live = line[i++].live;
        int64_t at = begin;
        const auto close = [&](int64_t until) {
          if (until <= at) return;
          json s = {{"from", ToIso(DateAtUtcMs(at))},
                    {"to", ToIso(DateAtUtcMs(until))},
                    {"from_ms", at},
                    {"to_ms", until},
                    {"channels", live}};
          if (live == 0) gaps.push_back(s);
          stretches.push_back(std::move(s));
        };
        for (; i < line.size() && line[i].at_ms <= end; ++i) {
          close(line[i].at_ms);
          at = line[i].at_ms;
          live = line[i].live;
        }
        close(std::min(end, app_.NowMs()));
        c.Json(http::status::ok, {{"agency", c.params[0]},
                                  {"from", ToIso(first)},
                                  {"to", ToIso(last)},
                                  {"stretches", std::move(stretches)},
                                  {"without_channel", std::move(gaps)}});
      },
      {{"from", ParamKind::kDate}, {"to", ParamKind::kDate}});
}

}  // namespace taskledger::server
