// The head: the most recent samples of every live series, in memory. A series registry
// (sharded by label hash), the postings index, and per series a list of sealed XOR chunks, one
// open chunk, and a small sorted buffer of out-of-order samples. Every accepted sample is in the
// WAL before the append returns; replaying the WAL rebuilds the head exactly.
//
// Appends are validated and applied under one append lock (decoding and series lookup happen
// before, in parallel); readers lock one series at a time to copy its chunk list.
//
// Series references (model/series_anchor.h): a sample whose anchor's `storage` slot this head
// owns is resolved through the slot, under the append lock, instead of by its labels. The slot
// holds a shared_ptr to the MemSeries; Truncate marks the series it drops `removed` under the
// append lock, and Append re-resolves a removed slot target by labels (creating the series
// anew), so a sample never lands in a series that left the head. Samples looked up by labels
// before the append lock are looked up again when a Truncate ran in between (truncations_).
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "model/metric.h"
#include "storage/querier.h"
#include "storage/tsdb/chunk.h"
#include "storage/tsdb/iterators.h"
#include "storage/tsdb/postings.h"
#include "storage/tsdb/wal.h"

namespace otelite::tsdb {

// WAL record types written by the head.
//   series:  (uvarint ref, uvarint label count, (string name, string value)*)*
//   samples: zigzag varint base time, then (uvarint ref, zigzag varint t - base, 8-byte v)*
//   chunk:   uvarint ref, zigzag varint min t, uvarint max t - min t, chunk bytes (checkpoints)
enum WalRecordType : uint8_t { kWalSeries = 1, kWalSamples = 2, kWalChunk = 3 };

// Why a sample was not stored.
enum class RejectReason { kTooOld, kOutOfBounds, kDuplicateTimestamp, kTooFarInFuture, kCount };
const char* RejectReasonName(RejectReason reason);  // "too_old", … (metric label values)

struct HeadOptions {
  int64_t chunk_range_ms = 2 * 3600 * 1000;         // block length; chunks never cross it
  int64_t out_of_order_window_ms = 30 * 60 * 1000;  // behind a series' newest sample
  int64_t max_future_ms = 0;                        // 0: no limit
  std::function<int64_t()> now_ms;                  // for max_future_ms
};

struct AppendResult {
  uint64_t appended = 0;    // new samples stored (including start-time zeros)
  uint64_t duplicates = 0;  // identical to a stored sample: accepted, nothing to do
  std::array<uint64_t, static_cast<size_t>(RejectReason::kCount)> rejected{};
  std::string first_rejection;  // "claude_code_x{…} @1700000000000: too old (…)"
  uint64_t RejectedTotal() const;
};

struct SealedChunk {
  std::vector<uint8_t> bytes;
  int64_t min_t = 0;
  int64_t max_t = 0;
};

struct MemSeries {
  MemSeries(uint64_t r, Labels l) : ref(r), labels(std::move(l)) {}
  const uint64_t ref;
  const Labels labels;
  mutable std::mutex mu;  // guards the data below against readers; writers hold the append lock
  std::vector<std::shared_ptr<const SealedChunk>> sealed;
  std::optional<ChunkBuilder> open;
  int64_t open_end = 0;     // the open chunk takes samples with t < open_end
  std::vector<Sample> ooo;  // out-of-order samples, sorted by t, not in any chunk
  int64_t max_t = std::numeric_limits<int64_t>::min();  // newest in-order sample
  double last_v = 0;
  int64_t min_t = std::numeric_limits<int64_t>::max();  // oldest sample held
  // Left the head (its data was persisted); set under the append lock. Anchor slots may still
  // hold the series: they re-resolve it by labels when they find it removed.
  bool removed = false;
  uint32_t order_rank = 0;  // position in label order (Head::SortByLabels), under its lock
  // Append-lock scratch: the newest timestamp accepted in the batch being validated.
  uint64_t pending_epoch = 0;
  int64_t pending_max_t = 0;
};

struct HeadStats {
  uint64_t series = 0;
  uint64_t series_created = 0;
  uint64_t series_removed = 0;
  uint64_t samples_appended = 0;
  uint64_t chunks = 0;
  uint64_t chunk_bytes = 0;
  uint64_t memory_bytes = 0;
  int64_t min_t = 0;
  int64_t max_t = 0;
  std::array<uint64_t, static_cast<size_t>(RejectReason::kCount)> rejected{};
};

class Head {
 public:
  Head(HeadOptions options, Wal* wal);  // wal may be null (tests, imports)
  ~Head();

  // Validates, logs to the WAL and stores the batch's samples. A non-OK status (the WAL write
  // failed) means nothing was stored. Individual samples may be rejected (see AppendResult).
  Result<AppendResult> Append(const MetricBatch& batch);

  // Rebuilds state from one WAL record (replay). Samples for unknown series are counted.
  Status ReplayRecord(uint8_t type, std::span<const uint8_t> payload);
  uint64_t replay_orphans() const { return replay_orphans_; }
  uint64_t replay_samples() const { return replay_samples_; }

