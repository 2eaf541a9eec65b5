// A PostgreSQL advisory lock held by a session of its own, so that one process of many does a
// thing (deliver webhooks and mail): while that session lives no other holds the lock, and when
// the process or its connection dies the server releases it and another may take it.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace taskledger {

class PgSessionLock {
 public:
  PgSessionLock(std::string uri, int64_t key, std::string application_name);
  ~PgSessionLock();
  // Takes the lock if it is free (connecting first when needed); true when this session holds it.
  bool TryHold();
  // Whether this session still holds it: its connection answers. False once the connection is
  // lost: the server has released the lock (or will when it notices), and another may hold it.
  bool StillHeld();
  bool held() const { return held_; }

 private:
  struct Conn;
  const std::string uri_;
  const int64_t key_;
  const std::string application_name_;
  std::unique_ptr<Conn> conn_;
  bool held_ = false;
};

}  // namespace taskledger
