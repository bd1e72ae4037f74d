#include "dashboards/interval.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace otelite::dashboards {
namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kWeek = 7 * kDay;
constexpr int64_t kYear = 365 * kDay;

// (upper bound of the raw interval, nice interval); the last row takes everything above.
constexpr std::array<std::pair<int64_t, int64_t>, 28> kNiceIntervals = {{
    {15, 10},
    {35, 20},
    {75, 50},
    {150, 100},
    {350, 200},
    {750, 500},
    {1500, 1 * kSecond},
    {3500, 2 * kSecond},
    {7500, 5 * kSecond},
    {12500, 10 * kSecond},
    {17500, 15 * kSecond},
    {25000, 20 * kSecond},
    {45000, 30 * kSecond},
    {90000, 1 * kMinute},
    {210000, 2 * kMinute},
    {450000, 5 * kMinute},
    {750000, 10 * kMinute},
    {1050000, 15 * kMinute},
    {1500000, 20 * kMinute},
    {2700000, 30 * kMinute},
    {5400000, 1 * kHour},
    {9000000, 2 * kHour},
    {16200000, 3 * kHour},
    {32400000, 6 * kHour},
    {86400000, 12 * kHour},
    {604800000, 1 * kDay},
    {1814400000, 1 * kWeek},
    {3628800000, 30 * kDay},
}};

}  // namespace

int64_t RoundInterval(int64_t ms) {
  for (const auto& [bound, nice] : kNiceIntervals) {
    if (ms <= bound) return nice;
  }
  return kYear;
}

Result<int64_t> ParseInterval(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (!s.empty() && s.front() == '>') s.remove_prefix(1);
  if (s.empty()) return Status::InvalidArgument(fmt::format("invalid interval '{}'", text));
  int64_t total = 0;
  size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (start == i) return Status::InvalidArgument(fmt::format("invalid interval '{}'", text));
    std::string number(s.substr(start, i - start));
    char* end = nullptr;
    double value = std::strtod(number.c_str(), &end);
    if (end == nullptr || *end != '\0' || !std::isfinite(value)) {
      return Status::InvalidArgument(fmt::format("invalid interval '{}'", text));
    }
    size_t unit_start = i;
    while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) ++i;
    std::string_view unit = s.substr(unit_start, i - unit_start);
    int64_t factor = 0;
    if (unit.empty()) {
      if (i != s.size() || any) {
        return Status::InvalidArgument(fmt::format("invalid interval '{}'", text));
      }
      factor = kSecond;
    } else if (unit == "ms") {
      factor = 1;
    } else if (unit == "s") {
      factor = kSecond;
    } else if (unit == "m") {
      factor = kMinute;
    } else if (unit == "h") {
      factor = kHour;
    } else if (unit == "d") {
      factor = kDay;
    } else if (unit == "w") {
      factor = kWeek;
    } else if (unit == "y") {
      factor = kYear;
    } else {
      return Status::InvalidArgument(
          fmt::format("invalid interval '{}': unknown unit '{}'", text, unit));
    }
    const double ms = value * static_cast<double>(factor);
    if (ms > 1e15) return Status::InvalidArgument(fmt::format("interval '{}' too long", text));
    total += static_cast<int64_t>(std::llround(ms));
    any = true;
  }
  return total;
}

std::string FormatInterval(int64_t ms) {
  if (ms <= 0) return "0s";
  static constexpr std::array<std::pair<int64_t, const char*>, 6> kUnits = {{
      {kYear, "y"},
      {kDay, "d"},
      {kHour, "h"},
      {kMinute, "m"},
      {kSecond, "s"},
      {1, "ms"},
  }};
  for (const auto& [size, name] : kUnits) {
    if (ms >= size && ms % size == 0) return fmt::format("{}{}", ms / size, name);
  }
  return fmt::format("{}ms", ms);
}

QueryIntervals ComputeIntervals(int64_t from_ms, int64_t to_ms, int64_t max_data_points,
                                int64_t min_interval_ms, int64_t scrape_interval_ms) {
  QueryIntervals out;
  if (max_data_points <= 0) max_data_points = kDefaultMaxDataPoints;
  out.range_ms = to_ms > from_ms ? to_ms - from_ms : 0;
  int64_t interval = out.range_ms > 0 ? RoundInterval(out.range_ms / max_data_points) : 0;
  interval = std::max(interval, std::max<int64_t>(min_interval_ms, 1));
  out.interval_ms = interval;
  const int64_t scrape = scrape_interval_ms > 0 ? scrape_interval_ms : kDefaultScrapeIntervalMs;
  out.rate_interval_ms = std::max(interval + scrape, 4 * scrape);
  return out;
}

int64_t RangeQueryStep(int64_t from_ms, int64_t to_ms, int64_t interval_ms) {
  int64_t step = std::max<int64_t>(interval_ms, 1);
  const int64_t range = to_ms > from_ms ? to_ms - from_ms : 0;
  if (range / step > kMaxPointsPerSeries) {
    step = (range + kMaxPointsPerSeries - 1) / kMaxPointsPerSeries;
    if (step > kSecond) step = (step + kSecond - 1) / kSecond * kSecond;
  }
  return step;
}

std::string FormatRange(int64_t range_ms) {
  return fmt::format("{}s", (std::max<int64_t>(range_ms, 0) + 500) / 1000);
}

}  // namespace otelite::dashboards
