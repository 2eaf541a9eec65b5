#include "webhooks/payload.h"

#include <nlohmann/json.hpp>

#include "domain/text.h"

namespace taskledger::webhooks {

using nlohmann::json;
using namespace domain;

namespace {

std::string IsoInstant(int64_t unix_ms) {
  const UtcTime t = UtcTimeAt(unix_ms);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ", ToIso(t.date).c_str(), t.hour, t.minute,
                t.second, t.millisecond);
  return buf;
}

// The task as a notification shows it; `text_budget` caps the title and the deliverable each.
json TaskJson(const Task& t, const PayloadContext& c, size_t text_budget) {
  json j = {{"id", t.id},
            {"plan", t.plan},
            {"code", t.code},
            {"title", CutUtf8(t.title, text_budget)},
            {"lead", t.lead},
            {"coordinating", t.coordinating},
            {"deliverable", CutUtf8(t.deliverable, text_budget)},
            {"deadline", t.schedule.text}};
  if (!c.base_url.empty()) j["link"] = c.base_url + "/tasks/" + t.id;
  return j;
}

// Renders with the task's texts cut shorter until the body fits.
template <class Build>
std::string Fit(Build build) {
  for (size_t budget = 8000;; budget /= 2) {
    std::string body = build(budget).dump(-1, ' ', false, json::error_handler_t::replace);
    if (body.size() <= kMaxPayloadBytes || budget < 64) return body;
  }
}

json Envelope(std::string_view type, const PayloadContext& c, json data) {
  return {{"type", type},
          {"id", c.msg_id},
          {"timestamp", IsoInstant(c.now_ms)},
          {"data", std::move(data)}};
}

}  // namespace

std::string ReminderPayload(const Reminder& r, const PayloadContext& c, const Part* part) {
  return Fit([&](size_t budget) {
    json data = {{"task", TaskJson(*r.task, c, budget)},
                 {"occurrence", r.occurrence->key},
                 {"due", ToIso(r.due)},
                 {"due_at", IsoInstant(EndOfDayUtcMs(r.due))},
                 {"days_left", r.offset_days},
                 {"status", ToString(part ? part->status : r.occurrence->status)},
                 {"reminder", r.key()}};
    if (part) {
      // Its own part of a task given to its group: where that stands, not the task.
      data["part"] = {{"status", ToString(part->status)},
                      {"percent", part->percent},
                      {"own_due", part->due != kNoDay}};
    }
    if (!r.occurrence->target.empty()) data["target"] = CutUtf8(r.occurrence->target, budget);
    return Envelope(r.type(), c, std::move(data));
  });
}

std::string ChangePayload(std::string_view type, const Task& t, std::string_view details,
                          const PayloadContext& c) {
  json extra = json::parse(details, nullptr, false);
  if (!extra.is_object()) extra = json::object();
  return Fit([&](size_t budget) {
    json data = {{"task", TaskJson(t, c, budget)}, {"change", extra}};
    std::string dumped = data.dump();
    if (dumped.size() > kMaxPayloadBytes - 500) data["change"] = {{"truncated", true}};
    return Envelope(type, c, std::move(data));
  });
}

std::string PingPayload(const PayloadContext& c) {
  return Envelope("webhook.ping", c,
                  {{"message", "TaskLedger: kiểm tra kết nối / connection test"}})
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace taskledger::webhooks
