#include "storage/logs/reader.h"

#include <algorithm>
#include <cstring>
#include <queue>

#include "storage/tsdb/encoding.h"

namespace otelite::logs {

namespace {

// One part decoded: views over a head run, or over buffers holding a decoded segment block.
struct Decoded {
  struct Column {
    std::shared_ptr<const Segment::Dictionary> dict;
    std::vector<uint32_t> codes;
  };
  std::vector<int64_t> timestamps;
  std::vector<uint32_t> line_bytes;
  std::vector<uint8_t> lines_raw;
  std::vector<std::string_view> lines;
  std::vector<Column> columns;
  // The view.
  std::span<const int64_t> v_timestamps;
  std::span<const uint32_t> v_line_bytes;
  std::span<const std::string_view> v_lines;
  std::vector<LogColumn> v_columns;  // sorted by name
};

class StreamReader : public LogStreamReader {
 public:
  StreamReader(Labels labels, std::vector<Part> parts, std::shared_ptr<const ReadOptions> options,
               std::shared_ptr<SharedReadStats> stats)
      : labels_(std::move(labels)),
        parts_(std::move(parts)),
        options_(std::move(options)),
        stats_(std::move(stats)) {
    filter_.names = &options_->columns;
    std::sort(parts_.begin(), parts_.end(), [](const Part& a, const Part& b) {
      return a.min_t != b.min_t ? a.min_t < b.min_t : a.order < b.order;
    });
    // Clusters of parts overlapping in time (touching counts: ties need the arrival order).
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (!clusters_.empty() && parts_[i].min_t <= cluster_max_) {
        clusters_.back().second = i + 1;
        cluster_max_ = std::max(cluster_max_, parts_[i].max_t);
      } else {
        clusters_.push_back({i, i + 1});
        cluster_max_ = parts_[i].max_t;
      }
    }
    next_ = options_->backward ? static_cast<ptrdiff_t>(clusters_.size()) - 1 : 0;
  }

  const Labels& labels() const override { return labels_; }
  Status status() const override { return status_; }

  bool Next(LogEntryBatch* batch) override {
    while (status_.ok() && next_ >= 0 && next_ < static_cast<ptrdiff_t>(clusters_.size())) {
      const auto [from, to] = clusters_[static_cast<size_t>(next_)];
      next_ += options_->backward ? -1 : 1;
      if (decoded_.size() < to - from) decoded_.resize(to - from);
      for (size_t i = from; i < to; ++i) {
        status_ = Decode(parts_[i], &decoded_[i - from]);
        if (!status_.ok()) return false;
      }
      const Decoded* view = &decoded_[0];
      if (to - from > 1) {
        Merge(from, to - from);
        view = &merged_;
      }
      if (Emit(*view, batch)) return true;
    }
    return false;
  }

