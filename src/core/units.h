// Parsing of human-written quantities used in flags and config: durations ("180m", "200h",
// "1h30m", "500ms") and byte sizes ("16MiB", "512MB", "1048576").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace otelite {

using Duration = std::chrono::milliseconds;

// Prometheus-style duration: one or more <number><unit> with units ms, s, m, h, d, w, y.
Result<Duration> ParseDuration(std::string_view text);
std::string FormatDuration(Duration d);

// Byte size: an integer with an optional unit B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB
// (powers of 1024).
Result<uint64_t> ParseByteSize(std::string_view text);
std::string FormatByteSize(uint64_t bytes);

// Wall-clock now in Unix nanoseconds / milliseconds.
int64_t NowUnixNanos();
inline int64_t NowUnixMillis() { return NowUnixNanos() / 1'000'000; }

}  // namespace otelite
