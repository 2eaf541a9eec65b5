// libFuzzer: stored records as the decoder reads them. A record it accepts must encode back to
// the same body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "events/record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskledger;
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  EventView e;
  if (!record::Decode(value, &e)) return 0;
  static Sha256 hasher;
  Hash hash{};
  const std::string again = record::Encode(e, Hash{}, hasher, &hash);
  if (record::Body(again) != record::Body(value)) std::abort();
  return 0;
}
