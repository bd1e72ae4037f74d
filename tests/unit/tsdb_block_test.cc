// Blocks and the database around them: a block reads back exactly what was written; the head
// is cut into blocks and series that ended leave memory; blocks are compacted and deleted by
// retention; reopening gives the same data; damaged blocks are reported and skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/tsdb/block.h"
#include "storage/tsdb/db.h"
#include "temp_dir.h"

namespace otelite::tsdb {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kHour = 3600'000;
constexpr int64_t kMinute = 60'000;

using otelite::testing::TempDir;

LabelMatcher M(MatchType t, std::string n, std::string v) { return *LabelMatcher::Make(t, n, v); }

std::map<std::string, std::vector<Sample>> ReadAll(Querier& q, int64_t mint = INT64_MIN,
                                                   int64_t maxt = INT64_MAX) {
  auto set = q.Select(mint, maxt, {M(MatchType::kRegexMatch, "__name__", ".+")});
  EXPECT_TRUE(set.ok()) << set.status().message();
  std::map<std::string, std::vector<Sample>> out;
  if (!set.ok()) return out;
  for (const auto& s : *set) {
    auto it = s->Iterator();
    auto& v = out[s->labels().ToString()];
    while (it->Next()) v.push_back({it->t(), it->v()});
    EXPECT_TRUE(it->status().ok()) << it->status().message();
  }
  return out;
}

TEST(TsdbBlock, WritesAndReadsBack) {
  TempDir dir;
  BlockWriter w(dir.str(), "b1", 0, 1'000'000);
  ASSERT_TRUE(w.Open().ok());
  std::vector<Sample> many;
  for (int i = 0; i < 500; ++i) many.push_back({i * 1000LL, i * 1.5});
  ASSERT_TRUE(w.AddSeries(Labels({{"__name__", "a"}, {"job", "x"}}), many).ok());
  std::vector<Sample> one = {{42, 7}};
  ASSERT_TRUE(w.AddSeries(Labels({{"__name__", "b"}, {"job", "y"}, {"zone", "z"}}), one).ok());
  auto meta = w.Finish(1, {});
  ASSERT_TRUE(meta.ok()) << meta.status().message();
  EXPECT_EQ(meta->series, 2u);
  EXPECT_EQ(meta->samples, 501u);
  EXPECT_EQ(meta->chunks, 6u);  // 120 per chunk
  EXPECT_FALSE(fs::exists(dir.str() + "/b1.tmp"));

  auto block = Block::Open(dir.str() + "/b1");
  ASSERT_TRUE(block.ok()) << block.status().message();
  EXPECT_EQ((*block)->meta().samples, 501u);
  EXPECT_EQ((*block)->LabelNames(), (std::vector<std::string>{"__name__", "job", "zone"}));
  EXPECT_EQ((*block)->LabelValues("job"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ((*block)->Select({M(MatchType::kEqual, "job", "y")}), (Postings{1}));
  EXPECT_EQ((*block)->Select({M(MatchType::kRegexMatch, "job", "x|y")}), (Postings{0, 1}));
  EXPECT_EQ((*block)->Select({M(MatchType::kEqual, "zone", "")}), (Postings{0}));
  EXPECT_EQ((*block)->Select({M(MatchType::kNotEqual, "job", "x")}), (Postings{1}));
  auto set = (*block)->SelectSeries(10'000, 20'000, {M(MatchType::kEqual, "__name__", "a")});
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->size(), 1u);
  auto it = (*set)[0]->Iterator();
  int n = 0;
  while (it->Next()) {
    EXPECT_EQ(it->v(), it->t() / 1000 * 1.5);
    ++n;
  }
  EXPECT_EQ(n, 11);
}

void FlipByte(const std::string& path, size_t from_end) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  const auto size = fs::file_size(path);
  f.seekg(static_cast<std::streamoff>(size - from_end));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(size - from_end));
  f.put(static_cast<char>(c ^ 0x40));
}

