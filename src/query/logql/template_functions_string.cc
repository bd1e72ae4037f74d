// String functions: Go's strings package under Loki's old names (ToLower, Replace, Trim, …),
// Sprig's helpers (lower, title, trunc, substr, indent, trimAll, b64enc, …) and Loki's own
// (urlencode, urldecode, alignLeft, alignRight, __line__).
#include <algorithm>
#include <cstring>
#include <string>

#include "query/logql/template_internal.h"

namespace otelite::logql::template_internal {
namespace {

using P = ParamType;

Status Fail(std::string message) { return Status::InvalidArgument(std::move(message)); }

Status Out(std::string s, Value* r) {
  if (s.size() > Template::kMaxOutputBytes) {
    return Fail("result exceeds " + std::to_string(Template::kMaxOutputBytes) + " bytes");
  }
  *r = Value::Owned(std::move(s));
  return Status::Ok();
}

// Simple case mapping: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic.
char32_t ToLowerRune(char32_t r) {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  if ((r >= 0xC0 && r <= 0xDE && r != 0xD7)) return r + 32;
  if (r >= 0x100 && r <= 0x17F && r != 0x130 && r != 0x131 && r != 0x138 && r != 0x149 &&
      r != 0x17F) {
    bool odd_upper = (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E);
    if (odd_upper) return (r % 2 == 1) ? r + 1 : r;
    return (r % 2 == 0) ? r + 1 : r;
  }
  if (r >= 0x391 && r <= 0x3AB && r != 0x3A2) return r + 32;
  if (r >= 0x410 && r <= 0x42F) return r + 32;
  if (r >= 0x400 && r <= 0x40F) return r + 80;
  return r;
}

char32_t ToUpperRune(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  if (r >= 0xE0 && r <= 0xFE && r != 0xF7) return r - 32;
  if (r == 0xFF) return 0x178;
  if (r >= 0x100 && r <= 0x17F && r != 0x130 && r != 0x131 && r != 0x138 && r != 0x149 &&
      r != 0x17F) {
    bool odd_upper = (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E);
    if (odd_upper) return (r % 2 == 0) ? r - 1 : r;
    return (r % 2 == 1) ? r - 1 : r;
  }
  if (r >= 0x3B1 && r <= 0x3CB && r != 0x3C2) return r - 32;
  if (r >= 0x430 && r <= 0x44F) return r - 32;
  if (r >= 0x450 && r <= 0x45F) return r - 80;
  return r;
}

std::string MapRunes(std::string_view s, char32_t (*fn)(char32_t)) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t w = 0;
    char32_t r = DecodeRune(s.substr(i), &w);
    if (r == 0xFFFD && w == 1) {
      out.append("\xEF\xBF\xBD");  // Go maps invalid bytes to U+FFFD
    } else {
      AppendRune(fn(r), &out);
    }
    i += w;
  }
  return out;
}

bool IsSpaceRune(char32_t r) { return IsGoSpace(r); }

bool InCutset(char32_t r, std::string_view cutset) {
  for (size_t i = 0; i < cutset.size();) {
    size_t w = 0;
    char32_t c = DecodeRune(cutset.substr(i), &w);
    if (c == r) return true;
    i += w;
  }
  return false;
}

// Index of the first rune from the left not matching `drop`.
template <typename Pred>
size_t TrimLeftIndex(std::string_view s, Pred drop) {
  size_t i = 0;
  while (i < s.size()) {
    size_t w = 0;
    char32_t r = DecodeRune(s.substr(i), &w);
    if (!drop(r)) break;
    i += w;
  }
  return i;
}

template <typename Pred>
size_t TrimRightIndex(std::string_view s, Pred drop) {
  size_t end = s.size();
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && end - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
      --start;
    }
    size_t w = 0;
    char32_t r = DecodeRune(s.substr(start, end - start), &w);
    if (w != end - start) {
      start = end - 1;
      r = 0xFFFD;
    }
    if (!drop(r)) break;
    end = start;
  }
  return end;
}

