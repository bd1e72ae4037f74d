#include "storage/tsdb/db.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace otelite::tsdb {

namespace fs = std::filesystem;

namespace {

int64_t FloorTo(int64_t t, int64_t range) {
  int64_t q = t / range;
  if (t % range != 0 && t < 0) --q;
  return q * range;
}

// One selected series coming from several places (blocks, head): their samples merged.
class MergedSeries : public Series {
 public:
  explicit MergedSeries(std::vector<std::unique_ptr<Series>> parts) : parts_(std::move(parts)) {}
  const Labels& labels() const override { return parts_.front()->labels(); }
  std::unique_ptr<SampleIterator> Iterator() const override {
    std::vector<std::unique_ptr<SampleIterator>> its;
    its.reserve(parts_.size());
    for (const auto& p : parts_) its.push_back(p->Iterator());
    return std::make_unique<MergeIterator>(std::move(its));
  }

 private:
  std::vector<std::unique_ptr<Series>> parts_;
};

// Deletes a block directory so that a crash in the middle never leaves a half-deleted block
// under its name: renamed first (atomic), then removed; leftovers go at the next start.
void DeleteBlockDir(const std::string& dir) {
  std::error_code ec;
  const std::string doomed = dir + ".deleted";
  fs::rename(dir, doomed, ec);
  fs::remove_all(ec ? dir : doomed, ec);
  if (ec) spdlog::warn("metrics: cannot delete {}: {}", dir, ec.message());
}

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

class DbQuerier : public Querier {
 public:
  DbQuerier(std::vector<std::shared_ptr<Block>> blocks, std::unique_ptr<Querier> head)
      : blocks_(std::move(blocks)), head_(std::move(head)) {}

  Result<SeriesSet> Select(int64_t mint, int64_t maxt, const Matchers& matchers) override {
    std::vector<SeriesSet> sets;
    for (const auto& b : blocks_) {
      if (!b->Overlaps(mint, maxt)) continue;
      auto set = b->SelectSeries(mint, maxt, matchers);
      if (!set.ok()) return set.status();
      if (!set->empty()) sets.push_back(std::move(*set));
    }
    auto head = head_->Select(mint, maxt, matchers);
    if (!head.ok()) return head.status();
    if (!head->empty()) sets.push_back(std::move(*head));
    if (sets.empty()) return SeriesSet{};
    if (sets.size() == 1) return std::move(sets.front());
    // Every set is sorted by labels: a k-way merge that joins equal label sets.
    std::vector<size_t> pos(sets.size(), 0);
    SeriesSet out;
    while (true) {
      const Labels* min = nullptr;
      for (size_t i = 0; i < sets.size(); ++i) {
        if (pos[i] < sets[i].size() && (min == nullptr || sets[i][pos[i]]->labels() < *min)) {
          min = &sets[i][pos[i]]->labels();
        }
      }
      if (min == nullptr) break;
      const Labels key = *min;
      std::vector<std::unique_ptr<Series>> parts;
      for (size_t i = 0; i < sets.size(); ++i) {
        if (pos[i] < sets[i].size() && sets[i][pos[i]]->labels() == key) {
          parts.push_back(std::move(sets[i][pos[i]++]));
        }
      }
      if (parts.size() == 1) {
        out.push_back(std::move(parts.front()));
      } else {
        out.push_back(std::make_unique<MergedSeries>(std::move(parts)));
      }
    }
    return out;
  }

