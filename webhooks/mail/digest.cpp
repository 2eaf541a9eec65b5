#include "webhooks/mail/digest.h"

#include <cstdio>
#include <set>

#include "domain/date.h"
#include "domain/text.h"

namespace taskledger::webhooks::mail {
namespace {

using domain::Date;
using domain::EscapeHtml;

constexpr int64_t kDayMs = 86'400'000;

// The digest instant of Vietnam date `d`.
int64_t DigestAt(Date d) {
  return domain::StartOfDayUtcMs(d) + (kDigestHour * 60 + kDigestMinute) * 60'000LL;
}

bool AwaitsReview(const std::vector<domain::Deliverable>& ds) {
  for (const domain::Deliverable& d : ds) {
    if (d.review.empty()) return true;
  }
  return false;
}

}  // namespace

std::optional<int64_t> DigestDueBetween(Digest kind, int64_t after_ms, int64_t until_ms) {
  if (kind == Digest::kNone || until_ms <= after_ms) return std::nullopt;
  Date day = domain::DateAtUtcMs(until_ms);
  if (DigestAt(day) > until_ms) day = domain::AddDays(day, -1);
  if (kind == Digest::kWeekly) day = domain::AddDays(day, -domain::Weekday(day));  // its Monday
  const int64_t at = DigestAt(day);
  if (at <= after_ms) return std::nullopt;
  return at;
}

bool DigestContent::empty() const { return size() == 0; }

size_t DigestContent::size() const {
  return overdue.size() + this_week.size() + this_month.size() + submitted.size() +
         to_review.size() + decided.size();
}

std::vector<std::string> DigestContent::TaskIds() const {
  std::vector<std::string> out;
  std::set<std::string_view> seen;
  const auto add = [&](const domain::Task* t) {
    if (seen.insert(t->id).second) out.push_back(t->id);
  };
  for (const auto* part : {&overdue, &this_week, &this_month, &submitted, &to_review}) {
    for (const DigestLine& l : *part) add(l.task);
  }
  for (const DigestDecision& x : decided) add(x.task);
  return out;
}

DigestContent CollectDigest(const domain::Ledger& ledger, std::string_view agency, Date day,
                            int64_t since_ms, int64_t until_ms) {
  DigestContent d;
  d.day = day;
  const int64_t week_left = 6 - domain::Weekday(day);
  const int64_t month_left = domain::LastDayOfMonth(day.year, day.month) - day.day;
  domain::AgencyQuery all;
  all.limit = SIZE_MAX;
  for (const domain::AgencyItem& item : ledger.AgencyTasks(agency, day, all)) {
    // Of a group's task, the agency's own part: its dates, its deliverables, its requests.
    DigestLine line{item.task, item.occurrence, item.days_left.value_or(0), item.role, item.part};
    const auto& deliverables =
        item.part ? item.part->deliverables() : item.occurrence->deliverables;
    const auto& extensions = item.part ? item.part->extensions() : item.occurrence->extensions;
    if (item.days_left) {
      const int64_t left = *item.days_left;
      if (left < 0) {
        d.overdue.push_back(line);
      } else if (left <= week_left) {
        d.this_week.push_back(line);
      } else if (left <= month_left) {
        d.this_month.push_back(line);
      }
    }
    if ((item.role == domain::Role::kLead || item.part) && AwaitsReview(deliverables)) {
      d.submitted.push_back(line);
    }
    for (const domain::ExtensionRequest& x : extensions) {
      if (!x.decision.empty() && x.decided_at_ms > since_ms && x.decided_at_ms <= until_ms) {
        d.decided.push_back({item.task, item.occurrence, &x, item.part});
      }
    }
  }
  for (const domain::Plan* plan : ledger.Plans()) {
    if (plan->authority != agency) continue;
    for (const std::string& id : plan->task_ids) {
      const domain::Task* t = ledger.FindTask(id);
      if (!t) continue;
      for (const domain::Occurrence& o : t->occurrences) {
        if (!o.open()) continue;
        // Its own deliverables, and how many members' parts wait: one line per occurrence.
        int parts = 0;
        for (const domain::Part& p : o.parts) parts += p.open() && AwaitsReview(p.deliverables());
        if (AwaitsReview(o.deliverables) || parts > 0) {
          d.to_review.push_back({t, &o, 0, domain::Role::kLead, nullptr, parts});
        }
      }
    }
  }
  return d;
}

namespace {

struct Words {
  const char* subject_tag;
  const char* intro;  // "… of <agency>, <date>."
  const char *overdue, *this_week, *this_month, *submitted, *to_review, *decided;
  const char *n_overdue, *n_week, *n_month, *n_submitted, *n_review, *n_decided;
  const char *due, *left, *today, *late, *coordinating, *members_to_review, *more, *all_tasks,
      *settings, *footer;
  const char *granted, *refused, *submitted_on;
};

constexpr Words kVi = {
    "[Tổng hợp]",
    "Tổng hợp nhiệm vụ của ",
    "Quá hạn",
    "Đến hạn trong tuần này",
    "Đến hạn trong tháng này",
    "Sản phẩm đã nộp, đang chờ duyệt",
    "Sản phẩm chờ duyệt, trong kế hoạch do đơn vị ban hành",
    "Đề nghị gia hạn đã có quyết định",
    " quá hạn",
    " đến hạn tuần này",
    " đến hạn tháng này",
    " chờ duyệt",
    " cần duyệt",
    " quyết định gia hạn",
    "hạn ",
    "còn ",
    "hôm nay",
    "quá ",
    " (phối hợp)",
    " đơn vị thành viên có sản phẩm chờ duyệt",
    "… và %d nhiệm vụ khác",
    "Xem tất cả nhiệm vụ",
    "Đổi những gì địa chỉ này nhận",
    "Thư tổng hợp gửi đến địa chỉ của đơn vị đã đăng ký trên TaskLedger; không có gì mới thì "
    "không có thư.",
    "chấp thuận, hạn mới ",
    "không chấp thuận",
    "nộp ngày ",
};

constexpr Words kEn = {
    "[Digest]",
    "Where the tasks of ",
    "Overdue",
    "Due this week",
    "Due later this month",
    "Deliverables submitted, awaiting review",
    "Deliverables awaiting review, in plans your agency issued",
    "Extension requests decided",
    " overdue",
    " due this week",
    " due this month",
    " awaiting review",
    " to review",
    " extension decision(s)",
    "due ",
    "",
    "due today",
    "",
    " (coordinating)",
    " member(s) with a deliverable to review",
    "… and %d more",
    "See all tasks",
    "Change what this address receives",
    "This digest goes to an address your agency registered on TaskLedger; when there is nothing "
    "to say, none is sent.",
    "granted, new deadline ",
    "refused",
    "submitted ",
};

std::string Days(const Words& w, bool en, int64_t left) {
  if (left == 0) return w.today;
  const std::string n = std::to_string(left < 0 ? -left : left);
  if (left > 0) return en ? n + " day(s) left" : std::string(w.left) + n + " ngày";
  return en ? n + " day(s) late" : std::string(w.late) + n + " ngày";
}

// One line's detail after the task's code: its deadline, or what it awaits (of the agency's own
// part, for a group's task).
std::string Detail(const Words& w, bool en, const DigestLine& l, bool review) {
  const domain::Occurrence& o = *l.occurrence;
  if (review) {
    for (const domain::Deliverable& d : l.part ? l.part->deliverables() : o.deliverables) {
      if (d.review.empty()) {
        return d.name + " · " + w.submitted_on +
               domain::ToDmy(domain::DateAtUtcMs(d.submitted_at_ms));
      }
    }
    if (l.parts_awaiting > 0) return std::to_string(l.parts_awaiting) + w.members_to_review;
  }
  const std::optional<domain::Date> due = l.part ? domain::DueOf(*l.part, o) : o.due;
  if (!due) return "";
  return w.due + domain::ToDmy(*due) + ", " + Days(w, en, l.days_left);
}

struct Section {
  const char* title;
  std::vector<std::pair<const domain::Task*, std::string>> lines;  // task, detail
};

}  // namespace

MailText DigestText(const domain::Ledger& ledger, const Mailbox& box, const DigestContent& d,
                    const std::string& public_url) {
  const bool en = box.language == "en";
  const Words& w = en ? kEn : kVi;
  std::vector<Section> parts;
  const auto lines = [&](const char* title, const std::vector<DigestLine>& from, bool review) {
    Section p{title, {}};
    for (const DigestLine& l : from) {
      std::string detail = Detail(w, en, l, review);
      if (l.role == domain::Role::kCoordinating) detail += w.coordinating;
      p.lines.emplace_back(l.task, std::move(detail));
    }
    if (!p.lines.empty()) parts.push_back(std::move(p));
  };
  lines(w.overdue, d.overdue, false);
  lines(w.this_week, d.this_week, false);
  lines(w.this_month, d.this_month, false);
  lines(w.submitted, d.submitted, true);
  lines(w.to_review, d.to_review, true);
  if (!d.decided.empty()) {
    Section p{w.decided, {}};
    for (const DigestDecision& x : d.decided) {
      const std::optional<domain::Date> due =
          x.part ? domain::DueOf(*x.part, *x.occurrence) : x.occurrence->due;
      std::string detail = x.request->decision == "granted"
                               ? w.granted + domain::ToDmy(due.value_or(x.request->requested_due))
                               : std::string(w.refused);
      p.lines.emplace_back(x.task, std::move(detail));
    }
    parts.push_back(std::move(p));
  }

  std::string counts;
  const auto count = [&](size_t n, const char* words) {
    if (n) counts += (counts.empty() ? "" : ", ") + std::to_string(n) + words;
  };
  count(d.overdue.size(), w.n_overdue);
  count(d.this_week.size(), w.n_week);
  count(d.this_month.size(), w.n_month);
  count(d.submitted.size(), w.n_submitted);
  count(d.to_review.size(), w.n_review);
  count(d.decided.size(), w.n_decided);
  const std::string agency = AgencyName(ledger, box);
  const std::string day = domain::ToDmy(d.day);
  MailText m;
  m.subject = std::string(w.subject_tag) + " " + day + " — " + counts + " · " + agency;

  const std::string all = public_url + "/#/tasks";
  const std::string settings = public_url + "/#/notifications";
  const std::string intro = w.intro + agency + (en ? " stand on " : ", ngày ") + day + ".";
  m.text = intro + "\r\n";
  std::string html = "<p>" + EscapeHtml(intro) + "</p>";
  for (const Section& p : parts) {
    m.text += "\r\n" + std::string(p.title) + " (" + std::to_string(p.lines.size()) + ")\r\n";
    html += "<h3 style=\"margin:18px 0 6px;font-size:16px\">" + EscapeHtml(p.title) + " (" +
            std::to_string(p.lines.size()) + ")</h3><ul style=\"padding-left:20px;margin:0\">";
    size_t shown = 0;
    for (const auto& [task, detail] : p.lines) {
      if (shown++ == kDigestLinesPerPart) break;
      const std::string link = TaskLink(*task, public_url);
      m.text +=
          "- " + task->code + " · " + detail + " — " + ShortTitle(*task) + "\r\n  " + link + "\r\n";
      html += "<li style=\"margin:4px 0\"><a href=\"" + EscapeHtml(link) + "\"><b>" +
              EscapeHtml(task->code) + "</b></a> · " + EscapeHtml(detail) + " — " +
              EscapeHtml(ShortTitle(*task)) + "</li>";
    }
    if (p.lines.size() > kDigestLinesPerPart) {
      char more[96];
      std::snprintf(more, sizeof more, w.more,
                    static_cast<int>(p.lines.size() - kDigestLinesPerPart));
      m.text += std::string(more) + "\r\n";
      html += "<li style=\"margin:4px 0;color:#555\">" + EscapeHtml(more) + "</li>";
    }
    html += "</ul>";
  }
  m.text += "\r\n" + std::string(w.all_tasks) + ": " + all + "\r\n" + w.settings + ": " + settings +
            "\r\n\r\n" + w.footer + "\r\n";
  html += Button(all, w.all_tasks) + "<p style=\"color:#555;font-size:13px\">" +
          EscapeHtml(w.footer) + " <a href=\"" + EscapeHtml(settings) + "\">" +
          EscapeHtml(w.settings) + "</a>.</p>";
  m.html = Page(box, m.subject, html);
  return m;
}

}  // namespace taskledger::webhooks::mail
