// The collector's Prometheus exporter endpoint on :8889: GET /metrics in text 0.0.4 or
// OpenMetrics 1.0 (by Accept), with otelite's own otelite_* metrics appended.
#pragma once

#include "api/http/router.h"
#include "export/prometheus/exposition_registry.h"
#include "ingest/otlp/receiver.h"
#include "query/logql/range_cache.h"
#include "storage/logs/store.h"
#include "storage/tsdb/db.h"

namespace otelite::api {

// `metrics` (may be null) adds the metrics store's otelite_tsdb_* figures, `events` the event
// store's otelite_logs_*, `range_cache` the LogQL range cache's otelite_logql_range_cache_*.
void RegisterExporter(ExpositionRegistry* registry, otlp::OtlpReceiver* receiver, tsdb::Db* metrics,
                      const logs::LogStore* events, const logql::RangeResultCache* range_cache,
                      Router* router);

}  // namespace otelite::api
