#include "dashboards/time_range.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "core/civil_time.h"

namespace otelite::dashboards {
namespace {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinuteMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
// Times are kept within years 0000..9999 so that no arithmetic below can overflow.
constexpr int64_t kMinMs = -62167219200000LL;  // 0000-01-01T00:00:00Z
constexpr int64_t kMaxMs = 253402300799999LL;  // 9999-12-31T23:59:59.999Z
constexpr int64_t kMaxOffsetMs = 26 * kHourMs;

struct Civil {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// ---- POSIX TZ strings (the footer of TZif v2+ files, for instants after the last transition).

struct PosixRule {
  char kind = 'M';  // 'M' (Mm.w.d), 'J' (Julian day 1..365, no Feb 29), 'n' (day 0..365)
  int month = 0, week = 0, weekday = 0, day = 0;
  int64_t time_s = 2 * 3600;  // local time of the change
};

struct PosixTz {
  int64_t std_offset_s = 0;  // east of UTC
  bool has_dst = false;
  int64_t dst_offset_s = 0;
  PosixRule start, end;
};

class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  std::optional<PosixTz> Parse() {
    PosixTz tz;
    if (!SkipName()) return std::nullopt;
    auto std_off = Offset();
    if (!std_off) return std::nullopt;
    tz.std_offset_s = -*std_off;
    if (pos_ == s_.size()) return tz;
    if (!SkipName()) return std::nullopt;
    tz.has_dst = true;
    tz.dst_offset_s = tz.std_offset_s + 3600;
    if (pos_ < s_.size() && s_[pos_] != ',') {
      auto dst_off = Offset();
      if (!dst_off) return std::nullopt;
      tz.dst_offset_s = -*dst_off;
    }
    if (pos_ == s_.size()) {  // POSIX's default rules are the US ones
      tz.start = {'M', 3, 2, 0, 0, 7200};
      tz.end = {'M', 11, 1, 0, 0, 7200};
      return tz;
    }
    if (s_[pos_++] != ',' || !Rule(&tz.start) || pos_ >= s_.size() || s_[pos_++] != ',' ||
        !Rule(&tz.end) || pos_ != s_.size()) {
      return std::nullopt;
    }
    return tz;
  }

 private:
  bool SkipName() {
    if (pos_ < s_.size() && s_[pos_] == '<') {
      const size_t close = s_.find('>', pos_);
      if (close == std::string_view::npos) return false;
      pos_ = close + 1;
      return true;
    }
    const size_t start = pos_;
    while (pos_ < s_.size() &&
           ((s_[pos_] >= 'A' && s_[pos_] <= 'Z') || (s_[pos_] >= 'a' && s_[pos_] <= 'z'))) {
      ++pos_;
    }
    return pos_ - start >= 3;
  }

  std::optional<int64_t> Number(int max_digits) {
    const size_t start = pos_;
    int64_t n = 0;
    while (pos_ < s_.size() && IsDigit(s_[pos_]) &&
           pos_ - start < static_cast<size_t>(max_digits)) {
      n = n * 10 + (s_[pos_++] - '0');
    }
    if (pos_ == start) return std::nullopt;
    return n;
  }

  // [+-]hh[:mm[:ss]] in seconds.
  std::optional<int64_t> Offset() {
    int sign = 1;
    if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) sign = s_[pos_++] == '-' ? -1 : 1;
    auto h = Number(3);
    if (!h) return std::nullopt;
    int64_t seconds = *h * 3600;
    for (int64_t scale : {60, 1}) {
      if (pos_ >= s_.size() || s_[pos_] != ':') break;
      ++pos_;
      auto part = Number(2);
      if (!part) return std::nullopt;
      seconds += *part * scale;
    }
    return sign * seconds;
  }

