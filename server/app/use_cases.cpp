#include "server/app/use_cases.h"

namespace taskledger::server {

using namespace domain;

Result<NewToken> CreateToken(App& app, const TokenRequest& r, const Actor& by) {
  if ((r.role == ActorRole::kAgency) != !r.agency.empty()) {
    return Status::InvalidArgument("agency: an agency token needs an agency, and only it");
  }
  if (r.name.size() > 200) return Status::InvalidArgument("name: is longer than 200 bytes");
  if (!r.agency.empty() && !app.Read([&](const Ledger& l, const TokenTable&) {
        return l.FindAgency(r.agency) != nullptr;
      })) {
    return Status::NotFound("no agency '" + r.agency + "'");
  }
  NewToken t = MintToken(r.role, r.agency, r.name, by.Label(), r.scope);
  if (Status s = app.AppendAndFold(t.stream, ExpectedVersion::NoStream(), {t.event}); !s.ok()) {
    return s;
  }
  return t;
}

Status RevokeToken(App& app, const std::string& id, const Actor& by,
                   const std::function<bool(const TokenRecord&)>& ours) {
  const int state = app.Read([&](const Ledger&, const TokenTable& t) {
    const TokenRecord* r = t.Find(id);
    return !r || (ours && !ours(*r)) ? 404 : r->revoked ? 409 : 200;
  });
  if (state == 404) return Status::NotFound("no such token '" + id + "'");
  if (state == 409) return Status::FailedPrecondition(id + " is revoked already");
  return app.AppendAndFold(TokenStream(id), ExpectedVersion::Exists(),
                           {RevokeEvent(id, by.Label())});
}

Result<ImportOutcome> ImportMatrix(App& app, const ImportRequest& r, const Actor& by) {
  ImportOutcome out;
  bool plan_exists = false;
  out.plan = app.Read([&](const Ledger& l, const TokenTable&) {
    plan_exists = l.FindPlan(r.plan) != nullptr;
    return PlanImportText(l, r.plan, r.text, r.format, r.options);
  });
  // A text that cannot be read is its own problem, whatever plan it was sent to.
  if (!plan_exists && !out.plan.unreadable) return Status::NotFound("no plan '" + r.plan + "'");
  if (!out.plan.problems.empty() || r.dry_run) return out;
  auto done = app.ExecuteAll(out.plan.commands, by);
  if (!done.ok()) return done.status();
  out.events = done->size();
  out.head = app.store().head().position;
  return out;
}

}  // namespace taskledger::server
