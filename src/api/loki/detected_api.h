// Loki's field and label discovery on the Loki listener (:3100), what Grafana's Explore
// ("fields") and Logs Drilldown ask for (docs/loki-detected.md):
//   /loki/api/v1/detected_fields                the fields of the newest entries of a log query
//   /loki/api/v1/detected_field/<name>/values   the distinct values of one of those fields
//   /loki/api/v1/detected_labels                the stream labels of the matching streams
//
// detected_fields runs the log query (`query`, `start`/`end`/`since`, newest first, at most
// `line_limit` entries, default 100) and, per returned entry, takes its structured metadata,
// the labels the query's own stages produced, and what the line parses into: with `| json`
// when it is a JSON object, else with `| logfmt` (stream labels are not fields; a parsed name
// that is a stream label becomes `<name>_extracted`). The first `limit` distinct names (default
// 1000) are reported, each with its type, its number of distinct values and the parsers that
// produced it. Answers are Loki's bare objects (no status/data envelope):
//   {"fields":[{"label":"status","type":"int","cardinality":3,"parsers":["json"]},…],
//    "limit":1000}
//   {"values":["200","404"],"limit":1000}
//   {"detectedLabels":[{"label":"service_name","cardinality":1},…]}
// Errors are Loki's plain-text 400s (parse errors, "only log selector is supported" for a metric
// query, bad times or limits, the engine's max entries limit), 504 on timeout.
#pragma once

#include <cstdint>
#include <string_view>

#include "api/http/router.h"
#include "query/logql/engine.h"
#include "storage/log_querier.h"

namespace otelite::api::loki {

// Neither is owned; both must outlive the router. Thread-safe (each request has its own
// querier).
void RegisterDetectedApi(LogQueryable* store, const logql::Engine* engine, Router* router);

// The value types a detected field can have, as bits: a value may fit several ("1" is an int, a
// float, a boolean and a byte size). Loki's tests in order: int (strconv.ParseInt), float
// (ParseFloat), boolean (ParseBool), duration (time.ParseDuration), bytes (go-humanize).
enum DetectedType : uint32_t {
  kDetectedInt = 1,
  kDetectedFloat = 2,
  kDetectedBoolean = 4,
  kDetectedDuration = 8,
  kDetectedBytes = 16,
};
// The types `value` fits (0: none of them, a string).
uint32_t DetectedTypesOf(std::string_view value);
// The name of the first type in Loki's order among `types`: "int", "float", "boolean",
// "duration", "bytes", or "string" when `types` is 0.
const char* DetectedTypeName(uint32_t types);

}  // namespace otelite::api::loki
