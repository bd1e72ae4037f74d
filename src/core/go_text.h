// Go's text rules, which Prometheus's and Loki's texts follow and so otelite's PromQL printer,
// LogQL stages, templates and Loki push messages follow too: UTF-8 decoding and encoding as
// unicode/utf8 does it (an invalid byte is one U+FFFD "rune error" of width 1), the rune error
// test Loki applies to parsed values, unicode.IsPrint and unicode.IsSpace, strings.TrimSpace, and
// strconv.Quote / QuoteToASCII.
//
// Thread-safety: stateless functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace otelite {

inline constexpr uint32_t kRuneError = 0xFFFD;

// Decodes the rune starting at s[i] (i < s.size()) into *rune and returns its width in bytes.
// Overlong forms, surrogates, values above U+10FFFF and truncated sequences give kRuneError
// with width 1, as utf8.DecodeRune does.
int DecodeRune(std::string_view s, size_t i, uint32_t* rune);

// True when `s` holds invalid UTF-8 or an encoded U+FFFD: bytes.ContainsRune(s, RuneError),
// the test Loki uses to blank out parsed values that Prometheus would reject.
bool HasRuneError(std::string_view s);

// unicode.IsSpace: \t \n \v \f \r, space, U+0085, U+00A0 and the Unicode space separators.
bool IsGoSpace(uint32_t rune);

// strings.TrimSpace: `s` without leading and trailing IsGoSpace runes.
std::string_view TrimGoSpace(std::string_view s);

// utf8.EncodeRune: appends the UTF-8 of `rune` (surrogates and values above U+10FFFF as U+FFFD).
void AppendRune(uint32_t rune, std::string* out);

// Hexadecimal digits (0-9, a-f, A-F): whether `c` is one, and its value (-1 when it is not).
inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
inline bool IsHexDigit(char c) { return HexDigitValue(c) >= 0; }

// An approximation of unicode.IsPrint: letters, marks, numbers, punctuation, symbols and U+0020;
// not controls, format characters, private use, surrogates, noncharacters or other spaces. Only
// the look of quoted text depends on it, never its meaning.
bool IsGoPrint(uint32_t rune);

// strconv.Quote (`ascii_only`: QuoteToASCII): `s` in double quotes, '"' and '\\' escaped,
// printable runes as they are, the others as \a … \v, \xNN, \uNNNN or \UNNNNNNNN, invalid bytes as
// \xNN.
void AppendGoQuoted(std::string_view s, bool ascii_only, std::string* out);
// The same without the surrounding quotes.
void AppendGoEscaped(std::string_view s, bool ascii_only, std::string* out);
std::string GoQuote(std::string_view s);

}  // namespace otelite
