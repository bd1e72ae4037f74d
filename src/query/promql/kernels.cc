#include "query/promql/kernels.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "core/civil_time.h"

namespace otelite::promql {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// One step of Neumaier's compensated summation. Once the running sum is infinite the
// compensation is reset: it can only be stale rounding error by then, and Inf + −Inf from a
// later step would otherwise turn an infinite result into NaN.
void CompensatedAdd(double inc, double* sum, double* c) {
  double t = *sum + inc;
  if (std::isinf(t)) {
    *c = 0;
  } else if (std::fabs(*sum) >= std::fabs(inc)) {
    *c += (*sum - t) + inc;
  } else {
    *c += (inc - t) + *sum;
  }
  *sum = t;
}

double CompensatedValue(double sum, double c) { return std::isinf(sum) ? sum : sum + c; }

// NaN orders before every number, as Prometheus sorts values for quantiles; a strict weak order
// (std::sort is undefined with plain `<` on NaN).
bool NaNFirstLess(double a, double b) { return std::isnan(a) ? !std::isnan(b) : a < b; }

// Least-squares fit y = intercept + slope·x with x the sample time in seconds relative to
// `origin_ms`. Equal y values give slope 0 exactly (no 0/0 from rounding), unless they are
// infinite: then both are NaN, as for any infinite input.
struct Line {
  double slope;
  double intercept;
};
Line FitLine(std::span<const FPoint> points, int64_t origin_ms) {
  const double first_y = points.front().v;
  bool constant = true;
  KahanSum sum_x, sum_y, sum_xy, sum_x2;
  for (const FPoint& p : points) {
    if (p.v != first_y) constant = false;
    double x = static_cast<double>(p.t - origin_ms) / 1000.0;
    sum_x.Add(x);
    sum_y.Add(p.v);
    sum_xy.Add(x * p.v);
    sum_x2.Add(x * x);
  }
  if (constant) {
    if (std::isinf(first_y)) return {kNaN, kNaN};
    return {0, first_y};
  }
  const double n = static_cast<double>(points.size());
  double sx = sum_x.Value(), sy = sum_y.Value();
  double covariance = sum_xy.Value() - sx * sy / n;
  double variance = sum_x2.Value() - sx * sx / n;
  double slope = covariance / variance;
  return {slope, sy / n - slope * sx / n};
}

}  // namespace

// --- accumulators ------------------------------------------------------------------------------

void KahanSum::Add(double v) { CompensatedAdd(v, &sum_, &c_); }

double KahanSum::Value() const { return CompensatedValue(sum_, c_); }

void MeanAccumulator::Add(double v) {
  ++count_;
  if (!incremental_) {
    KahanSum next = sum_;
    next.Add(v);
    // The first value may be infinite itself; only a sum that overflows later switches modes.
    if (count_ == 1 || !std::isinf(next.Value())) {
      sum_ = next;
      return;
    }
    incremental_ = true;
    mean_ = sum_.sum() / static_cast<double>(count_ - 1);
    mean_c_ = sum_.compensation() / static_cast<double>(count_ - 1);
  }
  const double n = static_cast<double>(count_);
  const double keep = (n - 1) / n;
  mean_ *= keep;
  mean_c_ *= keep;
  CompensatedAdd(v / n, &mean_, &mean_c_);
}

double MeanAccumulator::Value() const {
  if (count_ == 0) return kNaN;
  if (incremental_) return CompensatedValue(mean_, mean_c_);
  const double n = static_cast<double>(count_);
  if (std::isinf(sum_.sum())) return sum_.sum() / n;
  return sum_.sum() / n + sum_.compensation() / n;
}

void VarianceAccumulator::Add(double v) {
  ++count_;
  double delta = v - CompensatedValue(mean_, mean_c_);
  CompensatedAdd(delta / static_cast<double>(count_), &mean_, &mean_c_);
  CompensatedAdd(delta * (v - CompensatedValue(mean_, mean_c_)), &m2_, &m2_c_);
}

