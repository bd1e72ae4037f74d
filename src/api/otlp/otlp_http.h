// OTLP/HTTP on :4318: POST /v1/metrics and /v1/logs with application/x-protobuf or
// application/json bodies, optional Content-Encoding: gzip. Responses follow the OTLP/HTTP
// specification: 200 with an Export*ServiceResponse (partial_success when items were
// rejected), or 4xx/5xx with a google.rpc.Status body in the request's encoding; 429/503
// carry Retry-After. /v1/traces is not registered, as in the seed's collector, which has no
// traces pipeline: it answers 404.
#pragma once

#include <string>

#include "api/http/router.h"
#include "ingest/otlp/receiver.h"

namespace otelite::api {

void RegisterOtlpHttp(otlp::OtlpReceiver* receiver, Router* router);
// Only the logs endpoint, at `path`: Loki's listener takes OTLP logs at /otlp/v1/logs (where the
// collector's otlphttp exporter sends when pointed at Loki's /otlp).
void RegisterOtlpHttpLogs(otlp::OtlpReceiver* receiver, std::string path, Router* router);

}  // namespace otelite::api
