// The metric metadata store: the latest type, help and unit received for each metric family
// name, as Prometheus's GET /api/v1/metadata lists them, kept across restarts in one small file
// (docs/formats/metric_metadata.md).
//
// It is a MetricAppender in the ingest fanout. On the hot path a batch costs one read-locked
// lookup per family; the map is write-locked only when a family is new or its metadata
// changed. Families with an empty name (remote-write samples carry none) or no metadata at all
// (unknown type, no help, no unit) are not recorded.
//
// Persistence: Save() writes the file (temp file, fsync, rename, fsync of the directory) when
// something changed since the last save; the server calls it from its maintenance loop and at
// shutdown, so a crash loses at most the changes of the last interval, which the next batch of
// the same metrics brings back. Load() at start; a damaged file is reported and the store
// starts empty.
//
// Expiry: each entry remembers when it was last received (at a resolution of an hour, so that
// refreshing it stays off the write path); Expire(retention) drops entries not received for
// `retention` before the newest one, as the metrics store's retention counts from its newest
// data.
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/appender.h"

namespace otelite {

struct MetricMetadata {
  MetricType type = MetricType::kUnknown;
  std::string help;
  std::string unit;

  bool operator==(const MetricMetadata&) const = default;
};

struct MetadataStoreOptions {
  // The file it is kept in; empty keeps it in memory only (Load and Save do nothing).
  std::string path;
  // Wall-clock milliseconds; tests replace it.
  std::function<int64_t()> now_ms;
};

class MetadataStore : public MetricAppender {
 public:
  // How stale an entry's last-received time may get before a batch refreshes it.
  static constexpr int64_t kSeenResolutionMs = 3600'000;

  explicit MetadataStore(MetadataStoreOptions options);

  // Reads the file when it exists (a missing file is an empty store). kInvalidArgument naming
  // the file when it is damaged or of an unknown version (the store is then left empty);
  // kIoError when it cannot be read.
  Status Load();

  // Records the metadata of every family in the batch; never fails.
  Status AppendMetrics(const MetricBatch& batch) override;

  // (family name, metadata), sorted by name; only `metric` when it is not empty.
  std::vector<std::pair<std::string, MetricMetadata>> List(std::string_view metric = {}) const;
  size_t size() const;

  // Drops entries last received more than `retention_ms` before the newest entry; returns how
  // many. A retention of 0 or less keeps everything.
  size_t Expire(int64_t retention_ms);

  // Writes the file if anything changed since the last successful Save (or Load).
  Status Save();

 private:
  struct Entry {
    MetricMetadata metadata;
    std::atomic<int64_t> last_seen_ms{0};
  };
  static bool Recordable(const MetricFamily& family);
  static bool Same(const MetricMetadata& stored, const MetricFamily& family);
  // Refreshes the entry's last-received time when it is older than kSeenResolutionMs.
  void Touch(Entry& entry, int64_t now_ms);
  Status Parse(const std::string& text);

  const MetadataStoreOptions options_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  // Bumped by every change that Save must write; Save remembers the value it wrote.
  std::atomic<uint64_t> changes_{0};
  std::mutex save_mu_;          // one Save at a time
  uint64_t saved_changes_ = 0;  // guarded by save_mu_
};

}  // namespace otelite