double VarianceAccumulator::Variance() const {
  if (count_ == 0) return kNaN;
  return CompensatedValue(m2_, m2_c_) / static_cast<double>(count_);
}

double VarianceAccumulator::Stddev() const { return std::sqrt(Variance()); }

// --- range-vector functions --------------------------------------------------------------------

std::optional<double> ExtrapolatedRate(std::span<const FPoint> points, int64_t range_start_ms,
                                       int64_t range_end_ms, bool is_counter, bool is_rate) {
  if (points.size() < 2) return std::nullopt;
  const FPoint& first = points.front();
  const FPoint& last = points.back();
  double result = last.v - first.v;
  if (is_counter) {
    // A decrease is a reset to zero: the value before it was counted too.
    for (size_t i = 1; i < points.size(); ++i) {
      if (points[i].v < points[i - 1].v) result += points[i - 1].v;
    }
  }
  double to_start = static_cast<double>(first.t - range_start_ms) / 1000.0;
  double to_end = static_cast<double>(range_end_ms - last.t) / 1000.0;
  double sampled = static_cast<double>(last.t - first.t) / 1000.0;
  double average_interval = sampled / static_cast<double>(points.size() - 1);
  // A gap to the edge much longer than the usual interval means the series starts or ends
  // inside the window: extrapolate by half an interval only.
  double threshold = average_interval * 1.1;
  if (to_start >= threshold) to_start = average_interval / 2;
  if (is_counter && result > 0 && first.v >= 0) {
    // A counter does not go below zero: stop where the extrapolated line would reach it.
    double to_zero = sampled * (first.v / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  if (to_end >= threshold) to_end = average_interval / 2;
  result *= (sampled + to_start + to_end) / sampled;
  if (is_rate) result /= static_cast<double>(range_end_ms - range_start_ms) / 1000.0;
  return result;
}

std::optional<double> InstantRate(std::span<const FPoint> points, bool is_rate) {
  if (points.size() < 2) return std::nullopt;
  const FPoint& previous = points[points.size() - 2];
  const FPoint& last = points.back();
  double result = is_rate && last.v < previous.v ? last.v : last.v - previous.v;
  if (is_rate) result /= static_cast<double>(last.t - previous.t) / 1000.0;
  return result;
}

double Changes(std::span<const FPoint> points) {
  double changes = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    double a = points[i - 1].v, b = points[i].v;
    if (a != b && !(std::isnan(a) && std::isnan(b))) ++changes;
  }
  return changes;
}

double Resets(std::span<const FPoint> points) {
  double resets = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    if (points[i].v < points[i - 1].v) ++resets;
  }
  return resets;
}

std::optional<double> Deriv(std::span<const FPoint> points) {
  if (points.size() < 2) return std::nullopt;
  return FitLine(points, points.front().t).slope;
}

std::optional<double> PredictLinear(std::span<const FPoint> points, int64_t eval_time_ms,
                                    double duration_seconds) {
  if (points.size() < 2) return std::nullopt;
  Line line = FitLine(points, eval_time_ms);
  return line.slope * duration_seconds + line.intercept;
}

std::optional<double> DoubleExponentialSmoothing(std::span<const FPoint> points, double smoothing,
                                                 double trend) {
  if (points.size() < 2) return std::nullopt;
  // Holt's linear method: level starts at the first value, trend at the first difference.
  double level = points[0].v;
  double slope = points[1].v - points[0].v;
  for (size_t i = 1; i < points.size(); ++i) {
    double next = smoothing * points[i].v + (1 - smoothing) * (level + slope);
    slope = trend * (next - level) + (1 - trend) * slope;
    level = next;
  }
  return level;
}

double SumOverTime(std::span<const FPoint> points) {
  KahanSum sum;
  for (const FPoint& p : points) sum.Add(p.v);
  return sum.Value();
}

