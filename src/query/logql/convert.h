// The value conversions of LogQL's label filters (`| took > 1s`, `| size > 20MB`, `| n > 5`) and
// of `unwrap` (`unwrap duration(x)`, `unwrap bytes(x)`, plain `unwrap x`), with the Go library
// rules Loki uses for both the label values and the literals written in a query:
//   - numbers: strconv.ParseFloat(s, 64);
//   - durations: time.ParseDuration;
//   - byte sizes: go-humanize's ParseBytes.
// Errors carry the Go library's wording (`strconv.ParseFloat: parsing "x": invalid syntax`,
// `time: unknown unit "d" in duration "1d"`, `unhandled size name: xb`); the engine uses them
// as __error_details__.
//
// Thread-safety: stateless functions; they allocate only to build an error.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace otelite::logql {

// strconv.ParseFloat(s, 64): optional sign; decimal digits with an optional fraction and
// exponent ("1", ".5", "1.", "-2.5e-3"); hexadecimal with a mandatory binary exponent
// ("0x1.8p1"); '_' between digits ("1_000"); "inf", "infinity" (with a sign) and "nan", in any
// case. Nothing else may follow. Out of range ("1e400") is an error; underflow gives 0.
Result<double> ParseGoFloat(std::string_view text);

// time.ParseDuration: an optional sign, then one or more <number><unit> ("1h2m3.5s", "-1.5h",
// "300ms", ".5s"); units ns, us, µs, μs, ms, s, m, h (no d/w/y); "0" alone needs no unit.
// Nanoseconds as int64; beyond ±2^63 ns (about 292 years) is an error.
Result<int64_t> ParseGoDurationNanos(std::string_view text);

// ParseGoDurationNanos in seconds, as Go's Duration.Seconds() computes it.
Result<double> ParseGoDuration(std::string_view text);

// go-humanize's ParseBytes: leading digits, '.' and ',' (commas dropped: "2,048") parsed as a
// float, times the unit that follows (white space around it ignored, case-insensitive): none or
// b; k/kb, m/mb, g/gb, t/tb, p/pb, e/eb (powers of 1000); ki/kib, mi/mib, ... ei/eib (powers of
// 1024). The product is truncated ("1.5B" -> 1); 2^64 or more is an error.
Result<uint64_t> ParseHumanBytes(std::string_view text);

}  // namespace otelite::logql
