#include "ingest/otlp/series_cache.h"

#include <algorithm>
#include <cstring>
#include <utility>

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

enum Tag : uint64_t {
  kString = 1,
  kBool,
  kInt,
  kDouble,
  kArray,
  kMap,
  kBytes,
  kEmpty,
  kKey,
  kWire
};

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

void SeriesKeyHasher::Attributes(std::span<const KeyValueView> attributes) {
  Word(attributes.size());
  for (const KeyValueView& kv : attributes) {
    Word(kKey);
    Bytes(kv.key);
    Value(kv.value);
  }
}

void SeriesKeyHasher::Encoded(std::string_view attributes_wire) {
  Word(kWire);
  Bytes(attributes_wire);
}

void SeriesKeyHasher::Value(const AnyValueView& v) {
  using Kind = AnyValueView::Kind;
  switch (v.kind) {
    case Kind::kString:
      Word(kString);
      Bytes(v.bytes);
      break;
    case Kind::kBool:
      Word(kBool);
      Word(v.bool_value);
      break;
    case Kind::kInt:
      Word(kInt);
      Word(static_cast<uint64_t>(v.int_value));
      break;
    case Kind::kDouble: {
      uint64_t bits;
      std::memcpy(&bits, &v.double_value, 8);
      Word(kDouble);
      Word(bits);
      break;
    }
    case Kind::kBytes:
      Word(kBytes);
      Bytes(v.bytes);
      break;
    // Arrays and maps by their encoding: two encodings of one value are two keys for the same
    // labels, which costs a second cache entry, never a wrong series.
    case Kind::kArray:
      Word(kArray);
      Bytes(v.bytes);
      break;
    case Kind::kKvlist:
      Word(kMap);
      Bytes(v.bytes);
      break;
    case Kind::kEmpty:
      Word(kEmpty);
      break;
  }
}

SeriesKey SeriesKeyHasher::Key() const { return {Finalize(a_), Finalize(b_ ^ a_ * 31)}; }

SeriesKey SeriesCache::Normalize(SeriesKey key) {
  if (key.a == 0 && key.b == 0) key.a = 1;  // the empty slot's key
  return key;
}

SeriesCache::Slot* SeriesCache::Shard::Probe(const SeriesKey& key) {
  const size_t mask = slots.size() - 1;
  for (size_t i = key.a & mask;; i = (i + 1) & mask) {
    Slot& slot = slots[i];
    if (slot.key == key || (slot.key.a == 0 && slot.key.b == 0)) return &slot;
  }
}

void SeriesCache::Shard::Grow() {
  const size_t capacity = std::max<size_t>(64, slots.size() * 2);
  std::vector<Slot> old = std::exchange(slots, std::vector<Slot>(capacity));
  for (Slot& slot : old) {
    if (slot.key.a == 0 && slot.key.b == 0) continue;
    *Probe(slot.key) = std::move(slot);
  }
}

std::optional<SeriesCache::Series> SeriesCache::Find(const SeriesKey& raw_key, int64_t now_ns) {
  const SeriesKey key = Normalize(raw_key);
  Shard& shard = shards_[ShardOf(key)];
  std::lock_guard lock(shard.mu);
  if (shard.count == 0) return std::nullopt;
  Slot* slot = shard.Probe(key);
  if (!(slot->key == key)) return std::nullopt;
  slot->used_ns = now_ns;
  return slot->series;
}

namespace {

// The shared_ptr control block sits just before an object made by make_shared.
void PrefetchShared(const void* object) {
  __builtin_prefetch(static_cast<const char*>(object) - 16, 1);
  __builtin_prefetch(object, 1);
}

}  // namespace

