#include "storage/logs/head.h"

#include <algorithm>

namespace otelite::logs {

namespace {
bool Overlaps(const EntryRun& run, int64_t mint, int64_t maxt) {
  return run.size() > 0 && run.min_t <= maxt && run.max_t >= mint;
}
}  // namespace

std::shared_ptr<Head::Stream> Head::GetOrCreate(const Labels& labels) {
  std::lock_guard lock(registry_mu_);
  auto& slot = streams_[labels];
  if (!slot) slot = std::make_shared<Stream>(labels);
  return slot;
}

size_t Head::streams() const {
  std::lock_guard lock(registry_mu_);
  return streams_.size();
}

std::vector<std::shared_ptr<Head::Stream>> Head::SortedStreams() const {
  std::vector<std::shared_ptr<Stream>> out;
  {
    std::lock_guard lock(registry_mu_);
    out.reserve(streams_.size());
    for (const auto& [labels, s] : streams_) out.push_back(s);
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a->labels < b->labels; });
  return out;
}

void Head::Apply(const DecodedRecord& record) {
  uint64_t added = 0, bytes = 0;
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
  for (const DecodedRecord::Stream& rs : record.streams) {
    if (rs.entry_count == 0) continue;
    auto stream = GetOrCreate(rs.labels);
    std::lock_guard lock(stream->mu);
    for (uint32_t i = rs.first_entry; i < rs.first_entry + rs.entry_count; ++i) {
      const DecodedRecord::Entry& e = record.entries[i];
      const uint64_t before = stream->open.bytes();
      stream->open.Add(e.timestamp_ns, e.line, record.MetadataOf(e));
      bytes += stream->open.bytes() - before;
      lo = std::min(lo, e.timestamp_ns);
      hi = std::max(hi, e.timestamp_ns);
      ++added;
      if (stream->open.size() >= chunk_entries_) {
        stream->runs.push_back(stream->open.Seal(next_seq_.fetch_add(1)));
      }
    }
  }
  if (added == 0) return;
  entries_.fetch_add(added, std::memory_order_relaxed);
  bytes_.fetch_add(bytes, std::memory_order_relaxed);
  if (lo < min_t_.load(std::memory_order_relaxed)) min_t_.store(lo, std::memory_order_relaxed);
  if (hi > max_t_.load(std::memory_order_relaxed)) max_t_.store(hi, std::memory_order_relaxed);
}

std::vector<StreamRuns> Head::Select(int64_t mint, int64_t maxt,
                                     const std::function<bool(const Labels&)>& matches,
                                     const ColumnFilter& filter) const {
  std::vector<StreamRuns> out;
  for (const auto& stream : SortedStreams()) {
    if (!matches(stream->labels)) continue;
    StreamRuns sr{stream->labels, {}};
    std::lock_guard lock(stream->mu);
    for (const auto& run : stream->runs) {
      if (Overlaps(*run, mint, maxt)) sr.runs.push_back(run);
    }
    if (!stream->open.empty() && stream->open.min_t() <= maxt && stream->open.max_t() >= mint) {
      sr.runs.push_back(stream->open.Snapshot(next_seq_.load(), filter));
    }
    if (!sr.runs.empty()) out.push_back(std::move(sr));
  }
  return out;
}

std::vector<StreamRuns> Head::Detach(int64_t before) {
  std::vector<StreamRuns> out;
  for (const auto& stream : SortedStreams()) {
    std::lock_guard lock(stream->mu);
    if (!stream->open.empty()) stream->runs.push_back(stream->open.Seal(next_seq_.fetch_add(1)));
    StreamRuns taken{stream->labels, {}};
    std::vector<std::shared_ptr<const EntryRun>> kept;
    for (const auto& run : stream->runs) {
      if (run->max_t < before) {
        taken.runs.push_back(run);
      } else if (run->min_t >= before) {
        kept.push_back(run);
      } else {
        const auto split = static_cast<size_t>(
            std::lower_bound(run->timestamps.begin(), run->timestamps.end(), before) -
            run->timestamps.begin());
        taken.runs.push_back(run->Slice(0, split));
        kept.push_back(run->Slice(split, run->size()));
      }
    }
    stream->runs = std::move(kept);
    if (!taken.runs.empty()) out.push_back(std::move(taken));
  }
  Recount();
  return out;
}

void Head::Restore(const std::vector<StreamRuns>& streams) {
  for (const StreamRuns& sr : streams) {
    auto stream = GetOrCreate(sr.labels);
    std::lock_guard lock(stream->mu);
    stream->runs.insert(stream->runs.begin(), sr.runs.begin(), sr.runs.end());
  }
  Recount();
}

std::vector<StreamRuns> Head::All() {
  std::vector<StreamRuns> out;
  for (const auto& stream : SortedStreams()) {
    std::lock_guard lock(stream->mu);
    if (!stream->open.empty()) stream->runs.push_back(stream->open.Seal(next_seq_.fetch_add(1)));
    if (!stream->runs.empty()) out.push_back({stream->labels, stream->runs});
  }
  return out;
}

uint64_t Head::DropBefore(int64_t before) {
  uint64_t dropped = 0;
  for (const auto& stream : SortedStreams()) {
    std::lock_guard lock(stream->mu);
    auto& runs = stream->runs;
    const auto old = runs.size();
    for (const auto& r : runs) {
      if (r->max_t < before) dropped += r->size();
    }
    runs.erase(
        std::remove_if(runs.begin(), runs.end(), [&](const auto& r) { return r->max_t < before; }),
        runs.end());
    (void)old;
  }
  if (dropped > 0) Recount();
  return dropped;
}

void Head::Recount() {
  uint64_t entries = 0, bytes = 0;
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
  std::lock_guard lock(registry_mu_);
  for (auto it = streams_.begin(); it != streams_.end();) {
    Stream& s = *it->second;
    std::lock_guard stream_lock(s.mu);
    if (s.runs.empty() && s.open.empty()) {
      it = streams_.erase(it);
      continue;
    }
    for (const auto& r : s.runs) {
      entries += r->size();
      bytes += r->total_line_bytes + r->total_meta_bytes;
      lo = std::min(lo, r->min_t);
      hi = std::max(hi, r->max_t);
    }
    if (!s.open.empty()) {
      entries += s.open.size();
      bytes += s.open.bytes();
      lo = std::min(lo, s.open.min_t());
      hi = std::max(hi, s.open.max_t());
    }
    ++it;
  }
  entries_.store(entries);
  bytes_.store(bytes);
  min_t_.store(lo);
  max_t_.store(hi);
}

}  // namespace otelite::logs
