#include "webhooks/seal.h"

#include <openssl/evp.h>

#include <cctype>
#include <fstream>
#include <memory>
#include <sstream>

#include "events/util/coding.h"

namespace taskledger::webhooks {
namespace {

constexpr std::string_view kTag = "sealed:v1:";
constexpr int kNonce = 12, kMac = 16;

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Result<std::string> ReadSealKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read the secrets key file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() == 32) return text;
  std::string hex;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) hex.push_back(c);
  }
  if (auto key = FromHexText(hex); key && key->size() == 32) return *key;
  return Status::InvalidArgument("the secrets key file " + path +
                                 " must hold 64 hex digits (openssl rand -hex 32)");
}

std::string Seal(std::string_view key, std::string_view plain) {
  const std::string nonce = RandomBytes(kNonce);
  std::string out(plain.size(), '\0'), mac(kMac, '\0');
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key), U(nonce));
  EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, U(plain),
                    static_cast<int>(plain.size()));
  int tail = 0;
  EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &tail);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kMac, mac.data());
  return std::string(kTag) + Hex(nonce + out + mac);
}

Result<std::string> Unseal(std::string_view key, std::string_view sealed) {
  const std::optional<std::string> bytes =
      sealed.starts_with(kTag) ? FromHexText(sealed.substr(kTag.size())) : std::nullopt;
  if (!bytes || bytes->size() < kNonce + kMac) {
    return Status::Corruption("a sealed secret is unreadable");
  }
  const std::string& raw = *bytes;
  const std::string_view nonce(raw.data(), kNonce);
  const std::string_view body(raw.data() + kNonce, raw.size() - kNonce - kMac);
  std::string mac = raw.substr(raw.size() - kMac);
  std::string out(body.size(), '\0');
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0, tail = 0;
  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key), U(nonce));
  EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, U(body),
                    static_cast<int>(body.size()));
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kMac, mac.data());
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &tail) !=
      1) {
    return Status::Corruption(
        "a sealed secret does not open with this key (wrong key, or altered)");
  }
  return out;
}

}  // namespace taskledger::webhooks