  Result<std::vector<std::string>> LabelNames(int64_t mint, int64_t maxt,
                                              const Matchers& matchers) override {
    auto out = head_->LabelNames(mint, maxt, matchers);
    if (!out.ok()) return out;
    for (const auto& b : blocks_) {
      if (!b->Overlaps(mint, maxt)) continue;
      if (matchers.empty()) {
        for (auto& n : b->LabelNames()) out->push_back(std::move(n));
        continue;
      }
      std::vector<Block::ChunkMeta> chunks;
      for (uint64_t id : b->Select(matchers)) {
        Labels labels;
        OTELITE_RETURN_IF_ERROR(b->ReadSeries(static_cast<uint32_t>(id), &labels, &chunks));
        for (const Label& l : labels.items()) out->push_back(l.name);
      }
    }
    SortUnique(&*out);
    return out;
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name, int64_t mint, int64_t maxt,
                                               const Matchers& matchers) override {
    auto out = head_->LabelValues(name, mint, maxt, matchers);
    if (!out.ok()) return out;
    for (const auto& b : blocks_) {
      if (!b->Overlaps(mint, maxt)) continue;
      if (matchers.empty()) {
        for (auto& v : b->LabelValues(name)) out->push_back(std::move(v));
        continue;
      }
      std::vector<Block::ChunkMeta> chunks;
      for (uint64_t id : b->Select(matchers)) {
        Labels labels;
        OTELITE_RETURN_IF_ERROR(b->ReadSeries(static_cast<uint32_t>(id), &labels, &chunks));
        std::string_view v = labels.Get(name);
        if (!v.empty()) out->emplace_back(v);
      }
    }
    SortUnique(&*out);
    return out;
  }

 private:
  std::vector<std::shared_ptr<Block>> blocks_;
  std::unique_ptr<Querier> head_;
};

}  // namespace

std::string Db::blocks_dir() const { return (fs::path(dir_) / "blocks").string(); }

Result<std::unique_ptr<Db>> Db::Open(const std::string& dir, DbOptions options) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "blocks", ec);
  if (ec) return Status::IoError(fmt::format("metrics directory {}: {}", dir, ec.message()));
  std::unique_ptr<Db> db(new Db(dir, std::move(options)));
  OTELITE_RETURN_IF_ERROR(db->LoadBlocks());
  auto wal = Wal::Open((fs::path(dir) / "wal").string(), db->options_.wal);
  if (!wal.ok()) return wal.status();
  db->wal_ = std::move(*wal);
  db->head_ = std::make_unique<Head>(db->options_.head, db->wal_.get());
  // Not the newest block's end: imported blocks may lie anywhere, and WAL data beside them
  // must stay.
  const int64_t persisted = db->ReadHeadMinTime();
  db->head_->set_min_valid_time(persisted);

  const auto start = std::chrono::steady_clock::now();
  Head* head = db->head_.get();
  auto replay = [head](uint8_t type, std::span<const uint8_t> payload) {
    return head->ReplayRecord(type, payload);
  };
  auto& report = db->open_report_;
  const auto [checkpoint, checkpoint_path] = db->wal_->LatestCheckpoint();
  if (!checkpoint_path.empty()) {
    OTELITE_RETURN_IF_ERROR(Wal::ReplayFile(checkpoint_path, replay, &report.wal));
  }
  OTELITE_RETURN_IF_ERROR(
      db->wal_->Replay(checkpoint_path.empty() ? 0 : checkpoint + 1, replay, &report.wal));
  // Data the WAL still holds but a block already has (a crash between the two) leaves.
  if (head->MinTime() < persisted) head->Truncate(persisted);
  report.replay_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.replayed_series = head->Stats().series;
  report.replayed_samples = head->replay_samples();
  report.orphan_samples = head->replay_orphans();
  report.blocks = db->blocks_.size();
  if (report.orphan_samples > 0) {
    spdlog::warn("metrics WAL: {} samples referenced unknown series and were skipped",
                 report.orphan_samples);
  }
  if (db->options_.maintenance_interval_ms > 0) {
    db->loop_ = std::thread([d = db.get()] { d->MaintenanceLoop(); });
  }
  return db;
}

