// The PromQL numeric kernels (query/promql/kernels.h) without the engine. Expected values come
// from Prometheus's v3 test scripts (../shared/conformance/promql/v3/*.test; the comments name
// the script and the series) or are worked out by hand in the comments; the series of a script
// are rebuilt here with Load() and cut to the selector's left-open window with Window().
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "query/promql/kernels.h"

namespace otelite::promql {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;

// A script's `load <step>` line: value i at i × step.
std::vector<FPoint> Load(int64_t step_ms, const std::vector<double>& values) {
  std::vector<FPoint> points;
  for (size_t i = 0; i < values.size(); ++i) {
    points.push_back({static_cast<int64_t>(i) * step_ms, values[i]});
  }
  return points;
}

// `start+incrementxtimes`: times + 1 values.
std::vector<double> Seq(double start, double increment, int times) {
  std::vector<double> values;
  for (int i = 0; i <= times; ++i) values.push_back(start + increment * i);
  return values;
}

std::vector<double> Concat(std::vector<double> a, const std::vector<double>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The samples of a range selector evaluated at `end_ms`: (end − range, end].
std::vector<FPoint> Window(const std::vector<FPoint>& points, int64_t end_ms, int64_t range_ms) {
  std::vector<FPoint> out;
  for (const FPoint& p : points) {
    if (p.t > end_ms - range_ms && p.t <= end_ms) out.push_back(p);
  }
  return out;
}

std::optional<double> Rate(const std::vector<FPoint>& series, int64_t at, int64_t range) {
  return ExtrapolatedRate(Window(series, at, range), at - range, at, true, true);
}
std::optional<double> Increase(const std::vector<FPoint>& series, int64_t at, int64_t range) {
  return ExtrapolatedRate(Window(series, at, range), at - range, at, true, false);
}
std::optional<double> Delta(const std::vector<FPoint>& series, int64_t at, int64_t range) {
  return ExtrapolatedRate(Window(series, at, range), at - range, at, false, false);
}

double Mean(const std::vector<double>& values) {
  MeanAccumulator mean;
  for (double v : values) mean.Add(v);
  return mean.Value();
}

double Variance(const std::vector<double>& values) {
  VarianceAccumulator variance;
  for (double v : values) variance.Add(v);
  return variance.Variance();
}

// Relative comparison, for results the scripts give to fewer digits than a double holds.
#define EXPECT_REL_NEAR(actual, expected, rel) \
  EXPECT_NEAR((actual), (expected), std::fabs(expected) * (rel))

// --- compensated sums --------------------------------------------------------------------------

TEST(PromqlKernelsKahanSum, RecoversTermsLostNextToHugeOnes) {
  // functions.test, "Test if very big intermediate values cause loss of detail": 1 1e100 1 -1e100.
  KahanSum sum;
  EXPECT_EQ(sum.Value(), 0);
  for (double v : {1.0, 1e100, 1.0, -1e100}) sum.Add(v);
  EXPECT_EQ(sum.Value(), 2);
  // A plain sum loses both ones.
  EXPECT_EQ(1.0 + 1e100 + 1.0 - 1e100, 0);
}

TEST(PromqlKernelsKahanSum, InfinityIsNotSpoiledByTheCompensation) {
  KahanSum sum;
  sum.Add(1);
  sum.Add(1e-20);  // leaves a non-zero compensation
  sum.Add(kInf);
  EXPECT_EQ(sum.Value(), kInf);
  sum.Add(5);
  EXPECT_EQ(sum.Value(), kInf);

  KahanSum overflow;
  overflow.Add(1.7e308);
  overflow.Add(1.7e308);
  EXPECT_EQ(overflow.Value(), kInf);

  KahanSum negative;
  negative.Add(-1e-30);
  negative.Add(-kInf);
  EXPECT_EQ(negative.Value(), -kInf);

  // Opposite infinities are NaN, as sum() of Inf and -Inf (aggregators.test, inf_inf).
  KahanSum both;
  both.Add(kInf);
  both.Add(-kInf);
  EXPECT_TRUE(std::isnan(both.Value()));

  KahanSum nan;
  nan.Add(2);
  nan.Add(kNaN);
  EXPECT_TRUE(std::isnan(nan.Value()));
}

TEST(PromqlKernelsKahanSum, SumOverTime) {
  EXPECT_EQ(SumOverTime(Load(10 * kSecond, {1, 1e100, 1, -1e100})), 2);
  // functions.test, dense samples: 1+0x4000 at 1 ms, [1000ms] at 4 s holds 1000 ones.
  std::vector<FPoint> dense = Load(1, std::vector<double>(4001, 1.0));
  EXPECT_EQ(SumOverTime(Window(dense, 4000, 1000)), 1000);
  EXPECT_EQ(SumOverTime(Window(dense, 4000, 1003)), 1003);
}

// --- avg ---------------------------------------------------------------------------------------

TEST(PromqlKernelsMean, PlainValues) {
  EXPECT_TRUE(std::isnan(Mean({})));
  MeanAccumulator mean;
  EXPECT_EQ(mean.count(), 0u);
  mean.Add(5);
  EXPECT_EQ(mean.count(), 1u);
  EXPECT_EQ(mean.Value(), 5);
  // functions.test, avg_over_time(metric[1m]) of 1 2 3 4 5; aggregators.test avg(data{test="ten"})
  // of 2 8 1e100 -1e100.
  EXPECT_EQ(Mean({1, 2, 3, 4, 5}), 3);
  EXPECT_EQ(Mean({2, 8, 1e100, -1e100}), 2.5);
  EXPECT_EQ(AvgOverTime(Load(10 * kSecond, {1, 1e100, 1, -1e100})), 0.5);
}

TEST(PromqlKernelsMean, InfinitiesAndNaN) {
  // functions.test, avg_over_time of metric2 … metric7 and metric11.
  EXPECT_EQ(Mean({1, 2, 3, 4, kInf}), kInf);
  EXPECT_EQ(Mean({1, 2, 3, 4, -kInf}), -kInf);
  EXPECT_TRUE(std::isnan(Mean({1, 2, 3, kInf, -kInf})));
  EXPECT_EQ(Mean({kInf, 0, kInf}), kInf);
  EXPECT_TRUE(std::isnan(Mean({kInf, kInf, kInf, -kInf})));
  EXPECT_EQ(Mean({1, 2, 3, -kInf, -kInf}), -kInf);
  EXPECT_EQ(Mean({-kInf, 0, -kInf}), -kInf);
  EXPECT_TRUE(std::isnan(Mean({-kInf, -kInf, -kInf, kInf})));
  EXPECT_TRUE(std::isnan(Mean({1, 2, -kInf, -kInf, kInf})));
  EXPECT_EQ(Mean({1, 2, 3}), 2);
  EXPECT_TRUE(std::isnan(Mean({1, 2, 3, kNaN})));
  EXPECT_TRUE(std::isnan(Mean({kNaN, 1})));
  // aggregators.test: pos_inf / neg_inf groups, both orders.
  EXPECT_EQ(Mean({kInf, 2}), kInf);
  EXPECT_EQ(Mean({2, kInf}), kInf);
  EXPECT_EQ(Mean({-kInf, 2}), -kInf);
  EXPECT_TRUE(std::isnan(Mean({kInf, -kInf})));
}

TEST(PromqlKernelsMean, SwitchesToIncrementalMeanOnOverflow) {
  // functions.test metric8/9/10, aggregators.test big/-big/bigzero: the sum overflows, the mean
  // does not.
  const double big = 9.988465674311579e+307;
  EXPECT_REL_NEAR(Mean({big, big}), big, 1e-15);
  EXPECT_REL_NEAR(Mean({-big, -big, -big}), -big, 1e-15);
  EXPECT_REL_NEAR(Mean({big, big, big, big}), big, 1e-15);
  EXPECT_EQ(Mean({-big, big}), 0);
  EXPECT_EQ(Mean({-big, -big, big, big}), 0);
  // After the switch, infinities and NaN still propagate.
  EXPECT_EQ(Mean({big, big, kInf}), kInf);
  EXPECT_TRUE(std::isnan(Mean({big, big, kNaN})));
}

TEST(PromqlKernelsMean, DirectMeanIsExactForEqualValues) {
  // functions.test "avg_over_time(foo[100s]) == 52" … [130s] and aggregators.test
  // "avg(topk(8, foo)) == 52" …: exact equality, no tolerance.
  for (int n : {8, 9, 10, 11, 12, 13}) {
    EXPECT_EQ(Mean(std::vector<double>(n, 52)), 52) << n;
  }
}

TEST(PromqlKernelsMean, ExtremeMagnitudes) {
  // functions.test, "More tests for extreme values" (metric1 … metric10 of the 5 s load).
  // Exactly: sum / n + compensation / n; (sum + compensation) / n is one ulp higher.
  EXPECT_EQ(Mean({1e10, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6}), 1.6666666666666675e+09);
  EXPECT_REL_NEAR(Mean({5.30921651659898, 0.961118537914768, 1.62091361305318, 0.865089463758091,
                        0.323055185914577, 0.951811357687154}),
                  1.67186744582113, 1e-13);
  EXPECT_REL_NEAR(Mean({1.78264e50, 0.76342771, 1.9592258, 7.69805412, 458.90154}), 3.56528E+49,
                  1e-13);
  EXPECT_REL_NEAR(Mean({0.76342771, 1.9592258, 7.69805412, 1.78264e50, 458.90154}), 3.56528E+49,
                  1e-13);
  EXPECT_REL_NEAR(Mean({1.78264E+50, 0.76342771, 1.9592258, 2.258E+220, 7.69805412, 458.90154}),
                  3.76333333333333E+219, 1e-13);
  EXPECT_REL_NEAR(Mean({-1.78264E+50, 0.76342771, 1.9592258, -2.258E+220, 7.69805412, -458.90154}),
                  -3.76333333333333E+219, 1e-13);
  EXPECT_REL_NEAR(Mean({-1.78264E+215, 0.76342771, 1.9592258, 2.258E+220, 7.69805412, -458.90154}),
                  3.76330362266667E+219, 1e-13);
  EXPECT_REL_NEAR(Mean({-1.78264E+215, 0.76342771, 1.9592258, 2.258E+220, 7.69805412, 1.78264E+215,
                        -458.90154}),
                  3.225714285714286e+219, 1e-13);
  EXPECT_REL_NEAR(Mean({-1.78264E+219, 0.76342771, 1.9592258, 2.3757689E+217, -2.3757689E+217,
                        2.258E+220, 7.69805412, 1.78264E+219, -458.90154}),
                  2.5088888888888888e+219, 1e-13);
  // metric11: the large values cancel exactly; even compensated summation comes out at 0
  // (the true mean is -44.848083237000004), and so does Prometheus.
  EXPECT_EQ(Mean({-2.258E+220, -1.78264E+219, 0.76342771, 1.9592258, 2.3757689E+217,
                  -2.3757689E+217, 2.258E+220, 7.69805412, 1.78264E+219, -458.90154}),
            0);
}

// --- stddev / stdvar ---------------------------------------------------------------------------

TEST(PromqlKernelsVariance, PopulationVariance) {
  // functions.test: stdvar_over_time of 0 8 8 2 3 is 10.56, stddev 3.249615.
  std::vector<FPoint> metric = Load(10 * kSecond, {0, 8, 8, 2, 3});
  EXPECT_NEAR(StdvarOverTime(metric), 10.56, 1e-12);
  EXPECT_NEAR(StddevOverTime(metric), 3.249615, 1e-6);
  // aggregators.test: the eight http_requests series at 50m are 100, 200, … 800.
  EXPECT_NEAR(Variance({100, 200, 300, 400, 500, 600, 700, 800}), 52500, 1e-9);
  VarianceAccumulator all;
  for (double v : {100, 200, 300, 400, 500, 600, 700, 800}) all.Add(v);
  EXPECT_EQ(all.count(), 8u);
  EXPECT_NEAR(all.Stddev(), 229.12878474779, 1e-9);
  EXPECT_NEAR(Variance({100, 300, 500, 700}), 50000, 1e-9);
  // aggregators.test, "stddev produces consistent results regardless the order": 1 and 2.
  EXPECT_EQ(Variance({1, 2}), 0.25);
  EXPECT_EQ(Variance({2, 1}), 0.25);
  EXPECT_EQ(Variance({7}), 0);
}

TEST(PromqlKernelsVariance, EqualValuesGiveExactlyZero) {
  // functions.test #4927 and aggregators.test "Float precision test".
  EXPECT_EQ(Variance({1.5990505637277868, 1.5990505637277868, 1.5990505637277868}), 0);
  double v = 0 + 1.33 * 10;
  EXPECT_EQ(Variance({v, v, v}), 0);
}

TEST(PromqlKernelsVariance, NaNAndInfinity) {
  VarianceAccumulator empty;
  EXPECT_TRUE(std::isnan(empty.Variance()));
  EXPECT_TRUE(std::isnan(empty.Stddev()));
  // aggregators.test: any NaN or Inf makes stdvar NaN, even alone.
  EXPECT_TRUE(std::isnan(Variance({1, 2, kNaN})));
  EXPECT_TRUE(std::isnan(Variance({kNaN, 1, 2})));
  EXPECT_TRUE(std::isnan(Variance({kNaN})));
  EXPECT_TRUE(std::isnan(Variance({1, 2, kInf})));
  EXPECT_TRUE(std::isnan(Variance({kInf, 1, 2})));
  EXPECT_TRUE(std::isnan(Variance({kInf})));
  EXPECT_TRUE(std::isnan(Variance({-kInf})));
}

// --- rate, increase, delta ---------------------------------------------------------------------

TEST(PromqlKernelsRate, IncreaseExtrapolatesToTheWindow) {
  // functions.test, "Tests for increase()".
  auto foo = Load(5 * kMinute, Seq(0, 10, 10));
  auto bar = Load(5 * kMinute, Concat(Seq(0, 18, 5), Seq(0, 18, 5)));
  auto dings = Load(5 * kMinute, Seq(10, 10, 10));
  auto bumms = Load(5 * kMinute, Seq(1, 10, 10));
  const int64_t at = 50 * kMinute;
  EXPECT_DOUBLE_EQ(*Increase(foo, at, 50 * kMinute), 100);
  EXPECT_DOUBLE_EQ(*Increase(bar, at, 50 * kMinute), 160);
  EXPECT_DOUBLE_EQ(*Increase(dings, at, 50 * kMinute), 100);
  EXPECT_DOUBLE_EQ(*Increase(bumms, at, 50 * kMinute), 100);
  // [100m]: foo and bar start at 0 (no extrapolation before them), dings by half an interval
  // (2m30s), bumms only by the 30 s it takes to reach zero.
  EXPECT_DOUBLE_EQ(*Increase(foo, at, 100 * kMinute), 100);
  EXPECT_DOUBLE_EQ(*Increase(bar, at, 100 * kMinute), 162);
  EXPECT_DOUBLE_EQ(*Increase(dings, at, 100 * kMinute), 105);
  EXPECT_DOUBLE_EQ(*Increase(bumms, at, 100 * kMinute), 101);
}

TEST(PromqlKernelsRate, CounterResets) {
  // functions.test: 0 1 2 3 2 3 4 is read as 0 1 2 3 (0 1) 2 3 4; increase[30m] at 30m is 7.
  auto reset = Load(5 * kMinute, {0, 1, 2, 3, 2, 3, 4});
  EXPECT_DOUBLE_EQ(*Increase(reset, 30 * kMinute, 30 * kMinute), 7);
  // testcounter_reset_middle_total 0+27x4 0+27x5: rate[50m] at 50m is 0.08.
  auto middle = Load(5 * kMinute, Concat(Seq(0, 27, 4), Seq(0, 27, 5)));
  EXPECT_DOUBLE_EQ(*Rate(middle, 50 * kMinute, 50 * kMinute), 0.08);
  // testcounter_reset_end_total 0+10x9 0 10: one sample in [5m]; in [6m] 90 then 0 is a reset
  // from 90 and no increase.
  auto end = Load(5 * kMinute, Concat(Seq(0, 10, 9), {0, 10}));
  EXPECT_FALSE(Rate(end, 50 * kMinute, 5 * kMinute).has_value());
  EXPECT_EQ(*Rate(end, 50 * kMinute, 6 * kMinute), 0);
  // delta() knows no resets: 10 0 10 in (0, 15m] is a difference of 0.
  auto gauge = Load(5 * kMinute, {5, 10, 0, 10});
  EXPECT_EQ(*Delta(gauge, 15 * kMinute, 15 * kMinute), 0);
  EXPECT_DOUBLE_EQ(*Increase(gauge, 15 * kMinute, 15 * kMinute), 15);
}

TEST(PromqlKernelsRate, PerSecond) {
  // functions.test: calculate_rate_window_total 0+80x10, rate[50m] at 50m.
  auto window = Load(5 * kMinute, Seq(0, 80, 10));
  EXPECT_DOUBLE_EQ(*Rate(window, 50 * kMinute, 50 * kMinute), 0.26666666666666666);
  // rate(calculate_rate_offset_total[10m] offset 5m) at 50m: the window is (35m, 45m].
  auto a = Load(5 * kMinute, Seq(0, 10, 10));
  auto b = Load(5 * kMinute, Seq(0, 20, 10));
  EXPECT_DOUBLE_EQ(*Rate(a, 45 * kMinute, 10 * kMinute), 0.03333333333333333);
  EXPECT_DOUBLE_EQ(*Rate(b, 45 * kMinute, 10 * kMinute), 0.06666666666666667);
}

TEST(PromqlKernelsRate, ZeroCutoffAndHalfIntervalExtrapolation) {
  // functions.test, testcounter_zero_cutoff_total{start="Nm"} N·60+240x10 at a 4m step.
  const double at_10m[] = {0.5, 0.55, 0.6, 0.6, 0.6, 0.6};
  for (int start = 0; start <= 5; ++start) {
    auto series = Load(4 * kMinute, Seq(start * 60, 240, 10));
    EXPECT_DOUBLE_EQ(*Rate(series, 10 * kMinute, 20 * kMinute), at_10m[start]) << start;
    EXPECT_DOUBLE_EQ(*Rate(series, 50 * kMinute, 20 * kMinute), 0.6) << start;
  }
}

TEST(PromqlKernelsRate, Delta) {
  // functions.test, "Tests for delta()".
  auto foo = Load(5 * kMinute, {0, 50, 100, 150, 200});
  auto bar = Load(5 * kMinute, {200, 150, 100, 50, 0});
  EXPECT_DOUBLE_EQ(*Delta(foo, 20 * kMinute, 20 * kMinute), 200);
  EXPECT_DOUBLE_EQ(*Delta(bar, 20 * kMinute, 20 * kMinute), -200);
  // 1 and 11 at 10 s and 20 s in (0 s, 30 s]: both gaps (10 s) are under the threshold (11 s)
  // and extrapolated in full, 10 × 30/10 = 30; as a counter, the start is cut where the line
  // reaches zero, 1 s before the first sample: 10 × 21/10 = 21.
  std::vector<FPoint> points = {{10 * kSecond, 1}, {20 * kSecond, 11}};
  EXPECT_DOUBLE_EQ(*ExtrapolatedRate(points, 0, 30 * kSecond, false, false), 30);
  EXPECT_DOUBLE_EQ(*ExtrapolatedRate(points, 0, 30 * kSecond, true, false), 21);
}

TEST(PromqlKernelsRate, HandWorkedExtrapolation) {
  // Samples 10 and 40 at 100 s and 200 s of the window (0 s, 400 s]: average interval 100 s,
  // threshold 110 s. Start gap 100 s is kept, end gap 200 s becomes 50 s.
  std::vector<FPoint> points = {{100 * kSecond, 10}, {200 * kSecond, 40}};
  // Gauge: 30 × (100 + 100 + 50) / 100 = 75.
  EXPECT_DOUBLE_EQ(*ExtrapolatedRate(points, 0, 400 * kSecond, false, false), 75);
  // Counter: zero is reached 100 × 10/30 = 33.3 s before the first sample:
  // 30 × (100 + 33.33 + 50) / 100 = 55; per second over 400 s: 0.1375.
  EXPECT_DOUBLE_EQ(*ExtrapolatedRate(points, 0, 400 * kSecond, true, false), 55);
  EXPECT_DOUBLE_EQ(*ExtrapolatedRate(points, 0, 400 * kSecond, true, true), 0.1375);
  // A negative first value: no cutoff for counters either.
  std::vector<FPoint> below = {{100 * kSecond, -10}, {200 * kSecond, 20}};
  EXPECT_DOUBLE_EQ(*ExtrapolatedRate(below, 0, 400 * kSecond, true, false), 75);
}

TEST(PromqlKernelsRate, FewerThanTwoSamples) {
  std::vector<FPoint> none;
  std::vector<FPoint> one = {{kSecond, 3}};
  EXPECT_FALSE(ExtrapolatedRate(none, 0, 10 * kSecond, true, true).has_value());
  EXPECT_FALSE(ExtrapolatedRate(one, 0, 10 * kSecond, true, false).has_value());
  EXPECT_FALSE(ExtrapolatedRate(one, 0, 10 * kSecond, false, false).has_value());
}

TEST(PromqlKernelsRate, NaNPropagates) {
  // Only the first and last values and the decreases count: a NaN in between is no decrease and
  // goes unseen. 1 … 5 over 2 s, extrapolated 0.5 s back to zero: 4 × 2.5/2 = 5 in 3 s.
  std::vector<FPoint> points = {{kSecond, 1}, {2 * kSecond, kNaN}, {3 * kSecond, 5}};
  EXPECT_DOUBLE_EQ(*ExtrapolatedRate(points, 0, 3 * kSecond, true, true), 5.0 / 3);
  std::vector<FPoint> first_nan = {{kSecond, kNaN}, {2 * kSecond, 5}};
  EXPECT_TRUE(std::isnan(*ExtrapolatedRate(first_nan, 0, 2 * kSecond, true, true)));
  std::vector<FPoint> last_nan = {{kSecond, 1}, {2 * kSecond, kNaN}};
  EXPECT_TRUE(std::isnan(*ExtrapolatedRate(last_nan, 0, 2 * kSecond, false, false)));
}

// --- irate, idelta -----------------------------------------------------------------------------

TEST(PromqlKernelsInstantRate, IrateAndIdelta) {
  // functions.test, "Tests for irate()".
  auto foo = Load(5 * kMinute, Seq(0, 10, 10));
  auto bar = Load(5 * kMinute, Concat(Seq(0, 10, 5), Seq(0, 10, 5)));
  EXPECT_DOUBLE_EQ(*InstantRate(Window(foo, 50 * kMinute, 50 * kMinute), true),
                   0.03333333333333333);
  EXPECT_DOUBLE_EQ(*InstantRate(Window(bar, 50 * kMinute, 50 * kMinute), true),
                   0.03333333333333333);
  // At 30m bar went 50 → 0: a reset, the increase is the new value 0.
  EXPECT_EQ(*InstantRate(Window(bar, 30 * kMinute, 50 * kMinute), true), 0);
  // "Tests for idelta()": no reset handling.
  EXPECT_EQ(*InstantRate(Load(5 * kMinute, {0, 50, 100, 150}), false), 50);
  EXPECT_EQ(*InstantRate(Load(5 * kMinute, {0, 50, 100, 50}), false), -50);
  // A reset to a non-zero value: irate counts the new value over the interval.
  EXPECT_DOUBLE_EQ(*InstantRate(Load(10 * kSecond, {100, 30}), true), 3);
}

TEST(PromqlKernelsInstantRate, NaN) {
  // functions.test, http_requests_nan 1 NaN NaN 5 11 over [15m1s]: NaN NaN NaN, then 0.02
  // (irate) and 6 (idelta).
  auto nan = Load(5 * kMinute, {1, kNaN, kNaN, 5, 11});
  const int64_t range = 15 * kMinute + kSecond;
  for (int64_t at : {5 * kMinute, 10 * kMinute, 15 * kMinute}) {
    EXPECT_TRUE(std::isnan(*InstantRate(Window(nan, at, range), true))) << at;
    EXPECT_TRUE(std::isnan(*InstantRate(Window(nan, at, range), false))) << at;
  }
  EXPECT_DOUBLE_EQ(*InstantRate(Window(nan, 20 * kMinute, range), true), 0.02);
  EXPECT_EQ(*InstantRate(Window(nan, 20 * kMinute, range), false), 6);
  EXPECT_FALSE(InstantRate(Window(nan, 0, range), true).has_value());
  EXPECT_FALSE(InstantRate({}, false).has_value());
}

// --- changes, resets ---------------------------------------------------------------------------

TEST(PromqlKernelsChanges, ChangesAndResets) {
  // functions.test, "Testdata for resets() and changes()", [50m] at 50m.
  auto foo = Load(5 * kMinute, {1, 2, 3, 0, 1, 0, 0, 1, 2, 0});
  auto bar = Load(5 * kMinute, {1, 2, 3, 4, 5, 1, 2, 3, 4, 5});
  auto biz = Load(5 * kMinute, {0, 0, 0, 0, 0, 1, 1, 1, 1, 1});
  const int64_t at = 50 * kMinute;
  EXPECT_EQ(Changes(Window(foo, at, 50 * kMinute)), 7);
  EXPECT_EQ(Changes(Window(bar, at, 50 * kMinute)), 8);
  EXPECT_EQ(Changes(Window(biz, at, 50 * kMinute)), 1);
  EXPECT_EQ(Changes(Window(foo, at, 20 * kMinute)), 2);
  EXPECT_EQ(Changes(Window(bar, at, 30 * kMinute)), 4);
  EXPECT_EQ(Resets(Window(foo, at, 50 * kMinute)), 3);
  EXPECT_EQ(Resets(Window(bar, at, 50 * kMinute)), 1);
  EXPECT_EQ(Resets(Window(biz, at, 50 * kMinute)), 0);
  EXPECT_EQ(Resets(Window(foo, at, 20 * kMinute)), 1);
  EXPECT_EQ(Resets(Window(foo, at, 32 * kMinute)), 2);
  EXPECT_EQ(Resets(Window(bar, at, 32 * kMinute)), 1);
  // Fewer than two samples.
  EXPECT_EQ(Changes(Window(foo, at, 6 * kMinute)), 0);
  EXPECT_EQ(Resets(Window(foo, at, 5 * kMinute)), 0);
  EXPECT_EQ(Changes({}), 0);
}

TEST(PromqlKernelsChanges, NaNToNaNIsNoChange) {
  // functions.test: x{a="b"} NaN NaN NaN → 0, x{a="c"} 0 NaN 0 → 2.
  EXPECT_EQ(Changes(Load(5 * kMinute, {kNaN, kNaN, kNaN})), 0);
  EXPECT_EQ(Changes(Load(5 * kMinute, {0, kNaN, 0})), 2);
  EXPECT_EQ(Resets(Load(5 * kMinute, {3, kNaN, 1})), 0);
}

// --- deriv, predict_linear ---------------------------------------------------------------------

TEST(PromqlKernelsRegression, Deriv) {
  // functions.test, "Tests for deriv() and predict_linear()".
  auto total = Load(5 * kMinute, Seq(0, 80, 10));
  EXPECT_DOUBLE_EQ(*Deriv(Window(total, 50 * kMinute, 50 * kMinute)), 0.26666666666666666);
  auto middle = Load(5 * kMinute, Concat(Seq(0, 10, 4), Seq(0, 10, 5)));
  EXPECT_DOUBLE_EQ(*Deriv(Window(middle, 50 * kMinute, 100 * kMinute)), 0.010606060606060607);
  // http_requests_inf -Inf 0+80x10 Inf → NaN.
  auto inf = Load(5 * kMinute, Concat(Concat({-kInf}, Seq(0, 80, 10)), {kInf}));
  EXPECT_TRUE(std::isnan(*Deriv(Window(inf, 100 * kMinute, 100 * kMinute))));
  EXPECT_FALSE(Deriv(Load(kSecond, {1})).has_value());
}

TEST(PromqlKernelsRegression, PredictLinear) {
  // functions.test: predict_linear(testcounter_reset_middle_total[50m], 3600) at 50m is 70; over
  // all 11 samples ([55m] @ 3000) the line is 6.8181… + 0.010606…·t, evaluated at the query's
  // time + 3600 s: 76.818… at 50m, 51.363… at 10m, 89.545… at 70m.
  auto middle = Load(5 * kMinute, Concat(Seq(0, 10, 4), Seq(0, 10, 5)));
  EXPECT_NEAR(*PredictLinear(Window(middle, 50 * kMinute, 50 * kMinute), 50 * kMinute, 3600), 70,
              1e-9);
  auto all = Window(middle, 3000 * kSecond, 55 * kMinute);
  ASSERT_EQ(all.size(), 11u);
  EXPECT_NEAR(*PredictLinear(all, 50 * kMinute, 3600), 76.81818181818181, 1e-9);
  EXPECT_NEAR(*PredictLinear(all, 10 * kMinute, 3600), 51.36363636363637, 1e-9);
  EXPECT_NEAR(*PredictLinear(all, 70 * kMinute, 3600), 89.54545454545455, 1e-9);
  // A sample exactly at eval time on the line: predict_linear = value + deriv × duration.
  auto total = Window(Load(5 * kMinute, Seq(0, 80, 10)), 50 * kMinute, 50 * kMinute);
  EXPECT_NEAR(*PredictLinear(total, 50 * kMinute, 3600), 800 + 0.26666666666666666 * 3600, 1e-9);
  auto inf = Load(5 * kMinute, Concat(Concat({-kInf}, Seq(0, 80, 10)), {kInf}));
  EXPECT_TRUE(std::isnan(*PredictLinear(inf, 100 * kMinute, 6000)));
  EXPECT_FALSE(PredictLinear({}, 0, 60).has_value());
}

TEST(PromqlKernelsRegression, ConstantValuesHaveSlopeZero) {
  // 0.1 three times: rounding in the sums must not give a tiny slope or 0/0.
  auto flat = Load(7 * kSecond, {0.1, 0.1, 0.1});
  EXPECT_EQ(*Deriv(flat), 0);
  EXPECT_EQ(*PredictLinear(flat, 100 * kSecond, 1000), 0.1);
  // Constant infinities are NaN, as every infinite input.
  EXPECT_TRUE(std::isnan(*Deriv(Load(kSecond, {kInf, kInf}))));
  EXPECT_TRUE(std::isnan(*PredictLinear(Load(kSecond, {-kInf, -kInf}), 0, 1)));
  EXPECT_TRUE(std::isnan(*Deriv(Load(kSecond, {kNaN, kNaN}))));
}

TEST(PromqlKernelsRegression, HandWorked) {
  // (0 s, 1), (10 s, 2), (20 s, 6): mean x 10, mean y 3, Σ(x−x̄)(y−ȳ) = 50, Σ(x−x̄)² = 200:
  // slope 0.25, line 0.5 + 0.25·x; 30 s after t = 20 s: 0.5 + 0.25 × 50 = 13.
  auto points = Load(10 * kSecond, {1, 2, 6});
  EXPECT_DOUBLE_EQ(*Deriv(points), 0.25);
  EXPECT_DOUBLE_EQ(*PredictLinear(points, 20 * kSecond, 30), 13);
  // Times far from zero (x relative to the first sample for deriv).
  std::vector<FPoint> late = {
      {1'700'000'000'000, 1}, {1'700'000'010'000, 2}, {1'700'000'020'000, 6}};
  EXPECT_DOUBLE_EQ(*Deriv(late), 0.25);
}

// --- double_exponential_smoothing --------------------------------------------------------------

TEST(PromqlKernelsSmoothing, DoubleExponentialSmoothing) {
  // Hand-worked, sf = tf = 0.5 over 1 3 2: level 1, trend 2; then level 0.5·3 + 0.5·(1+2) = 3,
  // trend 0.5·(3−1) + 0.5·2 = 2; then level 0.5·2 + 0.5·(3+2) = 3.5.
  EXPECT_DOUBLE_EQ(*DoubleExponentialSmoothing(Load(kSecond, {1, 3, 2}), 0.5, 0.5), 3.5);
  // functions.test: on a straight line the smoothed value is the last value (0+10x1000 at 10 s,
  // [1m] at 8000 s → 8000; 8000-10x1000 → 0; 0-20x1000 → -16000).
  auto up = Load(10 * kSecond, Seq(0, 10, 1000));
  EXPECT_NEAR(*DoubleExponentialSmoothing(Window(up, 8000 * kSecond, kMinute), 0.01, 0.1), 8000,
              1e-9);
  auto down = Load(10 * kSecond, Seq(8000, -10, 1000));
  EXPECT_NEAR(*DoubleExponentialSmoothing(Window(down, 8000 * kSecond, kMinute), 0.01, 0.1), 0,
              1e-9);
  auto steep = Load(10 * kSecond, Seq(0, -20, 1000));
  EXPECT_NEAR(*DoubleExponentialSmoothing(Window(steep, 8000 * kSecond, kMinute), 0.01, 0.1),
              -16000, 1e-9);
  // Two samples: level 0.3·5 + 0.7·(1 + 4) = 5.
  EXPECT_DOUBLE_EQ(*DoubleExponentialSmoothing(Load(kSecond, {1, 5}), 0.3, 0.9), 5);
  EXPECT_FALSE(DoubleExponentialSmoothing(Load(kSecond, {1}), 0.5, 0.5).has_value());
}

// --- *_over_time -------------------------------------------------------------------------------

TEST(PromqlKernelsOverTime, MinAndMaxSkipNaN) {
  // functions.test, "Tests for *_over_time": min_over_time / max_over_time of data{type=…}.
  EXPECT_EQ(MinOverTime(Load(10 * kSecond, {2, 0, 3})), 0);
  EXPECT_EQ(MaxOverTime(Load(10 * kSecond, {2, 0, 3})), 3);
  EXPECT_EQ(MinOverTime(Load(10 * kSecond, {2, 0, kNaN})), 0);
  EXPECT_EQ(MaxOverTime(Load(10 * kSecond, {2, 0, kNaN})), 2);
  EXPECT_EQ(MinOverTime(Load(10 * kSecond, {2, kNaN, 1})), 1);
  EXPECT_EQ(MaxOverTime(Load(10 * kSecond, {2, kNaN, 1})), 2);
  EXPECT_EQ(MinOverTime(Load(10 * kSecond, {kNaN, 0, 1})), 0);
  EXPECT_EQ(MaxOverTime(Load(10 * kSecond, {kNaN, 0, 1})), 1);
  EXPECT_TRUE(std::isnan(MinOverTime(Load(10 * kSecond, {kNaN, kNaN, kNaN}))));
  EXPECT_TRUE(std::isnan(MaxOverTime(Load(10 * kSecond, {kNaN, kNaN, kNaN}))));
  EXPECT_EQ(MinOverTime(Load(10 * kSecond, {5})), 5);
  EXPECT_EQ(MinOverTime(Load(10 * kSecond, {-kInf, 1})), -kInf);
  EXPECT_EQ(MaxOverTime(Load(10 * kSecond, {1, kInf, kNaN})), kInf);
}

TEST(PromqlKernelsOverTime, TimestampOfMinAndMax) {
  // functions.test: load 10s53ms, metric 1 2 3 0 5 6 2 1 4, [90s] at 90s → 30.159 and 50.265.
  auto metric = Load(10 * kSecond + 53, {1, 2, 3, 0, 5, 6, 2, 1, 4});
  auto window = Window(metric, 90 * kSecond, 90 * kSecond);
  EXPECT_DOUBLE_EQ(TimestampOfMinOverTime(window), 30.159);
  EXPECT_DOUBLE_EQ(TimestampOfMaxOverTime(window), 50.265);
  // Ties: the last sample holding the value. NaN skipped unless all NaN (then the last).
  auto ties = Load(kSecond, {1, 3, 1, 3, kNaN});
  EXPECT_EQ(TimestampOfMinOverTime(ties), 2);
  EXPECT_EQ(TimestampOfMaxOverTime(ties), 3);
  EXPECT_EQ(TimestampOfMinOverTime(Load(kSecond, {kNaN, 4, kNaN})), 1);
  EXPECT_EQ(TimestampOfMaxOverTime(Load(kSecond, {kNaN, kNaN})), 1);
  // Negative times stay exact.
  std::vector<FPoint> before_1970 = {{-1500, 2}, {-500, 1}};
  EXPECT_EQ(TimestampOfMinOverTime(before_1970), -0.5);
  EXPECT_EQ(TimestampOfMaxOverTime(before_1970), -1.5);
}

TEST(PromqlKernelsOverTime, QuantileOverTime) {
  // functions.test, "Tests for quantile_over_time": two samples 0 1, three 0 1 2, uneven 0 1 4.
  auto two = Load(10 * kSecond, {0, 1});
  auto three = Load(10 * kSecond, {0, 1, 2});
  auto uneven = Load(10 * kSecond, {0, 1, 4});
  struct Case {
    double q, two, three, uneven;
  };
  for (const Case& c : {Case{0, 0, 0, 0}, Case{0.5, 0.5, 1, 1}, Case{0.75, 0.75, 1.5, 2.5},
                        Case{0.8, 0.8, 1.6, 2.8}, Case{1, 1, 2, 4}, Case{-1, -kInf, -kInf, -kInf},
                        Case{2, kInf, kInf, kInf}}) {
    EXPECT_DOUBLE_EQ(QuantileOverTime(c.q, two), c.two) << c.q;
    EXPECT_DOUBLE_EQ(QuantileOverTime(c.q, three), c.three) << c.q;
    EXPECT_DOUBLE_EQ(QuantileOverTime(c.q, uneven), c.uneven) << c.q;
  }
  EXPECT_TRUE(std::isnan(QuantileOverTime(kNaN, three)));
  EXPECT_EQ(QuantileOverTime(0.3, Load(kSecond, {7})), 7);
}

TEST(PromqlKernelsOverTime, MadOverTime) {
  // functions.test, "Tests for mad_over_time".
  auto metric = Load(10 * kSecond, {4, 6, 2, 1, 999, 1, 2});
  EXPECT_EQ(MadOverTime(Window(metric, 70 * kSecond, 70 * kSecond)), 1);
  auto odd = Load(10 * kSecond, {1, 2, 3, 4, 5});
  EXPECT_EQ(MadOverTime(Window(odd, 40 * kSecond, 50 * kSecond)), 1);
  EXPECT_EQ(MadOverTime(Load(10 * kSecond, {7, 7, 7, 7, 7})), 0);
  EXPECT_EQ(MadOverTime(Load(10 * kSecond, {5})), 0);
  // "A NaN sample makes the result NaN rather than being silently dropped."
  auto nan = Load(10 * kSecond, {1, 2, kNaN, 4});
  EXPECT_TRUE(std::isnan(MadOverTime(Window(nan, 30 * kSecond, 40 * kSecond))));
  // Hand-worked: 1 2 10 20 → median 6, deviations 5 4 4 14 → median 4.5.
  EXPECT_EQ(MadOverTime(Load(kSecond, {1, 2, 10, 20})), 4.5);
}

TEST(PromqlKernelsOverTime, AvgOverTimeAndStddev) {
  // functions.test, metric11 1 2 3 NaN NaN: avg over [1m] at 20s is 2, NaN from 30s.
  auto metric11 = Load(10 * kSecond, {1, 2, 3, kNaN, kNaN});
  EXPECT_EQ(AvgOverTime(Window(metric11, 20 * kSecond, kMinute)), 2);
  EXPECT_TRUE(std::isnan(AvgOverTime(Window(metric11, 30 * kSecond, kMinute))));
  // "One sample in the range": avg_over_time(metric[20s]) at 55s of 1 2 3 4 5 is 5.
  auto metric = Load(10 * kSecond, {1, 2, 3, 4, 5});
  EXPECT_EQ(AvgOverTime(Window(metric, 55 * kSecond, 20 * kSecond)), 5);
  EXPECT_EQ(StddevOverTime(Load(kSecond, {4})), 0);
}

// --- quantile() --------------------------------------------------------------------------------

TEST(PromqlKernelsQuantile, InterpolatesBetweenClosestRanks) {
  std::vector<double> values = {4, 0, 1};
  EXPECT_DOUBLE_EQ(Quantile(0.8, &values), 2.8);
  values = {2, 0, 1};
  EXPECT_DOUBLE_EQ(Quantile(0.8, &values), 1.6);
  values = {1, 0};
  EXPECT_DOUBLE_EQ(Quantile(0.2, &values), 0.2);
  // Ten values 1..10 shuffled: rank 0.95 × 9 = 8.55 → 9.55.
  values = {7, 3, 10, 1, 9, 2, 8, 5, 4, 6};
  EXPECT_DOUBLE_EQ(Quantile(0.95, &values), 9.55);
  values = {7, 3, 10, 1, 9, 2, 8, 5, 4, 6};
  EXPECT_DOUBLE_EQ(Quantile(0.5, &values), 5.5);
  values = {7, 3, 10, 1, 9, 2, 8, 5, 4, 6};
  EXPECT_DOUBLE_EQ(Quantile(0, &values), 1);
  values = {7, 3, 10, 1, 9, 2, 8, 5, 4, 6};
  EXPECT_DOUBLE_EQ(Quantile(1, &values), 10);
}

TEST(PromqlKernelsQuantile, NaNSortsFirst) {
  // aggregators.test, "Tests for quantile": 0 1 NaN, the NaN taken as the smallest value:
  // q = 0.8 → 0.6; q = 0.2 falls between NaN and 0 → NaN.
  std::vector<double> values = {0, 1, kNaN};
  EXPECT_DOUBLE_EQ(Quantile(0.8, &values), 0.6);
  values = {0, 1, kNaN};
  EXPECT_TRUE(std::isnan(Quantile(0.2, &values)));
  values = {kNaN, 1, kNaN, 0, 3};
  EXPECT_DOUBLE_EQ(Quantile(1, &values), 3);
}

TEST(PromqlKernelsQuantile, OutOfRangeAndEmpty) {
  std::vector<double> values = {1, 2};
  EXPECT_EQ(Quantile(-0.1, &values), -kInf);
  EXPECT_EQ(Quantile(1.01, &values), kInf);
  EXPECT_TRUE(std::isnan(Quantile(kNaN, &values)));
  std::vector<double> empty;
  EXPECT_TRUE(std::isnan(Quantile(0.5, &empty)));
  EXPECT_TRUE(std::isnan(Quantile(-1, &empty)));
}

TEST(PromqlKernelsQuantile, InfiniteValues) {
  std::vector<double> values = {1, kInf, 2};
  EXPECT_EQ(Quantile(0.75, &values), kInf);  // between 2 and +Inf
  values = {-kInf, 1, 2};
  EXPECT_EQ(Quantile(0.25, &values), -kInf);
  // The interpolation is the plain weighted mean, so a zero weight on an infinite neighbour is
  // 0 × Inf = NaN: the median of 1 2 +Inf is 2·1 + Inf·0.
  values = {1, 2, kInf};
  EXPECT_TRUE(std::isnan(Quantile(0.5, &values)));
}

// --- histogram_quantile ------------------------------------------------------------------------

double HistogramQuantile(double q, std::vector<Bucket> buckets) {
  return BucketQuantile(q, &buckets).value;
}

// histograms.test at 50m (counts are ten increments).
const std::vector<Bucket> kPositive = {{0.1, 50}, {0.2, 70}, {1, 110}, {kInf, 120}};
const std::vector<Bucket> kNegative = {{-0.2, 10}, {-0.1, 20}, {0.3, 20}, {kInf, 30}};
const std::vector<Bucket> kPositive3 = {{0, 0}, {0.1, 50}, {0.2, 70}, {1, 110}, {kInf, 110}};
const std::vector<Bucket> kNegative3 = {{-0.25, 0}, {-0.2, 10}, {-0.1, 20}, {0.3, 20}, {kInf, 20}};

TEST(PromqlKernelsBucketQuantile, Testhistogram) {
  // histograms.test, "Quantile value in lowest bucket" … "Finally some useful quantiles".
  EXPECT_DOUBLE_EQ(HistogramQuantile(0, kPositive), 0);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0, kNegative), -0.2);
  EXPECT_DOUBLE_EQ(HistogramQuantile(1, kPositive), 1);
  EXPECT_DOUBLE_EQ(HistogramQuantile(1, kNegative), 0.3);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.2, kPositive), 0.048);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.2, kNegative), -0.2);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.5, kPositive), 0.15);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.5, kNegative), -0.15);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.8, kPositive), 0.72);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.8, kNegative), 0.3);
  EXPECT_EQ(HistogramQuantile(-0.1, kPositive), -kInf);
  EXPECT_EQ(HistogramQuantile(1.01, kNegative), kInf);
  EXPECT_TRUE(std::isnan(HistogramQuantile(kNaN, kPositive)));
}

