// Value formatting by unit, with Grafana's rules: the C++ twin of web/src/format/units.ts (read
// its header for the rules). Both implementations run the vectors in
// web/src/format/units.cases.json, so the PNGs print exactly what the browser prints.
//
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace otelite::render {

// Decimals as a panel gives them: unset means automatic (Grafana's rule).
using Decimals = std::optional<int>;

struct FormattedValue {
  std::string prefix;
  std::string text;
  std::string suffix;

  std::string ToString() const { return prefix + text + suffix; }
};

// JavaScript's String(number): the shortest text that reads back as the same double, with an
// exponent below 1e-6 and from 1e21 ("1e-7", "1e+21"); "NaN", "Infinity", "-Infinity"; -0 is "0".
std::string JsNumberToString(double value);

// JavaScript's Math.round: the nearest integer, halves toward +infinity.
double JsRound(double value);

// Grafana's automatic number of decimals for a value.
int AutoDecimals(double value);

// Rounds to `decimals` (automatic when unset) and pads with zeros; non-finite values print as
// "NaN", "∞", "-∞".
std::string ToFixed(double value, Decimals decimals);

// Formats `value` in Grafana's unit `unit` ("short", "currencyUSD", "bytes", "s",
// "suffix:tokens", …; unknown ids become a suffix after a space, as in Grafana).
FormattedValue FormatUnit(std::string_view unit, double value, Decimals decimals);

// One string; a null value (nullopt) gives "".
std::string FormatValue(std::string_view unit, std::optional<double> value, Decimals decimals);

}  // namespace otelite::render
