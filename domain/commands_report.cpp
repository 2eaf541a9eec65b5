// Deciding PrepareReport: what a plan's report of one day says beyond its counts.
#include "domain/commands.h"
#include "domain/commands_util.h"
#include "domain/event_types.h"

namespace taskledger::domain {

using detail::Invalid;
using detail::MakeEvent;
using detail::OptionalText;
using detail::RequireCoordinator;
using nlohmann::json;

Result<Decision> detail::DecideReport(const Ledger& s, const PrepareReport& c, const Actor& a) {
  if (Status st = RequireCoordinator(a, "prepare reports"); !st.ok()) return st;
  const Plan* p = s.FindPlan(c.plan);
  if (!p) return Status::NotFound("no plan '" + c.plan + "'");
  const ReportParticulars& r = c.particulars;
  if (!r.issuer.empty()) {
    if (Status st = RequireAgencies(s, "issuer", {r.issuer}); !st.ok()) return st;
  }
  struct Field {
    const char* name;
    const std::string* text;
    size_t max;
  };
  const Field fields[] = {{"number", &r.number, 100},
                          {"place", &r.place, 200},
                          {"signer_title", &r.signer_title, 300},
                          {"signer_name", &r.signer_name, 200},
                          {"recipients", &r.recipients, 4000},
                          {"assessment", &r.assessment, 50000},
                          {"shortcomings", &r.shortcomings, 50000},
                          {"recommendations", &r.recommendations, 50000},
                          {"proposals", &r.proposals, 50000}};
  json j = {{"plan", p->id}, {"as_of", ToIso(r.as_of)}};
  if (!r.issuer.empty()) j["issuer"] = r.issuer;
  if (r.dated) j["dated"] = ToIso(*r.dated);
  for (const Field& f : fields) {
    if (Status st = OptionalText(f.name, *f.text, f.max); !st.ok()) return st;
    if (!f.text->empty()) j[f.name] = *f.text;
  }
  if (r.dated && *r.dated < r.as_of) {
    return Invalid("dated", "a report is signed on or after the day it counts to");
  }
  if (const ReportParticulars* old = p->ReportOf(r.as_of)) {
    json was = {{"plan", p->id}, {"as_of", ToIso(old->as_of)}};
    if (!old->issuer.empty()) was["issuer"] = old->issuer;
    if (old->dated) was["dated"] = ToIso(*old->dated);
    const std::string* olds[] = {&old->number,       &old->place,           &old->signer_title,
                                 &old->signer_name,  &old->recipients,      &old->assessment,
                                 &old->shortcomings, &old->recommendations, &old->proposals};
    for (size_t i = 0; i < std::size(fields); ++i) {
      if (!olds[i]->empty()) was[fields[i].name] = *olds[i];
    }
    if (was == j) {
      return Status::FailedPrecondition("the report of " + ToIso(r.as_of) + " reads so already");
    }
  }
  Decision d;
  d.stream = ev::PlanStream(p->id);
  d.expected = ExpectedVersion::Exists();
  d.events.push_back(MakeEvent(ev::kPlanReportPrepared, j, a));
  return d;
}

}  // namespace taskledger::domain
