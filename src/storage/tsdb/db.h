// The metrics database: a directory with the write-ahead log and (later in this module) the
// persisted blocks, and the head in memory. Opening replays the WAL. Implements the storage
// interfaces: MetricAppender to write, Queryable to read.
//
//   <dir>/wal/00000001 …   write-ahead log segments
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "storage/appender.h"
#include "storage/querier.h"
#include "storage/tsdb/head.h"
#include "storage/tsdb/wal.h"

namespace otelite::tsdb {

struct DbOptions {
  HeadOptions head;
  WalOptions wal;
  int64_t retention_ms = 200LL * 3600 * 1000;
};

struct OpenReport {
  double replay_seconds = 0;
  uint64_t replayed_series = 0;
  uint64_t replayed_samples = 0;
  uint64_t orphan_samples = 0;
  WalReplayStats wal;
};

struct DbStats {
  HeadStats head;
  uint64_t wal_bytes = 0;
  uint64_t wal_segments = 0;
  uint64_t append_failures = 0;  // batches refused because the WAL could not be written
};

class Db : public MetricAppender, public Queryable {
 public:
  static Result<std::unique_ptr<Db>> Open(const std::string& dir, DbOptions options);
  ~Db() override;

  Status AppendMetrics(const MetricBatch& batch) override;
  // As AppendMetrics, with what was stored and rejected.
  Result<AppendResult> Append(const MetricBatch& batch);
  std::unique_ptr<Querier> NewQuerier() override;

  const OpenReport& open_report() const { return open_report_; }
  DbStats Stats() const;
  Head& head() { return *head_; }
  // Writes and fsyncs everything pending (shutdown).
  Status Flush();

 private:
  Db(std::string dir, DbOptions options) : dir_(std::move(dir)), options_(std::move(options)) {}

  std::string dir_;
  DbOptions options_;
  std::unique_ptr<Wal> wal_;
  std::unique_ptr<Head> head_;
  OpenReport open_report_;
  std::atomic<uint64_t> append_failures_{0};
};

}  // namespace otelite::tsdb
