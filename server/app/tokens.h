// API tokens. A token is "tl_<id>_<secret>"; the log keeps only its SHA-256 (event
// "token.created" in stream "token-<id>", "token.revoked" to end it), so tokens are as auditable
// as everything else and a stolen log grants nothing. The table is folded from those events.
//
// Thread-safety: none; the App guards it with the Ledger's mutex.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/commands.h"
#include "events/event.h"

namespace taskledger::server {

struct TokenRecord {
  std::string id;
  std::string hash_hex;  // SHA-256 of the whole token
  domain::ActorRole role = domain::ActorRole::kAuditor;
  std::string agency;  // kAgency
  std::string name;    // who holds it ("so-gddt-hp desk", "run.sh")
  // What it opens: "" the API (a bearer token); "calendar" one agency's calendar feed only, as
  // ?key= (calendar apps cannot send headers), and never the API.
  std::string scope;
  int64_t created_at_ms = 0;
  bool revoked = false;
};

// A fresh token and the event that records it.
struct NewToken {
  std::string token;  // shown once
  TokenRecord record;
  NewEvent event;
  std::string stream;
};

inline constexpr std::string_view kTokenCreated = "token.created";
inline constexpr std::string_view kTokenRevoked = "token.revoked";

std::string TokenStream(std::string_view id);
NewToken MintToken(domain::ActorRole role, std::string agency, std::string name, std::string actor,
                   std::string scope = {});
inline constexpr std::string_view kCalendarScope = "calendar";
NewEvent RevokeEvent(std::string_view id, std::string actor);

class TokenTable {
 public:
  // Folds token.* events; others are ignored.
  void Apply(const EventView& e);
  // The record for a presented token, if it is valid, not revoked and of `scope`
  // (constant-time compare).
  std::optional<TokenRecord> Check(std::string_view token, std::string_view scope = {}) const;
  const TokenRecord* Find(std::string_view id) const;
  const std::map<std::string, TokenRecord, std::less<>>& all() const { return tokens_; }
  // For projection checkpoints (checkpoint.h); Decode() into an empty table.
  void Encode(std::string& out) const;
  Status Decode(std::string_view in);

 private:
  std::map<std::string, TokenRecord, std::less<>> tokens_;
};

std::optional<domain::ActorRole> ParseRole(std::string_view text);

}  // namespace taskledger::server
