// OTLP/gRPC on :4317: the metrics and logs Export services (gzip is negotiated by gRPC
// itself). Failures map to gRPC status codes (INVALID_ARGUMENT, RESOURCE_EXHAUSTED,
// UNAVAILABLE); rejected items are reported in partial_success. The trace service is not
// registered, so trace exports get UNIMPLEMENTED, as from the seed's collector. The services
// use gRPC's callback API with raw (byte) requests, which the receiver decodes into views.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/service_type.h>

#include <memory>

#include "ingest/otlp/receiver.h"

namespace otelite::api {

// Services to register on a grpc::ServerBuilder; they must outlive the server.
std::vector<std::unique_ptr<grpc::Service>> MakeOtlpGrpcServices(otlp::OtlpReceiver* receiver);

}  // namespace otelite::api
