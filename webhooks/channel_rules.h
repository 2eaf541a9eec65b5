// The rules every notification channel shares (channels.h): who may create, change and delete
// one, the checks each kind adds, and the events each decision records. Private to webhooks/:
// included by the kinds' rule files, which instantiate them.
//
// A kind adds to channels.h's members what its rules need:
//
//   using Spec = …;  // a request: optional agency and fields, unset ones left as they are
//   kTarget: the Spec member a new channel must have (&Spec::url), named kTargetField ("url");
//   kCreateRefused, kOthersRefused: why a role, or an agency for another, may not create one;
//   kAgencyFixed: why a channel's agency does not change; kCounted ("webhooks"); kMaxPerAgency;
//   kUpdated: its "changed" event type;
//   static std::string Stream(std::string_view id);
//   static Status Check(const Ledger&, Spec&, const Actor&, const Item* existing);
//       the fields `spec` sets (normalising them), for a new channel (existing null) or one
//   static Status Unique(const std::vector<const Item*>& agency's, const Spec&, const Item* self);
//       what may not be shared with the agency's other channels (an address)
//   static std::vector<NewEvent> Created(const std::string& id, const Spec&, const Actor&);
//   static nlohmann::json Changes(const Item&, const Spec&);  what an update records
//
// Pure: (channels, ledger, request, actor) -> events.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "domain/commands.h"
#include "domain/invalid.h"
#include "webhooks/channels.h"

namespace taskledger::webhooks {

// An event `actor` records.
inline NewEvent ChannelEvent(std::string_view type, const nlohmann::json& data,
                             const domain::Actor& actor) {
  NewEvent e;
  e.type = std::string(type);
  e.data = data.dump();
  e.actor = actor.Label();
  return e;
}

// One event on the channel's stream, written only if none landed there since `version`.
template <class Kind>
domain::Decision OneEvent(std::string_view id, uint64_t version, std::string_view type,
                          const nlohmann::json& data, const domain::Actor& actor) {
  domain::Decision d;
  d.stream = Kind::Stream(id);
  d.expected = ExpectedVersion::Exact(version);
  d.events.push_back(ChannelEvent(type, data, actor));
  return d;
}

// The channel `id`, if `actor` may manage it.
template <class Kind>
Result<const typename Kind::Item*> Managed(const Channels<Kind>& r, std::string_view id,
                                           const domain::Actor& a) {
  auto x = Existing(r, id);
  if (!x.ok()) return x;
  if (Status st = CanManage(**x, a); !st.ok()) return st;
  return x;
}

// A new channel: the agency is the caller's own when the request names none; checked, new,
// unique among the agency's and within the agency's limit.
template <class Kind>
Result<domain::Decision> DecideCreate(const Channels<Kind>& r, const domain::Ledger& ledger,
                                      const std::string& id, const typename Kind::Spec& spec,
                                      const domain::Actor& a) {
  using domain::ActorRole;
  if (a.role != ActorRole::kCoordinator && a.role != ActorRole::kAgency) {
    return Status::PermissionDenied(std::string(Kind::kCreateRefused));
  }
  if (!(spec.*Kind::kTarget)) return domain::Invalid(Kind::kTargetField, "is required");
  typename Kind::Spec s = spec;
  if (!s.agency) {
    if (a.role != ActorRole::kAgency) return domain::Invalid("agency", "is required");
    s.agency = a.agency;
  }
  if (a.role == ActorRole::kAgency && *s.agency != a.agency) {
    return Status::PermissionDenied(std::string(Kind::kOthersRefused));
  }
  if (Status st = Kind::Check(ledger, s, a, nullptr); !st.ok()) return st;
  if (r.Find(id)) {
    return Status::AlreadyExists(std::string(Kind::Item::kNoun) + " '" + id + "' exists");
  }
  const auto mine = r.Of(*s.agency);
  if (Status st = Kind::Unique(mine, s, nullptr); !st.ok()) return st;
  if (mine.size() >= Kind::kMaxPerAgency) {
    return Status::FailedPrecondition("agency '" + *s.agency + "' already has " +
                                      std::to_string(mine.size()) + " " +
                                      std::string(Kind::kCounted) + ", the most allowed");
  }
  domain::Decision d;
  d.stream = Kind::Stream(id);
  d.expected = ExpectedVersion::NoStream();
  d.events = Kind::Created(id, s, a);
  return d;
}

template <class Kind>
Result<domain::Decision> DecideUpdate(const Channels<Kind>& r, const domain::Ledger& ledger,
                                      std::string_view id, const typename Kind::Spec& spec,
                                      const domain::Actor& a) {
  auto x = Managed(r, id, a);
  if (!x.ok()) return x.status();
  if (spec.agency && *spec.agency != (*x)->agency) {
    return domain::Invalid("agency", Kind::kAgencyFixed);
  }
  typename Kind::Spec s = spec;
  if (Status st = Kind::Check(ledger, s, a, *x); !st.ok()) return st;
  if (Status st = Kind::Unique(r.Of((*x)->agency), s, *x); !st.ok()) return st;
  const nlohmann::json j = Kind::Changes(**x, s);
  if (j.empty()) return domain::Invalid("body", "names nothing to change");
  return OneEvent<Kind>(id, (*x)->version, Kind::kUpdated, j, a);
}

template <class Kind>
Result<domain::Decision> DecideDelete(const Channels<Kind>& r, std::string_view id,
                                      const domain::Actor& a) {
  auto x = Managed(r, id, a);
  if (!x.ok()) return x.status();
  return OneEvent<Kind>(id, (*x)->version, Kind::kDeleted, nlohmann::json::object(), a);
}

}  // namespace taskledger::webhooks
