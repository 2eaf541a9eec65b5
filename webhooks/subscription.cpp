#include "webhooks/subscription.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "domain/text.h"
#include "events/util/binary.h"
#include "webhooks/channel_rules.h"
#include "webhooks/target.h"

namespace taskledger::webhooks {

using domain::Actor;
using domain::ActorRole;
using domain::Decision;
using domain::Invalid;
using nlohmann::json;

bool Subscription::Wants(std::string_view type) const {
  if (type == "webhook.ping") return true;
  return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

Status WebhookKind::Check(const domain::Ledger& ledger, SubscriptionSpec& spec, const Actor&,
                          const Subscription*) {
  if (spec.url) {
    auto t = ParseTarget(*spec.url);
    if (!t.ok()) return t.status();
  }
  if (spec.agency && !ledger.FindAgency(*spec.agency)) {
    return Invalid("agency", "unknown agency '" + *spec.agency + "'");
  }
  if (spec.description && (spec.description->size() > 500 || !domain::IsUtf8(*spec.description))) {
    return Invalid("description", "is longer than 500 bytes or not UTF-8");
  }
  if (spec.types) {
    for (const std::string& type : *spec.types) {
      if (!FindNotificationType(type)) return Invalid("types", "unknown type '" + type + "'");
    }
  }
  if (spec.reminders) return CheckPolicy(*spec.reminders, "reminders");
  return Status::Ok();
}

std::vector<NewEvent> WebhookKind::Created(const std::string& id, const SubscriptionSpec& s,
                                           const Actor& a) {
  json j = {{"id", id},
            {"url", *s.url},
            {"agency", *s.agency},
            {"description", s.description.value_or("")},
            {"types", s.types.value_or(std::vector<std::string>{})},
            {"enabled", s.enabled.value_or(true)}};
  if (s.reminders) j["reminders"] = PolicyJson(*s.reminders);
  return {ChannelEvent(wev::kCreated, j, a)};
}

json WebhookKind::Changes(const Subscription&, const SubscriptionSpec& spec) {
  json j = json::object();
  if (spec.url) j["url"] = *spec.url;
  if (spec.description) j["description"] = *spec.description;
  if (spec.types) j["types"] = *spec.types;
  if (spec.enabled) j["enabled"] = *spec.enabled;
  if (spec.reminders) j["reminders"] = PolicyJson(*spec.reminders);
  if (spec.server_reminders) j["reminders"] = nullptr;
  return j;
}

template Result<Decision> DecideCreate(const Registry&, const domain::Ledger&, const std::string&,
                                       const SubscriptionSpec&, const Actor&);
template Result<Decision> DecideUpdate(const Registry&, const domain::Ledger&, std::string_view,
                                       const SubscriptionSpec&, const Actor&);
template Result<Decision> DecideDelete(const Registry&, std::string_view, const Actor&);

Result<Decision> DecideRotate(const Registry& r, std::string_view id, const Actor& a,
                              int64_t previous_valid_until_ms) {
  auto s = Managed(r, id, a);
  if (!s.ok()) return s.status();
  return OneEvent<WebhookKind>(id, (*s)->version, wev::kSecretRotated,
                               {{"previous_valid_until", previous_valid_until_ms}}, a);
}

Result<Decision> DecideDisable(const Registry& r, std::string_view id, std::string_view reason,
                               const Actor& a) {
  auto s = Existing(r, id);
  if (!s.ok()) return s.status();
  if (a.role != ActorRole::kSystem)
    return Status::PermissionDenied("the server disables endpoints");
  if (!(*s)->enabled)
    return Status::AlreadyExists("webhook '" + (*s)->id + "' is already disabled");
  return OneEvent<WebhookKind>(id, (*s)->version, wev::kDisabled, {{"reason", reason}}, a);
}

Subscription WebhookKind::FromCreated(const json& j) {
  Subscription s;
  s.id = j.value("id", "");
  s.url = j.value("url", "");
  s.agency = j.value("agency", "");
  s.description = j.value("description", "");
  s.types = j.value("types", std::vector<std::string>{});
  s.enabled = j.value("enabled", true);
  if (j.contains("reminders") && j["reminders"].is_object())
    s.reminders = PolicyFrom(j["reminders"]);
  return s;
}

void WebhookKind::Fold(Subscription& s, std::string_view type, const json& j, const EventView& e) {
  if (type == wev::kUpdated) {
    if (j.contains("url")) s.url = j.value("url", s.url);
    if (j.contains("description")) s.description = j.value("description", "");
    if (j.contains("types")) s.types = j.value("types", std::vector<std::string>{});
    if (j.contains("enabled")) {
      s.enabled = j.value("enabled", s.enabled);
      if (s.enabled) s.disabled_reason.clear();
    }
    if (j.contains("reminders")) {
      if (j["reminders"].is_object()) {
        s.reminders = PolicyFrom(j["reminders"]);
      } else {
        s.reminders.reset();
      }
    }
  } else if (type == wev::kSecretRotated) {
    s.secret_rotated_at_ms = e.recorded_at_ms;
  } else if (type == wev::kDisabled) {
    s.enabled = false;
    s.disabled_reason = j.value("reason", "");
  }
}

static_assert(sizeof(Subscription) == 312, "Subscription changed: encode the new field");

void WebhookKind::Encode(BinaryWriter& w, const Subscription& s) {
  for (const std::string* f : {&s.id, &s.url, &s.agency, &s.description}) w.Str(*f);
  w.Strs(s.types);
  w.Bool(s.enabled);
  w.Str(s.disabled_reason);
  EncodePolicy(w, s.reminders);
  w.U64(s.created_position);
  w.I64(s.created_at_ms);
  w.I64(s.updated_at_ms);
  w.Str(s.created_by);
  w.I64(s.secret_rotated_at_ms);
  w.U64(s.version);
  w.Bool(s.deleted);
}

bool WebhookKind::Decode(BinaryReader& r, Subscription& s) {
  for (std::string* f : {&s.id, &s.url, &s.agency, &s.description}) *f = r.Str();
  s.types = r.Strs();
  s.enabled = r.Bool();
  s.disabled_reason = r.Str();
  s.reminders = DecodePolicy(r);
  s.created_position = r.U64();
  s.created_at_ms = r.I64();
  s.updated_at_ms = r.I64();
  s.created_by = r.Str();
  s.secret_rotated_at_ms = r.I64();
  s.version = r.U64();
  s.deleted = r.Bool();
  return r.ok();
}

}  // namespace taskledger::webhooks
