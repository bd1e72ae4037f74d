#include "query/logql/logfmt_parser.h"

#include <fmt/format.h>

#include "core/go_text.h"

namespace otelite::logql {

namespace {

// ---- the line tokenizer ----

// What one scan step found.
enum class ScanResult {
  kPair,   // key (and value) set
  kBad,    // a malformed pair, skipped; `error` says why
  kBlank,  // only white space was left
};

struct SyntaxError {
  size_t position = 0;  // 1-based, as go-logfmt reports it
  std::string_view message;
  char unexpected = 0;  // for "unexpected '<c>'"
};

// \uXXXX at s[i] ('\\' at i): the code unit, or -1.
int32_t ReadU4(std::string_view s, size_t i) {
  if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return -1;
  int32_t value = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    if (!IsHexDigit(s[k])) return -1;
    value = value * 16 + HexDigitValue(s[k]);
  }
  return value;
}

// The inside of a quoted value that has escapes, resolved into *out as go-logfmt's unquote
// does (encoding/json's rules plus \'); invalid UTF-8 and lone surrogates become U+FFFD.
// False for an unknown or truncated escape or a bare '"'.
bool Unquote(std::string_view s, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '"') return false;
    if (c != '\\') {
      if (static_cast<unsigned char>(c) < 0x80) {
        out->push_back(c);
        ++i;
      } else {
        uint32_t rune;
        i += DecodeRune(s, i, &rune);
        AppendRune(rune, out);
      }
      continue;
    }
    if (i + 1 >= s.size()) return false;
    const char e = s[i + 1];
    switch (e) {
      case '"':
      case '\\':
      case '/':
      case '\'':
        out->push_back(e);
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        int32_t unit = ReadU4(s, i);
        if (unit < 0) return false;
        i += 6;
        uint32_t rune = static_cast<uint32_t>(unit);
        if (unit >= 0xD800 && unit < 0xE000) {
          const int32_t low = ReadU4(s, i);
          if (unit < 0xDC00 && low >= 0xDC00 && low < 0xE000) {
            rune = 0x10000 + ((static_cast<uint32_t>(unit) - 0xD800) << 10) +
                   (static_cast<uint32_t>(low) - 0xDC00);
            i += 6;
          } else {
            rune = kRuneError;
          }
        }
        AppendRune(rune, out);
        continue;
      }
      default:
        return false;
    }
    i += 2;
  }
  return true;
}

// go-logfmt's decoder over one line; Next() finds one pair at a time.
class Scanner {
 public:
  explicit Scanner(std::string_view line, std::string* unquote_buffer)
      : line_(line), unquote_buffer_(unquote_buffer) {}

  bool AtEnd() const { return pos_ >= line_.size(); }
  std::string_view key() const { return key_; }
  std::string_view value() const { return value_; }
  const SyntaxError& error() const { return error_; }

  ScanResult Next() {
    key_ = {};
    value_ = {};
    const size_t n = line_.size();
    while (pos_ < n && Byte(pos_) <= ' ') ++pos_;
    if (pos_ >= n) return ScanResult::kBlank;

    const size_t start = pos_;
    bool multibyte = false;
    for (; pos_ < n; ++pos_) {
      const unsigned char c = Byte(pos_);
      if (c == '=') {
        if (pos_ == start) return Unexpected(c);
        key_ = line_.substr(start, pos_ - start);
        if (multibyte && HasRuneError(key_)) return BadAndSkip("invalid key");
        return ReadValue();
      }
      if (c == '"') return Unexpected(c);
      if (c <= ' ') break;
      if (c >= 0x80) multibyte = true;
    }
    // A standalone key, ended by white space or the end of the line.
    key_ = line_.substr(start, pos_ - start);
    if (multibyte && HasRuneError(key_)) return Bad("invalid key");
    return ScanResult::kPair;
  }

 private:
  unsigned char Byte(size_t i) const { return static_cast<unsigned char>(line_[i]); }

  ScanResult ReadValue() {
    const size_t n = line_.size();
    ++pos_;  // the '='
    if (pos_ >= n || Byte(pos_) <= ' ') return ScanResult::kPair;
    if (Byte(pos_) == '"') return ReadQuotedValue();
    const size_t start = pos_;
    for (; pos_ < n; ++pos_) {
      const unsigned char c = Byte(pos_);
      if (c == '=' || c == '"') return Unexpected(c);
      if (c <= ' ') break;
    }
    value_ = line_.substr(start, pos_ - start);
    return ScanResult::kPair;
  }

  ScanResult ReadQuotedValue() {
    const size_t quote = pos_;
    bool has_escape = false;
    bool escaped = false;
    for (size_t i = quote + 1; i < line_.size(); ++i) {
      const char c = line_[i];
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        has_escape = escaped = true;
      } else if (c == '"') {
        pos_ = i + 1;
        const std::string_view inside = line_.substr(quote + 1, i - quote - 1);
        if (!has_escape) {
          value_ = inside;
        } else {
          if (!Unquote(inside, unquote_buffer_)) return Bad("invalid quoted value");
          value_ = *unquote_buffer_;
        }
        return ScanResult::kPair;
      }
    }
    pos_ = line_.size();
    return Bad("unterminated quoted value");
  }

  ScanResult Bad(std::string_view message) {
    error_ = {pos_ + 1, message, 0};
    return ScanResult::kBad;
  }

  ScanResult BadAndSkip(std::string_view message) {
    Bad(message);
    SkipValue();
    return ScanResult::kBad;
  }

  ScanResult Unexpected(unsigned char c) {
    error_ = {pos_ + 1, "unexpected", static_cast<char>(c)};
    SkipValue();
    return ScanResult::kBad;
  }

  void SkipValue() {
    while (pos_ < line_.size() && Byte(pos_) > ' ') ++pos_;
  }

  std::string_view line_;
  std::string* unquote_buffer_;
  size_t pos_ = 0;
  std::string_view key_;
  std::string_view value_;
  SyntaxError error_;
};

