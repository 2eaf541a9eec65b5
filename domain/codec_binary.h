// The binary forms of dates and enums shared by the ledger's codec files (private to domain/).
#pragma once

#include <cstdint>
#include <optional>

#include "domain/date.h"
#include "events/util/binary.h"

namespace taskledger::domain::codec {

inline void Put(BinaryWriter& w, Date d) { w.I64(DaysFromCivil(d)); }
inline void Put(BinaryWriter& w, const std::optional<Date>& d) {
  w.Bool(d.has_value());
  if (d) Put(w, *d);
}
inline Date GetDate(BinaryReader& r) { return CivilFromDays(r.I64()); }
inline std::optional<Date> GetOptionalDate(BinaryReader& r) {
  if (!r.Bool()) return std::nullopt;
  return GetDate(r);
}

// An enum stored as its number, refused past its last value.
template <class E>
E GetEnum(BinaryReader& r, E last) {
  const uint64_t v = r.U64();
  if (v > static_cast<uint64_t>(last)) return r.Raw(SIZE_MAX), E{};  // marks the reader failed
  return static_cast<E>(v);
}

}  // namespace taskledger::domain::codec
