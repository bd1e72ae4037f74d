#include "api/otlp/otlp_grpc.h"

#include <google/protobuf/arena.h>
#include <grpcpp/support/message_allocator.h>

#include "api/status_map.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"

namespace otelite::api {
namespace {

namespace pbcm = opentelemetry::proto::collector::metrics::v1;
namespace pbcl = opentelemetry::proto::collector::logs::v1;

// Request and response of one call live on one protobuf arena: a request of a thousand data
// points is a few block allocations instead of thousands, and is freed at once.
template <typename Request, typename Response>
class ArenaMessages final : public grpc::MessageHolder<Request, Response> {
 public:
  ArenaMessages() : arena_(Options()) {
    this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
    this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
  }
  void Release() override { delete this; }

 private:
  static google::protobuf::ArenaOptions Options() {
    google::protobuf::ArenaOptions options;
    options.start_block_size = 64 << 10;
    options.max_block_size = 4 << 20;
    return options;
  }
  google::protobuf::Arena arena_;
};

template <typename Request, typename Response>
class ArenaAllocator final : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override {
    return new ArenaMessages<Request, Response>();
  }
};

// Runs an export on gRPC's callback threads and finishes the call.
template <typename Result, typename SetRejected>
grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, const Result& result,
                                 SetRejected set_rejected) {
  auto* reactor = context->DefaultReactor();
  if (!result.status.ok()) {
    reactor->Finish(ToGrpcStatus(result.status));
    return reactor;
  }
  if (result.rejected > 0 || !result.message.empty()) set_rejected(result);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

class MetricsService final : public pbcm::MetricsService::CallbackService {
 public:
  explicit MetricsService(otlp::OtlpReceiver* receiver) : receiver_(receiver) {
    SetMessageAllocatorFor_Export(&allocator_);
  }
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
                                   const pbcm::ExportMetricsServiceRequest* request,
                                   pbcm::ExportMetricsServiceResponse* response) override {
    auto result = receiver_->ExportMetrics(*request, request->ByteSizeLong());
    return Finish(context, result, [response](const otlp::ExportResult& r) {
      response->mutable_partial_success()->set_rejected_data_points(r.rejected);
      response->mutable_partial_success()->set_error_message(r.message);
    });
  }

 private:
  otlp::OtlpReceiver* receiver_;
  ArenaAllocator<pbcm::ExportMetricsServiceRequest, pbcm::ExportMetricsServiceResponse> allocator_;
};

class LogsService final : public pbcl::LogsService::CallbackService {
 public:
  explicit LogsService(otlp::OtlpReceiver* receiver) : receiver_(receiver) {
    SetMessageAllocatorFor_Export(&allocator_);
  }
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
                                   const pbcl::ExportLogsServiceRequest* request,
                                   pbcl::ExportLogsServiceResponse* response) override {
    auto result = receiver_->ExportLogs(*request, request->ByteSizeLong());
    return Finish(context, result, [response](const otlp::ExportResult& r) {
      response->mutable_partial_success()->set_rejected_log_records(r.rejected);
      response->mutable_partial_success()->set_error_message(r.message);
    });
  }

 private:
  otlp::OtlpReceiver* receiver_;
  ArenaAllocator<pbcl::ExportLogsServiceRequest, pbcl::ExportLogsServiceResponse> allocator_;
};

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> MakeOtlpGrpcServices(otlp::OtlpReceiver* receiver) {
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<MetricsService>(receiver));
  services.push_back(std::make_unique<LogsService>(receiver));
  return services;
}

}  // namespace otelite::api
