// The web UI's built files (web/), compiled into the binary at build time (web/CMakeLists.txt).
#pragma once

#include "core/embedded_file.h"

namespace otelite::web {

EmbeddedFiles Files();

}  // namespace otelite::web