Status ToStatus(const SyntaxError& error) {
  if (error.message == "unexpected") {
    return Status::InvalidArgument(fmt::format("logfmt syntax error at pos {} : unexpected '{}'",
                                               error.position, error.unexpected));
  }
  return Status::InvalidArgument(
      fmt::format("logfmt syntax error at pos {} : {}", error.position, error.message));
}

// ---- the parameter expressions (Loki's logfmt expression grammar: a field, or quoted
// strings) ----

bool IsIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentifierChar(char c) { return IsIdentifierStart(c) || (c >= '0' && c <= '9'); }

// The key an expression reads. Several parts are allowed by the grammar but Loki joins them
// into a name no sanitised key can equal: *key is then empty.
Status ParseKeyExpression(std::string_view expression, std::string* key) {
  key->clear();
  size_t parts = 0;
  std::string lexer_error;
  const size_t n = expression.size();
  for (size_t i = 0; i < n;) {
    const char c = expression[i];
    if (c == '\0') break;  // Loki's scanner treats NUL as the end of input
    if (c == ' ' || c == '\t' || c == '\n') {
      ++i;
      continue;
    }
    if (IsIdentifierStart(c)) {
      const size_t start = i;
      while (i < n && IsIdentifierChar(expression[i])) ++i;
      if (parts > 0) {
        return Status::InvalidArgument("syntax error: unexpected FIELD, expecting $end or STRING");
      }
      *key = std::string(expression.substr(start, i - start));
      ++parts;
      continue;
    }
    if (c == '"') {
      // A string runs to the next '"' or ']' (consumed), without escapes.
      const size_t start = ++i;
      while (i < n && expression[i] != '"' && expression[i] != ']' && expression[i] != '\0') ++i;
      if (parts == 0) *key = std::string(expression.substr(start, i - start));
      if (i < n && expression[i] != '\0') ++i;
      ++parts;
      continue;
    }
    // Any other character ends the input for the grammar, with this error.
    uint32_t rune;
    const int width = DecodeRune(expression, i, &rune);
    lexer_error = "unexpected char ";
    if (rune == kRuneError) {
      lexer_error += "\xEF\xBF\xBD";
    } else {
      lexer_error.append(expression.substr(i, width));
    }
    break;
  }
  if (parts == 0) {
    return Status::InvalidArgument("syntax error: unexpected $end, expecting STRING or FIELD");
  }
  if (!lexer_error.empty()) return Status::InvalidArgument(lexer_error);
  if (parts > 1) key->clear();
  return Status::Ok();
}

}  // namespace

LogfmtParser::LogfmtParser(LogfmtOptions options) : options_(options) {}

Result<LogfmtParser> LogfmtParser::Compile(LogfmtOptions options,
                                           std::vector<LabelExtraction> params) {
  if (params.empty()) return Status::InvalidArgument("no logfmt expression provided");
  LogfmtParser parser(options);
  for (LabelExtraction& param : params) {
    std::string key;
    if (Status status = ParseKeyExpression(param.expression, &key); !status.ok()) {
      return Status::InvalidArgument(
          fmt::format("cannot parse expression [{}]: {}", param.expression, status.message()));
    }
    if (!IsValidLabelName(param.label)) {
      return Status::InvalidArgument(fmt::format("invalid extracted label name '{}'", param.label));
    }
    parser.params_.push_back({std::move(param.label), std::move(key)});
  }
  return parser;
}

Status LogfmtParser::Parse(std::string_view line, FieldSink& sink) {
  emitted_.Clear();
  Scanner scanner(line, &value_);
  Status result;
  while (!scanner.AtEnd()) {
    const ScanResult step = scanner.Next();
    if (step == ScanResult::kBlank) break;
    if (step == ScanResult::kBad) {
      if (options_.strict) {
        result = ToStatus(scanner.error());
        break;
      }
      continue;
    }
    const std::string_view name = SanitizedLabelName(scanner.key(), &name_);
    if (name.empty()) continue;
    std::string_view value = scanner.value();
    if (HasRuneError(value)) value = {};

    if (params_.empty()) {
      if (value.empty() && !options_.keep_empty) continue;
      if (emitted_.Insert(name)) sink.Add(name, value);
      continue;
    }
    // With parameters: the label of the parameter reading this key; a key that is itself
    // one of the labels passes under that name, as in Loki.
    const std::string* label = nullptr;
    for (const Param& param : params_) {
      if (!param.key.empty() && param.key == name) {
        label = &param.label;
        break;
      }
    }
    if (label == nullptr) {
      for (const Param& param : params_) {
        if (param.label == name) {
          label = &param.label;
          break;
        }
      }
    }
    if (label != nullptr && emitted_.Insert(*label)) sink.Add(*label, value);
  }
  for (const Param& param : params_) {
    if (emitted_.Insert(param.label)) sink.AddMissing(param.label);
  }
  return result;
}

}  // namespace otelite::logql
