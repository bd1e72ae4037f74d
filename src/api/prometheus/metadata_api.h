// The metadata endpoints of the Prometheus HTTP API on :9090, answered from the metrics store:
//   GET|POST /api/v1/labels                  label names (match[], start, end, limit)
//   GET      /api/v1/label/<name>/values     a label's values (match[], start, end, limit)
//   GET|POST /api/v1/series                  series matching match[] (start, end, limit)
//   GET      /api/v1/status/buildinfo        what Grafana asks to learn the server's features
//   GET      /-/healthy, /-/ready
// Responses and errors as Prometheus writes them (Grafana and promtool parse them).
#pragma once

#include "api/http/router.h"
#include "storage/querier.h"

namespace otelite::api::prom {

void RegisterMetadataApi(Queryable* metrics, Router* router);

}  // namespace otelite::api::prom
