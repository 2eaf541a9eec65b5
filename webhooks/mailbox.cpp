#include "webhooks/mailbox.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "events/util/binary.h"

namespace taskledger::webhooks {

using domain::Actor;
using domain::ActorRole;
using domain::Decision;
using nlohmann::json;

std::string_view ToString(Digest d) {
  switch (d) {
    case Digest::kNone:
      return "none";
    case Digest::kDaily:
      return "daily";
    case Digest::kWeekly:
      return "weekly";
  }
  return "none";
}

std::optional<Digest> DigestFrom(std::string_view s) {
  if (s == "none") return Digest::kNone;
  if (s == "daily") return Digest::kDaily;
  if (s == "weekly") return Digest::kWeekly;
  return std::nullopt;
}

void Mailboxes::Apply(const EventView& e) {
  if (!e.type.starts_with("email.")) return;
  const json j = json::parse(e.data, nullptr, false);
  if (!j.is_object()) return;
  if (e.type == mev::kSubscribed) {
    Mailbox m;
    m.id = j.value("id", "");
    m.agency = j.value("agency", "");
    m.address = j.value("address", "");
    m.language = j.value("language", "vi");
    m.reminders = j.value("reminders", true);
    m.changes = j.value("changes", true);
    m.digest = DigestFrom(j.value("digest", "weekly")).value_or(Digest::kWeekly);
    if (j.contains("reminder_schedule") && j["reminder_schedule"].is_object()) {
      m.schedule = PolicyFrom(j["reminder_schedule"]);
    }
    m.enabled = j.value("enabled", true);
    m.created_position = e.position;
    m.created_at_ms = m.updated_at_ms = e.recorded_at_ms;
    m.created_by = std::string(e.actor);
    m.version = e.version;
    by_agency_[m.agency].insert(m.id);
    std::string id = m.id;
    boxes_[id] = std::move(m);
    return;
  }
  const std::string_view prefix = "email-";
  if (!e.stream.starts_with(prefix)) return;
  auto it = boxes_.find(e.stream.substr(prefix.size()));
  if (it == boxes_.end()) return;
  Mailbox& m = it->second;
  m.version = e.version;
  if (e.type == mev::kDigestSent) {  // mail sent, not the address changed
    m.last_digest = j.value("message", "");
    m.last_digest_at_ms = j.value("at_ms", e.recorded_at_ms);
    return;
  }
  m.updated_at_ms = e.recorded_at_ms;
  if (e.type == mev::kUpdated) {
    if (j.contains("address")) {
      m.address = j.value("address", m.address);
      m.confirmed = false;
      m.confirmed_by.clear();
      m.confirmed_at_ms = 0;
      m.failing.clear();
      m.failing_since_ms = 0;
    }
    m.language = j.value("language", m.language);
    m.reminders = j.value("reminders", m.reminders);
    m.changes = j.value("changes", m.changes);
    if (j.contains("digest")) m.digest = DigestFrom(j.value("digest", "")).value_or(m.digest);
    if (j.contains("reminder_schedule")) {
      const json& p = j["reminder_schedule"];
      m.schedule = p.is_object() ? std::optional(PolicyFrom(p)) : std::nullopt;
    }
    if (j.contains("enabled")) {
      const bool was = m.enabled;
      m.enabled = j.value("enabled", m.enabled);
      // On again after an unsubscribe: the address's owner confirms again.
      if (m.enabled && !was && m.unsubscribed_at_ms > 0) m.confirmed = false;
    }
  } else if (e.type == mev::kConfirmed) {
    m.confirmed = true;
    m.confirmed_by = j.value("how", "") == "link" ? "link" : std::string(e.actor);
    m.confirmed_at_ms = e.recorded_at_ms;
    m.failing.clear();
    m.failing_since_ms = 0;
  } else if (e.type == mev::kUnsubscribed) {
    m.enabled = false;
    m.unsubscribed_at_ms = e.recorded_at_ms;
  } else if (e.type == mev::kFailing) {
    m.failing = j.value("why", "");
    if (m.failing_since_ms == 0) m.failing_since_ms = e.recorded_at_ms;
  } else if (e.type == mev::kDeleted) {
    m.deleted = true;
    m.enabled = false;
    if (auto a = by_agency_.find(m.agency); a != by_agency_.end()) a->second.erase(m.id);
  }
}

const Mailbox* Mailboxes::Find(std::string_view id) const {
  auto it = boxes_.find(id);
  return it == boxes_.end() ? nullptr : &it->second;
}

std::vector<const Mailbox*> Mailboxes::Of(std::string_view agency) const {
  std::vector<const Mailbox*> out;
  auto it = by_agency_.find(agency);
  if (it == by_agency_.end()) return out;
  for (const std::string& id : it->second) {
    if (const Mailbox* m = Find(id); m && !m->deleted) out.push_back(m);
  }
  return out;
}

std::vector<const Mailbox*> Mailboxes::All() const {
  std::vector<const Mailbox*> out;
  for (const auto& [id, m] : boxes_) {
    if (!m.deleted) out.push_back(&m);
  }
  return out;
}

static_assert(sizeof(Mailbox) == 384, "Mailbox changed: encode the new field");

void Mailboxes::Encode(std::string& out) const {
  BinaryWriter w(out);
  w.U64(boxes_.size());
  for (const auto& [id, m] : boxes_) {
    for (const std::string* f : {&m.id, &m.agency, &m.address, &m.language}) w.Str(*f);
    w.Bool(m.reminders);
    w.Bool(m.changes);
    w.U64(static_cast<uint64_t>(m.digest));
    EncodePolicy(w, m.schedule);
    w.Bool(m.enabled);
    w.Bool(m.confirmed);
    w.Str(m.confirmed_by);
    w.I64(m.confirmed_at_ms);
    w.I64(m.unsubscribed_at_ms);
    w.Str(m.failing);
    w.I64(m.failing_since_ms);
    w.Str(m.last_digest);
    w.I64(m.last_digest_at_ms);
    w.U64(m.created_position);
    w.I64(m.created_at_ms);
    w.I64(m.updated_at_ms);
    w.Str(m.created_by);
    w.U64(m.version);
    w.Bool(m.deleted);
  }
}

Status Mailboxes::Decode(std::string_view in) {
  BinaryReader r(in);
  for (size_t n = r.Count(16); n > 0 && r.ok(); --n) {
    Mailbox m;
    for (std::string* f : {&m.id, &m.agency, &m.address, &m.language}) *f = r.Str();
    m.reminders = r.Bool();
    m.changes = r.Bool();
    const uint64_t digest = r.U64();
    if (digest > static_cast<uint64_t>(Digest::kWeekly)) break;
    m.digest = static_cast<Digest>(digest);
    m.schedule = DecodePolicy(r);
    m.enabled = r.Bool();
    m.confirmed = r.Bool();
    m.confirmed_by = r.Str();
    m.confirmed_at_ms = r.I64();
    m.unsubscribed_at_ms = r.I64();
    m.failing = r.Str();
    m.failing_since_ms = r.I64();
    m.last_digest = r.Str();
    m.last_digest_at_ms = r.I64();
    m.created_position = r.U64();
    m.created_at_ms = r.I64();
    m.updated_at_ms = r.I64();
    m.created_by = r.Str();
    m.version = r.U64();
    m.deleted = r.Bool();
    if (!m.deleted) by_agency_[m.agency].insert(m.id);
    const std::string id = m.id;
    boxes_[id] = std::move(m);
  }
  if (!r.ok() || !r.done()) return Status::Corruption("the checkpoint's mailboxes are damaged");
  return Status::Ok();
}

}  // namespace taskledger::webhooks
