// Go's time package as the template functions need it: layout-based Format and Parse (the
// reference time "Mon Jan 2 15:04:05 MST 2006"), Time.String, ParseDuration, and zones.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/civil_time.h"
#include "query/logql/template_internal.h"

namespace otelite::logql::template_internal {
namespace {

constexpr const char* kLongMonths[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
constexpr const char* kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};

struct Civil {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
  int hour, minute, second;
  int weekday;  // 0 = Sunday
  int yday;     // 1..366
};

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int month, int64_t year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

Civil ToCivil(const GoTime& t) {
  int64_t local = t.sec + t.offset;
  int64_t days = FloorDiv(local, 86400);
  int64_t secs = local - days * 86400;
  int64_t z = days + 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  Civil c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  c.yday = static_cast<int>(days - DaysFromCivil(c.year, 1, 1) + 1);
  return c;
}

enum Std {
  kNone,
  kLongMonth,
  kMonth,
  kNumMonth,
  kZeroMonth,
  kLongWeekDay,
  kWeekDay,
  kDay,
  kUnderDay,
  kZeroDay,
  kUnderYearDay,
  kZeroYearDay,
  kHour,
  kHour12,
  kZeroHour12,
  kMinute,
  kZeroMinute,
  kSecond,
  kZeroSecond,
  kLongYear,
  kYear,
  kPM,
  kpm,
  kTZ,
  kISO8601TZ,
  kISO8601SecondsTZ,
  kISO8601ShortTZ,
  kISO8601ColonTZ,
  kISO8601ColonSecondsTZ,
  kNumTZ,
  kNumSecondsTz,
  kNumShortTZ,
  kNumColonTZ,
  kNumColonSecondsTZ,
  kFracSecond0,
  kFracSecond9,
};

struct Chunk {
  std::string_view prefix;
  Std std = kNone;
  int frac_digits = 0;
  char frac_sep = '.';
  std::string_view suffix;
};

// What a numeric zone layout element (Z07:00, -0700, …) writes and reads: Z for UTC (the ISO
// forms), a colon between the parts, and whether minutes and seconds follow the hours.
struct ZoneShape {
  bool iso;
  bool colon;
  bool minutes;
  bool seconds;
};
ZoneShape ZoneShapeOf(Std std) {
  return {std == kISO8601TZ || std == kISO8601ColonTZ || std == kISO8601SecondsTZ ||
              std == kISO8601ShortTZ || std == kISO8601ColonSecondsTZ,
          std == kISO8601ColonTZ || std == kNumColonTZ || std == kISO8601ColonSecondsTZ ||
              std == kNumColonSecondsTZ,
          std != kNumShortTZ && std != kISO8601ShortTZ,
          std == kISO8601SecondsTZ || std == kNumSecondsTz || std == kISO8601ColonSecondsTZ ||
              std == kNumColonSecondsTZ};
}

bool StartsWith(std::string_view s, size_t i, std::string_view p) {
  return s.substr(i, p.size()) == p;
}
bool IsDigitAt(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's nextStdChunk: the text before the first layout element, the element, the rest.
Chunk NextChunk(std::string_view layout) {
  Chunk c;
  for (size_t i = 0; i < layout.size(); ++i) {
    auto found = [&](Std std, size_t len) {
      c.prefix = layout.substr(0, i);
      c.std = std;
      c.suffix = layout.substr(i + len);
      return c;
    };
    switch (layout[i]) {
      case 'J':
        if (StartsWith(layout, i, "Jan")) {
          return StartsWith(layout, i, "January") ? found(kLongMonth, 7) : found(kMonth, 3);
        }
        break;
      case 'M':
        if (StartsWith(layout, i, "Mon")) {
          return StartsWith(layout, i, "Monday") ? found(kLongWeekDay, 6) : found(kWeekDay, 3);
        }
        if (StartsWith(layout, i, "MST")) return found(kTZ, 3);
        break;
      case '0':
        if (i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
          static constexpr Std kStd[] = {kZeroMonth,  kZeroDay,    kZeroHour12,
                                         kZeroMinute, kZeroSecond, kYear};
          return found(kStd[layout[i + 1] - '1'], 2);
        }
        if (StartsWith(layout, i, "002")) return found(kZeroYearDay, 3);
        break;
      case '1':
        if (StartsWith(layout, i, "15")) return found(kHour, 2);
        return found(kNumMonth, 1);
      case '2':
        if (StartsWith(layout, i, "2006")) return found(kLongYear, 4);
        return found(kDay, 1);
      case '_':
        if (StartsWith(layout, i, "_2")) {
          // _2006 is really a literal _, followed by stdLongYear.
          if (StartsWith(layout, i, "_2006")) {
            c.prefix = layout.substr(0, i + 1);
            c.std = kLongYear;
            c.suffix = layout.substr(i + 5);
            return c;
          }
          return found(kUnderDay, 2);
        }
        if (StartsWith(layout, i, "__2")) return found(kUnderYearDay, 3);
        break;
      case '3':
        return found(kHour12, 1);
      case '4':
        return found(kMinute, 1);
      case '5':
        return found(kSecond, 1);
      case 'P':
        if (StartsWith(layout, i, "PM")) return found(kPM, 2);
        break;
      case 'p':
        if (StartsWith(layout, i, "pm")) return found(kpm, 2);
        break;
      case '-':
        if (StartsWith(layout, i, "-070000")) return found(kNumSecondsTz, 7);
        if (StartsWith(layout, i, "-07:00:00")) return found(kNumColonSecondsTZ, 9);
        if (StartsWith(layout, i, "-0700")) return found(kNumTZ, 5);
        if (StartsWith(layout, i, "-07:00")) return found(kNumColonTZ, 6);
        if (StartsWith(layout, i, "-07")) return found(kNumShortTZ, 3);
        break;
      case 'Z':
        if (StartsWith(layout, i, "Z070000")) return found(kISO8601SecondsTZ, 7);
        if (StartsWith(layout, i, "Z07:00:00")) return found(kISO8601ColonSecondsTZ, 9);
        if (StartsWith(layout, i, "Z0700")) return found(kISO8601TZ, 5);
        if (StartsWith(layout, i, "Z07:00")) return found(kISO8601ColonTZ, 6);
        if (StartsWith(layout, i, "Z07")) return found(kISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        if (i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
          char ch = layout[i + 1];
          size_t j = i + 1;
          while (j < layout.size() && layout[j] == ch) ++j;
          if (!IsDigitAt(layout, j)) {
            c.prefix = layout.substr(0, i);
            c.std = ch == '0' ? kFracSecond0 : kFracSecond9;
            c.frac_digits = static_cast<int>(j - (i + 1));
            c.frac_sep = layout[i];
            c.suffix = layout.substr(j);
            return c;
          }
        }
        break;
      default:
        break;
    }
  }
  c.prefix = layout;
  return c;
}

void AppendInt(int64_t v, int width, std::string* out) {
  if (v < 0) {
    out->push_back('-');
    v = -v;
  }
  char buf[24];
  int n = std::snprintf(buf, sizeof(buf), "%0*lld", width, static_cast<long long>(v));
  out->append(buf, static_cast<size_t>(n));
}

void AppendFrac(int32_t nsec, int digits, bool trim, char sep, std::string* out) {
  char buf[10];
  std::snprintf(buf, sizeof(buf), "%09d", nsec);
  int n = std::min(digits, 9);
  if (trim) {
    while (n > 0 && buf[n - 1] == '0') --n;
    if (n == 0) return;
  }
  out->push_back(sep);
  out->append(buf, static_cast<size_t>(n));
}

}  // namespace

void FormatGoTime(const GoTime& t, std::string_view layout, std::string* out) {
  Civil c = ToCivil(t);
  while (!layout.empty()) {
    Chunk chunk = NextChunk(layout);
    out->append(chunk.prefix);
    if (chunk.std == kNone) break;
    layout = chunk.suffix;
    switch (chunk.std) {
      case kYear:
        AppendInt(((c.year % 100) + 100) % 100, 2, out);
        break;
      case kLongYear:
        AppendInt(c.year, 4, out);
        break;
      case kMonth:
        out->append(kLongMonths[c.month - 1], 3);
        break;
      case kLongMonth:
        out->append(kLongMonths[c.month - 1]);
        break;
      case kNumMonth:
        AppendInt(c.month, 0, out);
        break;
      case kZeroMonth:
        AppendInt(c.month, 2, out);
        break;
      case kWeekDay:
        out->append(kLongDays[c.weekday], 3);
        break;
      case kLongWeekDay:
        out->append(kLongDays[c.weekday]);
        break;
      case kDay:
        AppendInt(c.day, 0, out);
        break;
      case kUnderDay:
        if (c.day < 10) out->push_back(' ');
        AppendInt(c.day, 0, out);
        break;
      case kZeroDay:
        AppendInt(c.day, 2, out);
        break;
      case kUnderYearDay:
        if (c.yday < 100) out->push_back(' ');
        if (c.yday < 10) out->push_back(' ');
        AppendInt(c.yday, 0, out);
        break;
      case kZeroYearDay:
        AppendInt(c.yday, 3, out);
        break;
      case kHour:
        AppendInt(c.hour, 2, out);
        break;
      case kHour12:
        AppendInt(c.hour % 12 == 0 ? 12 : c.hour % 12, 0, out);
        break;
      case kZeroHour12:
        AppendInt(c.hour % 12 == 0 ? 12 : c.hour % 12, 2, out);
        break;
      case kMinute:
        AppendInt(c.minute, 0, out);
        break;
      case kZeroMinute:
        AppendInt(c.minute, 2, out);
        break;
      case kSecond:
        AppendInt(c.second, 0, out);
        break;
      case kZeroSecond:
        AppendInt(c.second, 2, out);
        break;
      case kPM:
        out->append(c.hour >= 12 ? "PM" : "AM");
        break;
      case kpm:
        out->append(c.hour >= 12 ? "pm" : "am");
        break;
      case kISO8601TZ:
      case kISO8601ColonTZ:
      case kISO8601SecondsTZ:
      case kISO8601ShortTZ:
      case kISO8601ColonSecondsTZ:
      case kNumTZ:
      case kNumColonTZ:
      case kNumSecondsTz:
      case kNumShortTZ:
      case kNumColonSecondsTZ: {
        const ZoneShape shape = ZoneShapeOf(chunk.std);
        if (shape.iso && t.offset == 0) {
          out->push_back('Z');
          break;
        }
        int zone = t.offset / 60;
        int abs_offset = t.offset;
        if (zone < 0) {
          out->push_back('-');
          zone = -zone;
          abs_offset = -abs_offset;
        } else {
          out->push_back('+');
        }
        AppendInt(zone / 60, 2, out);
        if (shape.colon) out->push_back(':');
        if (shape.minutes) AppendInt(zone % 60, 2, out);
        if (shape.seconds) {
          if (shape.colon) out->push_back(':');
          AppendInt(abs_offset % 60, 2, out);
        }
        break;
      }
      case kTZ:
        if (t.zone_len > 0) {
          out->append(t.zone_name());
        } else {
          int zone = t.offset / 60;
          if (zone < 0) {
            out->push_back('-');
            zone = -zone;
          } else {
            out->push_back('+');
          }
          AppendInt(zone / 60, 2, out);
          AppendInt(zone % 60, 2, out);
        }
        break;
      case kFracSecond0:
        AppendFrac(t.nsec, chunk.frac_digits, false, chunk.frac_sep, out);
        break;
      case kFracSecond9:
        AppendFrac(t.nsec, chunk.frac_digits, true, chunk.frac_sep, out);
        break;
      case kNone:
        break;
    }
  }
}

void AppendTimeString(const GoTime& t, std::string* out) {
  FormatGoTime(t, "2006-01-02 15:04:05.999999999 -0700 MST", out);
}

namespace {

// Go's getnum: one or two digits (exactly two when fixed).
bool GetNum(std::string_view* s, bool fixed, int* out) {
  if (!IsDigitAt(*s, 0)) return false;
  if (!IsDigitAt(*s, 1)) {
    if (fixed) return false;
    *out = (*s)[0] - '0';
    s->remove_prefix(1);
    return true;
  }
  *out = ((*s)[0] - '0') * 10 + ((*s)[1] - '0');
  s->remove_prefix(2);
  return true;
}

bool GetNum3(std::string_view* s, bool fixed, int* out) {
  int n = 0;
  size_t i = 0;
  for (; i < 3 && IsDigitAt(*s, i); ++i) n = n * 10 + ((*s)[i] - '0');
  if (i == 0 || (fixed && i != 3)) return false;
  s->remove_prefix(i);
  *out = n;
  return true;
}

// Matches a layout literal against the value: spaces match runs of spaces.
bool Skip(std::string_view* value, std::string_view prefix) {
  while (!prefix.empty()) {
    if (prefix[0] == ' ') {
      if (!value->empty() && (*value)[0] != ' ') return false;
      while (!prefix.empty() && prefix[0] == ' ') prefix.remove_prefix(1);
      while (!value->empty() && (*value)[0] == ' ') value->remove_prefix(1);
      continue;
    }
    if (value->empty() || (*value)[0] != prefix[0]) return false;
    prefix.remove_prefix(1);
    value->remove_prefix(1);
  }
  return true;
}

int Lookup(std::string_view* value, const char* const* names, int count, size_t len) {
  for (int i = 0; i < count; ++i) {
    std::string_view name = names[i];
    if (len > 0) name = name.substr(0, len);
    if (value->size() >= name.size()) {
      bool eq = true;
      for (size_t k = 0; k < name.size(); ++k) {
        if (((*value)[k] | 0x20) != (name[k] | 0x20)) eq = false;
      }
      if (eq) {
        value->remove_prefix(name.size());
        return i;
      }
    }
  }
  return -1;
}

bool ParseNanos(std::string_view value, size_t n, int32_t* out) {
  // value[0] is the separator; value[1:n] digits.
  if (n < 2 || n > value.size() || (value[0] != '.' && value[0] != ',')) return false;
  int64_t ns = 0;
  size_t digits = n - 1;
  for (size_t i = 1; i < n; ++i) {
    if (!IsDigitAt(value, i)) return false;
    if (i <= 9) ns = ns * 10 + (value[i] - '0');
  }
  for (size_t i = digits; i < 9; ++i) ns *= 10;
  *out = static_cast<int32_t>(ns);
  return true;
}

}  // namespace

bool ParseGoTime(std::string_view layout, std::string_view value, std::string_view zone,
                 GoTime* out, std::string* error) {
  std::string_view original_value = value;
  std::string_view original_layout = layout;
  auto bad = [&](std::string_view elem) {
    *error = "parsing time \"" + std::string(original_value) + "\" as \"" +
             std::string(original_layout) + "\": cannot parse \"" + std::string(value) +
             "\" as \"" + std::string(elem) + "\"";
    return false;
  };
  int64_t year = 0;  // elements missing from the layout are zero (or one)
  int month = -1, day = -1, yday = -1, hour = 0, minute = 0, second = 0;
  int32_t nsec = 0;
  bool pm_set = false, pm = false;
  bool have_offset = false;
  int offset = 0;
  std::string zone_name;
  while (true) {
    Chunk chunk = NextChunk(layout);
    std::string_view std_str = layout.substr(
        chunk.prefix.size(), layout.size() - chunk.prefix.size() - chunk.suffix.size());
    if (!Skip(&value, chunk.prefix)) return bad(chunk.prefix);
    if (chunk.std == kNone) {
      if (!value.empty()) {
        *error = "parsing time \"" + std::string(original_value) + "\": extra text: \"" +
                 std::string(value) + "\"";
        return false;
      }
      break;
    }
    layout = chunk.suffix;
    std::string_view hold = value;
    bool ok = true;
    switch (chunk.std) {
      case kYear: {
        if (value.size() < 2 || !IsDigitAt(value, 0) || !IsDigitAt(value, 1)) {
          ok = false;
          break;
        }
        int y = (value[0] - '0') * 10 + (value[1] - '0');
        year = y >= 69 ? 1900 + y : 2000 + y;
        value.remove_prefix(2);
        break;
      }
      case kLongYear: {
        if (value.size() < 4 || !IsDigitAt(value, 0)) {
          ok = false;
          break;
        }
        int y = 0;
        for (int i = 0; i < 4; ++i) {
          if (!IsDigitAt(value, static_cast<size_t>(i))) ok = false;
          y = y * 10 + (value[static_cast<size_t>(i)] - '0');
        }
        year = y;
        value.remove_prefix(4);
        break;
      }
      case kMonth: {
        int m = Lookup(&value, kLongMonths, 12, 3);
        ok = m >= 0;
        month = m + 1;
        break;
      }
      case kLongMonth: {
        int m = Lookup(&value, kLongMonths, 12, 0);
        ok = m >= 0;
        month = m + 1;
        break;
      }
      case kNumMonth:
      case kZeroMonth:
        ok = GetNum(&value, chunk.std == kZeroMonth, &month) && month >= 1 && month <= 12;
        break;
      case kWeekDay:
        ok = Lookup(&value, kLongDays, 7, 3) >= 0;
        break;
      case kLongWeekDay:
        ok = Lookup(&value, kLongDays, 7, 0) >= 0;
        break;
      case kDay:
      case kUnderDay:
      case kZeroDay:
        if (chunk.std == kUnderDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        ok = GetNum(&value, chunk.std == kZeroDay, &day);
        break;
      case kUnderYearDay:
      case kZeroYearDay:
        for (int i = 0; i < 2 && chunk.std == kUnderYearDay && !value.empty() && value[0] == ' ';
             ++i) {
          value.remove_prefix(1);
        }
        ok = GetNum3(&value, chunk.std == kZeroYearDay, &yday) && yday >= 1 && yday <= 366;
        break;
      case kHour:
        ok = GetNum(&value, false, &hour) && hour < 24;
        break;
      case kHour12:
      case kZeroHour12:
        ok = GetNum(&value, chunk.std == kZeroHour12, &hour) && hour <= 12;
        break;
      case kMinute:
      case kZeroMinute:
        ok = GetNum(&value, chunk.std == kZeroMinute, &minute) && minute < 60;
        break;
      case kSecond:
      case kZeroSecond: {
        ok = GetNum(&value, chunk.std == kZeroSecond, &second) && second < 60;
        if (!ok) break;
        // A fractional second in the value but not in the layout is accepted.
        if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && IsDigitAt(value, 1)) {
          Chunk next = NextChunk(layout);
          if (next.std == kFracSecond0 || next.std == kFracSecond9) break;
          size_t n = 2;
          while (n < value.size() && IsDigitAt(value, n)) ++n;
          ok = ParseNanos(value, n, &nsec);
          value.remove_prefix(n);
        }
        break;
      }
      case kPM:
      case kpm:
        if (value.size() >= 2) {
          std::string_view p = value.substr(0, 2);
          if (chunk.std == kPM ? p == "PM" : p == "pm") {
            pm = true;
          } else if (chunk.std == kPM ? p == "AM" : p == "am") {
            pm = false;
          } else {
            ok = false;
          }
          pm_set = true;
          value.remove_prefix(2);
        } else {
          ok = false;
        }
        break;
      case kISO8601TZ:
      case kISO8601ColonTZ:
      case kISO8601SecondsTZ:
      case kISO8601ShortTZ:
      case kISO8601ColonSecondsTZ:
      case kNumTZ:
      case kNumShortTZ:
      case kNumColonTZ:
      case kNumSecondsTz:
      case kNumColonSecondsTZ: {
        const ZoneShape shape = ZoneShapeOf(chunk.std);
        if (shape.iso && !value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          have_offset = true;
          offset = 0;
          zone_name = "UTC";
          break;
        }
        const bool colon = shape.colon, has_minutes = shape.minutes, has_seconds = shape.seconds;
        size_t need =
            3 + (has_minutes ? 2 + (colon ? 1 : 0) : 0) + (has_seconds ? 2 + (colon ? 1 : 0) : 0);
        if (value.size() < need || (value[0] != '+' && value[0] != '-')) {
          ok = false;
          break;
        }
        std::string_view v = value.substr(1);
        int hh = 0, mm = 0, ss = 0;
        ok = GetNum(&v, true, &hh);
        if (ok && has_minutes) {
          if (colon) ok = !v.empty() && v[0] == ':', v.remove_prefix(ok ? 1 : 0);
          ok = ok && GetNum(&v, true, &mm);
        }
        if (ok && has_seconds) {
          if (colon) ok = !v.empty() && v[0] == ':', v.remove_prefix(ok ? 1 : 0);
          ok = ok && GetNum(&v, true, &ss);
        }
        if (ok && (hh > 24 || mm >= 60 || ss >= 60)) ok = false;
        if (!ok) break;
        offset = (hh * 60 + mm) * 60 + ss;
        if (value[0] == '-') offset = -offset;
        have_offset = true;
        value = v;
        break;
      }
      case kTZ: {
        if (value.size() >= 3 && value.substr(0, 3) == "UTC") {
          value.remove_prefix(3);
          zone_name = "UTC";
          have_offset = true;
          offset = 0;
          break;
        }
        // Three to five upper-case letters (Go also takes "ChST", "MeST" and "GMT±h").
        size_t n = 0;
        while (n < value.size() && value[n] >= 'A' && value[n] <= 'Z') ++n;
        if (n < 3 || n > 5) {
          ok = false;
          break;
        }
        zone_name = std::string(value.substr(0, n));
        value.remove_prefix(n);
        break;
      }
      case kFracSecond0: {
        size_t n = 1 + static_cast<size_t>(chunk.frac_digits);
        if (value.size() < n) {
          ok = false;
          break;
        }
        ok = ParseNanos(value, n, &nsec);
        value.remove_prefix(n);
        break;
      }
      case kFracSecond9: {
        if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || !IsDigitAt(value, 1)) {
          break;  // fractional second omitted
        }
        size_t i = 0;
        while (i + 1 < value.size() && IsDigitAt(value, i + 1)) ++i;
        ok = ParseNanos(value, i + 1, &nsec);
        value.remove_prefix(i + 1);
        break;
      }
      case kNone:
        break;
    }
    if (!ok) {
      value = hold;
      return bad(std_str);
    }
  }
  if (pm_set) {
    if (pm && hour < 12) hour += 12;
    if (!pm && hour == 12) hour = 0;
  }
  if (yday >= 0) {
    int64_t days_in_year = IsLeap(year) ? 366 : 365;
    if (yday > days_in_year) {
      *error = "parsing time \"" + std::string(original_value) + "\": day-of-year out of range";
      return false;
    }
    int m = 1;
    int d = yday;
    while (d > DaysIn(m, year)) {
      d -= DaysIn(m, year);
      ++m;
    }
    if ((month >= 0 && month != m) || (day >= 0 && day != d)) {
      *error = "parsing time \"" + std::string(original_value) + "\": day-of-year does not match";
      return false;
    }
    month = m;
    day = d;
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  if (day < 1 || day > DaysIn(month, year)) {
    *error = "parsing time \"" + std::string(original_value) + "\": day out of range";
    return false;
  }
  int64_t local = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  GoTime t;
  t.nsec = nsec;
  GoTime location;
  if (have_offset) {
    t.offset = offset;
    t.sec = local - offset;
    LoadZone(zone, t.sec, &location);
    if (!zone_name.empty() && zone_name == "UTC" && offset == 0) {
      t.set_zone("UTC");
    } else if (offset == location.offset &&
               (zone_name.empty() || zone_name == location.zone_name())) {
      t.set_zone(location.zone_name());
    } else {
      t.set_zone(zone_name);
    }
  } else if (!zone_name.empty()) {
    // A zone abbreviation without an offset: the location's offset if it uses that name, else
    // Go fabricates a zone with offset 0 (GMT+h gives h hours).
    LoadZone(zone, local, &location);
    t.offset = 0;
    if (zone_name == location.zone_name()) {
      t.offset = location.offset;
    } else if (zone_name.size() > 3 && zone_name.compare(0, 3, "GMT") == 0) {
      t.offset = 0;
    }
    t.sec = local - t.offset;
    t.set_zone(zone_name);
  } else {
    // The location's offset in force at that local time.
    LoadZone(zone, local, &location);
    LoadZone(zone, local - location.offset, &location);
    t.offset = location.offset;
    t.sec = local - location.offset;
    t.set_zone(location.zone_name());
  }
  *out = t;
  return true;
}

bool ParseGoDuration(std::string_view s, int64_t* ns, std::string* error) {
  std::string orig(s);
  auto invalid = [&]() {
    *error = "time: invalid duration \"" + orig + "\"";
    return false;
  };
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    *ns = 0;
    return true;
  }
  if (s.empty()) return invalid();
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid();
    uint64_t v = 0;
    size_t i = 0;
    bool overflow = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (v > (1ULL << 63) / 10) overflow = true;
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > (1ULL << 63)) overflow = true;
      ++i;
    }
    if (overflow) return invalid();
    bool pre = i > 0;
    uint64_t frac = 0;
    double scale = 1;
    bool post = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (frac < (1ULL << 63) / 10) {
          frac = frac * 10 + static_cast<uint64_t>(s[i] - '0');
          scale *= 10;
        }
        ++i;
      }
      post = i > start;
    }
    if (!pre && !post) return invalid();
    size_t u = i;
    while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9')) ++u;
    std::string_view unit = s.substr(i, u - i);
    if (unit.empty()) {
      *error = "time: missing unit in duration \"" + orig + "\"";
      return false;
    }
    uint64_t mult;
    if (unit == "ns") {
      mult = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
      mult = 1000;
    } else if (unit == "ms") {
      mult = 1'000'000;
    } else if (unit == "s") {
      mult = 1'000'000'000;
    } else if (unit == "m") {
      mult = 60'000'000'000ULL;
    } else if (unit == "h") {
      mult = 3'600'000'000'000ULL;
    } else {
      *error = "time: unknown unit \"" + std::string(unit) + "\" in duration \"" + orig + "\"";
      return false;
    }
    if (v > (1ULL << 63) / mult) return invalid();
    v *= mult;
    if (frac > 0) {
      v += static_cast<uint64_t>(static_cast<double>(frac) * (static_cast<double>(mult) / scale));
      if (v > (1ULL << 63)) return invalid();
    }
    total += v;
    if (total > (1ULL << 63)) return invalid();
    s.remove_prefix(u);
  }
  if (neg) {
    *ns = static_cast<int64_t>(0 - total);
    return true;
  }
  if (total > static_cast<uint64_t>(INT64_MAX)) return invalid();
  *ns = static_cast<int64_t>(total);
  return true;
}

