#include "storage/logs/run.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <numeric>

namespace otelite::logs {

std::string_view Arena::Copy(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() > kBlockBytes / 4) {  // big strings get their own block
    auto block = std::make_unique<char[]>(s.size());
    std::memcpy(block.get(), s.data(), s.size());
    std::string_view out(block.get(), s.size());
    // Keep the current (partly filled) block last.
    blocks_.insert(blocks_.empty() ? blocks_.end() : blocks_.end() - 1, std::move(block));
    bytes_ += s.size();
    return out;
  }
  if (used_ + s.size() > kBlockBytes) {
    blocks_.push_back(std::make_unique<char[]>(kBlockBytes));
    used_ = 0;
    bytes_ += kBlockBytes;
  }
  char* p = blocks_.back().get() + used_;
  std::memcpy(p, s.data(), s.size());
  used_ += s.size();
  return {p, s.size()};
}

namespace {
inline uint32_t HashOf(std::string_view s) {
  return static_cast<uint32_t>(std::hash<std::string_view>{}(s));
}
}  // namespace

void StringInterner::Clear() {
  strings_.clear();
  hashes_.clear();
  std::fill(slots_.begin(), slots_.end(), 0);
}

void StringInterner::Grow() {
  const size_t n = slots_.empty() ? 64 : slots_.size() * 2;
  slots_.assign(n, 0);
  const size_t mask = n - 1;
  for (size_t i = 0; i < strings_.size(); ++i) {
    size_t pos = hashes_[i] & mask;
    while (slots_[pos] != 0) pos = (pos + 1) & mask;
    slots_[pos] = static_cast<uint32_t>(i + 1);
  }
}

uint32_t StringInterner::Intern(std::string_view s, bool* added) {
  if ((strings_.size() + 1) * 2 > slots_.size()) Grow();
  const uint32_t h = HashOf(s);
  const size_t mask = slots_.size() - 1;
  size_t pos = h & mask;
  while (slots_[pos] != 0) {
    const uint32_t idx = slots_[pos] - 1;
    if (hashes_[idx] == h && strings_[idx] == s) {
      *added = false;
      return idx;
    }
    pos = (pos + 1) & mask;
  }
  const auto idx = static_cast<uint32_t>(strings_.size());
  strings_.push_back(s);
  hashes_.push_back(h);
  slots_[pos] = idx + 1;
  *added = true;
  return idx;
}

std::optional<uint32_t> StringInterner::Find(std::string_view s) const {
  if (slots_.empty()) return std::nullopt;
  const uint32_t h = HashOf(s);
  const size_t mask = slots_.size() - 1;
  for (size_t pos = h & mask; slots_[pos] != 0; pos = (pos + 1) & mask) {
    const uint32_t idx = slots_[pos] - 1;
    if (hashes_[idx] == h && strings_[idx] == s) return idx;
  }
  return std::nullopt;
}

bool ColumnFilter::Wants(std::string_view name) const {
  if (names == nullptr || !names->has_value()) return true;
  for (const auto& n : **names) {
    if (n == name) return true;
  }
  return false;
}

std::shared_ptr<EntryRun> EntryRun::Slice(size_t from, size_t to) const {
  auto out = std::make_shared<EntryRun>();
  out->arena = arena;
  out->seq = seq;
  out->timestamps.assign(timestamps.begin() + from, timestamps.begin() + to);
  out->line_bytes.assign(line_bytes.begin() + from, line_bytes.begin() + to);
  out->meta_bytes.assign(meta_bytes.begin() + from, meta_bytes.begin() + to);
  if (!lines.empty()) out->lines.assign(lines.begin() + from, lines.begin() + to);
  for (const RunColumn& c : columns) {
    RunColumn col;
    col.name = c.name;
    col.codes.assign(c.codes.begin() + from, c.codes.begin() + to);
    for (uint32_t code : col.codes) col.present += code != 0;
    if (col.present == 0) continue;
    col.dict = c.dict;
    out->columns.push_back(std::move(col));
  }
  if (to > from) {
    out->min_t = out->timestamps.front();
    out->max_t = out->timestamps.back();
  }
  for (uint32_t b : out->line_bytes) out->total_line_bytes += b;
  for (uint32_t b : out->meta_bytes) out->total_meta_bytes += b;
  return out;
}

ChunkBuilder::ChunkBuilder() : arena_(std::make_shared<Arena>()) {}

