#include "storage/tsdb/db.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

namespace otelite::tsdb {

namespace fs = std::filesystem;

Result<std::unique_ptr<Db>> Db::Open(const std::string& dir, DbOptions options) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(fmt::format("metrics directory {}: {}", dir, ec.message()));
  std::unique_ptr<Db> db(new Db(dir, std::move(options)));
  auto wal = Wal::Open((fs::path(dir) / "wal").string(), db->options_.wal);
  if (!wal.ok()) return wal.status();
  db->wal_ = std::move(*wal);
  db->head_ = std::make_unique<Head>(db->options_.head, db->wal_.get());

  const auto start = std::chrono::steady_clock::now();
  Head* head = db->head_.get();
  OTELITE_RETURN_IF_ERROR(db->wal_->Replay(
      0,
      [head](uint8_t type, std::span<const uint8_t> payload) {
        return head->ReplayRecord(type, payload);
      },
      &db->open_report_.wal));
  auto& report = db->open_report_;
  report.replay_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.replayed_series = head->Stats().series;
  report.replayed_samples = head->replay_samples();
  report.orphan_samples = head->replay_orphans();
  if (report.orphan_samples > 0) {
    spdlog::warn("metrics WAL: {} samples referenced unknown series and were skipped",
                 report.orphan_samples);
  }
  return db;
}

Db::~Db() {
  if (wal_) {
    Status st = Flush();
    if (!st.ok()) spdlog::error("metrics: final WAL flush failed: {}", st.message());
  }
}

Result<AppendResult> Db::Append(const MetricBatch& batch) {
  auto result = head_->Append(batch);
  if (!result.ok()) append_failures_.fetch_add(1, std::memory_order_relaxed);
  return result;
}

Status Db::AppendMetrics(const MetricBatch& batch) {
  auto result = Append(batch);
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

std::unique_ptr<Querier> Db::NewQuerier() { return head_->NewQuerier(); }

DbStats Db::Stats() const {
  DbStats st;
  st.head = head_->Stats();
  st.wal_bytes = wal_->SizeBytes();
  st.wal_segments = wal_->Segments().size();
  st.append_failures = append_failures_.load();
  return st;
}

Status Db::Flush() {
  auto flushed = wal_->Flush();
  if (!flushed.ok()) return flushed.status();
  return wal_->Sync();
}

}  // namespace otelite::tsdb
