// The token scanner. Number, string and comment rules follow Go's text/scanner (Loki lexes with
// it); what Loki's lexer adds on top (units after numbers, flags, negative durations, `[…]`,
// function names only before `(`) follows pkg/logql/syntax/lex.go. The literal helpers
// (durations, sizes, floats) are in lexer_literals.cc.
#include "query/logql/lexer.h"

#include <fmt/format.h>

#include <limits>

#include "core/go_text.h"
#include "query/promql/lexer.h"

namespace otelite::logql {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
// Go's scanner white space (GoWhitespace).
bool IsGoSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
// unicode.IsSpace for the ASCII range (Loki's look-ahead after function names and units).
bool IsUnicodeSpace(char c) { return IsGoSpace(c) || c == '\v' || c == '\f'; }

// Decodes one UTF-8 character at s[i]; 0 width for an invalid sequence.
uint32_t DecodeRune(std::string_view s, size_t i, size_t* width) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  *width = 1;
  if (c < 0x80) return c;
  size_t n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    *width = 0;
    return 0xFFFD;
  }
  uint32_t rune = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      *width = 0;
      return 0xFFFD;
    }
    rune = (rune << 6) | (cc & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (rune < kMin[n] || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) {
    *width = 0;
    return 0xFFFD;
  }
  *width = n;
  return rune;
}

// unicode.IsLetter for characters beyond ASCII, approximated without Unicode tables: Latin-1
// symbols, general punctuation and the spaces are not letters, everything else is.
bool IsNonAsciiLetter(uint32_t r) {
  if (r < 0xC0) return r == 0xAA || r == 0xB5 || r == 0xBA;
  if (r == 0xD7 || r == 0xF7) return false;
  if (r >= 0x2000 && r <= 0x206F) return false;
  if (r >= 0x2E00 && r <= 0x2E7F) return false;
  if (r == 0x3000 || r == 0xFEFF) return false;
  return true;
}

struct NamedKind {
  std::string_view name;
  TokenKind kind;
};

// Always keywords (Loki's `tokens` map), matched case-insensitively.
constexpr NamedKind kKeywords[] = {
    {"by", TokenKind::kBy},
    {"without", TokenKind::kWithout},
    {"bool", TokenKind::kBool},
    {"offset", TokenKind::kOffset},
    {"on", TokenKind::kOn},
    {"ignoring", TokenKind::kIgnoring},
    {"group_left", TokenKind::kGroupLeft},
    {"group_right", TokenKind::kGroupRight},
    {"or", TokenKind::kOr},
    {"and", TokenKind::kAnd},
    {"unless", TokenKind::kUnless},
    {"json", TokenKind::kJson},
    {"regexp", TokenKind::kRegexp},
    {"logfmt", TokenKind::kLogfmt},
    {"unpack", TokenKind::kUnpack},
    {"pattern", TokenKind::kPattern},
    {"label_format", TokenKind::kLabelFormat},
    {"line_format", TokenKind::kLineFormat},
    {"decolorize", TokenKind::kDecolorize},
    {"drop", TokenKind::kDrop},
    {"keep", TokenKind::kKeep},
    {"unwrap", TokenKind::kUnwrap},
    {"variants", TokenKind::kVariants},
    {"of", TokenKind::kOf},
};