 private:
  Status Decode(const Part& part, Decoded* out) {
    out->v_columns.clear();
    if (part.run) {
      const EntryRun& run = *part.run;
      out->v_timestamps = run.timestamps;
      out->v_line_bytes = run.line_bytes;
      out->v_lines = options_->need_lines ? std::span<const std::string_view>(run.lines)
                                          : std::span<const std::string_view>();
      uint64_t bytes = run.size() * 12 + (options_->need_lines ? run.total_line_bytes : 0);
      for (const RunColumn& c : run.columns) {
        if (!filter_.Wants(c.name)) continue;
        out->v_columns.push_back({c.name, c.dict, c.codes, 0});
        bytes += run.size() * 4;
      }
      stats_->bytes_scanned.fetch_add(bytes, std::memory_order_relaxed);
      return Status::Ok();
    }
    const Segment& seg = *part.segment;
    const Segment::Block& block = *part.block;
    const size_t n = block.entries;
    uint64_t bytes = 0;
    // Timestamps: deltas from the block's first.
    OTELITE_RETURN_IF_ERROR(seg.ReadFrame(block.timestamps, &compressed_, &raw_));
    bytes += raw_.size();
    out->timestamps.resize(n);
    DecodeTimestamps(block, raw_, out->timestamps.data());
    OTELITE_RETURN_IF_ERROR(seg.ReadFrame(block.line_sizes, &compressed_, &raw_));
    bytes += raw_.size();
    out->line_bytes.resize(n);
    WidenU32(raw_.data(), block.line_width, n, out->line_bytes.data());
    out->v_timestamps = out->timestamps;
    out->v_line_bytes = out->line_bytes;
    out->v_lines = {};
    if (options_->need_lines) {
      OTELITE_RETURN_IF_ERROR(seg.ReadFrame(block.lines, &compressed_, &out->lines_raw));
      bytes += out->lines_raw.size();
      out->lines.resize(n);
      uint64_t pos = 0;
      const char* base = reinterpret_cast<const char*>(out->lines_raw.data());
      for (size_t i = 0; i < n; ++i) {
        if (out->line_bytes[i] > out->lines_raw.size() - pos) {
          return Status::IoError("log segment " + seg.meta().path +
                                 ": line sizes exceed the lines frame");
        }
        out->lines[i] = {base + pos, out->line_bytes[i]};
        pos += out->line_bytes[i];
      }
      out->v_lines = out->lines;
    }
    size_t used = 0;
    for (const Segment::BlockColumn& bc : block.columns) {
      const std::string& name = seg.columns()[bc.column].name;
      if (!filter_.Wants(name)) continue;
      if (out->columns.size() <= used) out->columns.resize(used + 1);
      Decoded::Column& col = out->columns[used++];
      // Dictionaries too big for the store's cache are decoded once per segment and reader.
      if (dict_segment_ != &seg) {
        dict_segment_ = &seg;
        dicts_.assign(seg.columns().size(), nullptr);
      }
      if (!dicts_[bc.column]) {
        auto dict = seg.LoadDictionary(bc.column);
        if (!dict.ok()) return dict.status();
        dicts_[bc.column] = std::move(*dict);
      }
      col.dict = dicts_[bc.column];
      OTELITE_RETURN_IF_ERROR(seg.ReadFrame(bc.codes, &compressed_, &raw_));
      bytes += raw_.size();
      col.codes.resize(n);
      WidenU32(raw_.data(), bc.width, n, col.codes.data());
      if (bc.transform == kCodesDelta) {
        uint32_t code = 0;
        for (size_t i = 0; i < n; ++i) {
          code =
              static_cast<uint32_t>(static_cast<int64_t>(code) + tsdb::ZigZagDecode(col.codes[i]));
          col.codes[i] = code;
        }
      }
      const uint32_t limit = static_cast<uint32_t>(col.dict->values.size());
      for (uint32_t c : col.codes) {
        if (c > limit) {
          return Status::IoError(fmt_bad_code(seg, name));
        }
      }
      out->v_columns.push_back({name, col.dict->values, col.codes, col.dict->id});
    }
    stats_->bytes_scanned.fetch_add(bytes, std::memory_order_relaxed);
    return Status::Ok();
  }

  static std::string fmt_bad_code(const Segment& seg, const std::string& name) {
    return "log segment " + seg.meta().path + ": code out of its dictionary in column '" + name +
           "'";
  }

