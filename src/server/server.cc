#include "server/server.h"

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <condition_variable>
#include <filesystem>
#include <thread>

#include "api/exporter_http.h"
#include "api/loki/detected_api.h"
#include "api/loki/index_api.h"
#include "api/loki/push_api.h"
#include "api/loki/query_api.h"
#include "api/loki/tail_api.h"
#include "api/otlp/otlp_grpc.h"
#include "api/otlp/otlp_http.h"
#include "api/prometheus/format_query_api.h"
#include "api/prometheus/metadata_api.h"
#include "api/prometheus/metric_metadata_api.h"
#include "api/prometheus/query_api.h"
#include "api/prometheus/remote_write_api.h"
#include "api/tail.h"
#include "api/ui/auth.h"
#include "api/ui/dashboards_api.h"
#include "api/ui/query_api.h"
#include "api/ui/render_api.h"
#include "api/ui/static_files.h"
#include "api/ui/ui_api.h"
#include "core/dir_lock.h"
#include "core/go_text.h"
#include "dashboards/builtin_dashboards.h"
#include "dashboards/datasource.h"
#include "dashboards/store.h"
#include "export/prometheus/exposition_registry.h"
#include "ingest/otlp/receiver.h"
#include "query/logql/engine.h"
#include "server/cache_warmer.h"
#include "server/http_server.h"
#include "server/web_files.h"
#include "storage/logs/store.h"
#include "storage/metadata/metadata_store.h"
#include "storage/tsdb/db.h"

namespace otelite::server {

struct Server::Components {
  DirectoryLock lock;
  std::unique_ptr<tsdb::Db> metrics;
  std::unique_ptr<logs::LogStore> events;
  std::unique_ptr<ExpositionRegistry> exposition;
  std::unique_ptr<MetadataStore> metadata;  // type, help and unit per metric family
  std::unique_ptr<promql::Engine> promql;
  std::unique_ptr<logql::Engine> logql;
  api::TailHub tail;
  FanoutAppender fanout;
  FanoutAppender remote_write;  // the metrics store and the metadata
  std::unique_ptr<otlp::OtlpReceiver> receiver;
  api::Router otlp_router;
  api::Router exporter_router;
  api::Router prometheus_router;
  api::Router loki_router;
  api::Router ui_router;
  std::unique_ptr<api::ui::Auth> auth;
  std::unique_ptr<api::ui::StaticFiles> web_files;
  std::unique_ptr<dashboards::DashboardStore> dashboards;
  std::unique_ptr<dashboards::Datasources> datasources;
  api::ui::QueryApi query_api;
  std::unique_ptr<CacheWarmer> cache_warmer;
  std::unique_ptr<HttpServer> ui_http;
  std::unique_ptr<HttpServer> otlp_http;
  std::unique_ptr<HttpServer> exporter_http;
  std::unique_ptr<HttpServer> prometheus_http;
  std::unique_ptr<HttpServer> loki_http;
  std::vector<std::unique_ptr<grpc::Service>> grpc_services;
  std::unique_ptr<grpc::Server> grpc;
  Ports ports;

