// The event store: Loki's place in otelite. A directory with a write-ahead log and immutable
// columnar segments, and the head in memory. Implements LogAppender to write and
// LogQueryable to read (docs/storage.md, docs/formats/log_wal.md, log_segment.md).
//
//   <dir>/wal/00000007          WAL segments (tsdb::Wal framing), one record per batch
//   <dir>/wal/checkpoint.N      the head entries that WAL segments <= N held and no log
//                               segment does; also the commit point of the cut N
//   <dir>/segments/<w>-<N>.ols  segments written by cut N for the window starting at second w
//
// Life of an entry: encoded into one WAL record with its batch, written (kill -9 safe once
// AppendLogs returns; fsynced as the policy says), applied to the head. When the head holds a
// window of `segment_span` that ended half a span ago (or the head outgrew its limits), the cut
// takes every entry of the completed windows out of the head, writes one segment per window,
// then checkpoints what stays in the head; segments of a cut whose checkpoint is missing are
// deleted at open (the WAL still has their entries), so recovery never duplicates nor loses.
// Retention deletes whole segments older than now - retention, and the oldest ones beyond
// `retention_bytes`.
//
// Thread-safe: appenders serialise only on the WAL write and head update (one lock); queries
// take a snapshot (segments, head runs) and read without holding any lock.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/appender.h"
#include "storage/log_querier.h"
#include "storage/logs/head.h"
#include "storage/logs/reader.h"
#include "storage/logs/segment.h"
#include "storage/tsdb/wal.h"

namespace otelite::logs {

struct LogStoreOptions {
  tsdb::WalOptions wal;
  int64_t retention_ns = 744LL * 3600 * 1'000'000'000;
  uint64_t retention_bytes = 0;  // segments on disk; 0: no size limit
  // Segments cover aligned windows of this length; a window is cut once the head's newest
  // entry (or the clock, whichever is later) is half a window past its end.
  int64_t segment_span_ns = 2LL * 3600 * 1'000'000'000;
  // The head is cut whole (all windows) when it holds more than this.
  uint64_t max_head_entries = 2'000'000;
  uint64_t max_head_bytes = 512ULL << 20;
  size_t chunk_entries = 4096;  // open chunk size per stream
  SegmentWriteOptions segment;
  // Bytes of segment dictionaries kept decoded in memory across queries.
  int64_t dictionary_cache_bytes = 64LL << 20;
  // Background maintenance (cuts, retention) period; 0: only RunMaintenance().
  int64_t maintenance_interval_ms = 10'000;
  // The clock (Unix ns) for retention and cuts; the system clock when empty.
  std::function<int64_t()> now_ns;
};

struct LogOpenReport {
  double replay_seconds = 0;
  uint64_t replayed_entries = 0;
  uint64_t bad_records = 0;  // intact frames whose payload did not decode (skipped)
  uint64_t segments = 0;
  uint64_t uncommitted_segments_removed = 0;    // written by a cut that did not finish
  std::vector<std::string> corrupted_segments;  // "path: reason", skipped (kept on disk)
  tsdb::WalReplayStats wal;
};

struct LogStoreStats {
  uint64_t head_streams = 0;
  uint64_t head_entries = 0;
  uint64_t head_bytes = 0;
  uint64_t wal_bytes = 0;
  uint64_t segments = 0;
  uint64_t segment_bytes = 0;
  uint64_t segment_entries = 0;
  uint64_t entries_appended = 0;
  uint64_t entries_too_old = 0;  // older than the retention: not stored
  uint64_t append_failures = 0;
  uint64_t cuts = 0;
  uint64_t cut_failures = 0;
  uint64_t segments_deleted_retention = 0;
  uint64_t segments_corrupted = 0;
};

class LogStore : public LogAppender, public LogQueryable {
 public:
  static Result<std::unique_ptr<LogStore>> Open(const std::string& dir, LogStoreOptions options);
  ~LogStore() override;

  // Stores every entry of the batch not older than the retention. Returns once the WAL record
  // is written (and fsynced under the `always` policy). Unavailable or ResourceExhausted (disk
  // full) when it could not be written: nothing of the batch is stored then.
  Status AppendLogs(const LogBatch& batch) override;
  std::unique_ptr<LogQuerier> NewLogQuerier() override;

  // Cuts completed windows into segments and applies retention. Runs in the background every
  // maintenance_interval_ms; callable directly (tests).
  Status RunMaintenance();
  // Cuts the whole head into segments now (tests, shutdown of imports).
  Status PersistHead();
  // Writes and fsyncs everything pending (shutdown).
  Status Flush();

  const LogOpenReport& open_report() const { return open_report_; }
  LogStoreStats Stats() const;
  std::vector<SegmentMeta> Segments() const;

 private:
  friend class StoreQuerier;
  struct Snapshot {
    std::vector<std::shared_ptr<const Segment>> segments;  // by (generation, min_t)
    std::vector<StreamRuns> persisting;
    std::vector<StreamRuns> head;
  };

  LogStore(std::string dir, LogStoreOptions options);
  int64_t Now() const;
  Status LoadSegments(uint64_t committed);
  Status Replay();
  Status Cut(bool everything);
  Status ApplyRetention();
  void MaintenanceLoop();
  Snapshot TakeSnapshot(int64_t mint, int64_t maxt,
                        const std::function<bool(const Labels&)>& matches,
                        const ColumnFilter& filter) const;
  std::string segments_dir() const;
  // The id of a segment as a LogShard: this store instance's number and the file name (a cut's
  // generation is never reused while the store is open; a reopened store has a new number).
  std::string ShardId(const SegmentMeta& meta) const;
  // The segment file name of a shard id of this store; nullopt for another store's id.
  std::optional<std::string_view> ShardFileName(std::string_view id) const;

  std::string dir_;
  LogStoreOptions options_;
  const uint64_t uid_;
  std::unique_ptr<tsdb::Wal> wal_;
  std::unique_ptr<Head> head_;
  std::shared_ptr<std::atomic<int64_t>> dict_budget_;
  LogOpenReport open_report_;

  std::mutex append_mu_;                // WAL write + head apply, in one order
  mutable std::shared_mutex state_mu_;  // segments_ and persisting_; exclusive to move runs
  std::vector<std::shared_ptr<const Segment>> segments_;
  std::vector<StreamRuns> persisting_;  // taken out of the head, being written

  std::mutex maintenance_mu_;
  std::atomic<uint64_t> entries_appended_{0}, entries_too_old_{0}, append_failures_{0}, cuts_{0},
      cut_failures_{0}, deleted_retention_{0};

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stop_ = false;
  bool wake_ = false;
  std::thread loop_;
};

}  // namespace otelite::logs