TEST(PromqlKernelsBucketQuantile, Testhistogram3) {
  // histograms.test, "Test histogram_quantile, native and classic".
  struct Case {
    double q, positive, negative;
  };
  for (const Case& c : {Case{0, 0, -0.25}, Case{0.25, 0.055, -0.225}, Case{0.5, 0.125, -0.2},
                        Case{0.75, 0.45, -0.15}, Case{1, 1, -0.1}}) {
    EXPECT_DOUBLE_EQ(HistogramQuantile(c.q, kPositive3), c.positive) << c.q;
    EXPECT_DOUBLE_EQ(HistogramQuantile(c.q, kNegative3), c.negative) << c.q;
  }
}

TEST(PromqlKernelsBucketQuantile, MiddleOfBuckets) {
  // histograms.test, testhistogram2 at 7m: q(1/6), q(1/2), q(5/6) are 1, 3 and 5.
  std::vector<Bucket> h = {{0, 0}, {2, 1}, {4, 2}, {6, 3}, {kInf, 3}};
  EXPECT_DOUBLE_EQ(HistogramQuantile(1. / 6., h), 1);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.5, h), 3);
  EXPECT_DOUBLE_EQ(HistogramQuantile(5. / 6., h), 5);
}

TEST(PromqlKernelsBucketQuantile, UnsortedAndDuplicateBounds) {
  // histograms.test, mixed_bucket: le 0.1, 0.2, 2e-1, 2.0e-1 (one bound), +Inf with rates 1 1 1
  // 1 4: merged to 0.1:1, 0.2:3, +Inf:4. Given here out of order.
  std::vector<Bucket> mixed = {{kInf, 4}, {0.2, 1}, {0.1, 1}, {0.2, 1}, {0.2, 1}};
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.5, mixed), 0.15);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.75, mixed), 0.2);
  EXPECT_DOUBLE_EQ(HistogramQuantile(1, mixed), 0.2);
  BucketQuantileResult result = BucketQuantile(0.5, &mixed);
  EXPECT_FALSE(result.forced_monotonicity);
  EXPECT_FALSE(result.fixed_precision);
  ASSERT_EQ(mixed.size(), 3u);  // reordered and merged in place
  EXPECT_EQ(mixed[0].upper_bound, 0.1);
  EXPECT_EQ(mixed[1].count, 3);
  // ins2: "+inf" and "+Inf", both 0 → one bucket with no observations.
  EXPECT_TRUE(std::isnan(HistogramQuantile(0.5, {{kInf, 0}, {kInf, 0}})));
}

