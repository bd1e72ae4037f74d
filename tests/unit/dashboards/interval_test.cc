// Grafana's interval arithmetic: the nice-interval table, interval strings, $__interval,
// $__rate_interval and the 11000-point step limit.
#include "dashboards/interval.h"

#include <gtest/gtest.h>

namespace otelite::dashboards {
namespace {

constexpr int64_t kS = 1000, kM = 60 * kS, kH = 60 * kM, kD = 24 * kH;

TEST(RoundInterval, NiceValues) {
  // Each nice interval covers raw intervals up to about the midpoint to the next.
  EXPECT_EQ(RoundInterval(1), 10);
  EXPECT_EQ(RoundInterval(15), 10);
  EXPECT_EQ(RoundInterval(16), 20);
  EXPECT_EQ(RoundInterval(400), 500);
  EXPECT_EQ(RoundInterval(1 * kS), 1 * kS);
  EXPECT_EQ(RoundInterval(4500), 5 * kS);  // 1 h over 800 px
  EXPECT_EQ(RoundInterval(13 * kS), 15 * kS);
  EXPECT_EQ(RoundInterval(21600), 20 * kS);    // 6 h over 1000 px
  EXPECT_EQ(RoundInterval(108 * kS), 2 * kM);  // 24 h over 800 px
  EXPECT_EQ(RoundInterval(90 * kS), 1 * kM);
  EXPECT_EQ(RoundInterval(91 * kS), 2 * kM);
  EXPECT_EQ(RoundInterval(756 * kS), 15 * kM);  // 7 d over 800 px
  EXPECT_EQ(RoundInterval(45 * kM), 30 * kM);
  EXPECT_EQ(RoundInterval(4 * kH), 3 * kH);
  EXPECT_EQ(RoundInterval(20 * kH), 12 * kH);
  EXPECT_EQ(RoundInterval(3 * kD), 1 * kD);
  EXPECT_EQ(RoundInterval(10 * kD), 7 * kD);
  EXPECT_EQ(RoundInterval(40 * kD), 30 * kD);
  EXPECT_EQ(RoundInterval(400 * kD), 365 * kD);
}

TEST(ParseInterval, GrafanaForms) {
  EXPECT_EQ(*ParseInterval("15s"), 15 * kS);
  EXPECT_EQ(*ParseInterval(">30s"), 30 * kS);
  EXPECT_EQ(*ParseInterval("1m"), kM);
  EXPECT_EQ(*ParseInterval("1h30m"), 90 * kM);
  EXPECT_EQ(*ParseInterval("500ms"), 500);
  EXPECT_EQ(*ParseInterval("2d"), 2 * kD);
  EXPECT_EQ(*ParseInterval("1w"), 7 * kD);
  EXPECT_EQ(*ParseInterval("10"), 10 * kS);
  EXPECT_FALSE(ParseInterval("").ok());
  EXPECT_FALSE(ParseInterval("abc").ok());
  auto bad = ParseInterval("5x");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("5x"), std::string::npos);
}

TEST(FormatInterval, LargestDividingUnit) {
  EXPECT_EQ(FormatInterval(2 * kM), "2m");
  EXPECT_EQ(FormatInterval(15 * kS), "15s");
  EXPECT_EQ(FormatInterval(500), "500ms");
  EXPECT_EQ(FormatInterval(kD), "1d");
  EXPECT_EQ(FormatInterval(7 * kD), "7d");
  EXPECT_EQ(FormatInterval(90 * kS), "90s");
  EXPECT_EQ(FormatInterval(90500), "90500ms");
  EXPECT_EQ(FormatInterval(0), "0s");
}

TEST(ComputeIntervals, IntervalAndRateInterval) {
  // 24 h over 800 points: 108 s rounds to 2m; rate interval max(2m + 15s, 60s) = 135 s.
  QueryIntervals q = ComputeIntervals(0, 24 * kH, 800, 15 * kS);
  EXPECT_EQ(q.interval_ms, 2 * kM);
  EXPECT_EQ(q.rate_interval_ms, 135 * kS);
  EXPECT_EQ(q.range_ms, 24 * kH);
  // 1 h over 800 points: 5 s, raised to the 15 s min interval; rate = max(30 s, 60 s).
  q = ComputeIntervals(0, kH, 800, 15 * kS);
  EXPECT_EQ(q.interval_ms, 15 * kS);
  EXPECT_EQ(q.rate_interval_ms, 60 * kS);
  // Loki's 1 ms min interval keeps the nice value.
  EXPECT_EQ(ComputeIntervals(0, kH, 800, 1).interval_ms, 5 * kS);
  // Unknown width: 1000 points.
  EXPECT_EQ(ComputeIntervals(0, 6 * kH, 0, 1).interval_ms, 20 * kS);
}

TEST(RangeQueryStep, ElevenThousandPointLimit) {
  EXPECT_EQ(RangeQueryStep(0, kH, 15 * kS), 15 * kS);
  // 30 days at 1 ms: 2592e6 / 11000 = 235636.4 ms, rounded up to whole seconds.
  EXPECT_EQ(RangeQueryStep(0, 30 * kD, 1), 236 * kS);
  EXPECT_LE((30 * kD) / RangeQueryStep(0, 30 * kD, 1), kMaxPointsPerSeries);
  // Below a second the step stays in milliseconds: 10 s over 11000 points.
  EXPECT_EQ(RangeQueryStep(0, 10 * kS, 0), 1);
  EXPECT_EQ(RangeQueryStep(0, 100 * kS, 1), 10);
}

TEST(FormatRange, Seconds) {
  EXPECT_EQ(FormatRange(24 * kH), "86400s");
  EXPECT_EQ(FormatRange(1499), "1s");
  EXPECT_EQ(FormatRange(1500), "2s");
}

}  // namespace
}  // namespace otelite::dashboards
