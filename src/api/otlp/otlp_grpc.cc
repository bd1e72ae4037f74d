#include "api/otlp/otlp_grpc.h"

#include <grpcpp/support/byte_buffer.h>

#include "api/status_map.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"

namespace otelite::api {
namespace {

namespace pbcm = opentelemetry::proto::collector::metrics::v1;
namespace pbcl = opentelemetry::proto::collector::logs::v1;

// The services take the request as bytes (gRPC's "raw" methods): the receiver decodes them
// into views (ingest/otlp/wire_view.h) instead of gRPC parsing them into generated messages.
// gRPC has already inflated a compressed request.
//
// A request usually arrives in one slice; otherwise its slices are joined into one.
grpc::Status RequestBytes(const grpc::ByteBuffer& request, grpc::Slice* joined,
                          std::string_view* bytes) {
  if (!request.TrySingleSlice(joined).ok()) {
    if (grpc::Status st = request.DumpToSingleSlice(joined); !st.ok()) return st;
  }
  *bytes = std::string_view(reinterpret_cast<const char*>(joined->begin()), joined->size());
  return grpc::Status::OK;
}

using ExportBody = otlp::ExportResult (otlp::OtlpReceiver::*)(std::string_view, otlp::Encoding,
                                                              bool);

template <typename Response, typename SetRejected>
grpc::ServerUnaryReactor* RunExport(otlp::OtlpReceiver* receiver, ExportBody export_body,
                                    grpc::CallbackServerContext* context,
                                    const grpc::ByteBuffer* request, grpc::ByteBuffer* response,
                                    SetRejected set_rejected) {
  auto* reactor = context->DefaultReactor();
  grpc::Slice slice;
  std::string_view bytes;
  if (grpc::Status st = RequestBytes(*request, &slice, &bytes); !st.ok()) {
    reactor->Finish(st);
    return reactor;
  }
  const otlp::ExportResult result =
      (receiver->*export_body)(bytes, otlp::Encoding::kProtobuf, /*gzip=*/false);
  if (!result.status.ok()) {
    reactor->Finish(ToGrpcStatus(result.status));
    return reactor;
  }
  Response message;
  if (result.rejected > 0 || !result.message.empty()) set_rejected(result, &message);
  std::string encoded = message.SerializeAsString();
  grpc::Slice out(encoded);
  *response = grpc::ByteBuffer(&out, 1);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

class MetricsService final
    : public pbcm::MetricsService::WithRawCallbackMethod_Export<pbcm::MetricsService::Service> {
 public:
  explicit MetricsService(otlp::OtlpReceiver* receiver) : receiver_(receiver) {}
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override {
    return RunExport<pbcm::ExportMetricsServiceResponse>(
        receiver_, &otlp::OtlpReceiver::ExportMetricsBody, context, request, response,
        [](const otlp::ExportResult& r, pbcm::ExportMetricsServiceResponse* message) {
          message->mutable_partial_success()->set_rejected_data_points(r.rejected);
          message->mutable_partial_success()->set_error_message(r.message);
        });
  }

 private:
  otlp::OtlpReceiver* receiver_;
};

class LogsService final
    : public pbcl::LogsService::WithRawCallbackMethod_Export<pbcl::LogsService::Service> {
 public:
  explicit LogsService(otlp::OtlpReceiver* receiver) : receiver_(receiver) {}
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override {
    return RunExport<pbcl::ExportLogsServiceResponse>(
        receiver_, &otlp::OtlpReceiver::ExportLogsBody, context, request, response,
        [](const otlp::ExportResult& r, pbcl::ExportLogsServiceResponse* message) {
          message->mutable_partial_success()->set_rejected_log_records(r.rejected);
          message->mutable_partial_success()->set_error_message(r.message);
        });
  }

 private:
  otlp::OtlpReceiver* receiver_;
};

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> MakeOtlpGrpcServices(otlp::OtlpReceiver* receiver) {
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<MetricsService>(receiver));
  services.push_back(std::make_unique<LogsService>(receiver));
  return services;
}

}  // namespace otelite::api