  std::mutex maintenance_mu;
  std::condition_variable maintenance_cv;
  bool stopping = false;
  std::thread maintenance;
};

namespace {

// Whether `listen` reaches only this machine: then the UI needs no login unless asked for.
bool IsLoopback(const std::string& listen) {
  if (listen == "localhost") return true;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(listen, ec);
  return !ec && address.is_loopback();
}

}  // namespace

Server::Server(ServeConfig config) : config_(std::move(config)) {}

Server::~Server() { Shutdown(); }

Status Server::Start() {
  c_ = std::make_unique<Components>();
  auto& c = *c_;
  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) {
    return Status::IoError(fmt::format("data directory {}: {}", config_.data_dir, ec.message()));
  }
  const int threads = config_.threads > 0
                          ? config_.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));

  auto lock = DirectoryLock::Acquire(config_.data_dir);
  if (!lock.ok()) return lock.status();
  c.lock = std::move(*lock);

  auto fsync = tsdb::ParseFsyncPolicy(config_.fsync);
  if (!fsync.ok()) return fsync.status();
  tsdb::DbOptions db_options;
  db_options.retention_ms = config_.metrics_retention.count();
  db_options.retention_bytes = config_.metrics_retention_size;
  db_options.maintenance_interval_ms = config_.storage_maintenance_interval.count();
  if (config_.metrics_block_duration.count() < 1000) {
    return Status::InvalidArgument("metrics.block_duration must be at least 1s");
  }
  db_options.head.chunk_range_ms = config_.metrics_block_duration.count();
  db_options.head.out_of_order_window_ms = config_.metrics_out_of_order_window.count();
  db_options.head.max_future_ms = 3600'000;  // as ingest: points more than 1 h ahead are refused
  db_options.head.now_ms = [] { return NowUnixMillis(); };
  db_options.wal.fsync = *fsync;
  db_options.wal.fsync_interval_ms = config_.fsync_interval.count();
  const std::string metrics_dir = (std::filesystem::path(config_.data_dir) / "metrics").string();
  auto db = tsdb::Db::Open(metrics_dir, db_options);
  if (!db.ok()) return db.status();
  c.metrics = std::move(*db);
  {
    const auto& r = c.metrics->open_report();
    for (const auto& problem : r.corrupted_blocks) {
      spdlog::error("metrics: damaged block skipped (kept on disk for inspection): {}", problem);
    }
    spdlog::info("metrics: {} blocks; {} series, {} samples replayed from the WAL in {:.2f} s{}",
                 r.blocks, r.replayed_series, r.replayed_samples, r.replay_seconds,
                 r.wal.truncated_bytes > 0
                     ? fmt::format(" ({} bytes of torn WAL tail truncated)", r.wal.truncated_bytes)
                     : "");
  }

  c.metadata = std::make_unique<MetadataStore>(MetadataStoreOptions{
      (std::filesystem::path(config_.data_dir) / "metric_metadata.json").string(), nullptr});
  if (Status st = c.metadata->Load(); !st.ok()) {
    spdlog::warn("metric metadata: {}; starting without it (rewritten as metrics arrive)",
                 st.message());
  }

  logs::LogStoreOptions log_options;
  log_options.wal = db_options.wal;
  log_options.retention_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(config_.logs_retention).count();
  log_options.retention_bytes = config_.logs_retention_size;
  const std::string events_dir = (std::filesystem::path(config_.data_dir) / "events").string();
  auto events = logs::LogStore::Open(events_dir, log_options);
  if (!events.ok()) return events.status();
  c.events = std::move(*events);
  {
    const auto& r = c.events->open_report();
    for (const auto& problem : r.corrupted_segments) {
      spdlog::error("events: damaged segment skipped (kept on disk for inspection): {}", problem);
    }
    spdlog::info("events: {} segments; {} entries replayed from the WAL in {:.2f} s{}", r.segments,
                 r.replayed_entries, r.replay_seconds,
                 r.wal.truncated_bytes > 0
                     ? fmt::format(" ({} bytes of torn WAL tail truncated)", r.wal.truncated_bytes)
                     : "");
  }
  c.exposition = std::make_unique<ExpositionRegistry>(config_.exporter_expiration);
  c.fanout.AddMetricTarget(c.metrics.get());
  c.fanout.AddMetricTarget(c.exposition.get());
  c.fanout.AddMetricTarget(&c.tail);
  c.fanout.AddMetricTarget(c.metadata.get());
  c.remote_write.AddMetricTarget(c.metrics.get());
  c.remote_write.AddMetricTarget(c.metadata.get());
  c.fanout.AddLogTarget(c.events.get());
  c.fanout.AddLogTarget(&c.tail);

  otlp::ReceiverOptions options;
  options.limits.max_attributes = config_.max_attributes;
  options.limits.max_label_value_bytes = config_.max_label_value_bytes;
  options.limits.max_log_value_bytes = config_.max_log_attribute_bytes;
  options.max_body_bytes = config_.max_request_bytes;
  options.max_inflight_bytes = config_.max_inflight_bytes;
  options.memory_limit_bytes = config_.memory_limit;
  options.delta_state_expiry = config_.exporter_expiration;
  if (!config_.logs_index_labels.empty()) {
    options.loki_index_attributes.clear();
    std::string_view list = config_.logs_index_labels;
    while (!list.empty()) {
      const size_t comma = std::min(list.find(','), list.size());
      std::string_view item = list.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (!item.empty()) options.loki_index_attributes.emplace_back(item);
      list.remove_prefix(std::min(comma + 1, list.size()));
    }
  }
  c.receiver = std::make_unique<otlp::OtlpReceiver>(options, &c.fanout, &c.fanout);

  api::RegisterOtlpHttp(c.receiver.get(), &c.otlp_router);
  c.tail.Register(&c.otlp_router);
  // The LogQL engine now: its range cache is one of the exporter's self metrics.
  logql::EngineOptions logql_options;
  logql_options.timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.logs_query_timeout);
  logql_options.max_series = static_cast<size_t>(config_.logs_max_query_series);
  logql_options.max_entries_limit = static_cast<size_t>(config_.logs_max_entries_limit);
  logql_options.range_cache_bytes = static_cast<size_t>(config_.logs_query_cache_size);
  c.logql = std::make_unique<logql::Engine>(logql_options);
  api::RegisterExporter(c.exposition.get(), c.receiver.get(), c.metrics.get(), c.events.get(),
                        c.logql->range_cache().get(), &c.exporter_router);

  HttpServerOptions http_options;
  http_options.max_body_bytes = config_.max_request_bytes;
  http_options.threads = threads;
  if (config_.otlp_http_port > 0) {
    c.otlp_http = std::make_unique<HttpServer>("otlp-http", &c.otlp_router, http_options);
    OTELITE_RETURN_IF_ERROR(c.otlp_http->Listen(config_.listen, config_.otlp_http_port));
    c.ports.otlp_http = c.otlp_http->port();
  }
  if (config_.exporter_port > 0) {
    HttpServerOptions exporter_options = http_options;
    exporter_options.threads = 1;
    c.exporter_http =
        std::make_unique<HttpServer>("exporter", &c.exporter_router, exporter_options);
    OTELITE_RETURN_IF_ERROR(c.exporter_http->Listen(config_.listen, config_.exporter_port));
    c.ports.exporter = c.exporter_http->port();
  }
  api::prom::RuntimeInfo runtime;
  runtime.start_time_ms = NowUnixMillis();
  runtime.storage_retention = FormatDuration(config_.metrics_retention);
  runtime.corruption_count = [db = c.metrics.get()] { return db->Stats().blocks_corrupted; };
  api::prom::RegisterMetadataApi(c.metrics.get(), std::move(runtime), &c.prometheus_router);
  api::prom::RegisterMetricMetadataApi(c.metadata.get(), &c.prometheus_router);
  api::prom::RegisterFormatQuery(&c.prometheus_router);
  promql::EngineOptions engine_options;
  engine_options.timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.query_timeout);
  engine_options.lookback_delta_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.query_lookback_delta).count();
  engine_options.max_samples = static_cast<uint64_t>(config_.query_max_samples);
  c.promql = std::make_unique<promql::Engine>(engine_options);
  api::prom::QueryLimits query_limits;
  query_limits.max_series = static_cast<size_t>(config_.query_max_series);
  api::prom::RegisterQueryApi(c.metrics.get(), c.promql.get(), query_limits, &c.prometheus_router);
  api::prom::RegisterRemoteWrite(&c.remote_write, config_.max_request_bytes, &c.prometheus_router);
  if (config_.prometheus_port > 0) {
    c.prometheus_http =
        std::make_unique<HttpServer>("prometheus", &c.prometheus_router, http_options);
    OTELITE_RETURN_IF_ERROR(c.prometheus_http->Listen(config_.listen, config_.prometheus_port));
    c.ports.prometheus = c.prometheus_http->port();
  }
  api::loki::RegisterQueryApi(c.events.get(), c.logql.get(), &c.loki_router);
  api::loki::RegisterTailApi(c.events.get(), c.logql.get(), &c.tail, api::loki::TailOptions{},
                             &c.loki_router);
  api::loki::RegisterIndexApi(c.events.get(), c.logql.get(), &c.loki_router);
  api::loki::RegisterDetectedApi(c.events.get(), c.logql.get(), &c.loki_router);
  loki_push::PushLimits push_limits;
  push_limits.max_body_bytes = config_.max_request_bytes;
  api::loki::RegisterPushApi(&c.fanout, push_limits, &c.loki_router);
  api::RegisterOtlpHttpLogs(c.receiver.get(), "/otlp/v1/logs", &c.loki_router);
  if (config_.loki_port > 0) {
    c.loki_http = std::make_unique<HttpServer>("loki", &c.loki_router, http_options);
    OTELITE_RETURN_IF_ERROR(c.loki_http->Listen(config_.listen, config_.loki_port));
    c.ports.loki = c.loki_http->port();
  }
  OTELITE_RETURN_IF_ERROR(StartUi(http_options));
  if (config_.otlp_grpc_port > 0) {
    grpc::ServerBuilder builder;
    // Without this gRPC binds with SO_REUSEPORT and a second server would share the port.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.SetMaxReceiveMessageSize(static_cast<int>(
        std::min<uint64_t>(config_.max_request_bytes, std::numeric_limits<int>::max())));
    int selected = 0;
    std::string address = config_.listen.find(':') != std::string::npos
                              ? fmt::format("[{}]:{}", config_.listen, config_.otlp_grpc_port)
                              : fmt::format("{}:{}", config_.listen, config_.otlp_grpc_port);
    builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &selected);
    c.grpc_services = api::MakeOtlpGrpcServices(c.receiver.get());
    for (auto& s : c.grpc_services) builder.RegisterService(s.get());
    c.grpc = builder.BuildAndStart();
    if (c.grpc == nullptr || selected == 0) {
      return Status::Unavailable(
          fmt::format("otlp-grpc: cannot listen on {} (address in use or not available)", address));
    }
    c.ports.otlp_grpc = selected;
  }
  if (c.otlp_http) c.otlp_http->Start();
  if (c.exporter_http) c.exporter_http->Start();
  if (c.prometheus_http) c.prometheus_http->Start();
  if (c.loki_http) c.loki_http->Start();
  if (c.ui_http) c.ui_http->Start();

  c.maintenance = std::thread([this] {
    auto& c = *c_;
    std::unique_lock lock(c.maintenance_mu);
    while (!c.maintenance_cv.wait_for(lock, std::chrono::seconds(10), [&] { return c.stopping; })) {
      int64_t now_ns = NowUnixNanos();
      std::vector<Labels> ended;
      c.exposition->Expire(now_ns / 1'000'000, &ended);
      if (!ended.empty()) {
        auto marked = c.metrics->MarkStale(ended, now_ns / 1'000'000);
        if (!marked.ok()) spdlog::warn("metrics: stale markers: {}", marked.status().message());
      }
      c.receiver->ExpireState(now_ns);
      c.metadata->Expire(config_.metrics_retention.count());
      if (Status st = c.metadata->Save(); !st.ok()) {
        spdlog::warn("metric metadata: {}", st.message());
      }
    }
  });

  if (c.cache_warmer) c.cache_warmer->Start();
  spdlog::info(
      "otelite ready: OTLP/gRPC {}:{}, OTLP/HTTP {}:{}, Prometheus exporter {}:{}, Prometheus "
      "API {}:{}, Loki API {}:{}, UI http://{}:{}/{}, data {}",
      config_.listen, c.ports.otlp_grpc, config_.listen, c.ports.otlp_http, config_.listen,
      c.ports.exporter, config_.listen, c.ports.prometheus, config_.listen, c.ports.loki,
      config_.listen, c.ports.ui, c.auth && c.auth->enabled() ? " (login on)" : "",
      config_.data_dir);
  return Status::Ok();
}

