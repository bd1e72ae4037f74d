// GET|POST /api/v1/format_query on :9090: the `query` parameter parsed by the PromQL parser
// and printed back by Prometheus's prettifier (query/promql/pretty.h), as Prometheus answers it:
//
//   {"status":"success","data":"sum by (job) (rate(x[5m]))"}
//   {"status":"success","data":"sum by (job) (\n  rate(…[5m])\n)"}   (longer than 100 bytes)
//   400 {"status":"error","errorType":"bad_data",
//        "error":"invalid parameter \"query\": 1:5: parse error: …"}
//
// Expressions up to 100 bytes come out on one line in canonical form; longer ones are split over
// indented lines.
#pragma once

#include "api/http/router.h"

namespace otelite::api::prom {

void RegisterFormatQuery(Router* router);

}  // namespace otelite::api::prom
