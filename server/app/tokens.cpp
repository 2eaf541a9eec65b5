#include "server/app/tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "events/util/binary.h"
#include "events/util/coding.h"
#include "events/util/sha256.h"

namespace taskledger::server {
namespace {

using nlohmann::json;

std::string HashHex(std::string_view token) {
  thread_local Sha256 sha;
  return ToHex(sha.Digest(token));
}

}  // namespace

std::optional<domain::ActorRole> ParseRole(std::string_view text) {
  if (text == "coordinator") return domain::ActorRole::kCoordinator;
  if (text == "agency") return domain::ActorRole::kAgency;
  if (text == "auditor") return domain::ActorRole::kAuditor;
  return std::nullopt;
}

std::string TokenStream(std::string_view id) { return "token-" + std::string(id); }

NewToken MintToken(domain::ActorRole role, std::string agency, std::string name, std::string actor,
                   std::string scope) {
  NewToken t;
  t.record.id = Hex(RandomBytes(6));
  t.token = "tl_" + t.record.id + "_" + Base64Url(RandomBytes(32));
  t.record.hash_hex = HashHex(t.token);
  t.record.role = role;
  t.record.agency = std::move(agency);
  t.record.name = std::move(name);
  t.record.scope = std::move(scope);
  json data = {{"id", t.record.id},
               {"sha256", t.record.hash_hex},
               {"role", domain::ToString(role)},
               {"name", t.record.name}};
  if (!t.record.agency.empty()) data["agency"] = t.record.agency;
  if (!t.record.scope.empty()) data["scope"] = t.record.scope;
  t.event.type = std::string(kTokenCreated);
  t.event.data = data.dump();
  t.event.actor = std::move(actor);
  t.stream = TokenStream(t.record.id);
  return t;
}

NewEvent RevokeEvent(std::string_view id, std::string actor) {
  NewEvent e;
  e.type = std::string(kTokenRevoked);
  e.data = json{{"id", id}}.dump();
  e.actor = std::move(actor);
  return e;
}

void TokenTable::Apply(const EventView& e) {
  if (!e.type.starts_with("token.")) return;
  const json j = json::parse(e.data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) return;
  const std::string id = j["id"];
  if (e.type == kTokenCreated) {
    TokenRecord r;
    r.id = id;
    r.hash_hex = j.value("sha256", "");
    r.role = ParseRole(j.value("role", "")).value_or(domain::ActorRole::kAuditor);
    r.agency = j.value("agency", "");
    r.name = j.value("name", "");
    r.scope = j.value("scope", "");
    r.created_at_ms = e.recorded_at_ms;
    tokens_[id] = std::move(r);
  } else if (e.type == kTokenRevoked) {
    if (auto it = tokens_.find(id); it != tokens_.end()) it->second.revoked = true;
  }
}

std::optional<TokenRecord> TokenTable::Check(std::string_view token, std::string_view scope) const {
  // "tl_" + 12 hex + "_" + secret
  if (token.size() < 20 || !token.starts_with("tl_") || token[15] != '_') return std::nullopt;
  auto it = tokens_.find(token.substr(3, 12));
  if (it == tokens_.end() || it->second.revoked || it->second.scope != scope) return std::nullopt;
  const std::string presented = HashHex(token);
  if (presented.size() != it->second.hash_hex.size() ||
      CRYPTO_memcmp(presented.data(), it->second.hash_hex.data(), presented.size()) != 0) {
    return std::nullopt;
  }
  return it->second;
}

const TokenRecord* TokenTable::Find(std::string_view id) const {
  auto it = tokens_.find(id);
  return it == tokens_.end() ? nullptr : &it->second;
}

static_assert(sizeof(TokenRecord) == 184, "TokenRecord changed: encode the new field");

void TokenTable::Encode(std::string& out) const {
  BinaryWriter w(out);
  w.U64(tokens_.size());
  for (const auto& [id, t] : tokens_) {
    for (const std::string* f : {&t.id, &t.hash_hex}) w.Str(*f);
    w.U64(static_cast<uint64_t>(t.role));
    for (const std::string* f : {&t.agency, &t.name, &t.scope}) w.Str(*f);
    w.I64(t.created_at_ms);
    w.Bool(t.revoked);
  }
}

Status TokenTable::Decode(std::string_view in) {
  BinaryReader r(in);
  for (size_t n = r.Count(8); n > 0 && r.ok(); --n) {
    TokenRecord t;
    for (std::string* f : {&t.id, &t.hash_hex}) *f = r.Str();
    const uint64_t role = r.U64();
    if (role > static_cast<uint64_t>(domain::ActorRole::kSystem)) break;
    t.role = static_cast<domain::ActorRole>(role);
    for (std::string* f : {&t.agency, &t.name, &t.scope}) *f = r.Str();
    t.created_at_ms = r.I64();
    t.revoked = r.Bool();
    const std::string id = t.id;
    tokens_[id] = std::move(t);
  }
  if (!r.ok() || !r.done()) return Status::Corruption("the checkpoint's tokens are damaged");
  return Status::Ok();
}

}  // namespace taskledger::server
