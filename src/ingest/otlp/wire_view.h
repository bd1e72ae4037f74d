// Zero-copy views of OTLP export requests: the metrics and logs translators read a request
// through these instead of through protoc's generated classes, so that a data point costs no
// allocation (the generated parser copies every string longer than 15 bytes to the heap and
// frees it again: about half the server's time per metric point before these views; see
// docs/ingest.md, "Decoding").
//
// Decoding walks the protobuf wire format with protobuf's own io::CodedInputStream (tags,
// varints, fixed-width values, lengths) and keeps strings as views into the request bytes.
// A view describes exactly what the generated parser would have produced, with one rule to
// keep that promise simple:
//  - The fast walk handles the encodings every OTLP exporter produces, and skips unknown
//    fields (a known field number with another wire type is one, as for protobuf). On
//    anything else (a malformed or truncated message, a string field that is not UTF-8, a
//    singular message field or a oneof given twice, an unknown group, exemplars, exponential
//    histograms, values nested deeper than 16 levels) it gives up, and the request is parsed
//    by the generated parser instead (whose verdict, and error, then stands) and re-encoded
//    canonically, and the views describe that encoding.
// So a request decodes successfully exactly when the generated parser accepts it, and its
// views equal those of the generated parser's result (checked by fuzz/otlp_view_fuzz.cc).
//
// Views point into the request bytes (or into the view's own re-encoding): they are valid as
// long as both live. Reusing one request view for the next request reuses its memory.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"

namespace otelite::otlp {

// An AnyValue. Arrays and key-value lists keep their encoded message (already checked) and
// are read on demand with ForEachArrayValue / ForEachKeyValue.
struct AnyValueView {
  enum class Kind : uint8_t { kEmpty, kString, kBool, kInt, kDouble, kArray, kKvlist, kBytes };
  Kind kind = Kind::kEmpty;
  bool bool_value = false;
  int64_t int_value = 0;
  double double_value = 0;
  std::string_view bytes;  // kString, kBytes: the value; kArray, kKvlist: the encoded message
};

struct KeyValueView {
  std::string_view key;
  AnyValueView value;
};

// The elements of an array value / the entries of a kvlist value, in order.
void ForEachArrayValue(const AnyValueView& array, void (*fn)(const AnyValueView&, void*),
                       void* context);
template <typename Fn>
void ForEachArrayValue(const AnyValueView& array, Fn&& fn) {
  ForEachArrayValue(
      array, [](const AnyValueView& v, void* f) { (*static_cast<Fn*>(f))(v); }, &fn);
}
void ForEachKeyValue(const AnyValueView& kvlist, void (*fn)(const KeyValueView&, void*),
                     void* context);
template <typename Fn>
void ForEachKeyValue(const AnyValueView& kvlist, Fn&& fn) {
  ForEachKeyValue(
      kvlist, [](const KeyValueView& kv, void* f) { (*static_cast<Fn*>(f))(kv); }, &fn);
}

// A run of elements of one of a request view's arrays.
struct Range {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t size() const { return end - begin; }
  bool empty() const { return begin == end; }
};

struct ResourceView {
  Range attributes;
  uint32_t dropped_attributes_count = 0;
};

struct ScopeView {
  std::string_view name;
  std::string_view version;
  Range attributes;
  uint32_t dropped_attributes_count = 0;
};

// ---- metrics ----

enum class MetricDataCase : uint8_t {
  kNotSet,
  kGauge,
  kSum,
  kHistogram,
  kExponentialHistogram,
  kSummary
};

struct NumberPointView {
  enum class ValueCase : uint8_t { kNotSet, kDouble, kInt };
  Range attributes;
  // The attributes' encoding (tags included) when they are one run of fields, as encoders
  // write them; null otherwise. Equal encodings are equal attributes (series-cache keys).
  const char* attributes_wire = nullptr;
  uint32_t attributes_wire_size = 0;
  uint64_t start_time_unix_nano = 0;
  uint64_t time_unix_nano = 0;
  ValueCase value_case = ValueCase::kNotSet;
  double as_double = 0;
  int64_t as_int = 0;
  uint32_t flags = 0;
};

struct HistogramPointView {
  Range attributes;
  uint64_t start_time_unix_nano = 0;
  uint64_t time_unix_nano = 0;
  uint64_t count = 0;
  bool has_sum = false;
  double sum = 0;
  Range bucket_counts;    // into MetricsRequestView::bucket_counts
  Range explicit_bounds;  // into MetricsRequestView::explicit_bounds
  uint32_t flags = 0;
  bool has_min = false;
  double min = 0;
  bool has_max = false;
  double max = 0;
};

struct QuantileView {
  double quantile = 0;
  double value = 0;
};

struct SummaryPointView {
  Range attributes;
  uint64_t start_time_unix_nano = 0;
  uint64_t time_unix_nano = 0;
  uint64_t count = 0;
  double sum = 0;
  Range quantile_values;  // into MetricsRequestView::quantiles
  uint32_t flags = 0;
};

struct MetricView {
  std::string_view name;
  std::string_view description;
  std::string_view unit;
  MetricDataCase data = MetricDataCase::kNotSet;
  // Into number_points (gauge, sum), histogram_points or summary_points; for an exponential
  // histogram (not translated) only its size counts.
  Range points;
  int32_t aggregation_temporality = 0;  // sum, histogram, exponential histogram
  bool is_monotonic = false;            // sum
};

struct ScopeMetricsView {
  ScopeView scope;
  Range metrics;
  std::string_view schema_url;
};

struct ResourceMetricsView {
  ResourceView resource;
  Range scope_metrics;
  std::string_view schema_url;
};

struct MetricsRequestView {
  std::vector<ResourceMetricsView> resource_metrics;
  std::vector<ScopeMetricsView> scope_metrics;
  std::vector<MetricView> metrics;
  std::vector<NumberPointView> number_points;
  std::vector<HistogramPointView> histogram_points;
  std::vector<SummaryPointView> summary_points;
  std::vector<QuantileView> quantiles;
  std::vector<uint64_t> bucket_counts;
  std::vector<double> explicit_bounds;
  std::vector<KeyValueView> attributes;
  std::string canonical;   // the generated parser's re-encoding, when the fast walk gave up
  bool fell_back = false;  // whether it did (for tests and benchmarks)

