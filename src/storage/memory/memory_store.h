// In-memory store behind the Appender interfaces: keeps every accepted sample and log entry
// until the durable stores (storage/tsdb, storage/logs) replace it. Samples and entries older
// than the retention are dropped as new data arrives. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/units.h"
#include "storage/appender.h"

namespace otelite {

class MemoryStore : public MetricAppender, public LogAppender {
 public:
  struct StoredSample {
    int64_t timestamp_ms;
    double value;
  };

  MemoryStore(Duration metrics_retention, Duration logs_retention)
      : metrics_retention_(metrics_retention), logs_retention_(logs_retention) {}

  Status AppendMetrics(const MetricBatch& batch) override;
  Status AppendLogs(const LogBatch& batch) override;

  size_t SeriesCount() const;
  size_t SampleCount() const;
  size_t LogEntryCount() const;
  // Copies of what is stored (for tests and diagnostics).
  std::map<Labels, std::vector<StoredSample>> MetricsSnapshot() const;
  std::map<Labels, std::vector<LogEntry>> LogsSnapshot() const;

 private:
  Duration metrics_retention_;
  Duration logs_retention_;
  mutable std::mutex mu_;
  std::unordered_map<Labels, std::vector<StoredSample>, LabelsHash> series_;
  std::unordered_map<Labels, std::vector<LogEntry>, LabelsHash> streams_;
  size_t samples_ = 0;
  size_t entries_ = 0;
};

}  // namespace otelite
