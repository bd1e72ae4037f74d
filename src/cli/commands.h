// Command-line entry point: `otelite [serve] …` (the default), `otelite tail`,
// `otelite import openmetrics`, `otelite setup claude-code`, `otelite version`. Returns the process
// exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace otelite::cli {

int Main(int argc, char** argv);

// Each subcommand registers itself on the app; its callback runs the command and stores the
// exit code in *exit_code.
void RegisterServeCommand(CLI::App* app, int* exit_code);
void RegisterTailCommand(CLI::App* app, int* exit_code);
void RegisterImportCommand(CLI::App* app, int* exit_code);
void RegisterRenderCommand(CLI::App* app, int* exit_code);

}  // namespace otelite::cli