Db::~Db() {
  {
    std::lock_guard lock(loop_mu_);
    stop_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  if (wal_) {
    Status st = Flush();
    if (!st.ok()) spdlog::error("metrics: final WAL flush failed: {}", st.message());
  }
}

void Db::MaintenanceLoop() {
  std::unique_lock lock(loop_mu_);
  const auto interval = std::chrono::milliseconds(options_.maintenance_interval_ms);
  while (!loop_cv_.wait_for(lock, interval, [&] { return stop_; })) {
    lock.unlock();
    Status st = RunMaintenance();
    if (!st.ok()) spdlog::error("metrics maintenance: {}", st.message());
    lock.lock();
  }
}

Status Db::LoadBlocks() {
  const std::string parent = blocks_dir();
  std::vector<std::shared_ptr<Block>> loaded;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    if (!entry.is_directory()) continue;
    const std::string path = entry.path().string();
    if (path.ends_with(".tmp") || path.ends_with(".deleted")) {  // an interrupted write or delete
      fs::remove_all(entry.path(), ec);
      continue;
    }
    auto block = Block::Open(path);
    if (!block.ok()) {
      spdlog::error("metrics: skipping block {}: {}", path, block.status().message());
      open_report_.corrupted_blocks.push_back(block.status().message());
      continue;
    }
    loaded.push_back(std::move(*block));
  }
  // A compaction that crashed after writing its result but before deleting its inputs leaves
  // blocks whose sources another block covers entirely: those go.
  std::vector<std::shared_ptr<Block>> kept;
  for (const auto& b : loaded) {
    bool covered = false;
    for (const auto& other : loaded) {
      if (other == b || other->meta().sources.size() <= b->meta().sources.size()) continue;
      const auto& big = other->meta().sources;
      covered = std::all_of(b->meta().sources.begin(), b->meta().sources.end(), [&](const auto& s) {
        return std::find(big.begin(), big.end(), s) != big.end();
      });
      if (covered) break;
    }
    if (covered) {
      spdlog::info("metrics: removing block {} (already compacted into another)", b->dir());
      DeleteBlockDir(b->dir());
    } else {
      kept.push_back(b);
    }
  }
  std::sort(kept.begin(), kept.end(),
            [](const auto& a, const auto& b) { return a->meta().min_time < b->meta().min_time; });
  std::lock_guard lock(blocks_mu_);
  blocks_ = std::move(kept);
  return Status::Ok();
}

int64_t Db::ReadHeadMinTime() const {
  std::ifstream in(fs::path(dir_) / "head_min_time");
  long long t = 0;
  if (in >> t) return static_cast<int64_t>(t);
  return std::numeric_limits<int64_t>::min();
}

Status Db::WriteHeadMinTime(int64_t t) {
  const fs::path path = fs::path(dir_) / "head_min_time";
  const std::string tmp = path.string() + ".tmp";
  const std::string text = std::to_string(t) + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(fmt::format("{}: {}", tmp, std::strerror(errno)));
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  std::error_code ec;
  if (ok) fs::rename(tmp, path, ec);
  if (!ok || ec) return Status::IoError(fmt::format("cannot write {}", path.string()));
  return Status::Ok();
}

std::vector<std::shared_ptr<Block>> Db::BlocksSnapshot() const {
  std::lock_guard lock(blocks_mu_);
  return blocks_;
}

std::vector<BlockMeta> Db::Blocks() const {
  std::vector<BlockMeta> out;
  for (const auto& b : BlocksSnapshot()) out.push_back(b->meta());
  return out;
}

Result<AppendResult> Db::Append(const MetricBatch& batch) {
  auto result = head_->Append(batch);
  if (!result.ok()) append_failures_.fetch_add(1, std::memory_order_relaxed);
  return result;
}

Status Db::AppendMetrics(const MetricBatch& batch) {
  AppendReport ignored;
  return AppendMetricsReporting(batch, &ignored);
}

Status Db::AppendMetricsReporting(const MetricBatch& batch, AppendReport* report) {
  auto result = Append(batch);
  if (result.ok()) report->Add(result->RejectedTotal(), "storage: " + result->first_rejection);
  if (!result.ok()) {
    const Status& st = result.status();
    // A full disk is backpressure (retry later); other write failures are unavailability.
    if (st.code() == StatusCode::kResourceExhausted) {
      return Status::ResourceExhausted("metrics storage: " + st.message());
    }
    return Status::Unavailable("metrics storage: " + st.message());
  }
  return Status::Ok();
}

Result<size_t> Db::MarkStale(const std::vector<Labels>& series, int64_t t) {
  MetricBatch batch;
  batch.families.push_back({"", MetricType::kUnknown, "", ""});
  for (const Labels& l : series) {
    if (!head_->Contains(l)) continue;
    MetricSample s;
    s.labels = l;
    s.timestamp_ms = t;
    s.value = StaleNaN();
    batch.samples.push_back(std::move(s));
  }
  if (batch.samples.empty()) return size_t{0};
  auto result = Append(batch);
  if (!result.ok()) return result.status();
  return static_cast<size_t>(result->appended);
}

