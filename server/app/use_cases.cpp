#include "server/app/use_cases.h"

#include <future>

namespace taskledger::server {

using namespace domain;

namespace {

// Waits for an asynchronous use case's answer: the blocking forms, for the command line.
template <class R, class Start>
R Wait(Start start) {
  std::promise<R> promise;
  auto future = promise.get_future();
  start([&promise](R r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace

void CreateToken(App& app, const TokenRequest& r, const Actor& by,
                 std::function<void(Result<NewToken>)> done) {
  if ((r.role == ActorRole::kAgency) != !r.agency.empty()) {
    return done(Status::InvalidArgument("agency: an agency token needs an agency, and only it"));
  }
  if (r.name.size() > 200) return done(Status::InvalidArgument("name: is longer than 200 bytes"));
  if (!r.agency.empty() &&
      !app.Read([&](const Ledger& l) { return l.FindAgency(r.agency) != nullptr; })) {
    return done(Status::NotFound("no agency '" + r.agency + "'"));
  }
  auto t = std::make_shared<NewToken>(MintToken(r.role, r.agency, r.name, by.Label(), r.scope));
  Decision d{t->stream, ExpectedVersion::NoStream(), {t->event}, {}};
  app.Submit(std::move(d), [t, done = std::move(done)](Result<CommandOutcome> o) {
    if (!o.ok()) return done(o.status());
    done(std::move(*t));
  });
}

Result<NewToken> CreateToken(App& app, const TokenRequest& r, const Actor& by) {
  return Wait<Result<NewToken>>([&](auto done) { CreateToken(app, r, by, std::move(done)); });
}

void RevokeToken(App& app, const std::string& id, const Actor& by,
                 const std::function<bool(const TokenRecord&)>& ours,
                 std::function<void(Status)> done) {
  const int state = app.Read<TokenTable>([&](const Ledger&, const TokenTable& t) {
    const TokenRecord* r = t.Find(id);
    return !r || (ours && !ours(*r)) ? 404 : r->revoked ? 409 : 200;
  });
  if (state == 404) return done(Status::NotFound("no such token '" + id + "'"));
  if (state == 409) return done(Status::FailedPrecondition(id + " is revoked already"));
  Decision d{TokenStream(id), ExpectedVersion::Exists(), {RevokeEvent(id, by.Label())}, {}};
  app.Submit(std::move(d), [done = std::move(done)](Result<CommandOutcome> o) {
    done(o.ok() ? Status::Ok() : o.status());
  });
}

Status RevokeToken(App& app, const std::string& id, const Actor& by,
                   const std::function<bool(const TokenRecord&)>& ours) {
  return Wait<Status>([&](auto done) { RevokeToken(app, id, by, ours, std::move(done)); });
}

Result<ImportOutcome> ImportMatrix(App& app, const ImportRequest& r, const Actor& by) {
  ImportOutcome out;
  auto doc = office::ReadMatrixDocument(r.bytes, r.media_type, r.read);
  if (!doc.ok()) return doc.status();
  out.kind = doc->kind;
  out.encoding = doc->encoding;
  bool plan_exists = false;
  ImportOptions options = r.options;
  options.today = DateAtUtcMs(app.NowMs());
  const auto plan = [&](const Ledger& l) {
    plan_exists = l.FindPlan(r.plan) != nullptr;
    switch (doc->kind) {
      case office::DocumentKind::kCsv:
        return PlanImportText(l, r.plan, doc->text, MatrixFormat::kCsv, options);
      case office::DocumentKind::kJson:
        return PlanImportText(l, r.plan, doc->text, MatrixFormat::kJson, options);
      default:
        return PlanImportTables(l, r.plan, doc->tables, r.sheet, options);
    }
  };
  out.plan = app.Read([&](const Ledger& l) { return plan(l); });
  // A file that cannot be read is its own problem, whatever plan it was sent to.
  if (!plan_exists && !out.plan.unreadable) return Status::NotFound("no plan '" + r.plan + "'");
  if (!out.plan.problems.empty() || r.dry_run) return out;
  auto done = app.ExecuteAtomically(
      [&](const Ledger& l) {
        ImportPlan again = plan(l);  // decided again if the ledger moved since the preview
        std::vector<Command> commands = std::move(again.commands);
        out.plan = std::move(again);
        return commands;
      },
      by);
  if (!done.ok()) return done.status();
  if (!out.plan.problems.empty()) return out;  // someone changed the plan in between
  out.events = done->events;
  out.head = done->head;
  return out;
}

}  // namespace taskledger::server
