// The query endpoints of the Prometheus HTTP API on :9090, evaluated by the PromQL engine:
//   GET|POST /api/v1/query        query, time (default now), timeout, limit
//   GET|POST /api/v1/query_range  query, start, end, step, timeout, limit
// Results, errors and status codes as Prometheus writes them: `resultType` vector / matrix /
// scalar / string, values as strings ("1", "+Inf", "NaN"), times as Unix seconds; bad parameters
// and parse errors are 400 bad_data, evaluation errors 422 execution, timeouts 503 timeout.
// Warnings and infos (Prometheus's annotations) come in "warnings" / "infos", each ending in the
// (line:column) of the expression it is about (docs/prometheus-api.md).
#pragma once

#include <cstddef>
#include <cstdint>

#include "api/http/router.h"
#include "query/promql/engine.h"
#include "storage/querier.h"

namespace otelite::api::prom {

struct QueryLimits {
  // Prometheus's rule: (end − start) / step may give at most this many points per series.
  int64_t max_points_per_series = 11000;
  // Longer query texts are refused (400) before parsing.
  size_t max_query_length = 256 * 1024;
  // Series a response may hold; more is an execution error (0: no limit). The `limit` parameter
  // truncates with a warning instead, as in Prometheus 3.
  size_t max_series = 0;
};

// `engine` and `metrics` must outlive the router.
void RegisterQueryApi(Queryable* metrics, const promql::Engine* engine, QueryLimits limits,
                      Router* router);

}  // namespace otelite::api::prom