  std::span<const KeyValueView> Attributes(Range r) const {
    return {attributes.data() + r.begin, r.size()};
  }
  template <typename T>
  static std::span<const T> Slice(const std::vector<T>& v, Range r) {
    return {v.data() + r.begin, r.size()};
  }
  // Number of data points (what partial_success counts against).
  int64_t PointCount() const;
  void Clear();
};

// Decodes a serialized ExportMetricsServiceRequest (the views point into `bytes`). Fails,
// with the same verdict as the generated parser, on what it would reject.
Status DecodeMetricsRequest(std::string_view bytes, MetricsRequestView* out);
// The view of a request already parsed (from JSON, or built by tests), through its canonical
// encoding. Fails only on an internal error.
Status ViewMetricsRequest(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request,
    MetricsRequestView* out);

// ---- logs ----

struct LogRecordView {
  uint64_t time_unix_nano = 0;
  uint64_t observed_time_unix_nano = 0;
  int32_t severity_number = 0;
  std::string_view severity_text;
  AnyValueView body;
  Range attributes;
  uint32_t dropped_attributes_count = 0;
  uint32_t flags = 0;
  std::string_view trace_id;  // bytes
  std::string_view span_id;   // bytes
  std::string_view event_name;
};

struct ScopeLogsView {
  ScopeView scope;
  Range log_records;
  std::string_view schema_url;
};

struct ResourceLogsView {
  ResourceView resource;
  Range scope_logs;
  std::string_view schema_url;
};

struct LogsRequestView {
  std::vector<ResourceLogsView> resource_logs;
  std::vector<ScopeLogsView> scope_logs;
  std::vector<LogRecordView> log_records;
  std::vector<KeyValueView> attributes;
  std::string canonical;
  bool fell_back = false;

  std::span<const KeyValueView> Attributes(Range r) const {
    return {attributes.data() + r.begin, r.size()};
  }
  int64_t RecordCount() const { return static_cast<int64_t>(log_records.size()); }
  void Clear();
};

Status DecodeLogsRequest(std::string_view bytes, LogsRequestView* out);
Status ViewLogsRequest(
    const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
    LogsRequestView* out);

}  // namespace otelite::otlp