TEST(TsdbBlock, DamageIsDetected) {
  for (const char* file : {"index", "chunks", "meta.json"}) {
    TempDir dir;
    BlockWriter w(dir.str(), "b", 0, 1000);
    ASSERT_TRUE(w.Open().ok());
    std::vector<Sample> s;
    for (int i = 0; i < 300; ++i) s.push_back({i, static_cast<double>(i)});
    ASSERT_TRUE(w.AddSeries(Labels(std::vector<Label>{{"__name__", "a"}}), s).ok());
    ASSERT_TRUE(w.Finish(1, {}).ok());
    FlipByte(dir.str() + "/b/" + file, std::string(file) == "meta.json" ? 30 : 20);
    auto block = Block::Open(dir.str() + "/b");
    EXPECT_FALSE(block.ok()) << file;
    if (!block.ok()) {
      EXPECT_NE(block.status().message().find(dir.str() + "/b"), std::string::npos);
    }
  }
  TempDir dir;
  BlockWriter w(dir.str(), "b", 0, 1000);
  ASSERT_TRUE(w.Open().ok());
  ASSERT_TRUE(
      w.AddSeries(Labels(std::vector<Label>{{"__name__", "a"}}), std::vector<Sample>{{1, 1}}).ok());
  ASSERT_TRUE(w.Finish(1, {}).ok());
  fs::remove(dir.str() + "/b/chunks");
  auto block = Block::Open(dir.str() + "/b");
  ASSERT_FALSE(block.ok());
  EXPECT_NE(block.status().message().find("chunks"), std::string::npos) << block.status().message();
}

MetricBatch Sessions(int session_begin, int session_end, int64_t t0, int points) {
  MetricBatch b;
  b.families.push_back({"cost", MetricType::kGauge, "", ""});
  for (int s = session_begin; s < session_end; ++s) {
    for (int i = 0; i < points; ++i) {
      MetricSample m;
      m.labels = Labels({{"__name__", "cost"}, {"session_id", "s" + std::to_string(s)}});
      m.timestamp_ms = t0 + i * kMinute;
      m.value = s * 1000 + i;
      b.samples.push_back(std::move(m));
    }
  }
  return b;
}

DbOptions Options() {
  DbOptions o;
  o.wal.fsync = FsyncPolicy::kNever;
  o.maintenance_interval_ms = 0;
  o.head.out_of_order_window_ms = 10 * kMinute;
  return o;
}

TEST(TsdbDb, HeadIsCutIntoBlocksAndEndedSeriesLeaveMemory) {
  TempDir dir;
  std::map<std::string, std::vector<Sample>> before;
  {
    auto db = Db::Open(dir.str(), Options());
    ASSERT_TRUE(db.ok()) << db.status().message();
    // 20 sessions per hour for 12 hours, each lasting 30 minutes: churn.
    for (int h = 0; h < 12; ++h) {
      ASSERT_TRUE((*db)->AppendMetrics(Sessions(h * 20, h * 20 + 20, h * kHour, 30)).ok());
      ASSERT_TRUE((*db)->RunMaintenance().ok());
    }
    const auto st = (*db)->Stats();
    EXPECT_GE(st.blocks_cut, 4u);
    EXPECT_GT(st.checkpoints, 0u);
    // The head keeps only the recent sessions.
    EXPECT_LE(st.head.series, 60u);
    EXPECT_GE(st.head.series_removed, 180u);
    EXPECT_EQ((*db)->head().min_valid_time() % (2 * kHour), 0);
    before = ReadAll(*(*db)->NewQuerier());
    ASSERT_EQ(before.size(), 240u);
    for (const auto& [labels, samples] : before) EXPECT_EQ(samples.size(), 30u) << labels;
    // Late samples for a persisted range are refused with a reason.
    auto r = (*db)->Append(Sessions(0, 1, 0, 1));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->rejected[static_cast<size_t>(RejectReason::kOutOfBounds)], 1u);
  }
  // Reopen: blocks + checkpoint + WAL give exactly the same data.
  auto db = Db::Open(dir.str(), Options());
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE((*db)->open_report().corrupted_blocks.empty());
  auto after = ReadAll(*(*db)->NewQuerier());
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [labels, samples] : before) {
    ASSERT_EQ(after[labels].size(), samples.size()) << labels;
    for (size_t i = 0; i < samples.size(); ++i) {
      EXPECT_EQ(after[labels][i].t, samples[i].t);
      EXPECT_EQ(after[labels][i].v, samples[i].v);
    }
  }
  // Old WAL segments went with the checkpoint.
  EXPECT_LE((*db)->Stats().wal_segments, 3u);
}

