// Signed links in mails: confirming an address, unsubscribing one. Whoever holds the mail may
// follow its link without a token of TaskLedger, so the link itself is the proof: a token naming
// what it does, the mailbox, a tag of the address (a link mailed to an old address does nothing
// for a new one), when it expires, and an HMAC-SHA256 of all that under the server's link key:
//   "<c|u>.<mailbox id>.<expires, unix seconds>.<address tag>.<mac, hex>"
// URL-safe as it is. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/util/status.h"

namespace taskledger::webhooks::mail {

enum class LinkPurpose { kConfirm, kUnsubscribe };

struct Link {
  LinkPurpose purpose = LinkPurpose::kConfirm;
  std::string mailbox;
  int64_t expires_s = 0;
  std::string address_tag;
};

// How long a confirmation link works; an unsubscribe link works for a year (mail is kept).
inline constexpr int64_t kConfirmLinkSeconds = 7 * 24 * 3600;
inline constexpr int64_t kUnsubscribeLinkSeconds = 366 * 24 * 3600;

std::string MakeLinkToken(std::string_view key, LinkPurpose purpose, std::string_view mailbox,
                          std::string_view address, int64_t expires_s);
// The link a token names, checked: kInvalidArgument when it is not one of ours (or was altered),
// kFailedPrecondition when it has expired.
Result<Link> ReadLinkToken(std::string_view key, std::string_view token, int64_t now_s);
// Whether the link was made for `address` (compared without regard to case).
bool LinkIsFor(const Link& link, std::string_view address);

}  // namespace taskledger::webhooks::mail
