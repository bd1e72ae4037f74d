#include "core/units.h"

#include <cctype>
#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace otelite {

Result<Duration> ParseDuration(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("empty duration");
  int64_t total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) {
      return Status::InvalidArgument(fmt::format("duration '{}': expected a number at '{}'", text,
                                                 text.substr(start)));
    }
    int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data() + start, text.data() + i, n);
    if (ec != std::errc()) return Status::InvalidArgument(fmt::format("duration '{}': number too large", text));
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    int64_t mult;
    if (unit == "ms") mult = 1;
    else if (unit == "s") mult = 1000;
    else if (unit == "m") mult = 60'000;
    else if (unit == "h") mult = 3'600'000;
    else if (unit == "d") mult = 86'400'000;
    else if (unit == "w") mult = 7 * 86'400'000LL;
    else if (unit == "y") mult = 365 * 86'400'000LL;
    else {
      return Status::InvalidArgument(fmt::format(
          "duration '{}': unknown unit '{}' (use ms, s, m, h, d, w, y)", text, unit));
    }
    if (n > std::numeric_limits<int64_t>::max() / mult - total_ms) {
      return Status::InvalidArgument(fmt::format("duration '{}': too large", text));
    }
    total_ms += n * mult;
  }
  return Duration(total_ms);
}

std::string FormatDuration(Duration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  struct U { int64_t ms; const char* name; };
  static constexpr U kUnits[] = {{3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (const auto& u : kUnits) {
    if (ms >= u.ms) {
      out += fmt::format("{}{}", ms / u.ms, u.name);
      ms %= u.ms;
    }
  }
  return out;
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0) return Status::InvalidArgument(fmt::format("size '{}': expected a number", text));
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + i, n);
  if (ec != std::errc()) return Status::InvalidArgument(fmt::format("size '{}': number too large", text));
  std::string_view unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  uint64_t mult;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "KB") mult = 1000;
  else if (unit == "MB") mult = 1000 * 1000;
  else if (unit == "GB") mult = 1000ULL * 1000 * 1000;
  else if (unit == "KiB") mult = 1024;
  else if (unit == "MiB") mult = 1024 * 1024;
  else if (unit == "GiB") mult = 1024ULL * 1024 * 1024;
  else {
    return Status::InvalidArgument(
        fmt::format("size '{}': unknown unit '{}' (use B, KB, MB, GB, KiB, MiB, GiB)", text, unit));
  }
  if (n > std::numeric_limits<uint64_t>::max() / mult) {
    return Status::InvalidArgument(fmt::format("size '{}': too large", text));
  }
  return n * mult;
}

std::string FormatByteSize(uint64_t bytes) {
  if (bytes % (1024ULL * 1024 * 1024) == 0 && bytes > 0) return fmt::format("{}GiB", bytes >> 30);
  if (bytes % (1024 * 1024) == 0 && bytes > 0) return fmt::format("{}MiB", bytes >> 20);
  if (bytes % 1024 == 0 && bytes > 0) return fmt::format("{}KiB", bytes >> 10);
  return fmt::format("{}B", bytes);
}

int64_t NowUnixNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace otelite
