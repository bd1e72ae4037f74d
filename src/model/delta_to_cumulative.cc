#include "model/delta_to_cumulative.h"

#include <algorithm>

namespace otelite {

DeltaToCumulative::Outcome DeltaToCumulative::Add(const Labels& key, const Point& point,
                                                  int64_t now_ns, Cumulative* out,
                                                  AnchorSlot* slot) {
  Shard& shard = shards_[key.Hash() % kShards];
  std::lock_guard lock(shard.mu);
  if (slot != nullptr && !slot->Claim(owner_id_)) slot = nullptr;
  State* state = slot != nullptr ? slot->Get<State>() : nullptr;
  bool inserted = false;
  if (state == nullptr || state->dead) {
    auto [it, fresh] = shard.series.try_emplace(key);
    if (fresh) it->second = std::make_shared<State>();
    inserted = fresh;
    state = it->second.get();
    if (slot != nullptr) slot->Set(it->second);
  }
  State& s = *state;
  bool restart = inserted || s.layout != point.layout || s.count != point.values.size();
  if (!restart && point.start_ns == s.last_start_ns && point.end_ns == s.last_end_ns) {
    s.updated_wall_ns = now_ns;
    return Outcome::kDuplicate;
  }
  if (restart) {
    s.start_ns = point.start_ns != 0 ? point.start_ns : point.end_ns;
    s.layout = point.layout;
    s.Assign(point.values);
    s.last_start_ns = point.start_ns;
    s.last_end_ns = point.end_ns;
  } else {
    std::span<double> values = s.Values();
    for (size_t i = 0; i < values.size(); ++i) values[i] += point.values[i];
    if (point.end_ns > s.last_end_ns) {
      s.last_start_ns = point.start_ns;
      s.last_end_ns = point.end_ns;
    }
    // A point that started before the series did widens it (late first interval).
    if (point.start_ns != 0 && point.start_ns < s.start_ns) s.start_ns = point.start_ns;
  }
  s.updated_wall_ns = now_ns;
  out->start_ns = s.start_ns;
  out->timestamp_ns = s.last_end_ns;
  const std::span<const double> values = s.Values();
  out->values.assign(values.begin(), values.end());  // reuses the caller's capacity
  return Outcome::kAccepted;
}

size_t DeltaToCumulative::Expire(int64_t now_ns) {
  const int64_t cutoff =
      now_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(idle_expiry_).count();
  size_t removed = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mu);
    removed += std::erase_if(shard.series, [cutoff](const auto& kv) {
      if (kv.second->updated_wall_ns >= cutoff) return false;
      kv.second->dead = true;  // anchor slots holding it resolve the series again
      return true;
    });
  }
  return removed;
}

size_t DeltaToCumulative::SeriesCount() const {
  size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.series.size();
  }
  return n;
}

}  // namespace otelite
