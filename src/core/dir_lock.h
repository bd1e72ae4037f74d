// An exclusive lock on a data directory (flock on <dir>/LOCK), so two otelite processes never
// write the same files. The kernel drops the lock when the process dies, even by kill -9.
#pragma once

#include <string>

#include "core/status.h"

namespace otelite {

class DirectoryLock {
 public:
  DirectoryLock() = default;
  DirectoryLock(DirectoryLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DirectoryLock& operator=(DirectoryLock&& other) noexcept;
  ~DirectoryLock();

  // Fails with FailedPrecondition naming the holder's pid when another process holds it.
  static Result<DirectoryLock> Acquire(const std::string& dir);

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace otelite
