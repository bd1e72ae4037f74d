// libFuzzer target: arbitrary bytes as an OTLP/JSON body for each signal. Besides not crashing
// (ASan/UBSan), the decoder must keep its contract: success, or kInvalidArgument with a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/otlp/json_decode.h"

namespace {

template <typename Request>
void DecodeOne(std::string_view body) {
  Request request;
  otelite::Status status = otelite::otlp::DecodeJson(body, &request);
  if (status.ok()) {
    (void)request.ByteSizeLong();  // walk everything that was decoded
  } else if (status.code() != otelite::StatusCode::kInvalidArgument || status.message().empty()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  DecodeOne<opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest>(body);
  DecodeOne<opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest>(body);
  DecodeOne<opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest>(body);
  return 0;
}