void Server::Shutdown() {
  if (!c_) return;
  auto& c = *c_;
  spdlog::info("otelite: shutting down");
  {
    std::lock_guard lock(c.maintenance_mu);
    c.stopping = true;
  }
  c.maintenance_cv.notify_all();
  if (c.maintenance.joinable()) c.maintenance.join();
  if (c.cache_warmer) c.cache_warmer->Stop();
  c.tail.Close();
  constexpr auto kGrace = std::chrono::seconds(10);
  if (c.grpc) c.grpc->Shutdown(std::chrono::system_clock::now() + kGrace);
  spdlog::debug("otelite: gRPC stopped");
  if (c.otlp_http) c.otlp_http->Stop(kGrace);
  spdlog::debug("otelite: OTLP/HTTP stopped");
  if (c.exporter_http) c.exporter_http->Stop(std::chrono::seconds(2));
  spdlog::debug("otelite: exporter stopped");
  if (c.prometheus_http) c.prometheus_http->Stop(std::chrono::seconds(2));
  if (c.loki_http) c.loki_http->Stop(std::chrono::seconds(2));
  if (c.ui_http) c.ui_http->Stop(std::chrono::seconds(2));
  if (c.metrics) {
    Status st = c.metrics->Flush();
    if (!st.ok()) spdlog::error("metrics: flush at shutdown failed: {}", st.message());
  }
  if (c.events) {
    Status st = c.events->Flush();
    if (!st.ok()) spdlog::error("events: flush at shutdown failed: {}", st.message());
  }
  if (c.metadata) {
    Status st = c.metadata->Save();
    if (!st.ok()) spdlog::error("metric metadata: save at shutdown failed: {}", st.message());
  }
  c_.reset();
  spdlog::info("otelite: stopped");
}

