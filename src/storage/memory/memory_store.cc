#include "storage/memory/memory_store.h"

#include <algorithm>

namespace otelite {

Status MemoryStore::AppendMetrics(const MetricBatch& batch) {
  const int64_t cutoff_ms = NowUnixMillis() - metrics_retention_.count();
  std::lock_guard lock(mu_);
  for (const auto& s : batch.samples) {
    auto& samples = series_[s.labels];
    if (!samples.empty() && samples.front().timestamp_ms < cutoff_ms) {
      auto keep = std::find_if(samples.begin(), samples.end(),
                               [cutoff_ms](const StoredSample& x) { return x.timestamp_ms >= cutoff_ms; });
      samples_ -= keep - samples.begin();
      samples.erase(samples.begin(), keep);
    }
    samples.push_back({s.timestamp_ms, s.value});
    ++samples_;
  }
  return Status::Ok();
}

Status MemoryStore::AppendLogs(const LogBatch& batch) {
  const int64_t cutoff_ns = NowUnixNanos() - logs_retention_.count() * 1'000'000;
  std::lock_guard lock(mu_);
  for (const auto& stream : batch.streams) {
    auto& entries = streams_[stream.labels];
    if (!entries.empty() && entries.front().timestamp_ns < cutoff_ns) {
      auto keep = std::find_if(entries.begin(), entries.end(),
                               [cutoff_ns](const LogEntry& e) { return e.timestamp_ns >= cutoff_ns; });
      entries_ -= keep - entries.begin();
      entries.erase(entries.begin(), keep);
    }
    entries.insert(entries.end(), stream.entries.begin(), stream.entries.end());
    entries_ += stream.entries.size();
  }
  return Status::Ok();
}

size_t MemoryStore::SeriesCount() const {
  std::lock_guard lock(mu_);
  return series_.size();
}

size_t MemoryStore::SampleCount() const {
  std::lock_guard lock(mu_);
  return samples_;
}

size_t MemoryStore::LogEntryCount() const {
  std::lock_guard lock(mu_);
  return entries_;
}

std::map<Labels, std::vector<MemoryStore::StoredSample>> MemoryStore::MetricsSnapshot() const {
  std::lock_guard lock(mu_);
  return {series_.begin(), series_.end()};
}

std::map<Labels, std::vector<LogEntry>> MemoryStore::LogsSnapshot() const {
  std::lock_guard lock(mu_);
  return {streams_.begin(), streams_.end()};
}

}  // namespace otelite
