// OTLP metrics -> canonical MetricBatch, with the collector Prometheus exporter's naming
// (model/naming.h), resource_to_telemetry_conversion, job/instance labels, and delta ->
// cumulative accumulation (model/delta_to_cumulative.h). Invalid data points are rejected one
// by one (counted, with reasons) and never stop the rest of the request. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "ingest/otlp/series_cache.h"
#include "ingest/otlp/wire_view.h"
#include "model/delta_to_cumulative.h"
#include "model/metric.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"

namespace otelite::otlp {

struct TranslateLimits {
  int max_attributes = 128;
  size_t max_label_value_bytes = 4096;
  size_t max_log_value_bytes = 256 << 10;
};

// What a translation rejected: a count and a readable summary of the first reasons, for the
// OTLP partial_success error_message.
class Rejections {
 public:
  void Add(int64_t count, const std::string& reason);
  int64_t count() const { return count_; }
  // "3 rejected: metric 'x' data point 0: …; …" (empty when nothing was rejected).
  std::string Message() const;

 private:
  static constexpr size_t kMaxReasons = 5;
  int64_t count_ = 0;
  std::vector<std::string> reasons_;
  size_t omitted_ = 0;
};

class MetricsTranslator {
 public:
  // `series` remembers the labels of known series (may be null: no caching).
  MetricsTranslator(DeltaToCumulative* accumulator, TranslateLimits limits,
                    SeriesCache* series = nullptr)
      : accumulator_(accumulator), limits_(limits), series_(series) {}

  // Appends the request's points to *batch; rejected points are counted in *rejections.
  // now_ns is the receive time (for sanity checks and accumulator expiry).
  void Translate(const MetricsRequestView& request, int64_t now_ns, MetricBatch* batch,
                 Rejections* rejections) const;
  // The same for a parsed request (through its view; fails only on an internal error).
  Status Translate(
      const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request,
      int64_t now_ns, MetricBatch* batch, Rejections* rejections) const;

 private:
  DeltaToCumulative* accumulator_;
  TranslateLimits limits_;
  SeriesCache* series_;
};

}  // namespace otelite::otlp
