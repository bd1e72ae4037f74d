#include "ingest/otlp/logs_translator.h"

#include <algorithm>

#include <fmt/format.h>

#include "ingest/otlp/attributes.h"
#include "model/naming.h"

namespace otelite::otlp {
namespace {

namespace pbl = opentelemetry::proto::logs::v1;
using opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;

constexpr int64_t kYear2000Nanos = 946'684'800LL * 1'000'000'000LL;
constexpr int64_t kMaxFutureNanos = 3600LL * 1'000'000'000LL;

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// Sorts by name; a later duplicate name replaces the earlier one (log attributes are added
// after resource and scope ones, so the record's own attribute wins).
std::vector<Label> Normalize(std::vector<Label> items) {
  std::stable_sort(items.begin(), items.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  std::vector<Label> out;
  out.reserve(items.size());
  for (auto& l : items) {
    if (!out.empty() && out.back().name == l.name) {
      out.back().value = std::move(l.value);
    } else {
      out.push_back(std::move(l));
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& DefaultLokiIndexAttributes() {
  static const std::vector<std::string> kAttributes = {
      "service.name",          "service.namespace",    "service.instance.id",
      "deployment.environment", "deployment.environment.name", "cloud.region",
      "cloud.availability_zone", "k8s.cluster.name",    "k8s.namespace.name",
      "k8s.pod.name",          "k8s.container.name",   "container.name",
      "k8s.replicaset.name",   "k8s.deployment.name",  "k8s.statefulset.name",
      "k8s.daemonset.name",    "k8s.cronjob.name",     "k8s.job.name",
  };
  return kAttributes;
}

void LogsTranslator::Translate(const ExportLogsServiceRequest& request, int64_t now_ns,
                               LogBatch* batch, Rejections* rejections) const {
  for (const auto& rl : request.resource_logs()) {
    // Stream labels and resource-level metadata.
    std::vector<Label> stream_labels;
    std::vector<Label> resource_metadata;
    for (const auto& kv : rl.resource().attributes()) {
      bool index = std::find(index_attributes_.begin(), index_attributes_.end(), kv.key()) !=
                   index_attributes_.end();
      if (index) {
        std::string value = AnyValueToString(kv.value());
        if (!value.empty()) stream_labels.push_back({LokiLabelName(kv.key()), std::move(value)});
      } else {
        FlattenForLoki(kv.key(), kv.value(), &resource_metadata);
      }
    }
    if (stream_labels.empty()) {
      // Loki requires at least one index label; it uses service_name="unknown_service".
      stream_labels.push_back({"service_name", "unknown_service"});
    }
    Labels stream(std::move(stream_labels));
    LogStream* target = nullptr;
    for (auto& s : batch->streams) {
      if (s.labels == stream) target = &s;
    }
    if (target == nullptr) {
      batch->streams.push_back({stream, {}});
      target = &batch->streams.back();
    }

    for (const auto& sl : rl.scope_logs()) {
      std::vector<Label> scope_metadata = resource_metadata;
      if (!sl.scope().name().empty()) scope_metadata.push_back({"scope_name", sl.scope().name()});
      if (!sl.scope().version().empty()) {
        scope_metadata.push_back({"scope_version", sl.scope().version()});
      }
      for (const auto& kv : sl.scope().attributes()) {
        FlattenForLoki(kv.key(), kv.value(), &scope_metadata);
      }
      for (int i = 0; i < sl.log_records_size(); ++i) {
        const auto& r = sl.log_records(i);
        auto reject = [&](const std::string& why) {
          rejections->Add(1, fmt::format("log record {}: {}", i, why));
        };
        if (r.attributes_size() > limits_.max_attributes) {
          reject(fmt::format("{} attributes, limit is {}", r.attributes_size(),
                             limits_.max_attributes));
          continue;
        }
        int64_t ts = r.time_unix_nano() != 0 ? r.time_unix_nano() : r.observed_time_unix_nano();
        if (ts == 0) ts = now_ns;
        if (ts < kYear2000Nanos || ts > now_ns + kMaxFutureNanos) {
          reject(fmt::format("timeUnixNano {} is implausible (before 2000 or more than 1h ahead "
                             "of the server clock)",
                             static_cast<uint64_t>(ts)));
          continue;
        }
        LogEntry entry;
        entry.timestamp_ns = ts;
        entry.line = AnyValueToString(r.body());
        if (entry.line.size() > limits_.max_log_value_bytes) {
          reject(fmt::format("body is {} bytes, limit is {}", entry.line.size(),
                             limits_.max_log_value_bytes));
          continue;
        }
        std::vector<Label> metadata = scope_metadata;
        for (const auto& kv : r.attributes()) FlattenForLoki(kv.key(), kv.value(), &metadata);
        if (!r.event_name().empty()) metadata.push_back({"event_name", r.event_name()});
        if (r.severity_number() != 0) {
          metadata.push_back({"severity_number", std::to_string(r.severity_number())});
        }
        if (!r.severity_text().empty()) metadata.push_back({"severity_text", r.severity_text()});
        if (!r.trace_id().empty()) metadata.push_back({"trace_id", Hex(r.trace_id())});
        if (!r.span_id().empty()) metadata.push_back({"span_id", Hex(r.span_id())});
        if (r.flags() != 0) metadata.push_back({"flags", std::to_string(r.flags())});
        if (r.dropped_attributes_count() != 0) {
          metadata.push_back(
              {"dropped_attributes_count", std::to_string(r.dropped_attributes_count())});
        }
        if (r.observed_time_unix_nano() != 0) {
          metadata.push_back({"observed_timestamp", std::to_string(r.observed_time_unix_nano())});
        }
        entry.metadata = Normalize(std::move(metadata));
        bool ok = true;
        for (const auto& m : entry.metadata) {
          if (m.value.size() > limits_.max_log_value_bytes) {
            reject(fmt::format("attribute '{}' is {} bytes, limit is {}", m.name, m.value.size(),
                               limits_.max_log_value_bytes));
            ok = false;
            break;
          }
          if (!IsValidUtf8(m.value) || !IsValidUtf8(m.name)) {
            reject(fmt::format("attribute '{}' is not valid UTF-8", m.name));
            ok = false;
            break;
          }
        }
        if (ok && !IsValidUtf8(entry.line)) {
          reject("body is not valid UTF-8");
          ok = false;
        }
        if (ok) target->entries.push_back(std::move(entry));
      }
    }
  }
  std::erase_if(batch->streams, [](const LogStream& s) { return s.entries.empty(); });
}

int64_t LogsTranslator::CountLogRecords(const ExportLogsServiceRequest& request) {
  int64_t n = 0;
  for (const auto& rl : request.resource_logs()) {
    for (const auto& sl : rl.scope_logs()) n += sl.log_records_size();
  }
  return n;
}

}  // namespace otelite::otlp
