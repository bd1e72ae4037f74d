#include "ingest/otlp/logs_translator.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "ingest/otlp/attributes.h"
#include "model/naming.h"

namespace otelite::otlp {
namespace {

constexpr int64_t kYear2000Nanos = 946'684'800LL * 1'000'000'000LL;
constexpr int64_t kMaxFutureNanos = 3600LL * 1'000'000'000LL;

std::string Hex(std::string_view bytes) {
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

// Loki names of attribute keys for one request. Keys are views into the request's bytes, so a
// KeyNames lives no longer than the request. Consecutive records mostly carry the same keys in
// the same order, so a key is first compared with the one seen at its position; Claude Code's
// events of different kinds share a prefix of keys and differ after it, and every resource
// repeats the same keys, so the rest are found by key before LokiLabelName rewrites anything.
class KeyNames {
 public:
  const std::string& Get(std::string_view key) {
    auto [it, added] = by_key_.try_emplace(key);
    if (added) it->second = LokiLabelName(key);
    return it->second;
  }
  const std::string& Get(size_t position, std::string_view key) {
    if (position >= by_position_.size()) by_position_.resize(position + 1);
    auto& [known_key, name] = by_position_[position];
    if (name == nullptr || known_key != key) {
      known_key = key;
      name = &Get(key);
    }
    return *name;
  }

 private:
  std::unordered_map<std::string_view, std::string> by_key_;  // node-based: names stay put
  std::vector<std::pair<std::string_view, const std::string*>> by_position_;
};

// The record's own metadata (attributes, then its fields) in record order into *own.
void RecordMetadata(const LogsRequestView& request, const LogRecordView& r, KeyNames* names,
                    std::vector<Label>* own) {
  own->clear();
  size_t position = 0;
  for (const KeyValueView& kv : request.Attributes(r.attributes)) {
    if (kv.value.kind == AnyValueView::Kind::kKvlist) {
      FlattenForLoki(kv.key, kv.value, own);
    } else {
      own->push_back({names->Get(position, kv.key), AnyValueToString(kv.value)});
    }
    ++position;
  }
  if (!r.event_name.empty()) own->push_back({"event_name", std::string(r.event_name)});
  if (r.severity_number != 0) {
    own->push_back({"severity_number", std::to_string(r.severity_number)});
  }
  if (!r.severity_text.empty()) own->push_back({"severity_text", std::string(r.severity_text)});
  if (!r.trace_id.empty()) own->push_back({"trace_id", Hex(r.trace_id)});
  if (!r.span_id.empty()) own->push_back({"span_id", Hex(r.span_id)});
  if (r.flags != 0) own->push_back({"flags", std::to_string(r.flags)});
  if (r.dropped_attributes_count != 0) {
    own->push_back({"dropped_attributes_count", std::to_string(r.dropped_attributes_count)});
  }
  if (r.observed_time_unix_nano != 0) {
    own->push_back({"observed_timestamp", std::to_string(r.observed_time_unix_nano)});
  }
}

// Normalize(shared + own) without sorting `shared` again (it is normalised already): the
// record's labels are ordered by name through indices (stable: of equal names the last wins)
// and merged in, a record's label replacing a shared one of the same name. Moves out of *own.
std::vector<Label> MergeMetadata(const std::vector<Label>& shared, std::vector<Label>* own,
                                 std::vector<uint32_t>* order) {
  order->resize(own->size());
  for (uint32_t k = 0; k < order->size(); ++k) (*order)[k] = k;
  std::stable_sort(order->begin(), order->end(),
                   [own](uint32_t a, uint32_t b) { return (*own)[a].name < (*own)[b].name; });
  std::vector<Label> out;
  out.reserve(shared.size() + own->size());
  size_t i = 0, j = 0;
  while (i < shared.size() || j < order->size()) {
    if (j == order->size() || (i < shared.size() && shared[i].name < (*own)[(*order)[j]].name)) {
      out.push_back(shared[i++]);
      continue;
    }
    size_t last = j;  // of equal names, the last one given
    while (last + 1 < order->size() &&
           (*own)[(*order)[last + 1]].name == (*own)[(*order)[j]].name) {
      ++last;
    }
    Label& label = (*own)[(*order)[last]];
    if (i < shared.size() && shared[i].name == label.name) ++i;
    out.push_back(std::move(label));
    j = last + 1;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& DefaultLokiIndexAttributes() {
  static const std::vector<std::string> kAttributes = {
      "service.name",
      "service.namespace",
      "service.instance.id",
      "deployment.environment",
      "deployment.environment.name",
      "cloud.region",
      "cloud.availability_zone",
      "k8s.cluster.name",
      "k8s.namespace.name",
      "k8s.pod.name",
      "k8s.container.name",
      "container.name",
      "k8s.replicaset.name",
      "k8s.deployment.name",
      "k8s.statefulset.name",
      "k8s.daemonset.name",
      "k8s.cronjob.name",
      "k8s.job.name",
  };
  return kAttributes;
}

void LogsTranslator::Translate(const LogsRequestView& request, int64_t now_ns, LogBatch* batch,
                               Rejections* rejections) const {
  KeyNames names;
  std::vector<Label> own;
  std::vector<uint32_t> order;
  for (const ResourceLogsView& rl : request.resource_logs) {
    // Stream labels and resource-level metadata.
    std::vector<Label> stream_labels;
    std::vector<Label> resource_metadata;
    for (const KeyValueView& kv : request.Attributes(rl.resource.attributes)) {
      bool index = std::find(index_attributes_.begin(), index_attributes_.end(), kv.key) !=
                   index_attributes_.end();
      if (index) {
        std::string value = AnyValueToString(kv.value);
        if (!value.empty()) stream_labels.push_back({names.Get(kv.key), std::move(value)});
      } else if (kv.value.kind != AnyValueView::Kind::kKvlist) {
        resource_metadata.push_back({names.Get(kv.key), AnyValueToString(kv.value)});
      } else {
        FlattenForLoki(kv.key, kv.value, &resource_metadata);
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

    for (const ScopeLogsView& sl :
         std::span(request.scope_logs).subspan(rl.scope_logs.begin, rl.scope_logs.size())) {
      std::vector<Label> scope_metadata = resource_metadata;
      if (!sl.scope.name.empty()) {
        scope_metadata.push_back({"scope_name", std::string(sl.scope.name)});
      }
      if (!sl.scope.version.empty()) {
        scope_metadata.push_back({"scope_version", std::string(sl.scope.version)});
      }
      for (const KeyValueView& kv : request.Attributes(sl.scope.attributes)) {
        if (kv.value.kind != AnyValueView::Kind::kKvlist) {
          scope_metadata.push_back({names.Get(kv.key), AnyValueToString(kv.value)});
        } else {
          FlattenForLoki(kv.key, kv.value, &scope_metadata);
        }
      }
      const std::vector<Label> shared = Normalize(std::move(scope_metadata));
      for (uint32_t i = 0; i < sl.log_records.size(); ++i) {
        const LogRecordView& r = request.log_records[sl.log_records.begin + i];
        auto reject = [&](const std::string& why) {
          rejections->Add(1, fmt::format("log record {}: {}", i, why));
        };
        if (r.attributes.size() > static_cast<uint32_t>(limits_.max_attributes)) {
          reject(fmt::format("{} attributes, limit is {}", r.attributes.size(),
                             limits_.max_attributes));
          continue;
        }
        auto ts = static_cast<int64_t>(r.time_unix_nano != 0 ? r.time_unix_nano
                                                             : r.observed_time_unix_nano);
        if (ts == 0) ts = now_ns;
        if (ts < kYear2000Nanos || ts > now_ns + kMaxFutureNanos) {
          reject(
              fmt::format("timeUnixNano {} is implausible (before 2000 or more than 1h ahead "
                          "of the server clock)",
                          static_cast<uint64_t>(ts)));
          continue;
        }
        LogEntry entry;
        entry.timestamp_ns = ts;
        entry.line = AnyValueToString(r.body);
        if (entry.line.size() > limits_.max_log_value_bytes) {
          reject(fmt::format("body is {} bytes, limit is {}", entry.line.size(),
                             limits_.max_log_value_bytes));
          continue;
        }
        RecordMetadata(request, r, &names, &own);
        entry.metadata = MergeMetadata(shared, &own, &order);
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

Status LogsTranslator::Translate(
    const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
    int64_t now_ns, LogBatch* batch, Rejections* rejections) const {
  LogsRequestView view;
  if (Status st = ViewLogsRequest(request, &view); !st.ok()) return st;
  Translate(view, now_ns, batch, rejections);
  return Status::Ok();
}

}  // namespace otelite::otlp
