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

// AddSelfMetric for one batch and time: add(name, type, help, value[, extra labels]).
struct SelfMetrics {
  MetricBatch* batch;
  int64_t now;
  void operator()(const char* name, MetricType type, const char* help, double v,
                  std::vector<Label> extra = {}) const {
    AddSelfMetric(batch, name, type, help, v, now, std::move(extra));
  }
};

void AddTsdbMetrics(const tsdb::Db& db, int64_t now, MetricBatch* batch) {
  const tsdb::DbStats s = db.Stats();
  const SelfMetrics add{batch, now};
  add("otelite_tsdb_head_series", MetricType::kGauge, "Series in the metrics head (in memory).",
      static_cast<double>(s.head.series));
  add("otelite_tsdb_head_series_created_total", MetricType::kCounter,
      "Series created in the metrics head.", static_cast<double>(s.head.series_created));
  add("otelite_tsdb_head_series_removed_total", MetricType::kCounter,
      "Series removed from the metrics head after their data was persisted.",
      static_cast<double>(s.head.series_removed));
  add("otelite_tsdb_head_chunks", MetricType::kGauge, "Chunks in the metrics head.",
      static_cast<double>(s.head.chunks));
  add("otelite_tsdb_head_memory_bytes", MetricType::kGauge,
      "Estimated memory of the metrics head (chunks, series, index).",
      static_cast<double>(s.head.memory_bytes));
  add("otelite_tsdb_samples_appended_total", MetricType::kCounter,
      "Samples stored in the metrics database.", static_cast<double>(s.head.samples_appended));
  for (size_t r = 0; r < s.head.rejected.size(); ++r) {
    add("otelite_tsdb_samples_rejected_total", MetricType::kCounter,
        "Samples the metrics database refused, by reason.", static_cast<double>(s.head.rejected[r]),
        {{"reason", tsdb::RejectReasonName(static_cast<tsdb::RejectReason>(r))}});
  }
  add("otelite_tsdb_wal_bytes", MetricType::kGauge, "Size of the metrics write-ahead log.",
      static_cast<double>(s.wal_bytes));
  add("otelite_tsdb_wal_segments", MetricType::kGauge, "Segments of the metrics write-ahead log.",
      static_cast<double>(s.wal_segments));
  add("otelite_tsdb_blocks", MetricType::kGauge, "Persisted metrics blocks.",
      static_cast<double>(s.blocks));
  add("otelite_tsdb_blocks_bytes", MetricType::kGauge, "Size of the persisted metrics blocks.",
      static_cast<double>(s.block_bytes));
  add("otelite_tsdb_blocks_samples", MetricType::kGauge, "Samples in the persisted metrics blocks.",
      static_cast<double>(s.block_samples));
  add("otelite_tsdb_blocks_corrupted", MetricType::kGauge,
      "Metrics blocks found damaged at start and skipped (kept on disk).",
      static_cast<double>(s.blocks_corrupted));
  add("otelite_tsdb_blocks_cut_total", MetricType::kCounter, "Blocks written from the head.",
      static_cast<double>(s.blocks_cut));
  add("otelite_tsdb_compactions_total", MetricType::kCounter, "Block compactions.",
      static_cast<double>(s.compactions));
  add("otelite_tsdb_compactions_failed_total", MetricType::kCounter, "Failed block compactions.",
      static_cast<double>(s.compaction_failures));
  add("otelite_tsdb_retention_deleted_blocks_total", MetricType::kCounter,
      "Blocks deleted by the retention (time or size).",
      static_cast<double>(s.blocks_deleted_retention));
  add("otelite_tsdb_wal_checkpoints_total", MetricType::kCounter, "WAL checkpoints written.",
      static_cast<double>(s.checkpoints));
  add("otelite_tsdb_append_failures_total", MetricType::kCounter,
      "Batches refused because the write-ahead log could not be written.",
      static_cast<double>(s.append_failures));
}

