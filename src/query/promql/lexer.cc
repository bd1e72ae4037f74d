#include "query/promql/lexer.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "core/go_text.h"

namespace otelite::promql {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
// Characters that may not directly follow a number or duration.
bool IsWordChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_' || c == '.'; }
bool IsUnitChar(char c) {
  return c == 's' || c == 'm' || c == 'h' || c == 'd' || c == 'w' || c == 'y';
}

// The letters of Go's one-letter escapes, for the characters '\a' (7) to '\r' (13).
constexpr char kEscapeLetters[] = "abtnvfr";

// Decodes one UTF-8 character at s[i] (Go's rules, core/go_text.h); *width is its length (1 for
// an invalid byte, which gives U+FFFD and *valid = false).
uint32_t DecodeRune(std::string_view s, size_t i, size_t* width, bool* valid) {
  uint32_t rune = 0;
  *width = static_cast<size_t>(otelite::DecodeRune(s, i, &rune));
  *valid = !(*width == 1 && rune == kRuneError);
  return rune;
}

// Go's %#U: "U+0063 'c'" (or "U+000A" when not printable).
std::string FormatRuneU(uint32_t rune) {
  if (IsGoPrint(rune)) {
    std::string out = fmt::format("U+{:04X} '", rune);
    AppendRune(rune, &out);
    out.push_back('\'');
    return out;
  }
  return fmt::format("U+{:04X}", rune);
}

// Appends the escape Go uses for a non-printable rune.
void AppendEscapedRune(uint32_t rune, char quote, std::string* out) {
  if (rune >= '\a' && rune <= '\r') {  // \a \b \t \n \v \f \r
    out->push_back('\\');
    out->push_back(kEscapeLetters[rune - '\a']);
    return;
  }
  if (rune == static_cast<uint32_t>(quote) || rune == '\\') {
    out->push_back('\\');
    out->push_back(static_cast<char>(rune));
  } else if (IsGoPrint(rune)) {
    AppendRune(rune, out);
  } else if (rune < 0x20 || rune == 0x7F) {
    *out += fmt::format("\\x{:02x}", rune);
  } else if (rune < 0x10000) {
    *out += fmt::format("\\u{:04x}", rune);
  } else {
    *out += fmt::format("\\U{:08x}", rune);
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view query) : q_(query) {}

  std::vector<Token> Run() {
    tokens_.reserve(q_.size() / 4 + 4);
    if (q_.size() > std::numeric_limits<uint32_t>::max() / 2) {
      Error(0, 0, "query too long");
      return std::move(tokens_);
    }
    while (true) {
      SkipSpaceAndComments();
      if (pos_ >= q_.size()) {
        LexEnd();
        return std::move(tokens_);
      }
      bool stop = mode_ == Mode::kBraces     ? !LexInsideBraces()
                  : mode_ == Mode::kBrackets ? !LexInsideBrackets()
                                             : !LexExpression();
      if (stop) return std::move(tokens_);
    }
  }

 private:
  enum class Mode { kExpression, kBraces, kBrackets };

  void SkipSpaceAndComments() {
    while (pos_ < q_.size()) {
      char c = q_[pos_];
      if (IsSpace(c)) {
        ++pos_;
      } else if (c == '#' && mode_ != Mode::kBraces) {
        while (pos_ < q_.size() && q_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
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
  bool Error(size_t start, size_t end, std::string message) {
    Token token;
    token.kind = TokenKind::kError;
    token.start = static_cast<uint32_t>(start);
    token.end = static_cast<uint32_t>(std::max(start, end));
    token.text = q_.substr(start, token.end - start);
    token.error = std::move(message);
    tokens_.push_back(std::move(token));
    return false;
  }

  void LexEnd() {
    size_t n = q_.size();
    if (mode_ == Mode::kBraces) {
      Error(n, n, "unexpected end of input inside braces");
    } else if (mode_ == Mode::kBrackets) {
      Error(n, n,
            bracket_empty_ ? "unexpected end of input in duration expression"
                           : "unclosed left bracket");
    } else if (paren_depth_ > 0) {
      Error(n, n, "unclosed left parenthesis");
    } else {
      Emit(TokenKind::kEnd, n, n);
    }
  }

  // The character at pos_ as Go's %q would show it, and its width.
  std::string CurrentRune(size_t* width) const {
    bool valid;
    uint32_t rune = DecodeRune(q_, pos_, width, &valid);
    return QuoteRune(rune);
  }

  // An error naming the character at pos_; it starts at `start` (default: that character).
  bool UnexpectedCharacter(std::string_view prefix, std::string_view suffix = {},
                           size_t start = std::string_view::npos) {
    size_t width;
    std::string rune = CurrentRune(&width);
    return Error(start == std::string_view::npos ? pos_ : start, pos_ + width,
                 fmt::format("{}{}{}", prefix, rune, suffix));
  }

  bool LexParen(char c) {
    if (c == '(') {
      ++paren_depth_;
      Emit(TokenKind::kLeftParen, pos_, pos_ + 1);
    } else {
      if (paren_depth_ == 0) {
        // Prometheus places this error just after the parenthesis.
        return Error(pos_ + 1, pos_ + 1, "unexpected right parenthesis ')'");
      }
      --paren_depth_;
      Emit(TokenKind::kRightParen, pos_, pos_ + 1);
    }
    ++pos_;
    return true;
  }

  bool LexOperator(char c) {
    static constexpr std::string_view kChars = "+-*/%^,";
    static constexpr TokenKind kKinds[] = {TokenKind::kAdd,  TokenKind::kSub, TokenKind::kMul,
                                           TokenKind::kDiv,  TokenKind::kMod, TokenKind::kPow,
                                           TokenKind::kComma};
    size_t index = kChars.find(c);
    if (index == std::string_view::npos) return false;
    Emit(kKinds[index], pos_, pos_ + 1);
    ++pos_;
    return true;
  }

  bool LexExpression() {
    char c = q_[pos_];
    size_t start = pos_;
    char next = pos_ + 1 < q_.size() ? q_[pos_ + 1] : '\0';
    if (LexOperator(c)) return true;
    switch (c) {
      case '(':
      case ')':
        return LexParen(c);
      case '{':
        Emit(TokenKind::kLeftBrace, start, start + 1);
        ++pos_;
        mode_ = Mode::kBraces;
        return true;
      case '[':
        Emit(TokenKind::kLeftBracket, start, start + 1);
        ++pos_;
        mode_ = Mode::kBrackets;
        bracket_empty_ = true;
        bracket_value_ = false;
        return true;
      case ']':
        return Error(start, start + 1, "unexpected right bracket ']'");
      case '@':
        Emit(TokenKind::kAt, start, start + 1);
        ++pos_;
        return true;
      case '=':
        if (next == '=') {
          Emit(TokenKind::kEqlc, start, start + 2);
          pos_ += 2;
          return true;
        }
        if (next == '~') {
          ++pos_;
          return UnexpectedCharacter("unexpected character after '=': ", {}, start);
        }
        Emit(TokenKind::kAssign, start, start + 1);
        ++pos_;
        return true;
      case '!':
        if (next == '=') {
          Emit(TokenKind::kNeq, start, start + 2);
          pos_ += 2;
          return true;
        }
        if (pos_ + 1 >= q_.size()) return Error(start, start + 1, "unexpected end of input");
        ++pos_;
        return UnexpectedCharacter("unexpected character after '!': ", {}, start);
      case '<':
      case '>': {
        if (next == '/') {
          Emit(c == '<' ? TokenKind::kTrimUpper : TokenKind::kTrimLower, start, start + 2);
          pos_ += 2;
          return true;
        }
        bool equal = next == '=';
        TokenKind kind = c == '<' ? (equal ? TokenKind::kLte : TokenKind::kLss)
                                  : (equal ? TokenKind::kGte : TokenKind::kGtr);
        Emit(kind, start, start + (equal ? 2 : 1));
        pos_ += equal ? 2 : 1;
        return true;
      }
      case '"':
      case '\'':
      case '`':
        return LexString();
      default:
        break;
    }
    if (IsDigit(c) || (c == '.' && IsDigit(next))) return LexNumber();
    if (IsAlpha(c) || c == '_' || c == ':') {
      LexIdentifier(/*allow_colon=*/true);
      return true;
    }
    return UnexpectedCharacter("unexpected character: ");
  }

  bool LexInsideBraces() {
    char c = q_[pos_];
    size_t start = pos_;
    char next = pos_ + 1 < q_.size() ? q_[pos_ + 1] : '\0';
    switch (c) {
      case '}':
        Emit(TokenKind::kRightBrace, start, start + 1);
        ++pos_;
        mode_ = Mode::kExpression;
        return true;
      case ',':
        Emit(TokenKind::kComma, start, start + 1);
        ++pos_;
        return true;
      case '=':
        if (next == '~') {
          Emit(TokenKind::kRegexMatch, start, start + 2);
          pos_ += 2;
        } else {
          Emit(TokenKind::kAssign, start, start + 1);
          ++pos_;
        }
        return true;
      case '!':
        if (next == '=' || next == '~') {
          Emit(next == '=' ? TokenKind::kNeq : TokenKind::kRegexNoMatch, start, start + 2);
          pos_ += 2;
          return true;
        }
        return UnexpectedCharacter("unexpected character inside braces: ");
      case '"':
      case '\'':
      case '`':
        return LexString();
      default:
        break;
    }
    if (IsAlpha(c) || c == '_') {
      LexIdentifier(/*allow_colon=*/false);
      return true;
    }
    return UnexpectedCharacter("unexpected character inside braces: ");
  }

  bool LexInsideBrackets() {
    char c = q_[pos_];
    size_t start = pos_;
    bool was_empty = bracket_empty_;
    bracket_empty_ = false;
    if (c == ']') {
      Emit(TokenKind::kRightBracket, start, start + 1);
      ++pos_;
      mode_ = Mode::kExpression;
      return true;
    }
    if (c == ':') {
      Emit(TokenKind::kColon, start, start + 1);
      ++pos_;
      bracket_value_ = false;
      return true;
    }
    if (c == '(' || c == ')') {
      bracket_value_ = c == ')';
      return LexParen(c);
    }
    if (LexOperator(c)) {
      bracket_value_ = false;
      return true;
    }
    char next = pos_ + 1 < q_.size() ? q_[pos_ + 1] : '\0';
    if (IsDigit(c) || (c == '.' && IsDigit(next))) {
      bracket_value_ = true;
      return LexNumber();
    }
    if (IsAlpha(c) || c == '_') {
      if (bracket_value_) return UnexpectedCharacter("unexpected character: ", ", expected ':'");
      LexIdentifier(/*allow_colon=*/false);
      return true;
    }
    bracket_empty_ = was_empty;
    return UnexpectedCharacter("unexpected character in duration expression: ");
  }

  void LexIdentifier(bool allow_colon) {
    size_t start = pos_;
    while (pos_ < q_.size()) {
      char c = q_[pos_];
      if (IsAlpha(c) || IsDigit(c) || c == '_' || (allow_colon && c == ':')) {
        ++pos_;
      } else {
        break;
      }
    }
    Emit(TokenKind::kIdentifier, start, pos_);
  }

  bool BadNumber(size_t start, size_t end) {
    if (end < q_.size() && IsWordChar(q_[end])) ++end;
    return Error(start, end,
                 fmt::format("bad number or duration syntax: {}",
                             QuoteString(q_.substr(start, end - start))));
  }

  // Numbers (decimal, hex, with fraction and exponent) and durations (1h30m): the longest
  // match, which must not be followed directly by a letter, digit, '_' or '.'.
  bool LexNumber() {
    size_t start = pos_;
    size_t i = pos_;
    size_t n = q_.size();
    TokenKind kind = TokenKind::kNumber;
    if (q_[i] == '0' && i + 1 < n && (q_[i + 1] == 'x' || q_[i + 1] == 'X')) {
      i += 2;
      size_t digits = i;
      while (i < n && IsHexDigit(q_[i])) ++i;
      if (i == digits) return BadNumber(start, i);
    } else {
      size_t int_start = i;
      while (i < n && IsDigit(q_[i])) ++i;
      bool integer = true;
      if (i < n && q_[i] == '.') {
        integer = false;
        ++i;
        while (i < n && IsDigit(q_[i])) ++i;
      }
      if (i < n && (q_[i] == 'e' || q_[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (q_[j] == '+' || q_[j] == '-')) ++j;
        if (j < n && IsDigit(q_[j])) {
          while (j < n && IsDigit(q_[j])) ++j;
          i = j;
          integer = false;
        }
      }
      if (integer && i > int_start && i < n && IsUnitChar(q_[i])) {
        kind = TokenKind::kDuration;
        while (true) {
          if (q_[i] == 'm' && i + 1 < n && q_[i + 1] == 's') {
            i += 2;
          } else {
            ++i;
          }
          if (i < n && IsDigit(q_[i])) {
            while (i < n && IsDigit(q_[i])) ++i;
            if (i >= n || !IsUnitChar(q_[i])) return BadNumber(start, i);
            continue;
          }
          break;
        }
      }
    }
    if (i < n && IsWordChar(q_[i])) return BadNumber(start, i);
    Emit(kind, start, i);
    pos_ = i;
    return true;
  }

  // Quoted strings are checked here (escapes, UTF-8) so that the parser can unquote blindly.
  bool LexString() {
    size_t start = pos_;
    char quote = q_[pos_++];
    size_t n = q_.size();
    while (true) {
      if (pos_ >= n) {
        return Error(start, n,
                     quote == '`' ? "unterminated raw string" : "unterminated quoted string");
      }
      char c = q_[pos_];
      if (c == quote) {
        ++pos_;
        Emit(TokenKind::kString, start, pos_);
        return true;
      }
      if (quote != '`' && c == '\n') return Error(start, pos_, "unterminated quoted string");
      if (quote != '`' && c == '\\') {
        if (!LexEscape(start, quote)) return false;
        continue;
      }
      size_t width;
      bool valid;
      DecodeRune(q_, pos_, &width, &valid);
      if (!valid) return Error(start, pos_ + 1, "invalid UTF-8 rune");
      pos_ += width;
    }
  }

  bool LexEscape(size_t start, char quote) {
    ++pos_;  // the backslash
    size_t n = q_.size();
    if (pos_ >= n) return Error(start, pos_, "escape sequence not terminated");
    char c = q_[pos_];
    int digits = 0;
    int base = 16;
    uint32_t max = 255;
    if (c == '\\' || c == quote ||
        std::string_view(kEscapeLetters).find(c) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    switch (c) {
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
        ++pos_;
        digits = 2;
        break;
      case 'u':
        ++pos_;
        digits = 4;
        max = 0x10FFFF;
        break;
      case 'U':
        ++pos_;
        digits = 8;
        max = 0x10FFFF;
        break;
      default: {
        size_t width;
        bool valid;
        uint32_t rune = DecodeRune(q_, pos_, &width, &valid);
        return Error(start, pos_ + width,
                     fmt::format("unknown escape sequence {}", FormatRuneU(rune)));
      }
    }
    uint32_t value = 0;
    for (int k = 0; k < digits; ++k) {
      if (pos_ >= n) return Error(start, pos_, "escape sequence not terminated");
      char d = q_[pos_];
      bool ok = base == 8 ? (d >= '0' && d <= '7') : IsHexDigit(d);
      if (!ok) {
        size_t width;
        bool valid;
        uint32_t rune = DecodeRune(q_, pos_, &width, &valid);
        return Error(start, pos_ + width,
                     fmt::format("illegal character {} in escape sequence", FormatRuneU(rune)));
      }
      value = value * static_cast<uint32_t>(base) + static_cast<uint32_t>(HexDigitValue(d));
      ++pos_;
    }
    if (base == 8 && value > 255) {
      return Error(start, pos_, fmt::format("octal escape value > 255: {}", value));
    }
    if (value > max || (value >= 0xD800 && value <= 0xDFFF && max > 255)) {
      return Error(start, pos_, "escape sequence is invalid Unicode code point");
    }
    return true;
  }

  std::string_view q_;
  size_t pos_ = 0;
  Mode mode_ = Mode::kExpression;
  int paren_depth_ = 0;
  bool bracket_empty_ = true;   // nothing lexed yet since '['
  bool bracket_value_ = false;  // inside […]: the last token ended a value (number, ')')
  std::vector<Token> tokens_;
};

struct KeywordClass {
  std::string_view name;
  char kind;  // 'o' operator, 'a' aggregator, 'k' keyword
};

constexpr KeywordClass kKeywordClasses[] = {
    {"and", 'o'},    {"or", 'o'},          {"unless", 'o'},       {"atan2", 'o'},
    {"sum", 'a'},    {"avg", 'a'},         {"count", 'a'},        {"min", 'a'},
    {"max", 'a'},    {"group", 'a'},       {"stddev", 'a'},       {"stdvar", 'a'},
    {"topk", 'a'},   {"bottomk", 'a'},     {"count_values", 'a'}, {"quantile", 'a'},
    {"limitk", 'a'}, {"limit_ratio", 'a'}, {"by", 'k'},           {"without", 'k'},
    {"on", 'k'},     {"ignoring", 'k'},    {"group_left", 'k'},   {"group_right", 'k'},
    {"bool", 'k'},   {"offset", 'k'},      {"anchored", 'k'},     {"smoothed", 'k'},
};

// Go's %.10q: the first ten characters quoted, then "...".
std::string QuoteTruncated(std::string_view text) {
  size_t i = 0;
  int runes = 0;
  while (i < text.size() && runes < 10) {
    size_t width;
    bool valid;
    DecodeRune(text, i, &width, &valid);
    i += width;
    ++runes;
  }
  if (i >= text.size()) return QuoteString(text);
  return QuoteString(text.substr(0, i)) + "...";
}

}  // namespace

std::vector<Token> Lex(std::string_view query) { return Lexer(query).Run(); }

bool EqualsKeyword(std::string_view text, std::string_view lower_keyword) {
  if (text.size() != lower_keyword.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_keyword[i]) return false;
  }
  return true;
}

std::string QuoteRune(uint32_t rune) {
  std::string out = "'";
  if (rune == '\'') {
    out += "\\'";
  } else if (rune == '"') {
    out += "\"";
  } else {
    AppendEscapedRune(rune, '\'', &out);
  }
  out.push_back('\'');
  return out;
}

std::string QuoteString(std::string_view value) { return GoQuote(value); }

std::string UnquoteString(std::string_view quoted) {
  if (quoted.size() < 2) return std::string();
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  if (quoted.front() == '`' || body.find('\\') == std::string_view::npos) {
    return std::string(body);
  }
  std::string out;
  out.reserve(body.size());
  size_t i = 0;
  while (i < body.size()) {
    char c = body[i++];
    if (c != '\\' || i >= body.size()) {
      out.push_back(c);
      continue;
    }
    char e = body[i++];
    if (const char* letter = std::strchr(kEscapeLetters, e); letter != nullptr && e != '\0') {
      out.push_back(static_cast<char>('\a' + (letter - kEscapeLetters)));
      continue;
    }
    switch (e) {
      case 'x':
      case 'u':
      case 'U':
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        int digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 3;
        int base = (e >= '0' && e <= '7') ? 8 : 16;
        if (base == 8) --i;  // the first octal digit is part of the value
        uint32_t value = 0;
        for (int k = 0; k < digits && i < body.size(); ++k) {
          value =
              value * static_cast<uint32_t>(base) + static_cast<uint32_t>(HexDigitValue(body[i++]));
        }
        if (e == 'u' || e == 'U') {
          AppendRune(value, &out);
        } else {
          out.push_back(static_cast<char>(value));
        }
        break;
      }
      default:  // \\, \" and \'
        out.push_back(e);
        break;
    }
  }
  return out;
}

Result<int64_t> ParseDurationToken(std::string_view text) {
  struct Unit {
    std::string_view name;
    int64_t ms;
  };
  static constexpr Unit kUnits[] = {{"y", 365LL * 86'400'000},
                                    {"w", 7LL * 86'400'000},
                                    {"d", 86'400'000},
                                    {"h", 3'600'000},
                                    {"m", 60'000},
                                    {"s", 1000},
                                    {"ms", 1}};
  auto invalid = [&] {
    return Status::InvalidArgument(
        fmt::format("not a valid duration string: {}", QuoteString(text)));
  };
  int64_t total = 0;
  size_t i = 0;
  int last_unit = -1;
  while (i < text.size()) {
    size_t digits = i;
    int64_t value = 0;
    bool overflow = false;
    while (i < text.size() && IsDigit(text[i])) {
      if (value > (std::numeric_limits<int64_t>::max() - 9) / 10) overflow = true;
      if (!overflow) value = value * 10 + (text[i] - '0');
      ++i;
    }
    if (i == digits || i >= text.size()) return invalid();
    size_t unit_len = (text[i] == 'm' && i + 1 < text.size() && text[i + 1] == 's') ? 2 : 1;
    std::string_view unit = text.substr(i, unit_len);
    i += unit_len;
    int index = -1;
    for (int u = 0; u < static_cast<int>(std::size(kUnits)); ++u) {
      if (kUnits[u].name == unit) index = u;
    }
    if (index < 0 || index <= last_unit) return invalid();
    last_unit = index;
    if (overflow || value > (std::numeric_limits<int64_t>::max() - total) / kUnits[index].ms) {
      return Status::InvalidArgument("duration out of range");
    }
    total += value * kUnits[index].ms;
  }
  // Prometheus keeps durations as int64 nanoseconds (about 292 years).
  if (total > std::numeric_limits<int64_t>::max() / 1'000'000) {
    return Status::InvalidArgument("duration out of range");
  }
  return total;
}

Result<double> ParseNumberToken(std::string_view text) {
  std::string s(text);
  auto range_error = [&] {
    return Status::InvalidArgument(
        fmt::format("error parsing number: strconv.ParseFloat: parsing {}: value out of range",
                    QuoteString(text)));
  };
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    uint64_t value = 0;
    for (size_t i = 2; i < s.size(); ++i) {
      if (value > (std::numeric_limits<uint64_t>::max() >> 4)) {
        return Status::InvalidArgument(
            fmt::format("error parsing number: strconv.ParseFloat: parsing {}: invalid syntax",
                        QuoteString(text)));
      }
      value = (value << 4) | static_cast<uint64_t>(HexDigitValue(s[i]));
    }
    return static_cast<double>(value);
  }
  bool all_digits = !s.empty();
  bool octal = s.size() > 1 && s[0] == '0';
  for (char c : s) {
    if (!IsDigit(c)) all_digits = false;
    if (c < '0' || c > '7') octal = false;
  }
  if (all_digits && octal) {
    uint64_t value = 0;
    bool overflow = false;
    for (size_t i = 1; i < s.size(); ++i) {
      if (value > (std::numeric_limits<uint64_t>::max() >> 3)) overflow = true;
      value = (value << 3) | static_cast<uint64_t>(s[i] - '0');
    }
    if (!overflow) return static_cast<double>(value);
  }
  errno = 0;
  char* end = nullptr;
  double value = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) {
    return Status::InvalidArgument(fmt::format(
        "error parsing number: strconv.ParseFloat: parsing {}: invalid syntax", QuoteString(text)));
  }
  if (errno == ERANGE && std::isinf(value)) return range_error();
  return value;
}

std::string DescribeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kError:
      return token.error;
    case TokenKind::kIdentifier:
      for (const auto& keyword : kKeywordClasses) {
        if (!EqualsKeyword(token.text, keyword.name)) continue;
        if (keyword.kind == 'o') return fmt::format("<op:{}>", token.text);
        if (keyword.kind == 'a') return fmt::format("<aggr:{}>", token.text);
        return fmt::format("<{}>", token.text);
      }
      if (token.text.find(':') != std::string_view::npos) {
        return "metric identifier " + QuoteString(token.text);
      }
      return "identifier " + QuoteString(token.text);
    case TokenKind::kNumber:
      return "number " + QuoteTruncated(token.text);
    case TokenKind::kDuration:
      return "duration " + QuoteTruncated(token.text);
    case TokenKind::kString:
      return "string " + QuoteTruncated(token.text);
    case TokenKind::kLeftParen:
    case TokenKind::kRightParen:
    case TokenKind::kLeftBrace:
    case TokenKind::kRightBrace:
    case TokenKind::kLeftBracket:
    case TokenKind::kRightBracket:
    case TokenKind::kComma:
    case TokenKind::kColon:
    case TokenKind::kAssign:
      return QuoteString(token.text);
    default:
      return fmt::format("<op:{}>", token.text);
  }
}

}  // namespace otelite::promql
