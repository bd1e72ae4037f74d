// The numeric heart of PromQL's functions and aggregations, free of the engine: each kernel takes
// plain samples or values and returns a number, with Prometheus 3's documented semantics
// (extrapolation, Kahan-compensated sums, NaN and ±Inf handling, quantile interpolation, classic
// histogram buckets). The evaluator (engine.h) selects the samples and calls these.
//
// Samples are in increasing time order, stale markers already removed. Times are int64
// milliseconds; results that are rates are per second.
//
// Thread-safety: stateless functions; an accumulator is one caller's.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace otelite::promql {

struct FPoint {
  int64_t t = 0;
  double v = 0;
  friend bool operator==(const FPoint&, const FPoint&) = default;
};

// Compensated (Kahan–Babuška/Neumaier) summation, as Prometheus sums in sum(), avg(),
// sum_over_time() and friends. Value() is sum + compensation; an infinite sum stays infinite
// (the compensation is not added to ±Inf).
class KahanSum {
 public:
  void Add(double v);
  double Value() const;
  // The two parts, for callers that scale them separately (avg() divides each by the count, as
  // Prometheus does, which can differ from Value() / count in the last bit).
  double sum() const { return sum_; }
  double compensation() const { return c_; }

 private:
  double sum_ = 0;
  double c_ = 0;
};

// Mean of a stream of values as Prometheus 3 computes avg() and avg_over_time(): a compensated
// sum divided by the count while the sum stays finite; once it would overflow, an incremental
// mean (also compensated). Inf and NaN inputs propagate as in Prometheus (Inf + -Inf → NaN).
class MeanAccumulator {
 public:
  void Add(double v);
  uint64_t count() const { return count_; }
  double Value() const;  // NaN when empty

 private:
  uint64_t count_ = 0;
  KahanSum sum_;
  bool incremental_ = false;
  double mean_ = 0;
  double mean_c_ = 0;
};

// Population variance as Prometheus computes stdvar()/stddev() and their _over_time forms:
// Welford's online algorithm with compensated mean and sum of squared deviations.
class VarianceAccumulator {
 public:
  void Add(double v);
  uint64_t count() const { return count_; }
  double Variance() const;  // NaN when empty
  double Stddev() const;

 private:
  uint64_t count_ = 0;
  double mean_ = 0;
  double mean_c_ = 0;
  double m2_ = 0;
  double m2_c_ = 0;
};

// --- range-vector functions --------------------------------------------------------------------

// rate() (is_rate), increase() (is_counter, !is_rate) and delta() (!is_counter, !is_rate) over
// the samples of the left-open window (range_start_ms, range_end_ms], with Prometheus's
// extrapolation: counter resets add the value before the reset; the result is extrapolated to the
// window's edges by at most half the average sample interval (when the gap to the edge is larger
// than 1.1 × the average interval), a counter never extrapolated below zero. nullopt with fewer
// than two samples.
std::optional<double> ExtrapolatedRate(std::span<const FPoint> points, int64_t range_start_ms,
                                       int64_t range_end_ms, bool is_counter, bool is_rate);

// irate() (is_rate: per second, a counter reset takes the last value) and idelta(): from the last
// two samples. nullopt with fewer than two.
std::optional<double> InstantRate(std::span<const FPoint> points, bool is_rate);

// changes(): how often the value changed (NaN to NaN is no change). resets(): how often it
// decreased. 0 for fewer than two samples.
double Changes(std::span<const FPoint> points);
double Resets(std::span<const FPoint> points);

// deriv(): slope per second of the least-squares line (compensated sums, times relative to the
// first sample). nullopt with fewer than two samples.
std::optional<double> Deriv(std::span<const FPoint> points);
// predict_linear(): the least-squares line's value `duration_seconds` after eval_time_ms.
// nullopt with fewer than two samples.
std::optional<double> PredictLinear(std::span<const FPoint> points, int64_t eval_time_ms,
                                    double duration_seconds);

// double_exponential_smoothing() (holt_winters() in 2.x) with 0 < smoothing < 1 and
// 0 < trend < 1 (the caller checks). nullopt with fewer than two samples.
std::optional<double> DoubleExponentialSmoothing(std::span<const FPoint> points, double smoothing,
                                                 double trend);

