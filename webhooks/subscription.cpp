#include "webhooks/subscription.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "domain/text.h"
#include "events/util/binary.h"
#include "webhooks/target.h"

namespace taskledger::webhooks {

using domain::Actor;
using domain::ActorRole;
using domain::Decision;
using nlohmann::json;

const std::vector<std::string>& NotificationTypes() {
  static const std::vector<std::string> types = {"task.deadline.approaching",
                                                 "task.deadline.today",
                                                 "task.overdue",
                                                 "task.assigned",
                                                 "task.reassigned",
                                                 "task.deadline.changed",
                                                 "task.extension.decided",
                                                 "task.deliverable.reviewed",
                                                 "task.comment.added",
                                                 "task.reminder"};
  return types;
}

bool Subscription::Wants(std::string_view type) const {
  if (type == "webhook.ping") return true;
  return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

namespace {

Status Invalid(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(what));
}

// Checks the fields `spec` sets.
Status Check(const domain::Ledger& ledger, const SubscriptionSpec& spec) {
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
    const auto& known = NotificationTypes();
    for (const std::string& type : *spec.types) {
      if (std::find(known.begin(), known.end(), type) == known.end()) {
        return Invalid("types", "unknown type '" + type + "'");
      }
    }
  }
  if (spec.reminders) return CheckPolicy(*spec.reminders, "reminders");
  return Status::Ok();
}

Result<const Subscription*> Managed(const Registry& r, std::string_view id, const Actor& a) {
  const Subscription* s = r.Find(id);
  if (!s || s->deleted) return Status::NotFound("no webhook '" + std::string(id) + "'");
  if (Status st = CanManage(*s, a); !st.ok()) return st;
  return s;
}

Decision One(std::string_view id, uint64_t version, std::string_view type, const json& data,
             const Actor& a) {
  Decision d;
  d.stream = wev::Stream(id);
  d.expected = ExpectedVersion::Exact(version);
  NewEvent e;
  e.type = std::string(type);
  e.data = data.dump();
  e.actor = a.Label();
  d.events.push_back(std::move(e));
  return d;
}

}  // namespace

Status CanRead(const Subscription& s, const Actor& a) {
  if (a.role == ActorRole::kAgency && a.agency != s.agency) {
    return Status::NotFound("no webhook '" + s.id + "'");  // others' endpoints do not exist
  }
  return Status::Ok();
}

Status CanManage(const Subscription& s, const Actor& a) {
  if (Status st = CanRead(s, a); !st.ok()) return st;
  if (a.role == ActorRole::kAuditor)
    return Status::PermissionDenied("auditors have read-only access");
  return Status::Ok();
}

Result<Decision> DecideCreate(const Registry& r, const domain::Ledger& ledger,
                              const std::string& id, const SubscriptionSpec& spec, const Actor& a) {
  if (a.role != ActorRole::kCoordinator && a.role != ActorRole::kAgency) {
    return Status::PermissionDenied("only coordinators and agencies subscribe to webhooks");
  }
  if (!spec.url) return Invalid("url", "is required");
  SubscriptionSpec s = spec;
  if (!s.agency) {
    if (a.role != ActorRole::kAgency) return Invalid("agency", "is required");
    s.agency = a.agency;
  }
  if (a.role == ActorRole::kAgency && *s.agency != a.agency) {
    return Status::PermissionDenied("an agency subscribes for itself only");
  }
  if (Status st = Check(ledger, s); !st.ok()) return st;
  if (r.Find(id)) return Status::AlreadyExists("webhook '" + id + "' exists");
  size_t mine = 0;
  for (const Subscription* x : r.All()) mine += x->agency == *s.agency;
  if (mine >= kMaxSubscriptionsPerAgency) {
    return Status::FailedPrecondition("agency '" + *s.agency + "' already has " +
                                      std::to_string(mine) + " webhooks, the most allowed");
  }
  json j = {{"id", id},
            {"url", *s.url},
            {"agency", *s.agency},
            {"description", s.description.value_or("")},
            {"types", s.types.value_or(std::vector<std::string>{})},
            {"enabled", s.enabled.value_or(true)}};
  if (s.reminders) j["reminders"] = PolicyJson(*s.reminders);
  Decision d = One(id, 0, wev::kCreated, j, a);
  d.expected = ExpectedVersion::NoStream();
  return d;
}

Result<Decision> DecideUpdate(const Registry& r, const domain::Ledger& ledger, std::string_view id,
                              const SubscriptionSpec& spec, const Actor& a) {
  auto s = Managed(r, id, a);
  if (!s.ok()) return s.status();
  if (spec.agency && *spec.agency != (*s)->agency) {
    return Invalid("agency", "cannot change; create a webhook for the other agency");
  }
  if (Status st = Check(ledger, spec); !st.ok()) return st;
  json j = json::object();
  if (spec.url) j["url"] = *spec.url;
  if (spec.description) j["description"] = *spec.description;
  if (spec.types) j["types"] = *spec.types;
  if (spec.enabled) j["enabled"] = *spec.enabled;
  if (spec.reminders) j["reminders"] = PolicyJson(*spec.reminders);
  if (spec.server_reminders) j["reminders"] = nullptr;
  if (j.empty()) return Invalid("body", "names nothing to change");
  return One(id, (*s)->version, wev::kUpdated, j, a);
}

