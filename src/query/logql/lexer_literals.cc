// Literal values of LogQL: durations (Prometheus's and Go's syntax), byte sizes (go-humanize),
// Go floats, and their canonical text. Written from the documented behaviour of Prometheus's
// model.ParseDuration/Duration.String, Go's time.ParseDuration/Duration.String and
// strconv.ParseFloat, and go-humanize's ParseBytes.
#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "query/logql/lexer.h"

namespace otelite::logql {

namespace {

constexpr int64_t kMillisecond = 1'000'000;
constexpr int64_t kSecond = 1'000 * kMillisecond;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct Unit {
  std::string_view name;
  uint64_t nanos;
  int position;  // Prometheus: units must appear in increasing position (decreasing size)
};

constexpr Unit kPromUnits[] = {
    {"y", 365ULL * 24 * 3600 * kSecond, 1},
    {"w", 7ULL * 24 * 3600 * kSecond, 2},
    {"d", 24ULL * 3600 * kSecond, 3},
    {"h", 3600ULL * kSecond, 4},
    {"m", 60ULL * kSecond, 5},
    {"s", kSecond, 6},
    {"ms", kMillisecond, 7},
};

}  // namespace

Result<int64_t> ParsePromDuration(std::string_view text) {
  if (text == "0") return int64_t{0};
  if (text.empty()) return Status::InvalidArgument("empty duration string");
  auto invalid = [&] {
    return Status::InvalidArgument(
        fmt::format("not a valid duration string: {}", QuoteString(text)));
  };
  std::string_view s = text;
  uint64_t total = 0;
  int last_position = 0;
  while (!s.empty()) {
    if (!IsDigit(s[0])) return invalid();
    size_t i = 0;
    uint64_t value = 0;
    bool overflow = false;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (value > (std::numeric_limits<uint64_t>::max() - 9) / 10) overflow = true;
      value = value * 10 + static_cast<uint64_t>(s[i] - '0');
    }
    if (overflow) return invalid();
    s.remove_prefix(i);
    for (i = 0; i < s.size() && !IsDigit(s[i]); ++i) {
    }
    if (i == 0) return invalid();
    std::string_view unit_name = s.substr(0, i);
    s.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const Unit& candidate : kPromUnits) {
      if (candidate.name == unit_name) unit = &candidate;
    }
    if (unit == nullptr) {
      return Status::InvalidArgument(
          fmt::format("unknown unit {} in duration {}", QuoteString(unit_name), QuoteString(text)));
    }
    if (unit->position <= last_position) return invalid();
    last_position = unit->position;
    if (value > (uint64_t{1} << 63) / unit->nanos) {
      return Status::InvalidArgument("duration out of range");
    }
    total += value * unit->nanos;
    if (total > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::InvalidArgument("duration out of range");
    }
  }
  return static_cast<int64_t>(total);
}

Result<int64_t> ParseLogqlDuration(std::string_view text) {
  Result<int64_t> prom = ParsePromDuration(text);
  if (prom.ok()) return prom;
  return ParseGoDurationNanos(text);
}

Result<uint64_t> ParseBytesSize(std::string_view text) { return ParseHumanBytes(text); }

std::string FormatPromDuration(int64_t nanos) {
  int64_t ms = nanos / kMillisecond;
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {  // not produced by the parser; kept readable
    out.push_back('-');
    ms = -ms;
  }
  auto unit = [&](const char* name, int64_t mult, bool exact) {
    if (exact && ms % mult != 0) return;
    if (int64_t v = ms / mult; v > 0) {
      out += fmt::format("{}{}", v, name);
      ms -= v * mult;
    }
  };
  constexpr int64_t kDay = 24LL * 3600 * 1000;
  unit("y", 365 * kDay, true);
  unit("w", 7 * kDay, true);
  unit("d", kDay, false);
  unit("h", 3600LL * 1000, false);
  unit("m", 60LL * 1000, false);
  unit("s", 1000, false);
  unit("ms", 1, false);
  return out;
}

std::string FormatGoDuration(int64_t nanos) {
  char buf[40];
  size_t w = sizeof(buf);
  uint64_t u = static_cast<uint64_t>(nanos);
  bool negative = nanos < 0;
  if (negative) u = 0 - u;
  // Writes the fraction u / 10^prec without trailing zeros; returns u / 10^prec.
  auto fraction = [&](int prec) {
    bool print = false;
    for (int i = 0; i < prec; ++i) {
      uint64_t digit = u % 10;
      print = print || digit != 0;
      if (print) buf[--w] = static_cast<char>('0' + digit);
      u /= 10;
    }
    if (print) buf[--w] = '.';
  };
  auto integer = [&](uint64_t v) {
    if (v == 0) {
      buf[--w] = '0';
      return;
    }
    while (v > 0) {
      buf[--w] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  if (u < static_cast<uint64_t>(kSecond)) {
    if (u == 0) return "0s";
    buf[--w] = 's';
    int prec;
    if (u < 1'000) {
      prec = 0;
      buf[--w] = 'n';
    } else if (u < static_cast<uint64_t>(kMillisecond)) {
      prec = 3;
      buf[--w] = '\xB5';
      buf[--w] = '\xC2';
    } else {
      prec = 6;
      buf[--w] = 'm';
    }
    fraction(prec);
    integer(u);
  } else {
    buf[--w] = 's';
    fraction(9);
    integer(u % 60);
    u /= 60;
    if (u > 0) {
      buf[--w] = 'm';
      integer(u % 60);
      u /= 60;
      if (u > 0) {
        buf[--w] = 'h';
        integer(u);
      }
    }
  }
  if (negative) buf[--w] = '-';
  return std::string(buf + w, sizeof(buf) - w);
}

std::string FormatNumber(double value) {
  if (value == 0 && std::signbit(value)) return "-0.0";
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

}  // namespace otelite::logql
