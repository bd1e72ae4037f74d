#include "export/prometheus/exposition_registry.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

namespace otelite {
namespace {

constexpr uint32_t kNoFamily = UINT32_MAX;

size_t ShardOf(uint64_t hash, size_t shard_count) {
  return static_cast<size_t>((hash ^ (hash >> 32)) % shard_count);
}

// Whether the labels hold a __name__. It sorts after upper-case names and before lower-case
// ones, so it is usually the first label: checked before a binary search.
bool HasMetricName(const Labels& labels) {
  const auto& items = labels.items();
  if (!items.empty() && items.front().name == kMetricNameLabel) {
    return !items.front().value.empty();
  }
  return !labels.Get(kMetricNameLabel).empty();
}

}  // namespace

ExpositionRegistry::ExpositionRegistry(Duration expiration)
    : expiration_ms_(expiration.count()), owner_id_(AnchorSlot::NewOwnerId()) {}

Status ExpositionRegistry::AppendMetrics(const MetricBatch& batch) {
  return AppendMetricsAt(batch, NowUnixMillis());
}

Status ExpositionRegistry::AppendMetricsAt(const MetricBatch& batch, int64_t now_ms) {
  // Validate everything first so that a bad batch changes nothing.
  for (const MetricSample& sample : batch.samples) {
    if (sample.family >= batch.families.size()) {
      return Status::InvalidArgument("sample " + sample.labels.ToString() + ": family index " +
                                     std::to_string(sample.family) + " out of range (batch has " +
                                     std::to_string(batch.families.size()) + " families)");
    }
    if (!HasMetricName(sample.labels)) {
      return Status::InvalidArgument("sample " + sample.labels.ToString() + ": no __name__ label");
    }
  }
  if (batch.samples.empty()) return Status::Ok();
  std::vector<uint32_t> family_ids = InternFamilies(batch);

  // Order the samples by shard (stable, so a later sample of a series in the same batch
  // still wins) and lock each shard once.
  const size_t n = batch.samples.size();
  std::vector<uint64_t> hashes(n);
  std::array<size_t, kShardCount + 1> starts{};
  for (size_t i = 0; i < n; ++i) {
    if (batch.samples[i].anchor != nullptr) batch.samples[i].anchor->exporter.Prefetch();
    hashes[i] = batch.samples[i].labels.Hash();
    ++starts[ShardOf(hashes[i], kShardCount) + 1];
  }
  for (size_t s = 0; s < kShardCount; ++s) starts[s + 1] += starts[s];
  std::vector<uint32_t> order(n);
  std::array<size_t, kShardCount> cursor;
  std::copy(starts.begin(), starts.begin() + kShardCount, cursor.begin());
  for (size_t i = 0; i < n; ++i) {
    order[cursor[ShardOf(hashes[i], kShardCount)]++] = static_cast<uint32_t>(i);
  }
  for (size_t s = 0; s < kShardCount; ++s) {
    if (starts[s] == starts[s + 1]) continue;
    Shard& shard = shards_[s];
    std::lock_guard<std::mutex> lock(shard.mu);
    for (size_t k = starts[s]; k < starts[s + 1]; ++k) {
      const MetricSample& sample = batch.samples[order[k]];
      ApplySample(shard, hashes[order[k]], sample, family_ids[sample.family], now_ms);
    }
  }
  return Status::Ok();
}

std::vector<uint32_t> ExpositionRegistry::InternFamilies(const MetricBatch& batch) {
  std::vector<uint32_t> ids(batch.families.size(), kNoFamily);
  std::vector<bool> referenced(batch.families.size(), false);
  for (const MetricSample& sample : batch.samples) referenced[sample.family] = true;
  std::lock_guard<std::mutex> lock(families_mu_);
  for (size_t i = 0; i < batch.families.size(); ++i) {
    if (!referenced[i]) continue;
    const MetricFamily& family = batch.families[i];
    auto [it, inserted] =
        family_ids_.try_emplace(family.name, static_cast<uint32_t>(families_.size()));
    if (inserted) {
      families_.push_back(family);
    } else {
      MetricFamily& current = families_[it->second];
      if (current.type != family.type || current.help != family.help ||
          current.unit != family.unit) {
        current = family;
      }
    }
    ids[i] = it->second;
  }
  return ids;
}

void ExpositionRegistry::ApplySample(Shard& shard, uint64_t hash, const MetricSample& sample,
                                     uint32_t family_id, int64_t now_ms) {
  AnchorSlot* slot = nullptr;
  if (sample.anchor != nullptr && sample.anchor->exporter.Claim(owner_id_)) {
    slot = &sample.anchor->exporter;
    if (Series* series = slot->Get<Series>(); series != nullptr && !series->removed) {
      if (!Update(*series, sample, family_id, now_ms)) Erase(shard, hash, series);
      return;
    }
  }
  auto [begin, end] = shard.series.equal_range(hash);
  for (auto it = begin; it != end; ++it) {
    Series& series = *it->second;
    if (series.labels != sample.labels) continue;
    if (slot != nullptr) slot->Set(it->second);
    if (!Update(series, sample, family_id, now_ms)) {
      series.removed = true;
      shard.series.erase(it);
    }
    return;
  }
  if (IsStaleNaN(sample.value)) return;
  auto series = std::make_shared<Series>(
      Series{sample.labels, sample.value, sample.timestamp_ms, now_ms, family_id});
  if (slot != nullptr) slot->Set(series);
  shard.series.emplace(hash, std::move(series));
}

bool ExpositionRegistry::Update(Series& series, const MetricSample& sample, uint32_t family_id,
                                int64_t now_ms) {
  // An expired series counts as gone even before Expire() dropped it.
  if (sample.timestamp_ms < series.timestamp_ms && !Expired(series, now_ms)) return true;
  if (IsStaleNaN(sample.value)) return false;
  series.value = sample.value;
  series.timestamp_ms = sample.timestamp_ms;
  series.updated_ms = now_ms;
  series.family_id = family_id;
  return true;
}

void ExpositionRegistry::Erase(Shard& shard, uint64_t hash, const Series* series) {
  auto [begin, end] = shard.series.equal_range(hash);
  for (auto it = begin; it != end; ++it) {
    if (it->second.get() != series) continue;
    it->second->removed = true;
    shard.series.erase(it);
    return;
  }
}

bool ExpositionRegistry::Expired(const Series& series, int64_t now_ms) const {
  // The collector keeps a series while now - updated <= metric_expiration.
  return now_ms - series.updated_ms > expiration_ms_;
}

size_t ExpositionRegistry::Expire(int64_t now_ms, std::vector<Labels>* expired) {
  size_t dropped = 0;
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (auto it = shard.series.begin(); it != shard.series.end();) {
      if (Expired(*it->second, now_ms)) {
        if (expired != nullptr) expired->push_back(it->second->labels);
        it->second->removed = true;
        it = shard.series.erase(it);
        ++dropped;
      } else {
        ++it;
      }
    }
  }
  return dropped;
}