// The dashboards and the panel pipeline always (`otelite render --data` uses them without any
// listener); login, the app's files, the routes and the listener only with a UI port.
Status Server::StartUi(const HttpServerOptions& http_options) {
  auto& c = *c_;
  api::ui::AuthOptions auth;
  auth.enabled = config_.ui_port > 0 && (config_.ui_auth == "on" || !IsLoopback(config_.listen));
  auth.data_dir = config_.data_dir;
  auth.admin_password = config_.ui_admin_password;
  auth.viewer_password = config_.ui_viewer_password;
  std::string generated;
  auto opened = api::ui::Auth::Open(std::move(auth), &generated);
  if (!opened.ok()) {
    return Status::InvalidArgument(fmt::format("ui: {}", opened.status().message()));
  }
  c.auth = std::move(*opened);
  if (!generated.empty()) {
    spdlog::warn(
        "ui: generated the password of the UI's admin user (shown only now; only its hash is "
        "stored in {}/ui/users): {}",
        config_.data_dir, generated);
  }
  OTELITE_RETURN_IF_ERROR(OpenDashboards());
  // The UI queries the embedded engines directly (the same answers as :9090 and :3100).
  c.datasources = std::make_unique<dashboards::Datasources>();
  c.datasources->Add(
      std::make_unique<dashboards::EmbeddedPrometheus>(c.promql.get(), c.metrics.get()), true);
  c.datasources->Add(std::make_unique<dashboards::EmbeddedLoki>(c.logql.get(), c.events.get()));
  c.query_api = {.auth = c.auth.get(),
                 .store = c.dashboards.get(),
                 .datasources = c.datasources.get(),
                 .now_ms = nullptr};
  if (config_.ui_port <= 0) return Status::Ok();

  c.web_files = std::make_unique<api::ui::StaticFiles>(web::Files());
  api::ui::RegisterUiApi({.auth = c.auth.get(), .files = c.web_files.get()}, &c.ui_router);
  api::ui::RegisterDashboardsApi(c.auth.get(), c.dashboards.get(), &c.ui_router);
  api::ui::RegisterQueryApi(c.query_api, &c.ui_router);
  api::ui::RegisterRenderApi(c.query_api, &c.ui_router);
  c.ui_http = std::make_unique<HttpServer>("ui", &c.ui_router, http_options);
  OTELITE_RETURN_IF_ERROR(c.ui_http->Listen(config_.listen, config_.ui_port));
  c.ports.ui = c.ui_http->port();
  if (config_.logs_query_cache_warm == "on" && c.logql->range_cache() != nullptr) {
    CacheWarmerOptions warm;
    warm.span_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(config_.logs_retention).count();
    c.cache_warmer =
        std::make_unique<CacheWarmer>(warm, c.dashboards.get(), c.events.get(), c.logql.get());
  }
  return Status::Ok();
}