double AvgOverTime(std::span<const FPoint> points) {
  MeanAccumulator mean;
  for (const FPoint& p : points) mean.Add(p.v);
  return mean.Value();
}

namespace {

// The index of the sample that `better` prefers, NaN losing to any number (all NaN: the last).
// Ties go to the earlier sample, or the later with `later_on_tie` (ts_of_*: "the last sample
// that has the minimum"). points must be non-empty.
template <typename Better>
size_t SelectIndex(std::span<const FPoint> points, Better better, bool later_on_tie) {
  size_t best = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    double v = points[i].v, b = points[best].v;
    if (std::isnan(b) || better(v, b) || (later_on_tie && v == b)) best = i;
  }
  return best;
}

size_t IndexOfMin(std::span<const FPoint> points, bool later_on_tie) {
  return SelectIndex(
      points, [](double a, double b) { return a < b; }, later_on_tie);
}
size_t IndexOfMax(std::span<const FPoint> points, bool later_on_tie) {
  return SelectIndex(
      points, [](double a, double b) { return a > b; }, later_on_tie);
}

}  // namespace

double MinOverTime(std::span<const FPoint> points) { return points[IndexOfMin(points, false)].v; }

double MaxOverTime(std::span<const FPoint> points) { return points[IndexOfMax(points, false)].v; }

double StddevOverTime(std::span<const FPoint> points) {
  VarianceAccumulator variance;
  for (const FPoint& p : points) variance.Add(p.v);
  return variance.Stddev();
}

double StdvarOverTime(std::span<const FPoint> points) {
  VarianceAccumulator variance;
  for (const FPoint& p : points) variance.Add(p.v);
  return variance.Variance();
}

double QuantileOverTime(double q, std::span<const FPoint> points) {
  std::vector<double> values;
  values.reserve(points.size());
  for (const FPoint& p : points) values.push_back(p.v);
  return Quantile(q, &values);
}

double MadOverTime(std::span<const FPoint> points) {
  std::vector<double> values;
  values.reserve(points.size());
  for (const FPoint& p : points) {
    // NaN would sort first and rarely land on the median; it makes the result NaN instead.
    if (std::isnan(p.v)) return kNaN;
    values.push_back(p.v);
  }
  double median = Quantile(0.5, &values);
  for (double& v : values) v = std::fabs(v - median);
  return Quantile(0.5, &values);
}

double TimestampOfMinOverTime(std::span<const FPoint> points) {
  return static_cast<double>(points[IndexOfMin(points, true)].t) / 1000.0;
}

double TimestampOfMaxOverTime(std::span<const FPoint> points) {
  return static_cast<double>(points[IndexOfMax(points, true)].t) / 1000.0;
}

// --- aggregation helpers -----------------------------------------------------------------------

