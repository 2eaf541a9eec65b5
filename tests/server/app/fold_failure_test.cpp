// A projection that cannot fold the log stops the server loudly, at open and while serving:
// answering from a ledger that no longer matches its log would be worse than not answering.
#include <catch2/catch.hpp>
#include <stdexcept>

#include "events/rocks_event_store.h"
#include "server/app/app.h"
#include "server/app/tokens.h"
#include "tests/server/server_fixture.h"

using namespace taskledger;
using namespace taskledger::server;
using namespace taskledger::testing;

namespace {

// An event the domain refuses to fold: work started on a task that was never created.
NewEvent Poison() {
  NewEvent e;
  e.type = "task.started";
  e.data = R"({"occurrence": "1"})";
  e.actor = "test";
  return e;
}

struct FoldFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace

TEST_CASE("a log the projection cannot fold is refused at open, naming the position",
          "[server][durability]") {
  TempDir dir;
  {
    auto store = OpenRocksEventStore(dir.path());
    REQUIRE(store.ok());
    REQUIRE((*store)->Append("task-x", ExpectedVersion::Any(), {Poison()}).ok());
  }
  AppOptions o;
  o.data_dir = dir.path();
  auto app = App::Open(o);
  REQUIRE_FALSE(app.ok());
  CHECK(app.status().code() == Status::Code::kCorruption);
  CHECK(app.status().message().find("position 1") != std::string::npos);

  // The executable says so and exits non-zero instead of serving.
  const ToolRun run = RunTool({"serve", "--data-dir", dir.path(), "--listen", "127.0.0.1:0"});
  CHECK(run.exit_code != 0);
  CHECK(run.out.find("position 1") != std::string::npos);
  CHECK(run.out.find("listening") == std::string::npos);
}

TEST_CASE("a running server that meets an event it cannot fold stops instead of answering",
          "[server][durability]") {
  TempDir dir;
  AppOptions o;
  o.data_dir = dir.path();
  std::string why;
  o.on_fold_failure = [&why](const std::string& w) {
    why = w;
    throw FoldFailed(w);
  };
  auto app = App::Open(o);
  REQUIRE(app.ok());
  NewToken t = MintToken(domain::ActorRole::kAuditor, "", "a", "test");
  REQUIRE((*app)->AppendAndFold(t.stream, ExpectedVersion::NoStream(), {t.event}).ok());

  // Something below the App wrote what the domain cannot read; the next fold meets it.
  REQUIRE((*app)->store().Append("task-x", ExpectedVersion::Any(), {Poison()}).ok());
  NewToken u = MintToken(domain::ActorRole::kAuditor, "", "b", "test");
  CHECK_THROWS_AS((*app)->AppendAndFold(u.stream, ExpectedVersion::NoStream(), {u.event}),
                  FoldFailed);
  CHECK(why.find("position 2") != std::string::npos);
  CHECK((*app)->folded_position() <= 2);  // nothing past the bad event was folded
}
