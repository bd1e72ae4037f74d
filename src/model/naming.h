// Name translation rules, OTLP -> Prometheus and OTLP -> Loki, as otelcol-contrib's
// `prometheus` exporter (metric-name normalisation off, resource_to_telemetry_conversion on)
// and Loki 3.x's OTLP ingestion produce them. docs/translation.md lists every rule with
// examples; model/naming_test.cc checks each one.
#pragma once

#include <string>
#include <string_view>

namespace otelite {

enum class OtlpMetricKind {
  kGauge,
  kMonotonicSum,
  kNonMonotonicSum,
  kHistogram,
  kSummary,
};

// Characters outside [a-zA-Z0-9_:] become '_'; a leading digit gets a '_' prefix.
std::string SanitizeMetricName(std::string_view name);

// The unit as it appears in a metric name: `{…}` annotations removed, characters outside
// [a-zA-Z0-9_:] turned into '_', the dimensionless "1" dropped. Empty means no suffix.
std::string UnitSuffix(std::string_view unit);

// Full family name: sanitised name, then "_<unit>" for a non-empty unit suffix, then "_total"
// for monotonic sums unless the name already ends in "_total". claude_code.cost.usage + USD + monotonic sum ->
// claude_code_cost_usage_USD_total.
std::string PrometheusMetricName(std::string_view otlp_name, std::string_view unit,
                                 OtlpMetricKind kind);

// Attribute key -> label name: characters outside [a-zA-Z0-9_] become '_'; a leading digit
// gets "key_"; a single leading '_' gets "key" (names starting "__" are reserved).
// session.id -> session_id.
std::string PrometheusLabelName(std::string_view key);

// Attribute key -> Loki label / structured-metadata name: same character rule
// (event.name -> event_name).
std::string LokiLabelName(std::string_view key);

}  // namespace otelite
