// Reader for Prometheus's PromQL test scripts (`*.test`): script text to commands, nothing
// evaluated. The format is described in ../shared/conformance/promql/FORMAT.md (v3/ dialect, of
// which v2.42/ is a subset); section numbers below refer to it.
//
//   Result<Script> script = ReadScript(text, "v3/functions.test");
//   for (const Command& command : script->commands) { … std::get_if<EvalCommand>(&command) … }
//
// Times are integer milliseconds from the Unix epoch (FORMAT.md §2). Values keep their exact bits:
// a `stale` item is StaleNaN() (model/metric.h), `NaN` is a quiet NaN that is not the stale one.
// Native-histogram values (`{{…}}`) are recognised and placed at their steps but not parsed: they
// are SampleValue::Kind::kHistogram (native histograms are out of otelite's scope).
//
// Expressions are kept as text; the reader does not parse them (the runner does, with
// query/promql/parser.h, and fails the file as Prometheus does when one does not parse).
//
// CaseIndex reads the per-eval tags of v3-cases.tsv and the skip rules of SKIP.md (both in the
// conformance directory) and says, for a script's eval line, which tags it has and whether and why
// SKIP.md skips it.
//
// Thread-safety: stateless functions; a loaded CaseIndex is immutable and may be shared.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/labels.h"
#include "core/status.h"

namespace otelite::promqltest {

// One step of a series line (§3): what item k of the expanded values puts at step k.
struct SampleValue {
  enum class Kind : uint8_t {
    kAbsent,     // `_`: no sample at this step
    kFloat,      // a number (a duration item is its length in seconds)
    kStale,      // `stale`: value is StaleNaN()
    kHistogram,  // a native histogram `{{…}}`, not parsed (value 0)
  };
  Kind kind = Kind::kAbsent;
  double value = 0;

  static SampleValue Absent() { return {}; }
  static SampleValue Float(double v) { return {Kind::kFloat, v}; }
  static SampleValue Stale();
  static SampleValue Histogram() { return {Kind::kHistogram, 0}; }

  // Same kind and the same bits of value (so NaN equals NaN and -0 differs from 0).
  friend bool operator==(const SampleValue& a, const SampleValue& b);
};

// `<series> <values>`: a line of a load block or an expected series of an eval.
struct SeriesLine {
  // As written: `name{…}` and `{__name__="name", …}` both give __name__; `{}` is the empty set.
  // Empty values (`l=""`) are kept.
  Labels labels;
  std::vector<SampleValue> values;  // value k is at step k (load: t = k × interval)
  // Load only, from a preceding `<series>@st <offsets>` line (§3, start_timestamps.test): the
  // start-timestamp offset of value k relative to its own timestamp, nullopt for `_`. Empty when
  // the series has no @st line; otherwise as long as that line's expansion (not necessarily as
  // long as `values`).
  std::vector<std::optional<int64_t>> start_offsets_ms;
  bool has_histograms = false;  // some value is kHistogram
  std::string values_text;      // the values as written (histograms can be parsed from it later)
  int line = 0;                 // 1-based line of the series in the script
};

// `clear` (§4): drop all data loaded so far.
struct ClearCommand {
  int line = 0;
};

// `load <interval>` / `load_with_nhcb <interval>` (§3).
struct LoadCommand {
  int64_t interval_ms = 0;  // > 0
  // load_with_nhcb: classic histogram series are also to be converted to native histograms with
  // custom buckets (the series here are the float series as written).
  bool with_nhcb = false;
  std::vector<SeriesLine> series;
  int line = 0;
};

enum class EvalKind : uint8_t { kInstant, kRange };

// What an `expect fail|warn|info` line (or a legacy spelling) says about a message.
struct MessageMatch {
  enum class Kind : uint8_t {
    kAny,    // bare `expect fail` / `eval_fail` …: any message
    kExact,  // `msg: <text>` / `expected_fail_message <text>`: the whole text, trimmed
    kRegex,  // `regex: <re>` / `expected_fail_regexp <re>`: RE2, unanchored (substring) match
  };
  Kind kind = Kind::kAny;
  std::string text;  // empty for kAny
  int line = 0;      // where it was written (the eval line for legacy spellings)