// Functions: tokens only before `(` or `by (`/`without (` (Loki's `functionTokens`).
constexpr NamedKind kFunctions[] = {
    {"rate", TokenKind::kRate},
    {"rate_counter", TokenKind::kRateCounter},
    {"count_over_time", TokenKind::kCountOverTime},
    {"bytes_rate", TokenKind::kBytesRate},
    {"bytes_over_time", TokenKind::kBytesOverTime},
    {"avg_over_time", TokenKind::kAvgOverTime},
    {"sum_over_time", TokenKind::kSumOverTime},
    {"min_over_time", TokenKind::kMinOverTime},
    {"max_over_time", TokenKind::kMaxOverTime},
    {"stdvar_over_time", TokenKind::kStdvarOverTime},
    {"stddev_over_time", TokenKind::kStddevOverTime},
    {"quantile_over_time", TokenKind::kQuantileOverTime},
    {"first_over_time", TokenKind::kFirstOverTime},
    {"last_over_time", TokenKind::kLastOverTime},
    {"absent_over_time", TokenKind::kAbsentOverTime},
    {"vector", TokenKind::kVector},
    {"sum", TokenKind::kSum},
    {"avg", TokenKind::kAvg},
    {"max", TokenKind::kMax},
    {"min", TokenKind::kMin},
    {"count", TokenKind::kCount},
    {"stddev", TokenKind::kStddev},
    {"stdvar", TokenKind::kStdvar},
    {"bottomk", TokenKind::kBottomk},
    {"topk", TokenKind::kTopk},
    {"sort", TokenKind::kSort},
    {"sort_desc", TokenKind::kSortDesc},
    {"label_replace", TokenKind::kLabelReplace},
    {"approx_topk", TokenKind::kApproxTopk},
    {"bytes", TokenKind::kBytesConv},
    {"duration", TokenKind::kDurationConv},
    {"duration_seconds", TokenKind::kDurationSecondsConv},
    {"ip", TokenKind::kIp},
};

bool IsDurationUnitChar(std::string_view s, size_t i, size_t* width) {
  *width = 1;
  switch (s[i]) {
    case 'n':
    case 'u':
    case 'm':
    case 's':
    case 'h':
    case 'd':
    case 'w':
    case 'y':
      return true;
    default:
      break;
  }
  // µ (U+00B5)
  if (static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() &&
      static_cast<unsigned char>(s[i + 1]) == 0xB5) {
    *width = 2;
    return true;
  }
  return false;
}

bool IsBytesUnitChar(char c) {
  switch (c) {
    case 'B':
    case 'i':
    case 'k':
    case 'K':
    case 'M':
    case 'G':
    case 'T':
    case 'P':
      return true;
    default:
      return false;
  }
}

const char* LiteralName(char prefix) {
  switch (prefix) {
    case 'x':
      return "hexadecimal literal";
    case 'o':
    case '0':
      return "octal literal";
    case 'b':
      return "binary literal";
    default:
      return "decimal literal";
  }
}

// Go's scanner check that every '_' separates two digits.
bool ValidSeparators(std::string_view x) {
  char x1 = ' ';
  char d = '.';
  size_t i = 0;
  if (x.size() >= 2 && x[0] == '0') {
    x1 = Lower(x[1]);
    if (x1 == 'x' || x1 == 'o' || x1 == 'b') {
      d = '0';
      i = 2;
    }
  }
  for (; i < x.size(); ++i) {
    char p = d;
    d = x[i];
    if (d == '_') {
      if (p != '0') return false;
    } else if (IsDigit(d) || (x1 == 'x' && IsHexDigit(d))) {
      d = '0';
    } else {
      if (p == '_') return false;
      d = '.';
    }
  }
  return d != '_';
}

class Lexer {
 public:
  explicit Lexer(std::string_view query) : q_(query) {}

