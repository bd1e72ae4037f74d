// Grafana's field reducers (stat and pie "Calculation", legend values, table footer): the C++
// twin of web/src/format/reduce.ts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dashboards/frames.h"
#include "dashboards/transform.h"

namespace otelite::render {

// A cell as a number like JavaScript's Number(): numbers as they are, numeric strings parsed,
// everything else (null, labels, non-numeric text) nullopt.
std::optional<double> CellToNumber(const dashboards::CellValue& cell);

// Legacy names (current, avg, total) mapped to today's; empty: lastNotNull.
std::string NormalizeReducer(std::string_view id);
// The legend and footer headers ("Total", "Last *"…) are dashboards::ReducerDisplayName.
using dashboards::ReducerDisplayName;

// Reduces values with one calc (lastNotNull, last, firstNotNull, first, sum, mean, max, min,
// count, range, delta, diff, median, distinctCount, changeCount, logmin). null/NaN are skipped
// except by first/last/count; nullopt when nothing is left.
std::optional<double> ReduceNumbers(const std::vector<std::optional<double>>& values,
                                    std::string_view calc);
std::optional<double> ReduceCells(const std::vector<dashboards::CellValue>& values,
                                  std::string_view calc);

}  // namespace otelite::render
