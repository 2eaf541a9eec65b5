// The relay's login through the real server: mail goes under --smtp-user with the password read
// from a file, which never reaches the server's log; a login the relay refuses is ours to fix,
// so the mail waits and is sent once it is fixed, and the address is not marked failing.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "tests/server/email_helpers.h"
#include "tests/server/server_fixture.h"

using namespace taskledger::testing;
using nlohmann::json;

TEST_CASE("mail goes under the relay's login; the password stays out of the log",
          "[server][integration][email]") {
  SmtpSink sink;
  const std::string password = "Pa55-rieng-cua-relay-7f3a";
  sink.Control({{"auth", {{"user", "taskledger"}, {"password", "not-yet-" + password}}}});
  TempDir secrets;
  const std::string file = secrets.Sub("smtp-password");
  std::ofstream(file) << password << "\n";
  std::vector<std::string> flags = MailFlags(sink);
  // Attempts a second apart, enough of them for the test to fix the relay between two.
  *(std::find(flags.begin(), flags.end(), "--mail-retry") + 1) = "0,1s,1s,1s,1s,1s,1s,1s,1s,1s";
  flags.insert(flags.end(), {"--smtp-user", "taskledger", "--smtp-password-file", file});
  ApiFixture f("2026-03-02", flags);

  const json box =
      f.PostJson(
           f.coordinator, "/v1/email-subscriptions",
           {{"agency", "so-gddt-hp"}, {"address", "vanthu@sogddt-hp.gov.vn"}, {"confirmed", true}})
          .json();
  const std::string path = "/v1/email-subscriptions/" + box["id"].get<std::string>();
  REQUIRE(f.Post(f.coordinator, path + "/test", "").status == 202);

  // The relay refuses the login: nothing arrives, the mail waits, the address is not to blame.
  json deliveries;
  for (int i = 0; i < 200; ++i) {
    deliveries = f.Get(f.coordinator, path + "/deliveries").json();
    if (!deliveries["items"].empty() && deliveries["items"][0]["attempts"] >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(deliveries["items"].size() == 1);
  CHECK(deliveries["items"][0]["state"] == "pending");
  CHECK(sink.Messages().empty());
  CHECK(f.Get(f.coordinator, path).json()["failing"].is_null());

  // The relay takes the password now: the next attempt goes through, under the login.
  sink.Control({{"auth", {{"user", "taskledger"}, {"password", password}}}});
  const std::vector<json> mail = sink.WaitFor(1);
  REQUIRE(mail.size() == 1);
  CHECK(mail[0]["envelope"]["auth"] == "taskledger");
  CHECK(mail[0]["subject"].get<std::string>().find("Thư thử") != std::string::npos);

  // The request log is written out every second: wait for the test mail's request, then look.
  std::string log;
  for (int i = 0; i < 60 && log.find("/test 202") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = f.server->log();
  }
  CHECK(log.find("/test 202") != std::string::npos);
  CHECK(log.find(password) == std::string::npos);
  CHECK(log.find("vanthu@sogddt-hp.gov.vn") == std::string::npos);
}
