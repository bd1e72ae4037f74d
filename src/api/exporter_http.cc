#include "api/exporter_http.h"

#include "core/units.h"

namespace otelite::api {
namespace {

void AddSelfMetric(MetricBatch* batch, std::string name, MetricType type, std::string help,
                   double value, int64_t now_ms, std::vector<Label> extra = {}) {
  batch->families.push_back({name, type, std::move(help), ""});
  extra.push_back({std::string(kMetricNameLabel), std::move(name)});
  MetricSample s;
  s.labels = Labels(std::move(extra));
  s.timestamp_ms = now_ms;
  s.value = value;
  s.family = static_cast<uint32_t>(batch->families.size() - 1);
  batch->samples.push_back(std::move(s));
}

}  // namespace

void RegisterExporter(ExpositionRegistry* registry, otlp::OtlpReceiver* receiver, Router* router) {
  registry->SetSelfMetricsProvider([registry, receiver](MetricBatch* batch) {
    const int64_t now = NowUnixMillis();
    const auto s = receiver->Stats();
    auto counter = [&](const char* name, const char* help, uint64_t v) {
      AddSelfMetric(batch, name, MetricType::kCounter, help, static_cast<double>(v), now);
    };
    auto gauge = [&](const char* name, const char* help, double v) {
      AddSelfMetric(batch, name, MetricType::kGauge, help, v, now);
    };
    counter("otelite_otlp_metric_points_accepted_total", "OTLP metric data points accepted.",
            s.metric_points_accepted);
    counter("otelite_otlp_metric_points_rejected_total",
            "OTLP metric data points rejected (invalid; reported in partial_success).",
            s.metric_points_rejected);
    counter("otelite_otlp_log_records_accepted_total", "OTLP log records accepted.",
            s.log_records_accepted);
    counter("otelite_otlp_log_records_rejected_total",
            "OTLP log records rejected (invalid; reported in partial_success).",
            s.log_records_rejected);
    counter("otelite_otlp_requests_failed_total",
            "OTLP requests refused as a whole because they could not be decoded or stored.",
            s.requests_failed);
    counter("otelite_otlp_requests_refused_total",
            "OTLP requests refused by backpressure (429 / RESOURCE_EXHAUSTED).",
            s.requests_refused);
    gauge("otelite_delta_series", "Series with delta-to-cumulative state.",
          static_cast<double>(s.delta_series));
    gauge("otelite_series_cache_entries",
          "Series whose labels ingest remembers (built once, then found by hash).",
          static_cast<double>(s.cached_series));
    gauge("otelite_exporter_series", "Series held by the Prometheus exporter.",
          static_cast<double>(registry->size()));
    gauge("otelite_resident_memory_bytes", "Resident memory of the otelite process.",
          static_cast<double>(receiver->admission().ResidentBytes()));
    AddSelfMetric(batch, "otelite_build_info", MetricType::kGauge,
                  "otelite build information.", 1, now, {{"version", OTELITE_VERSION}});
  });
  router->Handle(http::verb::get, "/metrics", [registry](const Request& request) {
    ExpositionFormat format = NegotiateExpositionFormat(ToStd(request[http::field::accept]));
    std::string body;
    registry->AppendExposition(format, NowUnixMillis(), &body);
    return TextResponse(request, http::status::ok, std::move(body),
                        ContentTypeFor(format));
  });
}

}  // namespace otelite::api
