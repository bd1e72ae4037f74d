#include "cli/commands.h"

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/setup_claude_code.h"

namespace otelite::cli {

int Main(int argc, char** argv) {
  CLI::App app{
      "otelite: one binary for Claude Code telemetry: OTLP ingest, metrics and event "
      "storage, Prometheus and Loki compatible queries, dashboards.",
      "otelite"};
  app.require_subcommand(0, 1);
  int exit_code = 0;
  RegisterServeCommand(&app, &exit_code);
  RegisterTailCommand(&app, &exit_code);
  RegisterImportCommand(&app, &exit_code);
  RegisterRenderCommand(&app, &exit_code);
  RegisterSetupCommand(&app);
  app.add_subcommand("version", "print the version")->callback([] {
    std::cout << "otelite " << OTELITE_VERSION << "\n";
  });

  // `serve` is the default command: `otelite --listen 0.0.0.0` means `otelite serve --listen …`.
  std::vector<std::string> args(argv + 1, argv + argc);
  bool wants_help = !args.empty() && (args[0] == "-h" || args[0] == "--help");
  if (args.empty() || (!wants_help && args[0].starts_with("-"))) {
    args.insert(args.begin(), "serve");
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes them reversed
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}

}  // namespace otelite::cli
