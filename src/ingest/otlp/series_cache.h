// Remembers the finished Labels of recently seen series, keyed by a 128-bit hash of what
// identifies a series in OTLP (resource attributes, scope, metric name, unit and kind, data
// point attributes). A known series then costs one pass over the request's bytes instead of
// rendering, sanitising, merging and sorting label strings (the ingest hot path; see
// docs/benchmarks.md). Two independent 64-bit hashes make a wrong hit (two different series
// with the same key) a 2^-128 event per pair. Entries idle longer than the expiry are dropped
// by Expire(). Thread-safe (sharded locks).
//
// Each entry also owns the series' SeriesAnchor (model/series_anchor.h), handed out with its
// labels and set on every sample of the series, through which delta accumulation, the tsdb
// head and the exporter reach their own state for the series without a lookup. An anchor
// stands for exactly one label set: an entry's labels and anchor never change (Insert keeps an
// existing entry).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/units.h"
#include "ingest/otlp/wire_view.h"
#include "model/series_anchor.h"

namespace otelite::otlp {

struct SeriesKey {
  uint64_t a = 0;
  uint64_t b = 0;
  friend bool operator==(const SeriesKey&, const SeriesKey&) = default;
};

// Feeds typed, length-prefixed values into two independent 64-bit hash streams.
class SeriesKeyHasher {
 public:
  void Bytes(std::string_view bytes);
  void U64(uint64_t value);
  void Attributes(std::span<const KeyValueView> attributes);
  // Attributes by their protobuf encoding: fewer words to mix than Attributes. Two encodings
  // of the same attributes make two keys for the same labels, which costs a second cache
  // entry, never a wrong series.
  void Encoded(std::string_view attributes_wire);
  void Value(const AnyValueView& value);
  SeriesKey Key() const;

 private:
  void Word(uint64_t word);
  uint64_t a_ = 0xcbf29ce484222325ULL;
  uint64_t b_ = 0x9e3779b97f4a7c15ULL;
};

class SeriesCache {
 public:
  struct Series {
    Labels labels;
    std::shared_ptr<SeriesAnchor> anchor;
  };

  explicit SeriesCache(Duration idle_expiry) : idle_expiry_(idle_expiry) {}

  // The series known under `key` (marked used at now_ns), if any.
  std::optional<Series> Find(const SeriesKey& key, int64_t now_ns);
  // Find for every key of `keys` at once (*out resized to match, empty for unknown keys): one
  // lock per shard, and the memory of all entries fetched ahead, so the cache misses of a
  // request's series overlap instead of following one another (the hot path: one call per
  // request).
  void FindAll(std::span<const SeriesKey> keys, int64_t now_ns,
               std::vector<std::optional<Series>>* out);
  // The series known under `key`, or `labels` remembered under it with a new anchor (when
  // another request inserted the key first, its entry wins). Marked used at now_ns.
  Series Insert(const SeriesKey& key, const Labels& labels, int64_t now_ns);
  size_t Expire(int64_t now_ns);
  size_t size() const;

 private:
  // Open addressing with linear probing, at most half full; one 64-byte slot per entry so
  // that a lookup usually touches one cache line. The all-zero key marks an empty slot (keys
  // are normalised away from it).
  struct alignas(64) Slot {
    SeriesKey key;
    int64_t used_ns = 0;
    Series series;
  };
  struct Shard {
    mutable std::mutex mu;
    std::vector<Slot> slots;  // size 0 or a power of two
    size_t count = 0;
    Slot* Probe(const SeriesKey& key);  // the slot holding key, or the empty one ending its run
    void Grow();
  };
  static constexpr size_t kShards = 16;
  static SeriesKey Normalize(SeriesKey key);
  static size_t ShardOf(const SeriesKey& key) { return key.b % kShards; }

  Duration idle_expiry_;
  std::array<Shard, kShards> shards_;
};

}  // namespace otelite::otlp
