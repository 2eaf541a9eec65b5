#include "server/office/text_decode.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>

#include "domain/text.h"

namespace taskledger::office {
namespace {

Result<std::string> Convert(std::string_view bytes, const char* charset) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open(charset, &err), ucnv_close);
  if (U_FAILURE(err)) return Status::Unsupported(std::string("no converter for ") + charset);
  // Bytes the code page does not define are errors, not silently replaced.
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &err);
  const icu::UnicodeString u(bytes.data(), static_cast<int32_t>(bytes.size()), conv.get(), err);
  if (U_FAILURE(err)) {
    return Status::InvalidArgument(std::string("the file is neither UTF-8 nor ") + charset +
                                   " text");
  }
  std::string out;
  u.toUTF8String(out);
  return out;  // composed by the caller (Nfc)
}

}  // namespace

std::string UpperVi(std::string_view utf8) {
  if (!domain::IsUtf8(utf8)) return std::string(utf8);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  u.toUpper(icu::Locale("vi"));
  std::string out;
  u.toUTF8String(out);
  return Nfc(out);
}

std::string Nfc(std::string_view utf8) {
  if (!domain::IsUtf8(utf8)) return std::string(utf8);
  // Plain ASCII is its own NFC: the common case costs one scan.
  if (std::all_of(utf8.begin(), utf8.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return std::string(utf8);
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) return std::string(utf8);
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  if (nfc->isNormalized(u, err) && U_SUCCESS(err)) return std::string(utf8);
  err = U_ZERO_ERROR;
  const icu::UnicodeString normal = nfc->normalize(u, err);
  if (U_FAILURE(err)) return std::string(utf8);
  std::string out;
  normal.toUTF8String(out);
  return out;
}

Result<DecodedText> DecodeText(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    const bool le = bytes[0] == '\xFF';
    bytes.remove_prefix(2);
    auto text = Convert(bytes, le ? "UTF-16LE" : "UTF-16BE");
    if (!text.ok()) return text.status();
    return DecodedText{Nfc(*text), le ? "UTF-16LE" : "UTF-16BE"};
  }
  if (bytes.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("the file has NUL bytes: it is not a text (CSV) file");
  }
  if (domain::IsUtf8(bytes)) return DecodedText{Nfc(bytes), "UTF-8"};
  auto text = Convert(bytes, "windows-1258");
  if (!text.ok()) return text.status();
  return DecodedText{Nfc(*text), "windows-1258"};
}

}  // namespace taskledger::office
