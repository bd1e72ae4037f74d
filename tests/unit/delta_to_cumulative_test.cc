// Delta -> cumulative accumulation: contiguous deltas, gaps, retries, late points, sender
// restarts, layout changes and expiry.
#include "model/delta_to_cumulative.h"

#include <gtest/gtest.h>

namespace otelite {
namespace {

const Labels kSeries(std::vector<Label>{{"__name__", "c_total"}, {"session_id", "s"}});

DeltaToCumulative::Cumulative Add(DeltaToCumulative& acc, int64_t start, int64_t end, double v,
                                  DeltaToCumulative::Outcome* outcome = nullptr,
                                  int64_t now = 0, uint64_t layout = 0) {
  DeltaToCumulative::Cumulative out;
  auto o = acc.Add(kSeries, {start, end, std::span<const double>(&v, 1), layout}, now, &out);
  if (outcome) *outcome = o;
  return out;
}

TEST(DeltaToCumulative, ContiguousDeltasAdd) {
  DeltaToCumulative acc(std::chrono::minutes(180));
  EXPECT_EQ(Add(acc, 100, 200, 1.5).values[0], 1.5);
  auto c = Add(acc, 200, 300, 2.0);
  EXPECT_EQ(c.values[0], 3.5);
  EXPECT_EQ(c.start_ns, 100);
  EXPECT_EQ(c.timestamp_ns, 300);
}

TEST(DeltaToCumulative, GapsDoNotLoseCounts) {
  // The collector restarts the series on a gap; deltas are additive, so otelite keeps adding.
  DeltaToCumulative acc(std::chrono::minutes(180));
  Add(acc, 100, 200, 1);
  auto c = Add(acc, 500, 600, 1);
  EXPECT_EQ(c.values[0], 2);
  EXPECT_EQ(c.start_ns, 100);
}

TEST(DeltaToCumulative, RetriedPointIsIdempotent) {
  DeltaToCumulative acc(std::chrono::minutes(180));
  Add(acc, 100, 200, 1);
  DeltaToCumulative::Outcome outcome;
  Add(acc, 100, 200, 1, &outcome);
  EXPECT_EQ(outcome, DeltaToCumulative::Outcome::kDuplicate);
  EXPECT_EQ(Add(acc, 200, 300, 1).values[0], 2);
}

TEST(DeltaToCumulative, LatePointIsAddedAndKeepsLatestTimestamp) {
  DeltaToCumulative acc(std::chrono::minutes(180));
  Add(acc, 200, 300, 1);
  auto c = Add(acc, 100, 200, 5);  // arrived after, covers an earlier interval
  EXPECT_EQ(c.values[0], 6);
  EXPECT_EQ(c.timestamp_ns, 300);
  EXPECT_EQ(c.start_ns, 100);
}

TEST(DeltaToCumulative, SenderRestartKeepsAdding) {
  DeltaToCumulative acc(std::chrono::minutes(180));
  Add(acc, 100, 200, 3);
  auto c = Add(acc, 1000, 1100, 4);  // new process, new start time
  EXPECT_EQ(c.values[0], 7);
}

TEST(DeltaToCumulative, LayoutChangeStartsOver) {
  DeltaToCumulative acc(std::chrono::minutes(180));
  Add(acc, 100, 200, 3, nullptr, 0, /*layout=*/1);
  auto c = Add(acc, 200, 300, 4, nullptr, 0, /*layout=*/2);
  EXPECT_EQ(c.values[0], 4);
  EXPECT_EQ(c.start_ns, 200);
}

TEST(DeltaToCumulative, IdleSeriesExpire) {
  DeltaToCumulative acc(std::chrono::minutes(1));
  const int64_t minute = 60'000'000'000LL;
  Add(acc, 100, 200, 3, nullptr, /*now=*/0);
  EXPECT_EQ(acc.Expire(minute / 2), 0u);
  EXPECT_EQ(acc.SeriesCount(), 1u);
  EXPECT_EQ(acc.Expire(2 * minute), 1u);
  EXPECT_EQ(acc.SeriesCount(), 0u);
  EXPECT_EQ(Add(acc, 300, 400, 2, nullptr, 2 * minute).values[0], 2);  // starts afresh
}

TEST(DeltaToCumulative, HistogramValuesAddElementwise) {
  DeltaToCumulative acc(std::chrono::minutes(180));
  std::vector<double> a = {1, 2, 3, 10.5, 6}, b = {0, 1, 1, 2.5, 2};
  DeltaToCumulative::Cumulative out;
  acc.Add(kSeries, {0, 10, a, 7}, 0, &out);
  acc.Add(kSeries, {10, 20, b, 7}, 0, &out);
  EXPECT_EQ(out.values, (std::vector<double>{1, 3, 4, 13, 8}));
}

}  // namespace
}  // namespace otelite
