// Axis ticks (axis.h): the rules of web/src/panels/axis.ts and the tick placement of uPlot as the
// web app configures it.
#include "render/axis.h"

#include <algorithm>
#include <cmath>

#include "render/canvas.h"
#include "render/units.h"

namespace otelite::render {
namespace {

constexpr double kSec = 1000;
constexpr double kMin = 60 * kSec;
constexpr double kHour = 60 * kMin;
constexpr double kDay = 24 * kHour;
constexpr double kMonth = 30 * kDay;
constexpr double kYear = 365 * kDay;

bool HasAdjacentDuplicates(const std::vector<std::string>& labels) {
  for (size_t i = 1; i < labels.size(); ++i) {
    if (!labels[i].empty() && labels[i] == labels[i - 1]) return true;
  }
  return false;
}

}  // namespace

int StepDecimals(double step) {
  if (!std::isfinite(step) || step == 0) return 0;
  const double rounded = JsRound(std::fabs(step) * 1e6) / 1e6;
  const std::string text = JsNumberToString(rounded);
  const size_t e = text.find("e-");
  const std::string mantissa = e == std::string::npos ? text : text.substr(0, e);
  const size_t dot = mantissa.find('.');
  int decimals = dot == std::string::npos ? 0 : static_cast<int>(mantissa.size() - dot - 1);
  if (e != std::string::npos) decimals += std::atoi(text.c_str() + e + 2);
  return decimals;
}

std::vector<std::string> FormatValueTicks(const FieldSettings& config,
                                          const std::vector<double>& splits, double incr) {
  double step = incr;
  if (!std::isfinite(step) || step <= 0) {
    step = 0;
    const double* first = nullptr;
    for (const double& v : splits) {
      if (std::isnan(v)) continue;
      if (first == nullptr) {
        first = &v;
      } else {
        step = std::fabs(v - *first);
        break;
      }
    }
  }
  const int from_step = StepDecimals(step);
  Decimals decimals;
  if (config.decimals.has_value()) {
    decimals = std::max(*config.decimals, from_step);
  } else if (from_step > 0) {
    decimals = from_step;
  }
  auto render = [&](Decimals d) {
    std::vector<std::string> out;
    out.reserve(splits.size());
    for (double v : splits) {
      out.push_back(std::isnan(v) ? std::string() : FormatWithConfig(config, v, d));
    }
    return out;
  };
  std::vector<std::string> labels = render(decimals);
  // Automatic decimals or scaled units can still print two equal neighbours: add digits.
  for (int d = decimals.value_or(from_step); HasAdjacentDuplicates(labels) && d < 10;) {
    ++d;
    labels = render(d);
  }
  return labels;
}

bool WantsIntegerTicks(const FieldSettings& config, const std::vector<std::vector<double>>& series,
                       bool percent) {
  if (percent) return false;
  if (config.decimals.has_value() && *config.decimals == 0) return true;
  bool any = false;
  for (const std::vector<double>& s : series) {
    for (double v : s) {
      if (!std::isfinite(v)) continue;
      if (v != std::floor(v)) return false;
      any = true;
    }
  }
  return any;
}

double ValueTickSpace(double axis_px) { return axis_px <= 150 ? 15 : 30; }

double ValueTickIncrement(double range, double pixels, double space, bool integer) {
  if (!(range > 0) || !(pixels > 0) || !std::isfinite(range)) return 1;
  const double min_incr = range * space / pixels;
  if (integer && min_incr <= 1) return 1;
  double mag = std::pow(10, std::floor(std::log10(min_incr)));
  static constexpr double kAll[] = {1, 2, 2.5, 5};
  static constexpr double kWhole[] = {1, 2, 5};
  for (int guard = 0; guard < 3; ++guard) {
    if (integer) {
      for (double m : kWhole) {
        if (m * mag >= min_incr * (1 - 1e-9)) return m * mag;
      }
    } else {
      for (double m : kAll) {
        if (m * mag >= min_incr * (1 - 1e-9)) return m * mag;
      }
    }
    mag *= 10;
  }
  return 10 * mag;
}

const char* TimeTickFormat(double incr, double range) {
  if (incr < kSec) return "HH:mm:ss.SSS";
  if (incr <= kMin) return "HH:mm:ss";
  if (range <= kDay) return "HH:mm";
  if (incr <= kDay) return "MM/DD HH:mm";
  if (range < kYear) return "MM/DD";
  if (std::round(incr / kDay) == std::round(kYear / kDay)) return "YYYY";
  if (incr <= kYear) return "YYYY-MM";
  return "YYYY";
}

std::vector<std::string> FormatTimeTicks(const std::vector<double>& splits, double incr_ms,
                                         double range_ms, const dashboards::TimeZone& tz) {
  const char* pattern = TimeTickFormat(incr_ms, range_ms);
  std::vector<std::string> out;
  out.reserve(splits.size());
  for (double t : splits) out.push_back(std::isnan(t) ? std::string() : FormatTime(t, tz, pattern));
  return out;
}

double TimeTickSpace(double from_ms, double to_ms, double pixels, const dashboards::TimeZone& tz) {
  const double range = to_ms - from_ms;
  const double incr = range / std::max(1.0, pixels / 40);
  const std::string sample = FormatTimeTicks({from_ms}, incr, range, tz)[0];
  return static_cast<double>(sample.size()) * 6.5 + 18;
}

const std::vector<double>& TimeIncrements() {
  static const std::vector<double> kIncrs = {
      1,          2,          5,          10,         20,        25,        50,        100,
      200,        250,        500,        kSec,       5 * kSec,  10 * kSec, 15 * kSec, 30 * kSec,
      kMin,       5 * kMin,   10 * kMin,  15 * kMin,  30 * kMin, kHour,     2 * kHour, 3 * kHour,
      4 * kHour,  6 * kHour,  8 * kHour,  12 * kHour, kDay,      2 * kDay,  3 * kDay,  4 * kDay,
      5 * kDay,   6 * kDay,   7 * kDay,   8 * kDay,   9 * kDay,  10 * kDay, 15 * kDay, kMonth,
      2 * kMonth, 3 * kMonth, 4 * kMonth, 6 * kMonth, kYear,     2 * kYear, 5 * kYear, 10 * kYear,
      25 * kYear, 50 * kYear, 100 * kYear};
  return kIncrs;
}

double TimeTickIncrement(double range_ms, double pixels, double space) {
  if (!(range_ms > 0) || !(pixels > 0)) return kHour;
  const double min_incr = range_ms * space / pixels;
  for (double i : TimeIncrements()) {
    if (i >= min_incr * (1 - 1e-9)) return i;
  }
  return std::ceil(min_incr / (100 * kYear)) * 100 * kYear;
}

std::vector<double> TimeTickSplits(double from, double to, double incr,
                                   const dashboards::TimeZone& tz) {
  std::vector<double> ts;
  if (!(to > from) || !(incr > 0) || !std::isfinite(from) || !std::isfinite(to)) return ts;
  constexpr size_t kMaxTicks = 1000;
  const int64_t from_ms = static_cast<int64_t>(std::ceil(from));
  if (incr < kDay) {
    // Aligned to the increment in local time (multiples of it since local midnight).
    const double off = static_cast<double>(tz.OffsetMs(from_ms));
    double t = std::ceil((from + off) / incr) * incr - off;
    for (; t <= to && ts.size() < kMaxTicks; t += incr) ts.push_back(t);
  } else if (incr < kMonth) {
    // From the first local midnight at or after `from`, every N days.
    const int step = static_cast<int>(std::llround(incr / kDay));
    const WallTime w = ToWall(from_ms, tz);
    int64_t day = DaysFromCivil(w.year, w.month, w.day);
    for (int guard = 0; guard < 3; ++guard, ++day) {
      if (static_cast<double>(tz.LocalToUtc(day * 86400000)) >= from) break;
    }
    for (; ts.size() < kMaxTicks; day += step) {
      const double t = static_cast<double>(tz.LocalToUtc(day * 86400000));
      if (t > to) break;
      ts.push_back(t);
    }
  } else {
    // Months and years: the 1st of the month, from the first one after `from` (or `from` itself
    // when it is one), every N months.
    const int months = incr < kYear ? static_cast<int>(std::llround(incr / kMonth))
                                    : 12 * static_cast<int>(std::llround(incr / kYear));
    const WallTime w = ToWall(from_ms, tz);
    int64_t y = w.year;
    int m = months >= 12 ? 1 : w.month;
    const double start = static_cast<double>(tz.LocalToUtc(DaysFromCivil(y, m, 1) * 86400000));
    if (start < from) {
      m += months;
      y += (m - 1) / 12;
      m = (m - 1) % 12 + 1;
    }
    for (int guard = 0; guard < 100000 && ts.size() < kMaxTicks; ++guard) {
      const double t = static_cast<double>(tz.LocalToUtc(DaysFromCivil(y, m, 1) * 86400000));
      if (t > to) break;
      if (t >= from) ts.push_back(t);
      m += months;
      y += (m - 1) / 12;
      m = (m - 1) % 12 + 1;
    }
  }
  return ts;
}

}  // namespace otelite::render