TEST(PromqlKernelsBucketQuantile, NonMonotonicCounts) {
  // histograms.test, nonmonotonic_bucket at 50m: 0.1:20 1:10 10:50 100:40 1000:90 +Inf:80.
  const std::vector<Bucket> h = {{0.1, 20}, {1, 10}, {10, 50}, {100, 40}, {1000, 90}, {kInf, 80}};
  std::vector<Bucket> copy = h;
  BucketQuantileResult result = BucketQuantile(0.01, &copy);
  EXPECT_DOUBLE_EQ(result.value, 0.0045);
  EXPECT_TRUE(result.forced_monotonicity);
  EXPECT_FALSE(result.fixed_precision);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.5, h), 8.5);
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.99, h), 979.75);
}

TEST(PromqlKernelsBucketQuantile, FloatingPointNoiseIsNotNonMonotonic) {
  // A decrease of 1e-15 (relative 5e-16 < 1e-12): treated as equal, no info annotation.
  std::vector<Bucket> h = {{0.1, 1.0}, {0.2, 1.0 - 1e-15}, {1, 2}, {kInf, 2}};
  BucketQuantileResult result = BucketQuantile(0.5, &h);
  EXPECT_TRUE(result.fixed_precision);
  EXPECT_FALSE(result.forced_monotonicity);
  EXPECT_DOUBLE_EQ(result.value, 0.1);  // rank 1 reached in the first bucket
  EXPECT_EQ(h[1].count, 1.0);
  // q = 0.75: rank 1.5 in (0.2, 1], which holds 1 observation: 0.2 + 0.8 × 0.5.
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.75, {{0.1, 1.0}, {0.2, 1.0 - 1e-15}, {1, 2}, {kInf, 2}}),
                   0.6);
  // An increase by noise is also ignored.
  std::vector<Bucket> up = {{1, 3}, {2, 3 + 1e-13}, {kInf, 6}};
  EXPECT_TRUE(BucketQuantile(0.5, &up).fixed_precision);
  EXPECT_EQ(up[1].count, 3);
}

