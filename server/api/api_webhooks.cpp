// Webhook routes: subscriptions (coordinators all, an agency its own, auditors read), secrets
// shown once, test pings, and the deliveries with their attempts, redelivery and recovery.
#include "domain/text.h"
#include "server/api/api.h"
#include "server/api/api_channels.h"
#include "server/api/api_util.h"
#include "server/api/messages.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;
using webhooks::Message;
using webhooks::Subscription;
using webhooks::SubscriptionSpec;

namespace {

// The subscription with its delivery health. Reads the outbox: call it after letting go of the
// App's lock, on a copy of the subscription.
Result<json> WebhookView(const Subscription& s, const webhooks::Service& svc) {
  auto health = svc.outbox().GetHealth(s.id);
  if (!health.ok()) return health.status();
  const webhooks::Health& h = *health;
  json j = ChannelView(s, "/v1/webhooks");
  j.update(
      {{"url", s.url},
       {"description", s.description},
       {"types", s.types.empty() ? webhooks::NotificationTypes() : s.types},
       {"all_types", s.types.empty()},
       {"disabled_reason", s.disabled_reason.empty() ? json(nullptr) : json(s.disabled_reason)},
       {"reminders", webhooks::PolicyJson(s.reminders ? *s.reminders : svc.options().reminders)},
       {"reminders_own", s.reminders.has_value()},
       {"secret_rotated_at_ms", OrNull(s.secret_rotated_at_ms)},
       {"health",
        {{"failing_since_ms", OrNull(h.failing_since_ms)},
         {"last_success_ms", OrNull(h.last_success_ms)},
         {"last_failure_ms", OrNull(h.last_failure_ms)},
         {"last_error", h.last_error.empty() ? json(nullptr) : json(h.last_error)}}}});
  return j;
}

json DeliveryView(const Message& m, const webhooks::Outbox* with_attempts) {
  json j = {{"id", m.id},
            {"type", m.type},
            {"agency", m.agency},
            {"task", m.task.empty() ? json(nullptr) : json(m.task)},
            {"occurrence", m.occurrence.empty() ? json(nullptr) : json(m.occurrence)},
            {"state", webhooks::ToString(m.state)},
            {"attempts", m.attempts},
            {"next_attempt_at_ms",
             m.state == webhooks::MessageState::kPending ? json(m.next_ms) : json(nullptr)},
            {"last_status", m.last_status == 0 ? json(nullptr) : json(m.last_status)},
            {"last_error", m.last_error.empty() ? json(nullptr) : json(m.last_error)},
            {"created_at_ms", m.created_ms},
            {"due_at_ms", m.due_ms},
            {"done_at_ms", OrNull(m.done_ms)}};
  if (with_attempts) {
    json attempts = json::array();
    if (auto a = with_attempts->Attempts(m.id); a.ok()) {
      for (const webhooks::Attempt& x : *a) {
        attempts.push_back({{"n", x.n},
                            {"at_ms", x.at_ms},
                            {"status", x.status == 0 ? json(nullptr) : json(x.status)},
                            {"latency_ms", x.latency_ms},
                            {"error", x.error.empty() ? json(nullptr) : json(x.error)},
                            {"response", x.response}});
      }
    }
    j["attempt_log"] = std::move(attempts);
    j["payload"] = json::parse(m.body, nullptr, false);
  }
  return j;
}

std::optional<SubscriptionSpec> SpecFrom(const Call& c) {
  auto j = JsonBody(c, {"url", "agency", "description", "types", "enabled", "reminders"});
  if (!j) return std::nullopt;
  SubscriptionSpec s;
  using S = SubscriptionSpec;
  if (!ReadMembers<S>(c, *j,
                      {{"url", &S::url}, {"agency", &S::agency}, {"description", &S::description}},
                      {}, s)) {
    return std::nullopt;
  }
  if (j->contains("types")) {
    auto v = TextList(c, *j, "types", true);
    if (!v) return std::nullopt;
    s.types = *v;
  }
  if (!ReadMembers<S>(c, *j, {}, {{"enabled", &S::enabled}}, s)) return std::nullopt;
  if (!ReminderPolicyMember(c, *j, "reminders", s.reminders, s.server_reminders)) {
    return std::nullopt;
  }
  return s;
}

}  // namespace

