// The rules of email subscriptions: who may subscribe, change, confirm, unsubscribe and remove
// an address, and what each decision records (mailbox.h).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "webhooks/channel_rules.h"
#include "webhooks/mail/mailbox.h"

namespace taskledger::webhooks::mail {

using domain::Actor;
using domain::ActorRole;
using domain::Decision;
using domain::Invalid;
using nlohmann::json;

namespace {

bool SameAddress(std::string_view a, std::string_view b) { return AddressKey(a) == AddressKey(b); }

}  // namespace

std::string AddressKey(std::string_view address) {
  std::string out(address);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

Result<std::string> CheckAddress(std::string_view address) {
  while (!address.empty() && (address.front() == ' ' || address.front() == '\t')) {
    address.remove_prefix(1);
  }
  while (!address.empty() && (address.back() == ' ' || address.back() == '\t')) {
    address.remove_suffix(1);
  }
  const std::string_view field = "address";
  if (address.empty()) return Invalid(field, "is required");
  if (address.size() > 254) return Invalid(field, "is longer than 254 characters");
  for (char c : address) {
    const auto u = static_cast<unsigned char>(c);
    // Line breaks would let an address write headers of its own; others are not in addresses.
    if (u <= ' ' || u >= 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' ||
        c == '(' || c == ')' || c == '\\' || c == '[' || c == ']') {
      return Invalid(field,
                     "use a plain address such as vanthu@sogddt.gov.vn (no spaces, "
                     "names or brackets; ASCII only)");
    }
  }
  const size_t at = address.find('@');
  if (at == 0 || at == std::string_view::npos ||
      address.find('@', at + 1) != std::string_view::npos) {
    return Invalid(field, "needs one '@' between a name and a domain");
  }
  const std::string_view domain = address.substr(at + 1);
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos || at > 64) {
    return Invalid(field, "the domain after '@' is not one mail can reach");
  }
  return std::string(address);
}

Status MailKind::Check(const domain::Ledger& ledger, MailboxSpec& spec, const Actor& a,
                       const Mailbox* existing) {
  if (existing && spec.confirmed) {
    return Invalid("confirmed", "use POST /v1/email-subscriptions/{id}/confirm");
  }
  if (!existing && spec.confirmed && a.role != ActorRole::kCoordinator) {
    return Status::PermissionDenied(
        "only a coordinator may vouch for an address; the agency confirms it by the mailed link");
  }
  if (spec.address) {
    auto address = CheckAddress(*spec.address);
    if (!address.ok()) return address.status();
    spec.address = *address;
  }
  if (spec.agency && !ledger.FindAgency(*spec.agency)) {
    return Invalid("agency", "unknown agency '" + *spec.agency + "'");
  }
  if (spec.language && *spec.language != "vi" && *spec.language != "en") {
    return Invalid("language", "is vi or en");
  }
  if (spec.schedule) return CheckPolicy(*spec.schedule, "reminder_schedule");
  return Status::Ok();
}

Status MailKind::Unique(const std::vector<const Mailbox*>& agencys, const MailboxSpec& spec,
                        const Mailbox* self) {
  if (!spec.address || (self && *spec.address == self->address)) return Status::Ok();
  for (const Mailbox* other : agencys) {
    if (other != self && SameAddress(other->address, *spec.address)) {
      return Status::AlreadyExists("agency '" + other->agency + "' already has " + other->address +
                                   " (" + other->id + ")");
    }
  }
  return Status::Ok();
}

std::vector<NewEvent> MailKind::Created(const std::string& id, const MailboxSpec& s,
                                        const Actor& a) {
  json data = {{"id", id},
               {"agency", *s.agency},
               {"address", *s.address},
               {"language", s.language.value_or("vi")},
               {"reminders", s.reminders.value_or(true)},
               {"changes", s.changes.value_or(true)},
               {"digest", ToString(s.digest.value_or(Digest::kWeekly))},
               {"enabled", s.enabled.value_or(true)}};
  if (s.schedule) data["reminder_schedule"] = PolicyJson(*s.schedule);
  std::vector<NewEvent> events = {ChannelEvent(mev::kSubscribed, data, a)};
  if (s.confirmed) {
    events.push_back(
        ChannelEvent(mev::kConfirmed, {{"address", *s.address}, {"how", "coordinator"}}, a));
  }
  return events;
}

json MailKind::Changes(const Mailbox& m, const MailboxSpec& s) {
  json j = json::object();
  if (s.address && *s.address != m.address) j["address"] = *s.address;  // confirmed anew
  if (s.language) j["language"] = *s.language;
  if (s.reminders) j["reminders"] = *s.reminders;
  if (s.changes) j["changes"] = *s.changes;
  if (s.digest) j["digest"] = ToString(*s.digest);
  if (s.schedule) j["reminder_schedule"] = PolicyJson(*s.schedule);
  if (s.server_schedule) j["reminder_schedule"] = nullptr;
  if (s.enabled) j["enabled"] = *s.enabled;
  return j;
}

Result<Decision> DecideConfirm(const Mailboxes& r, std::string_view id, std::string_view address,
                               std::string_view how, const Actor& a) {
  auto found = Existing(r, id);
  if (!found.ok()) return found.status();
  const Mailbox* m = *found;
  if (how == "coordinator") {
    if (a.role != ActorRole::kCoordinator) {
      return Status::PermissionDenied("only a coordinator may vouch for an address");
    }
  } else if (how != "link" || a.role != ActorRole::kSystem) {
    return Status::PermissionDenied("an address is confirmed by its link or by a coordinator");
  }
  if (!SameAddress(m->address, address)) {
    return Status::FailedPrecondition("this link was for " + std::string(address) +
                                      "; the subscription's address has changed since");
  }
  if (m->confirmed) return Status::AlreadyExists(m->address + " is confirmed already");
  return OneEvent<MailKind>(id, m->version, mev::kConfirmed,
                            {{"address", m->address}, {"how", how}}, a);
}

Result<Decision> DecideUnsubscribe(const Mailboxes& r, std::string_view id,
                                   std::string_view address, std::string_view how, const Actor& a) {
  auto found = Existing(r, id);
  if (!found.ok()) return found.status();
  const Mailbox* m = *found;
  if (a.role != ActorRole::kSystem) {
    return Status::PermissionDenied("unsubscribing is by a mail's link; others turn it off");
  }
  if (!SameAddress(m->address, address)) {
    return Status::FailedPrecondition("this link was for " + std::string(address) +
                                      "; the subscription's address has changed since");
  }
  if (!m->enabled) return Status::AlreadyExists(m->address + " receives nothing already");
  return OneEvent<MailKind>(id, m->version, mev::kUnsubscribed,
                            {{"address", m->address}, {"how", how}}, a);
}

Result<Decision> DecideFailing(const Mailboxes& r, std::string_view id, std::string_view why,
                               const Actor& a) {
  auto found = Existing(r, id);
  if (!found.ok()) return found.status();
  const Mailbox* m = *found;
  if (a.role != ActorRole::kSystem) return Status::PermissionDenied("the server marks addresses");
  if (m->failing == why) return Status::AlreadyExists(m->address + " is marked failing already");
  return OneEvent<MailKind>(id, m->version, mev::kFailing, {{"address", m->address}, {"why", why}},
                            a);
}

Result<Decision> DecideDigestSent(const Mailboxes& r, std::string_view id, const json& outcome,
                                  const Actor& a) {
  auto found = Existing(r, id);
  if (!found.ok()) return found.status();
  const Mailbox* m = *found;
  if (a.role != ActorRole::kSystem) return Status::PermissionDenied("the server records mail");
  const std::string message = outcome.value("message", "");
  if (message.empty()) return Invalid("message", "is required");
  if (m->last_digest == message) return Status::AlreadyExists(message + " is recorded already");
  json data = outcome;
  data["address"] = m->address;
  return OneEvent<MailKind>(id, m->version, mev::kDigestSent, data, a);
}

}  // namespace taskledger::webhooks::mail

// The rules every channel shares (channel_rules.h), for addresses.
namespace taskledger::webhooks {

using domain::Actor;
using domain::Decision;
using mail::Mailboxes;
using mail::MailboxSpec;

template Result<Decision> DecideCreate(const Mailboxes&, const domain::Ledger&, const std::string&,
                                       const MailboxSpec&, const Actor&);
template Result<Decision> DecideUpdate(const Mailboxes&, const domain::Ledger&, std::string_view,
                                       const MailboxSpec&, const Actor&);
template Result<Decision> DecideDelete(const Mailboxes&, std::string_view, const Actor&);

}  // namespace taskledger::webhooks