TEST(PromqlKernelsBucketQuantile, NaNResults) {
  // histograms.test: empty_bucket and const_histogram rates: all zero → NaN.
  EXPECT_TRUE(std::isnan(HistogramQuantile(0.2, {{0.1, 0}, {0.2, 0}, {kInf, 0}})));
  EXPECT_TRUE(std::isnan(HistogramQuantile(1.0, {{0, 0}, {1, 0}, {2, 0}, {kInf, 0}})));
  // No +Inf bucket, a single bucket, no buckets (documented for classic histograms).
  EXPECT_TRUE(std::isnan(HistogramQuantile(0.5, {{0.1, 1}, {0.2, 2}})));
  EXPECT_TRUE(std::isnan(HistogramQuantile(0.5, {{kInf, 10}})));
  EXPECT_TRUE(std::isnan(HistogramQuantile(0.5, {})));
  // A NaN total.
  EXPECT_TRUE(std::isnan(HistogramQuantile(0.5, {{1, 2}, {kInf, kNaN}})));
  // q outside [0, 1] still gives ±Inf without usable buckets; q NaN gives NaN.
  EXPECT_EQ(HistogramQuantile(-1, {{0.1, 1}}), -kInf);
  EXPECT_EQ(HistogramQuantile(2, {}), kInf);
  EXPECT_TRUE(std::isnan(HistogramQuantile(kNaN, {})));
}