void Api::AddWebhookRoutes() {
  // The service, or 503 when this server does not deliver webhooks.
  const auto service = [this](const Call& c) -> webhooks::Service* {
    webhooks::Service* s = app_.webhooks();
    if (!s) c.Fail(Unavailable("Webhooks are off", "webhooks are not running on this server"));
    return s;
  };
  // The subscription named by the path, if the caller may read it (or manage it).
  // A refusal is sent once the lock is let go.
  const auto find = [this](Call& c, bool manage) {
    std::optional<Subscription> found;
    AnswerAfter(c, [&] {
      found = app_.Read<webhooks::Registry>(
          [&](const Ledger&, const webhooks::Registry& r) { return FindChannel(c, r, manage); });
    });
    return found;
  };
  // Appends a subscription decision and answers with the webhook as it then stands; `undo`
  // runs when it is refused or not written, and `hold` is kept until the answer.
  const auto submit = [this](Call& c, Result<Decision> d, http::status status,
                             std::function<void(json&)> extend, std::function<void()> undo = {},
                             std::shared_ptr<void> hold = nullptr) {
    const std::string id =
        d.ok() ? d->stream.substr(std::string_view("webhook-").size()) : std::string();
    SubmitChange(
        app_, post_, c, std::move(d),
        [this, id, status, extend, hold](const Later& later) {
          if (status == http::status::no_content)
            return later.Send(Response{status, later.version});
          const std::optional<Subscription> s =
              app_.Read<webhooks::Registry>([&](const Ledger&, const webhooks::Registry& reg) {
                const Subscription* found = reg.Find(id);
                return found ? std::optional<Subscription>(*found) : std::nullopt;
              });
          Result<json> view = s ? WebhookView(*s, *app_.webhooks()) : json::object();
          if (!view.ok()) return later.Fail(FromStatus(view.status()));
          json body = std::move(*view);
          if (extend) extend(body);
          later.Json(status, body,
                     status == http::status::created ? "/v1/webhooks/" + id : std::string());
        },
        [undo, hold](const Later& later, const Status& s) {
          if (undo) undo();
          later.Fail(FromStatus(s));
        });
  };

  Add(http::verb::post, "/v1/webhooks", [=, this](Call& c) {
    Blocking(c, [=, this](Call& c) {
      webhooks::Service* svc = service(c);
      if (!svc || !RequireRole(c, {ActorRole::kCoordinator, ActorRole::kAgency})) return;
      auto spec = SpecFrom(c);
      if (!spec) return;
      const std::string id = webhooks::NewEndpointId();
      auto d = app_.Read<webhooks::Registry>([&](const Ledger& l, const webhooks::Registry& r) {
        return webhooks::DecideCreate(r, l, id, *spec, c.actor);
      });
      if (!d.ok()) return c.Fail(FromStatus(d.status()));
      // The secret is stored before the subscription exists, so a delivery never finds none.
      auto hold = app_.BeginSecretChange();
      auto secret = svc->NewEndpointSecret(id);
      if (!secret.ok()) return c.Fail(FromStatus(secret.status()));
      submit(
          c, std::move(d), http::status::created,
          [secret = *secret](json& body) { body["secret"] = secret; },
          [svc, id] { (void)svc->ForgetEndpoint(id); }, hold);
    });
  });

  Add(http::verb::get, "/v1/webhooks",
      [=, this](Call& c) {
        webhooks::Service* svc = service(c);
        if (!svc) return;
        const std::string agency = c.query.count("agency") ? c.query.at("agency") : "";
        const std::vector<Subscription> mine =
            app_.Read<webhooks::Registry>([&](const Ledger&, const webhooks::Registry& r) {
              std::vector<Subscription> out;
              for (const Subscription* s : r.All()) {
                if (!webhooks::CanRead(*s, c.actor).ok()) continue;
                if (!agency.empty() && s->agency != agency) continue;
                out.push_back(*s);
              }
              return out;
            });
        json items = json::array();
        for (const Subscription& s : mine) {
          auto view = WebhookView(s, *svc);
          if (!view.ok()) return c.Fail(FromStatus(view.status()));
          items.push_back(std::move(*view));
        }
        c.Json(http::status::ok,
               {{"items", std::move(items)}, {"types", webhooks::NotificationTypes()}});
      },
      {{"agency", ParamKind::kText}});

  Add(http::verb::get, "/v1/webhooks/{}", [=](Call& c) {
    webhooks::Service* svc = service(c);
    if (!svc) return;
    if (auto s = find(c, false)) {
      auto view = WebhookView(*s, *svc);
      if (!view.ok()) return c.Fail(FromStatus(view.status()));
      c.Json(http::status::ok, *view);
    }
  });

  Add(http::verb::patch, "/v1/webhooks/{}", [=, this](Call& c) {
    if (!service(c)) return;
    auto spec = SpecFrom(c);
    if (!spec) return;
    auto d = app_.Read<webhooks::Registry>([&](const Ledger& l, const webhooks::Registry& r) {
      return webhooks::DecideUpdate(r, l, c.params[0], *spec, c.actor);
    });
    submit(c, std::move(d), http::status::ok, {});
  });

  Add(http::verb::delete_, "/v1/webhooks/{}", [=, this](Call& c) {
    Blocking(c, [=, this](Call& c) {
      webhooks::Service* svc = service(c);
      if (!svc) return;
      auto d = app_.Read<webhooks::Registry>([&](const Ledger&, const webhooks::Registry& r) {
        return webhooks::DecideDelete(r, c.params[0], c.actor);
      });
      const std::string id = c.params[0];
      auto hold = app_.BeginSecretChange();
      if (d.ok()) (void)svc->ForgetEndpoint(id);  // the secret goes with it
      submit(c, std::move(d), http::status::no_content, {}, {}, hold);
    });
  });

  Add(http::verb::post, "/v1/webhooks/{}/rotate-secret", [=, this](Call& c) {
    Blocking(c, [=, this](Call& c) {
      webhooks::Service* svc = service(c);
      if (!svc || !find(c, true)) return;
      auto hold = app_.BeginSecretChange();
      auto rotated = svc->RotateSecret(c.params[0]);
      if (!rotated.ok()) return c.Fail(FromStatus(rotated.status()));
      auto d = app_.Read<webhooks::Registry>([&](const Ledger&, const webhooks::Registry& r) {
        return webhooks::DecideRotate(r, c.params[0], c.actor, rotated->second);
      });
      submit(
          c, std::move(d), http::status::ok,
          [rotated = *rotated](json& body) {
            body["secret"] = rotated.first;
            body["previous_secret_valid_until_ms"] = rotated.second;
          },
          {}, hold);
    });
  });

  Add(http::verb::post, "/v1/webhooks/{}/test", [=, this](Call& c) {
    Blocking(c, [=](Call& c) {
      webhooks::Service* svc = service(c);
      if (!svc) return;
      auto s = find(c, true);
      if (!s) return;
      if (!s->enabled) {
        return c.Fail(FromStatus(Status::FailedPrecondition(
            "webhook " + s->id + " is disabled; enable it (PATCH enabled: true) first")));
      }
      auto m = svc->Ping(*s);
      if (!m.ok()) return c.Fail(FromStatus(m.status()));
      c.Json(http::status::accepted, DeliveryView(*m, nullptr));
    });
  });

  Add(http::verb::get, "/v1/webhooks/{}/deliveries",
      [=](Call& c) {
        webhooks::Service* svc = service(c);
        if (!svc || !find(c, false)) return;
        const size_t limit = c.query.count("limit") ? std::stoul(c.query.at("limit")) : 100;
        const std::string after = c.query.count("after") ? c.query.at("after") : "";
        const std::string state = c.query.count("state") ? c.query.at("state") : "";
        auto page = svc->outbox().List(c.params[0], limit, after);
        if (!page.ok()) return c.Fail(FromStatus(page.status()));
        json items = json::array();
        for (const Message& m : *page) {
          if (state.empty() || webhooks::ToString(m.state) == state)
            items.push_back(DeliveryView(m, nullptr));
        }
        json body = {{"items", std::move(items)}, {"next", nullptr}};
        if (page->size() == limit) body["next"] = webhooks::PageCursor(page->back());
        c.Json(http::status::ok, body);
      },
      {{"limit", ParamKind::kLimit},
       {"after", ParamKind::kText},
       {"state", ParamKind::kEnum, {"pending", "delivered", "failed"}}});

  Add(http::verb::get, "/v1/webhooks/{}/deliveries/{}", [=](Call& c) {
    webhooks::Service* svc = service(c);
    if (!svc || !find(c, false)) return;
    auto m = svc->outbox().Get(c.params[1]);
    if (!m.ok() || m->endpoint != c.params[0]) {
      return c.Fail(NotFound("webhook " + c.params[0] + " has no delivery '" + c.params[1] + "'"));
    }
    c.Json(http::status::ok, DeliveryView(*m, &svc->outbox()));
  });

  Add(http::verb::post, "/v1/webhooks/{}/deliveries/{}/redeliver", [=](Call& c) {
    webhooks::Service* svc = service(c);
    if (!svc || !find(c, true)) return;
    auto m = svc->Redeliver(c.params[0], c.params[1]);
    if (!m.ok()) return c.Fail(FromStatus(m.status()));
    c.Json(http::status::accepted, DeliveryView(*m, nullptr));
  });

  Add(http::verb::post, "/v1/webhooks/{}/recover",
      [=, this](Call& c) {
        webhooks::Service* svc = service(c);
        if (!svc || !find(c, true)) return;
        auto it = c.query.find("since");
        if (it == c.query.end() || it->second.empty()) {
          return c.Fail(
              BadRequest("since is required: a date YYYY-MM-DD (Vietnam) or Unix ms", "since"));
        }
        int64_t since = 0;
        if (auto day = ParseIsoDate(it->second)) {
          since = StartOfDayUtcMs(*day);
        } else if (std::all_of(it->second.begin(), it->second.end(), ::isdigit) &&
                   it->second.size() < 16) {
          since = std::stoll(it->second);
        } else {
          return c.Fail(
              BadRequest("since must be a date YYYY-MM-DD (Vietnam) or Unix ms", "since"));
        }
        if (since > app_.NowMs()) return c.Fail(BadRequest("since is in the future", "since"));
        auto n = svc->Recover(c.params[0], since);
        if (!n.ok()) return c.Fail(FromStatus(n.status()));
        c.Json(http::status::accepted, {{"resent", *n}, {"since_ms", since}});
      },
      {{"since", ParamKind::kSince}});
}

}  // namespace taskledger::server
