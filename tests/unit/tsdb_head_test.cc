// The head: appends, out-of-order window, duplicates, start-time zeros, selection by every
// matcher kind, label names/values, and the postings set operations.
#include <gtest/gtest.h>

#include <cmath>

#include "storage/tsdb/head.h"

namespace otelite::tsdb {
namespace {

constexpr int64_t kMin = 60'000;

Labels L(std::vector<Label> l) { return Labels(std::move(l)); }

MetricBatch Batch(std::vector<std::tuple<Labels, int64_t, double>> samples,
                  MetricType type = MetricType::kGauge, int64_t start = 0) {
  MetricBatch b;
  b.families.push_back({"f", type, "", ""});
  for (auto& [l, t, v] : samples) {
    MetricSample s;
    s.labels = l;
    s.timestamp_ms = t;
    s.value = v;
    s.start_timestamp_ms = start;
    b.samples.push_back(s);
  }
  return b;
}

std::vector<std::pair<int64_t, double>> Read(Head& head, const Matchers& m, int64_t mint = 0,
                                             int64_t maxt = INT64_MAX) {
  auto q = head.NewQuerier();
  auto set = q->Select(mint, maxt, m);
  EXPECT_TRUE(set.ok());
  std::vector<std::pair<int64_t, double>> out;
  for (const auto& s : *set) {
    auto it = s->Iterator();
    while (it->Next()) out.emplace_back(it->t(), it->v());
    EXPECT_TRUE(it->status().ok());
  }
  return out;
}

LabelMatcher M(MatchType t, std::string n, std::string v) {
  auto m = LabelMatcher::Make(t, std::move(n), std::move(v));
  EXPECT_TRUE(m.ok()) << m.status().message();
  return *m;
}

const Labels kA = L({{"__name__", "up"}, {"job", "a"}});
const Labels kB = L({{"__name__", "up"}, {"job", "b"}, {"zone", "x"}});

TEST(TsdbHead, AppendsAndReadsBackManyChunks) {
  Head head({}, nullptr);
  std::vector<std::tuple<Labels, int64_t, double>> samples;
  for (int i = 0; i < 1000; ++i) samples.emplace_back(kA, kMin + i * 1000LL, i * 0.5);
  auto r = head.Append(Batch(samples));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->appended, 1000u);
  auto got = Read(head, {M(MatchType::kEqual, "job", "a")});
  ASSERT_EQ(got.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(got[i].first, kMin + i * 1000LL);
    EXPECT_EQ(got[i].second, i * 0.5);
  }
  EXPECT_GT(head.Stats().chunks, 8u);  // 120 samples per chunk at most
  // Range restriction is inclusive at both ends.
  auto part = Read(head, {M(MatchType::kEqual, "job", "a")}, kMin + 10'000, kMin + 20'000);
  ASSERT_EQ(part.size(), 11u);
  EXPECT_EQ(part.front().first, kMin + 10'000);
  EXPECT_EQ(part.back().first, kMin + 20'000);
}

TEST(TsdbHead, ChunksDoNotCrossBlockBoundaries) {
  HeadOptions o;
  o.chunk_range_ms = 10'000;
  Head head(o, nullptr);
  ASSERT_TRUE(
      head.Append(Batch({{kA, 9'000, 1}, {kA, 10'000, 2}, {kA, 19'999, 3}, {kA, 20'000, 4}})).ok());
  int chunks = 0;
  head.ForEachSeries([&](const std::shared_ptr<MemSeries>& s) {
    for (const auto& c : s->sealed) {
      EXPECT_EQ(c->min_t / 10'000, c->max_t / 10'000);
      ++chunks;
    }
  });
  EXPECT_EQ(chunks, 2);
  EXPECT_EQ(Read(head, {M(MatchType::kEqual, "job", "a")}).size(), 4u);
}

TEST(TsdbHead, OutOfOrderWithinWindowIsMergedInOrder) {
  HeadOptions o;
  o.out_of_order_window_ms = 10 * kMin;
  Head head(o, nullptr);
  ASSERT_TRUE(head.Append(Batch({{kA, 20 * kMin, 20}, {kA, 30 * kMin, 30}})).ok());
  auto r = head.Append(Batch({{kA, 25 * kMin, 25}, {kA, 21 * kMin, 21}, {kA, 5 * kMin, 5}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->appended, 2u);
  EXPECT_EQ(r->rejected[static_cast<size_t>(RejectReason::kTooOld)], 1u);
  EXPECT_NE(r->first_rejection.find("out-of-order window"), std::string::npos)
      << r->first_rejection;
  auto got = Read(head, {M(MatchType::kEqual, "job", "a")});
  std::vector<std::pair<int64_t, double>> want = {
      {20 * kMin, 20}, {21 * kMin, 21}, {25 * kMin, 25}, {30 * kMin, 30}};
  EXPECT_EQ(got, want);
}

TEST(TsdbHead, DuplicatesAreIdempotentAndConflictsRejected) {
  Head head({}, nullptr);
  ASSERT_TRUE(head.Append(Batch({{kA, kMin, 1}, {kA, 2 * kMin, 2}, {kA, 3 * kMin, 3}})).ok());
  auto r = head.Append(Batch({{kA, 2 * kMin, 2}, {kA, 3 * kMin, 3}, {kA, kMin, 9}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->appended, 0u);
  EXPECT_EQ(r->duplicates, 2u);
  EXPECT_EQ(r->rejected[static_cast<size_t>(RejectReason::kDuplicateTimestamp)], 1u);
  EXPECT_EQ(Read(head, {M(MatchType::kEqual, "job", "a")}).size(), 3u);
  // A retried batch that also has new data stores only the new part.
  r = head.Append(Batch({{kA, 3 * kMin, 3}, {kA, 4 * kMin, 4}}));
  EXPECT_EQ(r->appended, 1u);
  EXPECT_EQ(r->duplicates, 1u);
}

TEST(TsdbHead, NewCumulativeSeriesGetsZeroAtStartTime) {
  Head head({}, nullptr);
  ASSERT_TRUE(head.Append(Batch({{kA, 10 * kMin, 7}}, MetricType::kCounter, 9 * kMin)).ok());
  // Only when the series is created: a later point with the same start adds no second zero.
  ASSERT_TRUE(head.Append(Batch({{kA, 11 * kMin, 8}}, MetricType::kCounter, 9 * kMin)).ok());
  // Gauges never get one.
  ASSERT_TRUE(head.Append(Batch({{kB, 10 * kMin, 7}}, MetricType::kGauge, 9 * kMin)).ok());
  std::vector<std::pair<int64_t, double>> want = {{9 * kMin, 0}, {10 * kMin, 7}, {11 * kMin, 8}};
  EXPECT_EQ(Read(head, {M(MatchType::kEqual, "job", "a")}), want);
  EXPECT_EQ(Read(head, {M(MatchType::kEqual, "job", "b")}).size(), 1u);
}

TEST(TsdbHead, RejectsSamplesBeforeMinValidTimeAndFarFuture) {
  HeadOptions o;
  o.max_future_ms = 3600'000;
  o.now_ms = [] { return int64_t{100} * kMin; };
  Head head(o, nullptr);
  head.set_min_valid_time(50 * kMin);
  auto r = head.Append(Batch({{kA, 49 * kMin, 1}, {kA, 60 * kMin, 2}, {kA, 200 * kMin, 3}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->appended, 1u);
  EXPECT_EQ(r->rejected[static_cast<size_t>(RejectReason::kOutOfBounds)], 1u);
  EXPECT_EQ(r->rejected[static_cast<size_t>(RejectReason::kTooFarInFuture)], 1u);
  EXPECT_EQ(head.Stats().rejected[static_cast<size_t>(RejectReason::kOutOfBounds)], 1u);
}

TEST(TsdbHead, SelectsWithEveryMatcherKind) {
  Head head({}, nullptr);
  const Labels c = L({{"__name__", "down"}, {"job", "c"}});
  ASSERT_TRUE(head.Append(Batch({{kA, kMin, 1}, {kB, kMin, 2}, {c, kMin, 3}})).ok());
  auto count = [&](Matchers m) {
    auto set = head.NewQuerier()->Select(0, INT64_MAX, m);
    EXPECT_TRUE(set.ok());
    return set->size();
  };
  EXPECT_EQ(count({M(MatchType::kEqual, "__name__", "up")}), 2u);
  EXPECT_EQ(count({M(MatchType::kEqual, "__name__", "up"), M(MatchType::kNotEqual, "job", "a")}),
            1u);
  EXPECT_EQ(count({M(MatchType::kRegexMatch, "job", "a|c")}), 2u);
  EXPECT_EQ(count({M(MatchType::kRegexMatch, "job", "[ab]")}), 2u);
  // Regexes are anchored: "a" does not match "ab"-like values partially.
  EXPECT_EQ(count({M(MatchType::kRegexMatch, "__name__", "u")}), 0u);
  EXPECT_EQ(count({M(MatchType::kRegexNoMatch, "job", "a|b")}), 1u);
  // zone="" selects series without the label; zone!="" those with it.
  EXPECT_EQ(count({M(MatchType::kEqual, "__name__", "up"), M(MatchType::kEqual, "zone", "")}), 1u);
  EXPECT_EQ(count({M(MatchType::kNotEqual, "zone", "")}), 1u);
  EXPECT_EQ(count({M(MatchType::kRegexMatch, "zone", ".*")}), 3u);
  EXPECT_EQ(count({M(MatchType::kEqual, "nope", "x")}), 0u);
  // Results are sorted by labels.
  auto set = head.NewQuerier()->Select(0, INT64_MAX, {M(MatchType::kRegexMatch, "job", ".+")});
  ASSERT_EQ(set->size(), 3u);
  EXPECT_EQ((*set)[0]->labels().Get("__name__"), "down");
  EXPECT_EQ((*set)[2]->labels().Get("job"), "b");
  // Out of the time range: nothing.
  EXPECT_TRUE(
      head.NewQuerier()->Select(2 * kMin, 3 * kMin, {M(MatchType::kEqual, "job", "a")})->empty());
}

// Selection stays in label order while series arrive between queries in any order and old ones
// leave with Truncate (the head keeps each series' rank instead of sorting label sets per query).
TEST(TsdbHead, SelectionStaysInLabelOrderAcrossNewAndRemovedSeries) {
  Head head({}, nullptr);
  auto series = [](int i) {
    return L({{"__name__", "x"}, {"id", std::to_string((i * 7919) % 1000)}, {"z", "1"}});
  };
  auto check_sorted = [&](size_t want) {
    auto set = head.NewQuerier()->Select(0, INT64_MAX, {M(MatchType::kEqual, "__name__", "x")});
    ASSERT_TRUE(set.ok());
    ASSERT_EQ(set->size(), want);
    for (size_t i = 1; i < set->size(); ++i) {
      ASSERT_LT((*set)[i - 1]->labels(), (*set)[i]->labels()) << "at " << i;
    }
  };
  for (int round = 0; round < 4; ++round) {  // 250 new series per round, old ones at t = round
    std::vector<std::tuple<Labels, int64_t, double>> samples;
    for (int i = round * 250; i < (round + 1) * 250; ++i) {
      samples.emplace_back(series(i), (round + 1) * kMin, 1.0);
    }
    ASSERT_TRUE(head.Append(Batch(samples)).ok());
    check_sorted(static_cast<size_t>((round + 1) * 250));
  }
  // The first round's series leave (their only sample is before 2 min); the rest stay ordered,
  // and series arriving afterwards are merged in.
  EXPECT_EQ(head.Truncate(2 * kMin), 250u);
  check_sorted(750);
  ASSERT_TRUE(head.Append(Batch({{series(0), 9 * kMin, 2.0}, {series(1), 9 * kMin, 2.0}})).ok());
  check_sorted(752);
}

TEST(TsdbHead, LabelNamesAndValues) {
  Head head({}, nullptr);
  ASSERT_TRUE(head.Append(Batch({{kA, kMin, 1}, {kB, 5 * kMin, 2}})).ok());
  auto q = head.NewQuerier();
  EXPECT_EQ(*q->LabelNames(0, INT64_MAX, {}),
            (std::vector<std::string>{"__name__", "job", "zone"}));
  EXPECT_EQ(*q->LabelValues("job", 0, INT64_MAX, {}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*q->LabelValues("job", 0, INT64_MAX, {M(MatchType::kEqual, "zone", "x")}),
            (std::vector<std::string>{"b"}));
  EXPECT_EQ(*q->LabelNames(0, 2 * kMin, {M(MatchType::kEqual, "__name__", "up")}),
            (std::vector<std::string>{"__name__", "job"}));
}

TEST(TsdbMatcher, InvalidRegexNamesTheLabel) {
  auto m = LabelMatcher::Make(MatchType::kRegexMatch, "job", "a(");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("job=~\"a(\""), std::string::npos) << m.status().message();
  auto dot = LabelMatcher::Make(MatchType::kRegexMatch, "x", "a.b");
  EXPECT_TRUE(dot->Matches("a\nb"));  // `.` matches newlines, as in Prometheus 3
  EXPECT_FALSE(dot->Matches("xa\nb"));
  EXPECT_EQ(dot->ToString(), "x=~\"a.b\"");
}

TEST(TsdbPostings, SetOperations) {
  Postings a = {1, 3, 5, 7}, b = {3, 4, 5};
  EXPECT_EQ(Intersect(a, b), (Postings{3, 5}));
  EXPECT_EQ(Union(a, b), (Postings{1, 3, 4, 5, 7}));
  EXPECT_EQ(Subtract(a, b), (Postings{1, 7}));
  PostingsIndex idx;
  idx.Add(2, kA);
  idx.Add(1, kB);  // out of order is allowed
  EXPECT_EQ(idx.Select({M(MatchType::kEqual, "__name__", "up")}), (Postings{1, 2}));
  idx.Remove({{2, kA}});
  EXPECT_EQ(idx.Select({M(MatchType::kEqual, "__name__", "up")}), (Postings{1}));
  EXPECT_EQ(idx.LabelValues("job"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(idx.SeriesCount(), 1u);
}

}  // namespace
}  // namespace otelite::tsdb
