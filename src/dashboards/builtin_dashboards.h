// otelite's own dashboards (src/dashboards/builtin/*.json), compiled into the binary:
// the Overview (uid claude-code-personal) and the Deep Dive (uid claude-code-deep).
#pragma once

#include "core/embedded_file.h"

namespace otelite::dashboards {

// Every src/dashboards/builtin/*.json file, named "/<file name>".
EmbeddedFiles BuiltinDashboardFiles();

}  // namespace otelite::dashboards
