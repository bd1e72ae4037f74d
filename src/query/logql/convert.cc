#include "query/logql/convert.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/go_text.h"
#include "query/promql/lexer.h"

namespace otelite::logql {

namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexLetter(char c) {
  c = LowerAscii(c);
  return c >= 'a' && c <= 'f';
}

// ---- strconv.ParseFloat ----

Status FloatSyntaxError(std::string_view text) {
  return Status::InvalidArgument("strconv.ParseFloat: parsing " + promql::QuoteString(text) +
                                 ": invalid syntax");
}

Status FloatRangeError(std::string_view text) {
  return Status::InvalidArgument("strconv.ParseFloat: parsing " + promql::QuoteString(text) +
                                 ": value out of range");
}

size_t CommonPrefixLengthIgnoreCase(std::string_view s, std::string_view lower_prefix) {
  size_t n = 0;
  while (n < s.size() && n < lower_prefix.size() && LowerAscii(s[n]) == lower_prefix[n]) ++n;
  return n;
}

// strconv's special(): "inf", "infinity" (optionally signed) and "nan". Returns the number of
// bytes it accounts for (0: not special).
size_t ParseSpecial(std::string_view s, double* value) {
  if (s.empty()) return 0;
  double sign = 1;
  size_t sign_length = 0;
  if (s[0] == '+' || s[0] == '-') {
    if (s[0] == '-') sign = -1;
    sign_length = 1;
    s.remove_prefix(1);
  } else if (LowerAscii(s[0]) == 'n') {
    if (CommonPrefixLengthIgnoreCase(s, "nan") != 3) return 0;
    *value = std::nan("");
    return 3;
  }
  if (s.empty() || LowerAscii(s[0]) != 'i') return 0;
  size_t n = CommonPrefixLengthIgnoreCase(s, "infinity");
  // Longer than "inf" but short of "infinity": only "inf" counts.
  if (n > 3 && n < 8) n = 3;
  if (n != 3 && n != 8) return 0;
  *value = sign * HUGE_VAL;
  return sign_length + n;
}

// strconv's underscoreOK: '_' only between digits, or between a base prefix and a digit.
bool UnderscoresOk(std::string_view s) {
  char saw = '^';  // ^ start, 0 digit or prefix, _ underscore, ! anything else
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  size_t i = 0;
  if (s.size() >= 2 && s[0] == '0' &&
      (LowerAscii(s[1]) == 'b' || LowerAscii(s[1]) == 'o' || LowerAscii(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = LowerAscii(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if (IsDigit(s[i]) || (hex && IsHexLetter(s[i]))) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// Converts the syntax-checked digits (no sign, no "0x", no '_') with std::from_chars; strtod
// settles what from_chars calls out of range (overflow is an error, underflow is 0).
Result<double> ConvertFloat(std::string_view text, std::string_view digits, bool hex,
                            bool negative) {
  double value = 0;
  const auto format = hex ? std::chars_format::hex : std::chars_format::general;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, format);
  if (error == std::errc::result_out_of_range) {
    std::string copy = hex ? "0x" : "";
    copy.append(digits);
    value = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(value)) return FloatRangeError(text);
  } else if (error != std::errc() || end != digits.data() + digits.size()) {
    return FloatSyntaxError(text);
  }
  return negative ? -value : value;
}

// ---- time.ParseDuration ----

// time's quote(): like strconv.Quote for ASCII, every other byte as \xNN.
std::string GoTimeQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || byte < ' ') {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

Status InvalidDuration(std::string_view text) {
  return Status::InvalidArgument("time: invalid duration " + GoTimeQuote(text));
}

struct DurationUnit {
  std::string_view name;
  uint64_t nanos;
};

constexpr DurationUnit kDurationUnits[] = {
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // U+00B5 micro sign
    {"\xCE\xBCs", 1'000},  // U+03BC Greek small letter mu
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
};

constexpr uint64_t kDurationLimit = uint64_t{1} << 63;

// ---- go-humanize ParseBytes ----

struct ByteUnit {
  std::string_view name;
  uint64_t multiplier;
};

constexpr uint64_t kKilo = 1000;
constexpr uint64_t kKibi = 1024;

constexpr ByteUnit kByteUnits[] = {
    {"", 1},
    {"b", 1},
    {"k", kKilo},
    {"kb", kKilo},
    {"ki", kKibi},
    {"kib", kKibi},
    {"m", kKilo* kKilo},
    {"mb", kKilo* kKilo},
    {"mi", kKibi* kKibi},
    {"mib", kKibi* kKibi},
    {"g", kKilo* kKilo* kKilo},
    {"gb", kKilo* kKilo* kKilo},
    {"gi", kKibi* kKibi* kKibi},
    {"gib", kKibi* kKibi* kKibi},
    {"t", kKilo* kKilo* kKilo* kKilo},
    {"tb", kKilo* kKilo* kKilo* kKilo},
    {"ti", kKibi* kKibi* kKibi* kKibi},
    {"tib", kKibi* kKibi* kKibi* kKibi},
    {"p", kKilo* kKilo* kKilo* kKilo* kKilo},
    {"pb", kKilo* kKilo* kKilo* kKilo* kKilo},
    {"pi", kKibi* kKibi* kKibi* kKibi* kKibi},
    {"pib", kKibi* kKibi* kKibi* kKibi* kKibi},
    {"e", kKilo* kKilo* kKilo* kKilo* kKilo* kKilo},
    {"eb", kKilo* kKilo* kKilo* kKilo* kKilo* kKilo},
    {"ei", kKibi* kKibi* kKibi* kKibi* kKibi* kKibi},
    {"eib", kKibi* kKibi* kKibi* kKibi* kKibi* kKibi},
};

}  // namespace

Result<double> ParseGoFloat(std::string_view text) {
  double special = 0;
  if (size_t n = ParseSpecial(text, &special); n > 0) {
    if (n != text.size()) return FloatSyntaxError(text);
    return special;
  }

  // readFloat's syntax, collecting the digits (without '_') as we go.
  char inline_buffer[128];
  std::string heap_buffer;
  char* digits = inline_buffer;
  if (text.size() > sizeof(inline_buffer)) {
    heap_buffer.resize(text.size());
    digits = heap_buffer.data();
  }
  size_t digit_count = 0;

  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  bool hex = false;
  if (i + 2 < text.size() && text[i] == '0' && LowerAscii(text[i + 1]) == 'x') {
    hex = true;
    i += 2;
  }
  bool saw_dot = false;
  bool saw_digits = false;
  bool underscores = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      underscores = true;
      continue;
    }
    if (c == '.') {
      if (saw_dot) break;
      saw_dot = true;
      digits[digit_count++] = c;
      continue;
    }
    if (IsDigit(c) || (hex && IsHexLetter(c))) {
      saw_digits = true;
      digits[digit_count++] = c;
      continue;
    }
    break;
  }
  if (!saw_digits) return FloatSyntaxError(text);
  const char exponent_char = hex ? 'p' : 'e';
  if (i < text.size() && LowerAscii(text[i]) == exponent_char) {
    digits[digit_count++] = exponent_char;
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) digits[digit_count++] = text[i++];
    if (i >= text.size() || !IsDigit(text[i])) return FloatSyntaxError(text);
    for (; i < text.size() && (IsDigit(text[i]) || text[i] == '_'); ++i) {
      if (text[i] == '_') {
        underscores = true;
        continue;
      }
      digits[digit_count++] = text[i];
    }
  } else if (hex) {
    return FloatSyntaxError(text);  // a hexadecimal float needs its p exponent
  }
  if (underscores && !UnderscoresOk(text.substr(0, i))) return FloatSyntaxError(text);
  if (i != text.size()) return FloatSyntaxError(text);
  return ConvertFloat(text, std::string_view(digits, digit_count), hex, negative);
}

Result<int64_t> ParseGoDurationNanos(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return InvalidDuration(text);

  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) return InvalidDuration(text);
    // The integer part; overflowing it is an error.
    uint64_t whole = 0;
    size_t i = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (whole > kDurationLimit / 10) return InvalidDuration(text);
      whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
      if (whole > kDurationLimit) return InvalidDuration(text);
    }
    const bool has_whole = i > 0;
    s.remove_prefix(i);
    // The fraction: digits past what fits are ignored.
    uint64_t fraction = 0;
    double scale = 1;
    bool has_fraction = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      size_t j = 0;
      for (; j < s.size() && IsDigit(s[j]); ++j) {
        if (overflow) continue;
        if (fraction > (kDurationLimit - 1) / 10) {
          overflow = true;
          continue;
        }
        const uint64_t next = fraction * 10 + static_cast<uint64_t>(s[j] - '0');
        if (next > kDurationLimit) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      has_fraction = j > 0;
      s.remove_prefix(j);
    }
    if (!has_whole && !has_fraction) return InvalidDuration(text);

    size_t unit_length = 0;
    while (unit_length < s.size() && s[unit_length] != '.' && !IsDigit(s[unit_length])) {
      ++unit_length;
    }
    if (unit_length == 0) {
      return Status::InvalidArgument("time: missing unit in duration " + GoTimeQuote(text));
    }
    const std::string_view unit_name = s.substr(0, unit_length);
    s.remove_prefix(unit_length);
    uint64_t unit = 0;
    for (const DurationUnit& candidate : kDurationUnits) {
      if (candidate.name == unit_name) unit = candidate.nanos;
    }
    if (unit == 0) {
      return Status::InvalidArgument("time: unknown unit " + GoTimeQuote(unit_name) +
                                     " in duration " + GoTimeQuote(text));
    }
    if (whole > kDurationLimit / unit) return InvalidDuration(text);
    whole *= unit;
    if (fraction > 0) {
      whole += static_cast<uint64_t>(static_cast<double>(fraction) *
                                     (static_cast<double>(unit) / scale));
      if (whole > kDurationLimit) return InvalidDuration(text);
    }
    total += whole;
    if (total > kDurationLimit) return InvalidDuration(text);
  }
  if (negative) return static_cast<int64_t>(-total);  // -2^63 is representable
  if (total > kDurationLimit - 1) return InvalidDuration(text);
  return static_cast<int64_t>(total);
}

