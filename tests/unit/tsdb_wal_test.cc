// The WAL and the database around it: reopening replays exactly what was acknowledged, a torn
// or corrupt tail is cut off with a warning and the rest stays, a failed write stores nothing
// and leaves the log readable, and concurrent writers under every fsync policy lose nothing.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "storage/tsdb/db.h"
#include "temp_dir.h"

namespace otelite::tsdb {
namespace {

namespace fs = std::filesystem;

using otelite::testing::TempDir;

MetricBatch Batch(const std::string& job, int64_t t0, int n, double base = 0) {
  MetricBatch b;
  b.families.push_back({"m", MetricType::kGauge, "", ""});
  for (int i = 0; i < n; ++i) {
    MetricSample s;
    s.labels = Labels({{"__name__", "m"}, {"job", job}, {"i", std::to_string(i % 7)}});
    s.timestamp_ms = t0 + i;
    s.value = base + i;
    b.samples.push_back(s);
  }
  return b;
}

size_t CountSamples(Db& db) {
  auto m = LabelMatcher::Make(MatchType::kRegexMatch, "__name__", ".+");
  auto set = db.NewQuerier()->Select(INT64_MIN, INT64_MAX, {*m});
  EXPECT_TRUE(set.ok());
  size_t n = 0;
  for (const auto& s : *set) {
    auto it = s->Iterator();
    while (it->Next()) ++n;
  }
  return n;
}

DbOptions Options(FsyncPolicy p = FsyncPolicy::kNever) {
  DbOptions o;
  o.wal.fsync = p;
  return o;
}

TEST(TsdbWal, ReopenReplaysEverything) {
  TempDir dir;
  {
    auto db = Db::Open(dir.str(), Options());
    ASSERT_TRUE(db.ok()) << db.status().message();
    for (int i = 0; i < 20; ++i)
      ASSERT_TRUE((*db)->AppendMetrics(Batch("a", 1000 + i * 100, 100)).ok());
    EXPECT_EQ(CountSamples(**db), 2000u);
  }
  auto db = Db::Open(dir.str(), Options());
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)->open_report().replayed_samples, 2000u);
  EXPECT_EQ((*db)->open_report().replayed_series, 7u);
  EXPECT_EQ((*db)->open_report().wal.truncated_bytes, 0u);
  EXPECT_EQ(CountSamples(**db), 2000u);
  // New series after a reopen get fresh references (no collision with replayed ones).
  ASSERT_TRUE((*db)->AppendMetrics(Batch("b", 5000, 10)).ok());
  EXPECT_EQ(CountSamples(**db), 2010u);
  db->reset();
  auto again = Db::Open(dir.str(), Options());
  EXPECT_EQ(CountSamples(**again), 2010u);
}

TEST(TsdbWal, TornTailIsTruncatedAndTheRestKept) {
  TempDir dir;
  {
    auto db = Db::Open(dir.str(), Options());
    ASSERT_TRUE((*db)->AppendMetrics(Batch("a", 1000, 50)).ok());
    ASSERT_TRUE((*db)->AppendMetrics(Batch("a", 2000, 50)).ok());
  }
  const fs::path seg = dir.path() / "wal" / Wal::SegmentName(1);
  const auto size = fs::file_size(seg);
  fs::resize_file(seg, size - 3);  // the last record loses its end
  {
    auto db = Db::Open(dir.str(), Options());
    ASSERT_TRUE(db.ok());
    EXPECT_EQ(CountSamples(**db), 50u);
    EXPECT_GT((*db)->open_report().wal.truncated_bytes, 0u);
    ASSERT_EQ((*db)->open_report().wal.warnings.size(), 1u);
    EXPECT_NE((*db)->open_report().wal.warnings[0].find("cut short"), std::string::npos);
    ASSERT_TRUE((*db)->AppendMetrics(Batch("a", 3000, 50)).ok());
  }
  auto db = Db::Open(dir.str(), Options());
  EXPECT_EQ(CountSamples(**db), 100u);
  EXPECT_EQ((*db)->open_report().wal.truncated_bytes, 0u);
}

