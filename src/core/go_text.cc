#include "core/go_text.h"

#include <cstring>

namespace otelite {

namespace {

bool IsContinuation(unsigned char c, unsigned char low = 0x80, unsigned char high = 0xBF) {
  return c >= low && c <= high;
}

}  // namespace

int DecodeRune(std::string_view s, size_t i, uint32_t* rune) {
  const size_t n = s.size() - i;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data() + i);
  const unsigned char c0 = p[0];
  if (c0 < 0x80) {
    *rune = c0;
    return 1;
  }
  *rune = kRuneError;
  if (c0 < 0xC2 || c0 > 0xF4) return 1;
  if (c0 < 0xE0) {
    if (n < 2 || !IsContinuation(p[1])) return 1;
    *rune = (uint32_t{c0} & 0x1F) << 6 | (p[1] & 0x3F);
    return 2;
  }
  // The second byte's range depends on the first (no overlongs, no surrogates, <= U+10FFFF).
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (c0 == 0xE0) low = 0xA0;
  if (c0 == 0xED) high = 0x9F;
  if (c0 == 0xF0) low = 0x90;
  if (c0 == 0xF4) high = 0x8F;
  if (n < 2 || !IsContinuation(p[1], low, high)) return 1;
  if (c0 < 0xF0) {
    if (n < 3 || !IsContinuation(p[2])) return 1;
    *rune = (uint32_t{c0} & 0x0F) << 12 | (uint32_t{p[1]} & 0x3F) << 6 | (p[2] & 0x3F);
    return 3;
  }
  if (n < 4 || !IsContinuation(p[2]) || !IsContinuation(p[3])) return 1;
  *rune = (uint32_t{c0} & 0x07) << 18 | (uint32_t{p[1]} & 0x3F) << 12 |
          (uint32_t{p[2]} & 0x3F) << 6 | (p[3] & 0x3F);
  return 4;
}

bool HasRuneError(std::string_view s) {
  // ASCII, the usual case, eight bytes at a time.
  size_t i = 0;
  while (i + 8 <= s.size()) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, sizeof word);
    if ((word & 0x8080808080808080ull) != 0) break;
    i += 8;
  }
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    uint32_t rune;
    i += DecodeRune(s, i, &rune);
    if (rune == kRuneError) return true;
  }
  return false;
}

bool IsGoSpace(uint32_t rune) {
  switch (rune) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return rune >= 0x2000 && rune <= 0x200A;
  }
}

std::string_view TrimGoSpace(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    uint32_t rune;
    int width = DecodeRune(s, begin, &rune);
    if (!IsGoSpace(rune)) break;
    begin += width;
  }
  size_t end = s.size();
  while (end > begin) {
    // Step back to the start of the last rune: at most 3 continuation bytes.
    size_t start = end - 1;
    while (start > begin && end - start < 4 &&
           (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
      --start;
    }
    uint32_t rune;
    int width = DecodeRune(s, start, &rune);
    if (start + width != end) {
      // A stray continuation byte: invalid, so not a space.
      break;
    }
    if (!IsGoSpace(rune)) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

void AppendRune(uint32_t rune, std::string* out) {
  if (rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) rune = kRuneError;
  if (rune < 0x80) {
    out->push_back(static_cast<char>(rune));
  } else if (rune < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (rune >> 6)));
    out->push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else if (rune < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (rune >> 12)));
    out->push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (rune >> 18)));
    out->push_back(static_cast<char>(0x80 | ((rune >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  }
}

bool IsGoPrint(uint32_t r) {
  if (r < 0x20 || r == 0x7F) return false;
  if (r < 0x7F) return true;
  if (r <= 0xA0 || r == 0xAD) return false;  // C1 controls, no-break space, soft hyphen
  if ((r >= 0x600 && r <= 0x605) || r == 0x61C || r == 0x6DD || r == 0x70F || r == 0x180E) {
    return false;  // format characters
  }
  if (r == 0x1680 || (r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) ||
      (r >= 0x205F && r <= 0x206F) || r == 0x3000) {
    return false;  // spaces other than U+0020, zero-width and directional formats
  }
  if (r >= 0xD800 && r <= 0xDFFF) return false;  // surrogates
  if (r >= 0xE000 && r <= 0xF8FF) return false;  // private use
  if (r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) || r == 0xFFFE || r == 0xFFFF) return false;
  if (r >= 0xE0000) return false;  // tags, private use planes, beyond U+10FFFF
  return true;
}

namespace {

void AppendHex(uint32_t v, int digits, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out->push_back(kHex[(v >> (4 * i)) & 0xF]);
}

}  // namespace

void AppendGoQuoted(std::string_view s, bool ascii_only, std::string* out) {
  out->push_back('"');
  AppendGoEscaped(s, ascii_only, out);
  out->push_back('"');
}

void AppendGoEscaped(std::string_view s, bool ascii_only, std::string* out) {
  size_t i = 0;
  while (i < s.size()) {
    uint32_t r = 0;
    const int width = DecodeRune(s, i, &r);
    if (width == 1 && r == kRuneError) {
      out->append("\\x");
      AppendHex(static_cast<unsigned char>(s[i]), 2, out);
      ++i;
      continue;
    }
    i += static_cast<size_t>(width);
    if (r == '"' || r == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(r));
      continue;
    }
    if (IsGoPrint(r) && (!ascii_only || r < 0x80)) {
      AppendRune(r, out);
      continue;
    }
    static constexpr char kLetters[] = "abtnvfr";  // '\a' (7) to '\r' (13)
    if (r >= '\a' && r <= '\r') {
      out->push_back('\\');
      out->push_back(kLetters[r - '\a']);
    } else if (r < ' ' || r == 0x7F) {
      out->append("\\x");
      AppendHex(r, 2, out);
    } else if (r < 0x10000) {
      out->append("\\u");
      AppendHex(r, 4, out);
    } else {
      out->append("\\U");
      AppendHex(r, 8, out);
    }
  }
}

std::string GoQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendGoQuoted(s, false, &out);
  return out;
}

}  // namespace otelite
