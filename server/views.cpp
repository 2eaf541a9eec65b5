#include "server/views.h"

#include "domain/codec.h"
#include "domain/csv.h"
#include "events/sha256.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

json DateOrNull(const std::optional<Date>& d) { return d ? json(ToIso(*d)) : json(nullptr); }

}  // namespace

const Occurrence* CurrentOccurrence(const Task& t) {
  const Occurrence* best = nullptr;
  for (const Occurrence& o : t.occurrences) {
    if (!o.open()) continue;
    if (!best || (o.due && (!best->due || *o.due < *best->due))) best = &o;
  }
  if (best) return best;
  for (auto it = t.occurrences.rbegin(); it != t.occurrences.rend(); ++it) {
    if (!it->dropped) return &*it;
  }
  return nullptr;
}

json AgencyView(const Agency& a) { return ToJson(a); }

json PlanView(const Plan& p, bool with_sections) {
  json j = {{"id", p.id},
            {"title", p.title},
            {"number", p.number},
            {"authority", p.authority},
            {"issued", DateOrNull(p.issued)},
            {"period", {{"start", ToIso(p.period.start)}, {"end", ToIso(p.period.end)}}},
            {"targets", p.targets},
            {"task_count", p.task_ids.size()}};
  if (with_sections) {
    json sections = json::array();
    for (const Section& s : p.sections) {
      sections.push_back({{"code", s.code}, {"title", s.title}, {"parent", s.parent}});
    }
    j["sections"] = std::move(sections);
  }
  return j;
}

json OccurrenceView(const Occurrence& o, Date today) {
  json j = {{"key", o.key},
            {"start", DateOrNull(o.start)},
            {"due", DateOrNull(o.due)},
            {"original_due", DateOrNull(o.original_due)},
            {"status", ToString(o.status)},
            {"category", ToString(Classify(o, today))},
            {"percent", o.percent}};
  if (!o.target.empty()) j["target"] = o.target;
  if (o.due && o.open()) j["days_left"] = DaysBetween(today, *o.due);
  if (o.completed_on) {
    j["completed_on"] = ToIso(*o.completed_on);
    j["completed_late"] = o.completed_late;
  }
  if (!o.last_progress.empty()) j["last_progress"] = o.last_progress;
  json ds = json::array();
  for (const Deliverable& d : o.deliverables) {
    json x = {{"id", d.id},         {"name", d.name},
              {"size", d.size},     {"submitted_by", d.submitted_by},
              {"submitted_at_ms", d.submitted_at_ms}, {"review", d.review}};
    if (!d.sha256.empty()) x["sha256"] = d.sha256;
    if (!d.note.empty()) x["note"] = d.note;
    if (!d.review_comment.empty()) x["review_comment"] = d.review_comment;
    ds.push_back(std::move(x));
  }
  j["deliverables"] = std::move(ds);
  json ex = json::array();
  for (const ExtensionRequest& r : o.extensions) {
    ex.push_back({{"id", r.id},
                  {"requested_due", ToIso(r.requested_due)},
                  {"reason", r.reason},
                  {"requested_by", r.requested_by},
                  {"decision", r.decision}});
  }
  j["extension_requests"] = std::move(ex);
  if (o.dropped) j["dropped"] = true;
  return j;
}

json TaskView(const Task& t, Date today, bool occurrences) {
  const Occurrence* cur = CurrentOccurrence(t);
  json j = {{"id", t.id},
            {"plan", t.plan},
            {"code", t.code},
            {"title", t.title},
            {"section", t.section},
            {"lead", t.lead},
            {"coordinating", t.coordinating},
            {"deliverable", t.deliverable},
            {"deadline", ToJson(t.schedule)},
            {"targets", t.targets},
            {"version", t.version},
            {"next_due", cur && cur->open() ? DateOrNull(cur->due) : json(nullptr)},
            {"occurrence", cur ? json(cur->key) : json(nullptr)},
            {"status", cur ? json(ToString(cur->status)) : json(nullptr)},
            {"category", cur ? json(ToString(Classify(*cur, today))) : json(nullptr)}};
  if (cur && cur->due && cur->open()) j["days_left"] = DaysBetween(today, *cur->due);
  if (occurrences) {
    json list = json::array();
    for (const Occurrence& o : t.occurrences) list.push_back(OccurrenceView(o, today));
    j["occurrences"] = std::move(list);
  }
  return j;
}

namespace {

json Counts(const CategoryCounts& c) {
  json j = json::object();
  for (int i = 0; i < kCategoryCount; ++i) {
    j[std::string(ToString(static_cast<Category>(i)))] = c.counts[i];
  }
  j["total"] = c.total();
  return j;
}

}  // namespace

json ReportView(const PlanReport& r) {
  json j = {{"plan", PlanView(*r.plan, false)}, {"as_of", ToIso(r.as_of)}, {"totals", Counts(r.totals)}};
  json by_section = json::object(), by_lead = json::object();
  for (const auto& [k, c] : r.by_section) by_section[k] = Counts(c);
  for (const auto& [k, c] : r.by_lead) by_lead[k] = Counts(c);
  j["by_section"] = std::move(by_section);
  j["by_lead"] = std::move(by_lead);
  json lines = json::array();
  for (const ReportLine& l : r.lines) {
    lines.push_back({{"task", l.task->id},
                     {"code", l.task->code},
                     {"title", l.task->title},
                     {"lead", l.task->lead},
                     {"occurrence", l.occurrence->key},
                     {"due", DateOrNull(l.occurrence->due)},
                     {"status", ToString(l.occurrence->status)},
                     {"category", ToString(l.category)}});
  }
  j["lines"] = std::move(lines);
  return j;
}

std::string ReportCsv(const PlanReport& r) {
  std::string out = "\xEF\xBB\xBF";  // Excel reads UTF-8 only with a BOM
  out += WriteCsvRow({"TT", "Nhiệm vụ", "Cơ quan chủ trì", "Mốc", "Hạn", "Trạng thái", "Nhóm"});
  for (const ReportLine& l : r.lines) {
    out += WriteCsvRow({l.task->code, l.task->title,
                        l.task->lead.empty() ? "" : l.task->lead.front(), l.occurrence->key,
                        l.occurrence->due ? ToIso(*l.occurrence->due) : "",
                        std::string(ToString(l.occurrence->status)),
                        std::string(ToString(l.category))});
  }
  return out;
}

json LogEventView(const RecordedEvent& e) {
  return {{"position", e.position},
          {"stream", e.stream},
          {"version", e.version},
          {"id", e.id.ToString()},
          {"type", e.type},
          {"recorded_at_ms", e.recorded_at_ms},
          {"actor", e.actor},
          {"hash", ToHex(e.hash)},
          {"data", json::parse(e.data, nullptr, false)}};
}

}  // namespace taskledger::server
