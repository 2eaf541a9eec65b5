// The App's notification services, webhooks and mail, and the view of the App each is given:
// its clock, the state under the read lock, commands and appends as the system.
#include <spdlog/spdlog.h>

#include "events/pg_lock.h"
#include "server/app/app.h"

namespace taskledger::server {
namespace {

// What both services get alike; `label` names the system actor their commands are recorded as.
template <class Interface>
class AppChannel : public Interface {
 public:
  AppChannel(App& app, std::string label) : app_(app), label_(std::move(label)) {}
  int64_t NowMs() const override { return app_.NowMs(); }
  void Execute(domain::Command command, std::function<void(Status)> done) override {
    app_.Execute(std::move(command), domain::Actor{domain::ActorRole::kSystem, "", label_}, {},
                 [done = std::move(done)](Result<CommandOutcome> r) {
                   done(r.ok() ? Status::Ok() : r.status());
                 });
  }
  Status Append(domain::Decision d) override {
    return app_.AppendAndFold(d.stream, d.expected, std::move(d.events));
  }

 protected:
  App& app_;
  const std::string label_;
};

// The webhooks' view of the App.
class AppHost final : public AppChannel<webhooks::Host> {
 public:
  explicit AppHost(App& app) : AppChannel(app, "webhooks") {}
  void Read(const std::function<void(const domain::Ledger&, const webhooks::Registry&)>& fn)
      const override {
    app_.Read<webhooks::Registry>(
        [&](const domain::Ledger& l, const webhooks::Registry& r) { fn(l, r); });
  }
  EventStore& store() override { return app_.store(); }
};

// The mail service's view of the App.
class AppMailHost final : public AppChannel<webhooks::mail::MailHost> {
 public:
  explicit AppMailHost(App& app) : AppChannel(app, "mail") {}
  void ReadMail(const std::function<void(const domain::Ledger&, const webhooks::mail::Mailboxes&)>&
                    fn) const override {
    app_.Read<webhooks::mail::Mailboxes>(
        [&](const domain::Ledger& l, const webhooks::mail::Mailboxes& m) { fn(l, m); });
  }
  const EventStore& store() const override { return app_.store(); }
};

}  // namespace

namespace {

// The delivery lock's key (pg_advisory_lock): one per database, whatever it serves.
constexpr int64_t kDeliveryLock = 1953066601;

}  // namespace

webhooks::OutboxOptions App::OutboxOptionsFor(const char* box, webhooks::OutboxOptions base) const {
  base.store_uri = options_.store_uri;
  base.box = box;
  base.seal_key = options_.secrets_key;
  return base;
}

Status App::OpenWebhooks() {
  webhooks::ServiceOptions o = *webhook_options_;
  o.outbox = OutboxOptionsFor("webhooks", o.outbox);
  auto service = webhooks::Service::Open(options_.data_dir + "/webhooks", *webhook_host_, o);
  if (!service.ok()) return service.status();
  webhooks_ = service->get();
  webhook_services_.push_back(std::move(*service));
  return Status::Ok();
}

Status App::OpenMail() {
  webhooks::mail::MailOptions o = *mail_options_;
  o.outbox = OutboxOptionsFor("mail", o.outbox);
  auto service = webhooks::mail::MailService::Open(options_.data_dir + "/mail", *mail_host_, o);
  if (!service.ok()) return service.status();
  mail_ = service->get();
  mail_services_.push_back(std::move(*service));
  return Status::Ok();
}

Status App::StartWebhooks(webhooks::ServiceOptions options) {
  if (webhooks_) return Status::Ok();
  webhook_host_ = std::make_unique<AppHost>(*this);
  webhook_options_ = std::move(options);
  if (Status s = OpenWebhooks(); !s.ok()) return s;
  if (store_->shared()) return Status::Ok();  // the delivery lock's holder starts it
  delivering_ = true;
  return webhooks_.load()->Start();
}

void App::StopWebhooks(int64_t drain_ms) {
  if (auto* w = webhooks_.load()) w->Stop(drain_ms);
}

Status App::StartMail(webhooks::mail::MailOptions options) {
  if (mail_) return Status::Ok();
  mail_host_ = std::make_unique<AppMailHost>(*this);
  mail_options_ = std::move(options);
  if (Status s = OpenMail(); !s.ok()) return s;
  if (store_->shared()) return Status::Ok();
  return mail_.load()->Start();
}

void App::StopMail(int64_t drain_ms) {
  if (auto* m = mail_.load()) m->Stop(drain_ms);
}

void App::StartDeliveryLock() {
  if (!store_->shared() || delivery_lock_.joinable()) return;
  delivery_lock_ = std::thread([this] { HoldDeliveryLock(); });
}

void App::HoldDeliveryLock() {
  PgSessionLock lock(options_.store_uri, kDeliveryLock, "taskledger delivery");
  bool fresh = true;  // the current services have never been started
  while (!stop_following_) {
    if (!delivering_ && !fresh) {
      // After a lost lock: fresh services (a stopped one does not start again), once the
      // database answers.
      Status s = webhooks_ ? OpenWebhooks() : Status::Ok();
      if (s.ok() && mail_) s = OpenMail();
      fresh = s.ok();
    }
    if (!delivering_ && fresh) {
      if (lock.TryHold()) {
        fresh = false;
        Status s = webhooks_ ? webhooks_.load()->Start() : Status::Ok();
        if (s.ok() && mail_) s = mail_.load()->Start();
        if (s.ok()) {
          delivering_ = true;
          spdlog::info(
              "this node holds the delivery lock: it delivers webhooks, mail and "
              "reminders");
        } else {
          spdlog::error("delivery could not start: {}", s.ToString());
        }
      }
    } else if (!lock.StillHeld()) {
      // Another node may hold it now: stop at once, so that no two deliver.
      spdlog::error(
          "lost the delivery lock (its database session ended): delivery stops here "
          "and goes on on whichever node takes the lock");
      StopWebhooks(0);
      StopMail(0);
      delivering_ = false;
    }
    for (auto waited = std::chrono::milliseconds(0);
         waited < options_.delivery_lock_interval && !stop_following_;
         waited += std::chrono::milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace taskledger::server