  // Whether a query's error message satisfies this expectation.
  bool Matches(const std::string& message) const;
};

// `expect range vector from <start> to <end> step <step>` (§5.1 rule 2).
struct RangeVectorSpec {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t step_ms = 0;  // > 0
};

// The `expect …` lines of an eval and the legacy eval_fail/_warn/_info/_ordered spellings.
struct Expectations {
  std::optional<MessageMatch> fail;  // the query must fail (creation or execution)
  // Annotation expectations (§5.2): each entry must match a returned warning/info, and every
  // returned one must match an entry; empty = not checked unless no_warn/no_info.
  std::vector<MessageMatch> warn;
  std::vector<MessageMatch> info;
  bool no_warn = false;
  bool no_info = false;
  bool ordered = false;  // the result order must be the order of the series lines
  // The instant query returns a range vector; series values are at start, start+step, … ≤ end.
  std::optional<RangeVectorSpec> range_vector;
};

// What the query must return when it does not fail.
struct ExpectedResult {
  enum class Kind : uint8_t {
    kEmpty,   // no series lines and no scalar/string: an empty vector or matrix
    kSeries,  // `series` (an instant vector, or a matrix for range evals and range vectors)
    kScalar,  // a line that is just a number
    kString,  // `expect string "…"`
  };
  Kind kind = Kind::kEmpty;
  // kSeries: for an instant eval (without range_vector) each has exactly one value; for a range
  // eval value k belongs to step k (start + k × step), `_` meaning no point there.
  std::vector<SeriesLine> series;
  double scalar = 0;         // kScalar
  std::string string_value;  // kString, unquoted
  int line = 0;              // kScalar / kString: the line of the expectation
};

// `eval …` and its block (§5).
struct EvalCommand {
  // As written, lower-cased: "eval", "eval_fail", "eval_warn", "eval_info" or "eval_ordered"; the
  // legacy spellings are already folded into `expect`.
  std::string command;
  EvalKind kind = EvalKind::kInstant;
  int64_t time_ms = 0;   // instant: `at <time>`
  int64_t start_ms = 0;  // range: `from <start> to <end> step <step>`, start ≤ end, step > 0
  int64_t end_ms = 0;
  int64_t step_ms = 0;
  std::string expr;  // the query text, trimmed
  Expectations expect;
  ExpectedResult result;
  int line = 0;

  bool ExpectsFailure() const { return expect.fail.has_value(); }
  // Range evals: the number of evaluation times start, start+step, … ≤ end; 1 for instant ones.
  int64_t StepCount() const;
};

using Command = std::variant<ClearCommand, LoadCommand, EvalCommand>;

struct Script {
  std::string file_name;
  std::vector<Command> commands;  // in file order
};

// Reads a whole script. Errors are InvalidArgument "<file_name>:<line>: <what>", naming the
// offending text; the first error ends reading (a script that does not read is not run at all,
// as in Prometheus).
Result<Script> ReadScript(std::string_view text, std::string_view file_name);

// One `<series> <values>` line (§3), also used by other script formats with the same notation
// (Loki's .logqltest expectations). Errors name what is wrong.
Result<SeriesLine> ReadSeriesLine(std::string_view text, int line);
// A line that is just a number (§5.1 rule 5), else nullopt.
std::optional<double> ReadScalarLine(std::string_view text);

// One row of v3-cases.tsv.
struct CaseRow {
  std::string file;  // relative to v3/, e.g. "functions.test"
  int line = 0;      // of the eval command
  std::string kind;  // "instant" or "range"
  std::string time;  // instant: "<at>"; range: "<from>..<to>/<step>"
  bool expects_failure = false;
  std::string annotations;  // "-", "warn", "info" or "info,warn"
  std::vector<std::string> tags;
  std::string expr;
};

// The tags of one eval and SKIP.md's verdict on it.
struct CaseTags {
  bool indexed = false;  // the eval has a row in v3-cases.tsv (only v3/ files are indexed)
  std::vector<std::string> tags;
  bool skip = false;
  std::string skip_reason;  // "whole file: <why>" or "<tag>: <meaning>[; <tag>: <meaning>…]"
};

// v3-cases.tsv and SKIP.md, loaded once.
class CaseIndex {
 public:
  // Reads <conformance_dir>/v3-cases.tsv and <conformance_dir>/SKIP.md.
  static Result<CaseIndex> Load(const std::string& conformance_dir);
  // The same from the two texts. SKIP.md must have the whole-file table under "## Whole files to
  // skip", the tag table as the first table under "## Per-case tags" and the sentence
  // "Runnable = no tag from the first <N> rows" saying how many of its rows make a case skipped.
  static Result<CaseIndex> FromText(std::string_view cases_tsv, std::string_view skip_md);

  // `file_name` as given to ReadScript: a path whose directory is v3 ("v3/functions.test",
  // "/…/promql/v3/functions.test") is looked up; any other (v2.42/…) has no tags and no skip.
  // `line` is EvalCommand::line.
  CaseTags LookupTags(std::string_view file_name, int line) const;
  // The row of a v3 eval (file relative to v3/), or null.
  const CaseRow* FindRow(std::string_view v3_file, int line) const;

  size_t size() const { return rows_.size(); }
  const std::map<std::string, std::string>& skipped_files() const { return skipped_files_; }
  // Tag patterns that make a case skipped, with their meanings ("nh-func:<f>" matches every tag
  // that starts with "nh-func:").
  const std::vector<std::pair<std::string, std::string>>& skipping_tags() const {
    return skipping_tags_;
  }

 private:
  std::map<std::pair<std::string, int>, CaseRow> rows_;
  std::map<std::string, std::string> skipped_files_;  // file → why
  std::vector<std::pair<std::string, std::string>> skipping_tags_;
};

}  // namespace otelite::promqltest
