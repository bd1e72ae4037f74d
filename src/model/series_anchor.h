// SeriesAnchor: where the components a sample passes through (delta accumulation, the tsdb
// head, the exporter's table) remember what they resolved its series to, so that a series seen
// before costs them no hash lookup by labels. The producer of a batch (the OTLP translator's
// series cache) keeps one anchor per series and hands it out with every sample of that series
// (MetricSample::anchor); a sample without an anchor is looked up by its labels, as always.
//
// Rules that keep a cached reference from ever going stale:
//  1. Every sample that carries a given anchor has the same labels (the producer's promise);
//     an anchor is never shared between series.
//  2. A slot belongs to the first component instance that claims it (Claim with its OwnerId).
//     Any other instance finds it taken and looks the series up by labels instead.
//  3. The owner reads and writes its slot only while holding one lock of its own that covers
//     the series: the accumulator's shard lock, the head's append lock, the exporter's shard
//     lock (the shard is chosen by the labels' hash, so it is the same lock for every sample).
//  4. The slot holds shared ownership of its target, so the target is never freed under it.
//     When the owner removes the target from its own structures (the head truncates the series
//     away, the exporter expires it or gets a stale marker, the accumulator expires its state)
//     it marks the target dead under that same lock; a user that finds its target dead
//     resolves the series again by labels and replaces the slot.
// A dead target kept alive by an anchor holds no samples (only its bookkeeping) and is freed
// when the anchor is re-resolved or the producer drops the anchor (series-cache expiry).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace otelite {

class AnchorSlot {
 public:
  // A process-unique id for a component instance (ids are never reused, unlike addresses).
  static uint64_t NewOwnerId() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
  }

  // True when `owner` owns the slot, claiming it when it is still free. Lock-free; may be
  // called without the owner's lock.
  bool Claim(uint64_t owner) {
    uint64_t current = owner_.load(std::memory_order_acquire);
    if (current == owner) return true;
    if (current != 0) return false;
    return owner_.compare_exchange_strong(current, owner, std::memory_order_acq_rel) ||
           current == owner;
  }

  // The target (null until set). Only by the owner, under its lock (rule 3).
  template <typename T>
  T* Get() const {
    return static_cast<T*>(target_.get());
  }
  template <typename T>
  void Set(std::shared_ptr<T> target) {
    hint_.store(target.get(), std::memory_order_relaxed);
    target_ = std::move(target);
  }

  // Whether the slot was never set. Any thread, no lock; a hint only: it may turn false at any
  // moment (never back to true).
  bool Unset() const { return hint_.load(std::memory_order_relaxed) == nullptr; }

  // Asks the CPU to fetch the target's memory ahead of its use. Any thread, no lock: it only
  // reads an address (possibly of a target being replaced) and never dereferences it.
  // `bytes`: how much of the target is used.
  void Prefetch(size_t bytes = 128) const {
    if (const void* target = hint_.load(std::memory_order_relaxed)) {
      for (size_t offset = 0; offset < bytes; offset += 64) {
        __builtin_prefetch(static_cast<const char*>(target) + offset, 1);
      }
    }
  }

 private:
  std::atomic<uint64_t> owner_{0};
  std::shared_ptr<void> target_;
  std::atomic<const void*> hint_{nullptr};  // target_.get(), readable without the lock
};

struct SeriesAnchor {
  AnchorSlot delta;     // DeltaToCumulative's accumulation state
  AnchorSlot storage;   // tsdb::Head's MemSeries
  AnchorSlot exporter;  // ExpositionRegistry's entry
};

}  // namespace otelite
