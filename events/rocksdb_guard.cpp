#include "events/rocksdb_guard.h"

namespace taskledger {

bool IsNoSpace(const rocksdb::Status& s) {
  return s.IsNoSpace() || s.ToString().find("No space left") != std::string::npos;
}

void WriteErrorListener::OnBackgroundError(rocksdb::BackgroundErrorReason reason,
                                           rocksdb::Status* error) {
  if (!error || error->ok()) return;
  std::lock_guard lock(mu_);
  if (!failed_.load(std::memory_order_relaxed)) error_ = *error;
  failed_.store(true, std::memory_order_release);
}

rocksdb::Status WriteErrorListener::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

void WriteErrorListener::Clear() {
  std::lock_guard lock(mu_);
  error_ = rocksdb::Status::OK();
  failed_.store(false, std::memory_order_release);
}

}  // namespace taskledger
