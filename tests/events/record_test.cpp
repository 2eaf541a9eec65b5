#include "events/record.h"

#include <catch2/catch.hpp>

#include "events/util/uuid.h"

using namespace taskledger;

namespace {

EventView SampleView() {
  EventView v;
  v.position = 42;
  v.stream = "task-hp-II.3";
  v.version = 7;
  v.id = Uuid::NewV7(1700000000000);
  v.type = "task.assigned";
  v.recorded_at_ms = 1700000000123;
  v.actor = "sở-gd&đt";
  v.correlation_id = "req-1";
  v.causation_id = "";
  v.data = R"({"lead":"Sở Giáo dục và Đào tạo","note":"Năm 2026"})";
  return v;
}

}  // namespace

TEST_CASE("a record decodes to exactly what was encoded", "[events][record]") {
  Sha256 hasher;
  const EventView in = SampleView();
  Hash h;
  const std::string bytes = record::Encode(in, Hash{}, hasher, &h);
  EventView out;
  REQUIRE(record::Decode(bytes, &out));
  CHECK(out.position == 42);
  CHECK(out.stream == in.stream);
  CHECK(out.version == 7);
  CHECK(out.id == in.id);
  CHECK(out.type == in.type);
  CHECK(out.recorded_at_ms == in.recorded_at_ms);
  CHECK(out.actor == in.actor);
  CHECK(out.correlation_id == "req-1");
  CHECK(out.causation_id.empty());
  CHECK(out.data == in.data);
  CHECK(out.hash == h);
}

TEST_CASE("a record's hash chains to the previous hash", "[events][record]") {
  Sha256 hasher;
  const EventView in = SampleView();
  Hash a, b;
  Hash other_prev{};
  other_prev[0] = 1;
  const std::string x = record::Encode(in, Hash{}, hasher, &a);
  const std::string y = record::Encode(in, other_prev, hasher, &b);
  CHECK(a != b);
  CHECK(record::Body(x) == record::Body(y));
  CHECK(hasher.Digest(std::string(32, '\0'), record::Body(x)) == a);
}

TEST_CASE("truncated or extended record bytes do not decode", "[events][record]") {
  Sha256 hasher;
  const std::string bytes = record::Encode(SampleView(), Hash{}, hasher, nullptr);
  EventView out;
  for (size_t cut : {size_t{0}, size_t{1}, size_t{33}, size_t{60}, bytes.size() - 1}) {
    INFO("cut at " << cut);
    CHECK_FALSE(record::Decode(bytes.substr(0, cut), &out));
  }
  CHECK_FALSE(record::Decode(bytes + "x", &out));
  std::string wrong_format = bytes;
  wrong_format[0] = 9;
  CHECK_FALSE(record::Decode(wrong_format, &out));
}

TEST_CASE("big-endian keys sort numerically", "[events][record]") {
  CHECK(record::BigEndian(255) < record::BigEndian(256));
  CHECK(record::BigEndian(1) < record::BigEndian(1ull << 40));
  CHECK(record::FromBigEndian(record::BigEndian(0x0102030405060708ull)) == 0x0102030405060708ull);
  CHECK(record::StreamKey("a", 1) < record::StreamKey("a", 2));
  CHECK(record::StreamKey("a", 0xFFFFFFFF) < record::StreamKey("ab", 0));
}

TEST_CASE("uuids round-trip through text and v7 carries version and time", "[events][uuid]") {
  const Uuid u = Uuid::NewV7(0x0123456789AB);
  CHECK((u.bytes[6] >> 4) == 7);
  CHECK((u.bytes[8] & 0xC0) == 0x80);
  CHECK(u.ToString().substr(0, 13) == "01234567-89ab");
  CHECK(Uuid::Parse(u.ToString()) == u);
  const auto bare = Uuid::Parse("0123456789ABCDEF0123456789abcdef");
  REQUIRE(bare.has_value());
  CHECK(bare->ToString() == "01234567-89ab-cdef-0123-456789abcdef");
  CHECK_FALSE(Uuid::Parse("not-a-uuid").has_value());
  CHECK_FALSE(Uuid::Parse("01234567-89ab-cdef-0123-456789abcdeg").has_value());
  CHECK_FALSE(Uuid::Parse("01234567089ab-cdef-0123-456789abcdef").has_value());
  CHECK(Uuid{}.IsNil());
  CHECK(Uuid::NewV7(1) != Uuid::NewV7(1));
}

TEST_CASE("sha256 matches the FIPS 180-2 test vector", "[events][sha256]") {
  Sha256 hasher;
  CHECK(ToHex(hasher.Digest("ab", "c")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Hash back;
  REQUIRE(FromHex(ToHex(hasher.Digest("abc")), &back));
  CHECK(back == hasher.Digest("abc"));
  CHECK_FALSE(FromHex("zz", &back));
}

TEST_CASE("a record has one encoding: a length padded with a zero byte is refused",
          "[events][record]") {
  // Found by tests/fuzz/record_fuzz: "80 00" decoded as the length 0, so the same record had two
  // byte forms (and two hashes).
  const std::string fuzzed(
      "\x01\x94\x48\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x73\x69\x01"
      "\xac\x48\x03\xa3\x13\x49\xe5\x12\xde\x2a\x6a\xa5\x8e\xf5\x33\xa8"
      "\x64\x3d\x0b\x00\x00\x00\x00\x00\xf4\x26\xa5\x9e\xee\x31\xa8\x79"
      "\x64\x3d\x0b\x00\x00\x00\x00\x00\x00\xf4\xf4\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00\x00\x00\x00\x00\x00",
      80);
  EventView e;
  CHECK_FALSE(record::Decode(fuzzed, &e));
  // The smallest case, built by hand: a valid record whose stream length "01" becomes "81 00".
  EventView v;
  v.position = 1;
  v.stream = "s";
  v.type = "t";
  v.data = "{}";
  Sha256 hasher;
  Hash h{};
  const std::string good = record::Encode(v, Hash{}, hasher, &h);
  REQUIRE(record::Decode(good, &e));
  const size_t at = record::kBodyOffset + 8 + 8 + 8 + 16;  // the stream's length
  REQUIRE(good[at] == 1);
  std::string padded = good.substr(0, at) + "\x81\x00" + good.substr(at + 1);
  CHECK_FALSE(record::Decode(padded, &e));
}