api::ui::RenderedPng Server::Render(std::string_view target) const {
  return api::ui::RenderTarget(c_->query_api, target);
}

const dashboards::DashboardStore* Server::dashboards() const { return c_->dashboards.get(); }

// Builtin dashboards, then --dashboards paths (a provisioned uid replaces a builtin one), then
// the imported ones in <data>/dashboards.
Status Server::OpenDashboards() {
  auto& c = *c_;
  c.dashboards = std::make_unique<dashboards::DashboardStore>(
      dashboards::DashboardStoreOptions{.data_dir = config_.data_dir, .now_ms = nullptr});
  std::string_view paths = config_.dashboards;
  while (!paths.empty()) {
    size_t comma = paths.find(',');
    std::string path(TrimGoSpace(paths.substr(0, comma)));
    paths = comma == std::string_view::npos ? std::string_view() : paths.substr(comma + 1);
    if (path.empty()) continue;
    if (Status s = c.dashboards->Provision(path); !s.ok()) {
      return Status::InvalidArgument(fmt::format("dashboards {}: {}", path, s.message()));
    }
  }
  for (const EmbeddedFile& file : dashboards::BuiltinDashboardFiles()) {
    if (Status s = c.dashboards->AddBuiltin(file.data); !s.ok()) {
      return Status::Internal(fmt::format("builtin dashboard {}: {}", file.path, s.message()));
    }
  }
  if (Status s = c.dashboards->LoadImported(); !s.ok()) {
    return Status::IoError(
        fmt::format("dashboards in {}/dashboards: {}", config_.data_dir, s.message()));
  }
  return Status::Ok();
}

Server::Ports Server::ports() const { return c_ ? c_->ports : Ports{}; }

}  // namespace otelite::server
