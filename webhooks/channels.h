// One registry for every notification channel (webhook subscriptions, email addresses): the
// folded table of one kind's channels, who may read and manage one, and its checkpoint form.
// A kind plugs in what differs (subscription.h's WebhookKind, mail/mailbox.h's MailKind):
//
//   using Item = …;   // the channel: has id, agency, enabled, deleted, version, created_*,
//                     // updated_at_ms, and `static constexpr std::string_view kNoun` ("webhook")
//   kEvents ("webhook."), kStreamPrefix ("webhook-"), kCreated, kDeleted: its event types;
//   kNotAChange: an event that records something sent rather than a change (or empty);
//   kCheckpoint: what a damaged checkpoint section is called ("webhooks");
//   static Item FromCreated(const json&);                 the created event's own fields
//   static void Fold(Item&, std::string_view type, const json&, const EventView&);
//   static void Encode(BinaryWriter&, const Item&);       the checkpoint form of one channel,
//   static bool Decode(BinaryReader&, Item&);             false when it cannot be one
//
// The life cycle that every kind shares (created with an id on stream "<kind>-<id>", changed,
// deleted; by agency) is written here once; the rules that decide its events are in
// channel_rules.h.
//
// Thread-safety: Channels none (the server folds it beside the Ledger, under the same lock);
// CanRead and CanManage are pure.
#pragma once

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/commands.h"
#include "events/event.h"
#include "events/util/binary.h"

namespace taskledger::webhooks {

template <class Kind>
class Channels {
 public:
  using Item = typename Kind::Item;

  // Folds the kind's events; others are ignored.
  void Apply(const EventView& e);
  const Item* Find(std::string_view id) const;  // deleted ones too
  // The agency's channels not deleted, by id.
  std::vector<const Item*> Of(std::string_view agency) const;
  // The agency's channels enabled and not deleted, by id.
  std::vector<const Item*> Live(std::string_view agency) const;
  // Every channel not deleted, by id.
  std::vector<const Item*> All() const;
  // How many are enabled and not deleted.
  size_t live_count() const;
  // For projection checkpoints (server/app/checkpoint.h): the folded table in binary, canonical;
  // Decode() into an empty one.
  void Encode(std::string& out) const;
  Status Decode(std::string_view in);

 private:
  static Status Corrupt() {
    return Status::Corruption("the checkpoint's " + std::string(Kind::kCheckpoint) +
                              " are damaged");
  }