// ---- Zones: UTC, and IANA zones from the system's TZif files ----

namespace {

struct ZoneInfo {
  std::vector<int64_t> transitions;      // Unix seconds
  std::vector<uint8_t> transition_type;  // index into types
  struct Type {
    int32_t offset;
    std::string abbrev;
  };
  std::vector<Type> types;
};

uint32_t ReadBe32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

bool ParseTzif(const std::string& data, ZoneInfo* zone) {
  auto u = reinterpret_cast<const unsigned char*>(data.data());
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) return false;
  auto counts = [&](size_t at, uint32_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = ReadBe32(u + at + 20 + 4 * i);
  };
  uint32_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  size_t time_size = 4;
  size_t at = 44;
  if (data[4] >= '2') {
    // Skip the version-1 block; the second header has 64-bit times.
    at += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (data.size() < at + 44) return false;
    counts(at, c);
    at += 44;
    time_size = 8;
  }
  size_t need = c[3] * time_size + c[3] + c[4] * 6 + c[5];
  if (data.size() < at + need || c[4] == 0) return false;
  for (uint32_t i = 0; i < c[3]; ++i) {
    const unsigned char* p = u + at + i * time_size;
    int64_t t = time_size == 8
                    ? static_cast<int64_t>((uint64_t{ReadBe32(p)} << 32) | ReadBe32(p + 4))
                    : static_cast<int32_t>(ReadBe32(p));
    zone->transitions.push_back(t);
  }
  at += c[3] * time_size;
  for (uint32_t i = 0; i < c[3]; ++i) zone->transition_type.push_back(u[at + i]);
  at += c[3];
  size_t abbrev_at = at + c[4] * 6;
  for (uint32_t i = 0; i < c[4]; ++i) {
    const unsigned char* p = u + at + i * 6;
    ZoneInfo::Type type;
    type.offset = static_cast<int32_t>(ReadBe32(p));
    size_t idx = p[5];
    if (idx < c[5]) {
      const char* s = data.data() + abbrev_at + idx;
      type.abbrev = std::string(s, strnlen(s, c[5] - idx));
    }
    zone->types.push_back(type);
  }
  for (uint8_t t : zone->transition_type) {
    if (t >= zone->types.size()) return false;
  }
  return true;
}