Result<double> ParseGoDuration(std::string_view text) {
  Result<int64_t> nanos = ParseGoDurationNanos(text);
  if (!nanos.ok()) return nanos.status();
  const int64_t seconds = *nanos / 1'000'000'000;
  const int64_t rest = *nanos % 1'000'000'000;
  return static_cast<double>(seconds) + static_cast<double>(rest) / 1e9;
}

Result<uint64_t> ParseHumanBytes(std::string_view text) {
  size_t number_length = 0;
  bool has_comma = false;
  while (number_length < text.size()) {
    const char c = text[number_length];
    if (!(IsDigit(c) || c == '.' || c == ',')) break;
    if (c == ',') has_comma = true;
    ++number_length;
  }
  std::string_view number = text.substr(0, number_length);
  std::string without_commas;
  if (has_comma) {
    for (char c : number) {
      if (c != ',') without_commas += c;
    }
    number = without_commas;
  }
  Result<double> value = ParseGoFloat(number);
  if (!value.ok()) return value.status();

  std::string_view unit = TrimGoSpace(text.substr(number_length));
  char lower[4];
  const ByteUnit* found = nullptr;
  if (unit.size() <= sizeof(lower)) {
    for (size_t i = 0; i < unit.size(); ++i) lower[i] = LowerAscii(unit[i]);
    const std::string_view lower_unit(lower, unit.size());
    for (const ByteUnit& candidate : kByteUnits) {
      if (candidate.name == lower_unit) found = &candidate;
    }
  }
  if (found == nullptr) {
    std::string lowered(unit);
    for (char& c : lowered) c = LowerAscii(c);
    return Status::InvalidArgument("unhandled size name: " + lowered);
  }
  const double bytes = *value * static_cast<double>(found->multiplier);
  // float64(MaxUint64) is 2^64.
  if (bytes >= 18446744073709551616.0) {
    return Status::InvalidArgument("too large: " + std::string(text));
  }
  return static_cast<uint64_t>(bytes);
}

}  // namespace otelite::logql
