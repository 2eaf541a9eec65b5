// Email routes: an agency's addresses (coordinators manage all, an agency its own, auditors
// read), the confirmation each address must follow before it receives anything, a coordinator
// vouching for an official address, test mails. The links in the mails: api_email_links.cpp.
// Addresses are never written to the request log (the log line names the route only).
#include "domain/text.h"
#include "server/api/api.h"
#include "server/api/api_channels.h"
#include "server/api/api_util.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;
using webhooks::mail::Mailbox;
using webhooks::mail::MailboxSpec;

namespace {

// `server`: the reminder days of addresses that have none of their own.
json MailboxView(const Mailbox& m, const webhooks::ReminderPolicy& server) {
  json j = ChannelView(m, "/v1/email-subscriptions");
  j.update({{"address", m.address},
            {"language", m.language},
            {"reminders", m.reminders},
            {"changes", m.changes},
            {"digest", webhooks::mail::ToString(m.digest)},
            {"reminder_schedule", webhooks::PolicyJson(m.schedule ? *m.schedule : server)},
            {"reminder_schedule_own", m.schedule.has_value()},
            {"confirmed", m.confirmed},
            {"confirmed_by", m.confirmed ? json(m.confirmed_by) : json(nullptr)},
            {"confirmed_at_ms", OrNull(m.confirmed_at_ms)},
            {"unsubscribed_at_ms", OrNull(m.unsubscribed_at_ms)},
            {"failing", m.failing.empty() ? json(nullptr) : json(m.failing)},
            {"failing_since_ms", OrNull(m.failing_since_ms)},
            {"last_digest_at_ms", OrNull(m.last_digest_at_ms)},
            {"sends", m.Sends()}});
  return j;
}

std::optional<MailboxSpec> MailSpecFrom(const Call& c) {
  auto j = JsonBody(c, {"agency", "address", "language", "reminders", "changes", "digest",
                        "reminder_schedule", "enabled", "confirmed"});
  if (!j) return std::nullopt;
  MailboxSpec s;
  using S = MailboxSpec;
  if (!ReminderPolicyMember(c, *j, "reminder_schedule", s.schedule, s.server_schedule) ||
      !ReadMembers<S>(
          c, *j, {{"agency", &S::agency}, {"address", &S::address}, {"language", &S::language}}, {},
          s)) {
    return std::nullopt;
  }
  if (j->contains("digest")) {
    auto v = Text(c, *j, "digest", true);
    if (!v) return std::nullopt;
    s.digest = webhooks::mail::DigestFrom(*v);
    if (!s.digest) {
      c.Fail(BadRequest("digest is daily, weekly or none", "digest"));
      return std::nullopt;
    }
  }
  if (!ReadMembers<S>(
          c, *j, {},
          {{"reminders", &S::reminders}, {"changes", &S::changes}, {"enabled", &S::enabled}}, s)) {
    return std::nullopt;
  }
  if (j->contains("confirmed")) {
    if (!(*j)["confirmed"].is_boolean()) {
      c.Fail(BadRequest("confirmed must be true or false", "confirmed"));
      return std::nullopt;
    }
    s.confirmed = (*j)["confirmed"].get<bool>();
  }
  return s;
}

}  // namespace

