// Standard Webhooks signatures (https://www.standardwebhooks.com): a message is signed as
// "v1," + base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")), where the key is
// the bytes behind a "whsec_" + base64 secret. During a rotation the header carries one
// signature per live secret, separated by spaces. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/util/coding.h"
#include "events/util/status.h"

namespace taskledger::webhooks {

// A new secret: "whsec_" + base64 of 32 bytes from OpenSSL's CSPRNG.
std::string NewSecret();
// The key bytes of a "whsec_…" secret (the prefix is optional, as receivers accept both).
Result<std::string> SecretKey(std::string_view secret);

// "v1,<base64 signature>" of one message under one key.
std::string Sign(std::string_view key, std::string_view msg_id, int64_t timestamp,
                 std::string_view body);
// The webhook-signature header: one signature per key, space-separated.
std::string SignatureHeader(const std::vector<std::string>& keys, std::string_view msg_id,
                            int64_t timestamp, std::string_view body);

// What a receiver checks: some "v1," signature in `header` matches under `key`, and
// `timestamp` is within `tolerance_s` of `now_s` (replayed messages are refused). Compares in
// constant time.
bool Verify(std::string_view key, std::string_view msg_id, int64_t timestamp, std::string_view body,
            std::string_view header, int64_t now_s, int64_t tolerance_s = 300);

// Base64 and FromBase64 are in events/util/coding.h.

}  // namespace taskledger::webhooks
