#include "ingest/otlp/metrics_translator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "core/float_format.h"
#include "ingest/otlp/attributes.h"
#include "model/naming.h"

namespace otelite::otlp {
namespace {

namespace pbm = opentelemetry::proto::metrics::v1;
using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr int64_t kYear2000Nanos = 946'684'800LL * 1'000'000'000LL;
constexpr int64_t kMaxFutureNanos = 3600LL * 1'000'000'000LL;

// Attributes -> labels with the translator's conflict rule: attributes whose names collide
// after sanitising have their values joined with ';' in order of the original keys.
void AddAttributeLabels(const google::protobuf::RepeatedPtrField<KeyValue>& attributes,
                        std::vector<Label>* out) {
  struct Item {
    std::string name;
    const std::string* key;
    std::string value;
  };
  std::vector<Item> items;
  items.reserve(attributes.size());
  for (const auto& kv : attributes) {
    std::string name = PrometheusLabelName(kv.key());
    if (name.empty() || name.starts_with("__")) continue;  // reserved for Prometheus
    std::string value = AnyValueToString(kv.value());
    if (value.empty()) continue;  // an empty label value is no label
    items.push_back({std::move(name), &kv.key(), std::move(value)});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.name != b.name ? a.name < b.name : *a.key < *b.key;
  });
  const size_t first = out->size();
  for (auto& item : items) {
    if (out->size() > first && out->back().name == item.name) {
      out->back().value += ";" + item.value;
      continue;
    }
    out->push_back({std::move(item.name), std::move(item.value)});
  }
}

// Labels shared by every point of one resource + scope.
std::vector<Label> CommonLabels(
    const opentelemetry::proto::resource::v1::Resource& resource,
    const opentelemetry::proto::common::v1::InstrumentationScope& scope) {
  std::vector<Label> labels;
  AddAttributeLabels(resource.attributes(), &labels);
  std::string service_name, service_namespace, instance;
  for (const auto& kv : resource.attributes()) {
    if (kv.key() == "service.name") service_name = AnyValueToString(kv.value());
    if (kv.key() == "service.namespace") service_namespace = AnyValueToString(kv.value());
    if (kv.key() == "service.instance.id") instance = AnyValueToString(kv.value());
  }
  auto set = [&labels](std::string name, std::string value) {
    if (value.empty()) return;
    for (auto& l : labels) {
      if (l.name == name) {
        l.value = std::move(value);
        return;
      }
    }
    labels.push_back({std::move(name), std::move(value)});
  };
  if (!service_name.empty()) {
    set("job", service_namespace.empty() ? service_name : service_namespace + "/" + service_name);
  }
  set("instance", instance);
  set("otel_scope_name", scope.name());
  set("otel_scope_version", scope.version());
  std::sort(labels.begin(), labels.end(),
            [](const Label& a, const Label& b) { return a.name < b.name; });
  return labels;
}

// Inserts `label` into the name-sorted `labels`, replacing a label of the same name, so that
// Labels never has to sort (the hot path).
void InsertSorted(std::vector<Label>* labels, Label label) {
  auto it = std::lower_bound(labels->begin(), labels->end(), label.name,
                             [](const Label& l, const std::string& name) { return l.name < name; });
  if (it != labels->end() && it->name == label.name) {
    it->value = std::move(label.value);
  } else {
    labels->insert(it, std::move(label));
  }
}

uint64_t BoundsHash(const google::protobuf::RepeatedField<double>& bounds) {
  uint64_t h = 1469598103934665603ULL ^ static_cast<uint64_t>(bounds.size());
  for (double b : bounds) {
    uint64_t bits;
    std::memcpy(&bits, &b, sizeof bits);
    h = (h ^ bits) * 1099511628211ULL;
  }
  return h;
}

// Per-request translation state.
class Translation {
 public:
  Translation(DeltaToCumulative* accumulator, SeriesCache* series, const TranslateLimits& limits,
              int64_t now_ns, MetricBatch* batch, Rejections* rejections)
      : accumulator_(accumulator),
        series_(series),
        limits_(limits),
        now_ns_(now_ns),
        batch_(batch),
        rejections_(rejections) {
    names_.reserve(kMaxKnownNames);  // never reallocates: MetricName's references stay valid
  }

