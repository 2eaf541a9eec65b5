// Text files as offices save them: UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's
// "Unicode text"), or Windows-1258 (Vietnamese Windows' ANSI code page, Excel's default CSV there),
// which spells most accented letters as a base letter and a combining tone mark. Everything comes
// out as UTF-8 in NFC, so "Sở" typed on any of them is the same bytes. ICU does the decoding
// and the normalisation.
#pragma once

#include <string>
#include <string_view>

#include "events/util/status.h"

namespace taskledger::office {

struct DecodedText {
  std::string text;      // UTF-8, NFC, without a BOM
  std::string encoding;  // "UTF-8", "UTF-16LE", "UTF-16BE", "windows-1258"
};

// kInvalidArgument when the bytes are none of those (a NUL byte in what claims to be text, say).
Result<DecodedText> DecodeText(std::string_view bytes);

// `utf8` in Unicode Normalization Form C; `utf8` unchanged if it is not valid UTF-8.
std::string Nfc(std::string_view utf8);

// `utf8` in capitals as Vietnamese writes them ("Sở Giáo dục" -> "SỞ GIÁO DỤC"), in NFC; for
// the header block of an official document. `utf8` unchanged if it is not valid UTF-8.
std::string UpperVi(std::string_view utf8);

}  // namespace taskledger::office
