// The OpenMetrics 1.0 ABNF's tokens: metric and label names, numbers, timestamps and escaped
// strings (internal to ingest/openmetrics). Everything works on one line without its "\n".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace otelite::openmetrics::lexical {

namespace internal {
inline constexpr uint8_t kMetricNameStart = 1;  // ALPHA / "_" / ":"
inline constexpr uint8_t kMetricNameChar = 2;   // ... / DIGIT
inline constexpr uint8_t kLabelNameStart = 4;   // ALPHA / "_"
inline constexpr uint8_t kLabelNameChar = 8;    // ... / DIGIT
inline constexpr std::array<uint8_t, 256> kCharClass = [] {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    bool digit = c >= '0' && c <= '9';
    uint8_t bits = 0;
    if (alpha || c == '_') bits |= kMetricNameStart | kLabelNameStart;
    if (c == ':') bits |= kMetricNameStart;
    if (alpha || digit || c == '_' || c == ':') bits |= kMetricNameChar;
    if (alpha || digit || c == '_') bits |= kLabelNameChar;
    table[c] = bits;
  }
  return table;
}();
}  // namespace internal

inline bool Is(char c, uint8_t cls) {
  return (internal::kCharClass[static_cast<unsigned char>(c)] & cls) != 0;
}

// End of the metric name (metricname) starting at s[pos]; pos when there is none.
inline size_t ScanMetricName(std::string_view s, size_t pos) {
  if (pos >= s.size() || !Is(s[pos], internal::kMetricNameStart)) return pos;
  ++pos;
  while (pos < s.size() && Is(s[pos], internal::kMetricNameChar)) ++pos;
  return pos;
}

// End of the label name (label-name) starting at s[pos]; pos when there is none.
inline size_t ScanLabelName(std::string_view s, size_t pos) {
  if (pos >= s.size() || !Is(s[pos], internal::kLabelNameStart)) return pos;
  ++pos;
  while (pos < s.size() && Is(s[pos], internal::kLabelNameChar)) ++pos;
  return pos;
}

inline bool IsMetricNameChars(std::string_view s) {
  for (char c : s) {
    if (!Is(c, internal::kMetricNameChar)) return false;
  }
  return true;
}

enum class NumberStatus { kOk, kSyntax, kOutOfRange };

// number = realnumber / [SIGN] ("inf" / "infinity") / "nan", the words in any case.
// Out of range: beyond ±DBL_MAX (values that underflow become 0 or a subnormal).
NumberStatus ParseNumber(std::string_view token, double* value);

// realnumber = [SIGN] 1*DIGIT ["." *DIGIT] ["e" [SIGN] 1*DIGIT]
//            / [SIGN] *DIGIT "." 1*DIGIT ["e" [SIGN] 1*DIGIT]     ("e" in any case)
NumberStatus ParseRealNumber(std::string_view token, double* value);

// seconds * 1000 truncated toward zero, saturated to the int64 range (Prometheus's conversion).
int64_t SecondsToMilliseconds(double seconds);
// Whether seconds * 1000 fits in an int64 (SecondsToMilliseconds does not saturate).
bool FitsInt64Milliseconds(double seconds);

// A quoted label value (escaped-string up to the closing DQUOTE), starting after the opening
// quote at s[*pos]. On success *pos is at the closing quote, *raw is the text between the
// quotes and *has_escapes tells whether it holds \n, \" or \\ (other backslashes stand for
// themselves). Returns nullptr or the problem (unterminated, invalid UTF-8).
const char* ScanQuotedValue(std::string_view s, size_t* pos, std::string_view* raw,
                            bool* has_escapes);

// HELP text: escaped-string to the end of the line, where a double quote may also stand alone
// (Prometheus exposes them unescaped and the suite accepts that). Same results as above.
const char* CheckHelpText(std::string_view text, bool* has_escapes);

// Appends `raw` with \n, \" and \\ resolved to *out.
void AppendUnescaped(std::string_view raw, std::string* out);

// Code points of the unescaped form of `raw` (valid UTF-8 with escapes, as scanned above).
size_t UnescapedCodePoints(std::string_view raw);

}  // namespace otelite::openmetrics::lexical
