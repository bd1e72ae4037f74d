#include "core/file_util.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace otelite {
Status ErrnoError(const std::string& what) {
  return Status::IoError(fmt::format("{}: {}", what, std::strerror(errno)));
}

void SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

Status WriteFileAtomically(const std::string& path, std::string_view contents, mode_t mode) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoError("open " + temp);
  // A leftover temporary file may have other permissions; the file gets `mode` either way.
  Status st;
  if (::fchmod(fd, mode) != 0) st = ErrnoError("chmod " + temp);
  size_t written = 0;
  while (st.ok() && written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) st = ErrnoError("write " + temp);
    if (n > 0) written += static_cast<size_t>(n);
  }
  if (st.ok() && ::fsync(fd) != 0) st = ErrnoError("fsync " + temp);
  if (::close(fd) != 0 && st.ok()) st = ErrnoError("close " + temp);
  if (st.ok() && ::rename(temp.c_str(), path.c_str()) != 0) st = ErrnoError("rename " + temp);
  if (!st.ok()) {
    ::unlink(temp.c_str());
    return st;
  }
  SyncDirectory(std::filesystem::path(path).parent_path().string());
  return Status::Ok();
}

}  // namespace otelite
