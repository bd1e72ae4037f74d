#include "ingest/loki_push/label_parser.h"

#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "core/go_text.h"

namespace otelite::loki_push {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<std::vector<Label>> Parse() {
    std::vector<Label> labels;
    SkipSpace();
    if (!Consume('{')) return Error(fmt::format("unexpected {}, expected \"{{\"", Describe()));
    SkipSpace();
    while (!Consume('}')) {
      if (!IsNameStart(Peek())) {
        return Error(
            fmt::format("unexpected {} in label set, expected label name or \"}}\"", Describe()));
      }
      Label label;
      const size_t start = pos_;
      while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
      label.name = std::string(text_.substr(start, pos_ - start));
      SkipSpace();
      if (!Consume('=')) {
        return Error(
            fmt::format("unexpected {} in label set, expected \"=\" after label name "
                        "\"{}\" (a stream's labels take no other operator)",
                        Describe(), label.name));
      }
      if (Peek() == '~') {
        --pos_;
        return Error(
            fmt::format("unexpected \"=~\" in label set, expected \"=\" after label name "
                        "\"{}\" (a stream's labels take no other operator)",
                        label.name));
      }
      SkipSpace();
      Status st = ParseString(&label.value);
      if (!st.ok()) return st;
      labels.push_back(std::move(label));
      SkipSpace();
      if (Consume(',')) {
        SkipSpace();
      } else if (Peek() != '}') {
        return Error(
            fmt::format("unexpected {} in label set, expected \",\" or \"}}\"", Describe()));
      }
    }
    SkipSpace();
    if (pos_ != text_.size()) {
      return Error(fmt::format("unexpected {} after the label set", Describe()));
    }
    return labels;
  }

 private:
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }
  // What stands at the current position, for messages.
  std::string Describe() const {
    if (pos_ >= text_.size()) return "end of input";
    std::string out = "\"";
    uint32_t rune = 0;
    const int width = DecodeRune(text_, pos_, &rune);  // an invalid byte: width 1
    AppendGoEscaped(text_.substr(pos_, static_cast<size_t>(width)), false, &out);
    out += '"';
    return out;
  }
  Status Error(std::string what) const { return ErrorAt(pos_, std::move(what)); }
  Status ErrorAt(size_t offset, std::string what) const {
    return Status::InvalidArgument(fmt::format("1:{}: parse error: {}", offset + 1, what));
  }

  Status ParseString(std::string* out) {
    const char quote = Peek();
    if (quote != '"' && quote != '\'' && quote != '`') {
      return Error(
          fmt::format("unexpected {} in label set, expected a quoted label value", Describe()));
    }
    const size_t open = pos_++;
    if (quote == '`') {
      while (true) {
        if (pos_ >= text_.size()) return ErrorAt(open, "unterminated raw string");
        const char c = text_[pos_++];
        if (c == '`') return Status::Ok();
        if (c != '\r') out->push_back(c);
      }
    }
    while (true) {
      if (pos_ >= text_.size()) return ErrorAt(open, "unterminated quoted string");
      const char c = text_[pos_];
      if (c == quote) {
        ++pos_;
        return Status::Ok();
      }
      if (c == '\n') return ErrorAt(open, "unterminated quoted string (newline inside it)");
      if (c != '\\') {
        out->push_back(c);
        ++pos_;
        continue;
      }
      Status st = ParseEscape(quote, out);
      if (!st.ok()) return st;
    }
  }

  // At a backslash inside a "…" or '…' string.
  Status ParseEscape(char quote, std::string* out) {
    const size_t start = pos_++;
    if (pos_ >= text_.size()) return ErrorAt(start, "unterminated escape sequence");
    const char c = text_[pos_++];
    switch (c) {
      case 'a':
        out->push_back('\a');
        return Status::Ok();
      case 'b':
        out->push_back('\b');
        return Status::Ok();
      case 'f':
        out->push_back('\f');
        return Status::Ok();
      case 'n':
        out->push_back('\n');
        return Status::Ok();
      case 'r':
        out->push_back('\r');
        return Status::Ok();
      case 't':
        out->push_back('\t');
        return Status::Ok();
      case 'v':
        out->push_back('\v');
        return Status::Ok();
      case '\\':
        out->push_back('\\');
        return Status::Ok();
      case '"':
      case '\'':
        if (c != quote) {
          return ErrorAt(start, fmt::format("escape sequence \\{} is not valid in a string "
                                            "quoted with {}",
                                            c, quote));
        }
        out->push_back(c);
        return Status::Ok();
      case 'x':
      case 'u':
      case 'U': {
        const size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
        uint32_t value = 0;
        for (size_t k = 0; k < digits; ++k) {
          const int h = pos_ < text_.size() ? HexDigitValue(text_[pos_]) : -1;
          if (h < 0) {
            return ErrorAt(
                start, fmt::format("escape sequence \\{} needs {} hexadecimal digits", c, digits));
          }
          value = value * 16 + static_cast<uint32_t>(h);
          ++pos_;
        }
        if (c == 'x') {
          out->push_back(static_cast<char>(value));
        } else if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
          return ErrorAt(start, fmt::format("escape sequence \\{} names {:X}, which is not a "
                                            "Unicode scalar value",
                                            c, value));
        } else {
          AppendRune(value, out);
        }
        return Status::Ok();
      }
      default:
        if (c >= '0' && c <= '7') {
          uint32_t value = static_cast<uint32_t>(c - '0');
          for (int k = 0; k < 2; ++k) {
            const char d = pos_ < text_.size() ? text_[pos_] : '\0';
            if (d < '0' || d > '7') {
              return ErrorAt(start, "octal escape sequence needs 3 digits (\\000 to \\377)");
            }
            value = value * 8 + static_cast<uint32_t>(d - '0');
            ++pos_;
          }
          if (value > 255) {
            return ErrorAt(start, "octal escape sequence above \\377");
          }
          out->push_back(static_cast<char>(value));
          return Status::Ok();
        }
        return ErrorAt(start, fmt::format("unknown escape sequence {}", [&] {
                         std::string s = "\"\\";
                         AppendGoEscaped(text_.substr(pos_ - 1, 1), false, &s);
                         return s + "\"";
                       }()));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::vector<Label>> ParseLabelSet(std::string_view text) { return Parser(text).Parse(); }

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

std::string FormatLabelSet(const std::vector<Label>& labels) {
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += labels[i].name;
    out += "=\"";
    AppendGoEscaped(labels[i].value, false, &out);
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace otelite::loki_push
