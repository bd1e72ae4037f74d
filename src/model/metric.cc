#include "model/metric.h"

namespace otelite {

const char* MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
    case MetricType::kSummary: return "summary";
    case MetricType::kUnknown: return "unknown";
  }
  return "unknown";
}

}  // namespace otelite