std::unique_ptr<Querier> Db::NewQuerier() {
  return std::make_unique<DbQuerier>(BlocksSnapshot(), head_->NewQuerier());
}

Status Db::CutBlock(int64_t mint, int64_t maxt) {
  // From here on samples before maxt are refused; the barrier lets appends in flight finish.
  if (head_->min_valid_time() < maxt) head_->set_min_valid_time(maxt);
  head_->Barrier();
  BlockWriter writer(blocks_dir(), NewBlockId(mint), mint, maxt);
  OTELITE_RETURN_IF_ERROR(writer.Open());
  bool any = false;
  OTELITE_RETURN_IF_ERROR(
      head_->CollectRange(mint, maxt, [&](const Labels& l, std::span<const Sample> s) {
        any = true;
        return writer.AddSeries(l, s);
      }));
  if (any) {
    auto meta = writer.Finish(1, {});
    if (!meta.ok()) return meta.status();
    auto block = Block::Open((fs::path(blocks_dir()) / meta->id).string());
    if (!block.ok()) return block.status();
    {
      std::lock_guard lock(blocks_mu_);
      blocks_.push_back(std::move(*block));
      std::sort(blocks_.begin(), blocks_.end(), [](const auto& a, const auto& b) {
        return a->meta().min_time < b->meta().min_time;
      });
    }
    blocks_cut_.fetch_add(1);
    spdlog::debug("metrics: cut block {} ({} series, {} samples)", meta->id, meta->series,
                  meta->samples);
  }
  OTELITE_RETURN_IF_ERROR(WriteHeadMinTime(maxt));
  const size_t removed = head_->Truncate(maxt);
  spdlog::debug("metrics: {} series left the head", removed);
  return Status::Ok();
}

Status Db::Checkpoint() {
  auto segment = wal_->CutSegment();
  if (!segment.ok()) return segment.status();
  // Batches written to the old segments are applied to the head once the append lock is free.
  head_->Barrier();
  OTELITE_RETURN_IF_ERROR(wal_->WriteCheckpoint(
      *segment - 1, [&](const auto& emit) { head_->CheckpointRecords(emit); }));
  checkpoints_.fetch_add(1);
  return Status::Ok();
}

Status Db::RunMaintenance() {
  std::lock_guard lock(maintenance_mu_);
  const int64_t range = options_.head.chunk_range_ms;
  bool cut = false;
  for (int i = 0; i < 1000; ++i) {
    const int64_t min_t = head_->MinTime();
    const int64_t max_t = head_->MaxTime();
    if (min_t > max_t) break;
    const int64_t lo = FloorTo(min_t, range);
    if (max_t < lo + range + range / 2) break;
    OTELITE_RETURN_IF_ERROR(CutBlock(lo, lo + range));
    cut = true;
  }
  if (cut) OTELITE_RETURN_IF_ERROR(Checkpoint());
  Status st = Compact();
  if (!st.ok()) {
    compaction_failures_.fetch_add(1);
    spdlog::error("metrics: compaction failed: {}", st.message());
  }
  return ApplyRetention();
}

Status Db::PersistHead() {
  std::lock_guard lock(maintenance_mu_);
  const int64_t range = options_.head.chunk_range_ms;
  while (head_->MinTime() <= head_->MaxTime()) {
    const int64_t lo = FloorTo(head_->MinTime(), range);
    OTELITE_RETURN_IF_ERROR(CutBlock(lo, lo + range));
  }
  return Checkpoint();
}

Status Db::AddBlock(const std::string& block_dir) {
  auto block = Block::Open(block_dir);
  if (!block.ok()) return block.status();
  std::lock_guard lock(blocks_mu_);
  blocks_.push_back(std::move(*block));
  std::sort(blocks_.begin(), blocks_.end(),
            [](const auto& a, const auto& b) { return a->meta().min_time < b->meta().min_time; });
  return Status::Ok();
}