TEST(TsdbWal, FlippedByteIsDetectedByTheChecksum) {
  TempDir dir;
  {
    auto db = Db::Open(dir.str(), Options());
    ASSERT_TRUE((*db)->AppendMetrics(Batch("a", 1000, 50)).ok());
    ASSERT_TRUE((*db)->AppendMetrics(Batch("a", 2000, 50)).ok());
  }
  const fs::path seg = dir.path() / "wal" / Wal::SegmentName(1);
  {
    std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(seg) - 10));
    f.put('\x5a');
  }
  auto db = Db::Open(dir.str(), Options());
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(CountSamples(**db), 50u);
  ASSERT_EQ((*db)->open_report().wal.warnings.size(), 1u);
  EXPECT_NE((*db)->open_report().wal.warnings[0].find("checksum"), std::string::npos);
}

TEST(TsdbWal, FailedWriteStoresNothingAndTheLogStaysReadable) {
  TempDir dir;
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGXFSZ, &ignore, &old);
  rlimit saved{};
  getrlimit(RLIMIT_FSIZE, &saved);
  {
    auto db = Db::Open(dir.str(), Options());
    ASSERT_TRUE((*db)->AppendMetrics(Batch("a", 1000, 50)).ok());
    const auto size = fs::file_size(dir.path() / "wal" / Wal::SegmentName(1));
    rlimit small = saved;
    small.rlim_cur = size + 100;  // room for part of the next record only
    setrlimit(RLIMIT_FSIZE, &small);
    Status st = (*db)->AppendMetrics(Batch("a", 2000, 50));
    setrlimit(RLIMIT_FSIZE, &saved);
    EXPECT_FALSE(st.ok());
    EXPECT_NE(st.message().find("WAL write"), std::string::npos) << st.message();
    EXPECT_EQ(CountSamples(**db), 50u);  // nothing of the failed batch
    EXPECT_EQ((*db)->Stats().append_failures, 1u);
    // The retry succeeds.
    ASSERT_TRUE((*db)->AppendMetrics(Batch("a", 2000, 50)).ok());
    EXPECT_EQ(CountSamples(**db), 100u);
  }
  sigaction(SIGXFSZ, &old, nullptr);
  auto db = Db::Open(dir.str(), Options());
  EXPECT_EQ(CountSamples(**db), 100u);
  EXPECT_EQ((*db)->open_report().wal.truncated_bytes, 0u);
}

TEST(TsdbWal, ConcurrentWritersUnderEveryPolicy) {
  for (FsyncPolicy p : {FsyncPolicy::kAlways, FsyncPolicy::kInterval, FsyncPolicy::kNever}) {
    TempDir dir;
    {
      DbOptions o = Options(p);
      o.wal.fsync_interval_ms = 5;
      o.wal.segment_bytes = 16 << 10;  // many segment switches
      auto db = Db::Open(dir.str(), o);
      ASSERT_TRUE(db.ok());
      std::vector<std::thread> threads;
      for (int w = 0; w < 4; ++w) {
        threads.emplace_back([&, w] {
          for (int i = 0; i < 40; ++i) {
            EXPECT_TRUE(
                (*db)->AppendMetrics(Batch("w" + std::to_string(w), 1000 + i * 100, 50)).ok());
          }
        });
      }
      for (auto& t : threads) t.join();
      EXPECT_EQ(CountSamples(**db), 4u * 40 * 50);
      EXPECT_GT((*db)->Stats().wal_segments, 3u);
    }
    auto db = Db::Open(dir.str(), Options());
    EXPECT_EQ(CountSamples(**db), 4u * 40 * 50) << static_cast<int>(p);
  }
}

TEST(TsdbWal, UnknownFsyncPolicyIsRefused) {
  EXPECT_TRUE(ParseFsyncPolicy("always").ok());
  auto p = ParseFsyncPolicy("sometimes");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("sometimes"), std::string::npos);
}

}  // namespace
}  // namespace otelite::tsdb
