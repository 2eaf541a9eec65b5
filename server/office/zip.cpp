#include "server/office/zip.h"

#include <zip.h>

namespace taskledger::office {

struct ZipReader::Impl {
  zip_t* archive = nullptr;
  ZipLimits limits;
  uint64_t read_total = 0;
  ~Impl() {
    if (archive) zip_discard(archive);  // read-only: nothing to write back
  }
  zip_int64_t Locate(std::string_view name) const {
    if (name.starts_with('/')) name.remove_prefix(1);
    return zip_name_locate(archive, std::string(name).c_str(), ZIP_FL_NOCASE | ZIP_FL_ENC_GUESS);
  }
};

ZipReader::ZipReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ZipReader::~ZipReader() = default;

Result<std::unique_ptr<ZipReader>> ZipReader::Open(std::string_view bytes, ZipLimits limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) {
    zip_error_fini(&error);
    return Status::InvalidArgument("the file could not be read as a zip package");
  }
  auto impl = std::make_unique<Impl>();
  impl->limits = limits;
  impl->archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!impl->archive) {
    zip_source_free(source);
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Status::InvalidArgument("the file is not a readable zip package (" + why +
                                   "): is it cut short or damaged?");
  }
  zip_error_fini(&error);
  const zip_int64_t entries = zip_get_num_entries(impl->archive, 0);
  if (entries < 0 || static_cast<uint64_t>(entries) > limits.max_entries) {
    return Status::InvalidArgument("the package has more than " +
                                   std::to_string(limits.max_entries) + " parts");
  }
  return std::unique_ptr<ZipReader>(new ZipReader(std::move(impl)));
}

bool ZipReader::Has(std::string_view name) const { return impl_->Locate(name) >= 0; }

Result<std::string> ZipReader::Read(std::string_view name) {
  const zip_int64_t index = impl_->Locate(name);
  if (index < 0) return Status::NotFound("the package has no part " + std::string(name));
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(impl_->archive, index, 0, &st) != 0) {
    return Status::InvalidArgument("part " + std::string(name) + " cannot be read");
  }
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
    return Status::InvalidArgument("part " + std::string(name) +
                                   " is encrypted: save the file without a password");
  }
  const ZipLimits& lim = impl_->limits;
  const auto too_big = [&] {
    return Status::InvalidArgument("part " + std::string(name) + " inflates to more than " +
                                   std::to_string(lim.max_part_bytes >> 20) +
                                   " MiB (or the whole file to more than " +
                                   std::to_string(lim.max_total_bytes >> 20) + " MiB)");
  };
  // The declared size may lie; the cap holds while reading as well.
  if ((st.valid & ZIP_STAT_SIZE) &&
      (st.size > lim.max_part_bytes || impl_->read_total + st.size > lim.max_total_bytes)) {
    return too_big();
  }
  zip_file_t* f = zip_fopen_index(impl_->archive, index, 0);
  if (!f) {
    return Status::InvalidArgument("part " + std::string(name) + " cannot be opened (" +
                                   zip_strerror(impl_->archive) + ")");
  }
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    const zip_int64_t n = zip_fread(f, buffer, sizeof buffer);
    if (n < 0) {
      const std::string why = zip_file_strerror(f);
      zip_fclose(f);
      return Status::InvalidArgument("part " + std::string(name) + " is damaged (" + why + ")");
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
    impl_->read_total += static_cast<uint64_t>(n);
    if (out.size() > lim.max_part_bytes || impl_->read_total > lim.max_total_bytes) {
      zip_fclose(f);
      return too_big();
    }
  }
  // A CRC mismatch shows at the end of the entry.
  if (zip_fclose(f) != 0) {
    return Status::InvalidArgument("part " + std::string(name) + " is damaged (bad checksum)");
  }
  return out;
}

Result<std::string> WriteZip(const std::vector<ZipPart>& parts) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* archive = buffer ? zip_open_from_source(buffer, ZIP_TRUNCATE, &error) : nullptr;
  if (!archive) {
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    if (buffer) zip_source_free(buffer);
    return Status::IOError("cannot start a zip package: " + why);
  }
  zip_error_fini(&error);
  zip_source_keep(buffer);  // the bytes are read from it after zip_close
  const auto fail = [&](const std::string& what) {
    const std::string why = zip_strerror(archive);
    zip_discard(archive);
    zip_source_free(buffer);
    return Status::IOError("cannot write the zip package: " + what + " (" + why + ")");
  };
  for (const auto& [name, content] : parts) {
    // The parts outlive zip_close, so libzip may read them in place.
    zip_source_t* part = zip_source_buffer(archive, content.data(), content.size(), 0);
    if (!part) return fail(name);
    const zip_int64_t index = zip_file_add(archive, name.c_str(), part, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(part);
      return fail(name);
    }
    if (zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 6) !=
        0) {
      return fail(name);
    }
  }
  if (zip_close(archive) != 0) return fail("closing");
  std::string out;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(buffer, &st) != 0 || zip_source_open(buffer) != 0) {
    zip_source_free(buffer);
    return Status::IOError("cannot read back the zip package");
  }
  out.resize(st.size);
  const zip_int64_t n = zip_source_read(buffer, out.data(), out.size());
  zip_source_close(buffer);
  zip_source_free(buffer);
  if (n != static_cast<zip_int64_t>(out.size())) {
    return Status::IOError("cannot read back the zip package");
  }
  return out;
}

}  // namespace taskledger::office
