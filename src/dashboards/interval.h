// Grafana's interval arithmetic for panel queries: $__interval from the time range and the
// panel's width, rounded to Grafana's "nice" intervals and raised to the min interval;
// $__rate_interval; and the step a Prometheus or Loki range query is run with.
//
//   QueryIntervals q = ComputeIntervals(from_ms, to_ms, /*max_data_points=*/800,
//                                       /*min_interval_ms=*/15'000);
//   q.interval_ms      // $__interval_ms: 24 h / 800 = 108 s -> rounded to 2m = 120000
//   FormatInterval(q.interval_ms)  // "2m"
//
// All times are Unix milliseconds. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace otelite::dashboards {

// The scrape interval Grafana assumes for Prometheus ($__rate_interval, default min interval).
inline constexpr int64_t kDefaultScrapeIntervalMs = 15'000;
// Default min interval of Loki queries.
inline constexpr int64_t kLokiDefaultMinIntervalMs = 1;
// Points a Prometheus (and Loki) range query may return per series: beyond it the step grows.
inline constexpr int64_t kMaxPointsPerSeries = 11'000;
// Panel width assumed when neither the request nor the panel gives maxDataPoints.
inline constexpr int64_t kDefaultMaxDataPoints = 1000;

// Grafana's rounding of a raw interval to the nearest of 10ms 20ms 50ms 100ms 200ms 500ms 1s 2s
// 5s 10s 15s 20s 30s 1m 2m 5m 10m 15m 20m 30m 1h 2h 3h 6h 12h 1d 1w 30d 1y (each value covers
// raw intervals up to about the midpoint to the next one).
int64_t RoundInterval(int64_t ms);

// A Grafana interval string: "15s", "1m", "1h30m", "500ms", "2d", "1w", "1y", with an optional
// leading ">" ("at least", the same as a plain value for a min interval). A bare number is
// seconds. InvalidArgument naming the text for anything else.
Result<int64_t> ParseInterval(std::string_view text);

// An interval as Grafana writes $__interval: in the largest unit of y, d, h, m, s, ms that
// divides it exactly ("2m", "1d", "7d", "500ms", "90s"), so that PromQL and LogQL read back the
// same duration (Grafana truncates 90 s to "1m"; this does not). 0 -> "0s".
std::string FormatInterval(int64_t ms);

struct QueryIntervals {
  int64_t interval_ms = 0;       // $__interval_ms
  int64_t rate_interval_ms = 0;  // $__rate_interval
  int64_t range_ms = 0;          // $__range_ms
};

// $__interval = max(RoundInterval((to − from) / max_data_points), min_interval_ms);
// $__rate_interval = max($__interval + scrape, 4 × scrape). max_data_points <= 0 means
// kDefaultMaxDataPoints; min_interval_ms <= 0 means none. An empty or reversed range gives
// range 0 and the min interval (at least 1 ms).
QueryIntervals ComputeIntervals(int64_t from_ms, int64_t to_ms, int64_t max_data_points,
                                int64_t min_interval_ms,
                                int64_t scrape_interval_ms = kDefaultScrapeIntervalMs);

// The step of a range query over [from, to] at this interval: the interval, grown (in whole
// seconds when above one second) until the range has at most kMaxPointsPerSeries steps.
int64_t RangeQueryStep(int64_t from_ms, int64_t to_ms, int64_t interval_ms);

// $__range: the range in whole seconds (rounded) with an "s": "86400s".
std::string FormatRange(int64_t range_ms);

}  // namespace otelite::dashboards
