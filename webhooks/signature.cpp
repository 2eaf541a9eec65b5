#include "webhooks/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "events/util/coding.h"

namespace taskledger::webhooks {

namespace {

constexpr std::string_view kPrefix = "whsec_";

}  // namespace

std::string NewSecret() {
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) throw std::runtime_error("RAND_bytes failed");
  return std::string(kPrefix) + Base64(std::string_view(reinterpret_cast<char*>(key), sizeof key));
}

Result<std::string> SecretKey(std::string_view secret) {
  if (secret.starts_with(kPrefix)) secret.remove_prefix(kPrefix.size());
  auto key = FromBase64(secret);
  if (!key.ok()) return Status::InvalidArgument("a secret is whsec_ followed by base64");
  if (key->size() < 24 || key->size() > 64) {
    return Status::InvalidArgument("a secret's key must be 24 to 64 bytes");
  }
  return key;
}

std::string Sign(std::string_view key, std::string_view msg_id, int64_t timestamp,
                 std::string_view body) {
  std::string content;
  content.reserve(msg_id.size() + body.size() + 24);
  content.append(msg_id);
  content.push_back('.');
  content.append(std::to_string(timestamp));
  content.push_back('.');
  content.append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_size);
  return "v1," + Base64(std::string_view(reinterpret_cast<char*>(mac), mac_size));
}

std::string SignatureHeader(const std::vector<std::string>& keys, std::string_view msg_id,
                            int64_t timestamp, std::string_view body) {
  std::string out;
  for (const std::string& key : keys) {
    if (!out.empty()) out.push_back(' ');
    out += Sign(key, msg_id, timestamp, body);
  }
  return out;
}

bool Verify(std::string_view key, std::string_view msg_id, int64_t timestamp, std::string_view body,
            std::string_view header, int64_t now_s, int64_t tolerance_s) {
  if (timestamp < now_s - tolerance_s || timestamp > now_s + tolerance_s) return false;
  const std::string expected = Sign(key, msg_id, timestamp, body);
  bool match = false;
  while (!header.empty()) {
    const size_t space = header.find(' ');
    const std::string_view one = header.substr(0, space);
    if (one.size() == expected.size() &&
        CRYPTO_memcmp(one.data(), expected.data(), expected.size()) == 0) {
      match = true;
    }
    if (space == std::string_view::npos) break;
    header.remove_prefix(space + 1);
  }
  return match;
}

}  // namespace taskledger::webhooks