  // Looks up the series of every gauge and sum point of the request in the series cache at
  // once (FindAll), in the order Metric() meets them. Translate calls it first when there is
  // a cache.
  void LookUpSeries(const ExportMetricsServiceRequest& request);
  // Starts a resource + scope: its labels and the part of series keys they contribute.
  // The labels are built when first needed: a request of known series needs none.
  void BeginScope(const opentelemetry::proto::resource::v1::Resource& resource,
                  const opentelemetry::proto::common::v1::InstrumentationScope& scope,
                  const SeriesKeyHasher& scope_key) {
    resource_ = &resource;
    scope_ = &scope;
    common_built_ = false;
    scope_key_ = scope_key;
  }
  void Metric(const pbm::Metric& metric);

 private:
  // Returns the family index, or -1 (and rejects `points`) on a type conflict.
  int Family(const pbm::Metric& metric, const std::string& name, MetricType type, int points);
  // Builds the labels of one point; empty optional + rejection on a limit violation.
  bool PointLabels(const std::vector<Label>& common, const std::string& metric_name,
                   const google::protobuf::RepeatedPtrField<KeyValue>& attributes, size_t index,
                   std::vector<Label>* out);
  bool CheckTime(const std::string& metric_name, size_t index, uint64_t start_ns, uint64_t time_ns,
                 bool require_order);
  void Emit(std::vector<Label> labels, std::string_view name, int64_t time_ns, double value,
            int64_t start_ns, int family);
  void Emit(Labels labels, std::shared_ptr<SeriesAnchor> anchor, int64_t time_ns, double value,
            int64_t start_ns, int family);
  // The full labels (with __name__) of a number point's series and its anchor: from the series
  // cache, or built, validated and cached (no anchor without a cache). Empty (and the point
  // rejected) on a limit violation. `lookup` is the point's index into keys_/lookups_.
  std::optional<SeriesCache::Series> NumberSeries(const pbm::Metric& metric,
                                                  const std::string& name,
                                                  const pbm::NumberDataPoint& point, size_t index,
                                                  size_t lookup);
  // False (and all `points` rejected) unless the temporality is delta or cumulative.
  bool KnownTemporality(const pbm::Metric& metric, pbm::AggregationTemporality temporality,
                        int points) {
    if (temporality == pbm::AGGREGATION_TEMPORALITY_DELTA ||
        temporality == pbm::AGGREGATION_TEMPORALITY_CUMULATIVE) {
      return true;
    }
    rejections_->Add(points, fmt::format("metric '{}': aggregationTemporality {} is neither 1 "
                                         "(delta) nor 2 (cumulative)",
                                         metric.name(), static_cast<int>(temporality)));
    return false;
  }
  void Reject(const std::string& metric_name, size_t index, const std::string& why) {
    rejections_->Add(1, fmt::format("metric '{}' data point {}: {}", metric_name, index, why));
  }

  void Gauge(const pbm::Metric& metric, size_t first_lookup);
  void Sum(const pbm::Metric& metric, size_t first_lookup);
  // Gauges and sums: one series per point, delta sums accumulated into cumulative ones. The
  // points' keys and cache lookups start at index `first_lookup`.
  void NumberPoints(const pbm::Metric& metric,
                    const google::protobuf::RepeatedPtrField<pbm::NumberDataPoint>& points,
                    OtlpMetricKind kind, bool delta, size_t first_lookup);
  void Histogram(const std::vector<Label>& common, const pbm::Metric& metric);
  void Summary(const std::vector<Label>& common, const pbm::Metric& metric);

  DeltaToCumulative* accumulator_;
  SeriesCache* series_;
  const TranslateLimits& limits_;
  int64_t now_ns_;
  // The labels of the current resource + scope (Common() builds them once per scope).
  const std::vector<Label>& Common() {
    if (!common_built_) {
      common_ = CommonLabels(*resource_, *scope_);
      common_built_ = true;
    }
    return common_;
  }
  // PrometheusMetricName, remembered for the request (a request repeats a few metrics once
  // per resource). The reference is valid until the next call.
  const std::string& MetricName(const pbm::Metric& metric, OtlpMetricKind kind);

