// Reader for Loki's LogQL test scripts (`*.logqltest`): script text to commands, nothing
// evaluated. The format is described in ../shared/conformance/logql/FORMAT.md (section numbers
// below refer to it). Those scripts are AGPL test data: the runner reads them from ../shared at
// test time; nothing of them is copied into the project.
//
// Times are nanoseconds since the Unix epoch: script times are Go durations added to the script
// epoch 2026-01-01T00:00:00Z (§2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "promqltest/script.h"

namespace otelite::logqltest {

inline constexpr int64_t kScriptEpochNs = 1767225600LL * 1'000'000'000;

// Go's time.ParseDuration in nanoseconds ("0", "90s", "1m30s", "500ms", "-1h").
Result<int64_t> ParseGoDurationNs(std::string_view text);

// One line of a load block (§3): `count` entries at start, start+step, …
struct LoadLine {
  Labels stream;     // empty values dropped
  std::string line;  // may hold {{.i}}, replaced by the entry's index
  int64_t start_ns = 0;
  int64_t step_ns = 0;
  int64_t count = 1;
  std::vector<Label> metadata;  // sorted by name
  int line_number = 0;
};

struct ClearCommand {
  int line = 0;
};

struct LoadCommand {
  std::vector<LoadLine> lines;
  int line = 0;
};

// `expect fail[ msg: <substring>| regex: <re>]` (§4.1).
struct FailExpectation {
  enum class Kind { kAny, kSubstring, kRegex } kind = Kind::kAny;
  std::string text;
  bool Matches(const std::string& message) const;
};

// An expected entry of a log query (otelite's own scripts): its time, every label (stream,
// structured metadata, parsed) and the line.
struct ExpectedLine {
  int64_t t_ns = 0;
  Labels labels;
  std::string line;
};

struct EvalCommand {
  bool range = false;
  // `eval log from <start> to <end> [limit <n>] [forward|backward] <query>` (otelite's own
  // scripts; Loki's have metric queries only): entries in [start, end) in the given order.
  bool log = false;
  size_t limit = 100;
  bool backward = true;
  std::vector<ExpectedLine> lines;
  int64_t time_ns = 0;   // instant
  int64_t start_ns = 0;  // range
  int64_t end_ns = 0;
  int64_t step_ns = 0;
  std::string query;
  enum class Expect { kSeries, kScalar, kEmpty, kFail, kLines } expect = Expect::kEmpty;
  std::vector<promqltest::SeriesLine> series;  // value k at step k; `_` = no point
  double scalar = 0;
  bool ordered = false;
  FailExpectation fail;
  int line = 0;
};

using Command = std::variant<ClearCommand, LoadCommand, EvalCommand>;

struct Script {
  std::string file_name;
  std::vector<Command> commands;
};

// Errors: InvalidArgument "<file>:<line>: <what>".
Result<Script> ReadScript(std::string_view text, std::string_view file_name);

}  // namespace otelite::logqltest
