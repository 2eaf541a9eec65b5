// The implementations of EventStore that the contract tests (store_contract_test.cpp,
// store_contract_async_test.cpp) run against: RocksDB and PostgreSQL. Each is a type with Open(dir,
// options): a store in `dir` (empty at first, then the one it opened before) taking the contract's
// options only. A second implementation is one more type in StoreImplementations, and every
// contract test runs against it too; what only one implementation promises (crashes, full disks,
// damaged files) is tested beside it, not here.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "events/event_store.h"
#include "events/pg_event_store.h"
#include "events/rocks_event_store.h"
#include "tests/events/store_fixture.h"
#include "tests/support/pg_server.h"

namespace taskledger::testing {

struct RocksImplementation {
  static Result<std::unique_ptr<EventStore>> Open(const std::string& dir,
                                                  const StoreOptions& options) {
    return OpenRocksEventStore(dir, RocksStoreOptions{options});
  }
};

// The PostgreSQL store, on the test process's PostgreSQL server (tests/support/pg_server.h): a
// database per directory, created on its first open and opened again after.
struct PgImplementation {
  static Result<std::unique_ptr<EventStore>> Open(const std::string& dir,
                                                  const StoreOptions& options) {
    static std::mutex mu;
    static std::map<std::string, std::string> databases;
    std::string uri;
    {
      std::lock_guard lock(mu);
      std::string& db = databases[dir];
      if (db.empty()) db = PgServer::Shared().NewDatabase();
      uri = db;
    }
    PgStoreOptions o{options};
    o.poll_interval = std::chrono::milliseconds(200);
    return OpenPgEventStore(uri, std::move(o));
  }
};

// Catch2 names each contract test "<name> - StoreImplementations - <index in this list>".
using StoreImplementations = std::tuple<RocksImplementation, PgImplementation>;

// How a StoreFixture opens the implementation `Impl`, with the contract's `options`.
template <class Impl>
StoreOpener OpenerOf(StoreOptions options = {}) {
  return [options](const std::string& dir) { return Impl::Open(dir, options); };
}

}  // namespace taskledger::testing
