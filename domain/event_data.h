// Reading event data with simdjson's DOM parser, for the fold (ledger_apply.cpp): one reused
// parser per thread, no allocation per event in the steady state. Private to domain/.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ledger.h"
#include "domain/model.h"

namespace taskledger::domain::event_data {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

inline std::string_view Str(const element& obj, const char* key) {
  std::string_view v;
  if (obj[key].get(v) != simdjson::SUCCESS) return {};
  return v;
}

inline std::vector<std::string> Strs(const element& obj, const char* key) {
  std::vector<std::string> out;
  array arr;
  if (obj[key].get(arr) != simdjson::SUCCESS) return out;
  for (element x : arr) {
    std::string_view v;
    if (x.get(v) == simdjson::SUCCESS) out.emplace_back(v);
  }
  return out;
}

inline std::optional<Date> DateField(const element& obj, const char* key) {
  return ParseIsoDate(Str(obj, key));
}

inline int64_t Int(const element& obj, const char* key, int64_t fallback = 0) {
  int64_t v;
  if (obj[key].get(v) != simdjson::SUCCESS) return fallback;
  return v;
}

inline bool Bool(const element& obj, const char* key) {
  bool v = false;
  if (obj[key].get(v) != simdjson::SUCCESS) return false;
  return v;
}

inline Schedule ReadSchedule(const element& j) {
  Schedule s;
  s.text = std::string(Str(j, "text"));
  const std::string_view kind = Str(j, "kind");
  for (auto k : {ScheduleKind::kDue, ScheduleKind::kWindow, ScheduleKind::kMilestones,
                 ScheduleKind::kRecurring, ScheduleKind::kOngoing, ScheduleKind::kUnscheduled}) {
    if (ToString(k) == kind) s.kind = k;
  }
  const std::string_view every = Str(j, "every");
  for (auto p :
       {Period::kYear, Period::kSemester, Period::kQuarter, Period::kMonth, Period::kWeek}) {
    if (ToString(p) == every) s.every = p;
  }
  s.start = DateField(j, "start");
  s.until = DateField(j, "until");
  array ms;
  if (j["milestones"].get(ms) == simdjson::SUCCESS) {
    for (element m : ms) {
      if (auto due = DateField(m, "due")) {
        s.milestones.push_back({std::string(Str(m, "key")), *due, DateField(m, "start")});
      }
    }
  }
  return s;
}

inline std::vector<Occurrence> ReadOccurrences(const element& j) {
  std::vector<Occurrence> out;
  array arr;
  if (j["occurrences"].get(arr) != simdjson::SUCCESS) return out;
  for (element x : arr) {
    Occurrence o;
    o.key = std::string(Str(x, "key"));
    o.start = DateField(x, "start");
    o.due = DateField(x, "due");
    o.original_due = o.due;
    o.target = std::string(Str(x, "target"));
    out.push_back(std::move(o));
  }
  return out;
}

inline Agency ReadAgency(const element& j) {
  Agency a;
  a.id = std::string(Str(j, "id"));
  a.name = std::string(Str(j, "name"));
  a.name_en = std::string(Str(j, "name_en"));
  a.kind = ParseAgencyKind(Str(j, "kind")).value_or(AgencyKind::kDepartment);
  a.parent = std::string(Str(j, "parent"));
  a.aliases = Strs(j, "aliases");
  a.members = Strs(j, "members");
  return a;
}

inline Section ReadSection(const element& j) {
  return Section{std::string(Str(j, "code")), std::string(Str(j, "title")),
                 std::string(Str(j, "parent"))};
}

inline simdjson::dom::parser& Parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace taskledger::domain::event_data

namespace taskledger::domain {

// An event's parsed data, handed from the fold of a task's events to the fold of the work on one
// of its occurrences (ledger_apply.cpp to ledger_work.cpp).
struct Ledger::EventData {
  const simdjson::dom::element& j;
};

}  // namespace taskledger::domain
