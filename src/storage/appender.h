// The write side of storage: everything that accepts data (the embedded stores, the
// exporter's latest-value table, `otelite tail`, later remote-write) implements these.
// Implementations are thread-safe: several ingest threads append concurrently.
#pragma once

#include <memory>
#include <vector>

#include "core/status.h"
#include "model/log.h"
#include "model/metric.h"

namespace otelite {

class MetricAppender {
 public:
  virtual ~MetricAppender() = default;
  // Appends all samples of the batch. A non-OK status means nothing of the batch is
  // guaranteed to be stored and the sender should retry (e.g. kResourceExhausted).
  virtual Status AppendMetrics(const MetricBatch& batch) = 0;
};

class LogAppender {
 public:
  virtual ~LogAppender() = default;
  virtual Status AppendLogs(const LogBatch& batch) = 0;
};

// Forwards every batch to each target in order; the first failure is returned, after all
// targets were tried. Targets are not owned and must outlive the fanout.
class FanoutAppender : public MetricAppender, public LogAppender {
 public:
  void AddMetricTarget(MetricAppender* target) { metric_targets_.push_back(target); }
  void AddLogTarget(LogAppender* target) { log_targets_.push_back(target); }

  Status AppendMetrics(const MetricBatch& batch) override {
    Status first;
    for (auto* t : metric_targets_) {
      Status st = t->AppendMetrics(batch);
      if (!st.ok() && first.ok()) first = st;
    }
    return first;
  }
  Status AppendLogs(const LogBatch& batch) override {
    Status first;
    for (auto* t : log_targets_) {
      Status st = t->AppendLogs(batch);
      if (!st.ok() && first.ok()) first = st;
    }
    return first;
  }

 private:
  std::vector<MetricAppender*> metric_targets_;
  std::vector<LogAppender*> log_targets_;
};

}  // namespace otelite