double Quantile(double q, std::vector<double>* values) {
  if (values->empty() || std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  const size_t n = values->size();
  double rank = q * static_cast<double>(n - 1);
  size_t lower = static_cast<size_t>(std::floor(rank));
  size_t upper = std::min(n - 1, lower + 1);
  double weight = rank - std::floor(rank);
  // Only the two order statistics around the rank are needed.
  auto lower_it = values->begin() + static_cast<std::ptrdiff_t>(lower);
  std::nth_element(values->begin(), lower_it, values->end(), NaNFirstLess);
  double lower_value = *lower_it;
  double upper_value =
      upper == lower ? lower_value : *std::min_element(lower_it + 1, values->end(), NaNFirstLess);
  // The plain weighted mean, as Prometheus computes it: a zero weight on an infinite neighbour
  // still gives NaN (0 × Inf).
  return lower_value * (1 - weight) + upper_value * weight;
}

// --- classic histograms ------------------------------------------------------------------------

namespace {

// Relative difference below which two cumulative counts are taken as equal (floating-point noise
// from sum(rate(…))), as documented for histogram_quantile.
constexpr double kSmallDeltaTolerance = 1e-12;

struct PreparedBuckets {
  bool valid = false;  // the highest bound is +Inf
  bool forced_monotonicity = false;
  bool fixed_precision = false;
};

// Sorts by upper bound, merges buckets with equal bounds (summing their counts) and makes the
// counts non-decreasing.
PreparedBuckets PrepareBuckets(std::vector<Bucket>* buckets) {
  PreparedBuckets result;
  if (buckets->empty()) return result;
  std::sort(buckets->begin(), buckets->end(), [](const Bucket& a, const Bucket& b) {
    return NaNFirstLess(a.upper_bound, b.upper_bound);
  });
  if (buckets->back().upper_bound != kInf) return result;
  result.valid = true;
  size_t out = 0;
  for (size_t i = 1; i < buckets->size(); ++i) {
    if ((*buckets)[i].upper_bound == (*buckets)[out].upper_bound) {
      (*buckets)[out].count += (*buckets)[i].count;
    } else {
      (*buckets)[++out] = (*buckets)[i];
    }
  }
  buckets->resize(out + 1);
  double previous = buckets->front().count;
  for (size_t i = 1; i < buckets->size(); ++i) {
    double& count = (*buckets)[i].count;
    if (count == previous) continue;
    if (std::fabs(count - previous) <
        kSmallDeltaTolerance * (std::fabs(count) + std::fabs(previous))) {
      count = previous;
      result.fixed_precision = true;
    } else if (count < previous) {
      count = previous;
      result.forced_monotonicity = true;
    } else {
      previous = count;
    }
  }
  return result;
}

}  // namespace

BucketQuantileResult BucketQuantile(double q, std::vector<Bucket>* buckets) {
  BucketQuantileResult result;
  if (std::isnan(q)) {
    result.value = kNaN;
    return result;
  }
  if (q < 0 || q > 1) {
    result.value = q < 0 ? -kInf : kInf;
    return result;
  }
  result.value = kNaN;
  PreparedBuckets prepared = PrepareBuckets(buckets);
  if (!prepared.valid) return result;
  result.forced_monotonicity = prepared.forced_monotonicity;
  result.fixed_precision = prepared.fixed_precision;
  const std::vector<Bucket>& b = *buckets;
  const size_t n = b.size();
  if (n < 2) return result;
  double total = b.back().count;
  if (total == 0 || std::isnan(total)) return result;

  double rank = q * total;
  // The first bucket (the +Inf one excluded) whose cumulative count reaches the rank.
  size_t i = 0;
  while (i < n - 1 && !(b[i].count >= rank)) ++i;
  if (i == n - 1) {
    result.value = b[n - 2].upper_bound;
  } else if (i == 0 && b[0].upper_bound <= 0) {
    result.value = b[0].upper_bound;
  } else {
    double start = i == 0 ? 0 : b[i - 1].upper_bound;
    double below = i == 0 ? 0 : b[i - 1].count;
    double end = b[i].upper_bound;
    result.value = start + (end - start) * ((rank - below) / (b[i].count - below));
  }
  return result;
}

double BucketFraction(double lower, double upper, std::vector<Bucket>* buckets) {
  PreparedBuckets prepared = PrepareBuckets(buckets);
  if (!prepared.valid) return kNaN;
  const std::vector<Bucket>& b = *buckets;
  double total = b.back().count;
  if (std::isnan(lower) || std::isnan(upper) || total == 0 || std::isnan(total)) return kNaN;
  if (lower >= upper) return 0;

  // Buckets are (previous bound, bound]; the first one starts at 0 when its bound is positive,
  // else at −Inf. Observations spread uniformly over a finite bucket; an infinite bucket cannot
  // be interpolated in, so its observations sit at its infinite end and count only when the
  // range reaches that infinity.
  double observations = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    double bucket_upper = b[i].upper_bound;
    double bucket_lower = i > 0 ? b[i - 1].upper_bound : (bucket_upper > 0 ? 0 : -kInf);
    double count = b[i].count - (i > 0 ? b[i - 1].count : 0);
    if (bucket_upper == kInf) {
      if (upper == kInf) observations += count;
    } else if (bucket_lower == -kInf) {
      if (lower == -kInf) observations += count;
    } else {
      double overlap = std::min(bucket_upper, upper) - std::max(bucket_lower, lower);
      if (overlap > 0) observations += count * (overlap / (bucket_upper - bucket_lower));
    }
  }
  return observations / total;
}

