// A task's parts, for its coordinators and the department that leads it: the members' parts of
// an occurrence filtered and paged (or filed as a workbook), the rule that judges the task done
// from them, a reminder to the late ones in one action, and completions recorded for many
// members at once.
#include "domain/parts.h"
#include "domain/text.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/office/office.h"
#include "server/views/documents.h"
#include "server/views/views.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

std::vector<std::string> FilterNames() {
  std::vector<std::string> out;
  for (PartFilter f : kPartFilters) out.emplace_back(ToString(f));
  return out;
}

std::string_view FilterLabelVi(PartFilter f) {
  switch (f) {
    case PartFilter::kAll:
      return "";
    case PartFilter::kOpen:
      return "các đơn vị chưa hoàn thành";
    case PartFilter::kNotStarted:
      return "các đơn vị chưa bắt đầu";
    case PartFilter::kInProgress:
      return "các đơn vị đang thực hiện";
    case PartFilter::kAwaitingReview:
      return "các đơn vị có sản phẩm chờ duyệt";
    case PartFilter::kLate:
      return "các đơn vị quá hạn";
    case PartFilter::kDone:
      return "các đơn vị đã hoàn thành";
    case PartFilter::kExempt:
      return "các đơn vị không áp dụng";
    case PartFilter::kExtensionPending:
      return "các đơn vị xin gia hạn";
  }
  return "";
}

// The occurrence a parts request is about: the one named, else the one the task is at.
const Occurrence* ChosenOccurrence(const Task& t, const std::string& key) {
  return key.empty() ? CurrentOccurrence(t) : t.Find(key);
}

}  // namespace

