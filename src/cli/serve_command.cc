// `otelite serve`: every ServeConfig option as a flag, plus --config.
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <map>
#include <memory>

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/config.h"
#include "server/server.h"

namespace otelite::cli {
namespace {

struct ServeArgs {
  std::string config_path;
  std::map<std::string, std::string> flags;
  // CLI11 needs stable storage per option.
  std::map<std::string, std::string> raw;
};

int RunServe(ServeArgs& args, CLI::App* cmd) {
  for (auto& [key, value] : args.raw) {
    if (cmd->count("--" + key) > 0) args.flags[key] = value;
  }
  ServeConfig config;
  if (Status st = AssembleConfig(args.flags, args.config_path, &config); !st.ok()) {
    std::cerr << "otelite: " << st.message() << "\n";
    return 2;
  }
  auto level = spdlog::level::from_str(config.log_level);
  spdlog::set_level(level);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  // Signals are taken synchronously by this thread; every thread started below inherits
  // the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // libprotobuf reports parse problems of bad requests on stderr; the client already gets
  // them as a 400, so they are debug messages here.
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel level, const char* file, int line,
                                     const std::string& message) {
    if (level >= google::protobuf::LOGLEVEL_FATAL) {
      spdlog::critical("protobuf {}:{}: {}", file, line, message);
    } else {
      spdlog::debug("protobuf: {}", message);
    }
  });

  server::Server server(config);
  if (Status st = server.Start(); !st.ok()) {
    std::cerr << "otelite: " << st.message() << "\n";
    server.Shutdown();
    return 1;
  }
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("otelite: received {}, stopping", received == SIGINT ? "SIGINT" : "SIGTERM");
  server.Shutdown();
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App* app, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app->add_subcommand(
      "serve",
      "run the server (the default command). Every flag is also an OTELITE_* environment "
      "variable and a key in the --config YAML file; precedence: flags, file, environment.");
  cmd->add_option("--config", args->config_path, "YAML configuration file (env OTELITE_CONFIG)");
  ServeConfig defaults;
  for (const auto& option : ServeOptions(&defaults)) {
    std::string& slot = args->raw[option.key];
    cmd->add_option("--" + option.key, slot,
                    option.help + " [env " + EnvVarName(option.key) + "]")
        ->default_str(option.show());
  }
  cmd->callback([args, cmd, exit_code] { *exit_code = RunServe(*args, cmd); });
}

}  // namespace otelite::cli
