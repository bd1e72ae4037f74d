// Float formatting shared by every text output: the shortest representation that reads back
// to the same double, laid out like Go's strconv.FormatFloat(v, 'g', -1, 64), which is what
// Prometheus, client_golang and the collector print (1e+06, 1.234567e+06, 0.035345, +Inf, NaN).
#pragma once

#include <string>

namespace otelite {

// Appends the formatted value to *out.
void AppendGoFloat(double value, std::string* out);
std::string FormatGoFloat(double value);

}  // namespace otelite
