// `otelite setup claude-code`: points Claude Code's telemetry at this otelite server.
//
// Prints the environment variables Claude Code needs (default), merges them into the `env`
// object of Claude Code's settings.json (--write), or keeps them in a marked block of a shell
// rc file (--shell-rc FILE). Both edits are idempotent (nothing changes, nothing is written),
// back the old file up first (FILE.bak-YYYYmmddHHMMSS), replace it atomically (temp file +
// rename, mode kept, a symlink is followed and stays a symlink), and refuse a file they cannot
// edit safely (invalid JSON, `env` not an object, a broken marker block) without touching it.
// --dry-run shows the change as a unified diff and writes nothing.
//
// The pure functions below do the computing and text editing; only RunSetupClaudeCode()
// touches the file system. Nothing here throws except the CLI11 callback installed by
// RegisterSetupCommand(), which reports a failing exit code the CLI11 way (CLI::RuntimeError,
// caught by CLI11_PARSE / App::exit, which print nothing for it).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace otelite::cli {

// What the user asked for; the defaults are `otelite setup claude-code` without flags.
struct SetupOptions {
  std::string protocol = "grpc";  // grpc | http/protobuf | http/json
  // OTEL_EXPORTER_OTLP_ENDPOINT; empty: http://<host>:<grpc_port or http_port by protocol>.
  std::string endpoint;
  std::string host = "127.0.0.1";  // what `otelite serve` listens on by default
  int grpc_port = 4317;
  int http_port = 4318;
  int metric_export_interval_ms = 10000;
  int logs_export_interval_ms = 5000;
  bool include_prompts = true;  // false (--no-prompts): OTEL_LOG_USER_PROMPTS is removed
  bool write_settings = false;  // --write
  // --settings; empty: $CLAUDE_CONFIG_DIR/settings.json, else $HOME/.claude/settings.json.
  std::string settings_path;
  std::string shell_rc_path;  // --shell-rc; empty: no rc file is edited
  bool dry_run = false;
};

struct EnvVar {
  std::string name;
  std::string value;
  bool operator==(const EnvVar&) const = default;
};

// The variables to set, in display order, and the ones otelite manages but must not be set
// under these options (so they are removed from settings.json and unset in shells).
struct ClaudeCodeEnv {
  std::vector<EnvVar> set;
  std::vector<std::string> unset;
};

// A file's new contents and whether they differ from the old ones.
struct TextEdit {
  std::string text;
  bool changed = false;
};

// The variables for `options`. InvalidArgument names the bad flag (unknown protocol, port out
// of range, interval not positive, endpoint that is not an http(s) URL).
Result<ClaudeCodeEnv> ComputeClaudeCodeEnv(const SetupOptions& options);

// `export NAME=value` lines (values shell-quoted when needed), then `unset NAME` lines.
std::string ExportLines(const ClaudeCodeEnv& env);

// Merges `env` into the `env` object of a settings.json text; `existing` is nullopt when the
// file does not exist (empty or blank text counts as `{}`). Every other key and value keeps its
// place and value (number spellings included); managed variables are updated in place, new ones
// appended, unset ones erased. Output: 2-space pretty JSON with a trailing newline. `changed` is
// false when the env object already holds exactly these values (formatting is not a change).
// InvalidArgument when the text is not JSON, its root is not an object, or `env` is not an
// object.
Result<TextEdit> MergeIntoSettingsJson(std::optional<std::string_view> existing,
                                       const ClaudeCodeEnv& env);

// The marked block written to shell rc files, with its begin and end lines.
inline constexpr std::string_view kShellBlockBegin = "# >>> otelite: Claude Code telemetry >>>";
inline constexpr std::string_view kShellBlockEnd = "# <<< otelite <<<";
std::string ShellRcBlock(const ClaudeCodeEnv& env);

// Replaces the marked block in a shell rc text (the first one in place; later duplicates are
// dropped) or appends it after a blank line. InvalidArgument for a begin marker without an end
// marker or the reverse.
Result<TextEdit> UpdateShellRcText(std::string_view existing, const ClaudeCodeEnv& env);

// A unified diff (3 lines of context) from old_text to new_text under the given file labels;
// empty when the texts are equal.
std::string UnifiedDiff(std::string_view old_text, std::string_view new_text,
                        std::string_view old_label, std::string_view new_label);

// Where --write edits by default; FailedPrecondition when neither CLAUDE_CONFIG_DIR nor HOME is
// set.
Result<std::string> DefaultSettingsPath();

// Runs the subcommand: output and the "how to apply" note on `out`; on failure one line on
// `err` and exit code 1. Returns 0 on success.
int RunSetupClaudeCode(const SetupOptions& options, std::ostream& out, std::ostream& err);

// Adds `setup` with its `claude-code` subcommand (flags bound to a SetupOptions owned by the
// callback) to `app`. The callback writes to std::cout/std::cerr and, on failure, throws
// CLI::RuntimeError(1) for CLI11_PARSE / App::exit to turn into the exit code.
void RegisterSetupCommand(CLI::App* app);

}  // namespace otelite::cli
