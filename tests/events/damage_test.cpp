// Damage and failure: a rewritten record, a torn tail, a failed sync.
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <catch2/catch.hpp>

#include "events/record.h"
#include "events/rocksdb_options.h"
#include "tests/events/store_fixture.h"

using namespace taskledger;
using namespace taskledger::testing;
using Code = Status::Code;

namespace {

// Opens the store's RocksDB directly, as an attacker or a disk fault would touch it.
class RawDb {
 public:
  explicit RawDb(const std::string& dir) {
    RocksDbSetup s = MakeRocksDbSetup(RocksStoreOptions{});
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(s.db, dir, s.families, &handles_, &raw).ok());
    db_.reset(raw);
  }
  ~RawDb() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  }
  rocksdb::ColumnFamilyHandle* log() { return handles_[0]; }
  std::string GetRecord(uint64_t pos) {
    std::string v;
    REQUIRE(db_->Get(rocksdb::ReadOptions(), log(), record::BigEndian(pos), &v).ok());
    return v;
  }
  void PutRecord(uint64_t pos, const std::string& v) {
    REQUIRE(db_->Put(rocksdb::WriteOptions(), log(), record::BigEndian(pos), v).ok());
  }
  void DeleteRecord(uint64_t pos) {
    REQUIRE(db_->Delete(rocksdb::WriteOptions(), log(), record::BigEndian(pos)).ok());
  }

 private:
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB> db_;
};

void FlipByteInData(RawDb& raw, uint64_t pos) {
  std::string v = raw.GetRecord(pos);
  v[v.size() - 2] ^= 0x01;  // inside the JSON data, which still decodes
  raw.PutRecord(pos, v);
}

}  // namespace

TEST_CASE("verify reports the first record whose stored bytes were changed", "[events][verify]") {
  RocksStoreOptions o;
  o.tail_check_records = 10;
  StoreFixture f(o);
  for (int i = 0; i < 100; ++i) f.MustAppend("s" + std::to_string(i % 3), "e", R"({"k":"vvvv"})");
  REQUIRE(f.store().Verify().ok);
  f.Close();
  {
    RawDb raw(f.dir());
    FlipByteInData(raw, 37);
  }
  f.Reopen();  // position 37 is outside the re-hashed tail, so the store opens
  VerifyReport r = f.store().Verify();
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_position == 37);
  CHECK(r.checked == 36);
  CHECK_THAT(r.problem, Catch::Contains("hash"));
  CHECK(f.store().Verify(50).ok);  // the rest of the chain still links
}

TEST_CASE("verify reports a deleted record as a gap", "[events][verify]") {
  RocksStoreOptions o;
  o.tail_check_records = 5;
  StoreFixture f(o);
  for (int i = 0; i < 30; ++i) f.MustAppend("s");
  f.Close();
  { RawDb(f.dir()).DeleteRecord(12); }
  f.Reopen();
  VerifyReport r = f.store().Verify();
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_position == 12);
  CHECK_THAT(r.problem, Catch::Contains("missing"));
}

TEST_CASE("a store whose tail is damaged refuses to open", "[events][verify]") {
  StoreFixture f;
  for (int i = 0; i < 20; ++i) f.MustAppend("s", "e", R"({"k":"vvvv"})");
  f.Close();

  SECTION("a changed byte in the tail") {
    {
      RawDb raw(f.dir());
      FlipByteInData(raw, 19);
    }
  }
  SECTION("the last record gone") {
    { RawDb(f.dir()).DeleteRecord(20); }
  }
  SECTION("a record past the head") {
    RawDb raw(f.dir());
    raw.PutRecord(21, raw.GetRecord(20));
  }
  auto refused = f.TryOpen(RocksStoreOptions{});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kCorruption);

  // Forensics: it can be opened to be examined, but takes no writes.
  RocksStoreOptions forensic;
  forensic.allow_damaged = true;
  auto opened = f.TryOpen(forensic);
  REQUIRE(opened.ok());
  CHECK_FALSE((*opened)->Verify().ok);
  CHECK((*opened)->Append("s", ExpectedVersion::Any(), {Ev("e")}).status.code() == Code::kReadOnly);
}

namespace {

// Fails Sync/Fsync of every writable file while `fail` is set, as a dying disk would.
class FailingSyncFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FailingSyncFile(std::unique_ptr<rocksdb::FSWritableFile> f, std::atomic<bool>* fail)
      : FSWritableFileOwnerWrapper(std::move(f)), fail_(fail) {}
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (*fail_) return rocksdb::IOStatus::IOError("injected sync failure");
    return target()->Sync(o, d);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (*fail_) return rocksdb::IOStatus::IOError("injected fsync failure");
    return target()->Fsync(o, d);
  }

 private:
  std::atomic<bool>* fail_;
};

class FailingSyncFs : public rocksdb::FileSystemWrapper {
 public:
  FailingSyncFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FailingSyncFs"; }
  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* d) override {
    rocksdb::IOStatus s = target()->NewWritableFile(f, o, r, d);
    if (s.ok()) r->reset(new FailingSyncFile(std::move(*r), &fail));
    return s;
  }
  std::atomic<bool> fail{false};
};

}  // namespace

TEST_CASE("after a failed sync the store refuses writes until reopened", "[events][durability]") {
  auto fs = std::make_shared<FailingSyncFs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  RocksStoreOptions o;
  o.env = env.get();
  StoreFixture f(o);
  f.MustAppend("s");
  const Head before = f.store().head();

  fs->fail = true;
  AppendResult failed = f.Append("s", ExpectedVersion::Any(), {Ev("e")});
  CHECK(failed.status.code() == Code::kIOError);
  CHECK(f.store().head().position == before.position);  // not acknowledged, not published

  fs->fail = false;  // the disk "recovers", but the store does not trust it
  AppendResult refused = f.Append("s", ExpectedVersion::Any(), {Ev("e")});
  CHECK(refused.status.code() == Code::kReadOnly);
  CHECK(f.store().write_status().code() == Code::kReadOnly);
  CHECK(f.store().Get(1).ok());  // reads still work

  f.Reopen();
  CHECK(f.store().write_status().ok());
  CHECK(f.store().Verify().ok);
  CHECK(f.Append("s", ExpectedVersion::Any(), {Ev("e")}).ok());
  CHECK(f.store().Verify().ok);
}
