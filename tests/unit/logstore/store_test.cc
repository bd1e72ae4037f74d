// The event store end to end: append, read back, cuts into segments, late data, projections,
// filters that skip segments, order, label queries and volumes.
#include <gtest/gtest.h>

#include "logstore_test_util.h"

namespace otelite::logs {
namespace {

using namespace otelite::logs::testing;

class LogStoreTest : public ::testing::Test {
 protected:
  void OpenStore(LogStoreOptions options) {
    store_.reset();
    auto s = LogStore::Open(dir_.str(), std::move(options));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void OpenStore() { OpenStore(TestOptions(&now_)); }
  void Append(const LogBatch& b) {
    Status st = store_->AppendLogs(b);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  std::vector<Row> Read(const std::string& service, const LogReadHints& hints = {},
                        int64_t start = 0, int64_t end = std::numeric_limits<int64_t>::max()) {
    auto q = store_->NewLogQuerier();
    auto all = ReadAll(*q, start, end, Select(service), hints);
    return all[StreamLabels(service).ToString()];
  }

  otelite::testing::TempDir dir_;
  int64_t now_ = kNow;
  std::unique_ptr<LogStore> store_;
};

TEST_F(LogStoreTest, RoundTripKeepsEntriesAndMetadataExactly) {
  OpenStore();
  const int64_t t0 = kNow - kHour;
  LogBatch b;
  b.streams.push_back(
      {StreamLabels("claude-code"),
       {Entry(t0, "claude_code.user_prompt", {{"event_name", "user_prompt"}, {"prompt_id", "p1"}}),
        Entry(t0 + 5, "claude_code.api_request",
              {{"event_name", "api_request"}, {"cost_usd", "0.0123"}, {"prompt_id", "p1"}}),
        Entry(t0 + 9, "", {})}});
  b.streams.push_back({StreamLabels("other"), {Entry(t0 + 1, "x", {{"k", ""}})}});
  Append(b);
  const std::vector<Row> want = {
      {t0, "claude_code.user_prompt", {{"event_name", "user_prompt"}, {"prompt_id", "p1"}}},
      {t0 + 5,
       "claude_code.api_request",
       {{"cost_usd", "0.0123"}, {"event_name", "api_request"}, {"prompt_id", "p1"}}},
      {t0 + 9, "", {}}};
  EXPECT_EQ(Read("claude-code"), want);
  // A metadata value may be empty; it is still present.
  EXPECT_EQ(Read("other"), (std::vector<Row>{{t0 + 1, "x", {{"k", ""}}}}));
  // Range bounds are inclusive at both ends.
  EXPECT_EQ(Read("claude-code", {}, t0 + 5, t0 + 9).size(), 2u);
  EXPECT_EQ(Read("claude-code", {}, t0 + 1, t0 + 4).size(), 0u);
  EXPECT_EQ(store_->Stats().entries_appended, 4u);
}

TEST_F(LogStoreTest, SelectNeedsAMatcherThatRejectsTheEmptyValue) {
  OpenStore();
  auto q = store_->NewLogQuerier();
  auto r = q->Select(0, 1, {*LabelMatcher::Make(MatchType::kRegexMatch, "service_name", ".*")}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(q->Select(0, 1, {}, {}).ok());
}

TEST_F(LogStoreTest, OutOfOrderEntriesComeOutSortedWithTiesInArrivalOrder) {
  LogStoreOptions o = TestOptions(&now_);
  o.chunk_entries = 3;  // several sealed runs that overlap in time
  OpenStore(o);
  const int64_t t0 = kNow - kHour;
  const auto s = StreamLabels("svc");
  Append(Batch(s, {Entry(t0 + 50, "a"), Entry(t0 + 10, "b"), Entry(t0 + 30, "c")}));
  Append(Batch(s, {Entry(t0 + 30, "d"), Entry(t0 + 5, "e"), Entry(t0 + 30, "f")}));
  Append(Batch(s, {Entry(t0 + 60, "g"), Entry(t0 + 10, "h")}));
  std::vector<std::string> lines;
  for (const Row& r : Read("svc")) lines.push_back(r.line);
  EXPECT_EQ(lines, (std::vector<std::string>{"e", "b", "h", "c", "d", "f", "a", "g"}));
  // The same after everything went into a segment.
  ASSERT_TRUE(store_->PersistHead().ok());
  lines.clear();
  for (const Row& r : Read("svc")) lines.push_back(r.line);
  EXPECT_EQ(lines, (std::vector<std::string>{"e", "b", "h", "c", "d", "f", "a", "g"}));
}

TEST_F(LogStoreTest, CutsCompletedWindowsAndReadsAcrossSegmentsAndHead) {
  LogStoreOptions o = TestOptions(&now_);
  o.segment.block_entries = 7;  // several blocks per stream
  OpenStore(o);
  const auto s = StreamLabels("svc");
  const int64_t base = kNow - 10 * kHour;  // aligned to the 2 h windows
  std::vector<Row> want;
  LogBatch b = Batch(s, {});
  for (int i = 0; i < 100; ++i) {
    const int64_t t = base + i * 6 * 60 * kSecond;  // every 6 minutes over 10 hours
    const std::string kind = i % 3 == 0 ? "api_request" : "tool_result";
    b.streams[0].entries.push_back(Entry(t, "line " + std::to_string(i), {{"event_name", kind}}));
    want.push_back({t, "line " + std::to_string(i), {{"event_name", kind}}});
  }
  Append(b);
  ASSERT_TRUE(store_->RunMaintenance().ok());
  // now = base + 10 h: windows ending by now - 1 h are complete: [base, base + 8 h).
  const auto segments = store_->Segments();
  ASSERT_EQ(segments.size(), 4u);
  for (const auto& m : segments) EXPECT_EQ(m.entries, 20u);
  EXPECT_EQ(store_->Stats().head_entries, 20u);
  EXPECT_EQ(Read("svc"), want);

  // Late entries for a window already in a segment, and new ones in the head.
  Append(Batch(s, {Entry(base + 3, "late", {{"event_name", "late"}}),
                   Entry(base + 6 * 60 * kSecond, "late tie", {})}));
  want.insert(want.begin() + 1, {base + 3, "late", {{"event_name", "late"}}});
  want.insert(want.begin() + 3, {base + 6 * 60 * kSecond, "late tie", {}});
  EXPECT_EQ(Read("svc"), want);
  ASSERT_TRUE(store_->RunMaintenance().ok());
  EXPECT_EQ(store_->Segments().size(), 5u);  // a second segment for the first window
  EXPECT_EQ(Read("svc"), want);
  // A range inside one window.
  auto q = store_->NewLogQuerier();
  auto part = ReadAll(*q, base + 2 * kHour, base + 3 * kHour - 1, Select("svc"))[s.ToString()];
  EXPECT_EQ(part.size(), 10u);
  EXPECT_EQ(part.front().t, base + 2 * kHour);
}

TEST_F(LogStoreTest, ProjectsColumnsAndSkipsLines) {
  OpenStore();
  const auto s = StreamLabels("svc");
  const int64_t t0 = kNow - 5 * kHour;
  Append(Batch(s, {Entry(t0, "hello", {{"a", "1"}, {"b", "2"}, {"c", "3"}}),
                   Entry(t0 + 3 * kHour, "world!", {{"b", "x"}})}));
  ASSERT_TRUE(store_->RunMaintenance().ok());  // the first entry goes to a segment
  ASSERT_EQ(store_->Segments().size(), 1u);
  LogReadHints hints;
  hints.need_lines = false;
  hints.columns = std::vector<std::string>{"b", "c"};
  EXPECT_EQ(Read("svc", hints), (std::vector<Row>{{t0, "#5", {{"b", "2"}, {"c", "3"}}},
                                                  {t0 + 3 * kHour, "#6", {{"b", "x"}}}}));
  hints.columns = std::vector<std::string>{};
  EXPECT_EQ(Read("svc", hints), (std::vector<Row>{{t0, "#5", {}}, {t0 + 3 * kHour, "#6", {}}}));
  // Without lines the segment's line frame is not decompressed: fewer bytes scanned.
  auto q1 = store_->NewLogQuerier();
  ReadAll(*q1, 0, kNow, Select("svc"), hints);
  auto q2 = store_->NewLogQuerier();
  ReadAll(*q2, 0, kNow, Select("svc"), {});
  EXPECT_LT(q1->stats().bytes_scanned, q2->stats().bytes_scanned);
  EXPECT_EQ(q1->stats().entries_scanned, 2u);
}

TEST_F(LogStoreTest, MetadataFiltersSkipSegmentsByTheirDictionaries) {
  OpenStore();
  const auto s = StreamLabels("svc");
  const int64_t base = kNow - 12 * kHour;
  // Window 0: only user prompts; window 1: api requests too; window 2: no event_name at all.
  Append(Batch(s, {Entry(base, "p", {{"event_name", "user_prompt"}}),
                   Entry(base + 2 * kHour, "p", {{"event_name", "user_prompt"}}),
                   Entry(base + 2 * kHour + 1, "r", {{"event_name", "api_request"}}),
                   Entry(base + 4 * kHour, "n", {{"other", "v"}})}));
  ASSERT_TRUE(store_->RunMaintenance().ok());
  ASSERT_EQ(store_->Segments().size(), 3u);
  auto filtered = [&](MatchType type, const std::string& value) {
    LogReadHints hints;
    hints.metadata_filters = {*LabelMatcher::Make(type, "event_name", value)};
    auto q = store_->NewLogQuerier();
    auto rows = ReadAll(*q, 0, kNow, Select("svc"), hints)[s.ToString()];
    return std::pair(rows.size(), q->stats());
  };
  auto [n, stats] = filtered(MatchType::kEqual, "api_request");
  EXPECT_EQ(n, 2u);  // the whole segment that may match: filtering entries is the caller's job
  EXPECT_EQ(stats.segments_read, 1u);
  EXPECT_EQ(stats.segments_skipped, 2u);
  std::tie(n, stats) = filtered(MatchType::kRegexMatch, "api_.*|nothing");
  EXPECT_EQ(stats.segments_read, 1u);
  std::tie(n, stats) = filtered(MatchType::kEqual, "nothing");
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(stats.segments_skipped, 3u);
  // != matches the entries without the key (they read as ""): nothing can be skipped but
  // the segment whose only value fails it and where every entry has the key.
  std::tie(n, stats) = filtered(MatchType::kNotEqual, "user_prompt");
  EXPECT_EQ(stats.segments_read, 2u);
  EXPECT_EQ(stats.segments_skipped, 1u);
  // A filter matching "" keeps the segment lacking the key.
  std::tie(n, stats) = filtered(MatchType::kEqual, "");
  EXPECT_EQ(stats.segments_read, 1u);
  EXPECT_EQ(n, 1u);
  // Head runs are filtered the same way.
  Append(Batch(s, {Entry(kNow - 1, "h", {{"event_name", "user_prompt"}})}));
  std::tie(n, stats) = filtered(MatchType::kEqual, "api_request");
  EXPECT_EQ(n, 2u);
}

TEST_F(LogStoreTest, BackwardGivesNewestFirst) {
  LogStoreOptions o = TestOptions(&now_);
  o.segment.block_entries = 4;
  OpenStore(o);
  const auto s = StreamLabels("svc");
  const int64_t base = kNow - 6 * kHour;
  std::vector<Row> want;
  LogBatch b = Batch(s, {});
  for (int i = 0; i < 30; ++i) {
    const int64_t t = base + i * 10 * 60 * kSecond;
    b.streams[0].entries.push_back(Entry(t, std::to_string(i), {{"i", std::to_string(i % 4)}}));
    want.push_back({t, std::to_string(i), {{"i", std::to_string(i % 4)}}});
  }
  Append(b);
  ASSERT_TRUE(store_->RunMaintenance().ok());
  ASSERT_FALSE(store_->Segments().empty());
  Append(Batch(s, {Entry(base + 1, "late", {})}));  // overlaps a segment: merged
  want.insert(want.begin() + 1, {base + 1, "late", {}});
  std::reverse(want.begin(), want.end());
  LogReadHints hints;
  hints.backward = true;
  EXPECT_EQ(Read("svc", hints), want);
}

TEST_F(LogStoreTest, LabelNamesValuesAndVolumes) {
  OpenStore();
  const int64_t t0 = kNow - 5 * kHour;
  LogBatch b;
  b.streams.push_back({Labels({{"service_name", "a"}, {"env", "prod"}}),
                       {Entry(t0, "12345", {{"k", "vv"}}), Entry(t0 + 4 * kHour, "1", {})}});
  b.streams.push_back({StreamLabels("b"), {Entry(t0 + 4 * kHour, "xy", {})}});
  Append(b);
  ASSERT_TRUE(store_->RunMaintenance().ok());
  ASSERT_EQ(store_->Segments().size(), 1u);
  auto q = store_->NewLogQuerier();
  EXPECT_EQ(*q->LabelNames(0, kNow, {}), (std::vector<std::string>{"env", "service_name"}));
  EXPECT_EQ(*q->LabelNames(t0 + kHour, kNow, Select("b")),
            (std::vector<std::string>{"service_name"}));
  EXPECT_EQ(*q->LabelValues("service_name", 0, kNow, {}), (std::vector<std::string>{"a", "b"}));
  // Only the head has entries after t0 + 1 h.
  EXPECT_EQ(*q->LabelValues("env", t0 + kHour, kNow, {}), (std::vector<std::string>{"prod"}));
  EXPECT_TRUE(q->LabelValues("env", t0 + 1, t0 + kHour, {})->empty());
  auto volumes = q->Volumes(0, kNow, {});
  ASSERT_TRUE(volumes.ok());
  ASSERT_EQ(volumes->size(), 2u);
  EXPECT_EQ((*volumes)[0].labels.Get("service_name"), "a");
  EXPECT_EQ((*volumes)[0].entries, 2u);
  EXPECT_EQ((*volumes)[0].bytes, 5u + 1 + 2 + 1u);  // lines, then "k" + "vv"
  EXPECT_EQ((*volumes)[1].entries, 1u);
  EXPECT_EQ((*volumes)[1].bytes, 2u);
  // Part of a segment block: counted entry by entry.
  auto part = q->Volumes(t0, t0, Select("a"));
  ASSERT_EQ(part->size(), 1u);
  EXPECT_EQ((*part)[0].entries, 1u);
  EXPECT_EQ((*part)[0].bytes, 8u);
}

}  // namespace
}  // namespace otelite::logs

namespace otelite::logs {
namespace {

using namespace otelite::logs::testing;

TEST(LogStoreEdgeCases, RepeatedMetadataNameKeepsTheLastValue) {
  otelite::testing::TempDir dir;
  int64_t now = kNow;
  auto store = LogStore::Open(dir.str(), TestOptions(&now));
  ASSERT_TRUE(store.ok());
  LogEntry e = Entry(kNow - 5 * kHour, "l", {});
  e.metadata = {{"k", "a"}, {"k", "b"}, {"z", "1"}};
  ASSERT_TRUE((*store)->AppendLogs(Batch(StreamLabels("svc"), {e})).ok());
  const std::vector<Row> want = {{kNow - 5 * kHour, "l", {{"k", "b"}, {"z", "1"}}}};
  auto q = (*store)->NewLogQuerier();
  EXPECT_EQ(ReadAll(*q, 0, kNow, Select("svc"))[StreamLabels("svc").ToString()], want);
  ASSERT_TRUE((*store)->PersistHead().ok());
  q = (*store)->NewLogQuerier();
  EXPECT_EQ(ReadAll(*q, 0, kNow, Select("svc"))[StreamLabels("svc").ToString()], want);
}

TEST(LogStoreEdgeCases, ReadsRightWithoutADictionaryCache) {
  otelite::testing::TempDir dir;
  int64_t now = kNow;
  LogStoreOptions o = TestOptions(&now);
  o.dictionary_cache_bytes = 0;
  o.segment.block_entries = 64;
  auto store = LogStore::Open(dir.str(), o);
  ASSERT_TRUE(store.ok());
  LogBatch b = Batch(StreamLabels("svc"), {});
  std::vector<Row> want;
  for (int i = 0; i < 300; ++i) {  // > 255 distinct ids: two-byte codes, delta transform
    const int64_t t = kNow - 6 * kHour + i * kSecond;
    b.streams[0].entries.push_back(
        Entry(t, "x", {{"id", std::to_string(i)}, {"kind", std::to_string(i % 3)}}));
    want.push_back({t, "x", {{"id", std::to_string(i)}, {"kind", std::to_string(i % 3)}}});
  }
  ASSERT_TRUE((*store)->AppendLogs(b).ok());
  ASSERT_TRUE((*store)->PersistHead().ok());
  auto q = (*store)->NewLogQuerier();
  EXPECT_EQ(ReadAll(*q, 0, kNow, Select("svc"))[StreamLabels("svc").ToString()], want);
  // The ids counting up were stored as deltas, in two-byte codes where they pass 255.
  const auto segments = (*store)->Segments();
  ASSERT_EQ(segments.size(), 1u);
  auto seg = Segment::Open(segments[0].path, nullptr);
  ASSERT_TRUE(seg.ok());
  const uint32_t id = *(*seg)->FindColumn("id");
  bool delta = false;
  for (const auto& block : (*seg)->streams()[0].blocks) {
    for (const auto& c : block.columns)
      delta = delta || (c.column == id && c.transform == kCodesDelta);
  }
  EXPECT_TRUE(delta);
}

}  // namespace
}  // namespace otelite::logs