TEST(PromqlKernelsBucketQuantile, AggregatedRates) {
  // histograms.test, request_duration_seconds: sum(rate(…[10m])) by (le) at 50m. The four
  // series grow per 5m by 1/3/4, 2/5/6, 3/4/6, 4/7/9 (le 0.1/0.2/+Inf): summed 10/19/25, a rate
  // of that / 300. q = 0.3: rank 7.5/300 in the first bucket: 0.1 × 7.5/10 = 0.075; q = 0.5:
  // rank 12.5 in (0.1, 0.2]: 0.1 + 0.1 × 2.5/9 = 0.12777….
  std::vector<Bucket> h = {{0.1, 10.0 / 300}, {0.2, 19.0 / 300}, {kInf, 25.0 / 300}};
  EXPECT_NEAR(HistogramQuantile(0.3, h), 0.075, 1e-15);
  EXPECT_NEAR(HistogramQuantile(0.5, h), 0.12777777777777778, 1e-15);
}

// --- histogram_fraction ------------------------------------------------------------------------

double HistogramFraction(double lower, double upper, std::vector<Bucket> buckets) {
  return BucketFraction(lower, upper, &buckets);
}

const std::vector<Bucket> kOneTwoThree = {{1, 1}, {2, 3}, {3, 6}, {kInf, 100}};
const std::vector<Bucket> kMinusThreeTwoOne = {{-3, 10}, {-2, 12}, {-1, 15}, {kInf, 100}};