Result<Decision> DecideDelete(const Registry& r, std::string_view id, const Actor& a) {
  auto s = Managed(r, id, a);
  if (!s.ok()) return s.status();
  return One(id, (*s)->version, wev::kDeleted, json::object(), a);
}

Result<Decision> DecideRotate(const Registry& r, std::string_view id, const Actor& a,
                              int64_t previous_valid_until_ms) {
  auto s = Managed(r, id, a);
  if (!s.ok()) return s.status();
  return One(id, (*s)->version, wev::kSecretRotated,
             {{"previous_valid_until", previous_valid_until_ms}}, a);
}

Result<Decision> DecideDisable(const Registry& r, std::string_view id, std::string_view reason,
                               const Actor& a) {
  const Subscription* s = r.Find(id);
  if (!s || s->deleted) return Status::NotFound("no webhook '" + std::string(id) + "'");
  if (a.role != ActorRole::kSystem)
    return Status::PermissionDenied("the server disables endpoints");
  if (!s->enabled) return Status::AlreadyExists("webhook '" + s->id + "' is already disabled");
  return One(id, s->version, wev::kDisabled, {{"reason", reason}}, a);
}

void Registry::Apply(const EventView& e) {
  if (!e.type.starts_with("webhook.")) return;
  const json j = json::parse(e.data, nullptr, false);
  if (!j.is_object()) return;
  if (e.type == wev::kCreated) {
    Subscription s;
    s.id = j.value("id", "");
    s.url = j.value("url", "");
    s.agency = j.value("agency", "");
    s.description = j.value("description", "");
    s.types = j.value("types", std::vector<std::string>{});
    s.enabled = j.value("enabled", true);
    if (j.contains("reminders") && j["reminders"].is_object())
      s.reminders = PolicyFrom(j["reminders"]);
    s.created_position = e.position;
    s.created_at_ms = s.updated_at_ms = e.recorded_at_ms;
    s.created_by = std::string(e.actor);
    s.version = e.version;
    by_agency_[s.agency].insert(s.id);
    std::string id = s.id;
    subs_[id] = std::move(s);
    return;
  }
  const std::string_view prefix = "webhook-";
  if (!e.stream.starts_with(prefix)) return;
  auto it = subs_.find(e.stream.substr(prefix.size()));
  if (it == subs_.end()) return;
  Subscription& s = it->second;
  s.version = e.version;
  s.updated_at_ms = e.recorded_at_ms;
  if (e.type == wev::kUpdated) {
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
  } else if (e.type == wev::kSecretRotated) {
    s.secret_rotated_at_ms = e.recorded_at_ms;
  } else if (e.type == wev::kDisabled) {
    s.enabled = false;
    s.disabled_reason = j.value("reason", "");
  } else if (e.type == wev::kDeleted) {
    s.deleted = true;
    s.enabled = false;
    if (auto a = by_agency_.find(s.agency); a != by_agency_.end()) a->second.erase(s.id);
  }
}

const Subscription* Registry::Find(std::string_view id) const {
  auto it = subs_.find(id);
  return it == subs_.end() ? nullptr : &it->second;
}

std::vector<const Subscription*> Registry::Live(std::string_view agency) const {
  std::vector<const Subscription*> out;
  auto it = by_agency_.find(agency);
  if (it == by_agency_.end()) return out;
  for (const std::string& id : it->second) {
    const Subscription* s = Find(id);
    if (s && s->enabled && !s->deleted) out.push_back(s);
  }
  return out;
}

std::vector<const Subscription*> Registry::All() const {
  std::vector<const Subscription*> out;
  for (const auto& [id, s] : subs_) {
    if (!s.deleted) out.push_back(&s);
  }
  return out;
}

size_t Registry::live_count() const {
  return static_cast<size_t>(std::count_if(subs_.begin(), subs_.end(), [](const auto& kv) {
    return kv.second.enabled && !kv.second.deleted;
  }));
}

static_assert(sizeof(Subscription) == 312, "Subscription changed: encode the new field");

void Registry::Encode(std::string& out) const {
  BinaryWriter w(out);
  w.U64(subs_.size());
  for (const auto& [id, s] : subs_) {
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
}

Status Registry::Decode(std::string_view in) {
  BinaryReader r(in);
  for (size_t n = r.Count(16); n > 0 && r.ok(); --n) {
    Subscription s;
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
    // Each agency's subscriptions, as folding keeps them: those not deleted.
    if (!s.deleted) by_agency_[s.agency].insert(s.id);
    const std::string id = s.id;
    subs_[id] = std::move(s);
  }
  if (!r.ok() || !r.done()) return Status::Corruption("the checkpoint's webhooks are damaged");
  return Status::Ok();
}

}  // namespace taskledger::webhooks
