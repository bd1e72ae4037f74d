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
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

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

constexpr Unit kGoUnits[] = {
    {"ns", 1, 0},
    {"us", 1'000, 0},
    {"\xC2\xB5s", 1'000, 0},  // U+00B5 micro sign
    {"\xCE\xBCs", 1'000, 0},  // U+03BC Greek mu
    {"ms", kMillisecond, 0},
    {"s", kSecond, 0},
    {"m", 60ULL * kSecond, 0},
    {"h", 3600ULL * kSecond, 0},
};

// Go's strconv's check that underscores only separate digits (and a base prefix from digits).
bool UnderscoresOk(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (IsDigit(c) || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// Whether s (sign excluded) is a float Go's ParseFloat accepts, ignoring range.
bool IsGoFloatSyntax(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  bool hex = false;
  if (s.size() > 2 && s[0] == '0' && Lower(s[1]) == 'x') {
    hex = true;
    i = 2;
  }
  bool digits = false;
  bool dot = false;
  bool underscores = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      underscores = true;
    } else if (c == '.') {
      if (dot) return false;
      dot = true;
    } else if (IsDigit(c) || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      digits = true;
    } else {
      break;
    }
  }
  if (!digits) return false;
  char exp = hex ? 'p' : 'e';
  if (i < s.size() && Lower(s[i]) == exp) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    bool exp_digits = false;
    for (; i < s.size() && (IsDigit(s[i]) || s[i] == '_'); ++i) {
      if (s[i] == '_') {
        underscores = true;
      } else {
        exp_digits = true;
      }
    }
    if (!exp_digits) return false;
  } else if (hex) {
    return false;  // a hexadecimal float needs its exponent
  }
  if (i != s.size()) return false;
  return !underscores || UnderscoresOk(s);
}

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

Result<int64_t> ParseGoDuration(std::string_view text) {
  auto invalid = [&] {
    return Status::InvalidArgument(fmt::format("time: invalid duration {}", QuoteString(text)));
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return invalid();
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) return invalid();
    uint64_t value = 0;
    size_t i = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (value > (uint64_t{1} << 63) / 10) return invalid();
      value = value * 10 + static_cast<uint64_t>(s[i] - '0');
      if (value > (uint64_t{1} << 63)) return invalid();
    }
    bool pre = i > 0;
    s.remove_prefix(i);
    uint64_t fraction = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      for (i = 0; i < s.size() && IsDigit(s[i]); ++i) {
        if (overflow) continue;
        if (fraction > (std::numeric_limits<uint64_t>::max() >> 1) / 10) {
          overflow = true;  // further digits do not count
          continue;
        }
        uint64_t next = fraction * 10 + static_cast<uint64_t>(s[i] - '0');
        if (next > (uint64_t{1} << 63)) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      post = i > 0;
      s.remove_prefix(i);
    }
    if (!pre && !post) return invalid();
    for (i = 0; i < s.size() && s[i] != '.' && !IsDigit(s[i]); ++i) {
    }
    if (i == 0) {
      return Status::InvalidArgument(
          fmt::format("time: missing unit in duration {}", QuoteString(text)));
    }
    std::string_view unit_name = s.substr(0, i);
    s.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const Unit& candidate : kGoUnits) {
      if (candidate.name == unit_name) unit = &candidate;
    }
    if (unit == nullptr) {
      return Status::InvalidArgument(fmt::format("time: unknown unit {} in duration {}",
                                                 QuoteString(unit_name), QuoteString(text)));
    }
    if (value > (uint64_t{1} << 63) / unit->nanos) return invalid();
    value *= unit->nanos;
    if (fraction > 0) {
      value += static_cast<uint64_t>(static_cast<double>(fraction) *
                                     (static_cast<double>(unit->nanos) / scale));
      if (value > (uint64_t{1} << 63)) return invalid();
    }
    total += value;
    if (total > (uint64_t{1} << 63)) return invalid();
  }
  if (negative) return static_cast<int64_t>(0 - total);
  if (total > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return invalid();
  return static_cast<int64_t>(total);
}

Result<int64_t> ParseLogqlDuration(std::string_view text) {
  Result<int64_t> prom = ParsePromDuration(text);
  if (prom.ok()) return prom;
  return ParseGoDuration(text);
}

Result<uint64_t> ParseBytesSize(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() &&
         (IsDigit(text[digits]) || text[digits] == '.' || text[digits] == ',')) {
    ++digits;
  }
  std::string number;
  for (char c : text.substr(0, digits)) {
    if (c != ',') number.push_back(c);
  }
  Result<double> value = ParseGoFloat(number);
  if (!value.ok()) return value.status();
  std::string unit;
  for (char c : text.substr(digits)) unit.push_back(Lower(c));
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  while (!unit.empty() && unit.back() == ' ') unit.pop_back();
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"", 1},         {"b", 1},        {"k", 1e3},      {"kb", 1e3},     {"ki", 0x1p10},
      {"kib", 0x1p10}, {"m", 1e6},      {"mb", 1e6},     {"mi", 0x1p20},  {"mib", 0x1p20},
      {"g", 1e9},      {"gb", 1e9},     {"gi", 0x1p30},  {"gib", 0x1p30}, {"t", 1e12},
      {"tb", 1e12},    {"ti", 0x1p40},  {"tib", 0x1p40}, {"p", 1e15},     {"pb", 1e15},
      {"pi", 0x1p50},  {"pib", 0x1p50}, {"e", 1e18},     {"eb", 1e18},    {"ei", 0x1p60},
      {"eib", 0x1p60},
  };
  for (const auto& [name, multiplier] : kUnits) {
    if (unit != name) continue;
    double bytes = *value * multiplier;
    if (bytes >= 0x1p64) return Status::InvalidArgument(fmt::format("too large: {}", text));
    return static_cast<uint64_t>(bytes);
  }
  return Status::InvalidArgument(fmt::format("unhandled size name: {}", unit));
}

Result<double> ParseGoFloat(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  auto special = [&](std::string_view word) { return EqualsKeyword(s, word); };
  if (special("inf") || special("infinity")) {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (special("nan")) return std::numeric_limits<double>::quiet_NaN();
  if (!IsGoFloatSyntax(s)) {
    return Status::InvalidArgument(
        fmt::format("strconv.ParseFloat: parsing {}: invalid syntax", QuoteString(text)));
  }
  std::string clean;
  clean.reserve(s.size());
  for (char c : s) {
    if (c != '_') clean.push_back(c);
  }
  errno = 0;
  char* end = nullptr;
  double value = std::strtod(clean.c_str(), &end);
  if (std::isinf(value)) {
    return Status::InvalidArgument(
        fmt::format("strconv.ParseFloat: parsing {}: value out of range", QuoteString(text)));
  }
  return negative ? -value : value;
}

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