TEST(PromqlKernelsBucketFraction, HistogramsTest) {
  // histograms.test, "Test histogram_fraction" (the classic _bucket forms).
  const std::vector<Bucket> h2 = {{0, 0}, {2, 10}, {4, 20}, {6, 30}, {kInf, 30}};
  EXPECT_DOUBLE_EQ(HistogramFraction(0, 4, h2), 0.6666666666666666);
  EXPECT_DOUBLE_EQ(HistogramFraction(0, 6, h2), 1);
  EXPECT_DOUBLE_EQ(HistogramFraction(0, 3.5, h2), 0.5833333333333334);
  EXPECT_DOUBLE_EQ(HistogramFraction(0, 0.2, kPositive3), 0.6363636363636364);
  EXPECT_DOUBLE_EQ(HistogramFraction(0, 0.2, kNegative3), 0);
  // Lower falls in the first bucket [0, 1]: 1 + 0.5 × 2 = 2 of 100.
  EXPECT_DOUBLE_EQ(HistogramFraction(0, 1.5, kOneTwoThree), 0.02);
  // [-Inf, -3] cannot be interpolated in: nothing of it in [-4, -2]; [-3, -2] adds 2.
  EXPECT_DOUBLE_EQ(HistogramFraction(-4, -2, kMinusThreeTwoOne), 0.02);
  // From -Inf it counts whole: 10 + 2 + 1.5.
  EXPECT_DOUBLE_EQ(HistogramFraction(-kInf, -1.5, kMinusThreeTwoOne), 0.135);
  EXPECT_DOUBLE_EQ(HistogramFraction(-kInf, kInf, kOneTwoThree), 1);
  EXPECT_DOUBLE_EQ(HistogramFraction(-kInf, kInf, kMinusThreeTwoOne), 1);
  // Inside the +Inf bucket: nothing, unless the range reaches +Inf.
  EXPECT_EQ(HistogramFraction(4, 5, kOneTwoThree), 0);
  EXPECT_EQ(HistogramFraction(0, 1, kMinusThreeTwoOne), 0);
  EXPECT_DOUBLE_EQ(HistogramFraction(2, 5, kOneTwoThree), 0.03);
  EXPECT_DOUBLE_EQ(HistogramFraction(400, kInf, kOneTwoThree), 0.94);
  // Empty and reversed ranges.
  EXPECT_EQ(HistogramFraction(2, 2, kOneTwoThree), 0);
  EXPECT_EQ(HistogramFraction(3, 2, kOneTwoThree), 0);
  // A single (+Inf) bucket: [0, +Inf] cannot be interpolated in.
  EXPECT_EQ(HistogramFraction(0, 1, {{kInf, 100}}), 0);
  // All counts zero.
  EXPECT_TRUE(std::isnan(HistogramFraction(0, 5, {{1, 0}, {2, 0}, {3, 0}, {kInf, 0}})));
  // Bounds on bucket boundaries.
  EXPECT_DOUBLE_EQ(HistogramFraction(2, 3.5, kOneTwoThree), 0.03);
  EXPECT_DOUBLE_EQ(HistogramFraction(0.5, 2, kOneTwoThree), 0.025);
  EXPECT_DOUBLE_EQ(HistogramFraction(1, 3, kOneTwoThree), 0.05);
  EXPECT_DOUBLE_EQ(HistogramFraction(0.1, 0.75, {{0.5, 2.5}, {1, 7.5}, {kInf, 100}}), 0.045);
  EXPECT_DOUBLE_EQ(HistogramFraction(-1, 1, {{-2, 5}, {-1, 10}, {0, 15}, {1, 20}, {kInf, 100}}),
                   0.1);
  // NaN bounds.
  EXPECT_TRUE(std::isnan(HistogramFraction(kNaN, 1, {{1, 1}, {kInf, 100}})));
  EXPECT_TRUE(std::isnan(HistogramFraction(0, kNaN, {{1, 1}, {kInf, 100}})));
  // Entirely below or above the buckets.
  const std::vector<Bucket> small = {{1, 1}, {2, 3}, {kInf, 10}};
  EXPECT_EQ(HistogramFraction(-10, -5, small), 0);
  EXPECT_EQ(HistogramFraction(5, 10, small), 0);
}

