// Helpers that let an event-store test read like a script, over any implementation.
#pragma once

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "events/event_store.h"
#include "events/rocks_event_store.h"
#include "tests/support/temp_dir.h"

namespace taskledger::testing {

inline NewEvent Ev(std::string type, std::string data = "{}", Uuid id = {}) {
  NewEvent e;
  e.id = id;
  e.type = std::move(type);
  e.data = std::move(data);
  e.actor = "tester";
  return e;
}

// Opens the store under test in `dir`: an empty directory at first, then the one it opened before.
using StoreOpener = std::function<Result<std::unique_ptr<EventStore>>(const std::string& dir)>;

class StoreFixture {
 public:
  // The RocksDB store with `options`.
  explicit StoreFixture(RocksStoreOptions options = {})
      : StoreFixture(
            [options](const std::string& dir) { return OpenRocksEventStore(dir, options); }) {}
  // Any implementation, as `open` opens it.
  explicit StoreFixture(StoreOpener open) : open_(std::move(open)) { Reopen(); }

  EventStore& store() { return *store_; }
  const std::string& dir() const { return dir_.path(); }

  void Close() { store_.reset(); }
  void Reopen() {
    store_.reset();
    auto opened = open_(dir_.path());
    if (!opened.ok()) FAIL("open failed: " << opened.status().ToString());
    store_ = std::move(opened).value();
  }
  // The RocksDB store in the same directory with other options, or why it does not open.
  Result<std::unique_ptr<EventStore>> TryOpen(RocksStoreOptions options) {
    store_.reset();
    return OpenRocksEventStore(dir_.path(), std::move(options));
  }

  AppendResult Append(const std::string& stream, ExpectedVersion expected,
                      std::vector<NewEvent> events) {
    return store_->Append(stream, expected, std::move(events));
  }
  // Appends one event and requires success; returns its position.
  uint64_t MustAppend(const std::string& stream, const std::string& type = "thing.happened",
                      const std::string& data = "{}") {
    AppendResult r = Append(stream, ExpectedVersion::Any(), {Ev(type, data)});
    REQUIRE(r.ok());
    return r.last_position;
  }
  std::vector<RecordedEvent> Stream(const std::string& stream) {
    auto r = store_->ReadStream(stream, 0, 1000000);
    REQUIRE(r.ok());
    return std::move(r).value();
  }

 private:
  TempDir dir_;
  StoreOpener open_;
  std::unique_ptr<EventStore> store_;
};

}  // namespace taskledger::testing
