#include "webhooks/mail/links.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <charconv>
#include <vector>

#include "events/util/coding.h"
#include "webhooks/mail/mailbox.h"

namespace taskledger::webhooks::mail {
namespace {

std::string AddressTag(std::string_view address) {
  const std::string lower = AddressKey(address);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(lower.data()), lower.size(), digest);
  return Hex(std::string_view(reinterpret_cast<const char*>(digest), 8));
}

std::string Mac(std::string_view key, std::string_view signed_part) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac, &n);
  return Hex(std::string_view(reinterpret_cast<const char*>(mac), n));
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t from = 0;
  for (size_t at; (at = s.find(sep, from)) != std::string_view::npos; from = at + 1) {
    out.push_back(s.substr(from, at - from));
  }
  out.push_back(s.substr(from));
  return out;
}

}  // namespace

std::string MakeLinkToken(std::string_view key, LinkPurpose purpose, std::string_view mailbox,
                          std::string_view address, int64_t expires_s) {
  const std::string signed_part = std::string(purpose == LinkPurpose::kConfirm ? "c" : "u") + "." +
                                  std::string(mailbox) + "." + std::to_string(expires_s) + "." +
                                  AddressTag(address);
  return signed_part + "." + Mac(key, signed_part);
}

Result<Link> ReadLinkToken(std::string_view key, std::string_view token, int64_t now_s) {
  const Status bad = Status::InvalidArgument("this link is not one TaskLedger made, or it was cut");
  if (token.size() > 200) return bad;
  const std::vector<std::string_view> parts = Split(token, '.');
  if (parts.size() != 5 || (parts[0] != "c" && parts[0] != "u")) return bad;
  const std::string_view signed_part = token.substr(0, token.rfind('.'));
  const std::string expected = Mac(key, signed_part);
  if (parts[4].size() != expected.size() ||
      CRYPTO_memcmp(parts[4].data(), expected.data(), expected.size()) != 0) {
    return bad;
  }
  Link link;
  link.purpose = parts[0] == "c" ? LinkPurpose::kConfirm : LinkPurpose::kUnsubscribe;
  link.mailbox = std::string(parts[1]);
  const auto [end, ec] =
      std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), link.expires_s);
  if (ec != std::errc() || end != parts[2].data() + parts[2].size()) return bad;
  link.address_tag = std::string(parts[3]);
  if (now_s > link.expires_s) {
    return Status::FailedPrecondition(
        link.purpose == LinkPurpose::kConfirm
            ? "this confirmation link has expired: ask for a new one on the Notifications page"
            : "this link has expired: turn the mail off on the Notifications page");
  }
  return link;
}

bool LinkIsFor(const Link& link, std::string_view address) {
  return link.address_tag == AddressTag(address);
}

}  // namespace taskledger::webhooks::mail
