#include "storage/logs/store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

namespace otelite::logs {

namespace fs = std::filesystem;

namespace {

int64_t FloorTo(int64_t t, int64_t range) {
  int64_t q = t / range;
  if (t % range != 0 && t < 0) --q;
  return q * range;
}

bool MatchesAll(const Matchers& matchers, const Labels& labels) {
  for (const LabelMatcher& m : matchers) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

// Whether no entry of a head run can satisfy the filters (see Segment::RulesOut).
bool RunRuledOut(const EntryRun& run, const Matchers& filters) {
  for (const LabelMatcher& m : filters) {
    auto it = std::lower_bound(run.columns.begin(), run.columns.end(), m.name(),
                               [](const RunColumn& c, const std::string& n) { return c.name < n; });
    if (it == run.columns.end() || it->name != m.name()) {
      if (!m.MatchesEmpty()) return true;
      continue;
    }
    if (m.MatchesEmpty() && it->present < run.size()) continue;
    if (std::none_of(it->dict.begin(), it->dict.end(),
                     [&](std::string_view v) { return m.Matches(v); })) {
      return true;
    }
  }
  return false;
}

// Whether a block may hold entries passing the filters: keys a filter needs must be there.
bool BlockMayMatch(const Segment& seg, const Segment::Block& block, const Matchers& filters) {
  for (const LabelMatcher& m : filters) {
    if (m.MatchesEmpty()) continue;
    const auto col = seg.FindColumn(m.name());
    if (!col) return false;
    const bool has = std::any_of(block.columns.begin(), block.columns.end(),
                                 [&](const Segment::BlockColumn& c) { return c.column == *col; });
    if (!has) return false;
  }
  return true;
}

std::string SegmentName(int64_t window_start_ns, uint64_t generation) {
  return fmt::format("{}-{:08d}.ols", FloorTo(window_start_ns, 1'000'000'000) / 1'000'000'000,
                     generation);
}

// The filters that are about structured metadata for streams with these labels: a name that is
// a stream label refers to the stream label (structured metadata of the same name is renamed
// <name>_extracted by the engine), so its filter says nothing about the columns.
Matchers MetadataFiltersFor(const Matchers& filters, const Labels& stream) {
  Matchers out;
  for (const auto& m : filters) {
    if (!stream.Has(m.name())) out.push_back(m);
  }
  return out;
}

// The last component of a path.
std::string_view FileName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

constexpr uint64_t kPersistingOrder = 1ULL << 61;
constexpr uint64_t kHeadOrder = 1ULL << 62;

}  // namespace

class StoreQuerier : public LogQuerier {
 public:
  explicit StoreQuerier(LogStore* store)
      : store_(store), stats_(std::make_shared<SharedReadStats>()) {}

  Result<std::vector<std::unique_ptr<LogStreamReader>>> Select(int64_t start_ns, int64_t end_ns,
                                                               const Matchers& matchers,
                                                               const LogReadHints& hints) override {
    if (std::all_of(matchers.begin(), matchers.end(),
                    [](const LabelMatcher& m) { return m.MatchesEmpty(); })) {
      return Status::InvalidArgument(
          "queries require at least one stream matcher that does not match the empty string "
          "(e.g. {service_name=\"claude-code\"})");
    }
    auto options = std::make_shared<ReadOptions>();
    options->start_ns = start_ns;
    options->end_ns = end_ns;
    options->need_lines = hints.need_lines;
    options->backward = hints.backward;
    options->columns = hints.columns;
    ColumnFilter filter{&options->columns};
    auto matches = [&](const Labels& l) { return MatchesAll(matchers, l); };
    LogStore::Snapshot snap = store_->TakeSnapshot(start_ns, end_ns, matches, filter);

    std::map<Labels, std::vector<Part>> streams;
    // The shard selection as this store's segment file names (ids of other stores name none).
    const bool one_shard = hints.only_shard.has_value();
    std::vector<std::string_view> files;  // views into `hints`
    auto add_file = [&](const std::string& id) {
      if (auto file = store_->ShardFileName(id)) files.push_back(*file);
    };
    if (one_shard) add_file(*hints.only_shard);
    for (const std::string& id : hints.exclude_shards) add_file(id);
    std::sort(files.begin(), files.end());
    for (size_t rank = 0; rank < snap.segments.size(); ++rank) {
      const auto& seg = snap.segments[rank];
      const SegmentMeta& meta = seg->meta();
      if (one_shard || !files.empty()) {
        const bool listed = std::binary_search(files.begin(), files.end(), FileName(meta.path));
        if (listed != one_shard) continue;
      }
      if (meta.min_t > end_ns || meta.max_t < start_ns) {
        stats_->segments_skipped.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      bool any_stream = false;
      Matchers segment_filters = hints.metadata_filters;
      for (const auto& s : seg->streams()) {
        if (s.min_t <= end_ns && s.max_t >= start_ns && matches(s.labels)) {
          any_stream = true;
          segment_filters = MetadataFiltersFor(segment_filters, s.labels);
        }
      }
      if (!any_stream) continue;
      if (!segment_filters.empty()) {
        auto ruled_out = seg->RulesOut(segment_filters);
        if (!ruled_out.ok()) return ruled_out.status();
        if (*ruled_out) {
          stats_->segments_skipped.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
      }
      bool read = false;
      for (const auto& s : seg->streams()) {
        if (s.min_t > end_ns || s.max_t < start_ns || !matches(s.labels)) continue;
        for (size_t b = 0; b < s.blocks.size(); ++b) {
          const Segment::Block& block = s.blocks[b];
          if (block.min_t > end_ns || block.max_t < start_ns) continue;
          if (!BlockMayMatch(*seg, block, MetadataFiltersFor(segment_filters, s.labels))) {
            continue;
          }
          Part part;
          part.min_t = block.min_t;
          part.max_t = block.max_t;
          part.order = (static_cast<uint64_t>(rank) << 24) | b;
          part.segment = seg;
          part.block = &block;
          streams[s.labels].push_back(std::move(part));
          read = true;
        }
      }
      auto& counter = read ? stats_->segments_read : stats_->segments_skipped;
      counter.fetch_add(1, std::memory_order_relaxed);
    }
    auto add_runs = [&](const std::vector<StreamRuns>& runs, uint64_t base) {
      for (const StreamRuns& sr : runs) {
        for (const auto& run : sr.runs) {
          if (run->size() == 0 || run->min_t > end_ns || run->max_t < start_ns) continue;
          if (RunRuledOut(*run, MetadataFiltersFor(hints.metadata_filters, sr.labels))) continue;
          Part part;
          part.min_t = run->min_t;
          part.max_t = run->max_t;
          part.order = base + run->seq;
          part.run = run;
          streams[sr.labels].push_back(std::move(part));
        }
      }
    };
    if (!one_shard) {
      add_runs(snap.persisting, kPersistingOrder);
      add_runs(snap.head, kHeadOrder);
    }

    std::vector<std::unique_ptr<LogStreamReader>> out;
    out.reserve(streams.size());
    for (auto& [labels, parts] : streams) {
      out.push_back(NewStreamReader(labels, std::move(parts), options, stats_));
    }
    return out;
  }

  Result<std::vector<LogShard>> Shards(int64_t start_ns, int64_t end_ns,
                                       const Matchers& matchers) override {
    std::vector<std::shared_ptr<const Segment>> segments;
    {
      std::shared_lock lock(store_->state_mu_);
      segments = store_->segments_;
    }
    std::vector<LogShard> out;
    for (const auto& seg : segments) {
      const SegmentMeta& meta = seg->meta();
      if (meta.min_t > end_ns || meta.max_t < start_ns) continue;
      const bool any =
          std::any_of(seg->streams().begin(), seg->streams().end(), [&](const auto& s) {
            return s.min_t <= end_ns && s.max_t >= start_ns && MatchesAll(matchers, s.labels);
          });
      if (any) out.push_back({store_->ShardId(meta), meta.min_t, meta.max_t});
    }
    std::sort(out.begin(), out.end(),
              [](const LogShard& a, const LogShard& b) { return a.min_t < b.min_t; });
    return out;
  }

  Result<std::vector<std::string>> LabelNames(int64_t start_ns, int64_t end_ns,
                                              const Matchers& matchers) override {
    std::vector<std::string> out;
    ForEachStream(start_ns, end_ns, matchers, [&](const Labels& l) {
      for (const Label& label : l.items()) out.push_back(label.name);
    });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name, int64_t start_ns,
                                               int64_t end_ns, const Matchers& matchers) override {
    std::vector<std::string> out;
    ForEachStream(start_ns, end_ns, matchers, [&](const Labels& l) {
      std::string_view v = l.Get(name);
      if (!v.empty()) out.emplace_back(v);
    });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  Result<std::vector<LogStreamVolume>> Volumes(int64_t start_ns, int64_t end_ns,
                                               const Matchers& matchers) override {
    std::optional<std::vector<std::string>> no_columns(std::vector<std::string>{});
    ColumnFilter filter{&no_columns};
    auto matches = [&](const Labels& l) { return MatchesAll(matchers, l); };
    LogStore::Snapshot snap = store_->TakeSnapshot(start_ns, end_ns, matches, filter);
    std::map<Labels, LogStreamVolume> volumes;
    std::vector<uint8_t> compressed, raw;
    std::vector<int64_t> ts;
    std::vector<uint32_t> line_sizes, meta_sizes;
    for (const auto& seg : snap.segments) {
      if (seg->meta().min_t > end_ns || seg->meta().max_t < start_ns) continue;
      for (const auto& s : seg->streams()) {
        if (s.min_t > end_ns || s.max_t < start_ns || !matches(s.labels)) continue;
        LogStreamVolume& v = volumes[s.labels];
        for (const auto& b : s.blocks) {
          if (b.min_t > end_ns || b.max_t < start_ns) continue;
          if (b.min_t >= start_ns && b.max_t <= end_ns) {  // whole block: its summary
            v.entries += b.entries;
            v.bytes += b.line_bytes + b.meta_bytes;
            continue;
          }
          // Partly inside: count entry by entry.
          OTELITE_RETURN_IF_ERROR(seg->ReadFrame(b.timestamps, &compressed, &raw));
          ts.resize(b.entries);
          DecodeTimestamps(b, raw, ts.data());
          OTELITE_RETURN_IF_ERROR(seg->ReadFrame(b.line_sizes, &compressed, &raw));
          line_sizes.resize(b.entries);
          WidenU32(raw.data(), b.line_width, b.entries, line_sizes.data());
          OTELITE_RETURN_IF_ERROR(seg->ReadFrame(b.meta_sizes, &compressed, &raw));
          meta_sizes.resize(b.entries);
          WidenU32(raw.data(), b.meta_width, b.entries, meta_sizes.data());
          for (size_t i = 0; i < b.entries; ++i) {
            if (ts[i] < start_ns || ts[i] > end_ns) continue;
            ++v.entries;
            v.bytes += line_sizes[i] + meta_sizes[i];
          }
        }
      }
    }
    auto add_runs = [&](const std::vector<StreamRuns>& runs) {
      for (const StreamRuns& sr : runs) {
        for (const auto& run : sr.runs) {
          if (run->size() == 0 || run->min_t > end_ns || run->max_t < start_ns) continue;
          LogStreamVolume& v = volumes[sr.labels];
          if (run->min_t >= start_ns && run->max_t <= end_ns) {
            v.entries += run->size();
            v.bytes += run->total_line_bytes + run->total_meta_bytes;
            continue;
          }
          for (size_t i = 0; i < run->size(); ++i) {
            if (run->timestamps[i] < start_ns || run->timestamps[i] > end_ns) continue;
            ++v.entries;
            v.bytes += run->line_bytes[i] + run->meta_bytes[i];
          }
        }
      }
    };
    add_runs(snap.persisting);
    add_runs(snap.head);
    std::vector<LogStreamVolume> out;
    for (auto& [labels, v] : volumes) {
      if (v.entries == 0) continue;
      v.labels = labels;
      out.push_back(std::move(v));
    }
    return out;
  }

  LogReadStats stats() const override {
    LogReadStats s;
    s.entries_scanned = stats_->entries_scanned.load();
    s.bytes_scanned = stats_->bytes_scanned.load();
    s.segments_read = stats_->segments_read.load();
    s.segments_skipped = stats_->segments_skipped.load();
    return s;
  }

 private:
  // Calls fn(labels) for the streams with entries in the range that match (repeats possible).
  void ForEachStream(int64_t start_ns, int64_t end_ns, const Matchers& matchers,
                     const std::function<void(const Labels&)>& fn) {
    std::optional<std::vector<std::string>> no_columns(std::vector<std::string>{});
    ColumnFilter filter{&no_columns};
    auto matches = [&](const Labels& l) { return MatchesAll(matchers, l); };
    LogStore::Snapshot snap = store_->TakeSnapshot(start_ns, end_ns, matches, filter);
    for (const auto& seg : snap.segments) {
      for (const auto& s : seg->streams()) {
        if (s.min_t <= end_ns && s.max_t >= start_ns && matches(s.labels)) fn(s.labels);
      }
    }
    for (const auto* runs : {&snap.persisting, &snap.head}) {
      for (const StreamRuns& sr : *runs) {
        const bool any = std::any_of(sr.runs.begin(), sr.runs.end(), [&](const auto& r) {
          return r->size() > 0 && r->min_t <= end_ns && r->max_t >= start_ns;
        });
        if (any) fn(sr.labels);
      }
    }
  }

  LogStore* store_;
  std::shared_ptr<SharedReadStats> stats_;
};

namespace {
std::atomic<uint64_t> next_store_uid{1};
}  // namespace

LogStore::LogStore(std::string dir, LogStoreOptions options)
    : dir_(std::move(dir)), options_(std::move(options)), uid_(next_store_uid.fetch_add(1)) {
  dict_budget_ = std::make_shared<std::atomic<int64_t>>(options_.dictionary_cache_bytes);
}

std::string LogStore::ShardId(const SegmentMeta& meta) const {
  return fmt::format("{}#{}", uid_, FileName(meta.path));
}

std::optional<std::string_view> LogStore::ShardFileName(std::string_view id) const {
  const std::string prefix = fmt::format("{}#", uid_);
  if (!id.starts_with(prefix)) return std::nullopt;
  return id.substr(prefix.size());
}

std::string LogStore::segments_dir() const { return (fs::path(dir_) / "segments").string(); }

int64_t LogStore::Now() const {
  if (options_.now_ns) return options_.now_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<LogStore>> LogStore::Open(const std::string& dir, LogStoreOptions options) {
  if (options.segment_span_ns <= 0 || options.retention_ns <= 0 || options.chunk_entries == 0 ||
      options.segment.block_entries == 0) {
    return Status::InvalidArgument(
        "event store: segment span, retention, chunk and block sizes must be positive");
  }
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "segments", ec);
  if (ec) return Status::IoError(fmt::format("events directory {}: {}", dir, ec.message()));
  std::unique_ptr<LogStore> store(new LogStore(dir, std::move(options)));
  auto wal = tsdb::Wal::Open((fs::path(dir) / "wal").string(), store->options_.wal);
  if (!wal.ok()) return wal.status();
  store->wal_ = std::move(*wal);
  store->head_ = std::make_unique<Head>(store->options_.chunk_entries);
  const uint64_t committed = store->wal_->LatestCheckpoint().first;
  OTELITE_RETURN_IF_ERROR(store->LoadSegments(committed));
  OTELITE_RETURN_IF_ERROR(store->Replay());
  if (store->options_.maintenance_interval_ms > 0) {
    store->loop_ = std::thread([s = store.get()] { s->MaintenanceLoop(); });
  }
  return store;
}

Status LogStore::LoadSegments(uint64_t committed) {
  std::vector<std::shared_ptr<const Segment>> loaded;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(segments_dir(), ec)) {
    const std::string path = entry.path().string();
    if (path.ends_with(".tmp")) {  // a write interrupted by a crash
      fs::remove(entry.path(), ec);
      continue;
    }
    if (!path.ends_with(".ols")) continue;
    auto seg = Segment::Open(path, dict_budget_);
    if (!seg.ok()) {
      spdlog::error("events: skipping segment {}: {}", path, seg.status().message());
      open_report_.corrupted_segments.push_back(seg.status().message());
      continue;
    }
    if ((*seg)->meta().generation > committed) {
      // Its cut never wrote its checkpoint: the WAL still holds these entries.
      spdlog::info("events: removing uncommitted segment {}", path);
      fs::remove(entry.path(), ec);
      ++open_report_.uncommitted_segments_removed;
      continue;
    }
    loaded.push_back(std::move(*seg));
  }
  std::sort(loaded.begin(), loaded.end(), [](const auto& a, const auto& b) {
    return std::pair(a->meta().generation, a->meta().min_t) <
           std::pair(b->meta().generation, b->meta().min_t);
  });
  open_report_.segments = loaded.size();
  std::unique_lock lock(state_mu_);
  segments_ = std::move(loaded);
  return Status::Ok();
}

Status LogStore::Replay() {
  const auto start = std::chrono::steady_clock::now();
  DecodedRecord record;
  auto apply = [&](uint8_t type, std::span<const uint8_t> payload) {
    if (type != kWalEntries) {
      ++open_report_.bad_records;
      return Status::Ok();
    }
    Status st = DecodeRecord(payload, &record);
    if (!st.ok()) {
      // An intact frame that does not decode: a bug or a newer format. Skip, never fatal.
      if (open_report_.bad_records++ == 0) spdlog::warn("events WAL: {}", st.message());
      return Status::Ok();
    }
    head_->Apply(record);
    open_report_.replayed_entries += record.entries.size();
    return Status::Ok();
  };
  const auto [checkpoint, path] = wal_->LatestCheckpoint();
  if (!path.empty()) {
    OTELITE_RETURN_IF_ERROR(tsdb::Wal::ReplayFile(path, apply, &open_report_.wal));
  }
  OTELITE_RETURN_IF_ERROR(
      wal_->Replay(path.empty() ? 0 : checkpoint + 1, apply, &open_report_.wal));
  open_report_.replay_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Status::Ok();
}

LogStore::~LogStore() {
  {
    std::lock_guard lock(loop_mu_);
    stop_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  if (wal_) {
    Status st = Flush();
    if (!st.ok()) spdlog::error("events: final WAL flush failed: {}", st.message());
  }
}

void LogStore::MaintenanceLoop() {
  std::unique_lock lock(loop_mu_);
  const auto interval = std::chrono::milliseconds(options_.maintenance_interval_ms);
  while (true) {
    loop_cv_.wait_for(lock, interval, [&] { return stop_ || wake_; });
    if (stop_) break;
    wake_ = false;
    lock.unlock();
    Status st = RunMaintenance();
    if (!st.ok()) spdlog::error("events maintenance: {}", st.message());
    lock.lock();
  }
}

Status LogStore::AppendLogs(const LogBatch& batch) {
  const int64_t oldest = Now() - options_.retention_ns;
  thread_local std::vector<uint8_t> payload;
  thread_local DecodedRecord record;
  EncodeRecord(
      batch, [oldest](int64_t t) { return t >= oldest; }, &payload, &record);
  const size_t total = batch.EntryCount();
  if (record.entries.size() < total) entries_too_old_.fetch_add(total - record.entries.size());
  if (record.entries.empty()) return Status::Ok();
  uint64_t position = 0;
  {
    std::lock_guard lock(append_mu_);
    auto written = wal_->Write(kWalEntries, payload);
    if (!written.ok()) {
      append_failures_.fetch_add(1);
      const Status& st = written.status();
      if (st.code() == StatusCode::kResourceExhausted) {
        return Status::ResourceExhausted("event storage: " + st.message());
      }
      return Status::Unavailable("event storage: " + st.message());
    }
    position = *written;
    head_->Apply(record);
  }
  if (payload.capacity() > (16u << 20)) payload = {};
  entries_appended_.fetch_add(record.entries.size(), std::memory_order_relaxed);
  if (head_->entries() > options_.max_head_entries || head_->bytes() > options_.max_head_bytes) {
    {
      std::lock_guard lock(loop_mu_);
      wake_ = true;
    }
    loop_cv_.notify_all();
  }
  Status durable = wal_->WaitDurable(position);
  if (!durable.ok()) return Status::Unavailable("event storage: " + durable.message());
  return Status::Ok();
}

LogStore::Snapshot LogStore::TakeSnapshot(int64_t mint, int64_t maxt,
                                          const std::function<bool(const Labels&)>& matches,
                                          const ColumnFilter& filter) const {
  Snapshot snap;
  std::shared_lock lock(state_mu_);
  snap.segments = segments_;
  for (const StreamRuns& sr : persisting_) {
    if (matches(sr.labels)) snap.persisting.push_back(sr);
  }
  snap.head = head_->Select(mint, maxt, matches, filter);
  return snap;
}

std::unique_ptr<LogQuerier> LogStore::NewLogQuerier() {
  return std::make_unique<StoreQuerier>(this);
}

Status LogStore::RunMaintenance() {
  std::lock_guard lock(maintenance_mu_);
  Status st = Cut(false);
  if (!st.ok()) {
    cut_failures_.fetch_add(1);
    spdlog::error("events: cut failed: {}", st.message());
  }
  Status retention = ApplyRetention();
  return st.ok() ? retention : st;
}

Status LogStore::PersistHead() {
  std::lock_guard lock(maintenance_mu_);
  return Cut(true);
}

Status LogStore::Cut(bool everything) {
  if (head_->entries() == 0) return Status::Ok();
  const int64_t span = options_.segment_span_ns;
  int64_t before = std::numeric_limits<int64_t>::max();
  if (!everything && head_->entries() <= options_.max_head_entries &&
      head_->bytes() <= options_.max_head_bytes) {
    // Windows that ended half a span ago are complete: late entries for them become rare.
    const int64_t now = std::max(Now(), head_->MaxTime());
    before = FloorTo(now - span / 2, span);
    if (head_->MinTime() >= before) return Status::Ok();
  }
  uint64_t generation = 0;
  std::vector<StreamRuns> taken, kept;
  {
    std::lock_guard append(append_mu_);
    auto next = wal_->CutSegment();  // everything applied so far is in segments < next
    if (!next.ok()) return next.status();
    generation = *next - 1;
    std::unique_lock state(state_mu_);
    taken = head_->Detach(before);
    persisting_ = taken;
    kept = head_->All();
  }
  auto give_back = [&](std::vector<std::string> written) {
    std::error_code ec;
    for (const auto& p : written) fs::remove(p, ec);
    std::lock_guard append(append_mu_);
    std::unique_lock state(state_mu_);
    head_->Restore(taken);
    persisting_.clear();
  };
  // One segment per window, streams in label order.
  std::map<int64_t, std::vector<StreamRuns>> windows;
  for (const StreamRuns& sr : taken) {
    for (const auto& run : sr.runs) {
      size_t from = 0;
      while (from < run->size()) {
        const int64_t w = FloorTo(run->timestamps[from], span);
        const size_t to = static_cast<size_t>(
            std::lower_bound(run->timestamps.begin() + static_cast<ptrdiff_t>(from),
                             run->timestamps.end(), w + span) -
            run->timestamps.begin());
        auto& streams = windows[w];
        if (streams.empty() || !(streams.back().labels == sr.labels)) {
          streams.push_back({sr.labels, {}});
        }
        streams.back().runs.push_back(from == 0 && to == run->size() ? run : run->Slice(from, to));
        from = to;
      }
    }
  }
  std::vector<std::string> written;
  for (const auto& [w, streams] : windows) {
    const std::string path = (fs::path(segments_dir()) / SegmentName(w, generation)).string();
    auto meta = WriteSegment(path, generation, streams, options_.segment);
    if (!meta.ok()) {
      give_back(written);
      return meta.status();
    }
    written.push_back(path);
  }
  // The checkpoint commits the cut: what stays in the head, as of WAL segment `generation`.
  Status st = wal_->WriteCheckpoint(generation, [&](const auto& emit) {
    RecordEncoder encoder;
    std::vector<uint8_t> payload;
    std::vector<std::pair<std::string_view, std::string_view>> meta;
    for (const StreamRuns& sr : kept) {
      for (const auto& run : sr.runs) {
        encoder.BeginStream(sr.labels);
        for (size_t i = 0; i < run->size(); ++i) {
          meta.clear();  // columns are sorted by name, as entries' metadata are
          for (const RunColumn& c : run->columns) {
            if (c.codes[i] != 0) meta.emplace_back(c.name, c.dict[c.codes[i] - 1]);
          }
          encoder.AddEntry(run->timestamps[i], run->lines[i], meta);
        }
        if (encoder.entries() >= 16384) {
          encoder.Finish(&payload);
          emit(kWalEntries, payload);
        }
      }
    }
    if (encoder.entries() > 0) {
      encoder.Finish(&payload);
      emit(kWalEntries, payload);
    }
  });
  if (!st.ok()) {
    give_back(written);
    return st;
  }
  std::vector<std::shared_ptr<const Segment>> opened;
  Status open_status;
  for (const auto& path : written) {
    auto seg = Segment::Open(path, dict_budget_);
    if (!seg.ok()) {
      open_status = seg.status();
      break;
    }
    opened.push_back(std::move(*seg));
  }
  {
    std::unique_lock state(state_mu_);
    if (open_status.ok()) {
      segments_.insert(segments_.end(), opened.begin(), opened.end());
      persisting_.clear();
    }
  }
  if (!open_status.ok()) return open_status;  // the entries stay visible from memory
  cuts_.fetch_add(1);
  spdlog::debug("events: cut {} segments (generation {})", written.size(), generation);
  return Status::Ok();
}

Status LogStore::ApplyRetention() {
  const int64_t cutoff = Now() - options_.retention_ns;
  std::vector<std::shared_ptr<const Segment>> doomed;
  {
    std::unique_lock state(state_mu_);
    std::vector<std::shared_ptr<const Segment>> by_age = segments_;
    std::sort(by_age.begin(), by_age.end(),
              [](const auto& a, const auto& b) { return a->meta().max_t < b->meta().max_t; });
    uint64_t total = 0;
    for (const auto& s : by_age) total += s->meta().file_bytes;
    for (const auto& s : by_age) {
      const bool too_old = s->meta().max_t < cutoff;
      const bool too_big = options_.retention_bytes > 0 && total > options_.retention_bytes;
      if (!too_old && !too_big) continue;
      doomed.push_back(s);
      total -= s->meta().file_bytes;
    }
    segments_.erase(std::remove_if(segments_.begin(), segments_.end(),
                                   [&](const auto& s) {
                                     return std::find(doomed.begin(), doomed.end(), s) !=
                                            doomed.end();
                                   }),
                    segments_.end());
  }
  for (const auto& s : doomed) {
    std::error_code ec;
    fs::remove(s->meta().path, ec);  // open readers keep reading through their descriptor
    if (ec) spdlog::warn("events: cannot delete {}: {}", s->meta().path, ec.message());
    spdlog::info("events: retention deleted segment {}", s->meta().path);
    deleted_retention_.fetch_add(1);
  }
  {
    std::lock_guard append(append_mu_);
    head_->DropBefore(cutoff);
  }
  return Status::Ok();
}

Status LogStore::Flush() {
  auto flushed = wal_->Flush();
  if (!flushed.ok()) return flushed.status();
  return wal_->Sync();
}

LogStoreStats LogStore::Stats() const {
  LogStoreStats st;
  st.head_streams = head_->streams();
  st.head_entries = head_->entries();
  st.head_bytes = head_->bytes();
  st.wal_bytes = wal_->SizeBytes();
  {
    std::shared_lock lock(state_mu_);
    for (const auto& s : segments_) {
      ++st.segments;
      st.segment_bytes += s->meta().file_bytes;
      st.segment_entries += s->meta().entries;
    }
  }
  st.entries_appended = entries_appended_.load();
  st.entries_too_old = entries_too_old_.load();
  st.append_failures = append_failures_.load();
  st.cuts = cuts_.load();
  st.cut_failures = cut_failures_.load();
  st.segments_deleted_retention = deleted_retention_.load();
  st.segments_corrupted = open_report_.corrupted_segments.size();
  return st;
}

std::vector<SegmentMeta> LogStore::Segments() const {
  std::shared_lock lock(state_mu_);
  std::vector<SegmentMeta> out;
  for (const auto& s : segments_) out.push_back(s->meta());
  return out;
}

}  // namespace otelite::logs
