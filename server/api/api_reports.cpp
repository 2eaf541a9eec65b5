// A plan's report: as of any day, in every format (the counts, the printed page, Word, Excel,
// CSV), with the log's head it was computed at; and what the department writes around its counts
// for each day's report (who issues it, its number, place and signer, its narrative).
#include "domain/text.h"
#include "events/util/sha256.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/office/office.h"
#include "server/views/documents.h"
#include "server/views/views.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

ReportHead Api::HeadOf(const Ledger& l) const {
  ReportHead head{l.position(), {}};
  if (head.position > 0) {
    if (auto e = app_.store().Get(head.position); e.ok()) head.hash = ToHex(e->hash);
  }
  return head;
}

void Api::AddReportRoutes() {
  Add(http::verb::get, "/v1/plans/{}/report",
      [this](Call& c) {
        std::optional<Date> as_of;
        if (!DateParam(c, "as_of", &as_of)) return;
        const std::string format = c.query.count("format") ? c.query.at("format") : "json";
        if (format != "json" && format != "csv" && format != "html" && format != "docx" &&
            format != "xlsx") {
          return c.Fail(BadRequest("format must be json, csv, html, docx or xlsx", "format"));
        }
        // Two readings of a past day: "then", as it was recorded by that day's end (what an
        // auditor asks), or "now", as it is now known to have stood (completions recorded later
        // count from the day they took effect).
        const std::string known = c.query.count("known") ? c.query.at("known") : "then";
        const Date date = as_of.value_or(Today(app_));
        // Who reads what is decided on the plan as it is now: an agency outside the plan reads
        // nothing of it, one inside reads its own tasks' report, or the whole of an open plan.
        const int reach = app_.Read([&](const Ledger& l) {
          const Plan* p = l.FindPlan(c.params[0]);
          return p ? static_cast<int>(PlanAccess(c, l, *p)) : -1;
        });
        if (reach == -1) return c.Fail(NotFound("no plan '" + c.params[0] + "'"));
        if (reach == static_cast<int>(PlanReach::kNone)) return c.Fail(NotParticipant(c.params[0]));
        const std::string only_for =
            reach == static_cast<int>(PlanReach::kOwnTasks) ? c.who.agency : std::string();
        // What the department recorded for that day's report, as it is now known: the header,
        // signer and narrative (never "as recorded then": a report's words are written after
        // its day).
        const std::optional<ReportParticulars> particulars =
            app_.Read([&](const Ledger& l) -> std::optional<ReportParticulars> {
              const Plan* p = l.FindPlan(c.params[0]);
              const ReportParticulars* r = p ? p->ReportOf(date) : nullptr;
              return r ? std::optional<ReportParticulars>(*r) : std::nullopt;
            });
        // The counts and every format are rendered on a render thread, from a replica of the plan
        // (as it is now) or the ledger of that day (as it stood then): a 10,000-task plan's Word
        // report holds back neither an I/O thread nor a command.
        Render(c, [this, as_of, date, format, known, only_for, particulars](Call& c) {
          const bool then = as_of && *as_of < Today(app_) && known != "now";
          // As it stood then: the nearest checkpoint of that plan and the log after it (a
          // report only counts: without the members' parts' details).
          auto ledger = then ? app_.LedgerAsOf(*as_of, c.params[0], /*for_reports=*/true)
                             : app_.PlanNow(c.params[0]);
          if (!ledger.ok()) return c.Fail(FromStatus(ledger.status()));
          const Ledger& l = **ledger;
          const ReportParticulars* words = particulars ? &*particulars : nullptr;
          auto report = l.Report(c.params[0], date, only_for);
          if (!report.ok()) return c.Fail(FromStatus(report.status()));
          // The log's head the counts were computed at, for an auditor to carry away with them
          // and check against the chain (GET /v1/audit/verify, `taskledger verify`).
          const ReportHead head = HeadOf(l);
          if (format == "csv") {
            Response res{http::status::ok, c.req.version()};
            res.set(http::field::content_type, "text/csv; charset=utf-8");
            res.set(http::field::content_disposition,
                    "attachment; filename=\"" + c.params[0] + "-" + ToIso(date) + ".csv\"");
            res.set("X-TaskLedger-Head", head.Header());
            res.body() = ReportCsv(l, *report);
            return c.reply(std::move(res));
          }
          if (format == "docx" || format == "xlsx") {
            auto bytes = format == "docx" ? ReportDocx(l, *report, words) : ReportXlsx(l, *report);
            if (!bytes.ok()) return c.Fail(FromStatus(bytes.status()));
            Response res{http::status::ok, c.req.version()};
            res.set(http::field::content_type,
                    format == "docx" ? office::kDocxType : office::kXlsxType);
            res.set(http::field::content_disposition, "attachment; filename=\"bao-cao-" +
                                                          c.params[0] + "-" + ToIso(date) + "." +
                                                          format + "\"");
            res.set("X-TaskLedger-Head", head.Header());
            res.body() = std::move(*bytes);
            return c.reply(std::move(res));
          }
          if (format == "html") {
            // The printable official report: a document of its own, styled inline, no scripts.
            Response res{http::status::ok, c.req.version()};
            res.set(http::field::content_type, "text/html; charset=utf-8");
            res.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
            res.set("X-Content-Type-Options", "nosniff");
            res.set("X-TaskLedger-Head", head.Header());
            res.body() = ReportHtml(l, *report, words);
            return c.reply(std::move(res));
          }
          c.JsonText(http::status::ok, ReportJson(*report, known, &head));
        });
      },
      {{"as_of", ParamKind::kDate},
       {"known", ParamKind::kEnum, {"then", "now"}},
       {"format", ParamKind::kEnum, {"json", "csv", "html", "docx", "xlsx"}}});

  // The particulars and narrative of the report of one day: GET for whoever reads the plan's
  // report (what is recorded, or what the report would say by default), PUT for coordinators.
  const auto particulars_json = [](const Ledger& l, const Plan& p, Date day) {
    const ReportParticulars* r = p.ReportOf(day);
    const ReportParticulars none{day};
    const ReportParticulars& x = r ? *r : none;
    const std::string issuer = x.issuer.empty() ? p.authority : x.issuer;
    const Agency* a = l.FindAgency(issuer);
    json j = {{"as_of", ToIso(day)},
              {"recorded", r != nullptr},
              {"issuer", issuer},
              {"issuer_name", a ? a->name : issuer},
              {"number", x.number},
              {"place", x.place},
              {"dated", x.dated ? json(ToIso(*x.dated)) : json(nullptr)},
              {"signer_title", x.signer_title},
              {"signer_name", x.signer_name},
              {"recipients", x.recipients},
              {"assessment", x.assessment},
              {"shortcomings", x.shortcomings},
              {"recommendations", x.recommendations},
              {"proposals", x.proposals}};
    if (r) j["prepared"] = {{"by", PersonView(l, r->prepared_by)}, {"at_ms", r->prepared_at_ms}};
    return j;
  };
  Add(http::verb::get, "/v1/plans/{}/reports", [this, particulars_json](Call& c) {
    json items = json::array();
    const int state = app_.Read([&](const Ledger& l) {
      const Plan* p = l.FindPlan(c.params[0]);
      if (!p) return 404;
      if (PlanAccess(c, l, *p) == PlanReach::kNone) return 403;
      for (const ReportParticulars& r : p->reports) {
        items.push_back(particulars_json(l, *p, r.as_of));
      }
      return 200;
    });
    if (state == 404) return c.Fail(NotFound("no plan '" + c.params[0] + "'"));
    if (state == 403) return c.Fail(NotParticipant(c.params[0]));
    c.Json(http::status::ok, {{"plan", c.params[0]}, {"items", std::move(items)}});
  });
  Add(http::verb::get, "/v1/plans/{}/reports/{}", [this, particulars_json](Call& c) {
    const std::optional<Date> day = ParseIsoDate(c.params[1]);
    if (!day) return c.Fail(BadRequest("the report's day is YYYY-MM-DD", "as_of"));
    json body;
    const int state = app_.Read([&](const Ledger& l) {
      const Plan* p = l.FindPlan(c.params[0]);
      if (!p) return 404;
      if (PlanAccess(c, l, *p) == PlanReach::kNone) return 403;
      body = particulars_json(l, *p, *day);
      return 200;
    });
    if (state == 404) return c.Fail(NotFound("no plan '" + c.params[0] + "'"));
    if (state == 403) return c.Fail(NotParticipant(c.params[0]));
    c.Json(http::status::ok, body);
  });
  Add(http::verb::put, "/v1/plans/{}/reports/{}", [this](Call& c) {
    const std::optional<Date> day = ParseIsoDate(c.params[1]);
    if (!day) return c.Fail(BadRequest("the report's day is YYYY-MM-DD", "as_of"));
    static const std::vector<std::string> kTexts = {
        "issuer",     "number",     "place",        "signer_title",    "signer_name",
        "recipients", "assessment", "shortcomings", "recommendations", "proposals"};
    std::vector<std::string> allowed = kTexts;
    allowed.push_back("dated");
    auto j = JsonBody(c, allowed);
    if (!j) return;
    PrepareReport cmd{c.params[0], {*day}};
    ReportParticulars& r = cmd.particulars;
    std::string* into[] = {&r.issuer,          &r.number,     &r.place,      &r.signer_title,
                           &r.signer_name,     &r.recipients, &r.assessment, &r.shortcomings,
                           &r.recommendations, &r.proposals};
    for (size_t i = 0; i < kTexts.size(); ++i) {
      auto text = Text(c, *j, kTexts[i].c_str(), false);
      if (!text) return;
      *into[i] = *text;
    }
    auto dated = DateMember(c, *j, "dated", false);
    if (!dated) return;
    if (*dated != Date{}) r.dated = *dated;
    RunCommand(app_, post_, c, cmd);
  });
}

}  // namespace taskledger::server