void SeriesCache::FindAll(std::span<const SeriesKey> raw_keys, int64_t now_ns,
                          std::vector<std::optional<Series>>* out) {
  const size_t n = raw_keys.size();
  out->assign(n, std::nullopt);  // (a default Labels would touch a shared reference count)
  std::vector<SeriesKey> keys(n);
  // Indices grouped by shard (counting sort).
  std::array<size_t, kShards + 1> starts{};
  for (size_t i = 0; i < n; ++i) {
    keys[i] = Normalize(raw_keys[i]);
    ++starts[ShardOf(keys[i]) + 1];
  }
  for (size_t s = 0; s < kShards; ++s) starts[s + 1] += starts[s];
  std::vector<uint32_t> order(n);
  std::array<size_t, kShards> cursor;
  std::copy(starts.begin(), starts.begin() + kShards, cursor.begin());
  for (size_t i = 0; i < n; ++i) order[cursor[ShardOf(keys[i])]++] = static_cast<uint32_t>(i);
  std::vector<Slot*> hits(n);
  for (size_t s = 0; s < kShards; ++s) {
    if (starts[s] == starts[s + 1]) continue;
    Shard& shard = shards_[s];
    std::lock_guard lock(shard.mu);
    if (shard.count == 0) continue;
    const size_t mask = shard.slots.size() - 1;
    // Three passes, so that each one's memory accesses were requested by the pass before:
    // the slots, then the labels and anchors the hits point at, then the copies (whose
    // reference-count increments would otherwise each wait for a cache miss).
    for (size_t k = starts[s]; k < starts[s + 1]; ++k) {
      __builtin_prefetch(&shard.slots[keys[order[k]].a & mask], 1);
    }
    for (size_t k = starts[s]; k < starts[s + 1]; ++k) {
      Slot* slot = shard.Probe(keys[order[k]]);
      if (!(slot->key == keys[order[k]])) continue;
      hits[order[k]] = slot;
      PrefetchShared(&slot->series.labels.items());
      PrefetchShared(slot->series.anchor.get());
    }
    for (size_t k = starts[s]; k < starts[s + 1]; ++k) {
      Slot* slot = hits[order[k]];
      if (slot == nullptr) continue;
      slot->used_ns = now_ns;
      (*out)[order[k]].emplace(slot->series);
    }
  }
}

SeriesCache::Series SeriesCache::Insert(const SeriesKey& raw_key, const Labels& labels,
                                        int64_t now_ns) {
  const SeriesKey key = Normalize(raw_key);
  Shard& shard = shards_[ShardOf(key)];
  std::lock_guard lock(shard.mu);
  if ((shard.count + 1) * 2 > shard.slots.size()) shard.Grow();
  Slot* slot = shard.Probe(key);
  if (!(slot->key == key)) {
    slot->key = key;
    slot->series = Series{labels, std::make_shared<SeriesAnchor>()};
    ++shard.count;
  }
  slot->used_ns = now_ns;
  return slot->series;
}

size_t SeriesCache::Expire(int64_t now_ns) {
  const int64_t cutoff =
      now_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(idle_expiry_).count();
  size_t removed = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mu);
    size_t idle = 0;
    for (const Slot& slot : shard.slots) {
      if (!(slot.key.a == 0 && slot.key.b == 0) && slot.used_ns < cutoff) ++idle;
    }
    if (idle == 0) continue;
    // Rebuilt without the idle entries (linear probing has no cheap single deletion), and
    // smaller when it emptied.
    std::vector<Slot> old = std::move(shard.slots);
    const size_t live = shard.count - idle;
    size_t capacity = 64;
    while (capacity < live * 2 + 2) capacity *= 2;
    shard.slots = live == 0 ? std::vector<Slot>() : std::vector<Slot>(capacity);
    shard.count = live;
    for (Slot& slot : old) {
      if ((slot.key.a == 0 && slot.key.b == 0) || slot.used_ns < cutoff) continue;
      *shard.Probe(slot.key) = std::move(slot);
    }
    removed += idle;
  }
  return removed;
}

size_t SeriesCache::size() const {
  size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.count;
  }
  return n;
}

}  // namespace otelite::otlp
