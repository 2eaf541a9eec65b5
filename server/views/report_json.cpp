// The plan's report as the API and spreadsheets read it: JSON written straight into the body,
// and CSV for Excel.
#include "domain/csv.h"
#include "domain/text.h"
#include "server/views/documents.h"
#include "server/views/views.h"
#include "server/views/views_detail.h"

namespace taskledger::server {

using nlohmann::json;
using namespace domain;

namespace {

// What the agencies were told about one occurrence (and about its task as a whole).
struct Told {
  int delivered = 0, failed = 0;
  int64_t last_delivered_ms = 0;
};

Told TellingOf(const Task& t, const Occurrence& o) {
  Told told;
  for (const Notification& n : t.notifications) {
    if (!n.occurrence.empty() && n.occurrence != o.key) continue;
    if (n.delivered) {
      ++told.delivered;
      told.last_delivered_ms = std::max(told.last_delivered_ms, n.at_ms);
    } else {
      ++told.failed;
    }
  }
  return told;
}

}  // namespace

namespace {

// Occurrences' counts by section or lead (`parts`: their members' parts' counts instead).
void WriteCountsBy(JsonWriter& w, std::string_view key,
                   const std::map<std::string, ReportCounts>& by, bool parts = false) {
  w.Key(key).BeginObject();
  for (const auto& [k, c] : by) {
    if (parts && c.parts.total() == 0) continue;
    w.Key(k);  // section codes and agency ids: slugs, no escaping needed
    WriteCounts(w, parts ? c.parts : c.tasks);
  }
  w.EndObject();
}

}  // namespace

std::string ReportJson(const PlanReport& r, std::string_view known, const ReportHead* head) {
  // Written straight into the body: a national plan's report has ten thousand lines, whose
  // document tree cost more than everything else in answering it.
  std::string text;
  JsonWriter w(&text);
  w.BeginObject().Field("as_of", ToIso(r.as_of));
  WriteCountsBy(w, "by_lead", r.by_lead);
  if (head) {
    w.Key("head")
        .BeginObject()
        .Field("position", head->position)
        .Field("hash", head->hash)
        .EndObject();
  }
  WriteCountsBy(w, "by_section", r.by_section);
  if (!known.empty()) w.Field("known", known);
  w.Key("lines").BeginArray();
  for (const ReportLine& l : r.lines) {
    w.BeginObject().Field("category", ToString(l.category)).Field("code", l.task->code);
    WriteDate(w, "due", l.occurrence->due);
    w.Field("lead", l.task->lead);
    const Told told = TellingOf(*l.task, *l.occurrence);
    w.Key("notified")
        .BeginObject()
        .Field("delivered", told.delivered)
        .Field("failed", told.failed)
        .Key("last_delivered_at_ms");
    if (told.last_delivered_ms) {
      w.Int(told.last_delivered_ms);
    } else {
      w.Null();
    }
    w.EndObject().Field("occurrence", l.occurrence->key);
    if (!l.occurrence->parts.empty()) {
      // Its members' parts that count that day: "183/250 hoàn thành".
      w.Key("parts").BeginObject();
      w.Field("counted", l.parts.total() - l.parts[Category::kCancelled])
          .Field("done", l.parts.completed())
          .Key("categories");
      WriteCounts(w, l.parts);
      w.EndObject();
    }
    w.Field("section", l.task->section)
        .Field("status", ToString(l.occurrence->status))
        .Field("task", l.task->id)
        .Field("title", l.task->title)
        .EndObject();
  }
  w.EndArray();
  if (r.totals.parts.total() > 0) {
    // Beside the occurrences, the parts of those given to groups, each member's judged on its
    // own dates.
    w.Key("parts").BeginObject().Key("totals");
    WriteCounts(w, r.totals.parts);
    WriteCountsBy(w, "by_lead", r.by_lead, true);
    WriteCountsBy(w, "by_section", r.by_section, true);
    w.EndObject();
  }
  w.Field("plan", PlanView(*r.plan, false));
  // Whose tasks it counts: the whole plan, or one agency's (what an agency reads of a plan
  // that is not open to its participants).
  w.Key("scope").BeginObject();
  if (!r.only_for.empty()) w.Field("agency", r.only_for);
  w.Field("kind", r.only_for.empty() ? "plan" : "agency").EndObject();
  w.Key("totals");
  WriteCounts(w, r.totals.tasks);
  w.EndObject();
  return text;
}

json ReportView(const PlanReport& r) { return json::parse(ReportJson(r, {})); }

std::string ReportCsv(const Ledger& ledger, const PlanReport& r) {
  std::string out = "\xEF\xBB\xBF";  // Excel reads UTF-8 only with a BOM
  // People's columns first (names, dates as they write them, Vietnamese labels); the ids and
  // codes programs and auditors match on come last.
  out += WriteCsvRow({"TT", "Nhiệm vụ", "Cơ quan chủ trì", "Mốc", "Hạn", "Trạng thái", "Nhóm",
                      "Đã thông báo (lần)", "Thông báo gần nhất", "Đơn vị thành viên hoàn thành",
                      "Đơn vị thành viên", "Đơn vị thành viên quá hạn", "Mã nhiệm vụ",
                      "Mã cơ quan chủ trì", "Mã trạng thái", "Mã nhóm"});
  const auto names = [&](const std::vector<std::string>& ids) {
    std::string joined;
    for (const std::string& id : ids) {
      const Agency* a = ledger.FindAgency(id);
      joined += (joined.empty() ? "" : "; ") + (a ? a->name : id);
    }
    return joined;
  };
  const auto ids = [](const std::vector<std::string>& list) {
    std::string joined;
    for (const std::string& id : list) joined += (joined.empty() ? "" : "; ") + id;
    return joined;
  };
  for (const ReportLine& l : r.lines) {
    const Told told = TellingOf(*l.task, *l.occurrence);
    const bool parts = !l.occurrence->parts.empty();
    const auto count = [&](int n) { return parts ? std::to_string(n) : std::string(); };
    out += WriteCsvRow(
        {l.task->code, l.task->title, names(l.task->lead), l.occurrence->key,
         l.occurrence->due ? ToDmy(*l.occurrence->due) : "",
         std::string(StatusLabelVi(l.occurrence->status)), std::string(CategoryLabelVi(l.category)),
         std::to_string(told.delivered),
         told.last_delivered_ms ? ToDmy(DateAtUtcMs(told.last_delivered_ms)) : "",
         count(l.parts.completed()), count(l.parts.total() - l.parts[Category::kCancelled]),
         count(l.parts[Category::kOverdue]), l.task->id, ids(l.task->lead),
         std::string(ToString(l.occurrence->status)), std::string(ToString(l.category))});
  }
  return out;
}

}  // namespace taskledger::server
