// The head: the newest entries of every stream, in memory, columnar. Per stream a list of
// sealed runs (immutable, each sorted by time) and one open chunk that takes appends; the open
// chunk is sealed when it reaches `chunk_entries`. Out-of-order entries are accepted: a run is
// sorted when sealed, runs of a stream may overlap in time and readers merge them.
//
// Thread safety: Apply calls are serialised by the caller (the store's append lock); readers
// (Select) may run concurrently with Apply (each stream has its own lock, held briefly).
// Detach, DropBefore and All need the caller to exclude appends (and Detach readers too).
#pragma once

#include <atomic>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/labels.h"
#include "storage/logs/run.h"
#include "storage/logs/wal_record.h"

namespace otelite::logs {

// One stream's runs, in arrival order.
struct StreamRuns {
  Labels labels;
  std::vector<std::shared_ptr<const EntryRun>> runs;
};

class Head {
 public:
  explicit Head(size_t chunk_entries) : chunk_entries_(chunk_entries) {}

  void Apply(const DecodedRecord& record);

  // Streams accepted by `matches` with entries in [mint, maxt]: their sealed runs that overlap
  // the range and a snapshot of the open chunk (only the columns `filter` wants), sorted by
  // labels.
  std::vector<StreamRuns> Select(int64_t mint, int64_t maxt,
                                 const std::function<bool(const Labels&)>& matches,
                                 const ColumnFilter& filter) const;
  // Takes out every entry older than `before` (open chunks are sealed, runs that straddle it
  // split) and returns them, sorted by labels; streams left empty leave the head.
  std::vector<StreamRuns> Detach(int64_t before);
  // Puts runs taken by Detach back in front of their streams' runs (a cut that failed).
  void Restore(const std::vector<StreamRuns>& streams);
  // Every run of every stream (open chunks sealed), sorted by labels.
  std::vector<StreamRuns> All();
  // Drops whole runs entirely older than `before`; returns the entries dropped.
  uint64_t DropBefore(int64_t before);

  uint64_t entries() const { return entries_.load(std::memory_order_relaxed); }
  uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  // Oldest and newest entry time; min > max when empty.
  int64_t MinTime() const { return min_t_.load(std::memory_order_relaxed); }
  int64_t MaxTime() const { return max_t_.load(std::memory_order_relaxed); }
  size_t streams() const;

 private:
  struct Stream {
    explicit Stream(Labels l) : labels(std::move(l)) {}
    const Labels labels;
    mutable std::mutex mu;
    std::vector<std::shared_ptr<const EntryRun>> runs;
    ChunkBuilder open;
  };
  std::shared_ptr<Stream> GetOrCreate(const Labels& labels);
  std::vector<std::shared_ptr<Stream>> SortedStreams() const;
  void Recount();  // exclusive access

  const size_t chunk_entries_;
  mutable std::mutex registry_mu_;
  std::unordered_map<Labels, std::shared_ptr<Stream>, LabelsHash> streams_;
  std::atomic<uint64_t> next_seq_{1};
  std::atomic<uint64_t> entries_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<int64_t> min_t_{std::numeric_limits<int64_t>::max()};
  std::atomic<int64_t> max_t_{std::numeric_limits<int64_t>::min()};
};

}  // namespace otelite::logs
