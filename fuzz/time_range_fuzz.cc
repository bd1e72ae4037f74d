// Grafana time expressions and time zones: the input is "from\nto\ntimezone" (missing parts are
// "now" and "utc"). Checks what must hold whatever the input: resolved ranges are ordered and
// inside years 0000..9999, and every resolved instant written as RFC 3339 parses back to itself.
#include <cstdint>
#include <string>
#include <string_view>

#include "dashboards/time_range.h"

namespace {

namespace dashboards = otelite::dashboards;

constexpr int64_t kNow = 1795601853250;  // 2026-11-25T10:17:33.250Z

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

std::string_view NextLine(std::string_view* input) {
  const size_t nl = input->find('\n');
  std::string_view line = input->substr(0, nl);
  input->remove_prefix(nl == std::string_view::npos ? input->size() : nl + 1);
  return line;
}

void RoundTrips(int64_t t) {
  Check(t >= -62167219200000LL && t <= 253402300799999LL);
  const std::string text = dashboards::FormatRfc3339(t);
  auto back = dashboards::ParseTimeExpression(text, kNow, false, dashboards::TimeZone());
  Check(back.ok() && *back == t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view from = NextLine(&input);
  std::string_view to = NextLine(&input);
  std::string_view tz = NextLine(&input);
  if (to.empty()) to = "now";
  auto range = dashboards::ResolveTimeRange(from, to, kNow, tz);
  if (range.ok()) {
    Check(range->from_ms < range->to_ms);
    RoundTrips(range->from_ms);
    RoundTrips(range->to_ms);
  } else {
    Check(!range.status().message().empty());
  }
  static const char* kZones[] = {"utc", "Europe/Paris", "America/New_York", "+05:30",
                                 "Australia/Lord_Howe"};
  for (const char* name : kZones) {
    auto zone = dashboards::TimeZone::Parse(name);
    Check(zone.ok());
    for (bool round_up : {false, true}) {
      for (auto week : {dashboards::WeekStart::kSunday, dashboards::WeekStart::kMonday}) {
        auto t = dashboards::ParseTimeExpression(from, kNow, round_up, *zone, week);
        if (t.ok()) RoundTrips(*t);
      }
    }
  }
  return 0;
}
