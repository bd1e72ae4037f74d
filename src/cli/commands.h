// Command-line entry point: `otelite [serve] …`, `otelite tail`, `otelite setup claude-code`,
// `otelite version`. Returns the process exit code.
#pragma once

namespace otelite::cli {

int Main(int argc, char** argv);

}  // namespace otelite::cli