  bool Rule(PosixRule* rule) {
    if (pos_ < s_.size() && s_[pos_] == 'M') {
      ++pos_;
      auto m = Number(2);
      if (!m || pos_ >= s_.size() || s_[pos_++] != '.') return false;
      auto w = Number(1);
      if (!w || pos_ >= s_.size() || s_[pos_++] != '.') return false;
      auto d = Number(1);
      if (!d || *m < 1 || *m > 12 || *w < 1 || *w > 5 || *d > 6) return false;
      *rule = {'M', static_cast<int>(*m), static_cast<int>(*w), static_cast<int>(*d), 0, 7200};
    } else {
      const bool julian = pos_ < s_.size() && s_[pos_] == 'J';
      if (julian) ++pos_;
      auto n = Number(3);
      if (!n || *n > 365 || (julian && *n < 1)) return false;
      *rule = {julian ? 'J' : 'n', 0, 0, 0, static_cast<int>(*n), 7200};
    }
    if (pos_ < s_.size() && s_[pos_] == '/') {
      ++pos_;
      auto t = Offset();  // RFC 8536 allows -167..167 hours
      if (!t) return false;
      rule->time_s = *t;
    }
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// The local day (days since 1970) on which `rule` applies in `year`.
int64_t RuleDay(const PosixRule& rule, int64_t year) {
  switch (rule.kind) {
    case 'J': {
      int64_t day = rule.day - 1;  // Feb 29 is never counted
      if (IsLeap(year) && rule.day >= 60) ++day;
      return DaysFromCivil(year, 1, 1) + day;
    }
    case 'n':
      return DaysFromCivil(year, 1, 1) + rule.day;
    default: {
      const int64_t first = DaysFromCivil(year, rule.month, 1);
      const int64_t first_weekday = FloorMod(first + 4, 7);  // 1970-01-01 was a Thursday
      int64_t day = first + FloorMod(rule.weekday - first_weekday, 7) + (rule.week - 1) * 7;
      const int64_t last = first + DaysInMonth(year, rule.month) - 1;
      while (day > last) day -= 7;  // week 5: the last such weekday
      return day;
    }
  }
}

int64_t PosixOffsetS(const PosixTz& tz, int64_t utc_s) {
  if (!tz.has_dst) return tz.std_offset_s;
  const int64_t year = CivilFromDays(FloorDiv(utc_s + tz.std_offset_s, 86400)).year;
  // Transition instants in UTC: the start is given in standard time, the end in DST.
  const int64_t start = RuleDay(tz.start, year) * 86400 + tz.start.time_s - tz.std_offset_s;
  const int64_t end = RuleDay(tz.end, year) * 86400 + tz.end.time_s - tz.dst_offset_s;
  const bool dst = start < end ? (utc_s >= start && utc_s < end) : (utc_s < end || utc_s >= start);
  return dst ? tz.dst_offset_s : tz.std_offset_s;
}

}  // namespace

// ---- TZif files (RFC 8536).

struct TimeZone::Rules {
  std::vector<int64_t> transitions_s;  // ascending
  std::vector<int32_t> offsets_after;  // the offset (s) from each transition on
  int32_t offset_before = 0;           // before the first transition
  std::optional<PosixTz> footer;

