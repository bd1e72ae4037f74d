// A log pipeline compiled once per query (regexes, templates, parsers, IP ranges), and the
// runner that takes entries of column batches through it one by one.
//
// Stage semantics follow Loki 3.x: line filters test the current line (after line_format and
// decolorize); label filters see stream labels, structured metadata and parsed labels alike
// (an absent label compares as "" in string matchers and fails numeric comparisons); numeric,
// duration and bytes comparisons that cannot convert a value keep the entry and set
// __error__="LabelFilterErr"; parsers that fail set JSONParserErr / LogfmtParserErr;
// line_format and label_format failures set TemplateFormatErr; `unwrap` converts a label to the
// sample value (SampleExtractionErr when it cannot), removes it from the labels, and applies the
// label filters that follow it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "query/logql/ast.h"
#include "query/logql/entry_labels.h"
#include "storage/log_querier.h"

namespace otelite::logql {

class CompiledStage;

class Pipeline {
 public:
  // Compiles `selector`'s pipeline and the optional unwrap. Errors are InvalidArgument with
  // Loki's wording (bad regex, pattern, template or ip range).
  static Result<std::unique_ptr<Pipeline>> Compile(const LogSelector& selector,
                                                   const Unwrap* unwrap);
  ~Pipeline();

  // What to ask the store for. `output_labels`: the labels the caller reads from the result
  // (nullopt: all of them, e.g. a log query or an unaggregated metric); `caller_needs_lines`:
  // whether the caller reads the line itself (log queries).
  LogReadHints Hints(const std::optional<std::vector<std::string>>& output_labels,
                     bool caller_needs_lines) const;
  bool has_unwrap() const { return unwrap_.has_value(); }
  // Whether any stage can change the line (line_format, decolorize, unpack).
  bool rewrites_line() const { return rewrites_line_; }

 private:
  friend class PipelineRunner;
  Pipeline() = default;

  std::vector<std::unique_ptr<CompiledStage>> stages_;
  struct CompiledUnwrap {
    std::string label;
    Unwrap::Conversion conversion = Unwrap::Conversion::kNone;
    std::vector<std::unique_ptr<CompiledStage>> post_filters;
  };
  std::optional<CompiledUnwrap> unwrap_;
  bool reads_lines_ = false;    // a stage looks at the line text
  bool rewrites_line_ = false;  // a stage replaces the line
  bool reads_all_labels_ = false;
  bool has_parser_ = false;  // fields may clash with metadata names: every column needed
  std::vector<std::string> read_labels_;
  std::vector<std::string> kept_labels_;  // `keep` limits the output to these (empty: no keep)
  Matchers leading_metadata_filters_;
  std::vector<std::string> leading_line_contains_;
};

// The mutable state an entry needs on its way through the stages: its line (possibly
// rewritten), labels, time and, after unwrap, its sample value.
struct EntryContext {
  int64_t timestamp_ns = 0;
  std::string_view line;
  uint32_t line_bytes = 0;  // of the stored line
  EntryLabels labels;
  double value = 0;
  std::string line_buffer;  // owns a rewritten line
  std::string scratch;      // for stages
};

// Runs entries through a pipeline. The stages keep scratch state, so a pipeline serves one
// runner at a time; the pipeline must outlive it.
class PipelineRunner {
 public:
  explicit PipelineRunner(Pipeline* pipeline) : pipeline_(pipeline) {}

  void StartStream(const Labels* stream) { stream_ = stream; }
  void StartBatch(const LogEntryBatch* batch) { batch_ = batch; }
  // Loads entry i of the current batch and runs it; false when a stage dropped it.
  bool Run(size_t i);
  // Runs one entry given by its parts (an entry of a LogStream, for the live tail) of the
  // current stream; `metadata` (and `line`) must stay valid while the entry is used.
  bool RunEntry(int64_t timestamp_ns, std::string_view line, std::span<const Label> metadata);

  EntryContext& entry() { return entry_; }

 private:
  bool RunStages();

  Pipeline* pipeline_;
  const Labels* stream_ = nullptr;
  const LogEntryBatch* batch_ = nullptr;
  EntryContext entry_;
};

// Loki's message for a metric query over entries that still carry __error__.
std::string PipelineErrorMessage(std::string_view error, const Labels& series);

}  // namespace otelite::logql