void Api::AddEmailRoutes() {
  // The reminder days of addresses without their own: the server's (the webhooks' policy).
  const auto schedule = [this]() -> webhooks::ReminderPolicy {
    return app_.mail() ? app_.mail()->options().reminders : webhooks::ReminderPolicy{};
  };
  // The mailbox named by the path, if the caller may read (or manage) it.
  // A refusal is sent once the lock is let go.
  const auto find = [this](Call& c, bool manage) {
    std::optional<Mailbox> found;
    AnswerAfter(c, [&] {
      found = app_.Read<webhooks::mail::Mailboxes>(
          [&](const Ledger&, const webhooks::mail::Mailboxes& r) {
            return FindChannel(c, r, manage);
          });
    });
    return found;
  };
  // Appends a decision without holding this thread; once it is durable and folded, `answer`
  // gets the mailbox as it then stands (on an I/O thread).
  const auto record = [this](const Call& c, Result<Decision> d,
                             std::function<void(const Later&, const Mailbox&)> answer) {
    const std::string id =
        d.ok() ? d->stream.substr(std::string_view("email-").size()) : std::string();
    SubmitChange(app_, post_, c, std::move(d), [this, id, answer](const Later& later) {
      auto m = app_.Read<webhooks::mail::Mailboxes>(
          [&](const Ledger&, const webhooks::mail::Mailboxes& r) {
            const Mailbox* m = r.Find(id);
            return m ? std::optional<Mailbox>(*m) : std::nullopt;
          });
      if (!m) return later.Fail(FromStatus(Status::NotFound("no email subscription '" + id + "'")));
      answer(later, *m);
    });
  };
  // Mails the confirmation when the address waits for one; says what became of it.
  const auto confirm_by_mail = [this](const Mailbox& m, json& body) {
    if (m.confirmed || !m.enabled) return;
    webhooks::mail::MailService* mail = app_.mail();
    if (!mail) {
      body["confirmation"] = {{"sent", false},
                              {"why", "this server sends no mail (no --smtp-url)"}};
      return;
    }
    auto sent = mail->SendConfirmation(m.id);
    body["confirmation"] = sent.ok() ? json{{"sent", true}, {"message", *sent}}
                                     : json{{"sent", false}, {"why", sent.status().message()}};
  };

  // Answers a recorded change with the mailbox, after mailing the confirmation when `confirm`
  // and the address waits for one: queuing it waits for its sync, so on the writer thread.
  const auto answer_mailing = [this, schedule, confirm_by_mail](
                                  const Later& later, const Mailbox& m, bool confirm,
                                  http::status status, const std::string& location) {
    const auto answer = [=] {
      json body = MailboxView(m, schedule());
      if (confirm) confirm_by_mail(m, body);
      later.Json(status, body, location);
    };
    if (!confirm || m.confirmed || !m.enabled || !app_.mail()) return answer();
    if (!Blocking(answer)) {
      // The change stands; only its confirmation waits for someone to ask again.
      json body = MailboxView(m, schedule());
      body["confirmation"] = {
          {"sent", false},
          {"why", "the server is busy; ask for the confirmation again (resend-confirmation)"}};
      later.Json(status, body, location);
    }
  };

  Add(http::verb::post, "/v1/email-subscriptions", [=, this](Call& c) {
    if (!RequireRole(c, {ActorRole::kCoordinator, ActorRole::kAgency})) return;
    auto spec = MailSpecFrom(c);
    if (!spec) return;
    const std::string id = "em_" + webhooks::NewEndpointId().substr(3);
    auto d = app_.Read<webhooks::mail::Mailboxes>(
        [&](const Ledger& l, const webhooks::mail::Mailboxes& r) {
          return webhooks::DecideCreate(r, l, id, *spec, c.actor);
        });
    record(c, std::move(d), [=](const Later& later, const Mailbox& m) {
      answer_mailing(later, m, true, http::status::created, "/v1/email-subscriptions/" + id);
    });
  });

  Add(http::verb::get, "/v1/email-subscriptions",
      [=, this](Call& c) {
        const std::string agency = c.query.count("agency") ? c.query.at("agency") : "";
        json items = app_.Read<webhooks::mail::Mailboxes>(
            [&](const Ledger&, const webhooks::mail::Mailboxes& r) {
              json out = json::array();
              for (const Mailbox* m : r.All()) {
                if (!webhooks::CanRead(*m, c.actor).ok()) continue;
                if (!agency.empty() && m->agency != agency) continue;
                out.push_back(MailboxView(*m, schedule()));
              }
              return out;
            });
        c.Json(http::status::ok, {{"items", std::move(items)}, {"mail", app_.mail() != nullptr}});
      },
      {{"agency", ParamKind::kText}});

  Add(http::verb::get, "/v1/email-subscriptions/{}", [=](Call& c) {
    if (auto m = find(c, false)) c.Json(http::status::ok, MailboxView(*m, schedule()));
  });

  Add(http::verb::patch, "/v1/email-subscriptions/{}", [=, this](Call& c) {
    auto spec = MailSpecFrom(c);
    if (!spec) return;
    auto d = app_.Read<webhooks::mail::Mailboxes>(
        [&](const Ledger& l, const webhooks::mail::Mailboxes& r) {
          return webhooks::DecideUpdate(r, l, c.params[0], *spec, c.actor);
        });
    const bool reconfirm = spec->address || spec->enabled;  // a new address, or on again
    record(c, std::move(d), [=](const Later& later, const Mailbox& m) {
      answer_mailing(later, m, reconfirm, http::status::ok, "");
    });
  });

  Add(http::verb::delete_, "/v1/email-subscriptions/{}", [=, this](Call& c) {
    auto d = app_.Read<webhooks::mail::Mailboxes>(
        [&](const Ledger&, const webhooks::mail::Mailboxes& r) {
          return webhooks::DecideDelete(r, c.params[0], c.actor);
        });
    record(c, std::move(d), [](const Later& later, const Mailbox&) {
      later.Send(Response{http::status::no_content, later.version});
    });
  });

  // A coordinator vouching for an official address: confirmed, with the coordinator's name.
  Add(http::verb::post, "/v1/email-subscriptions/{}/confirm", [=, this](Call& c) {
    if (!RequireRole(c, {ActorRole::kCoordinator})) return;
    auto current = find(c, true);
    if (!current) return;
    auto d = app_.Read<webhooks::mail::Mailboxes>(
        [&](const Ledger&, const webhooks::mail::Mailboxes& r) {
          return webhooks::mail::DecideConfirm(r, c.params[0], current->address, "coordinator",
                                               c.actor);
        });
    record(c, std::move(d), [=](const Later& later, const Mailbox& m) {
      later.Json(http::status::ok, MailboxView(m, schedule()));
    });
  });

  Add(http::verb::post, "/v1/email-subscriptions/{}/resend-confirmation", [=, this](Call& c) {
    Blocking(c, [=, this](Call& c) {
      auto m = find(c, true);
      if (!m) return;
      if (m->confirmed) {
        return c.Fail(FromStatus(Status::AlreadyExists(m->address + " is confirmed already")));
      }
      if (!m->enabled) {
        return c.Fail(FromStatus(
            Status::FailedPrecondition("the address is turned off: turn it on (enabled: true)")));
      }
      json body = MailboxView(*m, schedule());
      confirm_by_mail(*m, body);
      if (!body["confirmation"]["sent"].get<bool>()) {
        return c.Fail(Unavailable("No confirmation sent", body["confirmation"]["why"]));
      }
      c.Json(http::status::accepted, body);
    });
  });

  Add(http::verb::post, "/v1/email-subscriptions/{}/test", [=, this](Call& c) {
    Blocking(c, [=, this](Call& c) {
      auto m = find(c, true);
      if (!m) return;
      webhooks::mail::MailService* mail = app_.mail();
      if (!mail)
        return c.Fail(Unavailable("Mail is off", "this server sends no mail (no --smtp-url)"));
      auto sent = mail->SendTest(m->id);
      if (!sent.ok()) return c.Fail(FromStatus(sent.status()));
      c.Json(http::status::accepted, {{"message", *sent}, {"to", m->address}});
    });
  });

  Add(http::verb::get, "/v1/email-subscriptions/{}/deliveries", [=, this](Call& c) {
    auto m = find(c, false);
    if (!m) return;
    webhooks::mail::MailService* mail = app_.mail();
    json items = json::array();
    if (mail) {
      auto list = mail->outbox().List(m->id, 100);
      if (!list.ok()) return c.Fail(FromStatus(list.status()));
      for (const webhooks::Message& x : *list) {
        items.push_back({{"id", x.id},
                         {"type", x.type},
                         {"task", x.task.empty() ? json(nullptr) : json(x.task)},
                         {"to", x.to},
                         {"state", webhooks::ToString(x.state)},
                         {"attempts", x.attempts},
                         {"last_status", x.last_status == 0 ? json(nullptr) : json(x.last_status)},
                         {"last_error", x.last_error.empty() ? json(nullptr) : json(x.last_error)},
                         {"created_at_ms", x.created_ms},
                         {"done_at_ms", OrNull(x.done_ms)}});
      }
    }
    c.Json(http::status::ok, {{"items", std::move(items)}});
  });
}

}  // namespace taskledger::server