  int64_t OffsetS(int64_t utc_s) const {
    if (transitions_s.empty() || utc_s < transitions_s.front()) {
      if (transitions_s.empty() && footer) return PosixOffsetS(*footer, utc_s);
      return offset_before;
    }
    if (utc_s >= transitions_s.back() && footer) return PosixOffsetS(*footer, utc_s);
    const auto it = std::upper_bound(transitions_s.begin(), transitions_s.end(), utc_s);
    return offsets_after[static_cast<size_t>(it - transitions_s.begin()) - 1];
  }
};

namespace {

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  bool Has(size_t n) const { return data_.size() - pos_ >= n; }
  void Skip(size_t n) { pos_ += n; }
  size_t pos() const { return pos_; }
  int64_t Be(size_t width) {
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += width;
    if (width == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    return static_cast<int64_t>(v);
  }
  uint8_t Byte() { return static_cast<uint8_t>(data_[pos_++]); }
  std::string_view Rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

struct TzifCounts {
  size_t isut, isstd, leap, time, type, chars;
};

bool ReadHeader(ByteReader& r, char* version, TzifCounts* c) {
  if (!r.Has(44)) return false;
  const std::string_view magic = r.Rest().substr(0, 4);
  if (magic != "TZif") return false;
  r.Skip(4);
  *version = static_cast<char>(r.Byte());
  r.Skip(15);
  size_t* fields[] = {&c->isut, &c->isstd, &c->leap, &c->time, &c->type, &c->chars};
  for (size_t* f : fields) *f = static_cast<size_t>(static_cast<uint32_t>(r.Be(4)));
  return c->type >= 1 && c->type <= 256 && c->time <= 100000 && c->leap <= 10000 &&
         c->chars <= 10000 && c->isut <= c->type && c->isstd <= c->type;
}

size_t DataSize(const TzifCounts& c, size_t time_width) {
  return c.time * time_width + c.time + c.type * 6 + c.chars + c.leap * (time_width + 4) + c.isstd +
         c.isut;
}

std::optional<TimeZone::Rules> ParseTzif(std::string_view data) {
  ByteReader r(data);
  char version = 0;
  TzifCounts c{};
  if (!ReadHeader(r, &version, &c)) return std::nullopt;
  size_t width = 4;
  if (version >= '2') {  // skip the 32-bit block, read the 64-bit one
    if (!r.Has(DataSize(c, 4))) return std::nullopt;
    r.Skip(DataSize(c, 4));
    if (!ReadHeader(r, &version, &c)) return std::nullopt;
    width = 8;
  }
  if (!r.Has(DataSize(c, width))) return std::nullopt;
  TimeZone::Rules rules;
  rules.transitions_s.reserve(c.time);
  for (size_t i = 0; i < c.time; ++i) rules.transitions_s.push_back(r.Be(width));
  std::vector<uint8_t> type_of(c.time);
  for (size_t i = 0; i < c.time; ++i) {
    type_of[i] = r.Byte();
    if (type_of[i] >= c.type) return std::nullopt;
  }
  std::vector<int32_t> offsets(c.type);
  for (size_t i = 0; i < c.type; ++i) {
    const int64_t off = r.Be(4);
    if (off < -kMaxOffsetMs / 1000 || off > kMaxOffsetMs / 1000) return std::nullopt;
    offsets[i] = static_cast<int32_t>(off);
    r.Skip(2);
  }
  if (!std::is_sorted(rules.transitions_s.begin(), rules.transitions_s.end())) return std::nullopt;
  rules.offset_before = offsets[0];
  for (size_t i = 0; i < c.time; ++i) rules.offsets_after.push_back(offsets[type_of[i]]);
  r.Skip(c.chars + c.leap * (width + 4) + c.isstd + c.isut);
  if (width == 8) {
    std::string_view rest = r.Rest();
    if (rest.size() >= 2 && rest[0] == '\n') {
      rest.remove_prefix(1);
      const size_t nl = rest.find('\n');
      if (nl != std::string_view::npos && nl > 0) {
        rules.footer = PosixParser(rest.substr(0, nl)).Parse();
      }
    }
  }
  return rules;
}

// "+02:00", "-0530", "+2", "UTC+2", "GMT-03:30" as an offset in ms.
std::optional<int64_t> ParseFixedOffset(std::string_view s) {
  for (std::string_view prefix : {"UTC", "utc", "GMT", "gmt"}) {
    if (s.substr(0, prefix.size()) == prefix && s.size() > prefix.size()) {
      s.remove_prefix(prefix.size());
      break;
    }
  }
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  std::string digits;
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsDigit(s[i])) {
      digits.push_back(s[i]);
    } else if (!(s[i] == ':' && i == 2 && s.size() == 5)) {
      return std::nullopt;
    }
  }
  int64_t hours = 0, minutes = 0;
  if (digits.size() == 1 || digits.size() == 2) {
    hours = std::stoll(digits);
  } else if (digits.size() == 4) {
    hours = std::stoll(digits.substr(0, 2));
    minutes = std::stoll(digits.substr(2));
  } else {
    return std::nullopt;
  }
  if (hours > 18 || minutes > 59) return std::nullopt;
  return sign * (hours * kHourMs + minutes * kMinuteMs);
}

bool ValidZoneName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  size_t component_start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      const std::string_view part = name.substr(component_start, i - component_start);
      if (part.empty() || part == "." || part == "..") return false;
      component_start = i + 1;
      continue;
    }
    const char c = name[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '_' ||
                    c == '-' || c == '+' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<std::shared_ptr<const TimeZone::Rules>> LoadZone(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone::Rules>> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  const char* tzdir = std::getenv("TZDIR");
  const std::string path =
      std::string(tzdir != nullptr && *tzdir != '\0' ? tzdir : "/usr/share/zoneinfo") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument(fmt::format("unknown time zone \"{}\"", name));
  std::string data(1 << 20, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  auto rules = ParseTzif(data);
  if (!rules) {
    return Status::InvalidArgument(
        fmt::format("time zone \"{}\": {} is not a valid TZif file", name, path));
  }
  auto shared = std::make_shared<const TimeZone::Rules>(std::move(*rules));
  if (cache.size() < 1000) cache.emplace(name, shared);
  return std::shared_ptr<const TimeZone::Rules>(shared);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

TimeZone::TimeZone() = default;

Result<TimeZone> TimeZone::Parse(std::string_view name) {
  TimeZone tz;
  tz.name_ = std::string(name);
  const std::string lower = Lower(name);
  if (lower.empty() || lower == "utc" || lower == "browser" || lower == "z" || lower == "gmt") {
    if (lower.empty()) tz.name_ = "utc";
    return tz;
  }
  if (auto offset = ParseFixedOffset(name)) {
    tz.fixed_offset_ms_ = *offset;
    return tz;
  }
  if (!ValidZoneName(name)) {
    return Status::InvalidArgument(fmt::format("unknown time zone \"{}\"", name));
  }
  auto rules = LoadZone(std::string(name));
  if (!rules.ok()) return rules.status();
  tz.rules_ = std::move(*rules);
  return tz;
}

bool TimeZone::IsUtc() const { return rules_ == nullptr && fixed_offset_ms_ == 0; }

int64_t TimeZone::OffsetMs(int64_t utc_ms) const {
  if (rules_ == nullptr) return fixed_offset_ms_;
  return rules_->OffsetS(FloorDiv(utc_ms, 1000)) * 1000;
}

int64_t TimeZone::LocalToUtc(int64_t local_ms) const {
  if (rules_ == nullptr) return local_ms - fixed_offset_ms_;
  const int64_t before = OffsetMs(local_ms - kDayMs);  // the offsets around the wall-clock time
  const int64_t after = OffsetMs(local_ms + kDayMs);
  const int64_t u1 = local_ms - before;
  const int64_t u2 = local_ms - after;
  const bool v1 = OffsetMs(u1) == before;
  const bool v2 = OffsetMs(u2) == after;
  if (v1 && v2) return std::min(u1, u2);
  if (v1) return u1;
  if (v2) return u2;
  return u1;  // in a gap: the offset before it moves the time forward
}

WeekStart ParseWeekStart(std::string_view text) {
  const std::string lower = Lower(text);
  if (lower == "monday") return WeekStart::kMonday;
  if (lower == "saturday") return WeekStart::kSaturday;
  return WeekStart::kSunday;
}

namespace {

class Error {
 public:
  explicit Error(std::string_view text) : text_(text) {}
  Status operator()(std::string_view why) const {
    return Status::InvalidArgument(fmt::format("invalid time \"{}\": {}", text_, why));
  }

 private:
  std::string_view text_;
};

struct Local {
  int64_t days;       // since 1970-01-01 local
  int64_t ms_of_day;  // 0..kDayMs-1
};

Local ToLocal(int64_t utc_ms, const TimeZone& tz) {
  const int64_t local = utc_ms + tz.OffsetMs(utc_ms);
  return {FloorDiv(local, kDayMs), FloorMod(local, kDayMs)};
}

int64_t FromCivil(const TimeZone& tz, int64_t y, int m, int d, int64_t ms_of_day) {
  return tz.LocalToUtc(DaysFromCivil(y, m, d) * kDayMs + ms_of_day);
}

int64_t StartOf(int64_t t, char unit, const TimeZone& tz, WeekStart week_start) {
  switch (unit) {
    case 's':
    case 'm':
    case 'h': {
      const int64_t len = unit == 's' ? kSecondMs : unit == 'm' ? kMinuteMs : kHourMs;
      return t - FloorMod(t + tz.OffsetMs(t), len);
    }
    case 'd':
      return tz.LocalToUtc(ToLocal(t, tz).days * kDayMs);
    case 'w': {
      const int64_t days = ToLocal(t, tz).days;
      const int first = week_start == WeekStart::kMonday     ? 1
                        : week_start == WeekStart::kSaturday ? 6
                                                             : 0;
      const int64_t weekday = FloorMod(days + 4, 7);  // 0 = Sunday
      return tz.LocalToUtc((days - FloorMod(weekday - first, 7)) * kDayMs);
    }
    default: {
      const Civil c = CivilFromDays(ToLocal(t, tz).days);
      const int month = unit == 'M' ? c.month : unit == 'Q' ? (c.month - 1) / 3 * 3 + 1 : 1;
      return FromCivil(tz, c.year, month, 1, 0);
    }
  }
}

int64_t Add(int64_t t, int64_t n, char unit, const TimeZone& tz) {
  switch (unit) {
    case 's':
      return t + n * kSecondMs;
    case 'm':
      return t + n * kMinuteMs;
    case 'h':
      return t + n * kHourMs;
    case 'd':
    case 'w': {
      const Local l = ToLocal(t, tz);
      return tz.LocalToUtc((l.days + n * (unit == 'w' ? 7 : 1)) * kDayMs + l.ms_of_day);
    }
    default: {
      const Local l = ToLocal(t, tz);
      const Civil c = CivilFromDays(l.days);
      const int64_t months = n * (unit == 'y' ? 12 : unit == 'Q' ? 3 : 1);
      const int64_t total = c.year * 12 + (c.month - 1) + months;
      const int64_t year = FloorDiv(total, 12);
      const int month = static_cast<int>(FloorMod(total, 12)) + 1;
      return FromCivil(tz, year, month, std::min(c.day, DaysInMonth(year, month)), l.ms_of_day);
    }
  }
}

bool InRange(int64_t t) { return t >= kMinMs && t <= kMaxMs; }

// A unit's length, at least (months of 28 days): what bounds the count before any arithmetic.
int64_t UnitMs(char unit) {
  switch (unit) {
    case 's':
      return kSecondMs;
    case 'm':
      return kMinuteMs;
    case 'h':
      return kHourMs;
    case 'd':
      return kDayMs;
    case 'w':
      return 7 * kDayMs;
    case 'M':
      return 28 * kDayMs;
    case 'Q':
      return 89 * kDayMs;
    default:
      return 365 * kDayMs;
  }
}

// Reads exactly `n` digits at `s[*pos]`.
std::optional<int> Digits(std::string_view s, size_t* pos, size_t n) {
  if (s.size() - *pos < n) return std::nullopt;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[*pos + i];
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  return v;
}

bool ValidDate(int64_t y, int m, int d) {
  return m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m);
}

// ISO 8601 / RFC 3339 dates and date-times (and the URL's compact forms); nullopt when `s` is not
// one.
std::optional<int64_t> ParseDate(std::string_view s, const TimeZone& tz) {
  size_t pos = 0;
  // 20261125 and 20261125T100000: UTC, as Grafana's URL parsing.
  if ((s.size() == 8 || (s.size() == 15 && s[8] == 'T'))) {
    auto y = Digits(s, &pos, 4);
    auto mo = Digits(s, &pos, 2);
    auto d = Digits(s, &pos, 2);
    if (!y || !mo || !d || !ValidDate(*y, *mo, *d)) return std::nullopt;
    int64_t ms = DaysFromCivil(*y, *mo, *d) * kDayMs;
    if (s.size() == 15) {
      ++pos;
      auto h = Digits(s, &pos, 2);
      auto mi = Digits(s, &pos, 2);
      auto se = Digits(s, &pos, 2);
      if (!h || !mi || !se || *h > 23 || *mi > 59 || *se > 59) return std::nullopt;
      ms += *h * kHourMs + *mi * kMinuteMs + *se * kSecondMs;
    }
    return ms;
  }
  auto y = Digits(s, &pos, 4);
  if (!y || pos >= s.size() || s[pos++] != '-') return std::nullopt;
  auto mo = Digits(s, &pos, 2);
  if (!mo || pos >= s.size() || s[pos++] != '-') return std::nullopt;
  auto d = Digits(s, &pos, 2);
  if (!d || !ValidDate(*y, *mo, *d)) return std::nullopt;
  int64_t local = DaysFromCivil(*y, *mo, *d) * kDayMs;
  if (pos == s.size()) return tz.LocalToUtc(local);
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
  ++pos;
  auto h = Digits(s, &pos, 2);
  if (!h || pos >= s.size() || s[pos++] != ':') return std::nullopt;
  auto mi = Digits(s, &pos, 2);
  if (!mi || *h > 23 || *mi > 59) return std::nullopt;
  local += *h * kHourMs + *mi * kMinuteMs;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    auto se = Digits(s, &pos, 2);
    if (!se || *se > 59) return std::nullopt;
    local += *se * kSecondMs;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      const size_t start = pos;
      int64_t fraction_ms = 0;
      int64_t scale = 100;
      while (pos < s.size() && IsDigit(s[pos])) {
        fraction_ms += (s[pos] - '0') * scale;  // digits beyond milliseconds are truncated
        scale /= 10;
        ++pos;
      }
      if (pos == start || pos - start > 9) return std::nullopt;
      local += fraction_ms;
    }
  }
  if (pos == s.size()) return tz.LocalToUtc(local);
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return local;
  auto offset = ParseFixedOffset(s.substr(pos));
  if (!offset) return std::nullopt;
  return local - *offset;
}

// Unix milliseconds: digits with an optional minus sign.
std::optional<int64_t> ParseEpochMs(std::string_view s) {
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 15) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<int64_t> ParseTimeExpression(std::string_view text, int64_t now_ms, bool round_up,
                                    const TimeZone& tz, WeekStart week_start) {
  const Error error(text);
  if (text.size() > 256) return Status::InvalidArgument("invalid time: longer than 256 bytes");
  const std::string_view s = Trim(text);
  if (s.empty()) return error("empty");
  int64_t t = 0;
  std::string_view math;
  if (s.substr(0, 3) == "now") {
    t = now_ms;
    math = s.substr(3);
  } else {
    std::string_view anchor = s;
    if (const size_t bars = s.find("||"); bars != std::string_view::npos) {
      anchor = Trim(s.substr(0, bars));
      math = s.substr(bars + 2);
    }
    std::optional<int64_t> parsed = ParseDate(anchor, tz);
    if (!parsed) parsed = ParseEpochMs(anchor);
    if (!parsed) {
      return error("not \"now\", Unix milliseconds or an RFC 3339 date (2026-11-25T10:00:00Z)");
    }
    t = *parsed;
  }
  if (!InRange(t)) return error("out of range (years 0000 to 9999)");
  std::string ops;  // Grafana ignores white space in the math
  for (char c : math) {
    if (!IsSpace(c)) ops.push_back(c);
  }
  size_t i = 0;
  while (i < ops.size()) {
    const char op = ops[i++];
    if (op != '/' && op != '+' && op != '-') {
      return error(fmt::format("unexpected \"{}\" (expected +, - or / and a unit)", op));
    }
    int64_t n = 1;
    if (i < ops.size() && IsDigit(ops[i])) {
      const size_t start = i;
      n = 0;
      while (i < ops.size() && IsDigit(ops[i])) {
        if (i - start >= 10) return error("number too large");
        n = n * 10 + (ops[i++] - '0');
      }
      if (op == '/' && n != 1) {
        return error(fmt::format("rounding takes no number (\"{}\")",
                                 std::string_view(ops).substr(start - 1, i - start + 2)));
      }
    }
    if (i >= ops.size()) return error(fmt::format("missing unit after \"{}\"", op));
    char unit = ops[i++];
    if (unit == 'f' && i < ops.size() && (ops[i] == 'y' || ops[i] == 'Q')) unit = ops[i++];
    if (std::string_view("smhdwMQy").find(unit) == std::string_view::npos) {
      return error(fmt::format("unknown unit \"{}\" (expected s, m, h, d, w, M, Q or y)",
                               std::string_view(&ops[i - 1], 1)));
    }
    if (n > (kMaxMs - kMinMs) / UnitMs(unit)) return error("out of range (years 0000 to 9999)");
    if (op == '/') {
      t = round_up ? Add(StartOf(t, unit, tz, week_start), 1, unit, tz) - 1
                   : StartOf(t, unit, tz, week_start);
    } else {
      t = Add(t, op == '-' ? -n : n, unit, tz);
    }
    if (!InRange(t)) return error("out of range (years 0000 to 9999)");
  }
  return t;
}

Result<TimeRange> ResolveTimeRange(std::string_view from, std::string_view to, int64_t now_ms,
                                   std::string_view tz_name, WeekStart week_start) {
  auto tz = TimeZone::Parse(tz_name);
  if (!tz.ok()) return tz.status();
  auto from_ms = ParseTimeExpression(from, now_ms, false, *tz, week_start);
  if (!from_ms.ok()) return from_ms.status();
  auto to_ms = ParseTimeExpression(to, now_ms, true, *tz, week_start);
  if (!to_ms.ok()) return to_ms.status();
  if (*from_ms >= *to_ms) {
    return Status::InvalidArgument(
        fmt::format("invalid time range: \"from\" ({}, {}) must be before \"to\" ({}, {})", from,
                    FormatRfc3339(*from_ms), to, FormatRfc3339(*to_ms)));
  }
  return TimeRange{*from_ms, *to_ms, std::string(from), std::string(to)};
}

std::string FormatRfc3339(int64_t unix_ms) {
  const int64_t days = FloorDiv(unix_ms, kDayMs);
  const int64_t ms = FloorMod(unix_ms, kDayMs);
  const Civil c = CivilFromDays(days);
  std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", c.year, c.month, c.day,
                                ms / kHourMs, ms / kMinuteMs % 60, ms / kSecondMs % 60);
  if (ms % 1000 != 0) out += fmt::format(".{:03d}", ms % 1000);
  out += 'Z';
  return out;
}

}  // namespace otelite::dashboards
