// OTLP/JSON request decoding (the body of OTLP/HTTP `POST /v1/{metrics,logs,traces}` with
// `Content-Type: application/json`), following ../shared/conformance/otlp/JSON-RULES.md:
//
// - keys in lowerCamelCase or snake_case; unknown keys are ignored; `null` means absent;
// - 64-bit integers as decimal strings or JSON numbers (parsed as integers, never via double);
//   32-bit integers as numbers or strings; doubles as numbers, numeric strings or
//   "NaN" / "Infinity" / "-Infinity";
// - enums as integers or, leniently, by their proto names ("AGGREGATION_TEMPORALITY_DELTA");
// - traceId / spanId / parentSpanId as hex (any case; "" = not set; other lengths are errors);
//   bytesValue as standard or URL-safe base64, padding optional;
// - AnyValue nesting (arrayValue / kvlistValue) is limited to kMaxAnyValueDepth levels;
// - a oneof given twice (two AnyValue kinds, asDouble and asInt, two metric kinds) is an error.
//
// Contract: *out is cleared first. On success it holds the request. On failure the Status is
// kInvalidArgument with a message naming the JSON path and the problem, e.g.
//   resourceMetrics[0].scopeMetrics[1].metrics[2].sum.dataPoints[0].timeUnixNano:
//   expected an unsigned integer, got "abc"
// or, for input that is not JSON, "invalid JSON: <what> (at byte N, in <path>)" as RapidJSON
// reports it (json_error_locator.h), or simdjson's text alone where no location is found;
// *out is then partially filled and should be discarded. Never throws. Thread-safe: each thread reuses its own parser buffers for bodies
// up to 1 MiB and allocates fresh ones for larger bodies.
#pragma once

#include <string_view>

#include "core/status.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace otelite::otlp {

// Deepest arrayValue / kvlistValue nesting accepted inside one AnyValue (the outermost AnyValue
// is level 1).
inline constexpr int kMaxAnyValueDepth = 32;

Status DecodeJson(std::string_view body,
                  opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest* out);
Status DecodeJson(std::string_view body,
                  opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest* out);
Status DecodeJson(std::string_view body,
                  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest* out);

}  // namespace otelite::otlp
