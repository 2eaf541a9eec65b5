#include "domain/text.h"

#include <catch2/catch.hpp>

using taskledger::domain::CutUtf8;
using taskledger::domain::Fold;
using taskledger::domain::IsUtf8;
using taskledger::domain::ToPrintableUtf8;

TEST_CASE("folding removes Vietnamese diacritics, case and extra spaces", "[domain][text]") {
  CHECK(Fold("Sở Giáo dục và Đào tạo") == "so giao duc va dao tao");
  CHECK(Fold("  UBND   xã,\tphường ") == "ubnd xa, phuong");
  CHECK(Fold("ĐẶC KHU") == "dac khu");
  CHECK(Fold("Năm học 2026 – 2027") == "nam hoc 2026 - 2027");
  CHECK(Fold("Quý I/2026") == "quy i/2026");
  // Decomposed (NFD) input: "Sở" as S, o, combining horn, combining hook above.
  CHECK(Fold("S\x6f\xcc\x9b\xcc\x89") == "so");
  CHECK(Fold("Ít nhất 01 tin, bài/tuần") == "it nhat 01 tin, bai/tuan");
}

TEST_CASE("UTF-8 validation rejects malformed and overlong sequences", "[domain][text]") {
  CHECK(IsUtf8("Hải Phòng"));
  CHECK_FALSE(IsUtf8("\xc3"));
  CHECK_FALSE(IsUtf8("\xc0\xaf"));      // overlong '/'
  CHECK_FALSE(IsUtf8("\xed\xa0\x80"));  // surrogate
}

TEST_CASE("text is cut at a character boundary, the ellipsis within the limit", "[domain][text]") {
  CHECK(CutUtf8("Đổi", 3) == "…");
  CHECK(CutUtf8("Đổi", 6) == "Đổi");  // 2 + 3 + 1 bytes: fits
  CHECK(CutUtf8("Đổi mới", 6) == "Đ…");
  CHECK(CutUtf8("Đổi mới", 7) == "Đ…");  // "Đổ…" would be 8 bytes
  CHECK(CutUtf8("Đổi mới", 8) == "Đổ…");
}

TEST_CASE("a stranger's bytes become printable text, cut with a mark", "[domain][text]") {
  CHECK(ToPrintableUtf8("Đã nhận") == "Đã nhận");
  CHECK(ToPrintableUtf8(std::string("a\xC3\x28z", 4)) == "a\xEF\xBF\xBD(z");  // malformed byte
  CHECK(ToPrintableUtf8(std::string("x\0y\x1b[1m\tz\n", 10)) ==
        "x\xEF\xBF\xBDy\xEF\xBF\xBD[1m\tz\n");
  // An answer cut at 1,024 bytes in the middle of "ệ" keeps whole characters and says it was cut.
  std::string long_answer(1021, 'a');
  long_answer += "ệệệ";
  const std::string excerpt = CutUtf8(ToPrintableUtf8(long_answer), 1024);
  CHECK(IsUtf8(excerpt));
  CHECK(excerpt.size() <= 1024);
  CHECK(excerpt.ends_with("…"));
}
