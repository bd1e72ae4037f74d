// The one place where a Status code becomes an HTTP status or a gRPC status code.
#pragma once

#include <grpcpp/support/status.h>

#include <ostream>

#include <boost/beast/http/status.hpp>

#include "core/status.h"

namespace otelite::api {

boost::beast::http::status HttpStatusFor(StatusCode code);
grpc::StatusCode GrpcCodeFor(StatusCode code);
inline grpc::Status ToGrpcStatus(const Status& status) {
  return status.ok() ? grpc::Status::OK : grpc::Status(GrpcCodeFor(status.code()), status.message());
}
// Whether a client should retry (OTLP: 429, 502, 503, 504 are retryable).
bool IsRetryable(StatusCode code);

}  // namespace otelite::api
