// The App's notification services, webhooks and mail, and the view of the App each is given:
// its clock, the state under the read lock, commands and appends as the system.
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

Status App::StartWebhooks(webhooks::ServiceOptions options) {
  if (webhooks_) return Status::Ok();
  webhook_host_ = std::make_unique<AppHost>(*this);
  auto service =
      webhooks::Service::Open(options_.data_dir + "/webhooks", *webhook_host_, std::move(options));
  if (!service.ok()) return service.status();
  if (Status s = (*service)->Start(); !s.ok()) return s;
  webhooks_ = std::move(*service);
  return Status::Ok();
}

void App::StopWebhooks(int64_t drain_ms) {
  if (webhooks_) webhooks_->Stop(drain_ms);
}

Status App::StartMail(webhooks::mail::MailOptions options) {
  if (mail_) return Status::Ok();
  mail_host_ = std::make_unique<AppMailHost>(*this);
  auto service = webhooks::mail::MailService::Open(options_.data_dir + "/mail", *mail_host_,
                                                   std::move(options));
  if (!service.ok()) return service.status();
  if (Status s = (*service)->Start(); !s.ok()) return s;
  mail_ = std::move(*service);
  return Status::Ok();
}

void App::StopMail(int64_t drain_ms) {
  if (mail_) mail_->Stop(drain_ms);
}

}  // namespace taskledger::server
