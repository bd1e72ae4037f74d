// Turns OTLP delta points into cumulative series, per series, the way the collector's
// Prometheus exporter accumulates them, with stricter bookkeeping:
//   - deltas are additive: every accepted delta is added, also across gaps between intervals
//     (the collector restarts a series on a gap and loses what came before);
//   - a point repeating the last (start, end) interval is a retry: ignored, not added twice;
//   - a late point (ending before the last one) is still added; the cumulative value keeps the
//     latest timestamp, so totals stay true;
//   - a histogram whose bucket bounds change starts a new cumulative series at that point;
//   - state for series idle longer than `idle_expiry` is dropped by Expire().
// A caller that keeps a SeriesAnchor per series passes its `delta` slot: the state is then found
// through the slot instead of by a hash lookup of the labels (model/series_anchor.h; the slot
// is used under the shard lock of the labels, and state dropped by Expire is marked dead, so
// the slot is re-resolved by labels and the result is the same as without it).
// Thread-safe (sharded locks).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/labels.h"
#include "core/units.h"
#include "model/series_anchor.h"

namespace otelite {

class DeltaToCumulative {
 public:
  enum class Outcome { kAccepted, kDuplicate };

  struct Point {
    int64_t start_ns = 0;
    int64_t end_ns = 0;
    // Values summed element-wise: one value for a number; for a histogram the bucket counts
    // followed by sum and count.
    std::span<const double> values;
    // Identifies the layout (e.g. a hash of the histogram's bucket bounds); a change resets.
    uint64_t layout = 0;
  };

  struct Cumulative {
    int64_t start_ns = 0;      // when the cumulative series began
    int64_t timestamp_ns = 0;  // the latest end time seen
    std::vector<double> values;
  };

  explicit DeltaToCumulative(Duration idle_expiry)
      : idle_expiry_(idle_expiry), owner_id_(AnchorSlot::NewOwnerId()) {}

  // Adds `point` to the series `key` and writes the resulting cumulative state to *out
  // (untouched for kDuplicate). `now_ns` is the wall clock used for expiry. `slot` (may be
  // null) is the delta slot of the series' anchor; every call with a slot must pass the same
  // `key` for it.
  Outcome Add(const Labels& key, const Point& point, int64_t now_ns, Cumulative* out,
              AnchorSlot* slot = nullptr);

  // Drops state of series not updated since now_ns - idle_expiry. Returns how many.
  size_t Expire(int64_t now_ns);
  size_t SeriesCount() const;

 private:
  struct State {
    int64_t start_ns = 0;
    int64_t last_start_ns = 0;
    int64_t last_end_ns = 0;
    int64_t updated_wall_ns = 0;
    uint64_t layout = 0;
    bool dead = false;  // dropped by Expire (anchor slots may still hold it)
    // The running values: a number's one value inline (no second allocation to miss in the
    // cache), a histogram's several in a vector.
    size_t count = 0;
    double single = 0;
    std::vector<double> several;
    std::span<double> Values() {
      return count == 1 ? std::span<double>(&single, 1) : std::span<double>(several);
    }
    void Assign(std::span<const double> values) {
      count = values.size();
      if (count == 1) {
        single = values[0];
      } else {
        several.assign(values.begin(), values.end());
      }
    }
  };
  struct Shard {
    mutable std::mutex mu;
    // Shared with anchor slots (held under `mu` only).
    std::unordered_map<Labels, std::shared_ptr<State>, LabelsHash> series;
  };
  static constexpr size_t kShards = 16;

  Duration idle_expiry_;
  const uint64_t owner_id_;
  std::array<Shard, kShards> shards_;
};

}  // namespace otelite
