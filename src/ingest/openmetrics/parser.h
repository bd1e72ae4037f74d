// OpenMetrics 1.0 text parser (https://prometheus.io/docs/specs/om/open_metrics_spec/), used by
// `otelite import openmetrics` to backfill historical expositions into the metrics store.
//
// Strict: everything the specification's ABNF and its MUSTs require is checked (the suite in
// ../shared/conformance/openmetrics/parsers passes), including what Prometheus's own parser
// (and so `promtool tsdb create-blocks-from openmetrics`) lets through: `# EOF` last, families
// not interleaved and not clashing, metadata once and before samples, type-specific suffixes
// and labels, histogram buckets sorted and cumulative with +Inf, counter/histogram/summary values
// non-negative and not NaN, MetricPoints of one metric not interleaved and with non-decreasing
// timestamps, exemplars only where allowed and at most 128 code points of labels, UTF-8.
// Accepted although the specification reserves them: metric and label names starting with "_"
// (Prometheus and promtool take them); only the label name __name__ is refused.
//
// Streaming: the whole text is given at once (the caller reads or mmaps the file) and the sink
// hears of each family and each sample as the parser reaches them, so a multi-GB file never
// needs its samples in memory. The parser keeps per family one 64-bit hash per metric (label
// set) to detect interleaving; nothing per sample.
//
// Errors: Parse returns kInvalidArgument with "line N: <cause>", e.g.
//   line 7: histogram "a": buckets must be sorted by "le" (le="1" after le="2")
// The specification makes a partial or invalid exposition erroneous in its entirety, and some
// errors are only found after the samples they concern were delivered (a missing +Inf bucket
// is known at the point's end, a missing `# EOF` at the end of the text): a sink that stores
// samples must discard everything on a non-OK result (or validate first with Validate()).
//
// Thread-safety: Parse keeps all state on its stack; concurrent calls are independent.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/labels.h"
#include "core/status.h"
#include "model/metric.h"

namespace otelite::openmetrics {

// The eight OpenMetrics family types.
enum class FamilyType {
  kUnknown,
  kGauge,
  kCounter,
  kStateSet,
  kInfo,
  kHistogram,
  kGaugeHistogram,
  kSummary,
};

// "unknown", "gauge", "counter", "stateset", "info", "histogram", "gaugehistogram", "summary".
const char* FamilyTypeName(FamilyType type);

// The canonical model's type for a family: stateset and info are gauges (0/1 and 1 valued),
// gaugehistogram is a histogram (its samples keep their _bucket/_gcount/_gsum names).
MetricType ToMetricType(FamilyType type);

struct Family {
  std::string name;  // the family name as in TYPE/HELP/UNIT (counter "a" has samples a_total)
  FamilyType type = FamilyType::kUnknown;
  std::string help;  // unescaped (\n, \\ and \" resolved)
  std::string unit;  // "" when absent or empty
};

// A label of a sample.
struct LabelView {
  std::string_view name;   // points into the parsed text
  std::string_view value;  // unescaped: into the text, or the parser's scratch when it had escapes
};

// One sample line. The views are valid only during the Sink::OnSample call.
struct Sample {
  std::string_view name;              // sample metric name, e.g. "a_bucket"; points into the text
  std::span<const LabelView> labels;  // sorted by name, unique, without __name__; incl. le,
                                      // quantile and the stateset label
  double value = 0;
  bool has_timestamp = false;
  // Milliseconds since the epoch as Prometheus computes them from the exposed seconds: the
  // product seconds*1000 truncated toward zero (1.001 s gives 1000 ms, like promtool).
  // Saturates at INT64_MIN/INT64_MAX for timestamps beyond the int64 range of milliseconds
  // (the format allows any real number). 0 when !has_timestamp.
  int64_t timestamp_ms = 0;
  uint64_t line = 0;  // 1-based line number in the text
  // The exemplar, if any, was validated and is otherwise ignored.

  // The series as Prometheus stores it: __name__ = name plus the labels with a non-empty value
  // (the specification treats an empty value as an absent label; promtool drops them too).
  // Allocates.
  Labels ToLabels() const;
};

// Receives the parse as it goes. OnFamily is called once per family, before its first sample
// (or at its end when it has none), in exposition order. A non-OK Status from the sink stops
// the parse; Parse returns it with "line N: " prefixed and its code unchanged. The defaults
// accept everything, so a plain Sink validates only.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status OnFamily(const Family& family);
  virtual Status OnSample(const Family& family, const Sample& sample);
};

struct ParseOptions {
  // Reject samples without a timestamp, as `promtool tsdb create-blocks-from openmetrics`
  // does ("expected timestamp for series got none"): backfill has no scrape time to use. Also
  // reject timestamps whose milliseconds do not fit in an int64 (which promtool overflows on),
  // so timestamp_ms never saturates.
  bool require_timestamps = false;
  // Accept what Go's client library exposes but OpenMetrics 1.0 forbids: negative summary
  // quantile values and summary/histogram sums that are negative or, for histograms, present
  // alongside buckets with a negative "le" (prometheus-textparse/alltypes.5mfs.om.txt has
  // both). The conformance suite rejects these (bad_counter_values_8/9/17/19, bad_histograms_3).
  bool allow_negative_observations = false;
};

// Parses `text` (a complete exposition ending in "# EOF") and feeds `sink`.
Status Parse(std::string_view text, Sink& sink, const ParseOptions& options = {});

// Parse with a sink that ignores everything: OK when `text` is a valid exposition.
Status Validate(std::string_view text, const ParseOptions& options = {});

}  // namespace otelite::openmetrics
