// Email subscriptions ("mailboxes"): which address of an agency receives which notifications by
// mail, in which language, with which digest. Like webhook subscriptions they are events in the
// log (stream "email-<id>"), so who subscribed an address, who confirmed it (the address's owner
// through the link mailed to it, or a coordinator vouching for an official address), who
// unsubscribed it and when mail to it started failing are all in the audit trail.
//
// Nothing but the confirmation mail goes to an address until it is confirmed. Unsubscribing
// (one click from any mail: RFC 8058) turns it off; turning it on again asks for a new
// confirmation, as does changing the address.
//
// The life cycle addresses share with the other channels (the table, who may read and manage,
// create, update, delete, the checkpoint form) is channels.h's; MailKind says what is an
// address's own. Deciding is pure (mailboxes, ledger, request, actor) -> events.
// Thread-safety: Mailboxes none (the server folds it beside the Ledger, under the same lock).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/commands.h"
#include "events/event.h"
#include "webhooks/channels.h"
#include "webhooks/reminders.h"

namespace taskledger::webhooks::mail {

namespace mev {
inline constexpr std::string_view kSubscribed = "email.subscribed";
inline constexpr std::string_view kUpdated = "email.updated";
inline constexpr std::string_view kConfirmed = "email.confirmed";
inline constexpr std::string_view kUnsubscribed = "email.unsubscribed";
inline constexpr std::string_view kFailing = "email.failing";  // a permanent failure (SMTP 5xx)
inline constexpr std::string_view kDeleted = "email.deleted";
// A digest's outcome: the mail, the tasks it listed, delivered or given up, after how many
// attempts.
inline constexpr std::string_view kDigestSent = "email.digest_sent";
inline std::string Stream(std::string_view id) { return "email-" + std::string(id); }
}  // namespace mev

enum class Digest { kNone, kDaily, kWeekly };
std::string_view ToString(Digest d);
std::optional<Digest> DigestFrom(std::string_view s);

struct Mailbox {
  static constexpr std::string_view kNoun = "email subscription";  // "no email subscription '…'"

  std::string id;  // "em_" + 16 hex digits
  std::string agency;
  std::string address;    // as given, trimmed; compared without regard to case
  std::string language;   // "vi" or "en"
  bool reminders = true;  // deadline reminders (approaching, today, overdue)
  bool changes = true;    // assignments, deadline changes, reviews, decisions, comments
  Digest digest = Digest::kWeekly;
  std::optional<ReminderPolicy> schedule;  // its own reminder days; none: the server's
  bool enabled = true;
  bool confirmed = false;
  std::string confirmed_by;  // "link" (the address's owner) or the coordinator's label
  int64_t confirmed_at_ms = 0;
  int64_t unsubscribed_at_ms = 0;  // the last one-click unsubscribe; 0: none
  std::string failing;             // why mail to it fails for good (SMTP 5xx); empty: it does not
  int64_t failing_since_ms = 0;
  std::string last_digest;        // the message id of the last digest recorded (email.digest_sent)
  int64_t last_digest_at_ms = 0;  // when it was delivered or given up
  uint64_t created_position = 0;  // it hears about log events after this position only
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::string created_by;
  uint64_t version = 0;  // its stream's version
  bool deleted = false;

