// The OTLP receiver shared by the gRPC and HTTP transports: admission (backpressure),
// decoding of HTTP bodies (protobuf or JSON, optionally gzip), translation and appending.
// A request either fails as a whole (ExportResult::status not OK: undecodable, over a limit,
// server busy, storage unavailable) or succeeds with a count of rejected items and a message
// for OTLP's partial_success. Thread-safe.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ingest/admission.h"
#include "ingest/otlp/logs_translator.h"
#include "ingest/otlp/metrics_translator.h"
#include "model/delta_to_cumulative.h"
#include "storage/appender.h"

namespace otelite::otlp {

using opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;

enum class Encoding { kProtobuf, kJson };

struct ExportResult {
  ExportResult(Status s) : status(std::move(s)) {}  // NOLINT: implicit from a failure
  ExportResult(Status s, int64_t r, std::string m)
      : status(std::move(s)), rejected(r), message(std::move(m)) {}
  Status status;
  int64_t rejected = 0;
  std::string message;  // partial-success error_message (may be set with rejected == 0)
};

struct ReceiverOptions {
  TranslateLimits limits;
  size_t max_body_bytes = 16 << 20;  // after decompression
  uint64_t max_inflight_bytes = 256ULL << 20;
  uint64_t memory_limit_bytes = 1ULL << 30;
  Duration delta_state_expiry = std::chrono::minutes(180);
  std::vector<std::string> loki_index_attributes = DefaultLokiIndexAttributes();
};

struct ReceiverStats {
  uint64_t metric_points_accepted = 0;
  uint64_t metric_points_rejected = 0;
  uint64_t log_records_accepted = 0;
  uint64_t log_records_rejected = 0;
  uint64_t requests_failed = 0;   // undecodable or invalid as a whole
  uint64_t requests_refused = 0;  // backpressure
  uint64_t delta_series = 0;      // series with delta accumulation state
  uint64_t cached_series = 0;     // series whose labels are remembered
};

class OtlpReceiver {
 public:
  OtlpReceiver(ReceiverOptions options, MetricAppender* metrics, LogAppender* logs);

  // For decoded requests. `wire_bytes` is what admission accounts.
  ExportResult ExportMetrics(const MetricsRequestView& request, size_t wire_bytes);
  ExportResult ExportLogs(const LogsRequestView& request, size_t wire_bytes);

  // For request bodies (gRPC: protobuf, already inflated; HTTP: `gzip` when
  // Content-Encoding: gzip).
  ExportResult ExportMetricsBody(std::string_view body, Encoding encoding, bool gzip);
  ExportResult ExportLogsBody(std::string_view body, Encoding encoding, bool gzip);

  // Decoders (also used by tests, fuzzers and benchmarks). The views point into `body` or,
  // when it was compressed, into *inflated.
  Status DecodeMetrics(std::string_view body, Encoding encoding, bool gzip, MetricsRequestView* out,
                       std::string* inflated) const;
  Status DecodeLogs(std::string_view body, Encoding encoding, bool gzip, LogsRequestView* out,
                    std::string* inflated) const;

  // Drops delta-accumulation state of series idle past the expiry.
  void ExpireState(int64_t now_ns);
  ReceiverStats Stats() const;
  Admission& admission() { return admission_; }

 private:
  template <typename Message, typename View>
  Status Decode(std::string_view body, Encoding encoding, bool gzip, View* out,
                std::string* inflated) const;

  ReceiverOptions options_;
  MetricAppender* metrics_;
  LogAppender* logs_;
  Admission admission_;
  DeltaToCumulative accumulator_;
  SeriesCache series_cache_;
  MetricsTranslator metrics_translator_;
  LogsTranslator logs_translator_;
  std::atomic<uint64_t> metric_points_accepted_{0}, metric_points_rejected_{0};
  std::atomic<uint64_t> log_records_accepted_{0}, log_records_rejected_{0};
  std::atomic<uint64_t> requests_failed_{0};
};

}  // namespace otelite::otlp