TEST(TsdbDb, BlocksAreCompactedAndRetentionDeletesWholeBlocks) {
  TempDir dir;
  DbOptions o = Options();
  o.retention_ms = 30 * kHour;  // compaction up to 6 h blocks (a tenth of it is 3 h -> one step)
  auto db = Db::Open(dir.str(), o);
  ASSERT_TRUE(db.ok());
  for (int h = 0; h < 40; ++h) {
    ASSERT_TRUE((*db)->AppendMetrics(Sessions(h, h + 1, h * kHour, 60)).ok());
    ASSERT_TRUE((*db)->RunMaintenance().ok());
  }
  const auto st = (*db)->Stats();
  EXPECT_GT(st.compactions, 0u);
  EXPECT_GT(st.blocks_deleted_retention, 0u);
  bool has_6h = false;
  for (const auto& b : (*db)->Blocks()) {
    EXPECT_GT(b.max_time, 40 * kHour - 30 * kHour - 6 * kHour);  // nothing far beyond retention
    if (b.max_time - b.min_time == 6 * kHour) {
      has_6h = true;
      EXPECT_EQ(b.level, 2);
      EXPECT_EQ(b.sources.size(), 3u);
    }
  }
  EXPECT_TRUE(has_6h);
  // Data inside the retention is complete.
  auto all = ReadAll(*(*db)->NewQuerier(), 20 * kHour, 40 * kHour);
  for (int h = 20; h < 40; ++h) {
    EXPECT_EQ(all["cost{session_id=\"s" + std::to_string(h) + "\"}"].size(), 60u) << h;
  }
}

TEST(TsdbDb, DamagedBlockIsReportedAndTheRestStaysReadable) {
  TempDir dir;
  {
    auto db = Db::Open(dir.str(), Options());
    for (int h = 0; h < 8; ++h)
      ASSERT_TRUE((*db)->AppendMetrics(Sessions(h, h + 1, h * kHour, 60)).ok());
    ASSERT_TRUE((*db)->PersistHead().ok());
    ASSERT_EQ((*db)->Blocks().size(), 4u);
  }
  std::string victim;
  for (const auto& e : fs::directory_iterator(dir.str() + "/blocks")) {
    if (victim.empty() || e.path().string() < victim) victim = e.path().string();
  }
  FlipByte(victim + "/chunks", 9);
  auto db = Db::Open(dir.str(), Options());
  ASSERT_TRUE(db.ok());
  ASSERT_EQ((*db)->open_report().corrupted_blocks.size(), 1u);
  EXPECT_NE((*db)->open_report().corrupted_blocks[0].find("checksum"), std::string::npos);
  EXPECT_EQ((*db)->Stats().blocks_corrupted, 1u);
  EXPECT_TRUE(fs::exists(victim)) << "a damaged block is kept for inspection, not deleted";
  auto all = ReadAll(*(*db)->NewQuerier());
  EXPECT_EQ(all.size(), 6u);  // the 2 sessions of the first block are missing, the rest is there
}

