#include "promqltest/storage.h"

#include <fmt/format.h>

#include <map>

namespace otelite::promqltest {

void TestStorage::Clear() {
  tsdb::HeadOptions options;
  // Scripts load whole series at once, in order; late data never comes.
  options.out_of_order_window_ms = 0;
  head_ = std::make_unique<tsdb::Head>(options, nullptr);
}

Status TestStorage::Load(const LoadCommand& load, LoadStats* stats) {
  // A series written twice in one block (aggregators.test does it) keeps its last value at a
  // timestamp, as Prometheus's test loader does (its expectations count the later value).
  std::map<Labels, std::map<int64_t, double>> values;
  for (const SeriesLine& series : load.series) {
    ++stats->series;
    auto& points = values[series.labels];
    for (size_t k = 0; k < series.values.size(); ++k) {
      const SampleValue& v = series.values[k];
      if (v.kind == SampleValue::Kind::kAbsent) continue;
      if (v.kind == SampleValue::Kind::kHistogram) {
        ++stats->histograms;
        continue;
      }
      auto [it, inserted] =
          points.insert_or_assign(static_cast<int64_t>(k) * load.interval_ms, v.value);
      if (!inserted) ++stats->repeated;  // kStale carries StaleNaN()
    }
  }
  MetricBatch batch;
  batch.families.push_back({"", MetricType::kUnknown, "", ""});
  for (const auto& [labels, points] : values) {
    for (const auto& [t, v] : points) {
      MetricSample sample;
      sample.labels = labels;
      sample.timestamp_ms = t;
      sample.value = v;
      batch.samples.push_back(std::move(sample));
    }
  }
  auto result = head_->Append(batch);
  if (!result.ok()) return result.status();
  if (result->RejectedTotal() > 0) {
    return Status::Internal(fmt::format("load at line {}: {} samples refused: {}", load.line,
                                        result->RejectedTotal(), result->first_rejection));
  }
  stats->samples += result->appended;
  return Status::Ok();
}

}  // namespace otelite::promqltest
