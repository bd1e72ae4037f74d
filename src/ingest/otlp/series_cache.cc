#include "ingest/otlp/series_cache.h"

#include <cstring>

namespace otelite::otlp {
namespace {

uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
uint64_t Finalize(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

enum Tag : uint64_t { kString = 1, kBool, kInt, kDouble, kArray, kMap, kBytes, kEmpty, kKey };

}  // namespace

void SeriesKeyHasher::Word(uint64_t word) {
  a_ = (a_ ^ word) * 0x100000001b3ULL;
  a_ ^= a_ >> 29;
  b_ = Rotl(b_ ^ (word * 0x87c37b91114253d5ULL), 31) * 0x4cf5ad432745937fULL + 0x52dce729;
}

void SeriesKeyHasher::Bytes(std::string_view bytes) {
  Word(bytes.size());
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    Word(w);
  }
  if (i < bytes.size()) {
    uint64_t w = 0;
    std::memcpy(&w, bytes.data() + i, bytes.size() - i);
    Word(w);
  }
}

void SeriesKeyHasher::U64(uint64_t value) { Word(value); }

void SeriesKeyHasher::Attributes(
    const google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>&
        attributes) {
  Word(attributes.size());
  for (const auto& kv : attributes) {
    Word(kKey);
    Bytes(kv.key());
    Value(kv.value());
  }
}

void SeriesKeyHasher::Value(const opentelemetry::proto::common::v1::AnyValue& v) {
  using opentelemetry::proto::common::v1::AnyValue;
  switch (v.value_case()) {
    case AnyValue::kStringValue:
      Word(kString);
      Bytes(v.string_value());
      break;
    case AnyValue::kBoolValue:
      Word(kBool);
      Word(v.bool_value());
      break;
    case AnyValue::kIntValue:
      Word(kInt);
      Word(static_cast<uint64_t>(v.int_value()));
      break;
    case AnyValue::kDoubleValue: {
      uint64_t bits;
      double d = v.double_value();
      std::memcpy(&bits, &d, 8);
      Word(kDouble);
      Word(bits);
      break;
    }
    case AnyValue::kBytesValue:
      Word(kBytes);
      Bytes(v.bytes_value());
      break;
    case AnyValue::kArrayValue:
      Word(kArray);
      Word(v.array_value().values_size());
      for (const auto& e : v.array_value().values()) Value(e);
      break;
    case AnyValue::kKvlistValue:
      Word(kMap);
      Attributes(v.kvlist_value().values());
      break;
    case AnyValue::VALUE_NOT_SET: Word(kEmpty); break;
  }
}

SeriesKey SeriesKeyHasher::Key() const { return {Finalize(a_), Finalize(b_ ^ a_ * 31)}; }

std::optional<Labels> SeriesCache::Find(const SeriesKey& key, int64_t now_ns) {
  Shard& shard = shards_[key.b % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end()) return std::nullopt;
  it->second.used_ns = now_ns;
  return it->second.labels;
}

void SeriesCache::Insert(const SeriesKey& key, const Labels& labels, int64_t now_ns) {
  Shard& shard = shards_[key.b % kShards];
  std::lock_guard lock(shard.mu);
  shard.entries.insert_or_assign(key, Entry{labels, now_ns});
}

size_t SeriesCache::Expire(int64_t now_ns) {
  const int64_t cutoff =
      now_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(idle_expiry_).count();
  size_t removed = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mu);
    removed += std::erase_if(shard.entries,
                             [cutoff](const auto& kv) { return kv.second.used_ns < cutoff; });
  }
  return removed;
}

size_t SeriesCache::size() const {
  size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.entries.size();
  }
  return n;
}

}  // namespace otelite::otlp
