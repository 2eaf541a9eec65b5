#include "events/file_io.h"

#include <memory>

namespace taskledger {

rocksdb::IOStatus SyncDirectory(rocksdb::FileSystem& fs, const std::string& dir) {
  std::unique_ptr<rocksdb::FSDirectory> d;
  rocksdb::IOStatus s = fs.NewDirectory(dir, rocksdb::IOOptions(), &d, nullptr);
  if (s.ok()) s = d->FsyncWithDirOptions(rocksdb::IOOptions(), nullptr, rocksdb::DirFsyncOptions());
  if (s.ok()) s = d->Close(rocksdb::IOOptions(), nullptr);
  return s;
}

}  // namespace taskledger