  const opentelemetry::proto::resource::v1::Resource* resource_ = nullptr;
  const opentelemetry::proto::common::v1::InstrumentationScope* scope_ = nullptr;
  bool common_built_ = false;
  std::vector<Label> common_;
  struct KnownName {
    std::string_view otlp_name;  // into the request
    std::string_view unit;
    OtlpMetricKind kind;
    std::string name;
  };
  static constexpr size_t kMaxKnownNames = 32;  // searched linearly
  std::vector<KnownName> names_;
  SeriesKeyHasher scope_key_;
  // Series keys of the request's gauge and sum points and what the cache knew of them, in the
  // order of Metric() calls; next_lookup_ is where the next metric's points begin.
  std::vector<SeriesKey> keys_;
  std::vector<std::optional<SeriesCache::Series>> lookups_;
  size_t next_lookup_ = 0;
  DeltaToCumulative::Cumulative cumulative_;
  MetricBatch* batch_;
  Rejections* rejections_;
  std::unordered_map<std::string, int> families_;
};

int Translation::Family(const pbm::Metric& metric, const std::string& name, MetricType type,
                        int points) {
  auto [it, inserted] = families_.try_emplace(name, static_cast<int>(batch_->families.size()));
  if (inserted) {
    batch_->families.push_back({name, type, metric.description(), metric.unit()});
    return it->second;
  }
  if (batch_->families[it->second].type != type) {
    rejections_->Add(points, fmt::format("metric '{}': name '{}' is already used by a {} in this "
                                         "request",
                                         metric.name(), name,
                                         MetricTypeName(batch_->families[it->second].type)));
    return -1;
  }
  return it->second;
}

bool Translation::PointLabels(const std::vector<Label>& common, const std::string& metric_name,
                              const google::protobuf::RepeatedPtrField<KeyValue>& attributes,
                              size_t index, std::vector<Label>* out) {
  if (attributes.size() > limits_.max_attributes) {
    Reject(metric_name, index,
           fmt::format("{} attributes, limit is {}", attributes.size(), limits_.max_attributes));
    return false;
  }
  std::vector<Label> point;
  AddAttributeLabels(attributes, &point);  // sorted by name
  // Merge two name-sorted lists; on equal names the data point's attribute, the more
  // specific, wins.
  out->clear();
  out->reserve(common.size() + point.size() + 2);
  size_t i = 0, j = 0;
  while (i < common.size() || j < point.size()) {
    if (j == point.size() || (i < common.size() && common[i].name < point[j].name)) {
      out->push_back(common[i++]);
    } else {
      if (i < common.size() && common[i].name == point[j].name) ++i;
      out->push_back(std::move(point[j++]));
    }
  }
  for (const auto& l : *out) {
    if (l.value.size() > limits_.max_label_value_bytes) {
      Reject(metric_name, index,
             fmt::format("label '{}' value is {} bytes, limit is {}", l.name, l.value.size(),
                         limits_.max_label_value_bytes));
      return false;
    }
    if (!IsValidUtf8(l.value)) {
      Reject(metric_name, index, fmt::format("label '{}' value is not valid UTF-8", l.name));
      return false;
    }
  }
  return true;
}

bool Translation::CheckTime(const std::string& metric_name, size_t index, uint64_t start_ns,
                            uint64_t time_ns, bool require_order) {
  if (time_ns == 0) {
    Reject(metric_name, index, "timeUnixNano is missing (0)");
    return false;
  }
  if (time_ns < static_cast<uint64_t>(kYear2000Nanos) ||
      time_ns > static_cast<uint64_t>(now_ns_ + kMaxFutureNanos)) {
    Reject(metric_name, index,
           fmt::format("timeUnixNano {} is implausible (before 2000 or more than 1h ahead of "
                       "the server clock)",
                       time_ns));
    return false;
  }
  if (require_order && start_ns != 0 && start_ns > time_ns) {
    Reject(metric_name, index,
           fmt::format("startTimeUnixNano {} is after timeUnixNano {}", start_ns, time_ns));
    return false;
  }
  return true;
}

void Translation::Emit(std::vector<Label> labels, std::string_view name, int64_t time_ns,
                       double value, int64_t start_ns, int family) {
  InsertSorted(&labels, {std::string(kMetricNameLabel), std::string(name)});
  MetricSample sample;
  sample.labels = Labels(std::move(labels));
  sample.timestamp_ms = time_ns / kNanosPerMilli;
  sample.value = value;
  sample.start_timestamp_ms = start_ns / kNanosPerMilli;
  sample.family = static_cast<uint32_t>(family);
  batch_->samples.push_back(std::move(sample));
}

void Translation::Emit(Labels labels, std::shared_ptr<SeriesAnchor> anchor, int64_t time_ns,
                       double value, int64_t start_ns, int family) {
  // Built in place: a default-constructed Labels would touch the reference count shared by
  // every empty Labels, a cache line all ingest threads would pass around.
  batch_->samples.push_back(MetricSample{.labels = std::move(labels),
                                         .timestamp_ms = time_ns / kNanosPerMilli,
                                         .value = value,
                                         .start_timestamp_ms = start_ns / kNanosPerMilli,
                                         .family = static_cast<uint32_t>(family),
                                         .anchor = std::move(anchor)});
}

std::optional<SeriesCache::Series> Translation::NumberSeries(const pbm::Metric& metric,
                                                             const std::string& name,
                                                             const pbm::NumberDataPoint& point,
                                                             size_t index, size_t lookup) {
  if (series_ != nullptr && lookups_[lookup].has_value()) return std::move(lookups_[lookup]);
  std::vector<Label> labels;
  if (!PointLabels(Common(), metric.name(), point.attributes(), index, &labels)) {
    return std::nullopt;
  }
  InsertSorted(&labels, {std::string(kMetricNameLabel), name});
  Labels built(std::move(labels));
  if (series_ != nullptr) return series_->Insert(keys_[lookup], built, now_ns_);
  return SeriesCache::Series{std::move(built), nullptr};
}

const std::string& Translation::MetricName(const pbm::Metric& metric, OtlpMetricKind kind) {
  for (const KnownName& known : names_) {
    if (known.kind == kind && known.otlp_name == metric.name() && known.unit == metric.unit()) {
      return known.name;
    }
  }
  if (names_.size() >= kMaxKnownNames) names_.pop_back();
  names_.push_back({metric.name(), metric.unit(), kind,
                    PrometheusMetricName(metric.name(), metric.unit(), kind)});
  return names_.back().name;
}

// The kind a gauge or sum metric's series are keyed and named by.
OtlpMetricKind NumberKind(const pbm::Metric& metric) {
  if (metric.data_case() == pbm::Metric::kGauge) return OtlpMetricKind::kGauge;
  return metric.sum().is_monotonic() ? OtlpMetricKind::kMonotonicSum
                                     : OtlpMetricKind::kNonMonotonicSum;
}

void Translation::LookUpSeries(const ExportMetricsServiceRequest& request) {
  keys_.clear();
  keys_.reserve(MetricsTranslator::CountDataPoints(request));
  for (const auto& rm : request.resource_metrics()) {
    if (rm.resource().attributes_size() > limits_.max_attributes) continue;  // as Translate
    SeriesKeyHasher resource_key;
    resource_key.Attributes(rm.resource().attributes());
    for (const auto& sm : rm.scope_metrics()) {
      SeriesKeyHasher scope_key = resource_key;
      scope_key.Bytes(sm.scope().name());
      scope_key.Bytes(sm.scope().version());
      for (const auto& metric : sm.metrics()) {
        const google::protobuf::RepeatedPtrField<pbm::NumberDataPoint>* points;
        if (metric.data_case() == pbm::Metric::kGauge) {
          points = &metric.gauge().data_points();
        } else if (metric.data_case() == pbm::Metric::kSum) {
          points = &metric.sum().data_points();
        } else {
          continue;
        }
        SeriesKeyHasher metric_key = scope_key;
        metric_key.Bytes(metric.name());
        metric_key.Bytes(metric.unit());
        metric_key.U64(static_cast<uint64_t>(NumberKind(metric)));
        for (const auto& point : *points) {
          SeriesKeyHasher hasher = metric_key;
          hasher.Attributes(point.attributes());
          keys_.push_back(hasher.Key());
        }
      }
    }
  }
  series_->FindAll(keys_, now_ns_, &lookups_);
  for (const auto& lookup : lookups_) {
    if (lookup.has_value()) lookup->anchor->delta.Prefetch();
  }
}

void Translation::Metric(const pbm::Metric& metric) {
  switch (metric.data_case()) {
    case pbm::Metric::kGauge: {
      const size_t first = next_lookup_;
      next_lookup_ += metric.gauge().data_points_size();
      Gauge(metric, first);
      break;
    }
    case pbm::Metric::kSum: {
      const size_t first = next_lookup_;
      next_lookup_ += metric.sum().data_points_size();
      Sum(metric, first);
      break;
    }
    case pbm::Metric::kHistogram:
      Histogram(Common(), metric);
      break;
    case pbm::Metric::kSummary:
      Summary(Common(), metric);
      break;
    case pbm::Metric::kExponentialHistogram:
      rejections_->Add(metric.exponential_histogram().data_points_size(),
                       fmt::format("metric '{}': exponential histograms are not supported (the "
                                   "Prometheus text formats cannot carry them)",
                                   metric.name()));
      break;
    case pbm::Metric::DATA_NOT_SET:
      rejections_->Add(0, fmt::format("metric '{}' has no data (no gauge, sum, histogram or "
                                      "summary)",
                                      metric.name()));
      break;
  }
}

// A number point's value; false when it has none (and is not a "no recorded value" marker).
bool NumberValue(const pbm::NumberDataPoint& p, double* value) {
  if (p.flags() & pbm::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK) {
    *value = StaleNaN();
    return true;
  }
  switch (p.value_case()) {
    case pbm::NumberDataPoint::kAsDouble:
      *value = std::isnan(p.as_double()) ? std::nan("") : p.as_double();
      return true;
    case pbm::NumberDataPoint::kAsInt:
      *value = static_cast<double>(p.as_int());
      return true;
    case pbm::NumberDataPoint::VALUE_NOT_SET:
      return false;
  }
  return false;
}

void Translation::Gauge(const pbm::Metric& metric, size_t first_lookup) {
  NumberPoints(metric, metric.gauge().data_points(), OtlpMetricKind::kGauge, /*delta=*/false,
               first_lookup);
}

void Translation::Sum(const pbm::Metric& metric, size_t first_lookup) {
  const auto& sum = metric.sum();
  if (!KnownTemporality(metric, sum.aggregation_temporality(), sum.data_points_size())) return;
  NumberPoints(metric, sum.data_points(), NumberKind(metric),
               sum.aggregation_temporality() == pbm::AGGREGATION_TEMPORALITY_DELTA, first_lookup);
}

void Translation::NumberPoints(
    const pbm::Metric& metric,
    const google::protobuf::RepeatedPtrField<pbm::NumberDataPoint>& points, OtlpMetricKind kind,
    bool delta, size_t first_lookup) {
  const bool gauge = kind == OtlpMetricKind::kGauge;
  const bool monotonic = kind == OtlpMetricKind::kMonotonicSum;
  const std::string& name = MetricName(metric, kind);
  int family =
      Family(metric, name, monotonic ? MetricType::kCounter : MetricType::kGauge, points.size());
  if (family < 0) return;
  for (int i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    double value;
    if (!NumberValue(p, &value)) {
      Reject(metric.name(), i, "no value (neither asDouble nor asInt)");
      continue;
    }
    const bool stale = IsStaleNaN(value);
    if (!stale && monotonic && (!std::isfinite(value) || value < 0)) {
      Reject(metric.name(), i,
             fmt::format("value {} is not a finite non-negative number, as a monotonic sum "
                         "requires",
                         FormatGoFloat(value)));
      continue;
    }
    if (!stale && !std::isfinite(value) && delta) {
      Reject(metric.name(), i, fmt::format("delta value {} is not finite", FormatGoFloat(value)));
      continue;
    }
    // A gauge's start time means nothing; a sum's must not follow its time.
    const uint64_t start_ns = gauge ? 0 : p.start_time_unix_nano();
    if (!CheckTime(metric.name(), i, start_ns, p.time_unix_nano(), !gauge)) continue;
    std::optional<SeriesCache::Series> found = NumberSeries(metric, name, p, i, first_lookup + i);
    if (!found.has_value()) continue;
    SeriesCache::Series& series = *found;
    if (!delta || stale) {
      Emit(std::move(series.labels), std::move(series.anchor), p.time_unix_nano(), value, start_ns,
           family);
      continue;
    }
    DeltaToCumulative::Cumulative& cumulative = cumulative_;  // reused: no allocation per point
    DeltaToCumulative::Point point{static_cast<int64_t>(start_ns),
                                   static_cast<int64_t>(p.time_unix_nano()),
                                   std::span<const double>(&value, 1), 0};
    if (accumulator_->Add(series.labels, point, now_ns_, &cumulative,
                          series.anchor != nullptr ? &series.anchor->delta : nullptr) ==
        DeltaToCumulative::Outcome::kDuplicate) {
      continue;  // a retried point: already counted
    }
    Emit(std::move(series.labels), std::move(series.anchor), cumulative.timestamp_ns,
         cumulative.values[0], cumulative.start_ns, family);
  }
}

void Translation::Histogram(const std::vector<Label>& common, const pbm::Metric& metric) {
  const auto& hist = metric.histogram();
  const auto& points = hist.data_points();
  if (!KnownTemporality(metric, hist.aggregation_temporality(), points.size())) return;
  const bool delta = hist.aggregation_temporality() == pbm::AGGREGATION_TEMPORALITY_DELTA;
  std::string name = PrometheusMetricName(metric.name(), metric.unit(), OtlpMetricKind::kHistogram);
  int family = Family(metric, name, MetricType::kHistogram, points.size());
  if (family < 0) return;
  for (int i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    const auto& bounds = p.explicit_bounds();
    const auto& counts = p.bucket_counts();
    if (!counts.empty() && counts.size() != bounds.size() + 1) {
      Reject(metric.name(), i,
             fmt::format("{} bucket counts for {} explicit bounds (need {})", counts.size(),
                         bounds.size(), bounds.size() + 1));
      continue;
    }
    bool bounds_ok = true;
    for (int b = 0; b < bounds.size(); ++b) {
      if (!std::isfinite(bounds[b]) || (b > 0 && bounds[b] <= bounds[b - 1])) bounds_ok = false;
    }
    if (!bounds_ok) {
      Reject(metric.name(), i, "explicit bounds must be finite and strictly increasing");
      continue;
    }
    if (p.has_sum() && !std::isfinite(p.sum())) {
      Reject(metric.name(), i, "sum is not finite");
      continue;
    }
    std::vector<Label> labels;
    if (!CheckTime(metric.name(), i, p.start_time_unix_nano(), p.time_unix_nano(), true) ||
        !PointLabels(common, metric.name(), p.attributes(), i, &labels)) {
      continue;
    }
    // values = per-bucket counts…, sum, count
    std::vector<double> values;
    values.reserve(counts.size() + 2);
    for (uint64_t c : counts) values.push_back(static_cast<double>(c));
    values.push_back(p.has_sum() ? p.sum() : 0);
    values.push_back(static_cast<double>(p.count()));
    int64_t time_ns = p.time_unix_nano();
    int64_t start_ns = p.start_time_unix_nano();
    const bool stale = p.flags() & pbm::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK;
    if (delta && !stale) {
      std::vector<Label> key_labels = labels;
      InsertSorted(&key_labels, {std::string(kMetricNameLabel), name});
      DeltaToCumulative::Cumulative& cumulative = cumulative_;
      DeltaToCumulative::Point point{start_ns, time_ns, values, BoundsHash(bounds)};
      if (accumulator_->Add(Labels(std::move(key_labels)), point, now_ns_, &cumulative) ==
          DeltaToCumulative::Outcome::kDuplicate) {
        continue;
      }
      values = cumulative.values;
      time_ns = cumulative.timestamp_ns;
      start_ns = cumulative.start_ns;
    }
    const double count = values.back();
    const double sum_value = values[values.size() - 2];
    double running = 0;
    for (int b = 0; b < counts.size(); ++b) {
      running += values[b];
      std::vector<Label> bucket = labels;
      InsertSorted(&bucket, {"le", b < bounds.size() ? FormatGoFloat(bounds[b]) : "+Inf"});
      Emit(std::move(bucket), name + "_bucket", time_ns, stale ? StaleNaN() : running, start_ns,
           family);
    }
    if (counts.empty()) {
      std::vector<Label> bucket = labels;
      InsertSorted(&bucket, {"le", "+Inf"});
      Emit(std::move(bucket), name + "_bucket", time_ns, stale ? StaleNaN() : count, start_ns,
           family);
    }
    if (p.has_sum() || stale) {
      Emit(labels, name + "_sum", time_ns, stale ? StaleNaN() : sum_value, start_ns, family);
    }
    Emit(std::move(labels), name + "_count", time_ns, stale ? StaleNaN() : count, start_ns, family);
  }
}

void Translation::Summary(const std::vector<Label>& common, const pbm::Metric& metric) {
  const auto& points = metric.summary().data_points();
  std::string name = PrometheusMetricName(metric.name(), metric.unit(), OtlpMetricKind::kSummary);
  int family = Family(metric, name, MetricType::kSummary, points.size());
  if (family < 0) return;
  for (int i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    bool quantiles_ok = std::isfinite(p.sum());
    for (const auto& q : p.quantile_values()) {
      if (!(q.quantile() >= 0 && q.quantile() <= 1)) quantiles_ok = false;
    }
    if (!quantiles_ok) {
      Reject(metric.name(), i, "summary sum must be finite and quantiles within [0, 1]");
      continue;
    }
    std::vector<Label> labels;
    if (!CheckTime(metric.name(), i, p.start_time_unix_nano(), p.time_unix_nano(), true) ||
        !PointLabels(common, metric.name(), p.attributes(), i, &labels)) {
      continue;
    }
    const bool stale = p.flags() & pbm::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK;
    int64_t t = p.time_unix_nano(), s = p.start_time_unix_nano();
    for (const auto& q : p.quantile_values()) {
      std::vector<Label> ql = labels;
      InsertSorted(&ql, {"quantile", FormatGoFloat(q.quantile())});
      Emit(std::move(ql), name, t, stale ? StaleNaN() : q.value(), s, family);
    }
    Emit(labels, name + "_sum", t, stale ? StaleNaN() : p.sum(), s, family);
    Emit(std::move(labels), name + "_count", t, stale ? StaleNaN() : static_cast<double>(p.count()),
         s, family);
  }
}

}  // namespace

