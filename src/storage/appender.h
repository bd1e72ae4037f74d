// The write side of storage: everything that accepts data (the embedded stores, the
// exporter's latest-value table, `otelite tail`, later remote-write) implements these.
// Implementations are thread-safe: several ingest threads append concurrently.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/log.h"
#include "model/metric.h"

namespace otelite {

// Samples a store refused individually (too old, conflicting duplicate, …) while accepting
// the rest of a batch.
struct AppendReport {
  uint64_t rejected = 0;
  std::string first_reason;
  void Add(uint64_t n, const std::string& reason) {
    if (n == 0) return;
    rejected += n;
    if (first_reason.empty()) first_reason = reason;
  }
};

class MetricAppender {
 public:
  virtual ~MetricAppender() = default;
  // Appends all samples of the batch. A non-OK status means nothing of the batch is
  // guaranteed to be stored and the sender should retry (e.g. kResourceExhausted).
  virtual Status AppendMetrics(const MetricBatch& batch) = 0;
  // The same, also telling which samples were refused one by one (stores that can refuse
  // single samples override it).
  virtual Status AppendMetricsReporting(const MetricBatch& batch, AppendReport* report) {
    (void)report;
    return AppendMetrics(batch);
  }
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
    AppendReport ignored;
    return AppendMetricsReporting(batch, &ignored);
  }
  Status AppendMetricsReporting(const MetricBatch& batch, AppendReport* report) override {
    Status first;
    for (auto* t : metric_targets_) {
      Status st = t->AppendMetricsReporting(batch, report);
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