// --- time and formatting -----------------------------------------------------------------------

namespace {

// Division and remainder rounding toward −∞ (b > 0), without overflow for any int64 a.

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Proleptic Gregorian date of a day count since 1970-01-01, for any int64 (counted in 400-year
// eras of 146097 days from 0000-03-01, so that the leap day ends each year).
CivilDate CivilFromDays(int64_t days) {
  const int64_t shifted = days + 719468;  // days from 0000-03-01
  const int64_t era = FloorDiv(shifted, 146097);
  const int64_t day_of_era = shifted - era * 146097;  // [0, 146096]
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;  // 0 = March
  CivilDate date;
  date.day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  date.month =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  date.year = year_of_era + era * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

bool IsLeapYear(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

int DayOfYear(const CivilDate& date) {
  static constexpr int kBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  return kBefore[date.month - 1] + date.day + (date.month > 2 && IsLeapYear(date.year) ? 1 : 0);
}

}  // namespace

double DateFieldOf(double unix_seconds, DateField field) {
  if (!std::isfinite(unix_seconds)) return kNaN;
  double whole = std::floor(unix_seconds);
  // 2^63: the range of int64 seconds.
  if (whole < -9223372036854775808.0 || whole >= 9223372036854775808.0) return kNaN;
  const int64_t seconds = static_cast<int64_t>(whole);
  const int64_t days = FloorDiv(seconds, 86400);
  const int64_t second_of_day = FloorMod(seconds, 86400);
  switch (field) {
    case DateField::kMinute:
      return static_cast<double>(second_of_day % 3600 / 60);
    case DateField::kHour:
      return static_cast<double>(second_of_day / 3600);
    case DateField::kDayOfWeek:
      // 1970-01-01 was a Thursday.
      return static_cast<double>(FloorMod(FloorMod(days, 7) + 4, 7));
    default:
      break;
  }
  CivilDate date = CivilFromDays(days);
  switch (field) {
    case DateField::kDayOfMonth:
      return date.day;
    case DateField::kDayOfYear:
      return DayOfYear(date);
    case DateField::kDaysInMonth:
      return DaysInMonth(date.year, date.month);
    case DateField::kMonth:
      return date.month;
    case DateField::kYear:
      return static_cast<double>(date.year);
    default:
      return kNaN;
  }
}

std::string FormatFloatPlain(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Shortest round-tripping digits in scientific form, [-]d[.ddd]e±XX, laid out positionally.
  char buffer[64];
  auto [end, error] =
      std::to_chars(buffer, buffer + sizeof(buffer), v, std::chars_format::scientific);
  (void)error;  // 64 bytes hold any double
  std::string_view text(buffer, static_cast<size_t>(end - buffer));
  std::string out;
  if (text.front() == '-') {
    out.push_back('-');
    text.remove_prefix(1);
  }
  size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  const int integer_digits = exponent + 1;  // digits before the point
  if (integer_digits <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-integer_digits), '0');
    out.append(digits);
  } else if (static_cast<size_t>(integer_digits) >= digits.size()) {
    out.append(digits);
    out.append(static_cast<size_t>(integer_digits) - digits.size(), '0');
  } else {
    out.append(digits, 0, static_cast<size_t>(integer_digits));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(integer_digits), std::string::npos);
  }
  return out;
}

}  // namespace otelite::promql