int64_t PointCount(const pbm::Metric& m) {
  switch (m.data_case()) {
    case pbm::Metric::kGauge:
      return m.gauge().data_points_size();
    case pbm::Metric::kSum:
      return m.sum().data_points_size();
    case pbm::Metric::kHistogram:
      return m.histogram().data_points_size();
    case pbm::Metric::kExponentialHistogram:
      return m.exponential_histogram().data_points_size();
    case pbm::Metric::kSummary:
      return m.summary().data_points_size();
    case pbm::Metric::DATA_NOT_SET:
      return 0;
  }
  return 0;
}

void Rejections::Add(int64_t count, const std::string& reason) {
  count_ += count;
  if (reasons_.size() < kMaxReasons) {
    reasons_.push_back(reason);
  } else {
    ++omitted_;
  }
}

std::string Rejections::Message() const {
  if (reasons_.empty()) return "";
  std::string out = fmt::format("{}", fmt::join(reasons_, "; "));
  if (omitted_ > 0) out += fmt::format("; and {} more", omitted_);
  return out;
}

void MetricsTranslator::Translate(const ExportMetricsServiceRequest& request, int64_t now_ns,
                                  MetricBatch* batch, Rejections* rejections) const {
  Translation t(accumulator_, series_, limits_, now_ns, batch, rejections);
  batch->samples.reserve(batch->samples.size() + CountDataPoints(request));
  if (series_ != nullptr) t.LookUpSeries(request);
  for (const auto& rm : request.resource_metrics()) {
    if (rm.resource().attributes_size() > limits_.max_attributes) {
      int64_t n = 0;
      for (const auto& sm : rm.scope_metrics()) {
        for (const auto& m : sm.metrics()) n += PointCount(m);
      }
      rejections->Add(n, fmt::format("resource has {} attributes, limit is {}",
                                     rm.resource().attributes_size(), limits_.max_attributes));
      continue;
    }
    SeriesKeyHasher resource_key;
    resource_key.Attributes(rm.resource().attributes());
    for (const auto& sm : rm.scope_metrics()) {
      SeriesKeyHasher scope_key = resource_key;
      scope_key.Bytes(sm.scope().name());
      scope_key.Bytes(sm.scope().version());
      t.BeginScope(rm.resource(), sm.scope(), scope_key);
      for (const auto& metric : sm.metrics()) t.Metric(metric);
    }
  }
}

int64_t MetricsTranslator::CountDataPoints(const ExportMetricsServiceRequest& request) {
  int64_t n = 0;
  for (const auto& rm : request.resource_metrics()) {
    for (const auto& sm : rm.scope_metrics()) {
      for (const auto& m : sm.metrics()) n += PointCount(m);
    }
  }
  return n;
}

}  // namespace otelite::otlp