size_t ExpositionRegistry::size() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    total += shard.series.size();
  }
  return total;
}

MetricBatch ExpositionRegistry::Snapshot(int64_t now_ms) const {
  MetricBatch batch;
  // Copy the series first, one shard at a time; sample.family holds the family id until
  // the ids are mapped to batch indices below (ids seen here all exist by then).
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    batch.samples.reserve(batch.samples.size() + shard.series.size());
    for (const auto& [hash, entry] : shard.series) {
      const Series& series = *entry;
      if (Expired(series, now_ms)) continue;
      batch.samples.push_back(MetricSample{.labels = series.labels,
                                           .timestamp_ms = series.timestamp_ms,
                                           .value = series.value,
                                           .family = series.family_id});
    }
  }
  {
    std::lock_guard<std::mutex> lock(families_mu_);
    std::vector<uint32_t> batch_index(families_.size(), kNoFamily);
    for (MetricSample& sample : batch.samples) {
      uint32_t& index = batch_index[sample.family];
      if (index == kNoFamily) {
        index = static_cast<uint32_t>(batch.families.size());
        batch.families.push_back(families_[sample.family]);
      }
      sample.family = index;
    }
  }

  std::function<void(MetricBatch*)> provider;
  {
    std::lock_guard<std::mutex> lock(provider_mu_);
    provider = self_metrics_provider_;
  }
  if (provider) {
    MetricBatch self;
    provider(&self);
    const size_t offset = batch.families.size();
    for (MetricFamily& family : self.families) batch.families.push_back(std::move(family));
    for (MetricSample& sample : self.samples) {
      if (sample.family >= self.families.size()) continue;
      sample.family += static_cast<uint32_t>(offset);
      batch.samples.push_back(std::move(sample));
    }
  }
  return batch;
}

void ExpositionRegistry::AppendExposition(ExpositionFormat format, int64_t now_ms,
                                          std::string* out) const {
  ::otelite::AppendExposition(Snapshot(now_ms), format, out);
}

void ExpositionRegistry::SetSelfMetricsProvider(std::function<void(MetricBatch*)> provider) {
  std::lock_guard<std::mutex> lock(provider_mu_);
  self_metrics_provider_ = std::move(provider);
}

}  // namespace otelite
