#include "promqltest/storage.h"

#include <fmt/format.h>

namespace otelite::promqltest {

void TestStorage::Clear() {
  tsdb::HeadOptions options;
  // Scripts load whole series at once, in order; late data never comes.
  options.out_of_order_window_ms = 0;
  head_ = std::make_unique<tsdb::Head>(options, nullptr);
}

Status TestStorage::Load(const LoadCommand& load, LoadStats* stats) {
  MetricBatch batch;
  batch.families.push_back({"", MetricType::kUnknown, "", ""});
  for (const SeriesLine& series : load.series) {
    ++stats->series;
    for (size_t k = 0; k < series.values.size(); ++k) {
      const SampleValue& v = series.values[k];
      if (v.kind == SampleValue::Kind::kAbsent) continue;
      if (v.kind == SampleValue::Kind::kHistogram) {
        ++stats->histograms;
        continue;
      }
      MetricSample sample;
      sample.labels = series.labels;
      sample.timestamp_ms = static_cast<int64_t>(k) * load.interval_ms;
      sample.value = v.value;  // kStale carries StaleNaN()
      batch.samples.push_back(std::move(sample));
    }
  }
  auto result = head_->Append(batch);
  if (!result.ok()) return result.status();
  // A series written twice in one block (aggregators.test does it) keeps its first value at a
  // timestamp, as Prometheus's head keeps it: the repeat is dropped, not an error.
  const uint64_t repeats =
      result->rejected[static_cast<size_t>(tsdb::RejectReason::kDuplicateTimestamp)];
  stats->repeated += repeats;
  if (result->RejectedTotal() > repeats) {
    return Status::Internal(fmt::format("load at line {}: {} samples refused: {}", load.line,
                                        result->RejectedTotal(), result->first_rejection));
  }
  stats->samples += result->appended;
  return Status::Ok();
}

}  // namespace otelite::promqltest
