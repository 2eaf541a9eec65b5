// Secrets at rest: AES-256-GCM with a key from the configuration, for what an outbox keeps in a
// shared database (webhook signing secrets, the mail link key). OpenSSL does the cryptography.
#pragma once

#include <string>
#include <string_view>

#include "events/util/status.h"

namespace taskledger::webhooks {

// Reads a 256-bit key from `path`: 64 hex digits (and optional whitespace) or 32 raw bytes.
Result<std::string> ReadSealKey(const std::string& path);
// "sealed:v1:" + hex(nonce[12] | ciphertext | tag[16]).
std::string Seal(std::string_view key, std::string_view plain);
// The plain text of Seal's output; kCorruption when the key is wrong or it was altered.
Result<std::string> Unseal(std::string_view key, std::string_view sealed);
inline bool IsSealed(std::string_view v) { return v.starts_with("sealed:v1:"); }

}  // namespace taskledger::webhooks
