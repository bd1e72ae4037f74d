// GET /api/v1/metadata on :9090: the type, help and unit of each metric family, from the
// metadata store (storage/metadata), as Prometheus answers it
// (https://prometheus.io/docs/prometheus/latest/querying/api/#querying-metric-metadata):
//
//   {"status":"success","data":{"<family>":[{"type":"counter","help":"…","unit":"…"}], …}}
//
// Parameters: `metric` (one family name, exact), `limit` (at most that many families; 0 gives
// none, a negative number all), `limit_per_metric` (at most that many entries per family;
// otelite keeps one, the latest). A non-integer limit is `bad_data` with Prometheus's words
// ("limit must be a number"). Families come in name order, so `limit` keeps the first ones.
#pragma once

#include "api/http/router.h"
#include "storage/metadata/metadata_store.h"

namespace otelite::api::prom {

void RegisterMetricMetadataApi(const MetadataStore* store, Router* router);

}  // namespace otelite::api::prom
