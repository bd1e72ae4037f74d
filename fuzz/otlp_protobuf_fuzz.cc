// Fuzzes the OTLP protobuf path end to end minus the sockets: decode an
// ExportMetricsServiceRequest or ExportLogsServiceRequest into views (ingest/otlp/wire_view.h),
// then translate it (naming, labels, limits, delta accumulation, histogram checks), as the
// receiver does for every request.
//
// Differential: the views' decoder must accept exactly what protoc's generated parser accepts,
// and translating its views must give what translating the generated parser's result gives
// (the fast walk against the generated classes, on every input).
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ingest/otlp/logs_translator.h"
#include "ingest/otlp/metrics_translator.h"
#include "ingest/otlp/wire_view.h"

namespace {

using otelite::otlp::Rejections;

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

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool SameSamples(const otelite::MetricBatch& a, const otelite::MetricBatch& b) {
  if (a.samples.size() != b.samples.size() || a.families.size() != b.families.size()) {
    return false;
  }
  for (size_t i = 0; i < a.families.size(); ++i) {
    const auto& x = a.families[i];
    const auto& y = b.families[i];
    if (x.name != y.name || x.type != y.type || x.help != y.help || x.unit != y.unit) return false;
  }
  for (size_t i = 0; i < a.samples.size(); ++i) {
    const auto& x = a.samples[i];
    const auto& y = b.samples[i];
    if (x.labels != y.labels || x.timestamp_ms != y.timestamp_ms || !SameBits(x.value, y.value) ||
        x.start_timestamp_ms != y.start_timestamp_ms || x.family != y.family) {
      return false;
    }
  }
  return true;
}

bool SameEntries(const otelite::LogBatch& a, const otelite::LogBatch& b) {
  if (a.streams.size() != b.streams.size()) return false;
  for (size_t s = 0; s < a.streams.size(); ++s) {
    const auto& x = a.streams[s];
    const auto& y = b.streams[s];
    if (x.labels != y.labels || x.entries.size() != y.entries.size()) return false;
    for (size_t i = 0; i < x.entries.size(); ++i) {
      const auto& e = x.entries[i];
      const auto& f = y.entries[i];
      if (e.timestamp_ns != f.timestamp_ns || e.line != f.line || e.metadata != f.metadata) {
        return false;
      }
    }
  }
  return true;
}

void Metrics(const uint8_t* data, size_t size, int64_t now_ns) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  otelite::otlp::TranslateLimits limits;
  otelite::otlp::MetricsRequestView view;
  const bool decoded = otelite::otlp::DecodeMetricsRequest(bytes, &view).ok();
  opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest request;
  const bool parsed = request.ParseFromArray(data, static_cast<int>(size));
  if (decoded != parsed) __builtin_trap();  // the views accept exactly what protobuf accepts
  if (!decoded) return;

  // Against the generated parser's result, each with its own fresh state.
  otelite::otlp::MetricsRequestView reference;
  if (!otelite::otlp::ViewMetricsRequest(request, &reference).ok()) __builtin_trap();
  if (reference.PointCount() != view.PointCount()) __builtin_trap();
  otelite::DeltaToCumulative acc_a(std::chrono::minutes(180)), acc_b(std::chrono::minutes(180));
  otelite::MetricBatch a, b;
  Rejections ra, rb;
  otelite::otlp::MetricsTranslator(&acc_a, limits).Translate(view, now_ns, &a, &ra);
  otelite::otlp::MetricsTranslator(&acc_b, limits).Translate(reference, now_ns, &b, &rb);
  if (ra.count() != rb.count() || ra.Message() != rb.Message() || !SameSamples(a, b)) {
    __builtin_trap();
  }

  // Through the shared series cache and accumulator, as in the server; the same request again
  // without the cache must reject the same points.
  Rejections rejections;
  otelite::otlp::MetricsTranslator translator(&Accumulator(), limits, &Series());
  otelite::MetricBatch batch;
  translator.Translate(view, now_ns, &batch, &rejections);
  otelite::MetricBatch again;
  Rejections rejections_again;
  otelite::otlp::MetricsTranslator plain(&Accumulator(), limits);
  plain.Translate(view, now_ns, &again, &rejections_again);
  if (rejections_again.count() != rejections.count()) __builtin_trap();
  // Every sample must point at a family of the batch and carry a name.
  for (const auto& s : batch.samples) {
    if (s.family >= batch.families.size() || s.labels.Get("__name__").empty()) __builtin_trap();
  }
  if (view.PointCount() < rejections.count()) __builtin_trap();
}

void Logs(const uint8_t* data, size_t size, int64_t now_ns) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  otelite::otlp::TranslateLimits limits;
  otelite::otlp::LogsRequestView view;
  const bool decoded = otelite::otlp::DecodeLogsRequest(bytes, &view).ok();
  opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest request;
  const bool parsed = request.ParseFromArray(data, static_cast<int>(size));
  if (decoded != parsed) __builtin_trap();
  if (!decoded) return;

  otelite::otlp::LogsRequestView reference;
  if (!otelite::otlp::ViewLogsRequest(request, &reference).ok()) __builtin_trap();
  otelite::otlp::LogsTranslator translator(limits, otelite::otlp::DefaultLokiIndexAttributes());
  otelite::LogBatch a, b;
  Rejections ra, rb;
  translator.Translate(view, now_ns, &a, &ra);
  translator.Translate(reference, now_ns, &b, &rb);
  if (ra.count() != rb.count() || ra.Message() != rb.Message() || !SameEntries(a, b)) {
    __builtin_trap();
  }
  if (static_cast<int64_t>(a.EntryCount()) + ra.count() != view.RecordCount()) __builtin_trap();
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
  Metrics(data, size, now_ns);
  Logs(data, size, now_ns);
  return 0;
}