TEST(PromqlKernelsBucketFraction, NoInfBucketUnsortedAndNonMonotonic) {
  EXPECT_TRUE(std::isnan(HistogramFraction(0, 1, {{1, 1}, {2, 3}})));
  EXPECT_TRUE(std::isnan(HistogramFraction(0, 1, {})));
  // Out of order and a duplicate bound: (0, 1]:2, (1, 2]:2, (2, +Inf]:4 of 8.
  EXPECT_DOUBLE_EQ(HistogramFraction(0, 1.5, {{kInf, 8}, {2, 4}, {1, 1}, {1, 1}}), 0.375);
  // A decreasing count is raised to the previous one: 1:4, 2:4 (was 3), +Inf:8.
  EXPECT_DOUBLE_EQ(HistogramFraction(1, 2, {{1, 4}, {2, 3}, {kInf, 8}}), 0);
  EXPECT_DOUBLE_EQ(HistogramFraction(-kInf, 1, {{1, 4}, {2, 3}, {kInf, 8}}), 0.5);
}

// --- date functions ----------------------------------------------------------------------------

struct DateFields {
  double minute, hour, day_of_week, day_of_month, day_of_year, days_in_month, month, year;
};

DateFields FieldsOf(double seconds) {
  return {
      DateFieldOf(seconds, DateField::kMinute),    DateFieldOf(seconds, DateField::kHour),
      DateFieldOf(seconds, DateField::kDayOfWeek), DateFieldOf(seconds, DateField::kDayOfMonth),
      DateFieldOf(seconds, DateField::kDayOfYear), DateFieldOf(seconds, DateField::kDaysInMonth),
      DateFieldOf(seconds, DateField::kMonth),     DateFieldOf(seconds, DateField::kYear)};
}

