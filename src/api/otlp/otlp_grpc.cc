#include "api/otlp/otlp_grpc.h"

#include "api/status_map.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"

namespace otelite::api {
namespace {

namespace pbcm = opentelemetry::proto::collector::metrics::v1;
namespace pbcl = opentelemetry::proto::collector::logs::v1;

class MetricsService final : public pbcm::MetricsService::Service {
 public:
  explicit MetricsService(otlp::OtlpReceiver* receiver) : receiver_(receiver) {}
  grpc::Status Export(grpc::ServerContext*, const pbcm::ExportMetricsServiceRequest* request,
                      pbcm::ExportMetricsServiceResponse* response) override {
    auto result = receiver_->ExportMetrics(*request, request->ByteSizeLong());
    if (!result.status.ok()) return ToGrpcStatus(result.status);
    if (result.rejected > 0 || !result.message.empty()) {
      response->mutable_partial_success()->set_rejected_data_points(result.rejected);
      response->mutable_partial_success()->set_error_message(result.message);
    }
    return grpc::Status::OK;
  }

 private:
  otlp::OtlpReceiver* receiver_;
};

class LogsService final : public pbcl::LogsService::Service {
 public:
  explicit LogsService(otlp::OtlpReceiver* receiver) : receiver_(receiver) {}
  grpc::Status Export(grpc::ServerContext*, const pbcl::ExportLogsServiceRequest* request,
                      pbcl::ExportLogsServiceResponse* response) override {
    auto result = receiver_->ExportLogs(*request, request->ByteSizeLong());
    if (!result.status.ok()) return ToGrpcStatus(result.status);
    if (result.rejected > 0 || !result.message.empty()) {
      response->mutable_partial_success()->set_rejected_log_records(result.rejected);
      response->mutable_partial_success()->set_error_message(result.message);
    }
    return grpc::Status::OK;
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
