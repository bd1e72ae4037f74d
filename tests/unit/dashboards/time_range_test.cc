#include "dashboards/time_range.h"

#include <gtest/gtest.h>

#include <ctime>

namespace otelite::dashboards {
namespace {

// Expected instants computed with libc's timegm, independent of the code under test.
int64_t Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0,
            int millis = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

constexpr int64_t kHour = 3600 * 1000;

// Wednesday 2026-11-25 10:17:33.250 UTC.
const int64_t kNow = Utc(2026, 11, 25, 10, 17, 33, 250);

int64_t From(std::string_view text, int64_t now = kNow, std::string_view tz = "utc",
             WeekStart week_start = WeekStart::kSunday) {
  auto zone = TimeZone::Parse(tz);
  EXPECT_TRUE(zone.ok()) << zone.status().message();
  auto t = ParseTimeExpression(text, now, false, *zone, week_start);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().message();
  return t.ok() ? *t : -1;
}

int64_t To(std::string_view text, int64_t now = kNow, std::string_view tz = "utc",
           WeekStart week_start = WeekStart::kSunday) {
  auto zone = TimeZone::Parse(tz);
  EXPECT_TRUE(zone.ok()) << zone.status().message();
  auto t = ParseTimeExpression(text, now, true, *zone, week_start);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().message();
  return t.ok() ? *t : -1;
}

std::string Error(std::string_view text, std::string_view tz = "utc") {
  auto zone = TimeZone::Parse(tz);
  if (!zone.ok()) return zone.status().message();
  auto t = ParseTimeExpression(text, kNow, false, *zone);
  return t.ok() ? "no error" : t.status().message();
}

TEST(TimeRangeTest, RelativeExpressions) {
  EXPECT_EQ(From("now"), kNow);
  EXPECT_EQ(From("now-6h"), kNow - 6 * kHour);
  EXPECT_EQ(From("now+1h"), kNow + kHour);
  EXPECT_EQ(From("now-15m"), kNow - 15 * 60 * 1000);
  EXPECT_EQ(From("now-30s"), kNow - 30 * 1000);
  EXPECT_EQ(From("now-2w"), kNow - 14 * 24 * kHour);
  EXPECT_EQ(From("now-1M"), Utc(2026, 10, 25, 10, 17, 33, 250));
  EXPECT_EQ(From("now-1y"), Utc(2025, 11, 25, 10, 17, 33, 250));
  EXPECT_EQ(From("now-1Q"), Utc(2026, 8, 25, 10, 17, 33, 250));
  // Grafana ignores white space in the math.
  EXPECT_EQ(From(" now - 1h "), kNow - kHour);
  // Several operations apply left to right.
  EXPECT_EQ(From("now/d+8h"), Utc(2026, 11, 25, 8));
  EXPECT_EQ(From("now-1d/d"), Utc(2026, 11, 24));
}

TEST(TimeRangeTest, RoundingStartsFromAndEndsTo) {
  EXPECT_EQ(From("now-7d/d"), Utc(2026, 11, 18));
  EXPECT_EQ(To("now-7d/d"), Utc(2026, 11, 18, 23, 59, 59, 999));
  EXPECT_EQ(From("now/d"), Utc(2026, 11, 25));
  EXPECT_EQ(To("now/d"), Utc(2026, 11, 25, 23, 59, 59, 999));
  EXPECT_EQ(From("now/h"), Utc(2026, 11, 25, 10));
  EXPECT_EQ(To("now/h"), Utc(2026, 11, 25, 10, 59, 59, 999));
  EXPECT_EQ(From("now/m"), Utc(2026, 11, 25, 10, 17));
  EXPECT_EQ(From("now/s"), Utc(2026, 11, 25, 10, 17, 33));
  EXPECT_EQ(From("now/M"), Utc(2026, 11, 1));
  EXPECT_EQ(To("now/M"), Utc(2026, 11, 30, 23, 59, 59, 999));
  EXPECT_EQ(From("now/Q"), Utc(2026, 10, 1));
  EXPECT_EQ(To("now/Q"), Utc(2026, 12, 31, 23, 59, 59, 999));
  EXPECT_EQ(From("now-1y/y"), Utc(2025, 1, 1));
  EXPECT_EQ(To("now-1y/y"), Utc(2025, 12, 31, 23, 59, 59, 999));
  EXPECT_EQ(From("now/fy"), Utc(2026, 1, 1));  // fiscal years start in January by default
  EXPECT_EQ(From("now/1d"), Utc(2026, 11, 25));
}

TEST(TimeRangeTest, WeeksStartOnTheConfiguredDay) {
  // 2026-11-25 is a Wednesday.
  EXPECT_EQ(From("now/w"), Utc(2026, 11, 22));  // Sunday
  EXPECT_EQ(To("now/w"), Utc(2026, 11, 28, 23, 59, 59, 999));
  EXPECT_EQ(From("now/w", kNow, "utc", WeekStart::kMonday), Utc(2026, 11, 23));
  EXPECT_EQ(To("now/w", kNow, "utc", WeekStart::kMonday), Utc(2026, 11, 29, 23, 59, 59, 999));
  EXPECT_EQ(From("now/w", kNow, "utc", WeekStart::kSaturday), Utc(2026, 11, 21));
  EXPECT_EQ(ParseWeekStart("monday"), WeekStart::kMonday);
  EXPECT_EQ(ParseWeekStart("saturday"), WeekStart::kSaturday);
  EXPECT_EQ(ParseWeekStart(""), WeekStart::kSunday);
}

TEST(TimeRangeTest, MonthArithmeticClampsTheDay) {
  EXPECT_EQ(From("now-1M", Utc(2026, 3, 31, 12)), Utc(2026, 2, 28, 12));
  EXPECT_EQ(From("now-1M", Utc(2024, 3, 31, 12)), Utc(2024, 2, 29, 12));
  EXPECT_EQ(From("now+1M", Utc(2026, 1, 31)), Utc(2026, 2, 28));
  EXPECT_EQ(From("now-1y", Utc(2024, 2, 29)), Utc(2023, 2, 28));
  EXPECT_EQ(From("now-13M", Utc(2026, 1, 15)), Utc(2024, 12, 15));
}

TEST(TimeRangeTest, AbsoluteTimes) {
  EXPECT_EQ(From("1700000000000"), 1700000000000);
  EXPECT_EQ(From("0"), 0);
  EXPECT_EQ(From("20261125"), Utc(2026, 11, 25));
  EXPECT_EQ(From("20261125T101500"), Utc(2026, 11, 25, 10, 15));
  EXPECT_EQ(From("2026-11-25T10:00:00Z"), Utc(2026, 11, 25, 10));
  EXPECT_EQ(From("2026-11-25T10:00:00.5+02:00"), Utc(2026, 11, 25, 8, 0, 0, 500));
  EXPECT_EQ(From("2026-11-25T10:00:00.123456789-0530"), Utc(2026, 11, 25, 15, 30, 0, 123));
  EXPECT_EQ(From("2026-11-25"), Utc(2026, 11, 25));
  EXPECT_EQ(From("2026-11-25T10:00"), Utc(2026, 11, 25, 10));
  // Without an offset the time is local to the zone.
  EXPECT_EQ(From("2026-11-25 10:00:00", kNow, "Europe/Paris"), Utc(2026, 11, 25, 9));
  EXPECT_EQ(From("2026-07-01", kNow, "Europe/Paris"), Utc(2026, 6, 30, 22));
  // An anchor followed by math.
  EXPECT_EQ(From("2026-11-25T10:00:00Z||+1d/d"), Utc(2026, 11, 26));
  EXPECT_EQ(To("1700000000000||/h"), Utc(2023, 11, 14, 22, 59, 59, 999));
}

TEST(TimeRangeTest, TimeZonesRoundInLocalTime) {
  // Paris is UTC+1 in November: its day starts at 23:00 UTC the day before.
  EXPECT_EQ(From("now/d", kNow, "Europe/Paris"), Utc(2026, 11, 24, 23));
  EXPECT_EQ(To("now/d", kNow, "Europe/Paris"), Utc(2026, 11, 25, 22, 59, 59, 999));
  // Fixed offsets: 23:30 UTC is 01:30 on the 26th at +02:00.
  const int64_t late = Utc(2026, 11, 25, 23, 30);
  EXPECT_EQ(From("now/d", late, "+02:00"), Utc(2026, 11, 25, 22));
  EXPECT_EQ(From("now/d", late, "+0200"), Utc(2026, 11, 25, 22));
  EXPECT_EQ(From("now/d", late, "UTC+2"), Utc(2026, 11, 25, 22));
  EXPECT_EQ(From("now/d", late, "-05:00"), Utc(2026, 11, 25, 5));
  // Half-hour offsets: hours start at :30 UTC in India.
  EXPECT_EQ(From("now/h", kNow, "+05:30"), Utc(2026, 11, 25, 9, 30));
  EXPECT_EQ(From("now/h", kNow, "Asia/Kolkata"), Utc(2026, 11, 25, 9, 30));
  // "browser" is UTC on the server.
  EXPECT_EQ(From("now/d", late, "browser"), Utc(2026, 11, 25));
  EXPECT_EQ(From("now/d", late, ""), Utc(2026, 11, 25));
}

TEST(TimeRangeTest, DaylightSavingTime) {
  // Europe/Paris leaves DST on Sunday 2026-10-25 at 03:00 CEST (01:00 UTC): that day has 25 h.
  const int64_t noon = Utc(2026, 10, 25, 12);
  EXPECT_EQ(From("now/d", noon, "Europe/Paris"), Utc(2026, 10, 24, 22));  // midnight CEST
  EXPECT_EQ(To("now/d", noon, "Europe/Paris"), Utc(2026, 10, 25, 22, 59, 59, 999));
  // Adding a day keeps the wall-clock time (12:00 CEST -> 12:00 CET); adding 24 h does not.
  const int64_t saturday = Utc(2026, 10, 24, 10);
  EXPECT_EQ(From("now+1d", saturday, "Europe/Paris"), Utc(2026, 10, 25, 11));
  EXPECT_EQ(From("now+24h", saturday, "Europe/Paris"), Utc(2026, 10, 25, 10));
  // Entering DST on 2026-03-29, 02:00 CET -> 03:00 CEST: 02:30 does not exist and moves forward.
  EXPECT_EQ(From("now+1d", Utc(2026, 3, 28, 1, 30), "Europe/Paris"), Utc(2026, 3, 29, 1, 30));
  // New York falls back on 2026-11-01 at 02:00 EDT: 01:30 happens twice; the earlier is used.
  EXPECT_EQ(From("now+1d", Utc(2026, 10, 31, 5, 30), "America/New_York"), Utc(2026, 11, 1, 5, 30));
  // Rounding to the hour inside the repeated hour stays in it.
  EXPECT_EQ(From("now/h", Utc(2026, 11, 1, 6, 40), "America/New_York"), Utc(2026, 11, 1, 6));
}

TEST(TimeRangeTest, IanaZonesBeyondTheTransitionTable) {
  // After the files' last transition the POSIX rule in their footer applies.
  auto paris = TimeZone::Parse("Europe/Paris");
  ASSERT_TRUE(paris.ok()) << paris.status().message();
  EXPECT_EQ(paris->OffsetMs(Utc(2060, 7, 1, 12)), 2 * kHour);
  EXPECT_EQ(paris->OffsetMs(Utc(2060, 1, 1, 12)), 1 * kHour);
  auto new_york = TimeZone::Parse("America/New_York");
  ASSERT_TRUE(new_york.ok());
  EXPECT_EQ(new_york->OffsetMs(Utc(2070, 7, 1)), -4 * kHour);
  EXPECT_EQ(new_york->OffsetMs(Utc(2070, 12, 1)), -5 * kHour);
  auto sydney = TimeZone::Parse("Australia/Sydney");  // southern hemisphere: DST over new year
  ASSERT_TRUE(sydney.ok());
  EXPECT_EQ(sydney->OffsetMs(Utc(2065, 1, 15)), 11 * kHour);
  EXPECT_EQ(sydney->OffsetMs(Utc(2065, 7, 15)), 10 * kHour);
  EXPECT_EQ(sydney->OffsetMs(Utc(2026, 1, 15)), 11 * kHour);
  // Before the first transition: the zone's first local time type.
  EXPECT_EQ(new_york->OffsetMs(Utc(2026, 7, 1)), -4 * kHour);
}

TEST(TimeRangeTest, Errors) {
  EXPECT_EQ(Error("now-3x"),
            "invalid time \"now-3x\": unknown unit \"x\" (expected s, m, h, d, w, M, Q or y)");
  EXPECT_EQ(Error("now-"), "invalid time \"now-\": missing unit after \"-\"");
  EXPECT_EQ(Error("now/2d"), "invalid time \"now/2d\": rounding takes no number (\"/2d\")");
  EXPECT_EQ(Error("now*2h"),
            "invalid time \"now*2h\": unexpected \"*\" (expected +, - or / and a unit)");
  EXPECT_NE(Error("yesterday").find("invalid time \"yesterday\": not \"now\""), std::string::npos);
  EXPECT_NE(Error("").find("empty"), std::string::npos);
  EXPECT_NE(Error("2026-02-30").find("invalid time \"2026-02-30\""), std::string::npos);
  EXPECT_NE(Error("2026-11-25T25:00:00Z").find("invalid time"), std::string::npos);
  EXPECT_NE(Error("now-99999999999d").find("number too large"), std::string::npos);
  EXPECT_NE(Error("now-9999999y").find("out of range"), std::string::npos);
  EXPECT_NE(Error("now/fd").find("unknown unit \"f\""), std::string::npos);
  EXPECT_EQ(Error("now", "Mars/Olympus_Mons"), "unknown time zone \"Mars/Olympus_Mons\"");
  EXPECT_EQ(Error("now", "../../etc/passwd"), "unknown time zone \"../../etc/passwd\"");
  EXPECT_EQ(Error("now", "+25:00"), "unknown time zone \"+25:00\"");
}

TEST(TimeRangeTest, ResolveTimeRange) {
  auto range = ResolveTimeRange("now-24h", "now", kNow, "utc");
  ASSERT_TRUE(range.ok()) << range.status().message();
  EXPECT_EQ(range->from_ms, kNow - 24 * kHour);
  EXPECT_EQ(range->to_ms, kNow);
  EXPECT_EQ(range->raw_from, "now-24h");
  auto today = ResolveTimeRange("now/d", "now/d", kNow, "Europe/Paris");
  ASSERT_TRUE(today.ok()) << today.status().message();
  EXPECT_EQ(today->from_ms, Utc(2026, 11, 24, 23));
  EXPECT_EQ(today->to_ms, Utc(2026, 11, 25, 22, 59, 59, 999));
  auto backwards = ResolveTimeRange("now", "now-1h", kNow, "utc");
  ASSERT_FALSE(backwards.ok());
  EXPECT_NE(backwards.status().message().find("\"from\" (now, 2026-11-25T10:17:33.250Z) must be "
                                              "before \"to\" (now-1h"),
            std::string::npos)
      << backwards.status().message();
  EXPECT_FALSE(ResolveTimeRange("now", "now", kNow, "utc").ok());
  auto bad_zone = ResolveTimeRange("now-1h", "now", kNow, "Nowhere");
  ASSERT_FALSE(bad_zone.ok());
  EXPECT_EQ(bad_zone.status().message(), "unknown time zone \"Nowhere\"");
  auto bad_to = ResolveTimeRange("now-1h", "now-3x", kNow, "utc");
  ASSERT_FALSE(bad_to.ok());
  EXPECT_NE(bad_to.status().message().find("invalid time \"now-3x\": unknown unit \"x\""),
            std::string::npos);
}

TEST(TimeRangeTest, FormatRfc3339) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatRfc3339(Utc(2026, 2, 28, 23, 59, 59)), "2026-02-28T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace otelite::dashboards