TEST(TsdbDb, OverlappingImportedBlockIsMergedWithoutDuplicates) {
  TempDir dir;
  auto db = Db::Open(dir.str(), Options());
  ASSERT_TRUE((*db)->AppendMetrics(Sessions(0, 2, 0, 60)).ok());
  ASSERT_TRUE((*db)->PersistHead().ok());
  BlockWriter w((*db)->blocks_dir(), NewBlockId(0), 0, 2 * kHour);
  ASSERT_TRUE(w.Open().ok());
  // The same series with a sample in between and the same sample again.
  std::vector<Sample> s = {{0, 0}, {30'000, 0.5}, {kMinute, 1}};
  ASSERT_TRUE(w.AddSeries(Labels({{"__name__", "cost"}, {"session_id", "s0"}}), s).ok());
  auto meta = w.Finish(1, {});
  ASSERT_TRUE((*db)->AddBlock((*db)->blocks_dir() + "/" + meta->id).ok());
  auto merged = ReadAll(*(*db)->NewQuerier());
  EXPECT_EQ(merged["cost{session_id=\"s0\"}"].size(), 61u);
  ASSERT_TRUE((*db)->RunMaintenance().ok());
  EXPECT_EQ((*db)->Blocks().size(), 1u);
  auto compacted = ReadAll(*(*db)->NewQuerier());
  EXPECT_EQ(compacted["cost{session_id=\"s0\"}"].size(), 61u);
  EXPECT_EQ(compacted["cost{session_id=\"s1\"}"].size(), 60u);
}

TEST(TsdbDb, ImportedBlocksNewerThanTheWalDoNotDropIt) {
  TempDir dir;
  {
    auto db = Db::Open(dir.str(), Options());
    ASSERT_TRUE((*db)->AppendMetrics(Sessions(0, 1, kHour, 30)).ok());  // only in the WAL
    BlockWriter w((*db)->blocks_dir(), NewBlockId(10 * kHour), 10 * kHour, 12 * kHour);
    ASSERT_TRUE(w.Open().ok());
    std::vector<Sample> s = {{10 * kHour, 1}, {11 * kHour, 2}};
    ASSERT_TRUE(w.AddSeries(Labels(std::vector<Label>{{"__name__", "imported"}}), s).ok());
    ASSERT_TRUE(w.Finish(1, {}).ok());
  }
  auto db = Db::Open(dir.str(), Options());
  ASSERT_TRUE(db.ok());
  auto all = ReadAll(*(*db)->NewQuerier());
  EXPECT_EQ(all["cost{session_id=\"s0\"}"].size(), 30u);
  EXPECT_EQ(all["imported{}"].size(), 2u);
}

TEST(TsdbDb, InterruptedWritesAndDeletesLeaveNoBrokenBlocks) {
  TempDir dir;
  {
    auto db = Db::Open(dir.str(), Options());
    ASSERT_TRUE((*db)->AppendMetrics(Sessions(0, 1, 0, 30)).ok());
    ASSERT_TRUE((*db)->PersistHead().ok());
  }
  // What a crash leaves: a block being written, a block being deleted (meta.json already gone).
  fs::create_directories(dir.str() + "/blocks/x.tmp");
  fs::create_directories(dir.str() + "/blocks/y.deleted");
  std::ofstream(dir.str() + "/blocks/y.deleted/chunks") << "partial";
  auto db = Db::Open(dir.str(), Options());
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE((*db)->open_report().corrupted_blocks.empty());
  EXPECT_FALSE(fs::exists(dir.str() + "/blocks/x.tmp"));
  EXPECT_FALSE(fs::exists(dir.str() + "/blocks/y.deleted"));
  EXPECT_EQ(ReadAll(*(*db)->NewQuerier())["cost{session_id=\"s0\"}"].size(), 30u);
}

TEST(TsdbDb, MarkStaleEndsOnlySeriesStillInTheHead) {
  TempDir dir;
  auto db = Db::Open(dir.str(), Options());
  ASSERT_TRUE((*db)->AppendMetrics(Sessions(0, 2, 0, 10)).ok());
  const Labels s0({{"__name__", "cost"}, {"session_id", "s0"}});
  const Labels gone({{"__name__", "cost"}, {"session_id", "never-seen"}});
  auto marked = (*db)->MarkStale({s0, gone}, 20 * kMinute);
  ASSERT_TRUE(marked.ok());
  EXPECT_EQ(*marked, 1u);
  auto all = ReadAll(*(*db)->NewQuerier());
  ASSERT_EQ(all["cost{session_id=\"s0\"}"].size(), 11u);
  EXPECT_TRUE(IsStaleNaN(all["cost{session_id=\"s0\"}"].back().v));
  EXPECT_EQ(all["cost{session_id=\"s1\"}"].size(), 10u);
  EXPECT_EQ(all.count("cost{session_id=\"never-seen\"}"), 0u);
}

}  // namespace
}  // namespace otelite::tsdb