  // Whether notifications go to it now.
  bool Sends() const { return enabled && confirmed && !deleted; }
  // Whether it is a channel that reaches its agency: sending, and not failing.
  bool Reaches() const { return Sends() && failing.empty(); }
};

// A request to create or change a mailbox; unset fields are left as they are.
struct MailboxSpec {
  std::optional<std::string> agency, address, language;
  std::optional<bool> reminders, changes, enabled;
  std::optional<Digest> digest;
  std::optional<ReminderPolicy> schedule;
  bool server_schedule = false;  // drop the mailbox's own reminder days for the server's
  // A coordinator vouching for an official address: confirmed at once, no mail asks first.
  bool confirmed = false;
};

// Limits: an agency has at most this many addresses. Default: 20.
inline constexpr size_t kMaxMailboxesPerAgency = 20;

// A plain address "local@domain.tld": ASCII, no spaces or angle brackets, at most 254 bytes.
// Returns it trimmed, or why not.
Result<std::string> CheckAddress(std::string_view address);

// `address` compared without regard to case: as the mailboxes and the links in mails key it.
std::string AddressKey(std::string_view address);

// What an email address adds to the channels' life cycle (channels.h, channel_rules.h).
struct MailKind {
  using Item = Mailbox;
  using Spec = MailboxSpec;
  static constexpr std::string_view kEvents = "email.";
  static constexpr std::string_view kStreamPrefix = "email-";
  static constexpr std::string_view kCreated = mev::kSubscribed;
  static constexpr std::string_view kUpdated = mev::kUpdated;
  static constexpr std::string_view kDeleted = mev::kDeleted;
  static constexpr std::string_view kNotAChange = mev::kDigestSent;  // mail sent, not changed
  static constexpr std::string_view kCheckpoint = "mailboxes";
  static constexpr auto kTarget = &Spec::address;
  static constexpr std::string_view kTargetField = "address";
  static constexpr std::string_view kCreateRefused =
      "only coordinators and agencies subscribe addresses";
  static constexpr std::string_view kOthersRefused = "an agency subscribes its own addresses only";
  static constexpr std::string_view kAgencyFixed =
      "cannot change; subscribe the address for the other agency";
  static constexpr std::string_view kCounted = "addresses";
  static constexpr size_t kMaxPerAgency = kMaxMailboxesPerAgency;

  static std::string Stream(std::string_view id) { return mev::Stream(id); }
  static Mailbox FromCreated(const nlohmann::json& j);
  static void Fold(Mailbox& m, std::string_view type, const nlohmann::json& j, const EventView& e);
  static void Encode(BinaryWriter& w, const Mailbox& m);
  static bool Decode(BinaryReader& r, Mailbox& m);
  // The address comes back trimmed. Only a coordinator vouches for a new address (`confirmed`);
  // an existing one is confirmed through its own route.
  static Status Check(const domain::Ledger& ledger, MailboxSpec& spec, const domain::Actor& actor,
                      const Mailbox* existing);
  // An agency has an address once (compared without regard to case).
  static Status Unique(const std::vector<const Mailbox*>& agencys, const MailboxSpec& spec,
                       const Mailbox* self);
  // email.subscribed, and email.confirmed when a coordinator vouches for it.
  static std::vector<NewEvent> Created(const std::string& id, const MailboxSpec& spec,
                                       const domain::Actor& actor);
  static nlohmann::json Changes(const Mailbox& m, const MailboxSpec& spec);
};

// Folds email.* events; others are ignored.
using Mailboxes = Channels<MailKind>;

// Confirmed by the link mailed to `address` (actor: the system, how "link"), or by a
// coordinator (how "coordinator"). A link for an address the mailbox no longer has is refused.
Result<domain::Decision> DecideConfirm(const Mailboxes& r, std::string_view id,
                                       std::string_view address, std::string_view how,
                                       const domain::Actor& actor);
// Unsubscribed from a mail's link (how "one-click" or "link"): turned off until turned on again
// and confirmed anew.
Result<domain::Decision> DecideUnsubscribe(const Mailboxes& r, std::string_view id,
                                           std::string_view address, std::string_view how,
                                           const domain::Actor& actor);
// A digest's outcome on the address's stream (the system only): `outcome` holds the message id
// ("message"), "day", "tasks" listed, "delivered", "attempts", "status", "error". Recording the
// same message twice is refused (kAlreadyExists).
Result<domain::Decision> DecideDigestSent(const Mailboxes& r, std::string_view id,
                                          const nlohmann::json& outcome,
                                          const domain::Actor& actor);
// The server marking an address whose mail fails for good (the system only).
Result<domain::Decision> DecideFailing(const Mailboxes& r, std::string_view id,
                                       std::string_view why, const domain::Actor& actor);

}  // namespace taskledger::webhooks::mail