const ZoneInfo* FindZone(std::string_view name) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<ZoneInfo>, std::less<>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<ZoneInfo> zone;
  bool valid_name = !name.empty() && name.size() < 64 && name[0] != '/' &&
                    name.find("..") == std::string_view::npos;
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          ch == '/' || ch == '_' || ch == '-' || ch == '+')) {
      valid_name = false;
    }
  }
  if (valid_name && cache.size() < 256) {
    std::ifstream in("/usr/share/zoneinfo/" + std::string(name), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto parsed = std::make_unique<ZoneInfo>();
    if (in.good() || in.eof()) {
      if (ParseTzif(data, parsed.get())) zone = std::move(parsed);
    }
  }
  const ZoneInfo* result = zone.get();
  if (cache.size() < 256) cache.emplace(std::string(name), std::move(zone));
  return result;
}

}  // namespace

bool LoadZone(std::string_view name, int64_t at, GoTime* zone) {
  if (name.empty() || name == "UTC" || name == "Local") {
    zone->offset = 0;
    zone->set_zone("UTC");
    return true;
  }
  const ZoneInfo* info = FindZone(name);
  if (info == nullptr) return false;
  // The type in force at `at`: the last transition at or before it, else the first type.
  size_t type = 0;
  auto it = std::upper_bound(info->transitions.begin(), info->transitions.end(), at);
  if (it != info->transitions.begin()) {
    type = info->transition_type[static_cast<size_t>(it - info->transitions.begin()) - 1];
  }
  zone->offset = info->types[type].offset;
  zone->set_zone(info->types[type].abbrev);
  return true;
}

GoTime InZone(const GoTime& t, std::string_view zone_name_for_lookup) {
  GoTime zone;
  if (!LoadZone(zone_name_for_lookup, t.sec, &zone)) LoadZone("UTC", t.sec, &zone);
  GoTime out = t;
  out.offset = zone.offset;
  out.set_zone(zone.zone_name());
  return out;
}

}  // namespace otelite::logql::template_internal