void Api::AddPartRoutes() {
  Add(http::verb::get, "/v1/tasks/{}/parts",
      [this](Call& c) {
        size_t limit, offset;
        if (!LimitParam(c, &limit, &offset)) return;
        const std::string key = c.query.count("occurrence") ? c.query.at("occurrence") : "";
        const PartFilter filter =
            ParsePartFilter(c.query.count("state") ? c.query.at("state") : "all")
                .value_or(PartFilter::kAll);
        const std::string words = c.query.count("q") ? c.query.at("q") : "";
        const std::string format = c.query.count("format") ? c.query.at("format") : "json";
        // The answer from `l`: the JSON page here, under the lock (a page is small); the whole
        // list as a file on a render thread, from a replica of the task's plan.
        const auto answer = [this, key, filter, words, format, limit, offset](Call& c,
                                                                              const Ledger& l) {
          const Date today = Today(app_);
          std::optional<Problem> problem;
          std::string body;
          Result<std::string> file = std::string();
          std::string code;
          [&] {
            const Task* t = l.FindTask(c.params[0]);
            if (!t) return problem.emplace(NotFound("no task '" + c.params[0] + "'")), void();
            if (!ReadsParts(c, *t)) {
              problem.emplace(Forbidden(
                  "the members' parts of a task are read by its coordinators, auditors and the "
                  "agency that leads it"));
              return;
            }
            const Occurrence* o = ChosenOccurrence(*t, key);
            if (!o) {
              problem.emplace(NotFound("task " + t->id + " has no occurrence '" + key + "'"));
              return;
            }
            const std::vector<PartRow> rows = ListParts(l, *o, today, filter, words);
            code = t->code;
            if (format == "csv") return body = PartsCsv(*t, *o, rows), void();
            if (format == "xlsx") {
              file = PartsXlsx(*t, *o, rows, today, FilterLabelVi(filter));
              return;
            }
            JsonWriter w(&body);
            w.BeginObject().Field("task", t->id).Field("occurrence", o->key);
            w.Key("due");
            if (o->due) {
              w.String(ToIso(*o->due));
            } else {
              w.Null();
            }
            const CompletionRule rule = t->EffectiveRule();
            w.Field("as_of", ToIso(today))
                .Field("state", ToString(filter))
                .Key("rule")
                .BeginObject()
                .Field("kind", ToString(rule.kind))
                .Field("percent", static_cast<int64_t>(rule.percent))
                .Field("chosen", t->rule.kind != RuleKind::kDefault)
                .EndObject();
            w.Key("summary");
            WritePartsSummary(w, Summarize(*o, today));
            w.Field("total", static_cast<int64_t>(rows.size())).Key("items").BeginArray();
            for (size_t i = offset; i < rows.size() && i < offset + limit; ++i) {
              const PartRow& row = rows[i];
              const std::string& id = l.AgencyIdOf(row.part->member);
              // The part, and whose: its name, and the parent that tells two of one name apart.
              std::string part;
              JsonWriter pw(&part);
              WritePart(pw, *row.part, *o, today, id);
              part.pop_back();  // the closing brace: the member's names follow
              w.Raw(part + ",\"name\":" + json(row.member ? row.member->name : id).dump() +
                    ",\"parent\":" + json(row.member ? row.member->parent : "").dump() + "}");
            }
            w.EndArray().Key("next_cursor");
            if (rows.size() > offset + limit) {
              w.String(std::to_string(offset + limit));
            } else {
              w.Null();
            }
            w.EndObject();
          }();
          if (problem) return c.Fail(*problem);
          if (format == "json") return c.JsonText(http::status::ok, std::move(body));
          if (!file.ok()) return c.Fail(FromStatus(file.status()));
          Response res{http::status::ok, c.req.version()};
          res.set(http::field::content_type,
                  format == "csv" ? "text/csv; charset=utf-8" : office::kXlsxType);
          res.set(http::field::content_disposition, "attachment; filename=\"don-vi-" + code + "-" +
                                                        ToIso(today) + "." + format + "\"");
          res.body() = format == "csv" ? std::move(body) : std::move(*file);
          c.reply(std::move(res));
        };
        if (format == "json") {
          // Answered after the lock is let go: a slow client never holds back a fold.
          return AnswerAfter(c, [&] { app_.Read([&](const Ledger& l) { answer(c, l); }); });
        }
        const std::string plan = app_.Read([&](const Ledger& l) {
          const Task* t = l.FindTask(c.params[0]);
          return t ? t->plan : std::string();
        });
        if (plan.empty()) return c.Fail(NotFound("no task '" + c.params[0] + "'"));
        Render(c, [this, plan, answer](Call& c) {
          auto ledger = app_.PlanNow(plan, /*details=*/true);
          if (!ledger.ok()) return c.Fail(FromStatus(ledger.status()));
          answer(c, **ledger);
        });
      },
      {{"occurrence", ParamKind::kText},
       {"state", ParamKind::kEnum, FilterNames()},
       {"q", ParamKind::kText},
       {"format", ParamKind::kEnum, {"json", "csv", "xlsx"}},
       {"limit", ParamKind::kLimit},
       {"cursor", ParamKind::kCursor}});

  // How the task is judged done from its parts: {"rule": "all_parts" | "threshold" |
  // "lead_acceptance" | "default", "percent": 80, "reason": …}.
  Add(http::verb::put, "/v1/tasks/{}/rule", [this](Call& c) {
    auto j = JsonBody(c, {"rule", "percent", "reason"});
    if (!j) return;
    auto rule = Text(c, *j, "rule", true), reason = Text(c, *j, "reason", true);
    if (!rule || !reason) return;
    const std::optional<RuleKind> kind = ParseRuleKind(*rule);
    if (!kind) {
      return c.Fail(BadRequest(
          "rule must be default, all_parts, threshold (with a percent) or lead_acceptance",
          "rule"));
    }
    std::optional<int64_t> percent = 100;
    if (*kind == RuleKind::kThreshold) percent = Integer(c, *j, "percent", 1, 100);
    if (!percent) return;
    RunCommand(app_, post_, c,
               SetCompletionRule{c.params[0], {*kind, static_cast<int>(*percent)}, *reason},
               c.params[0]);
  });

  // A reminder to members about their open parts: those named, or those a state picks (the late
  // ones by default). The channels deliver it and record each outcome on the task.
  Add(http::verb::post, "/v1/tasks/{}/parts/remind", [this](Call& c) {
    auto j = JsonBody(c, {"occurrence", "members", "state", "message"});
    if (!j) return;
    auto key = Text(c, *j, "occurrence", false), state = Text(c, *j, "state", false),
         message = Text(c, *j, "message", false);
    auto members = TextList(c, *j, "members", false);
    if (!key || !state || !message || !members) return;
    const std::optional<PartFilter> filter = ParsePartFilter(state->empty() ? "late" : *state);
    if (!filter || *filter == PartFilter::kDone || *filter == PartFilter::kExempt ||
        *filter == PartFilter::kAll) {
      return c.Fail(
          BadRequest("state picks open parts: late, not_started, in_progress, awaiting_review, "
                     "extension_pending or open",
                     "state"));
    }
    std::string occurrence;
    const bool found = app_.Read([&](const Ledger& l) {
      const Task* t = l.FindTask(c.params[0]);
      const Occurrence* o = t ? ChosenOccurrence(*t, *key) : nullptr;
      if (!o) return false;
      occurrence = o->key;
      if (!members->empty()) return true;
      for (const PartRow& row : ListParts(l, *o, Today(app_), *filter)) {
        members->push_back(l.AgencyIdOf(row.part->member));
      }
      return true;
    });
    if (!found) return c.Fail(NotFound("no task '" + c.params[0] + "' or no such occurrence"));
    if (members->empty()) {
      return c.Fail(Conflict(
          "Nobody to remind",
          "no member's part is " + std::string(ToString(*filter)) + " on this occurrence"));
    }
    RunCommand(app_, post_, c, RemindParts{c.params[0], occurrence, *members, *message},
               c.params[0]);
  });

  // Parts done before the plan was tracked here: {"occurrence", "reason", "parts": [{"member",
  // "completed_on"}]}, all of them or none.
  Add(http::verb::post, "/v1/tasks/{}/parts/completions", [this](Call& c) {
    auto j = JsonBody(c, {"occurrence", "parts", "reason"});
    if (!j) return;
    auto key = Text(c, *j, "occurrence", false), reason = Text(c, *j, "reason", true);
    if (!key || !reason) return;
    if (!j->contains("parts") || !(*j)["parts"].is_array() || (*j)["parts"].empty()) {
      return c.Fail(BadRequest("parts must be a list of {member, completed_on}", "parts"));
    }
    RecordPartCompletions cmd{c.params[0], *key, {}, *reason};
    const json& parts = (*j)["parts"];
    for (size_t i = 0; i < parts.size(); ++i) {
      const std::string at = "parts[" + std::to_string(i) + "]";
      const json& p = parts[i];
      if (!p.is_object() || !p.contains("member") || !p["member"].is_string() ||
          !p.contains("completed_on") || !p["completed_on"].is_string()) {
        return c.Fail(BadRequest(at + " must be {member, completed_on}", at));
      }
      const std::optional<Date> day = ParseIsoDate(p["completed_on"].get<std::string>());
      if (!day) return c.Fail(BadRequest(at + ".completed_on must be YYYY-MM-DD", at));
      cmd.parts.emplace_back(p["member"].get<std::string>(), *day);
    }
    if (cmd.occurrence.empty()) {
      app_.Read([&](const Ledger& l) {
        const Task* t = l.FindTask(c.params[0]);
        if (const Occurrence* o = t ? CurrentOccurrence(*t) : nullptr) cmd.occurrence = o->key;
      });
    }
    RunCommand(app_, post_, c, cmd, c.params[0]);
  });
}

}  // namespace taskledger::server
