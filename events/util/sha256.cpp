#include "events/util/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "events/util/coding.h"

namespace taskledger {

Sha256::Sha256() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {
  if (md_ == nullptr || ctx_ == nullptr) throw std::runtime_error("OpenSSL: SHA256 unavailable");
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_);
  EVP_MD_free(md_);
}

Hash Sha256::Digest(std::string_view a, std::string_view b) {
  Hash out;
  unsigned int len = 0;
  if (EVP_DigestInit_ex(ctx_, md_, nullptr) != 1 ||
      EVP_DigestUpdate(ctx_, a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx_, b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1 || len != out.size()) {
    throw std::runtime_error("OpenSSL: SHA256 digest failed");
  }
  return out;
}

std::string ToHex(const Hash& h) {
  return Hex(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

bool FromHex(std::string_view hex, Hash* out) {
  if (hex.size() != 64) return false;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    const int hi = val(hex[2 * i]), lo = val(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace taskledger
