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

constexpr int32_t kTemporalityDelta = 1;       // AGGREGATION_TEMPORALITY_DELTA
constexpr int32_t kTemporalityCumulative = 2;  // AGGREGATION_TEMPORALITY_CUMULATIVE
constexpr uint32_t kNoRecordedValue = 1;       // DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr int64_t kYear2000Nanos = 946'684'800LL * 1'000'000'000LL;
constexpr int64_t kMaxFutureNanos = 3600LL * 1'000'000'000LL;

// Attributes -> labels with the translator's conflict rule: attributes whose names collide
// after sanitising have their values joined with ';' in order of the original keys.
void AddAttributeLabels(std::span<const KeyValueView> attributes, std::vector<Label>* out) {
  struct Item {
    std::string name;
    std::string_view key;
    std::string value;
  };
  std::vector<Item> items;
  items.reserve(attributes.size());
  for (const KeyValueView& kv : attributes) {
    std::string name = PrometheusLabelName(kv.key);
    if (name.empty() || name.starts_with("__")) continue;  // reserved for Prometheus
    std::string value = AnyValueToString(kv.value);
    if (value.empty()) continue;  // an empty label value is no label
    items.push_back({std::move(name), kv.key, std::move(value)});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.name != b.name ? a.name < b.name : a.key < b.key;
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
std::vector<Label> CommonLabels(std::span<const KeyValueView> resource_attributes,
                                const ScopeView& scope) {
  std::vector<Label> labels;
  AddAttributeLabels(resource_attributes, &labels);
  std::string service_name, service_namespace, instance;
  for (const KeyValueView& kv : resource_attributes) {
    if (kv.key == "service.name") service_name = AnyValueToString(kv.value);
    if (kv.key == "service.namespace") service_namespace = AnyValueToString(kv.value);
    if (kv.key == "service.instance.id") instance = AnyValueToString(kv.value);
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
  set("otel_scope_name", std::string(scope.name));
  set("otel_scope_version", std::string(scope.version));
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

uint64_t BoundsHash(std::span<const double> bounds) {
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
  Translation(const MetricsRequestView& view, DeltaToCumulative* accumulator, SeriesCache* series,
              const TranslateLimits& limits, int64_t now_ns, MetricBatch* batch,
              Rejections* rejections)
      : view_(view),
        accumulator_(accumulator),
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
  void LookUpSeries();
  // Starts a resource + scope, whose labels all its points share.
  // The labels are built when first needed: a request of known series needs none.
  void BeginScope(const ResourceView& resource, const ScopeView& scope) {
    resource_ = &resource;
    scope_ = &scope;
    common_built_ = false;
  }
  void Metric(const MetricView& metric);

 private:
  // Returns the family index, or -1 (and rejects `points`) on a type conflict.
  int Family(const MetricView& metric, const std::string& name, MetricType type, int64_t points);
  // Builds the labels of one point; false + rejection on a limit violation.
  bool PointLabels(const std::vector<Label>& common, std::string_view metric_name, Range attributes,
                   size_t index, std::vector<Label>* out);
  bool CheckTime(std::string_view metric_name, size_t index, uint64_t start_ns, uint64_t time_ns,
                 bool require_order);
  void Emit(std::vector<Label> labels, std::string_view name, int64_t time_ns, double value,
            int64_t start_ns, int family);
  void Emit(Labels labels, std::shared_ptr<SeriesAnchor> anchor, int64_t time_ns, double value,
            int64_t start_ns, int family);
  // The full labels (with __name__) of a number point's series and its anchor: from the series
  // cache, or built, validated and cached (no anchor without a cache). Empty (and the point
  // rejected) on a limit violation. `lookup` is the point's index into keys_/lookups_.
  std::optional<SeriesCache::Series> NumberSeries(const MetricView& metric, const std::string& name,
                                                  const NumberPointView& point, size_t index,
                                                  size_t lookup);
  // False (and all the metric's points rejected) unless the temporality is delta or
  // cumulative.
  bool KnownTemporality(const MetricView& metric) {
    if (metric.aggregation_temporality == kTemporalityDelta ||
        metric.aggregation_temporality == kTemporalityCumulative) {
      return true;
    }
    rejections_->Add(metric.points.size(),
                     fmt::format("metric '{}': aggregationTemporality {} is neither 1 "
                                 "(delta) nor 2 (cumulative)",
                                 metric.name, metric.aggregation_temporality));
    return false;
  }
  void Reject(std::string_view metric_name, size_t index, const std::string& why) {
    rejections_->Add(1, fmt::format("metric '{}' data point {}: {}", metric_name, index, why));
  }

  // Gauges and sums: one series per point, delta sums accumulated into cumulative ones. The
  // points' keys and cache lookups start at index `first_lookup`.
  void NumberPoints(const MetricView& metric, OtlpMetricKind kind, bool delta, size_t first_lookup);
  void Histogram(const std::vector<Label>& common, const MetricView& metric);
  void Summary(const std::vector<Label>& common, const MetricView& metric);

  const MetricsRequestView& view_;
  DeltaToCumulative* accumulator_;
  SeriesCache* series_;
  const TranslateLimits& limits_;
  int64_t now_ns_;
  // The labels of the current resource + scope (Common() builds them once per scope).
  const std::vector<Label>& Common() {
    if (!common_built_) {
      common_ = CommonLabels(view_.Attributes(resource_->attributes), *scope_);
      common_built_ = true;
    }
    return common_;
  }
  // PrometheusMetricName, remembered for the request (a request repeats a few metrics once
  // per resource). The reference is valid until the next call.
  const std::string& MetricName(const MetricView& metric, OtlpMetricKind kind);

  const ResourceView* resource_ = nullptr;
  const ScopeView* scope_ = nullptr;
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

int Translation::Family(const MetricView& metric, const std::string& name, MetricType type,
                        int64_t points) {
  auto [it, inserted] = families_.try_emplace(name, static_cast<int>(batch_->families.size()));
  if (inserted) {
    batch_->families.push_back(
        {name, type, std::string(metric.description), std::string(metric.unit)});
    return it->second;
  }
  if (batch_->families[it->second].type != type) {
    rejections_->Add(
        points, fmt::format("metric '{}': name '{}' is already used by a {} in this "
                            "request",
                            metric.name, name, MetricTypeName(batch_->families[it->second].type)));
    return -1;
  }
  return it->second;
}

bool Translation::PointLabels(const std::vector<Label>& common, std::string_view metric_name,
                              Range attributes, size_t index, std::vector<Label>* out) {
  if (attributes.size() > static_cast<uint32_t>(limits_.max_attributes)) {
    Reject(metric_name, index,
           fmt::format("{} attributes, limit is {}", attributes.size(), limits_.max_attributes));
    return false;
  }
  std::vector<Label> point;
  AddAttributeLabels(view_.Attributes(attributes), &point);  // sorted by name
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

bool Translation::CheckTime(std::string_view metric_name, size_t index, uint64_t start_ns,
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

std::optional<SeriesCache::Series> Translation::NumberSeries(const MetricView& metric,
                                                             const std::string& name,
                                                             const NumberPointView& point,
                                                             size_t index, size_t lookup) {
  if (series_ != nullptr && lookups_[lookup].has_value()) return std::move(lookups_[lookup]);
  std::vector<Label> labels;
  if (!PointLabels(Common(), metric.name, point.attributes, index, &labels)) {
    return std::nullopt;
  }
  InsertSorted(&labels, {std::string(kMetricNameLabel), name});
  Labels built(std::move(labels));
  if (series_ != nullptr) return series_->Insert(keys_[lookup], built, now_ns_);
  return SeriesCache::Series{std::move(built), nullptr};
}

const std::string& Translation::MetricName(const MetricView& metric, OtlpMetricKind kind) {
  for (const KnownName& known : names_) {
    if (known.kind == kind && known.otlp_name == metric.name && known.unit == metric.unit) {
      return known.name;
    }
  }
  if (names_.size() >= kMaxKnownNames) names_.pop_back();
  names_.push_back(
      {metric.name, metric.unit, kind, PrometheusMetricName(metric.name, metric.unit, kind)});
  return names_.back().name;
}

// The kind a gauge or sum metric's series are keyed and named by.
OtlpMetricKind NumberKind(const MetricView& metric) {
  if (metric.data == MetricDataCase::kGauge) return OtlpMetricKind::kGauge;
  return metric.is_monotonic ? OtlpMetricKind::kMonotonicSum : OtlpMetricKind::kNonMonotonicSum;
}

void Translation::LookUpSeries() {
  keys_.clear();
  keys_.reserve(view_.number_points.size());
  for (const ResourceMetricsView& rm : view_.resource_metrics) {
    if (rm.resource.attributes.size() > static_cast<uint32_t>(limits_.max_attributes)) {
      continue;  // as Translate
    }
    SeriesKeyHasher resource_key;
    resource_key.Attributes(view_.Attributes(rm.resource.attributes));
    for (const ScopeMetricsView& sm :
         MetricsRequestView::Slice(view_.scope_metrics, rm.scope_metrics)) {
      SeriesKeyHasher scope_key = resource_key;
      scope_key.Bytes(sm.scope.name);
      scope_key.Bytes(sm.scope.version);
      for (const MetricView& metric : MetricsRequestView::Slice(view_.metrics, sm.metrics)) {
        if (metric.data != MetricDataCase::kGauge && metric.data != MetricDataCase::kSum) continue;
        SeriesKeyHasher metric_key = scope_key;
        metric_key.Bytes(metric.name);
        metric_key.Bytes(metric.unit);
        metric_key.U64(static_cast<uint64_t>(NumberKind(metric)));
        for (const NumberPointView& point :
             MetricsRequestView::Slice(view_.number_points, metric.points)) {
          SeriesKeyHasher hasher = metric_key;
          if (point.attributes_wire != nullptr) {
            hasher.Encoded({point.attributes_wire, point.attributes_wire_size});
          } else {
            hasher.Attributes(view_.Attributes(point.attributes));
          }
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

void Translation::Metric(const MetricView& metric) {
  if (metric.name.empty()) {  // OTLP requires a name; without one no series can be named
    rejections_->Add(metric.points.size(), "a metric has no name");
    return;
  }
  switch (metric.data) {
    case MetricDataCase::kGauge:
    case MetricDataCase::kSum: {
      const size_t first = next_lookup_;
      next_lookup_ += metric.points.size();
      if (metric.data == MetricDataCase::kGauge) {
        NumberPoints(metric, OtlpMetricKind::kGauge, /*delta=*/false, first);
      } else if (KnownTemporality(metric)) {
        NumberPoints(metric, NumberKind(metric),
                     metric.aggregation_temporality == kTemporalityDelta, first);
      }
      break;
    }
    case MetricDataCase::kHistogram:
      Histogram(Common(), metric);
      break;
    case MetricDataCase::kSummary:
      Summary(Common(), metric);
      break;
    case MetricDataCase::kExponentialHistogram:
      rejections_->Add(metric.points.size(),
                       fmt::format("metric '{}': exponential histograms are not supported (the "
                                   "Prometheus text formats cannot carry them)",
                                   metric.name));
      break;
    case MetricDataCase::kNotSet:
      rejections_->Add(0, fmt::format("metric '{}' has no data (no gauge, sum, histogram or "
                                      "summary)",
                                      metric.name));
      break;
  }
}

// A number point's value; false when it has none (and is not a "no recorded value" marker).
bool NumberValue(const NumberPointView& p, double* value) {
  if (p.flags & kNoRecordedValue) {
    *value = StaleNaN();
    return true;
  }
  switch (p.value_case) {
    case NumberPointView::ValueCase::kDouble:
      *value = std::isnan(p.as_double) ? std::nan("") : p.as_double;
      return true;
    case NumberPointView::ValueCase::kInt:
      *value = static_cast<double>(p.as_int);
      return true;
    case NumberPointView::ValueCase::kNotSet:
      return false;
  }
  return false;
}

void Translation::NumberPoints(const MetricView& metric, OtlpMetricKind kind, bool delta,
                               size_t first_lookup) {
  const std::span<const NumberPointView> points =
      MetricsRequestView::Slice(view_.number_points, metric.points);
  const bool gauge = kind == OtlpMetricKind::kGauge;
  const bool monotonic = kind == OtlpMetricKind::kMonotonicSum;
  const std::string& name = MetricName(metric, kind);
  int family =
      Family(metric, name, monotonic ? MetricType::kCounter : MetricType::kGauge, points.size());
  if (family < 0) return;
  for (size_t i = 0; i < points.size(); ++i) {
    const NumberPointView& p = points[i];
    double value;
    if (!NumberValue(p, &value)) {
      Reject(metric.name, i, "no value (neither asDouble nor asInt)");
      continue;
    }
    const bool stale = IsStaleNaN(value);
    if (!stale && monotonic && (!std::isfinite(value) || value < 0)) {
      Reject(metric.name, i,
             fmt::format("value {} is not a finite non-negative number, as a monotonic sum "
                         "requires",
                         FormatGoFloat(value)));
      continue;
    }
    if (!stale && !std::isfinite(value) && delta) {
      Reject(metric.name, i, fmt::format("delta value {} is not finite", FormatGoFloat(value)));
      continue;
    }
    // A gauge's start time means nothing; a sum's must not follow its time.
    const uint64_t start_ns = gauge ? 0 : p.start_time_unix_nano;
    if (!CheckTime(metric.name, i, start_ns, p.time_unix_nano, !gauge)) continue;
    std::optional<SeriesCache::Series> found = NumberSeries(metric, name, p, i, first_lookup + i);
    if (!found.has_value()) continue;
    SeriesCache::Series& series = *found;
    if (!delta || stale) {
      Emit(std::move(series.labels), std::move(series.anchor), p.time_unix_nano, value, start_ns,
           family);
      continue;
    }
    DeltaToCumulative::Cumulative& cumulative = cumulative_;  // reused: no allocation per point
    DeltaToCumulative::Point point{static_cast<int64_t>(start_ns),
                                   static_cast<int64_t>(p.time_unix_nano),
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

void Translation::Histogram(const std::vector<Label>& common, const MetricView& metric) {
  const std::span<const HistogramPointView> points =
      MetricsRequestView::Slice(view_.histogram_points, metric.points);
  if (!KnownTemporality(metric)) return;
  const bool delta = metric.aggregation_temporality == kTemporalityDelta;
  std::string name = PrometheusMetricName(metric.name, metric.unit, OtlpMetricKind::kHistogram);
  int family = Family(metric, name, MetricType::kHistogram, points.size());
  if (family < 0) return;
  for (size_t i = 0; i < points.size(); ++i) {
    const HistogramPointView& p = points[i];
    const std::span<const double> bounds =
        MetricsRequestView::Slice(view_.explicit_bounds, p.explicit_bounds);
    const std::span<const uint64_t> counts =
        MetricsRequestView::Slice(view_.bucket_counts, p.bucket_counts);
    if (!counts.empty() && counts.size() != bounds.size() + 1) {
      Reject(metric.name, i,
             fmt::format("{} bucket counts for {} explicit bounds (need {})", counts.size(),
                         bounds.size(), bounds.size() + 1));
      continue;
    }
    bool bounds_ok = true;
    for (size_t b = 0; b < bounds.size(); ++b) {
      if (!std::isfinite(bounds[b]) || (b > 0 && bounds[b] <= bounds[b - 1])) bounds_ok = false;
    }
    if (!bounds_ok) {
      Reject(metric.name, i, "explicit bounds must be finite and strictly increasing");
      continue;
    }
    if (p.has_sum && !std::isfinite(p.sum)) {
      Reject(metric.name, i, "sum is not finite");
      continue;
    }
    std::vector<Label> labels;
    if (!CheckTime(metric.name, i, p.start_time_unix_nano, p.time_unix_nano, true) ||
        !PointLabels(common, metric.name, p.attributes, i, &labels)) {
      continue;
    }
    // values = per-bucket counts…, sum, count
    std::vector<double> values;
    values.reserve(counts.size() + 2);
    for (uint64_t c : counts) values.push_back(static_cast<double>(c));
    values.push_back(p.has_sum ? p.sum : 0);
    values.push_back(static_cast<double>(p.count));
    int64_t time_ns = static_cast<int64_t>(p.time_unix_nano);
    int64_t start_ns = static_cast<int64_t>(p.start_time_unix_nano);
    const bool stale = p.flags & kNoRecordedValue;
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
    for (size_t b = 0; b < counts.size(); ++b) {
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
    if (p.has_sum || stale) {
      Emit(labels, name + "_sum", time_ns, stale ? StaleNaN() : sum_value, start_ns, family);
    }
    Emit(std::move(labels), name + "_count", time_ns, stale ? StaleNaN() : count, start_ns, family);
  }
}

void Translation::Summary(const std::vector<Label>& common, const MetricView& metric) {
  const std::span<const SummaryPointView> points =
      MetricsRequestView::Slice(view_.summary_points, metric.points);
  std::string name = PrometheusMetricName(metric.name, metric.unit, OtlpMetricKind::kSummary);
  int family = Family(metric, name, MetricType::kSummary, points.size());
  if (family < 0) return;
  for (size_t i = 0; i < points.size(); ++i) {
    const SummaryPointView& p = points[i];
    const std::span<const QuantileView> quantiles =
        MetricsRequestView::Slice(view_.quantiles, p.quantile_values);
    bool quantiles_ok = std::isfinite(p.sum);
    for (const QuantileView& q : quantiles) {
      if (!(q.quantile >= 0 && q.quantile <= 1)) quantiles_ok = false;
    }
    if (!quantiles_ok) {
      Reject(metric.name, i, "summary sum must be finite and quantiles within [0, 1]");
      continue;
    }
    std::vector<Label> labels;
    if (!CheckTime(metric.name, i, p.start_time_unix_nano, p.time_unix_nano, true) ||
        !PointLabels(common, metric.name, p.attributes, i, &labels)) {
      continue;
    }
    const bool stale = p.flags & kNoRecordedValue;
    const auto t = static_cast<int64_t>(p.time_unix_nano);
    const auto s = static_cast<int64_t>(p.start_time_unix_nano);
    for (const QuantileView& q : quantiles) {
      std::vector<Label> ql = labels;
      InsertSorted(&ql, {"quantile", FormatGoFloat(q.quantile)});
      Emit(std::move(ql), name, t, stale ? StaleNaN() : q.value, s, family);
    }
    Emit(labels, name + "_sum", t, stale ? StaleNaN() : p.sum, s, family);
    Emit(std::move(labels), name + "_count", t, stale ? StaleNaN() : static_cast<double>(p.count),
         s, family);
  }
}

}  // namespace

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

void MetricsTranslator::Translate(const MetricsRequestView& view, int64_t now_ns,
                                  MetricBatch* batch, Rejections* rejections) const {
  Translation t(view, accumulator_, series_, limits_, now_ns, batch, rejections);
  batch->samples.reserve(batch->samples.size() + view.PointCount());
  if (series_ != nullptr) t.LookUpSeries();
  for (const ResourceMetricsView& rm : view.resource_metrics) {
    const std::span<const ScopeMetricsView> scopes =
        MetricsRequestView::Slice(view.scope_metrics, rm.scope_metrics);
    if (rm.resource.attributes.size() > static_cast<uint32_t>(limits_.max_attributes)) {
      int64_t n = 0;
      for (const ScopeMetricsView& sm : scopes) {
        for (const MetricView& m : MetricsRequestView::Slice(view.metrics, sm.metrics)) {
          n += m.points.size();
        }
      }
      rejections->Add(n, fmt::format("resource has {} attributes, limit is {}",
                                     rm.resource.attributes.size(), limits_.max_attributes));
      continue;
    }
    for (const ScopeMetricsView& sm : scopes) {
      t.BeginScope(rm.resource, sm.scope);
      for (const MetricView& metric : MetricsRequestView::Slice(view.metrics, sm.metrics)) {
        t.Metric(metric);
      }
    }
  }
}

Status MetricsTranslator::Translate(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request,
    int64_t now_ns, MetricBatch* batch, Rejections* rejections) const {
  MetricsRequestView view;
  if (Status st = ViewMetricsRequest(request, &view); !st.ok()) return st;
  Translate(view, now_ns, batch, rejections);
  return Status::Ok();
}

}  // namespace otelite::otlp
