#include "webhooks/mail/mailbox.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "events/util/binary.h"

namespace taskledger::webhooks::mail {

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

Mailbox MailKind::FromCreated(const json& j) {
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
  return m;
}

void MailKind::Fold(Mailbox& m, std::string_view type, const json& j, const EventView& e) {
  if (type == mev::kDigestSent) {
    m.last_digest = j.value("message", "");
    m.last_digest_at_ms = j.value("at_ms", e.recorded_at_ms);
  } else if (type == mev::kUpdated) {
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
  } else if (type == mev::kConfirmed) {
    m.confirmed = true;
    m.confirmed_by = j.value("how", "") == "link" ? "link" : std::string(e.actor);
    m.confirmed_at_ms = e.recorded_at_ms;
    m.failing.clear();
    m.failing_since_ms = 0;
  } else if (type == mev::kUnsubscribed) {
    m.enabled = false;
    m.unsubscribed_at_ms = e.recorded_at_ms;
  } else if (type == mev::kFailing) {
    m.failing = j.value("why", "");
    if (m.failing_since_ms == 0) m.failing_since_ms = e.recorded_at_ms;
  }
}

static_assert(sizeof(Mailbox) == 384, "Mailbox changed: encode the new field");

void MailKind::Encode(BinaryWriter& w, const Mailbox& m) {
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

bool MailKind::Decode(BinaryReader& r, Mailbox& m) {
  for (std::string* f : {&m.id, &m.agency, &m.address, &m.language}) *f = r.Str();
  m.reminders = r.Bool();
  m.changes = r.Bool();
  const uint64_t digest = r.U64();
  if (digest > static_cast<uint64_t>(Digest::kWeekly)) return false;
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
  return r.ok();
}

}  // namespace taskledger::webhooks::mail
