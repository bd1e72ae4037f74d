#include "ingest/remote_write/remote_write.h"

#include <fmt/format.h>
#include <snappy.h>

#include <algorithm>
#include <unordered_set>

#include "prometheus/remote.pb.h"

namespace otelite::remote_write {
namespace {

constexpr int kMaxReasons = 3;

void Reason(DecodeStats* stats, int* reasons, const std::string& reason) {
  if (*reasons < kMaxReasons) {
    if (!stats->first_reasons.empty()) stats->first_reasons += "; ";
    stats->first_reasons += reason;
  }
  ++*reasons;
}

MetricType ModelType(prometheus::MetricMetadata::MetricType type) {
  switch (type) {
    case prometheus::MetricMetadata::COUNTER:
      return MetricType::kCounter;
    case prometheus::MetricMetadata::GAUGE:
      return MetricType::kGauge;
    case prometheus::MetricMetadata::HISTOGRAM:
      return MetricType::kHistogram;
    case prometheus::MetricMetadata::SUMMARY:
      return MetricType::kSummary;
    default:
      return MetricType::kUnknown;
  }
}

}  // namespace

Status Decode(std::string_view body, uint64_t max_bytes, MetricBatch* batch, DecodeStats* stats) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), &length)) {
    return Status::InvalidArgument("body is not snappy-compressed (block format)");
  }
  if (length > max_bytes) {
    return Status::TooLarge(
        fmt::format("body inflates to {} bytes, more than the limit of {}", length, max_bytes));
  }
  std::string raw;
  if (!snappy::Uncompress(body.data(), body.size(), &raw)) {
    return Status::InvalidArgument("body is not valid snappy data");
  }
  prometheus::WriteRequest request;
  if (!request.ParseFromString(raw)) {
    return Status::InvalidArgument("body is not a protobuf prometheus.WriteRequest");
  }
  batch->families.push_back({"", MetricType::kUnknown, "", ""});
  int reasons = 0;
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const prometheus::TimeSeries& ts = request.timeseries(i);
    ++stats->series;
    stats->histograms += static_cast<uint64_t>(ts.histograms_size());
    stats->exemplars += static_cast<uint64_t>(ts.exemplars_size());
    std::vector<Label> labels;
    labels.reserve(static_cast<size_t>(ts.labels_size()));
    for (const auto& l : ts.labels()) {
      if (l.value().empty()) continue;  // an empty value is no label
      labels.push_back({l.name(), l.value()});
    }
    std::sort(labels.begin(), labels.end(),
              [](const Label& a, const Label& b) { return a.name < b.name; });
    std::string problem;
    for (size_t k = 0; k < labels.size() && problem.empty(); ++k) {
      if (labels[k].name.empty()) problem = "empty label name";
      if (k > 0 && labels[k].name == labels[k - 1].name) {
        problem = fmt::format("duplicate label name \"{}\"", labels[k].name);
      }
    }
    const bool has_name = std::any_of(labels.begin(), labels.end(),
                                      [](const Label& l) { return l.name == kMetricNameLabel; });
    if (problem.empty() && !has_name) problem = "no __name__ label";
    if (!problem.empty()) {
      ++stats->rejected_series;
      stats->rejected_samples += static_cast<uint64_t>(ts.samples_size());
      Reason(stats, &reasons, fmt::format("series {}: {}", i, problem));
      continue;
    }
    const Labels series(std::move(labels));
    for (const auto& s : ts.samples()) {
      MetricSample sample;
      sample.labels = series;
      sample.timestamp_ms = s.timestamp();
      sample.value = s.value();
      batch->samples.push_back(std::move(sample));
      ++stats->samples;
    }
  }
  std::unordered_set<std::string_view> seen;
  for (const prometheus::MetricMetadata& m : request.metadata()) {
    if (m.metric_family_name().empty() || !seen.insert(m.metric_family_name()).second) continue;
    batch->families.push_back({m.metric_family_name(), ModelType(m.type()), m.help(), m.unit()});
    ++stats->metadata;
  }
  if (stats->histograms > 0) {
    Reason(stats, &reasons,
           fmt::format("{} native histogram samples not stored (otelite stores float samples only)",
                       stats->histograms));
  }
  return Status::Ok();
}

}  // namespace otelite::remote_write