void ChunkBuilder::Add(int64_t t, std::string_view line,
                       std::span<const std::pair<std::string_view, std::string_view>> metadata) {
  const size_t row = timestamps_.size();
  if (row == 0) {
    min_t_ = max_t_ = t;
  } else {
    if (t < max_t_) sorted_ = false;
    min_t_ = std::min(min_t_, t);
    max_t_ = std::max(max_t_, t);
  }
  timestamps_.push_back(t);
  // Lines repeat often (Claude Code's bodies are the event names): keep one copy of a run.
  if (line != last_line_) last_line_ = arena_->Copy(line);
  lines_.push_back(last_line_);
  line_bytes_.push_back(static_cast<uint32_t>(line.size()));
  total_line_bytes_ += line.size();
  uint32_t meta = 0;
  if (last_slots_.size() < metadata.size()) last_slots_.resize(metadata.size(), UINT32_MAX);
  for (size_t i = 0; i < metadata.size(); ++i) {
    const auto& [name, value] = metadata[i];
    meta += static_cast<uint32_t>(name.size() + value.size());
    uint32_t slot = last_slots_[i];
    if (slot == UINT32_MAX || columns_[slot].name != name) {
      bool added = false;
      slot = column_names_.Intern(name, &added);
      if (added) {
        const std::string_view stored = arena_->Copy(name);
        column_names_.Rebind(slot, stored);
        columns_.emplace_back();
        columns_.back().name = stored;
      }
      last_slots_[i] = slot;
    }
    Column& c = columns_[slot];
    uint32_t code = 0;
    if (c.last_code != 0 && c.last_value == value) {
      code = c.last_code;
    } else {
      bool added = false;
      const uint32_t index = c.dict.Intern(value, &added);
      if (added) c.dict.Rebind(index, arena_->Copy(value));
      code = index + 1;
      c.last_code = code;
      c.last_value = c.dict.strings()[index];
    }
    if (c.codes.size() > row) {  // the name twice in one entry: the last value wins
      c.codes.back() = code;
      continue;
    }
    if (c.codes.size() < row) c.codes.resize(row, 0);
    c.codes.push_back(code);
    ++c.present;
  }
  meta_bytes_.push_back(meta);
  total_meta_bytes_ += meta;
}

std::shared_ptr<EntryRun> ChunkBuilder::Build(uint64_t seq, const ColumnFilter* filter, bool move) {
  auto run = std::make_shared<EntryRun>();
  const size_t n = timestamps_.size();
  run->arena = arena_;
  run->seq = seq;
  run->min_t = min_t_;
  run->max_t = max_t_;
  run->total_line_bytes = total_line_bytes_;
  run->total_meta_bytes = total_meta_bytes_;
  std::vector<uint32_t> order;
  if (!sorted_) {
    order.resize(n);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return timestamps_[a] < timestamps_[b]; });
  }
  auto permute = [&](auto& src, auto* dst) {
    if (order.empty()) {
      if (move) {
        *dst = std::move(src);
      } else {
        dst->assign(src.begin(), src.end());
      }
      return;
    }
    dst->resize(order.size());
    for (size_t i = 0; i < order.size(); ++i) (*dst)[i] = src[order[i]];
  };
  permute(timestamps_, &run->timestamps);
  permute(line_bytes_, &run->line_bytes);
  permute(meta_bytes_, &run->meta_bytes);
  permute(lines_, &run->lines);
  for (Column& c : columns_) {
    if (filter != nullptr && !filter->Wants(c.name)) continue;
    RunColumn col;
    col.name = c.name;
    col.present = c.present;
    if (move) {
      if (c.codes.size() < n) c.codes.resize(n, 0);
      permute(c.codes, &col.codes);
      col.dict = c.dict.TakeStrings();
    } else {
      std::vector<uint32_t> padded(c.codes);
      padded.resize(n, 0);
      permute(padded, &col.codes);
      col.dict = c.dict.strings();
    }
    run->columns.push_back(std::move(col));
  }
  std::sort(run->columns.begin(), run->columns.end(),
            [](const RunColumn& a, const RunColumn& b) { return a.name < b.name; });
  return run;
}

std::shared_ptr<const EntryRun> ChunkBuilder::Seal(uint64_t seq) {
  auto run = Build(seq, nullptr, true);
  // Start over; the arena stays with the run. Column names are copied again as they recur.
  arena_ = std::make_shared<Arena>();
  timestamps_.clear();
  line_bytes_.clear();
  meta_bytes_.clear();
  lines_.clear();
  columns_.clear();
  column_names_.Clear();
  last_slots_.clear();
  last_line_ = {};
  sorted_ = true;
  total_line_bytes_ = total_meta_bytes_ = 0;
  return run;
}

std::shared_ptr<const EntryRun> ChunkBuilder::Snapshot(uint64_t seq,
                                                       const ColumnFilter& filter) const {
  return const_cast<ChunkBuilder*>(this)->Build(seq, &filter, false);
}

}  // namespace otelite::logs