  // Merges decoded_[0, count) (overlapping parts) into merged_, by (time, part order).
  void Merge(size_t first, size_t count) {
    order_.clear();
    using Item = std::pair<int64_t, std::pair<uint32_t, uint32_t>>;  // t, (part, pos)
    auto later = [&](const Item& a, const Item& b) {
      if (a.first != b.first) return a.first > b.first;
      return parts_[first + a.second.first].order > parts_[first + b.second.first].order;
    };
    std::priority_queue<Item, std::vector<Item>, decltype(later)> heap(later);
    for (uint32_t p = 0; p < count; ++p) {
      if (!decoded_[p].v_timestamps.empty()) heap.push({decoded_[p].v_timestamps[0], {p, 0}});
    }
    while (!heap.empty()) {
      const auto [p, i] = heap.top().second;
      heap.pop();
      order_.push_back({p, i});
      if (i + 1 < decoded_[p].v_timestamps.size()) {
        heap.push({decoded_[p].v_timestamps[i + 1], {p, i + 1}});
      }
    }
    const size_t n = order_.size();
    Decoded& m = merged_;
    m.timestamps.resize(n);
    m.line_bytes.resize(n);
    m.lines.resize(options_->need_lines ? n : 0);
    for (size_t k = 0; k < n; ++k) {
      const auto [p, i] = order_[k];
      m.timestamps[k] = decoded_[p].v_timestamps[i];
      m.line_bytes[k] = decoded_[p].v_line_bytes[i];
      if (options_->need_lines) m.lines[k] = decoded_[p].v_lines[i];
    }
    m.v_timestamps = m.timestamps;
    m.v_line_bytes = m.line_bytes;
    m.v_lines = m.lines;
    // Columns: the union of names; dictionaries joined (distinct values), codes remapped.
    std::vector<std::string_view> names;
    for (size_t p = 0; p < count; ++p) {
      for (const LogColumn& c : decoded_[p].v_columns) names.push_back(c.name);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    merged_dicts_.resize(names.size());
    merged_codes_.resize(names.size());
    m.v_columns.clear();
    std::vector<const LogColumn*> source(count);
    std::vector<std::vector<uint32_t>> remap(count);
    for (size_t c = 0; c < names.size(); ++c) {
      StringInterner& dict = merged_dicts_[c];
      dict.Clear();
      for (size_t p = 0; p < count; ++p) {
        source[p] = nullptr;
        for (const LogColumn& col : decoded_[p].v_columns) {
          if (col.name == names[c]) source[p] = &col;
        }
        remap[p].assign(source[p] ? source[p]->dict.size() : 0, 0);
      }
      auto& codes = merged_codes_[c];
      codes.resize(n);
      for (size_t k = 0; k < n; ++k) {
        const auto [p, i] = order_[k];
        const LogColumn* col = source[p];
        const uint32_t code = col ? col->codes[i] : 0;
        if (code == 0) {
          codes[k] = 0;
          continue;
        }
        uint32_t& mapped = remap[p][code - 1];
        if (mapped == 0) {
          bool added = false;
          mapped = dict.Intern(col->dict[code - 1], &added) + 1;
        }
        codes[k] = mapped;
      }
      m.v_columns.push_back({names[c], dict.strings(), codes, 0});
    }
  }

  // Hands out the entries of `view` within [start, end] in the asked direction.
  bool Emit(const Decoded& view, LogEntryBatch* batch) {
    const auto& ts = view.v_timestamps;
    const auto lo = static_cast<size_t>(std::lower_bound(ts.begin(), ts.end(), options_->start_ns) -
                                        ts.begin());
    const auto hi =
        static_cast<size_t>(std::upper_bound(ts.begin(), ts.end(), options_->end_ns) - ts.begin());
    if (lo >= hi) return false;
    const size_t n = hi - lo;
    batch_columns_.clear();
    if (!options_->backward) {
      batch->timestamps = ts.subspan(lo, n);
      batch->line_bytes = view.v_line_bytes.subspan(lo, n);
      batch->lines = view.v_lines.empty() ? view.v_lines : view.v_lines.subspan(lo, n);
      for (const LogColumn& c : view.v_columns) {
        batch_columns_.push_back({c.name, c.dict, c.codes.subspan(lo, n), c.dict_id});
      }
    } else {
      rev_timestamps_.assign(ts.rbegin() + static_cast<ptrdiff_t>(ts.size() - hi),
                             ts.rbegin() + static_cast<ptrdiff_t>(ts.size() - lo));
      const auto& lb = view.v_line_bytes;
      rev_line_bytes_.assign(lb.rbegin() + static_cast<ptrdiff_t>(lb.size() - hi),
                             lb.rbegin() + static_cast<ptrdiff_t>(lb.size() - lo));
      rev_lines_.clear();
      if (!view.v_lines.empty()) {
        const auto& l = view.v_lines;
        rev_lines_.assign(l.rbegin() + static_cast<ptrdiff_t>(l.size() - hi),
                          l.rbegin() + static_cast<ptrdiff_t>(l.size() - lo));
      }
      if (rev_codes_.size() < view.v_columns.size()) rev_codes_.resize(view.v_columns.size());
      for (size_t c = 0; c < view.v_columns.size(); ++c) {
        const auto& codes = view.v_columns[c].codes;
        rev_codes_[c].assign(codes.rbegin() + static_cast<ptrdiff_t>(codes.size() - hi),
                             codes.rbegin() + static_cast<ptrdiff_t>(codes.size() - lo));
        batch_columns_.push_back({view.v_columns[c].name, view.v_columns[c].dict, rev_codes_[c],
                                  view.v_columns[c].dict_id});
      }
      batch->timestamps = rev_timestamps_;
      batch->line_bytes = rev_line_bytes_;
      batch->lines = rev_lines_;
    }
    batch->columns = batch_columns_;
    stats_->entries_scanned.fetch_add(n, std::memory_order_relaxed);
    return true;
  }

  Labels labels_;
  std::vector<Part> parts_;
  std::shared_ptr<const ReadOptions> options_;
  std::shared_ptr<SharedReadStats> stats_;
  ColumnFilter filter_;
  std::vector<std::pair<size_t, size_t>> clusters_;
  int64_t cluster_max_ = 0;
  ptrdiff_t next_ = 0;
  Status status_;
  std::vector<Decoded> decoded_;
  Decoded merged_;
  std::vector<std::pair<uint32_t, uint32_t>> order_;
  std::vector<StringInterner> merged_dicts_;
  std::vector<std::vector<uint32_t>> merged_codes_;
  std::vector<uint8_t> compressed_, raw_;
  const Segment* dict_segment_ = nullptr;
  std::vector<std::shared_ptr<const Segment::Dictionary>> dicts_;
  std::vector<LogColumn> batch_columns_;
  std::vector<int64_t> rev_timestamps_;
  std::vector<uint32_t> rev_line_bytes_;
  std::vector<std::string_view> rev_lines_;
  std::vector<std::vector<uint32_t>> rev_codes_;
};

}  // namespace

std::unique_ptr<LogStreamReader> NewStreamReader(Labels labels, std::vector<Part> parts,
                                                 std::shared_ptr<const ReadOptions> options,
                                                 std::shared_ptr<SharedReadStats> stats) {
  return std::make_unique<StreamReader>(std::move(labels), std::move(parts), std::move(options),
                                        std::move(stats));
}

}  // namespace otelite::logs
