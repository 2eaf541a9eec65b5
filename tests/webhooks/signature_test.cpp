// Standard Webhooks signatures: the specification's own vector, rotation, and what a receiver
// must refuse.
#include "webhooks/signature.h"

#include <catch2/catch.hpp>

using namespace taskledger::webhooks;
using taskledger::Base64;
using taskledger::FromBase64;

namespace {
const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const char* kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const int64_t kTimestamp = 1614265330;
const char* kBody = R"({"test": 2432232314})";
}  // namespace

TEST_CASE("the Standard Webhooks test vector signs as the specification says", "[webhooks]") {
  auto key = SecretKey(kSecret);
  REQUIRE(key.ok());
  CHECK(Sign(*key, kId, kTimestamp, kBody) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  CHECK(Verify(*key, kId, kTimestamp, kBody,
               "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", kTimestamp + 10));
}

TEST_CASE("a receiver refuses a changed body, another id, an old timestamp or another key",
          "[webhooks]") {
  const std::string key = *SecretKey(kSecret);
  const std::string header = Sign(key, kId, kTimestamp, kBody);
  CHECK_FALSE(Verify(key, kId, kTimestamp, R"({"test": 2432232315})", header, kTimestamp));
  CHECK_FALSE(Verify(key, "msg_other", kTimestamp, kBody, header, kTimestamp));
  CHECK_FALSE(Verify(key, kId, kTimestamp, kBody, header, kTimestamp + 301));  // a replay
  CHECK_FALSE(Verify(key, kId, kTimestamp, kBody, header, kTimestamp - 301));
  const std::string other = *SecretKey(NewSecret());
  CHECK_FALSE(Verify(other, kId, kTimestamp, kBody, header, kTimestamp));
  CHECK_FALSE(Verify(key, kId, kTimestamp, kBody, "v1,", kTimestamp));
  CHECK_FALSE(Verify(key, kId, kTimestamp, kBody, "", kTimestamp));
}

TEST_CASE("during a rotation both secrets sign and either verifies", "[webhooks]") {
  const std::string old_key = *SecretKey(kSecret);
  const std::string new_secret = NewSecret();
  REQUIRE(new_secret.starts_with("whsec_"));
  const std::string new_key = *SecretKey(new_secret);
  CHECK(new_key.size() == 32);
  const std::string header = SignatureHeader({new_key, old_key}, kId, kTimestamp, kBody);
  CHECK(header.find(' ') != std::string::npos);
  CHECK(Verify(old_key, kId, kTimestamp, kBody, header, kTimestamp));
  CHECK(Verify(new_key, kId, kTimestamp, kBody, header, kTimestamp));
  CHECK(NewSecret() != new_secret);
}

TEST_CASE("secrets that are not whsec_ base64 of a usable key are refused", "[webhooks]") {
  CHECK_FALSE(SecretKey("whsec_").ok());
  CHECK_FALSE(SecretKey("whsec_not base64!").ok());
  CHECK_FALSE(SecretKey("whsec_" + Base64("short")).ok());
  CHECK(SecretKey(Base64(std::string(32, 'k'))).ok());  // the prefix is optional
  CHECK(*FromBase64(Base64("Sở Giáo dục")) == "Sở Giáo dục");
  CHECK(*FromBase64(Base64("ab")) == "ab");
  CHECK(*FromBase64(Base64("abc")) == "abc");
}
