// Loki's query endpoints on the Loki listener (:3100), answering like Loki 3.x so that Grafana's
// Loki datasource and logcli work unchanged:
//   GET|POST /loki/api/v1/query         instant metric queries (vector or scalar)
//   GET|POST /loki/api/v1/query_range   log queries (streams) and metric queries (matrix)
// Parameters, result shapes, `stats` and the categorize-labels encoding flag
// (X-Loki-Response-Encoding-Flags) as Loki's HTTP API reference documents them; errors are
// Loki's plain-text answers (400 for bad queries and parameters, 504 on timeout).
#pragma once

#include "api/http/router.h"
#include "query/logql/engine.h"
#include "storage/log_querier.h"

namespace otelite::api::loki {

// Neither is owned; both must outlive the router.
void RegisterQueryApi(LogQueryable* store, const logql::Engine* engine, Router* router);

}  // namespace otelite::api::loki
