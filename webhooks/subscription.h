// Webhook subscriptions: who wants which notifications at which URL. Like everything else they
// are events in the log (stream "webhook-<id>"), so who subscribed, changed, rotated or disabled
// an endpoint is in the audit trail. Signing secrets are NOT in the log: they live in the
// outbox's store (outbox.h), so an audit export never carries them.
//
// Deciding is pure (registry, ledger, request, actor, now) -> events; Registry folds the events.
// Thread-safety: Registry none (the server folds it beside the Ledger, under the same lock).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/commands.h"
#include "events/event.h"
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

// The notification types a subscription may ask for, reminders first.
const std::vector<std::string>& NotificationTypes();

struct Subscription {
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

class Registry {
 public:
  // Folds webhook.* events; others are ignored.
  void Apply(const EventView& e);
  const Subscription* Find(std::string_view id) const;  // deleted ones too
  // Enabled, not deleted subscriptions of `agency`.
  std::vector<const Subscription*> Live(std::string_view agency) const;
  // Every subscription not deleted, by id.
  std::vector<const Subscription*> All() const;
  size_t live_count() const;
  // For projection checkpoints (server/app/checkpoint.h): the folded table in binary, canonical;
  // Decode() into an empty registry.
  void Encode(std::string& out) const;
  Status Decode(std::string_view in);

 private:
  std::map<std::string, Subscription, std::less<>> subs_;
  std::map<std::string, std::set<std::string>, std::less<>> by_agency_;
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

// Whether `actor` may see and manage `s`: coordinators all, an agency its own, auditors see.
Status CanManage(const Subscription& s, const domain::Actor& actor);
Status CanRead(const Subscription& s, const domain::Actor& actor);

Result<domain::Decision> DecideCreate(const Registry& r, const domain::Ledger& ledger,
                                      const std::string& id, const SubscriptionSpec& spec,
                                      const domain::Actor& actor);
Result<domain::Decision> DecideUpdate(const Registry& r, const domain::Ledger& ledger,
                                      std::string_view id, const SubscriptionSpec& spec,
                                      const domain::Actor& actor);
Result<domain::Decision> DecideDelete(const Registry& r, std::string_view id,
                                      const domain::Actor& actor);
// Recorded after the new secret is stored; `previous_valid_until_ms` is when the old one stops
// signing.
Result<domain::Decision> DecideRotate(const Registry& r, std::string_view id,
                                      const domain::Actor& actor, int64_t previous_valid_until_ms);
// The server turning an endpoint off (410 Gone, failing for days); the reason is shown to people.
Result<domain::Decision> DecideDisable(const Registry& r, std::string_view id,
                                       std::string_view reason, const domain::Actor& actor);

}  // namespace taskledger::webhooks
