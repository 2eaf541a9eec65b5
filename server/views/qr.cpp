#include "server/views/qr.h"

#include <qrencode.h>

#include <memory>

namespace taskledger::server {

Result<QrCode> EncodeQr(std::string_view text) {
  const std::string data(text);
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeData(static_cast<int>(data.size()),
                        reinterpret_cast<const unsigned char*>(data.data()), 0, QR_ECLEVEL_M),
      QRcode_free);
  if (!code) return Status::InvalidArgument("the text is too long for a QR code");
  QrCode out;
  out.size = code->width;
  out.rows.reserve(code->width);
  for (int y = 0; y < code->width; ++y) {
    std::string row(code->width, '0');
    for (int x = 0; x < code->width; ++x) {
      if (code->data[y * code->width + x] & 1) row[x] = '1';
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace taskledger::server
