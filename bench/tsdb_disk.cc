// Metrics storage on a realistic Claude Code dataset (bench/dataset): appends the generated
// samples in time order through the tsdb (WAL, head, block cutting and compaction as in the
// server), then reports bytes per sample on disk, peak RSS and ingest speed.
//
//   tsdb_disk [--developers N] [--days D] [--seed S] [--dir DIR] [--keep]
//
// scripts/storage_baseline.sh runs it beside Debian's Prometheus 2.42 on the same data.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "dataset/claude_metrics.h"
#include "storage/tsdb/db.h"

namespace fs = std::filesystem;
using namespace otelite;

namespace {

uint64_t DirBytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file()) total += e.file_size(ec);
  }
  return total;
}

double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"otelite tsdb on generated Claude Code metrics: bytes per sample, RSS, speed"};
  dataset::Options options;
  std::string dir;
  bool keep = false;
  bool json = false;
  app.add_option("--developers", options.developers, "developers")->capture_default_str();
  app.add_option("--days", options.days, "days")->capture_default_str();
  app.add_option("--seed", options.seed, "seed")->capture_default_str();
  app.add_option("--dir", dir, "data directory (default: a temporary one, removed)");
  app.add_flag("--keep", keep, "keep the data directory");
  app.add_flag("--json", json, "one JSON object instead of the table");
  CLI11_PARSE(app, argc, argv);

  const bool temporary = dir.empty();
  if (temporary) {
    dir =
        (fs::temp_directory_path() / ("otelite-tsdb-disk-" + std::to_string(::getpid()))).string();
  }
  fs::remove_all(dir);
  tsdb::DbOptions db_options;
  db_options.wal.fsync = tsdb::FsyncPolicy::kNever;
  db_options.maintenance_interval_ms = 0;
  db_options.retention_ms = int64_t{100} * 365 * 86'400'000;  // keep everything generated
  auto db = tsdb::Db::Open(dir, db_options);
  if (!db.ok()) {
    std::fprintf(stderr, "tsdb_disk: %s\n", db.status().message().c_str());
    return 1;
  }
  dataset::ClaudeMetricsDataset data(options);
  MetricBatch batch;
  batch.families = dataset::Families();
  uint64_t samples = 0, batches = 0, rejected = 0;
  int64_t next_maintenance = 0;
  const auto start = std::chrono::steady_clock::now();
  auto flush = [&] {
    auto r = (*db)->Append(batch);
    if (!r.ok()) {
      std::fprintf(stderr, "tsdb_disk: append: %s\n", r.status().message().c_str());
      std::exit(1);
    }
    rejected += r->RejectedTotal();
    batch.samples.clear();
    ++batches;
  };
  data.ForEachSampleInTimeOrder([&](const MetricSample& s) {
    batch.samples.push_back(s);
    ++samples;
    if (batch.samples.size() == 1000) flush();
    // Maintenance as the server runs it: every simulated minute.
    if (s.timestamp_ms >= next_maintenance) {
      if (!batch.samples.empty()) flush();
      if (Status st = (*db)->RunMaintenance(); !st.ok()) {
        std::fprintf(stderr, "tsdb_disk: maintenance: %s\n", st.message().c_str());
        std::exit(1);
      }
      next_maintenance = s.timestamp_ms + 60'000;
    }
  });
  if (!batch.samples.empty()) flush();
  const double ingest_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (Status st = (*db)->PersistHead(); !st.ok()) {
    std::fprintf(stderr, "tsdb_disk: persist: %s\n", st.message().c_str());
    return 1;
  }
  if (Status st = (*db)->RunMaintenance(); !st.ok()) {
    std::fprintf(stderr, "tsdb_disk: maintenance: %s\n", st.message().c_str());
    return 1;
  }
  const auto stats = (*db)->Stats();
  uint64_t stored = 0, series = 0, chunk_bytes = 0, index_bytes = 0;
  for (const auto& b : (*db)->Blocks()) {
    stored += b.samples;
    series += b.series;
    const fs::path p = fs::path((*db)->blocks_dir()) / b.id;
    chunk_bytes += fs::file_size(p / "chunks");
    index_bytes += fs::file_size(p / "index");
  }
  const uint64_t blocks_bytes = DirBytes((*db)->blocks_dir());
  const double rss = PeakRssMiB();
  if (json) {
    std::printf(
        "{\"system\":\"otelite\",\"developers\":%d,\"days\":%d,\"samples\":%llu,\"stored_samples\":"
        "%llu,"
        "\"block_series\":%llu,\"blocks\":%llu,\"bytes\":%llu,\"chunk_bytes\":%llu,\"index_bytes\":"
        "%llu,"
        "\"bytes_per_sample\":%.3f,\"ingest_seconds\":%.2f,\"peak_rss_mib\":%.1f}\n",
        options.developers, options.days, static_cast<unsigned long long>(samples),
        static_cast<unsigned long long>(stored), static_cast<unsigned long long>(series),
        static_cast<unsigned long long>(stats.blocks),
        static_cast<unsigned long long>(blocks_bytes), static_cast<unsigned long long>(chunk_bytes),
        static_cast<unsigned long long>(index_bytes),
        static_cast<double>(blocks_bytes) / static_cast<double>(stored), ingest_s, rss);
  } else {
    std::printf("generated samples   %llu (%llu refused)\n",
                static_cast<unsigned long long>(samples),
                static_cast<unsigned long long>(rejected));
    std::printf("stored samples      %llu (with start-time zeros)\n",
                static_cast<unsigned long long>(stored));
    std::printf("blocks              %llu (series entries %llu)\n",
                static_cast<unsigned long long>(stats.blocks),
                static_cast<unsigned long long>(series));
    std::printf("bytes on disk       %llu (chunks %llu, index %llu)\n",
                static_cast<unsigned long long>(blocks_bytes),
                static_cast<unsigned long long>(chunk_bytes),
                static_cast<unsigned long long>(index_bytes));
    std::printf("bytes per sample    %.3f (chunks only %.3f)\n",
                static_cast<double>(blocks_bytes) / static_cast<double>(stored),
                static_cast<double>(chunk_bytes) / static_cast<double>(stored));
    std::printf("ingest              %.2f s, %.0f samples/s (incl. block cuts)\n", ingest_s,
                static_cast<double>(samples) / ingest_s);
    std::printf("peak RSS            %.1f MiB\n", rss);
  }
  db->reset();
  if (temporary && !keep) fs::remove_all(dir);
  return 0;
}
