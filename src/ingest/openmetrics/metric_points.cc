// The metrics and MetricPoints of the family being parsed (FamilyTracker's second half): which
// metric (label set) a sample belongs to, metrics not interleaved, where a MetricPoint ends,
// timestamps not going back, and the checks of a complete point (histogram +Inf bucket, _count
// matching it, _count with _sum, a counter's _total).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "core/float_format.h"
#include "ingest/openmetrics/family_tracker.h"  // the class this file implements half of

namespace otelite::openmetrics::internal {
namespace {

uint64_t MixHash(uint64_t h, std::string_view s) {
  h ^= std::hash<std::string_view>{}(s) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  return h * 0xFF51AFD7ED558CCDULL;
}

std::string Number(double v) { return FormatGoFloat(v); }

}  // namespace

// --- KeySet -------------------------------------------------------------------------------------

bool KeySet::Insert(uint64_t key) {
  if (key == 0) key = 1;
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
  size_t mask = slots_.size() - 1;
  for (size_t i = (key * 0x9E3779B97F4A7C15ULL) >> 20 & mask;; i = (i + 1) & mask) {
    if (slots_[i] == key) return false;
    if (slots_[i] == 0) {
      slots_[i] = key;
      ++size_;
      return true;
    }
  }
}

bool KeySet::Contains(uint64_t key) const {
  if (key == 0) key = 1;
  if (slots_.empty()) return false;
  size_t mask = slots_.size() - 1;
  for (size_t i = (key * 0x9E3779B97F4A7C15ULL) >> 20 & mask;; i = (i + 1) & mask) {
    if (slots_[i] == key) return true;
    if (slots_[i] == 0) return false;
  }
}

void KeySet::Grow() {
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(std::max<size_t>(16, old.size() * 2), 0);
  size_ = 0;
  for (uint64_t key : old) {
    if (key != 0) Insert(key);
  }
}

void KeySet::Clear() {
  if (slots_.size() > 1024) {
    slots_.clear();  // a big family does not make every later small one clear a big table
    slots_.shrink_to_fit();
  } else {
    std::fill(slots_.begin(), slots_.end(), 0);
  }
  size_ = 0;
}

bool PointKeys::Contains(uint64_t key) const {
  if (large_) return many_.Contains(key);
  return std::find(few_.begin(), few_.end(), key) != few_.end();
}

void PointKeys::Add(uint64_t key) {
  if (large_) {
    many_.Insert(key);
    return;
  }
  few_.push_back(key);
  if (few_.size() > kFew) {
    for (uint64_t k : few_) many_.Insert(k);
    large_ = true;
  }
}

void PointKeys::Clear() {
  few_.clear();
  if (large_) many_.Clear();
  large_ = false;
}

// --- Metrics and MetricPoints -------------------------------------------------------------------

bool FamilyTracker::SameMetric(const Sample& sample, int skip) const {
  size_t n = sample.labels.size() - (skip >= 0 ? 1 : 0);
  if (n != metric_label_count_) return false;
  size_t k = 0;
  for (size_t i = 0; i < sample.labels.size(); ++i) {
    if (static_cast<int>(i) == skip) continue;
    const auto& [name, value] = metric_labels_[k++];
    if (sample.labels[i].name != name || sample.labels[i].value != value) return false;
  }
  return true;
}

void FamilyTracker::RememberMetric(const Sample& sample, int skip) {
  metric_label_count_ = 0;
  for (size_t i = 0; i < sample.labels.size(); ++i) {
    if (static_cast<int>(i) == skip) continue;
    if (metric_label_count_ == metric_labels_.size()) metric_labels_.emplace_back();
    auto& [name, value] = metric_labels_[metric_label_count_++];
    name.assign(sample.labels[i].name);
    value.assign(sample.labels[i].value);
  }
}

std::string FamilyTracker::MetricText() const {
  std::string out = family_.name;
  if (metric_label_count_ == 0) return out;
  out.push_back('{');
  for (size_t i = 0; i < metric_label_count_; ++i) {
    if (i > 0) out.push_back(',');
    out += fmt::format("{}=\"{}\"", metric_labels_[i].first, metric_labels_[i].second);
  }
  out.push_back('}');
  return out;
}

Status FamilyTracker::PlaceInPoint(Role role, const Sample& sample, double timestamp_seconds,
                                   const PointLabel& point_label) {
  const int skip = point_label.index;
  if (!metric_open_ || !SameMetric(sample, skip)) {
    OTELITE_RETURN_IF_ERROR(EndPoint());
    uint64_t key = 0;
    for (size_t i = 0; i < sample.labels.size(); ++i) {
      if (static_cast<int>(i) == skip) continue;
      key = MixHash(MixHash(key, sample.labels[i].name), sample.labels[i].value);
    }
    RememberMetric(sample, skip);
    metric_open_ = true;
    if (!seen_metrics_.Insert(key)) {
      return LineError(sample.line,
                       fmt::format("{} \"{}\": metric {} appears again after other metrics of the "
                                   "family (metrics must not be interleaved)",
                                   FamilyTypeName(family_.type), family_.name, MetricText()));
    }
  } else {
    // The same metric: another sample of this MetricPoint, or the start of the next one.
    bool next_point = sample.has_timestamp != point_.has_timestamp ||
                      (sample.has_timestamp && timestamp_seconds != point_.timestamp);
    if (!next_point) {
      switch (role) {
        case Role::kBucket: {
          const auto& bounds = point_.bucket_bounds;
          if (!bounds.empty() && point_label.number <= bounds.back()) {
            if (std::find(bounds.begin(), bounds.end(), point_label.number) == bounds.end()) {
              return LineError(
                  sample.line,
                  fmt::format("{} \"{}\": buckets must be sorted by \"le\" (le=\"{}\" comes after "
                              "le=\"{}\")",
                              FamilyTypeName(family_.type), family_.name, sample.labels[skip].value,
                              Number(bounds.back())));
            }
            next_point = true;
          }
          break;
        }
        case Role::kQuantile:
        case Role::kState:
          next_point = point_.keys.Contains(point_label.key);
          break;
        default:
          next_point = (point_.roles & Bit(role)) != 0;
          break;
      }
    }
    if (next_point) {
      const bool had_timestamp = point_.has_timestamp;
      const double previous = point_.timestamp;
      OTELITE_RETURN_IF_ERROR(EndPoint());
      if (!had_timestamp && !sample.has_timestamp) {
        return LineError(sample.line,
                         fmt::format("{} repeats metric {} without timestamps (a metric with "
                                     "several MetricPoints needs a timestamp on each)",
                                     sample.name, MetricText()));
      }
      if (had_timestamp != sample.has_timestamp) {
        return LineError(sample.line, fmt::format("metric {} has MetricPoints with and without "
                                                  "timestamps",
                                                  MetricText()));
      }
      if (timestamp_seconds < previous) {
        return LineError(sample.line,
                         fmt::format("timestamp {} of metric {} is before the previous "
                                     "MetricPoint's {} (timestamps must not decrease)",
                                     Number(timestamp_seconds), MetricText(), Number(previous)));
      }
    }
  }
  if (point_.roles == 0) {
    point_.first_line = sample.line;
    point_.has_timestamp = sample.has_timestamp;
    point_.timestamp = timestamp_seconds;
  }
  return AddToPoint(role, sample, point_label);
}

Status FamilyTracker::AddToPoint(Role role, const Sample& sample, const PointLabel& point_label) {
  Point& p = point_;
  switch (role) {
    case Role::kBucket: {
      if (!p.bucket_bounds.empty() && sample.value < p.last_bucket_value) {
        return LineError(sample.line,
                         fmt::format("{} \"{}\": buckets must be cumulative (le=\"{}\" has {}, "
                                     "less than the previous bucket's {})",
                                     FamilyTypeName(family_.type), family_.name,
                                     sample.labels[point_label.index].value, Number(sample.value),
                                     Number(p.last_bucket_value)));
      }
      p.bucket_bounds.push_back(point_label.number);
      p.last_bucket_value = sample.value;
      if (point_label.number < 0) p.has_negative_bucket = true;
      if (point_label.number == std::numeric_limits<double>::infinity()) {
        p.has_inf_bucket = true;
        p.inf_bucket_value = sample.value;
      }
      break;
    }
    case Role::kCount:
    case Role::kGCount:
      p.count = sample.value;
      p.count_line = sample.line;
      break;
    case Role::kSum:
    case Role::kGSum:
      p.sum = sample.value;
      p.sum_line = sample.line;
      break;
    case Role::kQuantile:
    case Role::kState:
      p.keys.Add(point_label.key);
      break;
    default:
      break;
  }
  p.roles |= Bit(role);
  return Status::Ok();
}

Status FamilyTracker::EndPoint() {
  Point& p = point_;
  if (p.roles == 0) return Status::Ok();
  // The point is over whatever the verdict: take what the checks need, then reset.
  const uint32_t roles = p.roles;
  const bool has_inf_bucket = p.has_inf_bucket;
  const bool has_negative_bucket = p.has_negative_bucket;
  p.roles = 0;
  p.bucket_bounds.clear();
  p.has_negative_bucket = p.has_inf_bucket = false;
  p.keys.Clear();

  const char* type = FamilyTypeName(family_.type);
  if (family_.type == FamilyType::kCounter && !(roles & Bit(Role::kTotal))) {
    return LineError(p.first_line, fmt::format("counter \"{}\": MetricPoint of {} has no {}_total "
                                               "sample",
                                               family_.name, MetricText(), family_.name));
  }
  if (!IsHistogram(family_.type)) return Status::Ok();
  const bool gauge = family_.type == FamilyType::kGaugeHistogram;
  const std::string count = family_.name + (gauge ? "_gcount" : "_count");
  const std::string sum = family_.name + (gauge ? "_gsum" : "_sum");
  const bool has_count = roles & Bit(gauge ? Role::kGCount : Role::kCount);
  const bool has_sum = roles & Bit(gauge ? Role::kGSum : Role::kSum);
  if (!has_inf_bucket) {
    return LineError(p.first_line, fmt::format("{} \"{}\": MetricPoint of {} has no bucket with "
                                               "le=\"+Inf\"",
                                               type, family_.name, MetricText()));
  }
  if (!gauge && has_sum && has_negative_bucket && !options_.allow_negative_observations) {
    return LineError(p.sum_line,
                     fmt::format("histogram \"{}\" has a bucket with a negative \"le\", "
                                 "so it must not have {}",
                                 family_.name, sum));
  }
  if (gauge && has_sum && p.sum < 0 && !has_negative_bucket) {
    return LineError(p.sum_line, fmt::format("gaugehistogram \"{}\": {} is negative ({}) but no "
                                             "bucket has a negative \"le\"",
                                             family_.name, sum, Number(p.sum)));
  }
  if (has_count != has_sum) {
    return LineError(has_count ? p.count_line : p.sum_line,
                     fmt::format("{} \"{}\": {} and {} must both be present or both be absent",
                                 type, family_.name, count, sum));
  }
  if (has_count && p.count != p.inf_bucket_value) {
    return LineError(p.count_line,
                     fmt::format("{} \"{}\": {} is {} but the +Inf bucket is {}", type,
                                 family_.name, count, Number(p.count), Number(p.inf_bucket_value)));
  }
  return Status::Ok();
}

}  // namespace otelite::openmetrics::internal
