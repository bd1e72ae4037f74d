// Remembers the finished Labels of recently seen series, keyed by a 128-bit hash of what
// identifies a series in OTLP (resource attributes, scope, metric name, unit and kind, data
// point attributes). A known series then costs one pass over the request's bytes instead of
// rendering, sanitising, merging and sorting label strings (the ingest hot path; see
// docs/benchmarks.md). Two independent 64-bit hashes make a wrong hit (two different series
// with the same key) a 2^-128 event per pair. Entries idle longer than the expiry are dropped
// by Expire(). Thread-safe (sharded locks).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "core/labels.h"
#include "core/units.h"
#include "opentelemetry/proto/common/v1/common.pb.h"

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
  void Attributes(
      const google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>&
          attributes);
  void Value(const opentelemetry::proto::common::v1::AnyValue& value);
  SeriesKey Key() const;

 private:
  void Word(uint64_t word);
  uint64_t a_ = 0xcbf29ce484222325ULL;
  uint64_t b_ = 0x9e3779b97f4a7c15ULL;
};

class SeriesCache {
 public:
  explicit SeriesCache(Duration idle_expiry) : idle_expiry_(idle_expiry) {}

  std::optional<Labels> Find(const SeriesKey& key, int64_t now_ns);
  void Insert(const SeriesKey& key, const Labels& labels, int64_t now_ns);
  size_t Expire(int64_t now_ns);
  size_t size() const;

 private:
  struct KeyHash {
    size_t operator()(const SeriesKey& k) const { return k.a; }
  };
  struct Entry {
    Labels labels;
    int64_t used_ns;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<SeriesKey, Entry, KeyHash> entries;
  };
  static constexpr size_t kShards = 16;

  Duration idle_expiry_;
  std::array<Shard, kShards> shards_;
};

}  // namespace otelite::otlp
