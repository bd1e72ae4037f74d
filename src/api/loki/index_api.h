// Loki's index and metadata endpoints on the Loki listener (:3100):
//   /loki/api/v1/labels, /loki/api/v1/label/<name>/values  index label names and values
//   /loki/api/v1/series                                     stream label sets matching match[]
//   /loki/api/v1/index/stats                                streams, chunks, bytes, entries
//   /loki/api/v1/index/volume, /index/volume_range          bytes by target labels
//   /loki/api/v1/status/buildinfo, /ready
// Only index (stream) labels are listed, as Loki does; structured metadata is not an index label.
#pragma once

#include "api/http/router.h"
#include "query/logql/engine.h"
#include "storage/log_querier.h"

namespace otelite::api::loki {

// Neither is owned; both must outlive the router.
void RegisterIndexApi(LogQueryable* store, const logql::Engine* engine, Router* router);

}  // namespace otelite::api::loki