std::string_view TrimSet(std::string_view s, std::string_view cutset, bool left, bool right) {
  auto drop = [&](char32_t r) { return InCutset(r, cutset); };
  if (left) s.remove_prefix(TrimLeftIndex(s, drop));
  if (right) s = s.substr(0, TrimRightIndex(s, drop));
  return s;
}

std::string_view TrimSpace(std::string_view s) {
  s.remove_prefix(TrimLeftIndex(s, IsSpaceRune));
  return s.substr(0, TrimRightIndex(s, IsSpaceRune));
}

// strings.Replace: n < 0 replaces all; an empty `old` matches before every rune and at the end.
Status ReplaceN(std::string_view s, std::string_view old_s, std::string_view new_s, int64_t n,
                Value* r) {
  std::string out;
  if (n == 0 || old_s == new_s) return Out(std::string(s), r);
  int64_t done = 0;
  size_t i = 0;
  if (old_s.empty()) {
    while (n < 0 || done < n) {
      out.append(new_s);
      ++done;
      if (i >= s.size()) break;
      size_t w = 0;
      DecodeRune(s.substr(i), &w);
      out.append(s.substr(i, w));
      i += w;
      if (out.size() > Template::kMaxOutputBytes) break;
    }
    out.append(s.substr(std::min(i, s.size())));
    return Out(std::move(out), r);
  }
  while (n < 0 || done < n) {
    size_t found = s.find(old_s, i);
    if (found == std::string_view::npos) break;
    out.append(s.substr(i, found - i));
    out.append(new_s);
    i = found + old_s.size();
    ++done;
    if (out.size() > Template::kMaxOutputBytes) break;
  }
  out.append(s.substr(i));
  return Out(std::move(out), r);
}

Status Repeat(std::string_view s, int64_t count, Value* r) {
  if (count < 0) return Fail("strings: negative Repeat count");
  if (!s.empty() && static_cast<uint64_t>(count) > Template::kMaxOutputBytes / s.size()) {
    return Fail("result exceeds " + std::to_string(Template::kMaxOutputBytes) + " bytes");
  }
  std::string out;
  out.reserve(s.size() * static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) out.append(s);
  return Out(std::move(out), r);
}

Status Indent(int64_t spaces, std::string_view s, bool newline, Value* r) {
  if (spaces < 0) return Fail("strings: negative Repeat count");
  size_t lines = 1 + static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
  if (static_cast<uint64_t>(spaces) > Template::kMaxOutputBytes / lines) {
    return Fail("result exceeds " + std::to_string(Template::kMaxOutputBytes) + " bytes");
  }
  std::string pad(static_cast<size_t>(spaces), ' ');
  std::string out = newline ? "\n" : "";
  out += pad;
  for (char c : s) {
    out.push_back(c);
    if (c == '\n') out += pad;
  }
  return Out(std::move(out), r);
}

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    size_t w = 0;
    DecodeRune(s.substr(i), &w);
    i += w;
  }
  return n;
}

// Byte offset of rune number `k` (k ≤ rune count).
size_t RuneOffset(std::string_view s, size_t k) {
  size_t i = 0;
  for (size_t n = 0; n < k && i < s.size(); ++n) {
    size_t w = 0;
    DecodeRune(s.substr(i), &w);
    i += w;
  }
  return i;
}

// Go's string([]rune(s)): invalid bytes become U+FFFD.
std::string RunesToString(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t w = 0;
    AppendRune(DecodeRune(s.substr(i), &w), &out);
    i += w;
  }
  return out;
}