Status Db::Compact() {
  const int64_t base = options_.head.chunk_range_ms;
  // Block lengths: 2 h, 6 h, 18 h, … up to a tenth of the retention (at least one step).
  std::vector<int64_t> ranges;
  const int64_t cap = std::max<int64_t>(
      3 * base, std::min<int64_t>(options_.retention_ms / 10, 31LL * 24 * 3600 * 1000));
  for (int64_t r = 3 * base; r <= cap; r *= 3) ranges.push_back(r);
  for (int round = 0; round < 100; ++round) {
    auto blocks = BlocksSnapshot();
    bool did = false;
    // Overlapping blocks (imports, out-of-order persistence) are merged first.
    for (size_t i = 0; i + 1 < blocks.size() && !did; ++i) {
      std::vector<std::shared_ptr<Block>> group = {blocks[i]};
      int64_t end = blocks[i]->meta().max_time;
      for (size_t j = i + 1; j < blocks.size() && blocks[j]->meta().min_time < end; ++j) {
        group.push_back(blocks[j]);
        end = std::max(end, blocks[j]->meta().max_time);
      }
      if (group.size() > 1) {
        int level = 0;
        for (const auto& b : group) level = std::max(level, b->meta().level);
        OTELITE_RETURN_IF_ERROR(CompactGroup(group, level + 1));
        did = true;
      }
    }
    const int64_t persisted = head_->min_valid_time();
    for (int64_t r : ranges) {
      if (did) break;
      std::map<int64_t, std::vector<std::shared_ptr<Block>>> windows;
      for (const auto& b : blocks) {
        const int64_t w = FloorTo(b->meta().min_time, r);
        if (b->meta().max_time <= w + r && b->meta().max_time - b->meta().min_time < r) {
          windows[w].push_back(b);
        }
      }
      for (auto& [w, group] : windows) {
        if (group.size() < 2 || w + r > persisted) continue;
        int level = 0;
        for (const auto& b : group) level = std::max(level, b->meta().level);
        OTELITE_RETURN_IF_ERROR(CompactGroup(group, level + 1));
        did = true;
        break;
      }
    }
    if (!did) break;
  }
  return Status::Ok();
}

Status Db::CompactGroup(const std::vector<std::shared_ptr<Block>>& group, int level) {
  int64_t mint = std::numeric_limits<int64_t>::max();
  int64_t maxt = std::numeric_limits<int64_t>::min();
  std::vector<std::string> sources;
  for (const auto& b : group) {
    mint = std::min(mint, b->meta().min_time);
    maxt = std::max(maxt, b->meta().max_time);
    sources.insert(sources.end(), b->meta().sources.begin(), b->meta().sources.end());
  }
  BlockWriter writer(blocks_dir(), NewBlockId(mint), mint, maxt);
  OTELITE_RETURN_IF_ERROR(writer.Open());
  // Each block's series are sorted by labels: a k-way merge by labels.
  struct Cursor {
    const Block* block;
    uint32_t id = 0;
    uint32_t count = 0;
    Labels labels;
  };
  std::vector<Cursor> cursors;
  std::vector<Block::ChunkMeta> chunk_metas;
  for (const auto& b : group) {
    Cursor c{b.get(), 0, static_cast<uint32_t>(b->meta().series), {}};
    if (c.count > 0) OTELITE_RETURN_IF_ERROR(b->ReadSeries(0, &c.labels, &chunk_metas));
    cursors.push_back(std::move(c));
  }
  std::vector<Sample> samples;
  while (true) {
    const Labels* min = nullptr;
    for (const auto& c : cursors) {
      if (c.id < c.count && (min == nullptr || c.labels < *min)) min = &c.labels;
    }
    if (min == nullptr) break;
    const Labels key = *min;
    samples.clear();
    size_t sources_with = 0;
    for (auto& c : cursors) {
      if (c.id >= c.count || !(c.labels == key)) continue;
      const size_t before = samples.size();
      OTELITE_RETURN_IF_ERROR(c.block->ReadSamples(c.id, &samples));
      if (sources_with++ > 0) {
        std::inplace_merge(samples.begin(), samples.begin() + static_cast<long>(before),
                           samples.end(),
                           [](const Sample& a, const Sample& b) { return a.t < b.t; });
      }
      if (++c.id < c.count)
        OTELITE_RETURN_IF_ERROR(c.block->ReadSeries(c.id, &c.labels, &chunk_metas));
    }
    if (sources_with > 1) {
      samples.erase(std::unique(samples.begin(), samples.end(),
                                [](const Sample& a, const Sample& b) { return a.t == b.t; }),
                    samples.end());
    }
    OTELITE_RETURN_IF_ERROR(writer.AddSeries(key, samples));
  }
  auto meta = writer.Finish(level, std::move(sources));
  if (!meta.ok()) return meta.status();
  auto block = Block::Open((fs::path(blocks_dir()) / meta->id).string());
  if (!block.ok()) return block.status();
  {
    std::lock_guard lock(blocks_mu_);
    blocks_.erase(std::remove_if(blocks_.begin(), blocks_.end(),
                                 [&](const auto& b) {
                                   return std::find(group.begin(), group.end(), b) != group.end();
                                 }),
                  blocks_.end());
    blocks_.push_back(std::move(*block));
    std::sort(blocks_.begin(), blocks_.end(),
              [](const auto& a, const auto& b) { return a->meta().min_time < b->meta().min_time; });
  }
  std::error_code ec;
  for (const auto& b : group) DeleteBlockDir(b->dir());  // open readers keep their mapping
  compactions_.fetch_add(1);
  spdlog::debug("metrics: compacted {} blocks into {} (level {})", group.size(), meta->id, level);
  return Status::Ok();
}

