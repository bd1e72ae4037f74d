// The metrics database: a directory with the write-ahead log and the persisted blocks, and the
// head in memory. Implements the storage interfaces: MetricAppender to write, Queryable to read.
//
//   <dir>/wal/00000001 …        write-ahead log segments
//   <dir>/wal/checkpoint.N      the head as of segment N (older segments are gone)
//   <dir>/blocks/<id>/          persisted blocks (block.h)
//   <dir>/head_min_time         where the head begins: everything older that the WAL still holds
//                               was persisted by a cut (imported blocks do not move it)
//
// Life of a sample: WAL + head; when the head spans 1.5 block lengths, its oldest block range
// is written as a block, dropped from the head (series that ended leave memory) and the WAL is
// checkpointed. Blocks are compacted into longer ones (2 h -> 6 h -> 18 h ...) and deleted
// whole when they fall out of the retention (time, and optionally size).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/appender.h"
#include "storage/querier.h"
#include "storage/tsdb/block.h"
#include "storage/tsdb/head.h"
#include "storage/tsdb/wal.h"

namespace otelite::tsdb {

struct DbOptions {
  HeadOptions head;
  WalOptions wal;
  int64_t retention_ms = 200LL * 3600 * 1000;
  uint64_t retention_bytes = 0;  // 0: no size limit
  // Background maintenance (block cutting, compaction, retention) period; 0: only when
  // RunMaintenance() is called.
  int64_t maintenance_interval_ms = 60'000;
};

struct OpenReport {
  double replay_seconds = 0;
  uint64_t replayed_series = 0;
  uint64_t replayed_samples = 0;
  uint64_t orphan_samples = 0;
  uint64_t blocks = 0;
  std::vector<std::string> corrupted_blocks;  // "dir: reason", skipped (kept on disk)
  WalReplayStats wal;
};

struct DbStats {
  HeadStats head;
  uint64_t wal_bytes = 0;
  uint64_t wal_segments = 0;
  uint64_t append_failures = 0;  // batches refused because the WAL could not be written
  uint64_t blocks = 0;
  uint64_t block_bytes = 0;
  uint64_t block_samples = 0;
  uint64_t blocks_corrupted = 0;
  uint64_t blocks_cut = 0;
  uint64_t compactions = 0;
  uint64_t compaction_failures = 0;
  uint64_t blocks_deleted_retention = 0;
  uint64_t checkpoints = 0;
};

class Db : public MetricAppender, public Queryable {
 public:
  static Result<std::unique_ptr<Db>> Open(const std::string& dir, DbOptions options);
  ~Db() override;

  Status AppendMetrics(const MetricBatch& batch) override;
  Status AppendMetricsReporting(const MetricBatch& batch, AppendReport* report) override;
  // As AppendMetrics, with what was stored and rejected.
  Result<AppendResult> Append(const MetricBatch& batch);
  std::unique_ptr<Querier> NewQuerier() override;

  // Ends series the sender is known to have stopped (the exporter's expiry): a Prometheus
  // stale marker at `t` for those still in the head (the others ended when they were
  // persisted). Returns how many were marked.
  Result<size_t> MarkStale(const std::vector<Labels>& series, int64_t t);

  // Cuts blocks from the head, compacts, applies retention. Runs in the background every
  // maintenance_interval_ms; callable directly (tests, shutdown).
  Status RunMaintenance();
  // Persists the whole head into blocks now (shutdown of imports, tests), whatever its span.
  Status PersistHead();
  // Writes a block from outside data (imports); it joins the database at once.
  Status AddBlock(const std::string& block_dir);

  const OpenReport& open_report() const { return open_report_; }
  DbStats Stats() const;
  Head& head() { return *head_; }
  std::vector<BlockMeta> Blocks() const;
  std::string blocks_dir() const;
  // Writes and fsyncs everything pending (shutdown).
  Status Flush();

 private:
  Db(std::string dir, DbOptions options) : dir_(std::move(dir)), options_(std::move(options)) {}
  Status LoadBlocks();
  Status WriteHeadMinTime(int64_t t);
  int64_t ReadHeadMinTime() const;
  Status CutBlock(int64_t mint, int64_t maxt);
  Status Checkpoint();
  Status Compact();
  Status CompactGroup(const std::vector<std::shared_ptr<Block>>& group, int level);
  Status ApplyRetention();
  void MaintenanceLoop();
  std::vector<std::shared_ptr<Block>> BlocksSnapshot() const;

  std::string dir_;
  DbOptions options_;
  std::unique_ptr<Wal> wal_;
  std::unique_ptr<Head> head_;
  OpenReport open_report_;
  std::atomic<uint64_t> append_failures_{0};

  mutable std::mutex blocks_mu_;
  std::vector<std::shared_ptr<Block>> blocks_;  // sorted by min_time
  std::mutex maintenance_mu_;                   // one maintenance run at a time
  std::atomic<uint64_t> blocks_cut_{0}, compactions_{0}, compaction_failures_{0},
      deleted_retention_{0}, checkpoints_{0};

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stop_ = false;
  std::thread loop_;
};

}  // namespace otelite::tsdb
