#include "ingest/openmetrics/lexical.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace otelite::openmetrics::lexical {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of the UTF-8 sequence at s[i] (1-4), or 0 when it is not valid UTF-8: overlong forms,
// surrogates (U+D800-DFFF) and code points above U+10FFFF are rejected as RFC 3629 requires.
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
  };
  auto continuation = [](unsigned b) { return (b & 0xC0) == 0x80; };
  unsigned b0 = byte(0);
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(byte(1)) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    unsigned b1 = byte(1);
    unsigned low = b0 == 0xE0 ? 0xA0 : 0x80;
    unsigned high = b0 == 0xED ? 0x9F : 0xBF;
    return b1 >= low && b1 <= high && continuation(byte(2)) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    unsigned b1 = byte(1);
    unsigned low = b0 == 0xF0 ? 0x90 : 0x80;
    unsigned high = b0 == 0xF4 ? 0x8F : 0xBF;
    return b1 >= low && b1 <= high && continuation(byte(2)) && continuation(byte(3)) ? 4 : 0;
  }
  return 0;
}

bool IsEscapable(char c) { return c == 'n' || c == '"' || c == '\\'; }

bool EqualsIgnoreCase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] | 0x20) != lower[i]) return false;
  }
  return true;
}

// The conversion of a token already checked against the grammar (no leading '+', which
// std::from_chars does not take). Correctly rounded like Go's strconv.ParseFloat.
NumberStatus Convert(std::string_view token, double* value) {
  const char* end = token.data() + token.size();
  auto [ptr, ec] = std::from_chars(token.data(), end, *value, std::chars_format::general);
  if (ec == std::errc() && ptr == end) return NumberStatus::kOk;
  if (ec != std::errc::result_out_of_range) return NumberStatus::kSyntax;
  // Overflow is an error ("MUST fit within the range of a 64-bit floating point value");
  // underflow gives 0 or a subnormal, as in Go. strtod tells the two apart.
  std::string copy(token);
  double v = std::strtod(copy.c_str(), nullptr);
  if (std::isinf(v)) return NumberStatus::kOutOfRange;
  *value = v;
  return NumberStatus::kOk;
}

}  // namespace

NumberStatus ParseRealNumber(std::string_view token, double* value) {
  const size_t n = token.size();
  size_t i = 0;
  bool negative = false;
  if (i < n && (token[i] == '+' || token[i] == '-')) {
    negative = token[i] == '-';
    ++i;
  }
  const size_t sign_length = i;
  uint64_t integer = 0;  // wraps for long inputs, which then take the general path
  while (i < n && IsDigit(token[i]))
    integer = integer * 10 + static_cast<unsigned>(token[i++] - '0');
  const size_t int_digits = i - sign_length;
  bool plain_integer = true;
  size_t frac_digits = 0;
  if (i < n && token[i] == '.') {
    plain_integer = false;
    size_t start = ++i;
    while (i < n && IsDigit(token[i])) ++i;
    frac_digits = i - start;
  }
  if (int_digits + frac_digits == 0) return NumberStatus::kSyntax;
  if (i < n && (token[i] | 0x20) == 'e') {
    plain_integer = false;
    ++i;
    if (i < n && (token[i] == '+' || token[i] == '-')) ++i;
    size_t start = i;
    while (i < n && IsDigit(token[i])) ++i;
    if (i == start) return NumberStatus::kSyntax;
  }
  if (i != n) return NumberStatus::kSyntax;
  if (plain_integer && int_digits <= 15) {  // exact in a double: the common case, no conversion
    double v = static_cast<double>(integer);
    *value = negative ? -v : v;
    return NumberStatus::kOk;
  }
  return Convert(token.substr(token[0] == '+' ? 1 : 0), value);
}

NumberStatus ParseNumber(std::string_view token, double* value) {
  size_t i = !token.empty() && (token[0] == '+' || token[0] == '-') ? 1 : 0;
  if (i < token.size() && ((token[i] | 0x20) == 'i' || (token[i] | 0x20) == 'n')) {
    std::string_view word = token.substr(i);
    if (EqualsIgnoreCase(word, "inf") || EqualsIgnoreCase(word, "infinity")) {
      *value = token[0] == '-' ? -std::numeric_limits<double>::infinity()
                               : std::numeric_limits<double>::infinity();
      return NumberStatus::kOk;
    }
    if (i == 0 && EqualsIgnoreCase(word, "nan")) {  // the ABNF gives NaN no sign
      *value = std::numeric_limits<double>::quiet_NaN();
      return NumberStatus::kOk;
    }
    return NumberStatus::kSyntax;
  }
  return ParseRealNumber(token, value);
}

namespace {
constexpr double kTwoTo63 = 9223372036854775808.0;
}  // namespace

int64_t SecondsToMilliseconds(double seconds) {
  double ms = seconds * 1000.0;
  if (!(ms < kTwoTo63)) return std::numeric_limits<int64_t>::max();
  if (!(ms >= -kTwoTo63)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(ms);  // truncates toward zero
}

bool FitsInt64Milliseconds(double seconds) {
  double ms = seconds * 1000.0;
  return ms < kTwoTo63 && ms >= -kTwoTo63;
}

const char* ScanQuotedValue(std::string_view s, size_t* pos, std::string_view* raw,
                            bool* has_escapes) {
  const size_t start = *pos;
  bool escapes = false;
  size_t i = start;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') {
      *raw = s.substr(start, i - start);
      *pos = i;
      *has_escapes = escapes;
      return nullptr;
    }
    if (c == '\\') {
      if (i + 1 < s.size() && IsEscapable(s[i + 1])) {
        escapes = true;
        i += 2;
      } else {
        ++i;  // BS normal-char: the backslash stands for itself
      }
      continue;
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = Utf8Length(s, i);
    if (length == 0) return "invalid UTF-8 in label value";
    i += length;
  }
  return "label value is missing its closing quote";
}

const char* CheckHelpText(std::string_view text, bool* has_escapes) {
  bool escapes = false;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\\') {
      if (i + 1 >= text.size()) return "HELP text ends with a lone backslash";
      if (IsEscapable(text[i + 1])) {
        escapes = true;
        i += 2;
      } else {
        ++i;
      }
      continue;
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = Utf8Length(text, i);
    if (length == 0) return "invalid UTF-8 in HELP text";
    i += length;
  }
  *has_escapes = escapes;
  return nullptr;
}

void AppendUnescaped(std::string_view raw, std::string* out) {
  size_t i = 0;
  while (i < raw.size()) {
    size_t backslash = raw.find('\\', i);
    if (backslash == std::string_view::npos) {
      out->append(raw.substr(i));
      return;
    }
    out->append(raw.substr(i, backslash - i));
    char next = backslash + 1 < raw.size() ? raw[backslash + 1] : '\0';
    if (IsEscapable(next)) {
      out->push_back(next == 'n' ? '\n' : next);
      i = backslash + 2;
    } else {
      out->push_back('\\');
      i = backslash + 1;
    }
  }
}

size_t UnescapedCodePoints(std::string_view raw) {
  size_t count = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() && IsEscapable(raw[i + 1])) {
      ++count;
      ++i;
    } else if ((static_cast<unsigned char>(raw[i]) & 0xC0) != 0x80) {
      ++count;
    }
  }
  return count;
}

}  // namespace otelite::openmetrics::lexical