  // Reading.
  std::unique_ptr<Querier> NewQuerier();
  HeadStats Stats() const;
  // Oldest and newest sample time in the head; min > max when empty.
  int64_t MinTime() const { return min_t_.load(std::memory_order_relaxed); }
  int64_t MaxTime() const { return max_t_.load(std::memory_order_relaxed); }
  // Samples older than this are refused (their range was persisted into a block).
  int64_t min_valid_time() const { return min_valid_t_.load(std::memory_order_relaxed); }
  void set_min_valid_time(int64_t t) { min_valid_t_.store(t, std::memory_order_relaxed); }

  // Calls fn(labels, samples) for every series with samples in [mint, maxt), in label order,
  // with the samples of its chunks and out-of-order buffer merged (block writing).
  Status CollectRange(
      int64_t mint, int64_t maxt,
      const std::function<Status(const Labels&, std::span<const Sample>)>& fn) const;
  // Drops every sample older than `before` (persisted in a block) and the series left with
  // none; samples older than `before` are refused from now on. Returns the series removed.
  size_t Truncate(int64_t before);
  // Returns once appends that hold the append lock now have finished.
  void Barrier() { std::lock_guard lock(append_mu_); }
  // Emits the records that rebuild the head (series, chunks, out-of-order samples).
  void CheckpointRecords(const std::function<void(uint8_t, std::span<const uint8_t>)>& emit) const;

  // Every series, for persistence (block writing) and checkpoints. fn runs with no lock held.
  void ForEachSeries(const std::function<void(const std::shared_ptr<MemSeries>&)>& fn) const;

  // Whether a live head series has exactly these labels.
  bool Contains(const Labels& labels) const;

  // Appends with explicit series (imports and tests): same rules as Append, no WAL.
  MemSeries* GetOrCreate(const Labels& labels, bool* created);
  const PostingsIndex& index() const { return index_; }
  // The live series among `refs` (series removed meanwhile are skipped).
  void ForRefs(const Postings& refs, std::vector<std::shared_ptr<MemSeries>>* out) const;
  // Sorts series of this head by their labels without comparing label sets: the head keeps every
  // series' rank in label order, merging the series created since the last call first (a sort of
  // the new ones and one pass over all). Queries select thousands of series that share long label
  // prefixes, where comparing label sets was most of a query's time.
  void SortByLabels(std::vector<std::shared_ptr<MemSeries>>* series) const;

 private:
  enum class Applied { kAppended, kDuplicate, kConflict };
  struct Stripe {
    mutable std::mutex mu;
    std::unordered_map<uint64_t, std::vector<std::shared_ptr<MemSeries>>> by_hash;
  };
  struct RefStripe {
    mutable std::mutex mu;
    std::unordered_map<uint64_t, std::shared_ptr<MemSeries>> by_ref;
  };
  static constexpr size_t kStripes = 64;

  std::shared_ptr<MemSeries> CreateSeries(uint64_t ref, const Labels& labels, bool log);
  std::shared_ptr<MemSeries> GetOrCreateShared(const Labels& labels, bool* created);
  std::shared_ptr<MemSeries> ByRef(uint64_t ref) const;
  Applied Apply(MemSeries* s, int64_t t, double v);  // append lock held
  void RecomputeMinTime();
  bool FindSample(const MemSeries& s, int64_t t, double* v) const;
  void NoteTime(int64_t t);

  HeadOptions options_;
  Wal* wal_;
  std::array<Stripe, kStripes> stripes_;
  std::array<RefStripe, kStripes> ref_stripes_;
  PostingsIndex index_;
  std::atomic<uint64_t> next_ref_{1};
  std::mutex append_mu_;
  uint64_t epoch_ = 0;
  const uint64_t owner_id_;  // for anchor slots
  // Truncate calls that removed series (incremented under the append lock).
  std::atomic<uint64_t> truncations_{0};
  std::atomic<int64_t> min_t_{std::numeric_limits<int64_t>::max()};
  std::atomic<int64_t> max_t_{std::numeric_limits<int64_t>::min()};
  std::atomic<int64_t> min_valid_t_{std::numeric_limits<int64_t>::min()};
  std::atomic<uint64_t> series_count_{0};
  std::atomic<uint64_t> series_created_{0};
  std::atomic<uint64_t> series_removed_{0};
  std::atomic<uint64_t> samples_appended_{0};
  std::atomic<uint64_t> sealed_chunks_{0};
  std::atomic<uint64_t> sealed_bytes_{0};
  // Label order of the live series (raw pointers: removed series leave it in Truncate) and the
  // series created since it was last brought up to date.
  mutable std::mutex order_mu_;
  mutable std::vector<MemSeries*> ordered_;
  mutable std::vector<std::shared_ptr<MemSeries>> order_pending_;
  std::array<std::atomic<uint64_t>, static_cast<size_t>(RejectReason::kCount)> rejected_{};
  uint64_t replay_orphans_ = 0;
  uint64_t replay_samples_ = 0;
  std::vector<uint8_t> scratch_;  // append lock held
};

}  // namespace otelite::tsdb
