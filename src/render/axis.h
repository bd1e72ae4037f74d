// Axis tick rules of the time series panel, as web/src/panels/axis.ts states them (the shared
// cases are web/src/panels/axis.cases.json):
// - value ticks get the decimals the tick increment needs (rounded to 6 places), or the field's
//   `decimals` when that is more; digits are added until no two neighbouring labels read the same
//   (scaled units such as "1.5 K");
// - the y axis steps by whole numbers (1, 2, 5 × 10^k) when the field has `decimals: 0` or every
//   value drawn is an integer (counts), never under percent stacking;
// - ticks are at least 30 px apart (15 px on axes of at most 150 px);
// - time ticks use Grafana's interval formats (24-hour clock) in the dashboard's time zone.
#pragma once

#include <string>
#include <vector>

#include "dashboards/time_range.h"
#include "render/field_config.h"

namespace otelite::render {

// Decimals of |step| once rounded to 6 places (0 for 0 and non-finite steps).
int StepDecimals(double step);

// Labels for the value splits (NaN: an empty label). `incr` is the tick increment (≤ 0 or NaN:
// the first gap between two splits).
std::vector<std::string> FormatValueTicks(const FieldSettings& config,
                                          const std::vector<double>& splits, double incr);

// Whether the y axis should step by whole numbers (see above). `series` hold the values as
// drawn (NaN = null), before stacking.
bool WantsIntegerTicks(const FieldSettings& config, const std::vector<std::vector<double>>& series,
                       bool percent);

// The minimum pixel distance between value ticks on an axis `axis_px` long.
double ValueTickSpace(double axis_px);

// The smallest "nice" increment whose ticks are at least `space` px apart on `pixels` px showing
// `range`: 1, 2, 2.5, 5 × 10^k, or 1, 2, 5 × 10^k (k ≥ 0) for integer steps.
double ValueTickIncrement(double range, double pixels, double space, bool integer);

// Grafana's time axis format for a tick increment and the visible range (both ms).
const char* TimeTickFormat(double incr_ms, double range_ms);

// Time tick labels (Unix ms; NaN: "") in the zone.
std::vector<std::string> FormatTimeTicks(const std::vector<double>& splits, double incr_ms,
                                         double range_ms, const dashboards::TimeZone& tz);

// The minimum pixel distance between time ticks: the width of one label (estimated as the web
// app does, 6.5 px per character) plus 18 px.
double TimeTickSpace(double from_ms, double to_ms, double pixels, const dashboards::TimeZone& tz);

// The time increments uPlot chooses from (ms), ascending.
const std::vector<double>& TimeIncrements();

// The increment for a time axis: the smallest of TimeIncrements() at least `space` px apart.
double TimeTickIncrement(double range_ms, double pixels, double space);

// The tick instants in [from, to] for an increment: days and shorter from local midnight in the
// zone, months and years on the 1st of the month.
std::vector<double> TimeTickSplits(double from_ms, double to_ms, double incr_ms,
                                   const dashboards::TimeZone& tz);

}  // namespace otelite::render
