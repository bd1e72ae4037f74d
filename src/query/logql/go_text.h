// Go's text rules that Loki's pipeline stages inherit: UTF-8 decoding as unicode/utf8 does it
// (an invalid byte is one U+FFFD "rune error" of width 1), the rune error test Loki applies to
// parsed values, and strings.TrimSpace's notion of white space.
//
// Thread-safety: stateless functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace otelite::logql {

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

}  // namespace otelite::logql
