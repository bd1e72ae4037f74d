// Integer arithmetic on times: division rounding toward negative infinity (times before 1970,
// phases of negative offsets) and the proleptic Gregorian calendar as day numbers.
#pragma once

#include <cstdint>

namespace otelite {

// a / b rounded toward negative infinity; b != 0.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
// a - FloorDiv(a, b) * b: in [0, b) for b > 0.
inline int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12; Howard Hinnant's
// days_from_civil).
inline int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace otelite
