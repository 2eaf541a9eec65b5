// Text helpers for Vietnamese as people type it: folding for matching, UTF-8 decoding.
#pragma once

#include <string>
#include <string_view>

namespace taskledger::domain {

// A form of `text` for comparisons that ignore case, diacritics and spacing: Latin letters with
// diacritics become their base letter ("Đ" and "đ" become "d"), ASCII is lower-cased, Unicode
// dashes become '-', runs of whitespace become one space, and the ends are trimmed. Precomposed
// (NFC) and decomposed (NFD) input fold alike. Other characters are kept as they are.
//   Fold("Sở Giáo dục và Đào tạo") == "so giao duc va dao tao"
std::string Fold(std::string_view text);

// Whether `text` is well-formed UTF-8.
bool IsUtf8(std::string_view text);

// Whether `text` has a control character that people's text never holds: C0 controls other than
// tab, LF and CR (U+0000 among them), or DEL.
bool HasForbiddenControl(std::string_view text);

// `text` without leading and trailing ASCII whitespace.
std::string_view Trim(std::string_view text);

// `text` cut to at most `max_bytes` at a character boundary, with "…" when cut.
std::string CutUtf8(std::string_view text, size_t max_bytes);

// `bytes` as UTF-8 text: each malformed byte becomes U+FFFD and control characters other than
// tab and line breaks become U+FFFD too (a stranger's answer shown to people).
std::string ToPrintableUtf8(std::string_view bytes);

// `text` safe inside HTML text and quoted attributes: & < > " ' escaped.
std::string EscapeHtml(std::string_view text);

}  // namespace taskledger::domain
