#include "webhooks/mail/mail_plan.h"

#include <map>
#include <nlohmann/json.hpp>

#include "domain/date.h"
#include "webhooks/audience.h"
#include "webhooks/mail/digest.h"

namespace taskledger::webhooks::mail {

MailPlan PlanMail(const domain::Ledger& ledger, const Mailboxes& boxes, const EventStore& store,
                  const MailOptions& options, uint64_t log_cursor, int64_t clock_cursor,
                  int64_t now) {
  MailPlan plan;
  std::vector<PlannedMail>& out = plan.mails;
  std::map<std::string, std::vector<const Mailbox*>, std::less<>> live;
  for (const Mailbox* m : boxes.All()) {
    if (m->Sends()) live[m->agency].push_back(m);
  }
  const uint64_t folded = ledger.position();
  plan.log_to = log_cursor;
  if (folded > log_cursor) {
    plan.log_to = std::min(folded, log_cursor + 2000);
    plan.more = plan.log_to < folded;
    if (!live.empty()) {
      plan.failed = store.Scan(log_cursor + 1, plan.log_to, [&](const EventView& e) {
        const std::string_view type = ChangeType(e.type);
        if (type.empty() || !e.stream.starts_with("task-")) return true;
        const domain::Task* t = ledger.FindTask(e.stream.substr(5));
        if (!t) return true;
        const auto data = nlohmann::json::parse(e.data, nullptr, false);
        std::vector<std::string> extra;
        if (data.is_object()) {
          for (const char* key : {"previous_lead", "previous_coordinating"}) {
            for (auto& a : data.value(key, std::vector<std::string>{})) extra.push_back(a);
          }
        }
        for (const std::string& agency : ChangeAudience(ledger, *t, e.type, data, extra)) {
          auto it = live.find(agency);
          if (it == live.end()) continue;
          for (const Mailbox* m : it->second) {
            // A coordinator's reminder is a reminder; the rest are news of changes.
            const bool wanted = type == kCoordinatorReminder ? m->reminders : m->changes;
            if (!wanted || m->created_position >= e.position) continue;
            out.push_back({*m, std::string(type),
                           ChangeText(ledger, *m, type, *t, options.public_url,
                                      data.is_object() ? data.value("message", "") : ""),
                           "log:" + std::to_string(e.position), t->id,
                           data.is_object() ? data.value("occurrence", "") : "", e.recorded_at_ms});
          }
        }
        return true;
      });
    }
  }
  if (now > clock_cursor && !live.empty()) {
    // Addresses with their own reminder days are planned apart from those on the server's.
    std::vector<const Mailbox*> wanting;
    for (const auto& [agency, list] : live) {
      for (const Mailbox* m : list) {
        if (m->reminders) wanting.push_back(m);
      }
    }
    ForEachReminder(
        ledger, wanting,
        [&](const Mailbox& m) -> const ReminderPolicy& {
          return m.schedule ? *m.schedule : options.reminders;
        },
        clock_cursor, now,
        [&](const Reminder& r, const Mailbox& m, const domain::Part* part) {
          out.push_back({m, std::string(r.type()),
                         ReminderText(ledger, m, r, options.public_url, part), "rem:" + r.key(),
                         r.task->id, r.occurrence->key, r.at_ms});
        });
  }
  if (now > clock_cursor) {
    // Digests: the content is the agency's, so addresses of one agency share it.
    std::map<std::pair<std::string, int64_t>, std::optional<DigestContent>> made;
    for (const auto& [agency, list] : live) {
      for (const Mailbox* m : list) {
        const std::optional<int64_t> at = DigestDueBetween(m->digest, clock_cursor, now);
        if (!at) continue;
        const int64_t period = (m->digest == Digest::kDaily ? 1 : 7) * 86'400'000LL;
        std::optional<DigestContent>& content = made[{agency, *at - period}];
        if (!content) {
          content = CollectDigest(ledger, agency, domain::DateAtUtcMs(*at), *at - period, *at);
        }
        if (content->empty()) continue;  // nothing to say: no mail
        out.push_back({*m, std::string(kDigestMail),
                       DigestText(ledger, *m, *content, options.public_url),
                       "digest:" + domain::ToIso(content->day), "", "", *at, content->TaskIds()});
      }
    }
  }
  return plan;
}

}  // namespace taskledger::webhooks::mail
