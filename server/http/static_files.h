// The web dashboard's files (clients/web, built), served from one directory at "/". Only GET,
// only regular files under the root (no "..", no hidden names, no symlinks out), with content
// types, ETags and the headers that keep the page to its own origin.
//
// Thread-safety: Serve() may be called concurrently; files are read on each request (they are few
// and small, and the page cache of the OS keeps them).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "server/http/http_server.h"

namespace taskledger::server {

class StaticFiles {
 public:
  // `root` may not exist: then every request is answered 404 saying how to build the dashboard.
  explicit StaticFiles(std::filesystem::path root);

  // The answer for `path` (decoded, without the query), or nullopt when it is not the page's
  // to answer (an API path).
  std::optional<Response> Serve(const Request& req, const std::string& path) const;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace taskledger::server
