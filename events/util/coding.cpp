#include "events/util/coding.h"

#include <openssl/rand.h>

#include <stdexcept>

namespace taskledger {

std::string RandomBytes(size_t n) {
  std::string raw(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return raw;
}

}  // namespace taskledger
