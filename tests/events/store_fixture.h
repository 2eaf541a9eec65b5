// Helpers that let an event-store test read like a script.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "events/event_store.h"
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

class StoreFixture {
 public:
  explicit StoreFixture(StoreOptions options = {}) : options_(std::move(options)) { Reopen(); }

  EventStore& store() { return *store_; }
  const std::string& dir() const { return dir_.path(); }

  void Close() { store_.reset(); }
  void Reopen() {
    store_.reset();
    auto opened = EventStore::Open(dir_.path(), options_);
    if (!opened.ok()) FAIL("open failed: " << opened.status().ToString());
    store_ = std::move(opened).value();
  }
  Result<std::unique_ptr<EventStore>> TryOpen(StoreOptions options) {
    store_.reset();
    return EventStore::Open(dir_.path(), std::move(options));
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
  StoreOptions options_;
  std::unique_ptr<EventStore> store_;
};

}  // namespace taskledger::testing