  std::vector<Token> Run() {
    tokens_.reserve(q_.size() / 4 + 4);
    FindFirstBadCharacter();
    if (q_.size() >= 3 && q_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a BOM is ignored
    while (true) {
      if (!SkipSpaceAndComments()) return std::move(tokens_);
      if (pos_ >= q_.size()) {
        Emit(TokenKind::kEnd, q_.size(), q_.size());
        return std::move(tokens_);
      }
      if (!LexToken()) return std::move(tokens_);
    }
  }

 private:
  // Go's scanner rejects NUL and invalid UTF-8 wherever it reads them (strings and comments
  // included); the first one found is reported when the lexer gets there.
  void FindFirstBadCharacter() {
    size_t i = 0;
    while (i < q_.size()) {
      if (q_[i] == '\0') {
        bad_ = i;
        bad_message_ = "invalid character NUL";
        return;
      }
      size_t width;
      DecodeRune(q_, i, &width);
      if (width == 0) {
        bad_ = i;
        bad_message_ = "invalid UTF-8 encoding";
        return;
      }
      i += width;
    }
  }

  // False (after an error token) when a bad character lies before `end`.
  bool CheckBad(size_t start, size_t end) {
    if (bad_ < end) {
      Error(std::min(start, bad_), bad_message_);
      return false;
    }
    return true;
  }

  bool SkipSpaceAndComments() {
    while (pos_ < q_.size()) {
      char c = q_[pos_];
      size_t start = pos_;
      if (IsGoSpace(c)) {
        ++pos_;
        continue;
      }
      if (c == '#') {
        while (pos_ < q_.size() && q_[pos_] != '\n') ++pos_;
      } else if (c == '/' && pos_ + 1 < q_.size() && q_[pos_ + 1] == '/') {
        while (pos_ < q_.size() && q_[pos_] != '\n') ++pos_;
      } else if (c == '/' && pos_ + 1 < q_.size() && q_[pos_ + 1] == '*') {
        size_t close = q_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) {
          if (!CheckBad(start, q_.size())) return false;
          Error(start, "comment not terminated");
          return false;
        }
        pos_ = close + 2;
      } else {
        return true;
      }
      if (!CheckBad(start, pos_)) return false;
    }
    return true;
  }

  void Emit(TokenKind kind, size_t start, size_t end) {
    Token token;
    token.kind = kind;
    token.start = static_cast<uint32_t>(start);
    token.end = static_cast<uint32_t>(end);
    token.text = q_.substr(start, end - start);
    tokens_.push_back(std::move(token));
  }

  // Ends the list with an error token; returns false so callers can `return Error(...)`.
  bool Error(size_t start, std::string message) {
    Token token;
    token.kind = TokenKind::kError;
    token.start = static_cast<uint32_t>(start);
    token.end = static_cast<uint32_t>(std::min(q_.size(), start + 1));
    token.text = q_.substr(start, token.end - start);
    token.error = std::move(message);
    tokens_.push_back(std::move(token));
    return false;
  }

  // Emits the token after a check for bad characters inside it.
  bool Finish(TokenKind kind, size_t start, size_t end) {
    if (!CheckBad(start, end)) return false;
    Emit(kind, start, end);
    pos_ = end;
    return true;
  }

