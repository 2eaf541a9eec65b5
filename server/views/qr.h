// QR codes (libqrencode) for what people carry from paper to a phone: the sign-in link on an
// agency's sign-in sheet. The code is returned as its modules, for the page to draw.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "events/util/status.h"

namespace taskledger::server {

struct QrCode {
  int size = 0;                   // modules per side, without the quiet zone
  std::vector<std::string> rows;  // `size` rows of `size` characters: '1' dark, '0' light
};

// `text` (bytes, as given) at error-correction level M; kInvalidArgument when it is too long
// for any QR version.
Result<QrCode> EncodeQr(std::string_view text);

}  // namespace taskledger::server