Status Db::ApplyRetention() {
  auto blocks = BlocksSnapshot();
  if (blocks.empty()) return Status::Ok();
  int64_t newest = head_->MaxTime();
  for (const auto& b : blocks) newest = std::max(newest, b->meta().max_time);
  const int64_t cutoff = newest - options_.retention_ms;
  std::vector<std::shared_ptr<Block>> doomed;
  for (const auto& b : blocks) {
    if (b->meta().max_time <= cutoff) doomed.push_back(b);
  }
  if (options_.retention_bytes > 0) {
    uint64_t total = wal_->SizeBytes();
    for (const auto& b : blocks) total += b->meta().bytes;
    for (const auto& b : blocks) {  // oldest first
      if (total <= options_.retention_bytes) break;
      if (std::find(doomed.begin(), doomed.end(), b) == doomed.end()) doomed.push_back(b);
      total -= std::min(total, b->meta().bytes);
    }
  }
  if (doomed.empty()) return Status::Ok();
  {
    std::lock_guard lock(blocks_mu_);
    blocks_.erase(std::remove_if(blocks_.begin(), blocks_.end(),
                                 [&](const auto& b) {
                                   return std::find(doomed.begin(), doomed.end(), b) !=
                                          doomed.end();
                                 }),
                  blocks_.end());
  }
  std::error_code ec;
  for (const auto& b : doomed) {
    spdlog::info("metrics: retention deletes block {} ({} .. {})", b->meta().id, b->meta().min_time,
                 b->meta().max_time);
    DeleteBlockDir(b->dir());
    deleted_retention_.fetch_add(1);
  }
  return Status::Ok();
}

DbStats Db::Stats() const {
  DbStats st;
  st.head = head_->Stats();
  st.wal_bytes = wal_->SizeBytes();
  st.wal_segments = wal_->Segments().size();
  st.append_failures = append_failures_.load();
  for (const auto& b : BlocksSnapshot()) {
    ++st.blocks;
    st.block_bytes += b->meta().bytes;
    st.block_samples += b->meta().samples;
  }
  st.blocks_corrupted = open_report_.corrupted_blocks.size();
  st.blocks_cut = blocks_cut_.load();
  st.compactions = compactions_.load();
  st.compaction_failures = compaction_failures_.load();
  st.blocks_deleted_retention = deleted_retention_.load();
  st.checkpoints = checkpoints_.load();
  return st;
}

Status Db::Flush() {
  auto flushed = wal_->Flush();
  if (!flushed.ok()) return flushed.status();
  return wal_->Sync();
}

}  // namespace otelite::tsdb