Status Align(int64_t count, std::string_view s, bool left, Value* r) {
  size_t n = RuneCount(s);
  if (count < 0 || static_cast<size_t>(count) == n) return Out(std::string(s), r);
  if (static_cast<uint64_t>(count) > Template::kMaxOutputBytes) {
    return Fail("result exceeds " + std::to_string(Template::kMaxOutputBytes) + " bytes");
  }
  size_t c = static_cast<size_t>(count);
  if (c > n) {
    std::string pad(c - n, ' ');
    return Out(left ? std::string(s) + pad : pad + std::string(s), r);
  }
  if (left) return Out(RunesToString(s.substr(0, RuneOffset(s, c))), r);
  return Out(RunesToString(s.substr(RuneOffset(s, n - c))), r);
}

// Sprig's substr (byte offsets; Go panics on bad bounds).
Status Substr(int64_t start, int64_t end, std::string_view s, Value* r) {
  int64_t len = static_cast<int64_t>(s.size());
  if (start < 0) {
    if (end < 0 || end > len) return Fail(SliceBoundsError(0, end, s.size(), false, true));
    return Out(std::string(s.substr(0, static_cast<size_t>(end))), r);
  }
  if (end < 0 || end > len) {
    if (start > len) return Fail(SliceBoundsError(start, 0, s.size(), true, false));
    return Out(std::string(s.substr(static_cast<size_t>(start))), r);
  }
  if (start > end) return Fail(SliceBoundsError(start, end, s.size(), true, true));
  return Out(std::string(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start))),
             r);
}

// Sprig's trunc (bytes).
Status Trunc(int64_t c, std::string_view s, Value* r) {
  int64_t len = static_cast<int64_t>(s.size());
  if (c < 0 && len + c > 0) return Out(std::string(s.substr(static_cast<size_t>(len + c))), r);
  if (c >= 0 && len > c) return Out(std::string(s.substr(0, static_cast<size_t>(c))), r);
  return Out(std::string(s), r);
}

