// SHA-256 over OpenSSL's EVP interface. The digest is fetched once per hasher: OpenSSL 3's
// implicit fetch in EVP_sha256() costs more than hashing a 300-byte record. Not thread-safe; use
// one hasher per thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_ctx_st;
struct evp_md_st;

namespace taskledger {

using Hash = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Hash of the concatenation of the parts.
  Hash Digest(std::string_view a, std::string_view b = {});

 private:
  evp_md_st* md_;
  evp_md_ctx_st* ctx_;
};

std::string ToHex(const Hash& h);
bool FromHex(std::string_view hex, Hash* out);

}  // namespace taskledger
