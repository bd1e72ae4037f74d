#include "core/config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>

namespace otelite {
namespace {

OptionSpec IntOption(std::string key, std::string help, int* target, int min, int max) {
  return {std::move(key), std::move(help),
          [target, min, max](const std::string& v) -> Status {
            int n = 0;
            auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || p != v.data() + v.size() || n < min || n > max) {
              return Status::InvalidArgument(
                  fmt::format("'{}' is not an integer between {} and {}", v, min, max));
            }
            *target = n;
            return Status::Ok();
          },
          [target] { return std::to_string(*target); }};
}

OptionSpec StringOption(std::string key, std::string help, std::string* target) {
  return {std::move(key), std::move(help),
          [target](const std::string& v) {
            *target = v;
            return Status::Ok();
          },
          [target] { return *target; }};
}

OptionSpec ChoiceOption(std::string key, std::string help, std::string* target,
                        std::vector<std::string> choices) {
  return {std::move(key), std::move(help),
          [target, choices](const std::string& v) -> Status {
            for (const auto& c : choices) {
              if (v == c) {
                *target = v;
                return Status::Ok();
              }
            }
            return Status::InvalidArgument(
                fmt::format("'{}' is not one of: {}", v, fmt::join(choices, ", ")));
          },
          [target] { return *target; }};
}

OptionSpec DurationOption(std::string key, std::string help, Duration* target) {
  return {std::move(key), std::move(help),
          [target](const std::string& v) -> Status {
            auto d = ParseDuration(v);
            if (!d.ok()) return d.status();
            *target = *d;
            return Status::Ok();
          },
          [target] { return FormatDuration(*target); }};
}

OptionSpec SizeOption(std::string key, std::string help, uint64_t* target) {
  return {std::move(key), std::move(help),
          [target](const std::string& v) -> Status {
            auto n = ParseByteSize(v);
            if (!n.ok()) return n.status();
            *target = *n;
            return Status::Ok();
          },
          [target] { return FormatByteSize(*target); }};
}

void Flatten(const YAML::Node& node, const std::string& prefix,
             std::map<std::string, std::string>* out, std::string* error) {
  if (!error->empty()) return;
  if (node.IsMap()) {
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      Flatten(kv.second, prefix.empty() ? key : prefix + "." + key, out, error);
    }
  } else if (node.IsScalar()) {
    (*out)[prefix] = node.Scalar();
  } else if (node.IsNull()) {
    // An empty key ("otlp:") sets nothing.
  } else {
    *error = fmt::format("key '{}': expected a value or a map, found a list", prefix);
  }
}

}  // namespace

