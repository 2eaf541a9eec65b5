// The rules of email subscriptions: who may subscribe, change, confirm, unsubscribe and remove
// an address, and what each decision records (mailbox.h).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "webhooks/mailbox.h"

namespace taskledger::webhooks {

using domain::Actor;
using domain::ActorRole;
using domain::Decision;
using nlohmann::json;

namespace {

Status Invalid(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(what));
}

// Checks the fields `spec` sets; the address comes back trimmed.
Status Check(const domain::Ledger& ledger, MailboxSpec& spec) {
  if (spec.address) {
    auto a = CheckAddress(*spec.address);
    if (!a.ok()) return a.status();
    spec.address = *a;
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

Result<const Mailbox*> Managed(const Mailboxes& r, std::string_view id, const Actor& a) {
  const Mailbox* m = r.Find(id);
  if (!m || m->deleted) return Status::NotFound("no email subscription '" + std::string(id) + "'");
  if (Status st = CanManage(*m, a); !st.ok()) return st;
  return m;
}

NewEvent Event(std::string_view type, const json& data, const Actor& a) {
  NewEvent e;
  e.type = std::string(type);
  e.data = data.dump();
  e.actor = a.Label();
  return e;
}

Decision One(std::string_view id, uint64_t version, std::string_view type, const json& data,
             const Actor& a) {
  Decision d;
  d.stream = mev::Stream(id);
  d.expected = ExpectedVersion::Exact(version);
  d.events.push_back(Event(type, data, a));
  return d;
}

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

Status CanRead(const Mailbox& m, const Actor& a) {
  if (a.role == ActorRole::kAgency && a.agency != m.agency) {
    return Status::NotFound("no email subscription '" + m.id + "'");  // others' do not exist
  }
  return Status::Ok();
}

Status CanManage(const Mailbox& m, const Actor& a) {
  if (Status st = CanRead(m, a); !st.ok()) return st;
  if (a.role == ActorRole::kAuditor) {
    return Status::PermissionDenied("auditors have read-only access");
  }
  return Status::Ok();
}

Result<Decision> DecideSubscribe(const Mailboxes& r, const domain::Ledger& ledger,
                                 const std::string& id, const MailboxSpec& spec, const Actor& a) {
  if (a.role != ActorRole::kCoordinator && a.role != ActorRole::kAgency) {
    return Status::PermissionDenied("only coordinators and agencies subscribe addresses");
  }
  if (!spec.address) return Invalid("address", "is required");
  MailboxSpec s = spec;
  if (!s.agency) {
    if (a.role != ActorRole::kAgency) return Invalid("agency", "is required");
    s.agency = a.agency;
  }
  if (a.role == ActorRole::kAgency && *s.agency != a.agency) {
    return Status::PermissionDenied("an agency subscribes its own addresses only");
  }
  if (s.confirmed && a.role != ActorRole::kCoordinator) {
    return Status::PermissionDenied(
        "only a coordinator may vouch for an address; the agency confirms it by the mailed link");
  }
  if (Status st = Check(ledger, s); !st.ok()) return st;
  if (r.Find(id)) return Status::AlreadyExists("email subscription '" + id + "' exists");
  const std::vector<const Mailbox*> mine = r.Of(*s.agency);
  for (const Mailbox* m : mine) {
    if (SameAddress(m->address, *s.address)) {
      return Status::AlreadyExists("agency '" + *s.agency + "' already has " + m->address + " (" +
                                   m->id + ")");
    }
  }
  if (mine.size() >= kMaxMailboxesPerAgency) {
    return Status::FailedPrecondition("agency '" + *s.agency + "' already has " +
                                      std::to_string(mine.size()) + " addresses, the most allowed");
  }
  Decision d;
  d.stream = mev::Stream(id);
  d.expected = ExpectedVersion::NoStream();
  json data = {{"id", id},
               {"agency", *s.agency},
               {"address", *s.address},
               {"language", s.language.value_or("vi")},
               {"reminders", s.reminders.value_or(true)},
               {"changes", s.changes.value_or(true)},
               {"digest", ToString(s.digest.value_or(Digest::kWeekly))},
               {"enabled", s.enabled.value_or(true)}};
  if (s.schedule) data["reminder_schedule"] = PolicyJson(*s.schedule);
  d.events.push_back(Event(mev::kSubscribed, data, a));
  if (s.confirmed) {
    d.events.push_back(
        Event(mev::kConfirmed, {{"address", *s.address}, {"how", "coordinator"}}, a));
  }
  return d;
}

Result<Decision> DecideUpdate(const Mailboxes& r, const domain::Ledger& ledger, std::string_view id,
                              const MailboxSpec& spec, const Actor& a) {
  auto m = Managed(r, id, a);
  if (!m.ok()) return m.status();
  if (spec.agency && *spec.agency != (*m)->agency) {
    return Invalid("agency", "cannot change; subscribe the address for the other agency");
  }
  if (spec.confirmed) {
    return Invalid("confirmed", "use POST /v1/email-subscriptions/{id}/confirm");
  }
  MailboxSpec s = spec;
  if (Status st = Check(ledger, s); !st.ok()) return st;
  json j = json::object();
  if (s.address && *s.address != (*m)->address) {
    for (const Mailbox* other : r.Of((*m)->agency)) {
      if (other->id != (*m)->id && SameAddress(other->address, *s.address)) {
        return Status::AlreadyExists("agency '" + (*m)->agency + "' already has " + other->address +
                                     " (" + other->id + ")");
      }
    }
    j["address"] = *s.address;  // a new address confirms anew
  }
  if (s.language) j["language"] = *s.language;
  if (s.reminders) j["reminders"] = *s.reminders;
  if (s.changes) j["changes"] = *s.changes;
  if (s.digest) j["digest"] = ToString(*s.digest);
  if (s.schedule) j["reminder_schedule"] = PolicyJson(*s.schedule);
  if (s.server_schedule) j["reminder_schedule"] = nullptr;
  if (s.enabled) j["enabled"] = *s.enabled;
  if (j.empty()) return Invalid("body", "names nothing to change");
  return One(id, (*m)->version, mev::kUpdated, j, a);
}

Result<Decision> DecideDelete(const Mailboxes& r, std::string_view id, const Actor& a) {
  auto m = Managed(r, id, a);
  if (!m.ok()) return m.status();
  return One(id, (*m)->version, mev::kDeleted, json::object(), a);
}

Result<Decision> DecideConfirm(const Mailboxes& r, std::string_view id, std::string_view address,
                               std::string_view how, const Actor& a) {
  const Mailbox* m = r.Find(id);
  if (!m || m->deleted) return Status::NotFound("no email subscription '" + std::string(id) + "'");
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
  return One(id, m->version, mev::kConfirmed, {{"address", m->address}, {"how", how}}, a);
}

Result<Decision> DecideUnsubscribe(const Mailboxes& r, std::string_view id,
                                   std::string_view address, std::string_view how, const Actor& a) {
  const Mailbox* m = r.Find(id);
  if (!m || m->deleted) return Status::NotFound("no email subscription '" + std::string(id) + "'");
  if (a.role != ActorRole::kSystem) {
    return Status::PermissionDenied("unsubscribing is by a mail's link; others turn it off");
  }
  if (!SameAddress(m->address, address)) {
    return Status::FailedPrecondition("this link was for " + std::string(address) +
                                      "; the subscription's address has changed since");
  }
  if (!m->enabled) return Status::AlreadyExists(m->address + " receives nothing already");
  return One(id, m->version, mev::kUnsubscribed, {{"address", m->address}, {"how", how}}, a);
}

Result<Decision> DecideFailing(const Mailboxes& r, std::string_view id, std::string_view why,
                               const Actor& a) {
  const Mailbox* m = r.Find(id);
  if (!m || m->deleted) return Status::NotFound("no email subscription '" + std::string(id) + "'");
  if (a.role != ActorRole::kSystem) return Status::PermissionDenied("the server marks addresses");
  if (m->failing == why) return Status::AlreadyExists(m->address + " is marked failing already");
  return One(id, m->version, mev::kFailing, {{"address", m->address}, {"why", why}}, a);
}

Result<Decision> DecideDigestSent(const Mailboxes& r, std::string_view id, const json& outcome,
                                  const Actor& a) {
  const Mailbox* m = r.Find(id);
  if (!m || m->deleted) return Status::NotFound("no email subscription '" + std::string(id) + "'");
  if (a.role != ActorRole::kSystem) return Status::PermissionDenied("the server records mail");
  const std::string message = outcome.value("message", "");
  if (message.empty()) return Invalid("message", "is required");
  if (m->last_digest == message) return Status::AlreadyExists(message + " is recorded already");
  json data = outcome;
  data["address"] = m->address;
  return One(id, m->version, mev::kDigestSent, data, a);
}

}  // namespace taskledger::webhooks
