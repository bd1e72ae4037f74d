// What range aggregations keep of an immutable shard of the store (storage/log_querier.h
// LogShard): the per-step accumulators its entries produced for one query shape, so that a
// dashboard's next load or refresh reads only what changed (the head, the newest segment)
// instead of the month behind it.
//
// A partial is valid for any query with the same shape: the range aggregation's function,
// selector, pipeline and unwrap, its effective grouping, the series limit, and either the width
// of the buckets its entries were counted in (range queries whose step, range, phase and offset
// are multiples of it) or, for a window that holds the whole shard (instant queries), nothing. The
// key is built by the evaluator (eval_range.cc); the cache only stores and evicts (least recently
// used first, within a byte budget).
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace otelite::logql {

// One window's running reduction of a range aggregation. `a`/`b` per function: sums (a, its
// Neumaier compensation b), min/max (a), first/last (a at time t), mean and M2 for the variance
// (a, b).
struct RangeAcc {
  double a = 0;
  double b = 0;
  int64_t t = 0;
  uint64_t n = 0;
};

// A shard's contribution: per output series (by the evaluator's label-set key) one accumulator
// per window of its grid: (u − grid_step, u] for u = grid_start + k·grid_step, k < grid_steps
// (for a whole-window total: one, grid_step unused).
struct RangePartial {
  int64_t grid_start = 0;
  size_t grid_steps = 0;
  int64_t grid_step = 0;
  std::vector<std::pair<std::string, std::vector<RangeAcc>>> series;
  bool limited = false;  // the series limit dropped some of the shard's entries

  size_t Bytes() const;
};

struct RangeCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t inserts = 0;
  uint64_t evictions = 0;
  uint64_t bytes = 0;
  uint64_t partials = 0;
};

class RangeResultCache {
 public:
  explicit RangeResultCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The partial stored under `key`, or null.
  std::shared_ptr<const RangePartial> Find(const std::string& key);
  // Stores (or replaces) `key`'s partial, evicting the least recently used ones beyond the
  // budget. A partial larger than the whole budget is not kept.
  void Insert(const std::string& key, std::shared_ptr<const RangePartial> partial);
  RangeCacheStats Stats() const;
  size_t max_bytes() const { return max_bytes_; }

 private:
  struct Entry {
    std::shared_ptr<const RangePartial> partial;
    size_t bytes = 0;
    std::list<std::string>::iterator lru;  // position in lru_ (front: most recent)
  };

  void EvictLocked();

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;
  size_t bytes_ = 0;
  RangeCacheStats stats_;
};

}  // namespace otelite::logql
