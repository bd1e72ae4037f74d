// Writing small files so that a crash or power loss leaves either the old or the new contents.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace otelite {

// Readers see the old file or the new one, never a part: a temporary file beside it (created
// with `mode`), fsync, rename, and an fsync of the directory so that the rename itself survives
// a power loss. IoError naming the step and the file.
Status WriteFileAtomically(const std::string& path, std::string_view contents, mode_t mode = 0644);

// IoError "<what>: <strerror(errno)>" for the failed system call that set errno.
Status ErrnoError(const std::string& what);

// fsync of a directory (after creating, renaming or removing an entry in it); errors ignored.
void SyncDirectory(const std::string& dir);

}  // namespace otelite
