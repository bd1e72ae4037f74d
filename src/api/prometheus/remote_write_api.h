// The remote-write receiver, POST /api/v1/write on :9090 (Prometheus remote-write 1.0: a
// snappy-compressed protobuf prometheus.WriteRequest), so a Prometheus, an Agent or anything
// that remote-writes can send samples into otelite's metrics store. Answers as Prometheus does:
// 204 when everything was stored; 400 (with the reasons, as text) when some series or samples
// were refused, the rest being stored; 413, 415 for bodies it cannot take; 429/503 when storage
// is full or failing (the sender retries).
#pragma once

#include <cstdint>

#include "api/http/router.h"
#include "storage/appender.h"

namespace otelite::api::prom {

void RegisterRemoteWrite(MetricAppender* store, uint64_t max_bytes, Router* router);

}  // namespace otelite::api::prom