// *_over_time() of a non-empty window.
double SumOverTime(std::span<const FPoint> points);
double AvgOverTime(std::span<const FPoint> points);
// NaN samples are skipped unless all are NaN (then NaN).
double MinOverTime(std::span<const FPoint> points);
double MaxOverTime(std::span<const FPoint> points);
double StddevOverTime(std::span<const FPoint> points);
double StdvarOverTime(std::span<const FPoint> points);
double QuantileOverTime(double q, std::span<const FPoint> points);
// Median absolute deviation from the median; NaN if any sample is NaN.
double MadOverTime(std::span<const FPoint> points);
// ts_of_min_over_time() / ts_of_max_over_time(): the time (seconds) of the last sample holding
// the min/max (NaN skipped as above).
double TimestampOfMinOverTime(std::span<const FPoint> points);
double TimestampOfMaxOverTime(std::span<const FPoint> points);

// --- aggregation helpers -----------------------------------------------------------------------

// The q-quantile (φ) of the values by linear interpolation between closest ranks, as quantile()
// and quantile_over_time() compute it: q < 0 → -Inf, q > 1 → +Inf, q NaN → NaN, no values → NaN.
// NaN ranks below every number (interpolating next to it gives NaN). The interpolation is the
// plain weighted mean, so a zero weight on an infinite neighbour is NaN, as in Prometheus.
// Reorders `values`.
double Quantile(double q, std::vector<double>* values);

// --- classic histograms ------------------------------------------------------------------------

struct Bucket {
  double upper_bound = 0;  // the `le` label, parsed (+Inf allowed)
  double count = 0;        // cumulative
};

struct BucketQuantileResult {
  double value = 0;
  // Counts were not monotonic in le and were made so (Prometheus's info annotation "input to
  // histogram_quantile needed to be fixed for monotonicity").
  bool forced_monotonicity = false;
  // Counts differed only by floating-point noise and were treated as equal.
  bool fixed_precision = false;
};

// histogram_quantile() on classic buckets: sorts by upper bound, merges equal bounds, makes the
// counts monotonic, then interpolates linearly inside the bucket holding rank q × total (the
// first bucket's lower bound is 0 when its upper bound is positive, else the result is that
// upper bound; in the +Inf bucket the result is the highest finite bound). NaN when there is no
// +Inf bucket or fewer than two buckets, or the total is zero or NaN; ±Inf for q outside [0, 1];
// NaN for q NaN; reorders `buckets`.
BucketQuantileResult BucketQuantile(double q, std::vector<Bucket>* buckets);

// histogram_fraction() on classic buckets: the estimated fraction of observations in
// [lower, upper], interpolating linearly inside finite buckets (prepared as for BucketQuantile;
// the first bucket starts at 0 when its bound is positive, else at −Inf). An infinite bucket
// cannot be interpolated in: its observations count only when the range reaches its infinite
// end. 0 when lower ≥ upper; NaN for a NaN bound, without a +Inf bucket or with a zero total.
// Reorders `buckets`.
double BucketFraction(double lower, double upper, std::vector<Bucket>* buckets);

// --- time and formatting -----------------------------------------------------------------------

enum class DateField {
  kMinute,
  kHour,
  kDayOfWeek,   // 0 = Sunday
  kDayOfMonth,  // 1..31
  kDayOfYear,   // 1..366
  kDaysInMonth,
  kMonth,  // 1..12
  kYear,
};

// The field of the UTC date-time at `unix_seconds` (fractions dropped toward −∞, any value within
// ±2^63 s, negative ones before 1970 included; proleptic Gregorian calendar). NaN, ±Inf and
// values beyond ±2^63 give NaN.
double DateFieldOf(double unix_seconds, DateField field);

// A float as Go's strconv.FormatFloat(v, 'f', -1, 64) writes it (shortest round-tripping digits,
// no exponent: "1", "0.5", "100000000000000000000", "NaN", "+Inf", "-Inf"): the label value that
// count_values() gives.
std::string FormatFloatPlain(double v);

}  // namespace otelite::promql