void AddLogStoreMetrics(const logs::LogStore& store, int64_t now, MetricBatch* batch) {
  const logs::LogStoreStats s = store.Stats();
  const SelfMetrics add{batch, now};
  add("otelite_logs_head_streams", MetricType::kGauge, "Streams in the event head (in memory).",
      s.head_streams);
  add("otelite_logs_head_entries", MetricType::kGauge, "Entries in the event head.",
      s.head_entries);
  add("otelite_logs_head_bytes", MetricType::kGauge,
      "Line and structured-metadata bytes in the event head.", s.head_bytes);
  add("otelite_logs_wal_bytes", MetricType::kGauge, "Size of the event write-ahead log.",
      s.wal_bytes);
  add("otelite_logs_segments", MetricType::kGauge, "Event segments on disk.", s.segments);
  add("otelite_logs_segments_bytes", MetricType::kGauge, "Size of the event segments.",
      s.segment_bytes);
  add("otelite_logs_segments_entries", MetricType::kGauge, "Entries in the event segments.",
      s.segment_entries);
  add("otelite_logs_segments_corrupted", MetricType::kGauge,
      "Event segments found damaged at start and skipped (kept on disk).", s.segments_corrupted);
  add("otelite_logs_entries_appended_total", MetricType::kCounter, "Events stored.",
      s.entries_appended);
  add("otelite_logs_entries_too_old_total", MetricType::kCounter,
      "Events not stored because they were older than the retention.", s.entries_too_old);
  add("otelite_logs_append_failures_total", MetricType::kCounter,
      "Batches refused because the event write-ahead log could not be written.", s.append_failures);
  add("otelite_logs_cuts_total", MetricType::kCounter, "Head cuts into segments.", s.cuts);
  add("otelite_logs_cuts_failed_total", MetricType::kCounter, "Failed head cuts.", s.cut_failures);
  add("otelite_logs_retention_deleted_segments_total", MetricType::kCounter,
      "Event segments deleted by the retention (time or size).", s.segments_deleted_retention);
}

void AddRangeCacheMetrics(const logql::RangeResultCache& cache, int64_t now, MetricBatch* batch) {
  const logql::RangeCacheStats s = cache.Stats();
  const SelfMetrics add{batch, now};
  add("otelite_logql_range_cache_bytes", MetricType::kGauge,
      "Memory held by the LogQL range cache (segment results of metric queries).", s.bytes);
  add("otelite_logql_range_cache_max_bytes", MetricType::kGauge,
      "The LogQL range cache's budget (logs.query_cache_size).", cache.max_bytes());
  add("otelite_logql_range_cache_entries", MetricType::kGauge,
      "Segment results held by the LogQL range cache.", s.partials);
  add("otelite_logql_range_cache_hits_total", MetricType::kCounter,
      "Segment results found in the LogQL range cache.", s.hits);
  add("otelite_logql_range_cache_misses_total", MetricType::kCounter,
      "Segment results looked for and not found (then computed and stored).", s.misses);
  add("otelite_logql_range_cache_evictions_total", MetricType::kCounter,
      "Segment results dropped to stay within the budget.", s.evictions);
}

}  // namespace

void RegisterExporter(ExpositionRegistry* registry, otlp::OtlpReceiver* receiver, tsdb::Db* metrics,
                      const logs::LogStore* events, const logql::RangeResultCache* range_cache,
                      Router* router) {
  registry->SetSelfMetricsProvider(
      [registry, receiver, metrics, events, range_cache](MetricBatch* batch) {
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
        AddSelfMetric(batch, "otelite_build_info", MetricType::kGauge, "otelite build information.",
                      1, now, {{"version", OTELITE_VERSION}});
        if (metrics != nullptr) AddTsdbMetrics(*metrics, now, batch);
        if (events != nullptr) AddLogStoreMetrics(*events, now, batch);
        if (range_cache != nullptr) AddRangeCacheMetrics(*range_cache, now, batch);
      });
  router->Handle(http::verb::get, "/metrics", [registry](const Request& request) {
    ExpositionFormat format = NegotiateExpositionFormat(ToStd(request[http::field::accept]));
    std::string body;
    registry->AppendExposition(format, NowUnixMillis(), &body);
    return TextResponse(request, http::status::ok, std::move(body), ContentTypeFor(format));
  });
}

}  // namespace otelite::api
