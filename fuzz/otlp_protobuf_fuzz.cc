// Fuzzes the OTLP protobuf path end to end minus the sockets: decode an
// ExportMetricsServiceRequest or ExportLogsServiceRequest, then translate it (naming, labels,
// limits, delta accumulation, histogram checks), as the receiver does for every request.
#include <cstddef>
#include <cstdint>

#include <google/protobuf/stubs/logging.h>

#include "ingest/otlp/logs_translator.h"
#include "ingest/otlp/metrics_translator.h"

namespace {

otelite::DeltaToCumulative& Accumulator() {
  // Shared across inputs, as in the server, so that accumulation paths (duplicates, late
  // points, layout changes) are reached.
  static otelite::DeltaToCumulative accumulator(std::chrono::minutes(180));
  return accumulator;
}

otelite::otlp::SeriesCache& Series() {
  static otelite::otlp::SeriesCache cache(std::chrono::minutes(180));
  return cache;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Invalid UTF-8 in string fields is logged by libprotobuf on every such input.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The same bytes are tried as both request types, so raw captures work as seeds.
  // A fixed "now" inside the plausible window of typical inputs.
  const int64_t now_ns = 1'795'535'650'809'000'000LL;
  otelite::otlp::TranslateLimits limits;
  otelite::otlp::Rejections rejections;
  {
    opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest request;
    if (request.ParseFromArray(data, static_cast<int>(size))) {
      otelite::otlp::MetricsTranslator translator(&Accumulator(), limits, &Series());
      otelite::MetricBatch batch;
      translator.Translate(request, now_ns, &batch, &rejections);
      // The same request again goes through the series cache and must give the same series.
      otelite::MetricBatch again;
      otelite::otlp::Rejections rejections_again;
      otelite::otlp::MetricsTranslator plain(&Accumulator(), limits);
      plain.Translate(request, now_ns, &again, &rejections_again);
      if (rejections_again.count() != rejections.count()) __builtin_trap();
      // Every sample must point at a family of the batch and carry a name.
      for (const auto& s : batch.samples) {
        if (s.family >= batch.families.size() || s.labels.Get("__name__").empty()) __builtin_trap();
      }
      if (otelite::otlp::MetricsTranslator::CountDataPoints(request) < rejections.count()) {
        __builtin_trap();
      }
    }
  }
  {
    rejections = otelite::otlp::Rejections();
    opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest request;
    if (request.ParseFromArray(data, static_cast<int>(size))) {
      otelite::otlp::LogsTranslator translator(limits, otelite::otlp::DefaultLokiIndexAttributes());
      otelite::LogBatch batch;
      translator.Translate(request, now_ns, &batch, &rejections);
      const auto records = otelite::otlp::LogsTranslator::CountLogRecords(request);
      if (static_cast<int64_t>(batch.EntryCount()) + rejections.count() != records)
        __builtin_trap();
    }
  }
  return 0;
}
