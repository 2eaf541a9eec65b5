#include "server/views/views.h"

#include "domain/codec.h"
#include "domain/csv.h"
#include "domain/text.h"
#include "events/log_export.h"
#include "events/util/sha256.h"
#include "server/views/documents.h"
#include "server/views/views_detail.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

json DateOrNull(const std::optional<Date>& d) { return d ? json(ToIso(*d)) : json(nullptr); }

// The same text as domain::ToJson(Schedule), without building it first.
void WriteSchedule(JsonWriter& w, const Schedule& s) {
  w.BeginObject().Field("text", s.text).Field("kind", ToString(s.kind));
  if (s.start) w.Field("start", ToIso(*s.start));
  if (s.every != Period::kNone) w.Field("every", ToString(s.every));
  if (s.until) w.Field("until", ToIso(*s.until));
  if (!s.milestones.empty()) {
    w.Key("milestones").BeginArray();
    for (const Milestone& m : s.milestones) {
      w.BeginObject().Field("key", m.key).Field("due", ToIso(m.due));
      if (m.start) w.Field("start", ToIso(*m.start));
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

json AgencyView(const Agency& a) { return ToJson(a); }

json PlanView(const Plan& p, bool with_sections) {
  json j = {{"id", p.id},
            {"title", p.title},
            {"number", p.number},
            {"authority", p.authority},
            {"issued", DateOrNull(p.issued)},
            {"period", {{"start", ToIso(p.period.start)}, {"end", ToIso(p.period.end)}}},
            {"targets", p.targets},
            {"open_to_participants", p.open_to_participants},
            {"task_count", p.task_ids.size()},
            {"created_on",
             p.created_at_ms > 0 ? json(ToIso(DateAtUtcMs(p.created_at_ms))) : json(nullptr)}};
  if (with_sections) {
    json sections = json::array();
    for (const Section& s : p.sections) {
      sections.push_back({{"code", s.code}, {"title", s.title}, {"parent", s.parent}});
    }
    j["sections"] = std::move(sections);
  }
  return j;
}

void WriteDate(JsonWriter& w, std::string_view key, const std::optional<Date>& d) {
  w.Key(key);
  if (d) {
    w.String(ToIso(*d));
  } else {
    w.Null();
  }
}

// A report's counts per group and their total, keys sorted (as nlohmann::json writes them).
void WriteCounts(JsonWriter& w, const CategoryCounts& c) {
  static const std::vector<std::pair<std::string_view, int>> keys = [] {
    std::vector<std::pair<std::string_view, int>> k{{"total", -1}};
    for (int i = 0; i < kCategoryCount; ++i) k.emplace_back(ToString(static_cast<Category>(i)), i);
    std::sort(k.begin(), k.end());
    return k;
  }();
  w.BeginObject();
  for (const auto& [key, i] : keys) w.Field(key, i < 0 ? c.total() : c.counts[i]);
  w.EndObject();
}

namespace {

void WriteDeliverables(JsonWriter& w, const std::vector<Deliverable>& ds) {
  w.Key("deliverables").BeginArray();
  for (const Deliverable& d : ds) {
    w.BeginObject()
        .Field("id", d.id)
        .Field("name", d.name)
        .Field("size", d.size)
        .Field("submitted_by", d.submitted_by)
        .Field("submitted_at_ms", d.submitted_at_ms)
        .Field("review", d.review);
    if (!d.sha256.empty()) w.Field("sha256", d.sha256);
    if (!d.note.empty()) w.Field("note", d.note);
    if (!d.review_comment.empty()) w.Field("review_comment", d.review_comment);
    w.EndObject();
  }
  w.EndArray();
}

void WriteExtensions(JsonWriter& w, const std::vector<ExtensionRequest>& rs) {
  w.Key("extension_requests").BeginArray();
  for (const ExtensionRequest& r : rs) {
    w.BeginObject()
        .Field("id", r.id)
        .Field("requested_due", ToIso(r.requested_due))
        .Field("reason", r.reason)
        .Field("requested_by", r.requested_by)
        .Field("decision", r.decision);
    if (!r.decision.empty()) {
      w.Field("decided_by", r.decided_by).Field("decided_at_ms", r.decided_at_ms);
    }
    w.EndObject();
  }
  w.EndArray();
}

// Where an occurrence's parts stand, for whoever reads all of them (the coordinators).
void WritePartsSummary(JsonWriter& w, const Occurrence& o, Date today) {
  w.Key("parts");
  WritePartsSummary(w, Summarize(o, today));
}

void WriteOccurrence(JsonWriter& w, const Occurrence& o, Date today,
                     std::optional<uint32_t> member) {
  w.BeginObject().Field("key", o.key);
  WriteDate(w, "start", o.start);
  WriteDate(w, "due", o.due);
  WriteDate(w, "original_due", o.original_due);
  w.Field("status", ToString(o.status))
      .Field("category", ToString(Classify(o, today)))
      .Field("percent", o.percent);
  if (!o.target.empty()) w.Field("target", o.target);
  if (o.due && o.open()) w.Field("days_left", DaysBetween(today, *o.due));
  if (o.completed_on) {
    w.Field("completed_on", ToIso(*o.completed_on)).Field("completed_late", o.completed_late);
  }
  if (!o.last_progress.empty()) w.Field("last_progress", o.last_progress);
  WriteDeliverables(w, o.deliverables);
  WriteExtensions(w, o.extensions);
  if (o.dropped) w.Field("dropped", true);
  if (!o.parts.empty()) {
    // A member reads its own part and how many there are; others read every part's count.
    if (member) {
      if (const Part* p = o.FindPart(*member)) {
        w.Key("part");
        WritePart(w, *p, o, today, {});
      }
    } else {
      WritePartsSummary(w, o, today);
    }
  }
  w.EndObject();
}

void WriteNotification(JsonWriter& w, const Notification& x) {
  w.BeginObject()
      .Field("occurrence", x.occurrence)
      .Field("type", x.type)
      .Field("agency", x.agency)
      .Field("endpoint", x.endpoint)
      .Field("message", x.message)
      .Field("delivered", x.delivered)
      .Field("attempts", static_cast<int64_t>(x.attempts))
      .Field("at_ms", x.at_ms);
  if (!x.error.empty()) w.Field("error", x.error);
  w.EndObject();
}

}  // namespace

void WritePartsSummary(JsonWriter& w, const PartsSummary& s) {
  w.BeginObject()
      .Field("counted", s.counted)
      .Field("done", s.done)
      .Field("started", s.started)
      .Field("percent", s.percent)
      .Field("awaiting_review", s.awaiting_review)
      .Field("extension_pending", s.extension_pending)
      .Field("late", s.counts[Category::kOverdue])
      .Key("categories");
  WriteCounts(w, s.counts);
  w.EndObject();
}

void WritePart(JsonWriter& w, const Part& p, const Occurrence& o, Date today,
               std::string_view member) {
  w.BeginObject();
  if (!member.empty()) w.Field("member", member);
  const std::optional<Date> due = DueOf(p, o);
  w.Field("status", ToString(p.status))
      .Field("category", ToString(Classify(p, o, today)))
      .Field("percent", static_cast<int64_t>(p.percent))
      .Field("role", p.lead ? "lead" : "coordinating");
  WriteDate(w, "due", due);
  if (p.due != kNoDay) w.Field("own_due", true);
  if (due && p.open() && o.open()) w.Field("days_left", DaysBetween(today, *due));
  if (p.completed_on != kNoDay) {
    w.Field("completed_on", ToIso(*DateOfDay(p.completed_on)))
        .Field("completed_late", p.completed_late);
  }
  WriteDate(w, "joined", DateOfDay(p.joined));
  WriteDate(w, "left", DateOfDay(p.left));
  if (!p.last_progress().empty()) w.Field("last_progress", p.last_progress());
  WriteDeliverables(w, p.deliverables());
  WriteExtensions(w, p.extensions());
  w.EndObject();
}

void WriteTask(JsonWriter& w, const Task& t, Date today, bool occurrences, const AgencyItem* seen,
               std::optional<uint32_t> member) {
  const Occurrence* cur = CurrentOccurrence(t);
  const bool open = cur && cur->open();
  w.BeginObject()
      .Field("id", t.id)
      .Field("plan", t.plan)
      .Field("code", t.code)
      .Field("title", t.title)
      .Field("section", t.section)
      .Field("lead", t.lead)
      .Field("coordinating", t.coordinating)
      .Field("deliverable", t.deliverable)
      .Key("deadline");
  WriteSchedule(w, t.schedule);
  w.Field("targets", t.targets).Field("version", t.version);
  if (t.has_parts() || t.rule.kind != RuleKind::kDefault) {
    const CompletionRule rule = t.EffectiveRule();
    w.Key("rule")
        .BeginObject()
        .Field("kind", ToString(rule.kind))
        .Field("percent", static_cast<int64_t>(rule.percent))
        .Field("chosen", t.rule.kind != RuleKind::kDefault)
        .EndObject();
  }
  // A member of a group sees its own part where the task has one: the item it was listed by,
  // or its part of the current occurrence.
  if (seen && seen->part) cur = seen->occurrence;
  const Part* part = seen ? seen->part : nullptr;
  if (!part && member && cur) part = cur->FindPart(*member);
  if (part) {
    const std::optional<Date> due = DueOf(*part, *cur);
    const bool part_open = open && part->open();
    WriteDate(w, "next_due", part_open ? due : std::nullopt);
    w.Field("occurrence", cur->key)
        .Field("status", ToString(part->status))
        .Field("category", ToString(Classify(*part, *cur, today)));
    if (part_open && due) w.Field("days_left", DaysBetween(today, *due));
    w.Field("percent", static_cast<int64_t>(part->percent)).Field("as_part", true);
    if (!part->last_progress().empty()) {
      w.Field("last_progress", CutUtf8(part->last_progress(), 300));
    }
    int awaiting = 0;
    for (const Deliverable& d : part->deliverables()) awaiting += d.review.empty();
    if (awaiting) w.Field("deliverables_awaiting_review", awaiting);
    for (const ExtensionRequest& x : part->extensions()) {
      if (x.decision.empty()) WriteDate(w, "extension_requested_due", x.requested_due);
    }
  } else if (cur) {
    WriteDate(w, "next_due", open ? cur->due : std::nullopt);
    w.Field("occurrence", cur->key)
        .Field("status", ToString(cur->status))
        .Field("category", ToString(Classify(*cur, today)));
    if (open && cur->due) w.Field("days_left", DaysBetween(today, *cur->due));
    // Where the work stands, for a list to show without opening the task: the progress last
    // reported, a deliverable awaiting review, an extension awaiting a decision; for a group's
    // task, its members' parts.
    w.Field("percent", cur->percent);
    if (!cur->last_progress.empty()) w.Field("last_progress", CutUtf8(cur->last_progress, 300));
    int awaiting = 0;
    for (const Deliverable& d : cur->deliverables) awaiting += d.review.empty();
    if (awaiting) w.Field("deliverables_awaiting_review", awaiting);
    for (const ExtensionRequest& x : cur->extensions) {
      if (x.decision.empty()) WriteDate(w, "extension_requested_due", x.requested_due);
    }
    if (!cur->parts.empty() && !member) {
      // A list shows how many parts there are and are done, from the occurrence's tally (a list
      // of a department's hundred group tasks would otherwise read every school's part); the
      // task's own page reads them all (WritePartsSummary, per occurrence).
      if (occurrences) {
        WritePartsSummary(w, *cur, today);
      } else {
        const PartTally& t = cur->tally;
        w.Key("parts")
            .BeginObject()
            .Field("counted", static_cast<int64_t>(t.held - t.exempt))
            .Field("done", static_cast<int64_t>(t.done.size()))
            .Field("started", static_cast<int64_t>(t.started))
            .EndObject();
      }
    }
  } else {
    w.Key("occurrence").Null().Key("status").Null().Key("category").Null();
  }
  if (seen) {
    w.Field("role", ToString(seen->role));
    if (!seen->via.empty()) w.Field("via", seen->via);
  }
  if (occurrences) {
    w.Key("occurrences").BeginArray();
    for (const Occurrence& o : t.occurrences) WriteOccurrence(w, o, today, member);
    w.EndArray();
    // Who was told what, and when (webhooks): the latest 50, oldest first; the full list is
    // in the task's history.
    w.Key("notifications").BeginArray();
    const size_t n = t.notifications.size();
    for (size_t i = n > 50 ? n - 50 : 0; i < n; ++i) WriteNotification(w, t.notifications[i]);
    w.EndArray();
  }
  w.EndObject();
}

json PersonView(const Ledger& l, std::string_view label) {
  json j = {{"label", label}};
  std::string_view rest = label;
  const size_t colon = rest.find(':');
  const std::string_view role = rest.substr(0, colon);
  j["role"] = role;
  rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  if (role == "agency") {
    const size_t next = rest.find(':');
    const std::string agency(rest.substr(0, next));
    j["agency"] = agency;
    const Agency* a = l.FindAgency(agency);
    j["agency_name"] = a ? a->name : agency;
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
  }
  // The token's id is for auditors; people are named by what the coordinator called them.
  if (const size_t token = rest.rfind(" (token ");
      token != std::string_view::npos && rest.ends_with(')')) {
    rest = rest.substr(0, token);
  }
  j["person"] = rest;
  return j;
}

json TaskView(const Task& t, Date today, bool occurrences, std::optional<uint32_t> member) {
  std::string text;
  JsonWriter w(&text);
  WriteTask(w, t, today, occurrences, nullptr, member);
  return json::parse(text);
}

json LogEventView(const RecordedEvent& e) {
  json j = EventMeta(e);
  j["data"] = json::parse(e.data, nullptr, false);
  return j;
}

}  // namespace taskledger::server