  std::map<std::string, Item, std::less<>> items_;
  // Each agency's channels not deleted.
  std::map<std::string, std::set<std::string>, std::less<>> by_agency_;
};

// Whether `actor` may see `x`: coordinators and auditors all, an agency its own (to others, an
// agency's channels do not exist: 404).
template <class Item>
Status CanRead(const Item& x, const domain::Actor& a) {
  if (a.role == domain::ActorRole::kAgency && a.agency != x.agency) {
    return Status::NotFound("no " + std::string(Item::kNoun) + " '" + x.id + "'");
  }
  return Status::Ok();
}

// Whether `actor` may change `x`: as CanRead, and not an auditor.
template <class Item>
Status CanManage(const Item& x, const domain::Actor& a) {
  if (Status st = CanRead(x, a); !st.ok()) return st;
  if (a.role == domain::ActorRole::kAuditor) {
    return Status::PermissionDenied("auditors have read-only access");
  }
  return Status::Ok();
}

// The channel `id`, not deleted; otherwise 404.
template <class Kind>
Result<const typename Kind::Item*> Existing(const Channels<Kind>& r, std::string_view id) {
  const typename Kind::Item* x = r.Find(id);
  if (!x || x->deleted) {
    return Status::NotFound("no " + std::string(Kind::Item::kNoun) + " '" + std::string(id) + "'");
  }
  return x;
}

// The decisions every kind shares (defined in channel_rules.h, instantiated by each kind):
// a new channel `id`, by a coordinator for any agency or by an agency for itself; the fields a
// request sets, changed by one who may manage it (its agency stays); deleted.
template <class Kind>
Result<domain::Decision> DecideCreate(const Channels<Kind>& r, const domain::Ledger& ledger,
                                      const std::string& id, const typename Kind::Spec& spec,
                                      const domain::Actor& actor);
template <class Kind>
Result<domain::Decision> DecideUpdate(const Channels<Kind>& r, const domain::Ledger& ledger,
                                      std::string_view id, const typename Kind::Spec& spec,
                                      const domain::Actor& actor);
template <class Kind>
Result<domain::Decision> DecideDelete(const Channels<Kind>& r, std::string_view id,
                                      const domain::Actor& actor);

template <class Kind>
void Channels<Kind>::Apply(const EventView& e) {
  if (!e.type.starts_with(Kind::kEvents)) return;
  const nlohmann::json j = nlohmann::json::parse(e.data, nullptr, false);
  if (!j.is_object()) return;
  if (e.type == Kind::kCreated) {
    Item x = Kind::FromCreated(j);
    x.created_position = e.position;
    x.created_at_ms = x.updated_at_ms = e.recorded_at_ms;
    x.created_by = std::string(e.actor);
    x.version = e.version;
    by_agency_[x.agency].insert(x.id);
    const std::string id = x.id;
    items_[id] = std::move(x);
    return;
  }
  if (!e.stream.starts_with(Kind::kStreamPrefix)) return;
  auto it = items_.find(e.stream.substr(Kind::kStreamPrefix.size()));
  if (it == items_.end()) return;
  Item& x = it->second;
  x.version = e.version;
  if (e.type != Kind::kNotAChange) x.updated_at_ms = e.recorded_at_ms;
  if (e.type == Kind::kDeleted) {
    x.deleted = true;
    x.enabled = false;
    if (auto a = by_agency_.find(x.agency); a != by_agency_.end()) a->second.erase(x.id);
    return;
  }
  Kind::Fold(x, e.type, j, e);
}

template <class Kind>
const typename Kind::Item* Channels<Kind>::Find(std::string_view id) const {
  auto it = items_.find(id);
  return it == items_.end() ? nullptr : &it->second;
}

template <class Kind>
std::vector<const typename Kind::Item*> Channels<Kind>::Of(std::string_view agency) const {
  std::vector<const Item*> out;
  auto it = by_agency_.find(agency);
  if (it == by_agency_.end()) return out;
  for (const std::string& id : it->second) {
    if (const Item* x = Find(id); x && !x->deleted) out.push_back(x);
  }
  return out;
}

template <class Kind>
std::vector<const typename Kind::Item*> Channels<Kind>::Live(std::string_view agency) const {
  std::vector<const Item*> out = Of(agency);
  std::erase_if(out, [](const Item* x) { return !x->enabled; });
  return out;
}

template <class Kind>
std::vector<const typename Kind::Item*> Channels<Kind>::All() const {
  std::vector<const Item*> out;
  for (const auto& [id, x] : items_) {
    if (!x.deleted) out.push_back(&x);
  }
  return out;
}

template <class Kind>
size_t Channels<Kind>::live_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const auto& kv) {
    return kv.second.enabled && !kv.second.deleted;
  }));
}

template <class Kind>
void Channels<Kind>::Encode(std::string& out) const {
  BinaryWriter w(out);
  w.U64(items_.size());
  for (const auto& [id, x] : items_) Kind::Encode(w, x);
}

template <class Kind>
Status Channels<Kind>::Decode(std::string_view in) {
  BinaryReader r(in);
  for (size_t n = r.Count(16); n > 0 && r.ok(); --n) {
    Item x;
    if (!Kind::Decode(r, x)) return Corrupt();
    // Each agency's channels, as folding keeps them: those not deleted.
    if (!x.deleted) by_agency_[x.agency].insert(x.id);
    const std::string id = x.id;
    items_[id] = std::move(x);
  }
  return r.ok() && r.done() ? Status::Ok() : Corrupt();
}

}  // namespace taskledger::webhooks
