#include "api/otlp/otlp_http.h"

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

#include "api/status_map.h"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"

namespace otelite::api {
namespace {

using opentelemetry::proto::collector::logs::v1::ExportLogsServiceResponse;
using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceResponse;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The media type of a Content-Type header, without parameters, lower-cased and trimmed.
std::string MediaType(std::string_view header) {
  std::string_view t = header.substr(0, header.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  return Lower(t);
}

std::string Serialize(const google::protobuf::Message& message, otlp::Encoding encoding) {
  std::string out;
  if (encoding == otlp::Encoding::kJson) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = false;  // lowerCamelCase, as OTLP/JSON requires
    (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  } else {
    message.SerializeToString(&out);
  }
  return out;
}

Response EncodedResponse(const Request& request, http::status status,
                         const google::protobuf::Message& message, otlp::Encoding encoding) {
  return TextResponse(
      request, status, Serialize(message, encoding),
      encoding == otlp::Encoding::kJson ? "application/json" : "application/x-protobuf");
}

Response ErrorResponse(const Request& request, const Status& status, otlp::Encoding encoding) {
  google::rpc::Status body;
  body.set_code(static_cast<int>(GrpcCodeFor(status.code())));
  body.set_message(status.message());
  Response response = EncodedResponse(request, HttpStatusFor(status.code()), body, encoding);
  if (IsRetryable(status.code())) {
    response.set(http::field::retry_after, std::to_string(Admission::kRetryAfterSeconds));
  }
  return response;
}

// Works out the body's encoding and compression from the headers, or the error response.
bool ParseHeaders(const Request& request, otlp::Encoding* encoding, bool* gzip, Response* error) {
  std::string type = MediaType(ToStd(request[http::field::content_type]));
  if (type == "application/x-protobuf" || type == "application/protobuf") {
    *encoding = otlp::Encoding::kProtobuf;
  } else if (type == "application/json") {
    *encoding = otlp::Encoding::kJson;
  } else {
    *error = ErrorResponse(
        request,
        Status::UnsupportedMedia(fmt::format(
            "unsupported Content-Type '{}': use application/x-protobuf or application/json",
            std::string(ToStd(request[http::field::content_type])))),
        otlp::Encoding::kJson);
    return false;
  }
  std::string coding = Lower(ToStd(request[http::field::content_encoding]));
  if (coding == "gzip" || coding == "x-gzip") {
    *gzip = true;
  } else if (coding.empty() || coding == "identity") {
    *gzip = false;
  } else {
    *error = ErrorResponse(request,
                           Status::UnsupportedMedia(fmt::format(
                               "unsupported Content-Encoding '{}': use gzip or none", coding)),
                           *encoding);
    return false;
  }
  return true;
}

template <typename Response_>
Response Finish(const Request& request, const otlp::ExportResult& result, otlp::Encoding encoding,
                Response_* message, auto set_rejected) {
  if (!result.status.ok()) return ErrorResponse(request, result.status, encoding);
  if (result.rejected > 0 || !result.message.empty()) {
    set_rejected(message->mutable_partial_success(), result.rejected);
    message->mutable_partial_success()->set_error_message(result.message);
  }
  return EncodedResponse(request, http::status::ok, *message, encoding);
}

}  // namespace

void RegisterOtlpHttp(otlp::OtlpReceiver* receiver, Router* router) {
  router->Handle(http::verb::post, "/v1/metrics", [receiver](const Request& request) {
    otlp::Encoding encoding;
    bool gzip;
    Response error;
    if (!ParseHeaders(request, &encoding, &gzip, &error)) return error;
    auto result = receiver->ExportMetricsBody(request.body(), encoding, gzip);
    ExportMetricsServiceResponse message;
    return Finish(request, result, encoding, &message,
                  [](auto* ps, int64_t n) { ps->set_rejected_data_points(n); });
  });
  RegisterOtlpHttpLogs(receiver, "/v1/logs", router);
}

void RegisterOtlpHttpLogs(otlp::OtlpReceiver* receiver, std::string path, Router* router) {
  router->Handle(http::verb::post, std::move(path), [receiver](const Request& request) {
    otlp::Encoding encoding;
    bool gzip;
    Response error;
    if (!ParseHeaders(request, &encoding, &gzip, &error)) return error;
    auto result = receiver->ExportLogsBody(request.body(), encoding, gzip);
    ExportLogsServiceResponse message;
    return Finish(request, result, encoding, &message,
                  [](auto* ps, int64_t n) { ps->set_rejected_log_records(n); });
  });
}

}  // namespace otelite::api
