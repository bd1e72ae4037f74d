// Loki's push endpoint, POST /loki/api/v1/push on :3100, so promtail, Grafana Alloy, the
// collector's `loki` exporter and other Loki clients can send logs to otelite (decoding and
// validation in ingest/loki_push/push.h). Answers as Loki does:
//   204 No Content  every entry was stored (or the request had only empty streams);
//   400             the body is malformed, or some or all entries were refused: the valid ones
//                   are stored, the text/plain body lists the reasons in Loki's words;
//   413             the body is larger than limits.max_body_bytes (after gzip and snappy);
//   415             a Content-Type or Content-Encoding push does not take;
//   422             the request has no streams ("error at least one valid stream is required
//                   for ingestion");
//   429 / 503       the log store is full or unavailable (the sender retries); other store
//                   failures 500.
// Error bodies are plain text ending in a newline, as Go's http.Error writes them.
#pragma once

#include <cstdint>
#include <functional>

#include "api/http/router.h"
#include "ingest/loki_push/push.h"
#include "storage/appender.h"

namespace otelite::api::loki {

// `logs` is not owned and must outlive the router. Thread-safe if `logs` is.
void RegisterPushApi(LogAppender* logs, const loki_push::PushLimits& limits, Router* router);

// The same with a clock (nanoseconds since the epoch) for the timestamp limits; for tests.
void RegisterPushApi(LogAppender* logs, const loki_push::PushLimits& limits, Router* router,
                     std::function<int64_t()> now_ns);

}  // namespace otelite::api::loki
