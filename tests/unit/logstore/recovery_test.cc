// Durability and lifecycle of the event store: reopen, crash (a copy of a live directory), torn
// WAL tails, a cut interrupted before its checkpoint, damaged segments, retention, and
// concurrent appenders and queries.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "logstore_test_util.h"

namespace otelite::logs {
namespace {

namespace fs = std::filesystem;
using namespace otelite::logs::testing;

std::unique_ptr<LogStore> MustOpen(const std::string& dir, LogStoreOptions options) {
  auto s = LogStore::Open(dir, std::move(options));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

std::vector<Row> ReadStream(LogStore& store, const std::string& service) {
  auto q = store.NewLogQuerier();
  return ReadAll(*q, 0, std::numeric_limits<int64_t>::max(),
                 Select(service))[StreamLabels(service).ToString()];
}

// `n` entries of stream "svc", one per minute from `start`, metadata varying with i.
LogBatch Entries(int64_t start, int first, int n, std::vector<Row>* want) {
  LogBatch b = Batch(StreamLabels("svc"), {});
  for (int i = first; i < first + n; ++i) {
    const int64_t t = start + int64_t{i} * 60 * kSecond;
    std::vector<Label> meta = {{"event_name", i % 2 ? "api_request" : "user_prompt"},
                               {"prompt_id", "p" + std::to_string(i / 3)}};
    b.streams[0].entries.push_back(Entry(t, "event " + std::to_string(i), meta));
    if (want) {
      Row r{t, "event " + std::to_string(i), {}};
      for (const auto& l : meta) r.metadata[l.name] = l.value;
      want->push_back(std::move(r));
    }
  }
  return b;
}

void CopyDir(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

fs::path LastWalSegment(const fs::path& dir) {
  fs::path last;
  for (const auto& e : fs::directory_iterator(dir / "wal")) {
    const std::string name = e.path().filename().string();
    if (name.size() == 8 && e.file_size() > 0 && (last.empty() || name > last.filename().string()))
      last = e.path();
  }
  return last;
}

TEST(LogStoreRecovery, ReopenAfterCloseKeepsSegmentsAndHead) {
  otelite::testing::TempDir dir;
  int64_t now = kNow;
  std::vector<Row> want;
  {
    auto store = MustOpen(dir.str(), TestOptions(&now));
    ASSERT_TRUE(store->AppendLogs(Entries(kNow - 8 * kHour, 0, 400, &want)).ok());
    ASSERT_TRUE(store->RunMaintenance().ok());
    EXPECT_FALSE(store->Segments().empty());
    EXPECT_GT(store->Stats().head_entries, 0u);
  }
  auto store = MustOpen(dir.str(), TestOptions(&now));
  EXPECT_EQ(ReadStream(*store, "svc"), want);
  EXPECT_TRUE(store->open_report().corrupted_segments.empty());
  EXPECT_EQ(store->open_report().uncommitted_segments_removed, 0u);
  // The checkpoint holds only what the segments do not.
  EXPECT_EQ(store->open_report().replayed_entries, store->Stats().head_entries);
}

TEST(LogStoreRecovery, CrashCopyOfALiveDirectoryLosesNothingAcknowledged) {
  otelite::testing::TempDir dir, crash;
  int64_t now = kNow;
  std::vector<Row> want;
  auto store = MustOpen(dir.str(), TestOptions(&now));
  ASSERT_TRUE(store->AppendLogs(Entries(kNow - 8 * kHour, 0, 300, &want)).ok());
  ASSERT_TRUE(store->RunMaintenance().ok());  // segments + checkpoint
  ASSERT_TRUE(store->AppendLogs(Entries(kNow - 8 * kHour, 300, 100, &want)).ok());
  // The process "dies" here: never closed, nothing flushed beyond write(2) (fsync never).
  CopyDir(dir.path(), crash.path());
  auto recovered = MustOpen(crash.str(), TestOptions(&now));
  EXPECT_EQ(ReadStream(*recovered, "svc"), want);
  EXPECT_EQ(recovered->open_report().wal.truncated_bytes, 0u);
}

TEST(LogStoreRecovery, TornWalTailIsTruncatedNotFatal) {
  otelite::testing::TempDir dir, crash;
  int64_t now = kNow;
  std::vector<Row> want;
  auto store = MustOpen(dir.str(), TestOptions(&now));
  ASSERT_TRUE(store->AppendLogs(Entries(kNow - kHour, 0, 10, &want)).ok());
  ASSERT_TRUE(store->AppendLogs(Entries(kNow - kHour, 10, 10, nullptr)).ok());
  CopyDir(dir.path(), crash.path());
  const fs::path wal = LastWalSegment(crash.path());
  ASSERT_FALSE(wal.empty());
  fs::resize_file(wal, fs::file_size(wal) - 7);  // the second record loses its last bytes
  auto recovered = MustOpen(crash.str(), TestOptions(&now));
  EXPECT_EQ(ReadStream(*recovered, "svc"), want);
  EXPECT_GT(recovered->open_report().wal.truncated_bytes, 0u);
  EXPECT_FALSE(recovered->open_report().wal.warnings.empty());
  // It goes on working, and a second reopen sees the same.
  std::vector<Row> more;
  ASSERT_TRUE(recovered->AppendLogs(Entries(kNow - kHour, 30, 5, &more)).ok());
  want.insert(want.end(), more.begin(), more.end());
  recovered.reset();
  auto again = MustOpen(crash.str(), TestOptions(&now));
  EXPECT_EQ(ReadStream(*again, "svc"), want);
}

TEST(LogStoreRecovery, SegmentsOfACutWithoutCheckpointAreDroppedAndReplayed) {
  otelite::testing::TempDir dir, crash;
  int64_t now = kNow;
  std::vector<Row> want;
  auto store = MustOpen(dir.str(), TestOptions(&now));
  ASSERT_TRUE(store->AppendLogs(Entries(kNow - 8 * kHour, 0, 400, &want)).ok());
  // The WAL as it was before the cut, the segments as they are after it: a crash between the
  // segment renames and the checkpoint.
  CopyDir(dir.path(), crash.path());
  ASSERT_TRUE(store->RunMaintenance().ok());
  ASSERT_FALSE(store->Segments().empty());
  CopyDir(dir.path() / "segments", crash.path() / "segments");
  auto recovered = MustOpen(crash.str(), TestOptions(&now));
  EXPECT_EQ(recovered->open_report().uncommitted_segments_removed, store->Segments().size());
  EXPECT_EQ(ReadStream(*recovered, "svc"), want);  // once each, none lost
}

TEST(LogStoreRecovery, DamagedSegmentIsSkippedAndReported) {
  otelite::testing::TempDir dir;
  int64_t now = kNow;
  std::vector<Row> want;
  {
    auto store = MustOpen(dir.str(), TestOptions(&now));
    ASSERT_TRUE(store->AppendLogs(Entries(kNow - 8 * kHour, 0, 400, &want)).ok());
    ASSERT_TRUE(store->RunMaintenance().ok());
    ASSERT_GE(store->Segments().size(), 2u);
  }
  std::vector<fs::path> segments;
  for (const auto& e : fs::directory_iterator(dir.path() / "segments"))
    segments.push_back(e.path());
  std::sort(segments.begin(), segments.end());
  {  // flip a byte in the footer of the first segment
    std::fstream f(segments[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(segments[0]) - 30));
    f.put('\xff');
  }
  // Zero a frame in the middle of the second: found when read, the query fails clearly.
  {
    std::fstream f(segments[1], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(12);
    f.write("\0\0\0\0\0\0\0\0", 8);
  }
  auto store = MustOpen(dir.str(), TestOptions(&now));
  ASSERT_EQ(store->open_report().corrupted_segments.size(), 1u);
  EXPECT_NE(store->open_report().corrupted_segments[0].find("checksum"), std::string::npos);
  EXPECT_EQ(store->Stats().segments_corrupted, 1u);
  auto q = store->NewLogQuerier();
  auto readers = q->Select(0, kNow, Select("svc"), {});
  ASSERT_TRUE(readers.ok());
  ASSERT_EQ(readers->size(), 1u);
  LogEntryBatch batch;
  while ((*readers)[0]->Next(&batch)) {
  }
  EXPECT_FALSE((*readers)[0]->status().ok());
  EXPECT_NE((*readers)[0]->status().message().find("checksum"), std::string::npos);
}

TEST(LogStoreRecovery, RetentionByTimeDeletesOldSegmentsAndHeadData) {
  otelite::testing::TempDir dir;
  int64_t now = kNow;
  LogStoreOptions o = TestOptions(&now);
  o.retention_ns = 24 * kHour;
  auto store = MustOpen(dir.str(), o);
  ASSERT_TRUE(store->AppendLogs(Entries(kNow - 20 * kHour, 0, 20 * 60, nullptr)).ok());
  ASSERT_TRUE(store->RunMaintenance().ok());
  const size_t before = store->Segments().size();
  ASSERT_EQ(before, 9u);  // windows up to now - 2 h
  // Entries older than the retention are not stored.
  ASSERT_TRUE(store->AppendLogs(Entries(kNow - 30 * kHour, 0, 1, nullptr)).ok());
  EXPECT_EQ(store->Stats().entries_too_old, 1u);
  now += 10 * kHour;  // cutoff: kNow - 14 h
  ASSERT_TRUE(store->RunMaintenance().ok());
  for (const auto& m : store->Segments()) EXPECT_GE(m.max_t, now - 24 * kHour);
  EXPECT_EQ(store->Stats().segments_deleted_retention, 3u);  // windows ending by kNow - 14 h
  auto rows = ReadStream(*store, "svc");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.front().t, kNow - 14 * kHour);
  // Files are gone from disk too.
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path() / "segments")) ++files;
  EXPECT_EQ(files, store->Segments().size());
}

TEST(LogStoreRecovery, RetentionBySizeDeletesOldestSegments) {
  otelite::testing::TempDir dir;
  int64_t now = kNow;
  LogStoreOptions o = TestOptions(&now);
  auto store = MustOpen(dir.str(), o);
  ASSERT_TRUE(store->AppendLogs(Entries(kNow - 20 * kHour, 0, 20 * 60, nullptr)).ok());
  ASSERT_TRUE(store->RunMaintenance().ok());
  const auto all = store->Segments();
  ASSERT_EQ(all.size(), 9u);
  uint64_t total = 0;
  for (const auto& m : all) total += m.file_bytes;
  store.reset();
  o.retention_bytes = total - 1;  // one segment too many
  store = MustOpen(dir.str(), o);
  ASSERT_TRUE(store->RunMaintenance().ok());
  const auto left = store->Segments();
  ASSERT_EQ(left.size(), 8u);
  int64_t oldest = std::numeric_limits<int64_t>::max();
  for (const auto& m : left) oldest = std::min(oldest, m.min_t);
  EXPECT_EQ(oldest, kNow - 18 * kHour);
}

TEST(LogStoreConcurrency, AppendersQueriesAndCutsTogether) {
  otelite::testing::TempDir dir;
  std::atomic<int64_t> clock{kNow};
  LogStoreOptions o;
  o.wal.fsync = tsdb::FsyncPolicy::kAlways;  // exercise the group commit too
  o.maintenance_interval_ms = 5;
  o.chunk_entries = 64;
  o.segment_span_ns = 10 * kSecond;
  o.now_ns = [&clock] { return clock.load(); };
  auto store = MustOpen(dir.str(), o);
  constexpr int kThreads = 2, kBatches = 150, kPerBatch = 20;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (int b = 0; b < kBatches; ++b) {
        LogBatch batch = Batch(StreamLabels("svc"), {});
        for (int i = 0; i < kPerBatch; ++i) {
          const int64_t n = (b * kPerBatch + i) * kThreads + w;
          batch.streams[0].entries.push_back(Entry(kNow - 60 * kSecond + n * 1'000'000,
                                                   std::to_string(n), {{"w", std::to_string(w)}}));
        }
        if (!store->AppendLogs(batch).ok()) failures.fetch_add(1);
        clock.fetch_add(1'000'000 * kPerBatch);
      }
    });
  }
  std::thread reader([&] {
    while (!done.load()) {
      auto q = store->NewLogQuerier();
      auto readers = q->Select(0, std::numeric_limits<int64_t>::max(), Select("svc"), {});
      if (!readers.ok()) {
        failures.fetch_add(1);
        continue;
      }
      for (auto& r : *readers) {
        LogEntryBatch batch;
        int64_t last = std::numeric_limits<int64_t>::min();
        while (r->Next(&batch)) {
          for (int64_t t : batch.timestamps) {
            if (t < last) failures.fetch_add(1);
            last = t;
          }
        }
        if (!r->status().ok()) failures.fetch_add(1);
      }
    }
  });
  for (auto& t : threads) t.join();
  done = true;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_TRUE(store->RunMaintenance().ok());
  EXPECT_GT(store->Stats().cuts, 0u);
  auto rows = ReadStream(*store, "svc");
  ASSERT_EQ(rows.size(), size_t{kThreads * kBatches * kPerBatch});
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].line, std::to_string(i)) << i;
  // And the same after a restart.
  store.reset();
  o.maintenance_interval_ms = 0;
  store = MustOpen(dir.str(), o);
  EXPECT_EQ(ReadStream(*store, "svc").size(), size_t{kThreads * kBatches * kPerBatch});
}

}  // namespace
}  // namespace otelite::logs