std::vector<OptionSpec> ServeOptions(ServeConfig* c) {
  return {
      StringOption("listen", "address every listener binds to (0.0.0.0 for all interfaces)",
                   &c->listen),
      StringOption("data", "data directory (embedded storage)", &c->data_dir),
      IntOption("otlp.grpc.port", "OTLP/gRPC port (0 disables)", &c->otlp_grpc_port, 0, 65535),
      IntOption("otlp.http.port", "OTLP/HTTP port (0 disables)", &c->otlp_http_port, 0, 65535),
      IntOption("exporter.port", "Prometheus exporter port, GET /metrics (0 disables)",
                &c->exporter_port, 0, 65535),
      IntOption("prometheus.port", "Prometheus-compatible HTTP API port, /api/v1/… (0 disables)",
                &c->prometheus_port, 0, 65535),
      IntOption("loki.port", "Loki-compatible HTTP API port, /loki/api/v1/… (0 disables)",
                &c->loki_port, 0, 65535),
      IntOption("ui.port", "web UI and its API (dashboards, login, /api/…) port (0 disables)",
                &c->ui_port, 0, 65535),
      ChoiceOption("ui.auth", "UI login: auto (required unless listening on loopback only) or on",
                   &c->ui_auth, {"auto", "on"}),
      StringOption("ui.admin_password",
                   "password of the UI's admin user (default: the stored one, else generated "
                   "and printed once at the first start with login on)",
                   &c->ui_admin_password),
      StringOption("ui.viewer_password",
                   "password of the UI's read-only `viewer` user (empty: no viewer)",
                   &c->ui_viewer_password),
      StringOption("dashboards",
                   "comma-separated directories of Grafana dashboard JSON files, or Grafana "
                   "provisioning YAML files, to load at start",
                   &c->dashboards),
      DurationOption("exporter.expiration",
                     "series not updated for this long leave the exporter's /metrics",
                     &c->exporter_expiration),
      DurationOption("metrics.retention", "how long metric samples are kept",
                     &c->metrics_retention),
      SizeOption("metrics.retention_size",
                 "largest size of the metrics data on disk; the oldest blocks go first (0: no "
                 "limit)",
                 &c->metrics_retention_size),
      DurationOption("metrics.block_duration",
                     "length of the persisted blocks the in-memory head is cut into (advanced)",
                     &c->metrics_block_duration),
      DurationOption("storage.maintenance_interval",
                     "how often blocks are cut, compacted and expired (advanced)",
                     &c->storage_maintenance_interval),
      DurationOption("metrics.out_of_order_window",
                     "how far behind a series' newest sample a late sample is still accepted",
                     &c->metrics_out_of_order_window),
      DurationOption("logs.retention", "how long events are kept", &c->logs_retention),
      SizeOption("logs.retention_size",
                 "largest size of the event data on disk; the oldest segments go first (0: no "
                 "limit)",
                 &c->logs_retention_size),
      StringOption("logs.index_labels",
                   "comma-separated resource attributes that become stream labels (empty: "
                   "Loki's default list, service.name and the other identifying ones)",
                   &c->logs_index_labels),
      DurationOption("logs.query_timeout", "longest a LogQL query may run (504 after)",
                     &c->logs_query_timeout),
      IntOption("logs.max_query_series",
                "most series a LogQL metric query returns (partial result with a warning above)",
                &c->logs_max_query_series, 1, 2000000000),
      IntOption("logs.max_entries_limit", "largest `limit` a LogQL log query may ask for",
                &c->logs_max_entries_limit, 1, 2000000000),
      SizeOption("logs.query_cache_size",
                 "memory for LogQL metric results of finished event segments, reused by the "
                 "next queries of the same shape (dashboard reloads and refreshes; 0: off)",
                 &c->logs_query_cache_size),
      ChoiceOption("logs.query_cache_warm",
                   "fill that cache in the background (at start and after new segments) with the "
                   "dashboards' event panels over the retention window, so a first load of a long "
                   "range is fast too: on or off",
                   &c->logs_query_cache_warm, {"on", "off"}),
      DurationOption("query.timeout", "longest a PromQL query may run (503 timeout after)",
                     &c->query_timeout),
      DurationOption("query.lookback_delta",
                     "how far back PromQL looks for a series' latest sample",
                     &c->query_lookback_delta),
      IntOption("query.max_samples",
                "most samples a PromQL query may hold in memory (422 execution error above)",
                &c->query_max_samples, 1, 2000000000),
      IntOption("query.max_series",
                "most series a PromQL query may return (0: no limit; 422 above)",
                &c->query_max_series, 0, 2000000000),
      ChoiceOption("storage.fsync",
                   "when written data is fsynced (survives power loss): always (before each "
                   "acknowledgement), interval, never; every acknowledged write survives a "
                   "crash of otelite itself in all three",
                   &c->fsync, {"always", "interval", "never"}),
      DurationOption("storage.fsync_interval", "fsync period for storage.fsync=interval",
                     &c->fsync_interval),
      SizeOption("limits.max_request_bytes",
                 "largest request body accepted, after decompression (413 above)",
                 &c->max_request_bytes),
      SizeOption("limits.memory", "resident memory above which ingest answers 429/503",
                 &c->memory_limit),
      SizeOption("limits.max_inflight_bytes",
                 "request bytes being processed at once above which ingest answers 429",
                 &c->max_inflight_bytes),
      IntOption("limits.max_attributes", "most attributes per data point or log record",
                &c->max_attributes, 1, 100000),
      SizeOption("limits.max_label_value_bytes", "longest metric label value",
                 &c->max_label_value_bytes),
      SizeOption("limits.max_log_attribute_bytes", "longest log attribute value or body",
                 &c->max_log_attribute_bytes),
      IntOption("threads", "worker threads (0: one per core)", &c->threads, 0, 1024),
      StringOption("log.level", "trace, debug, info, warn, error", &c->log_level),
  };
}

std::string EnvVarName(const std::string& key) {
  std::string out = "OTELITE_";
  for (char ch : key) {
    out.push_back(ch == '.' || ch == '-' ? '_' : static_cast<char>(std::toupper(ch)));
  }
  return out;
}

Result<std::map<std::string, std::string>> ReadYamlConfig(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::InvalidArgument(fmt::format("config {}: not a readable file", path));
  }
  std::map<std::string, std::string> out;
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (root.IsNull()) return out;
    if (!root.IsMap()) {
      return Status::InvalidArgument(fmt::format("config {}: top level must be a map", path));
    }
    std::string error;
    Flatten(root, "", &out, &error);
    if (!error.empty()) return Status::InvalidArgument(fmt::format("config {}: {}", path, error));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("config {}: {}", path, e.what()));
  }
  return out;
}

Status AssembleConfig(const std::map<std::string, std::string>& flags, std::string config_path,
                      ServeConfig* config) {
  auto options = ServeOptions(config);
  auto find = [&options](const std::string& key) -> OptionSpec* {
    for (auto& o : options) {
      if (o.key == key) return &o;
    }
    return nullptr;
  };
  for (auto& o : options) {
    const char* v = std::getenv(EnvVarName(o.key).c_str());
    if (v == nullptr) continue;
    if (Status st = o.set(v); !st.ok()) {
      return Status::InvalidArgument(fmt::format("{}: {}", EnvVarName(o.key), st.message()));
    }
  }
  if (config_path.empty()) {
    if (const char* v = std::getenv("OTELITE_CONFIG")) config_path = v;
  }
  if (!config_path.empty()) {
    auto values = ReadYamlConfig(config_path);
    if (!values.ok()) return values.status();
    for (const auto& [key, value] : *values) {
      OptionSpec* o = find(key);
      if (o == nullptr) {
        return Status::InvalidArgument(
            fmt::format("config {}: unknown key '{}'", config_path, key));
      }
      if (Status st = o->set(value); !st.ok()) {
        return Status::InvalidArgument(
            fmt::format("config {}: key '{}': {}", config_path, key, st.message()));
      }
    }
  }
  for (const auto& [key, value] : flags) {
    OptionSpec* o = find(key);
    if (o == nullptr) return Status::InvalidArgument(fmt::format("unknown flag --{}", key));
    if (Status st = o->set(value); !st.ok()) {
      return Status::InvalidArgument(fmt::format("--{}: {}", key, st.message()));
    }
  }
  return Status::Ok();
}

}  // namespace otelite
