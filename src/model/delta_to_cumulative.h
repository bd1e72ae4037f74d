// Turns OTLP delta points into cumulative series, per series, the way the collector's
// Prometheus exporter accumulates them, with stricter bookkeeping:
//   - deltas are additive: every accepted delta is added, also across gaps between intervals
//     (the collector restarts a series on a gap and loses what came before);
//   - a point repeating the last (start, end) interval is a retry: ignored, not added twice;
//   - a late point (ending before the last one) is still added; the cumulative value keeps the
//     latest timestamp, so totals stay true;
//   - a histogram whose bucket bounds change starts a new cumulative series at that point;
//   - state for series idle longer than `idle_expiry` is dropped by Expire().
// Thread-safe (sharded locks).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/labels.h"
#include "core/units.h"

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

  explicit DeltaToCumulative(Duration idle_expiry) : idle_expiry_(idle_expiry) {}

  // Adds `point` to the series `key` and writes the resulting cumulative state to *out
  // (untouched for kDuplicate). `now_ns` is the wall clock used for expiry.
  Outcome Add(const Labels& key, const Point& point, int64_t now_ns, Cumulative* out);

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
    std::vector<double> values;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<Labels, State, LabelsHash> series;
  };
  static constexpr size_t kShards = 16;

  Duration idle_expiry_;
  std::array<Shard, kShards> shards_;
};

}  // namespace otelite
