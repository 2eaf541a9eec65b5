#include "server/app/checkpoint_file.h"

#include <zlib.h>
#include <zstd.h>

#include <stdexcept>

#include "events/util/binary.h"

namespace taskledger::server::ckpt {

std::string Compress(std::string_view raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 1);
  if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));  // only on a bug
  out.resize(n);
  return out;
}

bool Decompress(std::string_view stored, uint64_t raw_size, std::string& out) {
  out.resize(raw_size);
  const size_t n = ZSTD_decompress(out.data(), out.size(), stored.data(), stored.size());
  return !ZSTD_isError(n) && n == raw_size;
}

void PutFixed(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i, v >>= 8) out.push_back(static_cast<char>(v & 0xFF));
}
uint64_t GetFixed(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}
uint32_t Crc(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes at most 4 GiB a call.
  while (!bytes.empty()) {
    const size_t n = std::min<size_t>(bytes.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

Status Failed(const rocksdb::IOStatus& s, const std::string& what) {
  std::string m = what + ": " + s.ToString();
  return IsNoSpace(s) ? Status::NoSpace(std::move(m)) : Status::IOError(std::move(m));
}

// The index of the checkpoint open as `in`: each section checked to lie between the header and
// the index, the shared four first and in order.
Result<std::vector<Entry>> ReadIndex(const CheckpointInfo& info, const Input& in) {
  const std::string& path = info.path;
  if (info.format != kCheckpointFormat || info.fold_version != domain::Ledger::kFoldVersion) {
    return Status::Corruption(path + " is of another format or fold version");
  }
  if (!in.status().ok()) return in.status();
  auto trailer = in.Read(info.bytes - kTrailerBytes, kTrailerBytes);
  if (!trailer.ok()) return trailer.status();
  if (!std::string_view(*trailer).ends_with(kEndMagic)) {
    return Status::Corruption(path + " is not whole (no end mark)");
  }
  const uint64_t index_at = GetFixed(*trailer, 0, 8);
  if (index_at < kHeaderBytes || index_at > info.bytes - kTrailerBytes) {
    return Status::Corruption(path + ": its index is out of place");
  }
  auto index_bytes = in.Read(index_at, info.bytes - kTrailerBytes - index_at);
  if (!index_bytes.ok()) return index_bytes.status();
  if (Crc(*index_bytes) != GetFixed(*trailer, 8, 4)) {
    return Status::Corruption(path + ": its index is damaged");
  }
  BinaryReader r(*index_bytes);
  std::vector<Entry> index(r.Count(6));
  for (size_t i = 0; i < index.size(); ++i) {
    Entry& e = index[i];
    e.kind = static_cast<Kind>(r.U64());
    e.name = r.Str();
    e.offset = r.U64();
    e.size = r.U64();
    e.raw_size = r.U64();
    e.crc = r.U64();
    if (e.kind > Kind::kAgencyPlans || e.offset + e.size > index_at || e.offset < kHeaderBytes) {
      return Status::Corruption(path + ": its index is damaged");
    }
    // The four shared sections come first, in order; then plans, tasks and counts.
    if (i < 4 ? e.kind != static_cast<Kind>(i) : e.kind < Kind::kTasks) {
      return Status::Corruption(path + ": its sections are out of order");
    }
  }
  if (!r.ok() || !r.done() || index.size() < 4) {
    return Status::Corruption(path + ": its index is damaged");
  }
  return index;
}

// One section's bytes, decoded into `raw`.
Status ReadSection(const CheckpointInfo& info, const Input& in, const Entry& e, std::string& raw) {
  auto stored = in.Read(e.offset, e.size);
  if (!stored.ok()) return stored.status();
  // A damaged index could name any size: no section is larger than the file times zstd's best
  // ratio.
  if (Crc(*stored) != e.crc || e.raw_size > (e.size + 1) * 1024 ||
      !Decompress(*stored, e.raw_size, raw)) {
    return Status::Corruption(info.path + ": a section (" + e.name + ") is damaged");
  }
  return Status::Ok();
}

}  // namespace taskledger::server::ckpt