// strings.Title: the first letter of each word upper-cased.
std::string Title(std::string_view s) {
  std::string out;
  char32_t prev = ' ';
  for (size_t i = 0; i < s.size();) {
    size_t w = 0;
    char32_t r = DecodeRune(s.substr(i), &w);
    bool prev_separator;
    if (prev < 0x80) {
      prev_separator = !((prev >= '0' && prev <= '9') || (prev >= 'a' && prev <= 'z') ||
                         (prev >= 'A' && prev <= 'Z') || prev == '_');
    } else {
      prev_separator = IsSpaceRune(prev);
    }
    if (r == 0xFFFD && w == 1) {
      out.append("\xEF\xBF\xBD");
    } else {
      AppendRune(prev_separator ? ToUpperRune(r) : r, &out);
    }
    prev = r;
    i += w;
  }
  return out;
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view s) {
  std::string out;
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  for (; i + 3 <= s.size(); i += 3) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    for (int k = 18; k >= 0; k -= 6) out.push_back(kBase64[(v >> k) & 63]);
  }
  if (i + 1 == s.size()) {
    uint32_t v = b(i) << 16;
    out.push_back(kBase64[(v >> 18) & 63]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out += "==";
  } else if (i + 2 == s.size()) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out.push_back(kBase64[(v >> 18) & 63]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(kBase64[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

// base64.StdEncoding.DecodeString; Sprig returns the error's text instead of failing.
std::string Base64Decode(std::string_view s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t sextets = 0;
  size_t i = 0;
  size_t pad = 0;
  auto error = [](size_t at) { return "illegal base64 data at input byte " + std::to_string(at); };
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\r' || c == '\n') continue;
    if (c == '=') break;
    const char* p = static_cast<const char*>(std::memchr(kBase64, c, 64));
    if (c == 0 || p == nullptr) return error(i);
    acc = (acc << 6) | static_cast<uint32_t>(p - kBase64);
    bits += 6;
    ++sextets;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  size_t rem = sextets % 4;
  if (i < s.size()) {  // padding
    size_t pad_start = i;
    for (; i < s.size(); ++i) {
      if (s[i] == '=') {
        ++pad;
      } else if (s[i] != '\r' && s[i] != '\n') {
        return error(i);
      }
    }
    if (rem < 2 || rem + pad != 4) return error(pad_start);
  } else if (rem != 0) {
    return error(s.size() - (rem == 1 ? 1 : 0));
  }
  if (rem == 1) return error(s.size());
  return out;
}

Status QueryUnescape(std::string_view s, Value* r) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      auto hex = [](char h) {
        if (h >= '0' && h <= '9') return h - '0';
        if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f') return (h | 0x20) - 'a' + 10;
        return -1;
      };
      if (i + 2 >= s.size() + 0 || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) {
        std::string bad(s.substr(i, 3));
        std::string quoted;
        AppendGoQuote(bad, false, &quoted);
        return Fail("invalid URL escape " + quoted);
      }
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return Out(std::move(out), r);
}

#define STR(i) a[i].str()
#define INT(i) a[i].integer
#define FN(name) Status name(const CallContext& ctx, std::span<Value> a, Value* r)

FN(FnLine) {
  (void)a;
  *r = Value::Borrowed(ctx.data->Line());
  return Status::Ok();
}
FN(FnToLower) {
  (void)ctx;
  return Out(MapRunes(STR(0), ToLowerRune), r);
}
FN(FnToUpper) {
  (void)ctx;
  return Out(MapRunes(STR(0), ToUpperRune), r);
}
FN(FnReplace4) {
  (void)ctx;
  return ReplaceN(STR(0), STR(1), STR(2), INT(3), r);
}
FN(FnTrim) {
  (void)ctx;
  return Out(std::string(TrimSet(STR(0), STR(1), true, true)), r);
}
FN(FnTrimLeft) {
  (void)ctx;
  return Out(std::string(TrimSet(STR(0), STR(1), true, false)), r);
}
FN(FnTrimRight) {
  (void)ctx;
  return Out(std::string(TrimSet(STR(0), STR(1), false, true)), r);
}
FN(FnTrimPrefix) {
  (void)ctx;
  std::string_view s = STR(0);
  if (s.substr(0, STR(1).size()) == STR(1)) s.remove_prefix(STR(1).size());
  return Out(std::string(s), r);
}
FN(FnTrimSuffix) {
  (void)ctx;
  std::string_view s = STR(0);
  if (s.size() >= STR(1).size() && s.substr(s.size() - STR(1).size()) == STR(1)) {
    s.remove_suffix(STR(1).size());
  }
  return Out(std::string(s), r);
}
FN(FnTrimSpace) {
  (void)ctx;
  return Out(std::string(TrimSpace(STR(0))), r);
}
FN(FnUrlencode) {
  (void)ctx;
  std::string out;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : STR(0)) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return Out(std::move(out), r);
}
FN(FnUrldecode) {
  (void)ctx;
  return QueryUnescape(STR(0), r);
}
FN(FnAlignLeft) {
  (void)ctx;
  return Align(INT(0), STR(1), true, r);
}
FN(FnAlignRight) {
  (void)ctx;
  return Align(INT(0), STR(1), false, r);
}
FN(FnB64enc) {
  (void)ctx;
  return Out(Base64Encode(STR(0)), r);
}
FN(FnB64dec) {
  (void)ctx;
  return Out(Base64Decode(STR(0)), r);
}
FN(FnTitle) {
  (void)ctx;
  return Out(Title(STR(0)), r);
}
FN(FnTrunc) {
  (void)ctx;
  return Trunc(INT(0), STR(1), r);
}
FN(FnSubstr) {
  (void)ctx;
  return Substr(INT(0), INT(1), STR(2), r);
}
FN(FnContains) {
  (void)ctx;
  *r = Value::Bool(STR(1).find(STR(0)) != std::string_view::npos);
  return Status::Ok();
}
FN(FnHasPrefix) {
  (void)ctx;
  *r = Value::Bool(STR(1).substr(0, STR(0).size()) == STR(0));
  return Status::Ok();
}
FN(FnHasSuffix) {
  (void)ctx;
  std::string_view s = STR(1);
  *r = Value::Bool(s.size() >= STR(0).size() && s.substr(s.size() - STR(0).size()) == STR(0));
  return Status::Ok();
}
FN(FnIndent) {
  (void)ctx;
  return Indent(INT(0), STR(1), false, r);
}
FN(FnNindent) {
  (void)ctx;
  return Indent(INT(0), STR(1), true, r);
}
FN(FnReplace3) {
  (void)ctx;
  return ReplaceN(STR(2), STR(0), STR(1), -1, r);
}
FN(FnRepeat) {
  (void)ctx;
  return Repeat(STR(1), INT(0), r);
}
FN(FnTrimAll) {
  (void)ctx;
  return Out(std::string(TrimSet(STR(1), STR(0), true, true)), r);
}
FN(FnTrimPrefixSprig) {
  Value args[2] = {a[1], a[0]};
  return FnTrimPrefix(ctx, args, r);
}
FN(FnTrimSuffixSprig) {
  Value args[2] = {a[1], a[0]};
  return FnTrimSuffix(ctx, args, r);
}

#undef STR
#undef INT
#undef FN

}  // namespace

void RegisterStringFunctions(std::vector<FunctionDef>* t) {
  t->push_back({"__line__", {}, false, FnLine});
  t->push_back({"ToLower", {P::kString}, false, FnToLower});
  t->push_back({"ToUpper", {P::kString}, false, FnToUpper});
  t->push_back({"Replace", {P::kString, P::kString, P::kString, P::kInt}, false, FnReplace4});
  t->push_back({"Trim", {P::kString, P::kString}, false, FnTrim});
  t->push_back({"TrimLeft", {P::kString, P::kString}, false, FnTrimLeft});
  t->push_back({"TrimRight", {P::kString, P::kString}, false, FnTrimRight});
  t->push_back({"TrimPrefix", {P::kString, P::kString}, false, FnTrimPrefix});
  t->push_back({"TrimSuffix", {P::kString, P::kString}, false, FnTrimSuffix});
  t->push_back({"TrimSpace", {P::kString}, false, FnTrimSpace});
  t->push_back({"urlencode", {P::kString}, false, FnUrlencode});
  t->push_back({"urldecode", {P::kString}, false, FnUrldecode});
  t->push_back({"alignLeft", {P::kInt, P::kString}, false, FnAlignLeft});
  t->push_back({"alignRight", {P::kInt, P::kString}, false, FnAlignRight});
  t->push_back({"b64enc", {P::kString}, false, FnB64enc});
  t->push_back({"b64dec", {P::kString}, false, FnB64dec});
  t->push_back({"lower", {P::kString}, false, FnToLower});
  t->push_back({"upper", {P::kString}, false, FnToUpper});
  t->push_back({"title", {P::kString}, false, FnTitle});
  t->push_back({"trunc", {P::kInt, P::kString}, false, FnTrunc});
  t->push_back({"substr", {P::kInt, P::kInt, P::kString}, false, FnSubstr});
  t->push_back({"contains", {P::kString, P::kString}, false, FnContains});
  t->push_back({"hasPrefix", {P::kString, P::kString}, false, FnHasPrefix});
  t->push_back({"hasSuffix", {P::kString, P::kString}, false, FnHasSuffix});
  t->push_back({"indent", {P::kInt, P::kString}, false, FnIndent});
  t->push_back({"nindent", {P::kInt, P::kString}, false, FnNindent});
  t->push_back({"replace", {P::kString, P::kString, P::kString}, false, FnReplace3});
  t->push_back({"repeat", {P::kInt, P::kString}, false, FnRepeat});
  t->push_back({"trim", {P::kString}, false, FnTrimSpace});
  t->push_back({"trimAll", {P::kString, P::kString}, false, FnTrimAll});
  t->push_back({"trimPrefix", {P::kString, P::kString}, false, FnTrimPrefixSprig});
  t->push_back({"trimSuffix", {P::kString, P::kString}, false, FnTrimSuffixSprig});
}

}  // namespace otelite::logql::template_internal
