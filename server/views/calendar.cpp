#include "server/views/calendar.h"

#include <cstdio>

#include "domain/text.h"
#include "server/views/documents.h"

namespace taskledger::server {

using namespace domain;

namespace {

// "20260630"
std::string IcsDate(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year, d.month, d.day);
  return buf;
}

// "20261123T010000Z"
std::string IcsUtc(int64_t unix_ms) {
  const UtcTime t = UtcTimeAt(unix_ms);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%sT%02d%02d%02dZ", IcsDate(t.date).c_str(), t.hour, t.minute,
                t.second);
  return buf;
}

// The alarm `days` before an all-day event, at `hour` on that day: a duration from its start
// (midnight of the due date). 7 days at 08:00 is -P6DT16H; the day itself, PT8H.
std::string Trigger(int days, int hour) {
  const int hours = hour - 24 * days;
  const int a = hours < 0 ? -hours : hours;
  std::string out = hours < 0 ? "-P" : "P";
  if (a / 24 > 0) out += std::to_string(a / 24) + "D";
  if (a % 24 > 0 || a == 0) out += "T" + std::to_string(a % 24) + "H";
  return out;
}

}  // namespace

std::string IcsText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string IcsLine(std::string_view line) {
  std::string out;
  size_t used = 0;  // octets on the current physical line
  for (size_t i = 0; i < line.size();) {
    // The whole UTF-8 sequence starting at i goes on one line.
    size_t n = 1;
    while (i + n < line.size() && (static_cast<unsigned char>(line[i + n]) & 0xC0) == 0x80) ++n;
    if (used + n > 75) {
      out += "\r\n ";
      used = 1;
    }
    out.append(line.substr(i, n));
    used += n;
    i += n;
  }
  out += "\r\n";
  return out;
}

std::string AgencyCalendar(const Ledger& l, const Agency& agency, Date today, int64_t now_ms,
                           const CalendarOptions& options) {
  std::string out;
  const auto line = [&out](std::string_view text) { out += IcsLine(text); };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:-//TaskLedger//Lich nhiem vu//VI");
  line("CALSCALE:GREGORIAN");
  line("METHOD:PUBLISH");
  line("X-WR-CALNAME:" + IcsText("Nhiệm vụ — " + agency.name));
  line("X-WR-CALDESC:" + IcsText("Hạn hoàn thành các nhiệm vụ " + agency.name +
                                 " chủ trì hoặc phối hợp (TaskLedger)"));
  line("X-WR-TIMEZONE:Asia/Ho_Chi_Minh");
  line("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
  line("X-PUBLISHED-TTL:PT1H");
  // Vietnam has kept UTC+07:00 without daylight saving since 1975.
  line("BEGIN:VTIMEZONE");
  line("TZID:Asia/Ho_Chi_Minh");
  line("BEGIN:STANDARD");
  line("DTSTART:19750613T000000");
  line("TZOFFSETFROM:+0700");
  line("TZOFFSETTO:+0700");
  line("TZNAME:ICT");
  line("END:STANDARD");
  line("END:VTIMEZONE");

  AgencyQuery q;
  q.limit = 100000;
  q.include_undated = false;
  const std::string stamp = IcsUtc(now_ms);
  for (const AgencyItem& item : l.AgencyTasks(agency.id, today, q)) {
    const Task& t = *item.task;
    const Occurrence& o = *item.occurrence;
    if (!o.due) continue;
    const Plan* plan = l.FindPlan(t.plan);
    const bool lead = item.role == Role::kLead;
    const bool overdue = *o.due < today;
    std::string summary = std::string(lead ? "[Chủ trì] " : "[Phối hợp] ") + t.code + " " + t.title;
    if (overdue) summary = "[Quá hạn] " + summary;
    std::string description = "Kế hoạch: " + (plan ? plan->title : t.plan);
    if (plan && !plan->number.empty()) description += " (" + plan->number + ")";
    description += "\nNhiệm vụ " + t.code + ": " + t.title;
    if (!t.deliverable.empty()) description += "\nSản phẩm: " + t.deliverable;
    if (!o.target.empty()) description += "\nChỉ tiêu: " + o.target;
    description += "\nThời hạn trong kế hoạch: " + t.schedule.text;
    description += "\nHạn: " + ToDmy(*o.due);
    if (o.original_due && *o.original_due != *o.due)
      description += " (gia hạn từ " + ToDmy(*o.original_due) + ")";
    description += "\nTrạng thái: " + std::string(StatusLabelVi(o.status));
    if (!item.via.empty()) description += "\nQua nhóm: " + item.via;

    line("BEGIN:VEVENT");
    line("UID:" + IcsText(t.id + "/" + o.key) + "@" + options.host);
    line("DTSTAMP:" + stamp);
    if (t.updated_at_ms > 0) line("LAST-MODIFIED:" + IcsUtc(t.updated_at_ms));
    line("SEQUENCE:" + std::to_string(t.version));
    line("DTSTART;VALUE=DATE:" + IcsDate(*o.due));
    line("DTEND;VALUE=DATE:" + IcsDate(AddDays(*o.due, 1)));
    line("SUMMARY:" + IcsText(summary));
    line("DESCRIPTION:" + IcsText(description));
    line("CATEGORIES:" + IcsText(t.plan));
    line("STATUS:CONFIRMED");
    line("TRANSP:TRANSPARENT");
    if (!options.base_url.empty()) line("URL:" + options.base_url + "/#/task/" + t.id);
    // An alarm's text is a phone notification: the task's code and the start of its title.
    const std::string short_title = t.code + " " + CutUtf8(t.title, 80);
    for (int days : options.alarm_days_before) {
      line("BEGIN:VALARM");
      line("ACTION:DISPLAY");
      line("TRIGGER:" + Trigger(days, options.alarm_hour));
      line("DESCRIPTION:" + IcsText((days == 0 ? std::string("Đến hạn hôm nay: ")
                                               : "Còn " + std::to_string(days) + " ngày: ") +
                                    short_title));
      line("END:VALARM");
    }
    line("END:VEVENT");
  }
  line("END:VCALENDAR");
  return out;
}

}  // namespace taskledger::server
