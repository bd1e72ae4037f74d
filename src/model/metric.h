// Canonical metric data: what ingest produces and storage, the exporter and queries consume.
// A MetricBatch holds families (name, type, help, unit) and samples that point at them.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/labels.h"
#include "model/series_anchor.h"

namespace otelite {

enum class MetricType { kUnknown, kCounter, kGauge, kHistogram, kSummary };

const char* MetricTypeName(MetricType type);  // "counter", "gauge", …, "unknown"

struct MetricFamily {
  std::string name;  // Prometheus family name, e.g. claude_code_cost_usage_USD_total
  MetricType type = MetricType::kUnknown;
  std::string help;
  std::string unit;  // the OTLP unit as sent ("USD", "s", "")
};

struct MetricSample {
  Labels labels;  // includes __name__ (for histograms: family name + _bucket/_sum/_count)
  int64_t timestamp_ms = 0;
  double value = 0;
  // When the cumulative series began (OTLP start time), 0 when unknown. Storage writes a 0
  // sample there when it first sees the series (created-timestamp zero).
  int64_t start_timestamp_ms = 0;
  uint32_t family = 0;  // index into MetricBatch::families
  // The series' anchor when the producer keeps one (model/series_anchor.h), else null: every
  // sample with the same anchor has the same labels.
  std::shared_ptr<SeriesAnchor> anchor = nullptr;
};

struct MetricBatch {
  std::vector<MetricFamily> families;
  std::vector<MetricSample> samples;
  bool empty() const { return samples.empty(); }
};

// Prometheus's staleness marker: a NaN with this exact bit pattern ends a series.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
inline double StaleNaN() { return std::bit_cast<double>(kStaleNaNBits); }
inline bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

}  // namespace otelite
