// The digest: one mail a day (or each Monday) at 07:30 Vietnam time that tells an agency where
// its work stands — what is overdue, what falls due this week and later this month, deliverables
// waiting for a review, and the extension requests decided since the digest before. Pure: the
// caller passes the instants, so a test asks for any day it likes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/ledger.h"
#include "webhooks/mail/mail_text.h"
#include "webhooks/mail/mailbox.h"

namespace taskledger::webhooks::mail {

// Digests go out at 07:30 Vietnam time: every day, or on Mondays.
inline constexpr int kDigestHour = 7, kDigestMinute = 30;

// The latest instant in (after_ms, until_ms] a digest of `kind` is due, if any: a server that was
// down for days sends the latest one, not one per day missed (old news helps nobody).
std::optional<int64_t> DigestDueBetween(Digest kind, int64_t after_ms, int64_t until_ms);

struct DigestLine {
  const domain::Task* task;
  const domain::Occurrence* occurrence;
  int64_t days_left = 0;  // negative: days overdue
  domain::Role role = domain::Role::kLead;
  const domain::Part* part = nullptr;  // the agency's own part of a group's task
  int parts_awaiting = 0;  // to review: members' parts with a deliverable awaiting review
};
struct DigestDecision {
  const domain::Task* task;
  const domain::Occurrence* occurrence;
  const domain::ExtensionRequest* request;
  const domain::Part* part = nullptr;  // a decision on the agency's own part
};

struct DigestContent {
  domain::Date day;  // the Vietnam date it is for
  std::vector<DigestLine> overdue;
  std::vector<DigestLine> this_week;   // due from today to Sunday
  std::vector<DigestLine> this_month;  // due after this week, by the month's end
  // Deliverables the agency submitted that no one has reviewed yet…
  std::vector<DigestLine> submitted;
  // …and those waiting for its review, in the plans it issued (Plan::authority).
  std::vector<DigestLine> to_review;
  std::vector<DigestDecision> decided;  // extension requests decided in (since, until]
  bool empty() const;
  size_t size() const;
  // The tasks it lists, each once, in the order listed: recorded with the digest's outcome.
  std::vector<std::string> TaskIds() const;
};

// What `agency` (directly or through a group) has to hear about on `day`; `since_ms`/`until_ms`
// bound the extension decisions reported.
DigestContent CollectDigest(const domain::Ledger& ledger, std::string_view agency, domain::Date day,
                            int64_t since_ms, int64_t until_ms);

// The mail: "[Tổng hợp] 28/12/2026 — 2 quá hạn, 3 đến hạn tuần này · <agency>". Each part lists
// up to `kDigestLinesPerPart` tasks, then says how many more and links to the agency's list.
inline constexpr size_t kDigestLinesPerPart = 40;
MailText DigestText(const domain::Ledger& ledger, const Mailbox& box, const DigestContent& d,
                    const std::string& public_url);

}  // namespace taskledger::webhooks::mail
