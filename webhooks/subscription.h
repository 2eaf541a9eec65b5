// Webhook subscriptions: who wants which notifications at which URL. Like everything else they
// are events in the log (stream "webhook-<id>"), so who subscribed, changed, rotated or disabled
// an endpoint is in the audit trail. Signing secrets are NOT in the log: they live in the
// outbox's store (outbox.h), so an audit export never carries them.
//
// The life cycle webhooks share with the other channels (the table, who may read and manage,
// create, update, delete, the checkpoint form) is channels.h's; WebhookKind says what is a
// webhook's own. Deciding is pure (registry, ledger, request, actor) -> events.
// Thread-safety: Registry none (the server folds it beside the Ledger, under the same lock).
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
#include "webhooks/notification_types.h"
#include "webhooks/reminders.h"

namespace taskledger::webhooks {

namespace wev {
inline constexpr std::string_view kCreated = "webhook.created";
inline constexpr std::string_view kUpdated = "webhook.updated";
inline constexpr std::string_view kSecretRotated = "webhook.secret_rotated";
inline constexpr std::string_view kDisabled = "webhook.disabled";
inline constexpr std::string_view kDeleted = "webhook.deleted";
inline std::string Stream(std::string_view id) { return "webhook-" + std::string(id); }
}  // namespace wev

struct Subscription {
  static constexpr std::string_view kNoun = "webhook";  // "no webhook 'wh_…'"

  std::string id;  // "wh_" + 16 hex digits
  std::string url;
  std::string agency;  // whose tasks it hears about
  std::string description;
  std::vector<std::string> types;  // empty: all
  bool enabled = true;
  std::string disabled_reason;  // set when the server disabled it (410, failing for days)
  std::optional<ReminderPolicy> reminders;  // none: the server's policy
  uint64_t created_position = 0;            // it hears about log events after this position only
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::string created_by;
  int64_t secret_rotated_at_ms = 0;
  uint64_t version = 0;  // its stream's version
  bool deleted = false;

  bool Wants(std::string_view type) const;
};

// A request to create or change a subscription; unset fields are left as they are.
struct SubscriptionSpec {
  std::optional<std::string> url, agency, description;
  std::optional<std::vector<std::string>> types;
  std::optional<bool> enabled;
  std::optional<ReminderPolicy> reminders;
  bool server_reminders = false;  // drop the subscription's own policy for the server's
};

// Limits: an agency has at most this many subscriptions. Default: 20.
inline constexpr size_t kMaxSubscriptionsPerAgency = 20;

// What a webhook subscription adds to the channels' life cycle (channels.h, channel_rules.h).
struct WebhookKind {
  using Item = Subscription;
  using Spec = SubscriptionSpec;
  static constexpr std::string_view kEvents = "webhook.";
  static constexpr std::string_view kStreamPrefix = "webhook-";
  static constexpr std::string_view kCreated = wev::kCreated;
  static constexpr std::string_view kUpdated = wev::kUpdated;
  static constexpr std::string_view kDeleted = wev::kDeleted;
  static constexpr std::string_view kNotAChange = {};
  static constexpr std::string_view kCheckpoint = "webhooks";
  static constexpr auto kTarget = &Spec::url;
  static constexpr std::string_view kTargetField = "url";
  static constexpr std::string_view kCreateRefused =
      "only coordinators and agencies subscribe to webhooks";
  static constexpr std::string_view kOthersRefused = "an agency subscribes for itself only";
  static constexpr std::string_view kAgencyFixed =
      "cannot change; create a webhook for the other agency";
  static constexpr std::string_view kCounted = "webhooks";
  static constexpr size_t kMaxPerAgency = kMaxSubscriptionsPerAgency;

  static std::string Stream(std::string_view id) { return wev::Stream(id); }
  static Subscription FromCreated(const nlohmann::json& j);
  static void Fold(Subscription& s, std::string_view type, const nlohmann::json& j,
                   const EventView& e);
  static void Encode(BinaryWriter& w, const Subscription& s);
  static bool Decode(BinaryReader& r, Subscription& s);
  static Status Check(const domain::Ledger& ledger, SubscriptionSpec& spec,
                      const domain::Actor& actor, const Subscription* existing);
  static Status Unique(const std::vector<const Subscription*>&, const SubscriptionSpec&,
                       const Subscription*) {
    return Status::Ok();  // two webhooks of an agency may share a URL
  }
  static std::vector<NewEvent> Created(const std::string& id, const SubscriptionSpec& spec,
                                       const domain::Actor& actor);
  static nlohmann::json Changes(const Subscription& s, const SubscriptionSpec& spec);
};

// Folds webhook.* events; others are ignored.
using Registry = Channels<WebhookKind>;

// Recorded after the new secret is stored; `previous_valid_until_ms` is when the old one stops
// signing.
Result<domain::Decision> DecideRotate(const Registry& r, std::string_view id,
                                      const domain::Actor& actor, int64_t previous_valid_until_ms);
// The server turning an endpoint off (410 Gone, failing for days); the reason is shown to people.
Result<domain::Decision> DecideDisable(const Registry& r, std::string_view id,
                                       std::string_view reason, const domain::Actor& actor);

}  // namespace taskledger::webhooks
