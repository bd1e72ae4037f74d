// The collector's Prometheus exporter state: the latest sample of every series, as
// otelcol-contrib's `prometheus` exporter keeps it, ready to be scraped from /metrics.
//
// Contract:
//  - Per series (its Labels, __name__ included) the registry holds the sample with the
//    newest sample timestamp: an older sample than the one held is ignored, an equal
//    timestamp overwrites. With the value it keeps the family metadata of the batch it came
//    in (the latest metadata seen for a family name wins for the whole family) and the wall
//    time of the last accepted update.
//  - A stale-NaN sample (IsStaleNaN) removes its series, unless the series holds a newer
//    sample than the marker.
//  - A series not updated for longer than `expiration` is expired: it is never exposed, and
//    Expire() (which the server calls periodically) drops it from memory.
//  - Thread-safe. Series live in shards with a mutex each; appends lock one shard at a
//    time, and exposition copies a shard out under its lock and formats outside any lock,
//    so a scrape never holds up ingest for longer than one shard copy.
//  - Series references (model/series_anchor.h): a sample whose anchor's `exporter` slot this
//    registry owns finds its entry through the slot (under the shard lock of its labels' hash)
//    instead of a lookup by labels. Entries are shared with the slots; an entry leaving the
//    table (stale marker, Expire) is marked removed under the shard lock, and a slot holding a
//    removed entry is resolved again by labels, so an update never goes to a dropped entry.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/units.h"
#include "export/prometheus/exposition_format.h"
#include "storage/appender.h"

namespace otelite {

class ExpositionRegistry : public MetricAppender {
 public:
  // The collector's default `metric_expiration`.
  static constexpr Duration kDefaultExpiration = std::chrono::minutes(180);

  explicit ExpositionRegistry(Duration expiration = kDefaultExpiration);
  ExpositionRegistry(const ExpositionRegistry&) = delete;
  ExpositionRegistry& operator=(const ExpositionRegistry&) = delete;

  // Applies the batch with the current wall time as update time. InvalidArgument (and
  // nothing applied) when a sample has no __name__ or points at a family the batch lacks.
  Status AppendMetrics(const MetricBatch& batch) override;
  // The same with an explicit update time in Unix milliseconds (tests, replays).
  Status AppendMetricsAt(const MetricBatch& batch, int64_t now_ms);

  // Drops the series last updated more than `expiration` before `now_ms`; returns how many.
  // Drops expired series; their labels are added to *expired when given.
  size_t Expire(int64_t now_ms, std::vector<Labels>* expired = nullptr);

  // Series held, including expired ones that Expire() has not dropped yet.
  size_t size() const;

  // The live series (not expired at `now_ms`) followed by the self-metrics provider's
  // batch: the content of one exposition. Families are unsorted; samples point at them.
  MetricBatch Snapshot(int64_t now_ms) const;

  // Appends the body of a /metrics response in `format` for the content at `now_ms`.
  void AppendExposition(ExpositionFormat format, int64_t now_ms, std::string* out) const;

  // Sets the function that fills the otelite_* self-metrics (with current wall-clock
  // timestamps) into a fresh batch on every exposition. It is called without any registry
  // lock held, possibly from several scrapes at once. An empty function removes it.
  void SetSelfMetricsProvider(std::function<void(MetricBatch*)> provider);

 private:
  static constexpr size_t kShardCount = 16;

  struct Series {
    Labels labels;
    double value;
    int64_t timestamp_ms;
    int64_t updated_ms;    // wall time of the last accepted update
    uint32_t family_id;    // index into families_
    bool removed = false;  // left the table (anchor slots may still hold it)
  };

  struct Shard {
    mutable std::mutex mu;
    // Keyed by Labels::Hash(); collisions are told apart by comparing the labels. Entries are
    // shared with anchor slots.
    std::unordered_multimap<uint64_t, std::shared_ptr<Series>> series;
  };

  // Returns the family ids of `batch.families`, registering new names and replacing
  // changed metadata.
  std::vector<uint32_t> InternFamilies(const MetricBatch& batch);
  void ApplySample(Shard& shard, uint64_t hash, const MetricSample& sample, uint32_t family_id,
                   int64_t now_ms);
  // Applies the sample to `series`, found in the table; false when a stale marker means the
  // series must leave the table (the caller erases it).
  bool Update(Series& series, const MetricSample& sample, uint32_t family_id, int64_t now_ms);
  void Erase(Shard& shard, uint64_t hash, const Series* series);
  bool Expired(const Series& series, int64_t now_ms) const;

  const int64_t expiration_ms_;
  const uint64_t owner_id_;  // for anchor slots
  std::array<Shard, kShardCount> shards_;

  mutable std::mutex families_mu_;      // never held together with a shard lock
  std::vector<MetricFamily> families_;  // by family id; ids are never reused
  std::unordered_map<std::string, uint32_t> family_ids_;

  mutable std::mutex provider_mu_;
  std::function<void(MetricBatch*)> self_metrics_provider_;
};

}  // namespace otelite
