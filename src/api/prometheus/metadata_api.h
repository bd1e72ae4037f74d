// The metadata endpoints of the Prometheus HTTP API on :9090, answered from the metrics store:
//   GET|POST /api/v1/labels                  label names (match[], start, end, limit)
//   GET      /api/v1/label/<name>/values     a label's values (match[], start, end, limit)
//   GET|POST /api/v1/series                  series matching match[] (start, end, limit)
//   GET      /api/v1/status/buildinfo        what Grafana asks to learn the server's features
//   GET      /api/v1/status/runtimeinfo      start time, working directory, retention, …
//   GET|POST /api/v1/query_exemplars         always empty (otelite keeps no exemplars), after
//                                            checking the query as Prometheus does
//   GET      /-/healthy, /-/ready
// Responses and errors as Prometheus writes them (Grafana and promtool parse them).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "api/http/router.h"
#include "storage/querier.h"

namespace otelite::api::prom {

struct RuntimeInfo {
  int64_t start_time_ms = 0;
  std::string storage_retention;               // "200h"
  std::function<uint64_t()> corruption_count;  // damaged blocks skipped at start (may be null)
};

void RegisterMetadataApi(Queryable* metrics, RuntimeInfo runtime, Router* router);

}  // namespace otelite::api::prom