TEST(PromqlKernelsDate, FunctionsTest) {
  // functions.test, "Test time-related functions".
  DateFields epoch = FieldsOf(0);
  EXPECT_EQ(epoch.year, 1970);
  EXPECT_EQ(epoch.month, 1);
  EXPECT_EQ(epoch.day_of_month, 1);
  EXPECT_EQ(epoch.day_of_year, 1);
  EXPECT_EQ(epoch.day_of_week, 4);  // Thursday
  EXPECT_EQ(epoch.hour, 0);
  EXPECT_EQ(epoch.minute, 0);
  EXPECT_EQ(epoch.days_in_month, 31);
  DateFields t = FieldsOf(1136239445);  // 2006-01-02 22:04:05, a Monday
  EXPECT_EQ(t.year, 2006);
  EXPECT_EQ(t.month, 1);
  EXPECT_EQ(t.day_of_month, 2);
  EXPECT_EQ(t.day_of_year, 2);
  EXPECT_EQ(t.day_of_week, 1);
  EXPECT_EQ(t.hour, 22);
  EXPECT_EQ(t.minute, 4);
  EXPECT_EQ(DateFieldOf(1230767999, DateField::kYear), 2008);
  EXPECT_EQ(DateFieldOf(1230768000, DateField::kYear), 2009);
  EXPECT_EQ(DateFieldOf(1456790399, DateField::kMonth), 2);
  EXPECT_EQ(DateFieldOf(1456790399, DateField::kDayOfMonth), 29);
  EXPECT_EQ(DateFieldOf(1456790400, DateField::kMonth), 3);
  EXPECT_EQ(DateFieldOf(1456790400, DateField::kDayOfMonth), 1);
  EXPECT_EQ(DateFieldOf(1483191420, DateField::kDayOfYear), 366);
  EXPECT_EQ(DateFieldOf(1672493820, DateField::kDayOfYear), 365);
  EXPECT_EQ(DateFieldOf(1454284800, DateField::kDaysInMonth), 29);
  EXPECT_EQ(DateFieldOf(1485907200, DateField::kDaysInMonth), 28);
}

TEST(PromqlKernelsDate, FractionsAndNegativeTimes) {
  EXPECT_EQ(DateFieldOf(1136239445.999, DateField::kMinute), 4);
  // -1 s is 1969-12-31 23:59:59, a Wednesday; -0.5 s is dropped toward −∞, to -1 s.
  for (double seconds : {-1.0, -0.5}) {
    DateFields f = FieldsOf(seconds);
    EXPECT_EQ(f.year, 1969) << seconds;
    EXPECT_EQ(f.month, 12);
    EXPECT_EQ(f.day_of_month, 31);
    EXPECT_EQ(f.day_of_year, 365);
    EXPECT_EQ(f.day_of_week, 3);
    EXPECT_EQ(f.hour, 23);
    EXPECT_EQ(f.minute, 59);
    EXPECT_EQ(f.days_in_month, 31);
  }
  // 1900-03-01 00:00:00 (1900 is not a leap year): -2203891200.
  DateFields march_1900 = FieldsOf(-2203891200.0);
  EXPECT_EQ(march_1900.year, 1900);
  EXPECT_EQ(march_1900.month, 3);
  EXPECT_EQ(march_1900.day_of_month, 1);
  EXPECT_EQ(march_1900.day_of_year, 60);
  EXPECT_EQ(DateFieldOf(-2203891200.0 - 1, DateField::kDaysInMonth), 28);
}

TEST(PromqlKernelsDate, FarFromTheEpoch) {
  // 400 Gregorian years are exactly 146097 days (20871 weeks): k such periods after 1970-01-01
  // is 1 January of 1970 + 400k, also a Thursday.
  for (int64_t k : {int64_t{1'000'000}, int64_t{-1'000'000}, int64_t{-5}}) {
    double seconds = static_cast<double>(146097 * k * 86400);
    DateFields f = FieldsOf(seconds);
    EXPECT_EQ(f.year, static_cast<double>(1970 + 400 * k)) << k;
    EXPECT_EQ(f.month, 1);
    EXPECT_EQ(f.day_of_month, 1);
    EXPECT_EQ(f.day_of_year, 1);
    EXPECT_EQ(f.day_of_week, 4);
  }
}

TEST(PromqlKernelsDate, NotANumberOrOutOfRange) {
  for (DateField field : {DateField::kMinute, DateField::kYear, DateField::kDayOfWeek}) {
    EXPECT_TRUE(std::isnan(DateFieldOf(kNaN, field)));
    EXPECT_TRUE(std::isnan(DateFieldOf(kInf, field)));
    EXPECT_TRUE(std::isnan(DateFieldOf(-kInf, field)));
    EXPECT_TRUE(std::isnan(DateFieldOf(1e19, field)));
    EXPECT_TRUE(std::isnan(DateFieldOf(-1e19, field)));
  }
  EXPECT_FALSE(std::isnan(DateFieldOf(9.2e18, DateField::kYear)));
  EXPECT_FALSE(std::isnan(DateFieldOf(-9.2e18, DateField::kYear)));
}

TEST(PromqlKernelsDate, AgreesWithStdChrono) {
  // Every field against <chrono>'s civil calendar, over ±3000 years in uneven steps.
  using namespace std::chrono;
  const int64_t step = 10'309'313;  // about 119 days and an odd remainder
  for (int64_t unix_seconds = -95'000'000'000; unix_seconds < 95'000'000'000;
       unix_seconds += step) {
    sys_seconds time{std::chrono::seconds{unix_seconds}};
    sys_days day = floor<days>(time);
    year_month_day ymd{day};
    hh_mm_ss<std::chrono::seconds> clock{time - day};
    double s = static_cast<double>(unix_seconds);
    ASSERT_EQ(DateFieldOf(s, DateField::kYear), static_cast<int>(ymd.year())) << unix_seconds;
    ASSERT_EQ(DateFieldOf(s, DateField::kMonth), static_cast<unsigned>(ymd.month()))
        << unix_seconds;
    ASSERT_EQ(DateFieldOf(s, DateField::kDayOfMonth), static_cast<unsigned>(ymd.day()))
        << unix_seconds;
    ASSERT_EQ(DateFieldOf(s, DateField::kDayOfWeek), weekday{day}.c_encoding()) << unix_seconds;
    ASSERT_EQ(DateFieldOf(s, DateField::kDayOfYear),
              (day - sys_days{ymd.year() / January / 1}).count() + 1)
        << unix_seconds;
    ASSERT_EQ(DateFieldOf(s, DateField::kDaysInMonth),
              static_cast<unsigned>((ymd.year() / ymd.month() / last).day()))
        << unix_seconds;
    ASSERT_EQ(DateFieldOf(s, DateField::kHour), clock.hours().count()) << unix_seconds;
    ASSERT_EQ(DateFieldOf(s, DateField::kMinute), clock.minutes().count()) << unix_seconds;
  }
}

// --- count_values label ------------------------------------------------------------------------

TEST(PromqlKernelsFormat, PlainDecimal) {
  // What Go's strconv.FormatFloat(v, 'f', -1, 64) prints.
  EXPECT_EQ(FormatFloatPlain(0), "0");
  EXPECT_EQ(FormatFloatPlain(-0.0), "-0");
  EXPECT_EQ(FormatFloatPlain(1), "1");
  EXPECT_EQ(FormatFloatPlain(0.5), "0.5");
  EXPECT_EQ(FormatFloatPlain(-2.5), "-2.5");
  EXPECT_EQ(FormatFloatPlain(123.456), "123.456");
  EXPECT_EQ(FormatFloatPlain(1234567.5), "1234567.5");
  EXPECT_EQ(FormatFloatPlain(100), "100");
  EXPECT_EQ(FormatFloatPlain(1e20), "100000000000000000000");
  EXPECT_EQ(FormatFloatPlain(1e21), "1000000000000000000000");
  EXPECT_EQ(FormatFloatPlain(1e23), "100000000000000000000000");  // shortest digits: 1e23
  EXPECT_EQ(FormatFloatPlain(1e-7), "0.0000001");
  EXPECT_EQ(FormatFloatPlain(0.001), "0.001");
  EXPECT_EQ(FormatFloatPlain(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatFloatPlain(123456789012345678.0), "123456789012345680");
  EXPECT_EQ(FormatFloatPlain(kNaN), "NaN");
  EXPECT_EQ(FormatFloatPlain(kInf), "+Inf");
  EXPECT_EQ(FormatFloatPlain(-kInf), "-Inf");
}

TEST(PromqlKernelsFormat, ExtremeMagnitudes) {
  std::string tiny = FormatFloatPlain(5e-324);  // the smallest subnormal
  EXPECT_EQ(tiny, "0." + std::string(323, '0') + "5");
  std::string huge = FormatFloatPlain(std::numeric_limits<double>::max());
  EXPECT_EQ(huge, "17976931348623157" + std::string(292, '0'));
  EXPECT_EQ(FormatFloatPlain(-1.5e-10), "-0.00000000015");
}

}  // namespace
}  // namespace otelite::promql
