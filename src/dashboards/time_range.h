// Grafana's time expressions and time zones: what a dashboard's `from`/`to` (URL, request body,
// dashboard "time") mean as Unix milliseconds.
//
// Expressions (Grafana's dateMath and its URL parsing):
//   now, now-6h, now+1d, now-7d/d, now/w, now-1M, now-1y/y, now/d+8h   math: [+-]N<unit> or /<unit>
//   1700000000000                 Unix milliseconds (digits, optionally negative)
//   20261125 and 20261125T100000  the URL's compact dates, UTC
//   2026-11-25T10:00:00Z, 2026-11-25T10:00:00.5+02:00, 2026-11-25 10:00:00, 2026-11-25
//                                 RFC 3339 / ISO 8601; without an offset the time is local to the
//                                 time zone
//   2026-11-25T10:00:00Z||+1d     an absolute anchor followed by math
// Units: s m h d w M y, and Q (quarter); `/<unit>` rounds to the start of the unit (for `from`) or
// to its last millisecond (for `to`, Grafana's roundUp). d, w, M, Q and y are calendar units of the
// time zone (adding 1d keeps the wall-clock time across a DST change, adding 1M on Jan 31 gives the
// last day of February); s, m and h are fixed lengths. `f` before Q/y (fiscal) is accepted and
// treated with fiscal years starting in January (Grafana's default fiscalYearStartMonth).
//
// Time zones: "utc"/"UTC", "browser" and "" (the browser's zone is unknown on the server: UTC),
// fixed offsets "+02:00", "-0530", "UTC+2", and IANA names ("Europe/Paris") read from the system
// tzdata (TZif files under $TZDIR or /usr/share/zoneinfo; loaded once and cached).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace otelite::dashboards {

// A time zone: maps instants to their UTC offset and wall-clock times back to instants.
// Immutable and cheap to copy (IANA zones share their loaded transitions). Thread-safe.
class TimeZone {
 public:
  TimeZone();  // UTC

  // "utc", "browser", "", "+02:00", "-0530", "UTC+2", "Z", or an IANA name. InvalidArgument naming
  // the zone when it is not one of these or its tzdata file is missing or malformed.
  static Result<TimeZone> Parse(std::string_view name);

  // The name as given ("utc" for the default).
  const std::string& name() const { return name_; }
  bool IsUtc() const;

  // The offset from UTC in milliseconds at the instant `utc_ms` (local = utc + offset).
  int64_t OffsetMs(int64_t utc_ms) const;
  // The instant whose wall-clock time in this zone is `local_ms` (milliseconds since 1970-01-01
  // 00:00 local). Ambiguous times (a DST fall-back) give the earlier instant; non-existent times
  // (a spring-forward gap) move forward by the gap, as moment-timezone does.
  int64_t LocalToUtc(int64_t local_ms) const;

  struct Rules;  // the transitions of an IANA zone (time_range.cc)

 private:
  std::string name_ = "utc";
  int64_t fixed_offset_ms_ = 0;
  std::shared_ptr<const Rules> rules_;  // null: the fixed offset
};

enum class WeekStart { kSunday, kMonday, kSaturday };

// "sunday", "monday", "saturday" (a dashboard's "weekStart"); "" or anything else: Sunday, the
// default of Grafana's English locale.
WeekStart ParseWeekStart(std::string_view text);

// One time expression as Unix milliseconds. `round_up`: `/unit` goes to the unit's last
// millisecond (a range's `to`). Errors name the expression: `invalid time "now-3x": unknown unit
// "x"`.
Result<int64_t> ParseTimeExpression(std::string_view text, int64_t now_ms, bool round_up,
                                    const TimeZone& tz, WeekStart week_start = WeekStart::kSunday);

struct TimeRange {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  std::string raw_from;  // the expressions as given
  std::string raw_to;
};

// `from` and `to` resolved at `now_ms` in the time zone named `tz` (TimeZone::Parse). Errors: an
// invalid expression or zone, and `from` not before `to`.
Result<TimeRange> ResolveTimeRange(std::string_view from, std::string_view to, int64_t now_ms,
                                   std::string_view tz, WeekStart week_start = WeekStart::kSunday);

// Unix milliseconds as RFC 3339 in UTC: "2026-11-25T10:00:00Z", with ".123" when the
// milliseconds are not zero.
std::string FormatRfc3339(int64_t unix_ms);

}  // namespace otelite::dashboards
