// The collector's Prometheus exporter endpoint on :8889: GET /metrics in text 0.0.4 or
// OpenMetrics 1.0 (by Accept), with otelite's own otelite_* metrics appended.
#pragma once

#include "api/http/router.h"
#include "export/prometheus/exposition_registry.h"
#include "ingest/otlp/receiver.h"
#include "storage/tsdb/db.h"

namespace otelite::api {

// `metrics` (may be null) adds the metrics store's otelite_tsdb_* figures.
void RegisterExporter(ExpositionRegistry* registry, otlp::OtlpReceiver* receiver,
                      tsdb::Db* metrics, Router* router);

}  // namespace otelite::api
