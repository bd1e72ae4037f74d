// The server's configuration and how it is assembled. Every option has one dotted key
// ("otlp.grpc.port") used three ways: as a flag (--otlp.grpc.port), as an environment
// variable (OTELITE_OTLP_GRPC_PORT) and as a YAML key (otlp: {grpc: {port: …}}).
// Precedence: flags, then the config file, then environment variables, then defaults.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/units.h"

namespace otelite {

struct ServeConfig {
  std::string listen = "127.0.0.1";
  std::string data_dir = "./data";
  int otlp_grpc_port = 4317;
  int otlp_http_port = 4318;
  int exporter_port = 8889;
  int prometheus_port = 9090;  // the Prometheus-compatible HTTP API
  int loki_port = 3100;        // the Loki-compatible HTTP API
  int ui_port = 3001;          // the web UI and its API (Grafana's place)
  // UI login: "auto" (on unless every listener is on loopback) or "on".
  std::string ui_auth = "auto";
  std::string ui_admin_password;   // empty: stored hash, else generated at first start
  std::string ui_viewer_password;  // empty: no viewer user
  // Comma-separated directories of Grafana dashboard JSON, or Grafana provisioning YAML files.
  std::string dashboards;
  // Series not updated for this long disappear from the :8889 exposition.
  Duration exporter_expiration = std::chrono::minutes(180);
  Duration metrics_retention = std::chrono::hours(200);
  Duration metrics_out_of_order_window = std::chrono::minutes(30);
  uint64_t metrics_retention_size = 0;  // 0: no size limit
  // Length of the blocks the head is cut into, and how often storage maintenance runs (cut,
  // compact, retention). Advanced; the defaults suit everyone, tests shorten them.
  Duration metrics_block_duration = std::chrono::hours(2);
  Duration storage_maintenance_interval = std::chrono::minutes(1);
  Duration logs_retention = std::chrono::hours(744);
  uint64_t logs_retention_size = 0;  // 0: no size limit
  // Resource attributes that become index (stream) labels; empty: Loki 3.x's default list.
  std::string logs_index_labels;
  // LogQL (Loki's limits of the same names).
  Duration logs_query_timeout = std::chrono::minutes(2);
  int logs_max_query_series = 500;
  int logs_max_entries_limit = 5000;
  uint64_t logs_query_cache_size = 128ULL << 20;  // range results of immutable segments
  std::string logs_query_cache_warm = "on";       // on | off: the dashboards' panels ahead
  // PromQL (Prometheus's --query.* flags).
  Duration query_timeout = std::chrono::minutes(2);
  Duration query_lookback_delta = std::chrono::minutes(5);
  int query_max_samples = 50'000'000;
  int query_max_series = 0;        // 0: no limit
  std::string fsync = "interval";  // always | interval | never
  Duration fsync_interval = std::chrono::seconds(1);
  // Request bodies above this size (after decompression) are refused with 413.
  uint64_t max_request_bytes = 16ULL << 20;
  // Backpressure: above this resident memory, or this many request bytes being processed,
  // ingest answers 429 / RESOURCE_EXHAUSTED with Retry-After instead of growing.
  uint64_t memory_limit = 1ULL << 30;
  uint64_t max_inflight_bytes = 256ULL << 20;
  // Per-item limits: a data point or log record over a limit is rejected with a reason.
  int max_attributes = 128;
  uint64_t max_label_value_bytes = 4096;
  uint64_t max_log_attribute_bytes = 256ULL << 10;
  int threads = 0;  // 0: one per core
  std::string log_level = "info";
};

// One configurable option: its dotted key, a help line, and how to read and show it.
struct OptionSpec {
  std::string key;
  std::string help;
  std::function<Status(const std::string&)> set;
  std::function<std::string()> show;
};

// The options of `otelite serve`, bound to *config.
std::vector<OptionSpec> ServeOptions(ServeConfig* config);

// "otlp.grpc.port" -> "OTELITE_OTLP_GRPC_PORT".
std::string EnvVarName(const std::string& key);

// Applies, in order of increasing precedence: environment variables (from `environ`), the YAML
// file at config_path (if non-empty; OTELITE_CONFIG when empty), then `flags` (key -> value).
// Errors name the source: "config /etc/otelite.yaml: unknown key 'otlp.grcp'".
Status AssembleConfig(const std::map<std::string, std::string>& flags, std::string config_path,
                      ServeConfig* config);

// Flattens a YAML document into dotted keys; nested maps only, scalar leaves.
Result<std::map<std::string, std::string>> ReadYamlConfig(const std::string& path);

}  // namespace otelite