  bool LexToken() {
    size_t start = pos_;
    char c = q_[pos_];
    char next = pos_ + 1 < q_.size() ? q_[pos_ + 1] : '\0';
    if (IsAsciiLetter(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80) {
      return LexIdentifier();
    }
    if (IsDigit(c) || (c == '.' && IsDigit(next))) return LexNumber();
    switch (c) {
      case '"':
      case '`':
        return LexString();
      case '[':
        return LexRange();
      case '-':
        return LexMinus();
      case '=':
        if (next == '~') return Finish(TokenKind::kRe, start, start + 2);
        if (next == '=') return Finish(TokenKind::kCmpEq, start, start + 2);
        return Finish(TokenKind::kEq, start, start + 1);
      case '!':
        if (next == '=') return Finish(TokenKind::kNeq, start, start + 2);
        if (next == '~') return Finish(TokenKind::kNre, start, start + 2);
        if (next == '>') return Finish(TokenKind::kNpa, start, start + 2);
        break;
      case '|':
        if (next == '=') return Finish(TokenKind::kPipeExact, start, start + 2);
        if (next == '~') return Finish(TokenKind::kPipeMatch, start, start + 2);
        if (next == '>') return Finish(TokenKind::kPipePattern, start, start + 2);
        return Finish(TokenKind::kPipe, start, start + 1);
      case '>':
        if (next == '=') return Finish(TokenKind::kGte, start, start + 2);
        return Finish(TokenKind::kGt, start, start + 1);
      case '<':
        if (next == '=') return Finish(TokenKind::kLte, start, start + 2);
        return Finish(TokenKind::kLt, start, start + 1);
      case ',':
        return Finish(TokenKind::kComma, start, start + 1);
      case '.':
        return Finish(TokenKind::kDot, start, start + 1);
      case '{':
        return Finish(TokenKind::kOpenBrace, start, start + 1);
      case '}':
        return Finish(TokenKind::kCloseBrace, start, start + 1);
      case '(':
        return Finish(TokenKind::kOpenParen, start, start + 1);
      case ')':
        return Finish(TokenKind::kCloseParen, start, start + 1);
      case ']':
        return Finish(TokenKind::kCloseBracket, start, start + 1);
      case '+':
        return Finish(TokenKind::kAdd, start, start + 1);
      case '*':
        return Finish(TokenKind::kMul, start, start + 1);
      case '/':
        return Finish(TokenKind::kDiv, start, start + 1);
      case '%':
        return Finish(TokenKind::kMod, start, start + 1);
      case '^':
        return Finish(TokenKind::kPow, start, start + 1);
      default:
        break;
    }
    if (!CheckBad(start, start + 1)) return false;
    return Error(start, fmt::format("syntax error: unexpected character {}",
                                    promql::QuoteString(q_.substr(start, 1))));
  }

  bool LexIdentifier() {
    size_t start = pos_;
    size_t i = pos_;
    while (i < q_.size()) {
      char c = q_[i];
      if (IsAsciiLetter(c) || c == '_' || (i > start && IsDigit(c))) {
        ++i;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x80) break;
      size_t width;
      uint32_t rune = DecodeRune(q_, i, &width);
      if (width == 0 || !IsNonAsciiLetter(rune)) break;
      i += width;
    }
    if (i == start) {  // a non-ASCII character that is not a letter
      size_t width;
      DecodeRune(q_, start, &width);
      if (!CheckBad(start, start + std::max<size_t>(width, 1))) return false;
      return Error(start, fmt::format("syntax error: unexpected character {}",
                                      promql::QuoteString(q_.substr(start, width))));
    }
    std::string_view text = q_.substr(start, i - start);
    for (const NamedKind& function : kFunctions) {
      if (EqualsKeyword(text, function.name)) {
        return Finish(IsFunctionCall(i) ? function.kind : TokenKind::kIdentifier, start, i);
      }
    }
    for (const NamedKind& keyword : kKeywords) {
      if (EqualsKeyword(text, keyword.name)) return Finish(keyword.kind, start, i);
    }
    return Finish(TokenKind::kIdentifier, start, i);
  }

  size_t SkipUnicodeSpace(size_t i) const {
    while (i < q_.size() && IsUnicodeSpace(q_[i])) ++i;
    return i;
  }

  // Loki's isFunction: `(` follows, or `by`/`without` and then `(`.
  bool IsFunctionCall(size_t i) const {
    i = SkipUnicodeSpace(i);
    if (i >= q_.size()) return false;
    if (q_[i] == '(') return true;
    for (std::string_view word : {std::string_view("by"), std::string_view("without")}) {
      if (i + word.size() <= q_.size() && EqualsKeyword(q_.substr(i, word.size()), word)) {
        size_t j = SkipUnicodeSpace(i + word.size());
        return j < q_.size() && q_[j] == '(';
      }
    }
    return false;
  }

  // Go's scanNumber: the end of the literal, or an error token.
  bool ScanGoNumber(size_t* end) {
    size_t start = pos_;
    size_t i = pos_;
    auto at = [&](size_t k) { return k < q_.size() ? q_[k] : '\0'; };
    int base = 10;
    char prefix = 0;
    int digsep = 0;
    char invalid = 0;
    bool seen_dot = q_[i] == '.';
    bool is_float = false;
    auto digits = [&](int b) {
      int ds = 0;
      if (b <= 10) {
        char max = static_cast<char>('0' + b);
        while (IsDigit(at(i)) || at(i) == '_') {
          if (at(i) == '_') {
            ds |= 2;
          } else {
            ds |= 1;
            if (at(i) >= max && invalid == 0) invalid = at(i);
          }
          ++i;
        }
      } else {
        while (IsHexDigit(at(i)) || at(i) == '_') {
          ds |= at(i) == '_' ? 2 : 1;
          ++i;
        }
      }
      return ds;
    };
    if (!seen_dot) {
      if (at(i) == '0') {
        ++i;
        char p = Lower(at(i));
        bool after_space = start > 0 && IsUnicodeSpace(q_[start - 1]);
        if (p == 'x') {
          ++i;
          base = 16;
          prefix = 'x';
        } else if (p == 'o') {
          ++i;
          base = 8;
          prefix = 'o';
        } else if (p == 'b') {
          // Loki's scanner takes `0b` as a binary prefix only when the character after the
          // previous token is not white space; otherwise it reads a decimal literal without
          // digits (an error), as Go's scanner does with that change.
          if (!after_space) {
            ++i;
            base = 2;
            prefix = 'b';
          }
        } else {
          base = 8;
          prefix = '0';
          digsep = 1;
        }
      }
      digsep |= digits(base);
      if (at(i) == '.') {
        ++i;
        seen_dot = true;
      }
    } else {
      ++i;  // the leading '.'
    }
    std::string error;
    if (seen_dot) {
      is_float = true;
      if (prefix == 'o' || prefix == 'b') {
        error = fmt::format("invalid radix point in {}", LiteralName(prefix));
      }
      digsep |= digits(base);
    }
    if ((digsep & 1) == 0 && error.empty()) {
      error = fmt::format("{} has no digits", LiteralName(prefix));
    }
    char e = Lower(at(i));
    if (e == 'e' || e == 'p') {
      if (error.empty() && e == 'e' && prefix != 0 && prefix != '0') {
        error = fmt::format("'{}' exponent requires decimal mantissa", at(i));
      } else if (error.empty() && e == 'p' && prefix != 'x') {
        error = fmt::format("'{}' exponent requires hexadecimal mantissa", at(i));
      }
      ++i;
      is_float = true;
      if (at(i) == '+' || at(i) == '-') ++i;
      int ds = digits(10);
      digsep |= ds;
      if ((ds & 1) == 0 && error.empty()) error = "exponent has no digits";
    } else if (prefix == 'x' && is_float && error.empty()) {
      error = "hexadecimal mantissa requires a 'p' exponent";
    }
    if (!is_float && invalid != 0 && error.empty()) {
      error = fmt::format("invalid digit '{}' in {}", invalid, LiteralName(prefix));
    }
    if ((digsep & 2) != 0 && error.empty() && !ValidSeparators(q_.substr(start, i - start))) {
      error = "'_' must separate successive digits";
    }
    if (!CheckBad(start, i)) return false;
    if (!error.empty()) return Error(start, std::move(error));
    *end = i;
    return true;
  }

  // The characters after `i` that may continue a duration (digits, units, '.'), up to white
  // space: Loki's tryScanDuration look-ahead.
  size_t DurationRun(size_t i) const {
    while (i < q_.size() && !IsUnicodeSpace(q_[i])) {
      size_t width = 1;
      if (!IsDigit(q_[i]) && q_[i] != '.' && !IsDurationUnitChar(q_, i, &width)) break;
      i += width;
    }
    return i;
  }

  size_t BytesRun(size_t i) const {
    while (i < q_.size() && !IsUnicodeSpace(q_[i])) {
      char c = q_[i];
      if (!IsDigit(c) && c != '.' && !IsBytesUnitChar(c)) break;
      ++i;
    }
    return i;
  }

  bool LexNumber() {
    size_t start = pos_;
    size_t end;
    if (!ScanGoNumber(&end)) return false;
    std::string_view number = q_.substr(start, end - start);
    size_t run = DurationRun(end);
    if (run > end) {
      std::string text = std::string(number) + std::string(q_.substr(end, run - end));
      if (Result<int64_t> nanos = ParseLogqlDuration(text); nanos.ok()) {
        if (!Finish(TokenKind::kDuration, start, run)) return false;
        tokens_.back().nanos = *nanos;
        return true;
      }
    }
    run = BytesRun(end);
    if (run > end) {
      std::string text = std::string(number) + std::string(q_.substr(end, run - end));
      if (Result<uint64_t> bytes = ParseBytesSize(text); bytes.ok()) {
        if (!Finish(TokenKind::kBytes, start, run)) return false;
        tokens_.back().bytes = *bytes;
        return true;
      }
    }
    return Finish(TokenKind::kNumber, start, end);
  }

  // `--strict`/`--keep-empty`, a negative duration (`-5m`), or the minus operator.
  bool LexMinus() {
    size_t start = pos_;
    if (start + 1 < q_.size() && q_[start + 1] == '-') {
      size_t i = start + 1;
      while (i < q_.size() && (IsAsciiLetter(q_[i]) || q_[i] == '-')) ++i;
      std::string_view flag = q_.substr(start, i - start);
      if (flag == "--strict" || flag == "--keep-empty") return Finish(TokenKind::kFlag, start, i);
    }
    size_t run = DurationRun(start + 1);
    if (run > start + 1) {
      if (Result<int64_t> nanos = ParseLogqlDuration(q_.substr(start, run - start)); nanos.ok()) {
        if (!Finish(TokenKind::kDuration, start, run)) return false;
        tokens_.back().nanos = *nanos;
        return true;
      }
    }
    return Finish(TokenKind::kSub, start, start + 1);
  }

  // `[…]`: everything up to the next `]` is a Prometheus duration.
  bool LexRange() {
    size_t start = pos_;
    size_t close = q_.find(']', start + 1);
    if (close == std::string_view::npos) {
      if (!CheckBad(start, q_.size())) return false;
      return Error(start, "missing closing ']' in duration");
    }
    if (!CheckBad(start, close + 1)) return false;
    Result<int64_t> nanos = ParsePromDuration(q_.substr(start + 1, close - start - 1));
    if (!nanos.ok()) return Error(start, nanos.status().message());
    Emit(TokenKind::kRange, start, close + 1);
    tokens_.back().nanos = *nanos;
    pos_ = close + 1;
    return true;
  }

  // Go's scanString/scanRawString, then strutil.Unquote's value checks.
  bool LexString() {
    size_t start = pos_;
    char quote = q_[pos_];
    size_t i = pos_ + 1;
    size_t n = q_.size();
    while (true) {
      if (i >= n || (quote == '"' && q_[i] == '\n')) {
        if (!CheckBad(start, i)) return false;
        return Error(start, "literal not terminated");
      }
      char c = q_[i];
      if (c == quote) {
        ++i;
        break;
      }
      if (quote == '"' && c == '\\') {
        if (!CheckBad(start, i + 1)) return false;
        std::string error;
        i = ScanEscape(i + 1, &error);
        if (!error.empty()) {
          if (!CheckBad(start, i)) return false;
          return Error(start, std::move(error));
        }
        continue;
      }
      ++i;
    }
    return Finish(TokenKind::kString, start, i);
  }

  // After a backslash at i-1: the end of the escape; *error set for a malformed one.
  size_t ScanEscape(size_t i, std::string* error) {
    auto at = [&](size_t k) { return k < q_.size() ? q_[k] : '\0'; };
    char c = at(i);
    int digits = 0;
    int base = 16;
    uint32_t max = 255;
    switch (c) {
      case 'a':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case 'v':
      case '\\':
      case '"':
        return i + 1;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
        digits = 3;
        base = 8;
        break;
      case 'x':
        ++i;
        digits = 2;
        break;
      case 'u':
        ++i;
        digits = 4;
        max = 0x10FFFF;
        break;
      case 'U':
        ++i;
        digits = 8;
        max = 0x10FFFF;
        break;
      default:
        *error = "invalid char escape";
        return i;
    }
    uint32_t value = 0;
    for (int k = 0; k < digits; ++k) {
      char d = at(i);
      bool ok = base == 8 ? (d >= '0' && d <= '7') : IsHexDigit(d);
      if (!ok) {
        *error = "invalid char escape";
        return i;
      }
      int v = IsDigit(d) ? d - '0' : Lower(d) - 'a' + 10;
      value = value * static_cast<uint32_t>(base) + static_cast<uint32_t>(v);
      ++i;
    }
    if (value > max || (max > 255 && value >= 0xD800 && value <= 0xDFFF)) {
      *error = "invalid syntax";  // what strutil.Unquote says of \777 or \uD800
    }
    return i;
  }

  std::string_view q_;
  size_t pos_ = 0;
  size_t bad_ = std::numeric_limits<size_t>::max();
  const char* bad_message_ = "";
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> Lex(std::string_view query) { return Lexer(query).Run(); }

const char* TokenKindName(TokenKind kind) {
  static constexpr const char* kNames[] = {
      "$end",
      "error",
      "BYTES",
      "IDENTIFIER",
      "STRING",
      "NUMBER",
      "FUNCTION_FLAG",
      "DURATION",
      "RANGE",
      "=",
      "=~",
      "!~",
      "!>",
      "{",
      "}",
      "]",
      ",",
      ".",
      "|~",
      "|=",
      "|>",
      "(",
      ")",
      "by",
      "without",
      "COUNT_OVER_TIME",
      "RATE",
      "RATE_COUNTER",
      "SUM",
      "SORT",
      "SORT_DESC",
      "AVG",
      "MAX",
      "MIN",
      "COUNT",
      "STDDEV",
      "STDVAR",
      "BOTTOMK",
      "TOPK",
      "APPROX_TOPK",
      "BYTES_OVER_TIME",
      "BYTES_RATE",
      "bool",
      "json",
      "regexp",
      "logfmt",
      "|",
      "line_format",
      "label_format",
      "unwrap",
      "AVG_OVER_TIME",
      "SUM_OVER_TIME",
      "MIN_OVER_TIME",
      "MAX_OVER_TIME",
      "STDVAR_OVER_TIME",
      "STDDEV_OVER_TIME",
      "QUANTILE_OVER_TIME",
      "BYTES_CONV",
      "DURATION_CONV",
      "DURATION_SECONDS_CONV",
      "FIRST_OVER_TIME",
      "LAST_OVER_TIME",
      "ABSENT_OVER_TIME",
      "VECTOR",
      "label_replace",
      "unpack",
      "offset",
      "pattern",
      "ip",
      "on",
      "ignoring",
      "group_left",
      "group_right",
      "decolorize",
      "drop",
      "keep",
      "variants",
      "of",
      "or",
      "and",
      "unless",
      "==",
      "!=",
      "<",
      "<=",
      ">",
      ">=",
      "+",
      "-",
      "*",
      "/",
      "%",
      "^",
  };
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<size_t>(TokenKind::kPow) + 1);
  return kNames[static_cast<size_t>(kind)];
}

std::string UnquoteString(std::string_view quoted) { return promql::UnquoteString(quoted); }

std::string QuoteString(std::string_view value) { return promql::QuoteString(value); }

bool EqualsKeyword(std::string_view text, std::string_view lower_keyword) {
  if (text.size() != lower_keyword.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (Lower(text[i]) != lower_keyword[i]) return false;
  }
  return true;
}

void LineColumn(std::string_view query, uint32_t offset, int* line, int* column) {
  *line = 1;
  *column = 1;
  size_t end = std::min<size_t>(offset, query.size());
  size_t i = 0;
  while (i < end) {
    if (query[i] == '\n') {
      ++*line;
      *column = 1;
      ++i;
      continue;
    }
    size_t width;
    DecodeRune(query, i, &width);
    i += std::max<size_t>(width, 1);
    ++*column;
  }
}

}  // namespace otelite::logql
