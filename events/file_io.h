// Files kept beside the log (deliverables, checkpoints) are written through RocksDB's
// FileSystem, the seam the store's own I/O goes through: the real disk in production, and in
// tests one that fails or loses power (tests/support/full_disk_fs.h, power_loss_fs.h).
//
// Thread-safe.
#pragma once

#include <rocksdb/file_system.h>

#include <string>

namespace taskledger {

// Syncs the directory `dir`, so that names created or renamed in it survive a power cut.
rocksdb::IOStatus SyncDirectory(rocksdb::FileSystem& fs, const std::string& dir);

}  // namespace taskledger
