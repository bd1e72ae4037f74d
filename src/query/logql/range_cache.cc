#include "query/logql/range_cache.h"

namespace otelite::logql {

namespace {
// Rough overheads of a map node, a string and a vector (what the allocator hands out).
constexpr size_t kNodeBytes = 64;
constexpr size_t kSeriesBytes = sizeof(std::pair<std::string, std::vector<RangeAcc>>);
}  // namespace

size_t RangePartial::Bytes() const {
  size_t bytes = sizeof(RangePartial);
  for (const auto& [key, accs] : series) {
    bytes += kSeriesBytes + key.capacity() + accs.capacity() * sizeof(RangeAcc);
  }
  return bytes;
}

std::shared_ptr<const RangePartial> RangeResultCache::Find(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.partial;
}

void RangeResultCache::Insert(const std::string& key, std::shared_ptr<const RangePartial> partial) {
  const size_t bytes = partial->Bytes() + key.size() * 2 + kNodeBytes * 2;
  if (bytes > max_bytes_) return;
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    bytes_ -= it->second.bytes;
    it->second.partial = std::move(partial);
    it->second.bytes = bytes;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  } else {
    lru_.push_front(key);
    entries_.emplace(key, Entry{std::move(partial), bytes, lru_.begin()});
  }
  bytes_ += bytes;
  ++stats_.inserts;
  EvictLocked();
}

void RangeResultCache::EvictLocked() {
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    auto it = entries_.find(lru_.back());
    bytes_ -= it->second.bytes;
    entries_.erase(it);
    lru_.pop_back();
    ++stats_.evictions;
  }
}

RangeCacheStats RangeResultCache::Stats() const {
  std::lock_guard lock(mu_);
  RangeCacheStats s = stats_;
  s.bytes = bytes_;
  s.partials = entries_.size();
  return s;
}

}  // namespace otelite::logql
