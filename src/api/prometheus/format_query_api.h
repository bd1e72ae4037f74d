// GET|POST /api/v1/format_query on :9090: the `query` parameter parsed by the PromQL parser
// and printed back in canonical form, as Prometheus answers it:
//
//   {"status":"success","data":"sum by (job) (rate(x[5m]))"}
//   400 {"status":"error","errorType":"bad_data",
//        "error":"invalid parameter \"query\": 1:5: parse error: …"}
//
// Prometheus prints with its prettifier, which breaks expressions longer than 100 characters
// over several lines; otelite prints them on one line (the same text for shorter ones).
#pragma once

#include "api/http/router.h"

namespace otelite::api::prom {

void RegisterFormatQuery(Router* router);

}  // namespace otelite::api::prom
