// Lexer and parser of the template language: the grammar, scoping rules and error messages of
// Go's text/template/parse, written from its documentation and observed behaviour.
#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/go_text.h"
#include "query/logql/template_internal.h"

namespace otelite::logql::template_internal {
namespace {

constexpr int kMaxDepth = 100;  // nested parentheses and control structures
constexpr size_t kMaxPipelineCmds = 1000;

enum class Tok : uint8_t {
  kError,
  kEOF,
  kText,
  kLeftDelim,
  kRightDelim,
  kSpace,
  kIdentifier,
  kField,
  kVariable,
  kDot,
  kString,
  kRawString,
  kCharConstant,
  kNumber,
  kComplex,
  kBool,
  kNil,
  kPipe,
  kLeftParen,
  kRightParen,
  kDeclare,
  kAssign,
  kChar,  // any other printable ASCII character
  kKeyword,
  // keywords (after kKeyword)
  kBlock,
  kBreak,
  kContinue,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kRange,
  kTemplate,
  kWith,
};

struct Token {
  Tok type = Tok::kEOF;
  uint32_t pos = 0;
  int line = 1;
  std::string_view val;  // source text (or the error message for kError)
  std::string error;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
// An approximation of unicode.IsLetter for runes above ASCII: the letter blocks of the common
// scripts (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, CJK, kana, Hangul).
bool IsLetterRune(char32_t r) {
  return (r >= 0xC0 && r <= 0x24F && r != 0xD7 && r != 0xF7) || r == 0xAA || r == 0xB5 ||
         r == 0xBA || (r >= 0x370 && r <= 0x3FF && r != 0x37E && r != 0x387) ||
         (r >= 0x400 && r <= 0x52F && !(r >= 0x482 && r <= 0x489)) || (r >= 0x531 && r <= 0x587) ||
         (r >= 0x5D0 && r <= 0x5EA) || (r >= 0x620 && r <= 0x64A) || (r >= 0x1E00 && r <= 0x1FFF) ||
         (r >= 0x3041 && r <= 0x30FF && r != 0x30FB) || (r >= 0x4E00 && r <= 0x9FFF) ||
         (r >= 0xAC00 && r <= 0xD7A3);
}

// The width of the letter, digit or '_' at s[p], or 0 when it is none of those.
size_t AlphaNumericWidth(std::string_view s, size_t p) {
  if (p >= s.size()) return 0;
  unsigned char c = static_cast<unsigned char>(s[p]);
  if (c < 0x80) {
    return (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
               ? 1
               : 0;
  }
  size_t width = 0;
  char32_t r = DecodeRune(s.substr(p), &width);
  return IsLetterRune(r) ? width : 0;
}

// Go's %#U of a rune: U+0041 'A'.
std::string DescribeRune(std::string_view s) {
  size_t width = 0;
  char32_t r = s.empty() ? 0xFFFD : DecodeRune(s, &width);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned>(r));
  std::string out = buf;
  if (r >= 0x20 && r != 0x7F && r != 0xFFFD) {
    out += " '";
    AppendRune(r, &out);
    out += "'";
  }
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : in_(input) {}

  std::vector<Token> Run() {
    while (!done_) LexText();
    return std::move(tokens_);
  }

 private:
  void Emit(Tok type, size_t start, size_t end, int line) {
    Token t;
    t.type = type;
    t.pos = static_cast<uint32_t>(start);
    t.line = line;
    t.val = in_.substr(start, end - start);
    tokens_.push_back(std::move(t));
  }
  void Error(std::string message) {
    Token t;
    t.type = Tok::kError;
    t.pos = static_cast<uint32_t>(pos_);
    t.line = line_;
    t.error = std::move(message);
    tokens_.push_back(std::move(t));
    done_ = true;
  }
  void Advance(size_t to) {
    line_ += static_cast<int>(std::count(in_.begin() + pos_, in_.begin() + to, '\n'));
    pos_ = to;
  }
  bool AtRightDelim(bool* trim) const {
    if (pos_ + 3 < in_.size() + 0 && IsSpace(in_[pos_]) && in_[pos_ + 1] == '-' &&
        in_.substr(pos_ + 2, 2) == "}}") {
      *trim = true;
      return true;
    }
    *trim = false;
    return in_.substr(pos_, 2) == "}}";
  }

  void LexText() {
    size_t found = in_.find("{{", pos_);
    if (found == std::string_view::npos) {
      if (pos_ < in_.size()) Emit(Tok::kText, pos_, in_.size(), line_);
      Advance(in_.size());
      Emit(Tok::kEOF, pos_, pos_, line_);
      done_ = true;
      return;
    }
    bool trim_left = found + 3 < in_.size() && in_[found + 2] == '-' && IsSpace(in_[found + 3]);
    size_t text_end = found;
    if (trim_left) {
      while (text_end > pos_ && IsSpace(in_[text_end - 1])) --text_end;
    }
    if (text_end > pos_) Emit(Tok::kText, pos_, text_end, line_);
    Advance(found);
    size_t after = found + 2 + (trim_left ? 2 : 0);
    if (in_.substr(after, 2) == "/*") {
      LexComment(after);
      return;
    }
    Emit(Tok::kLeftDelim, found, found + 2, line_);
    Advance(after);
    action_line_ = line_;
    paren_depth_ = 0;
    LexInsideAction();
  }

  void LexComment(size_t start) {
    size_t close = in_.find("*/", start + 2);
    if (close == std::string_view::npos) {
      Error("unclosed comment");
      return;
    }
    Advance(close + 2);
    bool trim = false;
    if (!AtRightDelim(&trim)) {
      Error("comment ends before closing delimiter");
      return;
    }
    Advance(pos_ + (trim ? 4 : 2));
    if (trim) SkipSpaces();
  }

  void SkipSpaces() {
    size_t p = pos_;
    while (p < in_.size() && IsSpace(in_[p])) ++p;
    Advance(p);
  }

  void LexInsideAction() {
    while (!done_) {
      bool trim = false;
      if (AtRightDelim(&trim)) {
        if (paren_depth_ > 0) {
          Error("unclosed left paren");
          return;
        }
        size_t start = pos_ + (trim ? 2 : 0);
        Emit(Tok::kRightDelim, start, start + 2, line_);
        Advance(start + 2);
        if (trim) SkipSpaces();
        return;
      }
      if (pos_ >= in_.size()) {
        Error("unclosed action");
        return;
      }
      size_t start = pos_;
      unsigned char c = static_cast<unsigned char>(in_[pos_]);
      if (IsSpace(static_cast<char>(c))) {
        size_t p = pos_;
        while (p < in_.size() && IsSpace(in_[p])) {
          // A space followed by "-}}" belongs to the closing delimiter.
          if (p > pos_ && p + 3 < in_.size() + 0 && in_[p + 1] == '-' &&
              in_.substr(p + 2, 2) == "}}") {
            break;
          }
          ++p;
        }
        Emit(Tok::kSpace, start, p, line_);
        Advance(p);
        continue;
      }
      switch (c) {
        case '=':
          Emit(Tok::kAssign, start, start + 1, line_);
          Advance(start + 1);
          continue;
        case ':':
          if (in_.substr(start, 2) != ":=") {
            Error("expected :=");
            return;
          }
          Emit(Tok::kDeclare, start, start + 2, line_);
          Advance(start + 2);
          continue;
        case '|':
          Emit(Tok::kPipe, start, start + 1, line_);
          Advance(start + 1);
          continue;
        case '"':
          LexQuote('"', Tok::kString, "unterminated quoted string");
          continue;
        case '`':
          LexRawQuote();
          continue;
        case '\'':
          LexQuote('\'', Tok::kCharConstant, "unterminated character constant");
          continue;
        case '$':
          LexFieldOrVariable(Tok::kVariable);
          continue;
        case '.':
          if (start + 1 < in_.size() && in_[start + 1] >= '0' && in_[start + 1] <= '9') {
            LexNumber();
          } else {
            LexFieldOrVariable(Tok::kField);
          }
          continue;
        case '(':
          Emit(Tok::kLeftParen, start, start + 1, line_);
          Advance(start + 1);
          ++paren_depth_;
          continue;
        case ')':
          Emit(Tok::kRightParen, start, start + 1, line_);
          Advance(start + 1);
          if (--paren_depth_ < 0) {
            Error("unexpected right paren");
            return;
          }
          continue;
        default:
          break;
      }
      if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
        LexNumber();
        continue;
      }
      if (AlphaNumericWidth(in_, start) > 0) {
        LexIdentifier();
        continue;
      }
      if (c < 0x80 && c >= 0x20 && c != 0x7F) {
        Emit(Tok::kChar, start, start + 1, line_);
        Advance(start + 1);
        continue;
      }
      Error("unrecognized character in action: " + DescribeRune(in_.substr(start)));
      return;
    }
  }

  bool AtTerminator(size_t p) const {
    if (p >= in_.size()) return true;
    char c = in_[p];
    return IsSpace(c) || c == '.' || c == ',' || c == '|' || c == ':' || c == ')' || c == '(' ||
           c == '}';
  }

  void LexQuote(char quote, Tok type, const char* unterminated) {
    size_t p = pos_ + 1;
    while (true) {
      if (p >= in_.size() || in_[p] == '\n') {
        Error(unterminated);
        return;
      }
      if (in_[p] == '\\') {
        ++p;
        if (p >= in_.size() || in_[p] == '\n') {
          Error(unterminated);
          return;
        }
      } else if (in_[p] == quote) {
        break;
      }
      ++p;
    }
    Emit(type, pos_, p + 1, line_);
    Advance(p + 1);
  }

  void LexRawQuote() {
    size_t close = in_.find('`', pos_ + 1);
    if (close == std::string_view::npos) {
      Error("unterminated raw quoted string");
      return;
    }
    Emit(Tok::kRawString, pos_, close + 1, line_);
    Advance(close + 1);
  }

  void LexFieldOrVariable(Tok type) {
    size_t start = pos_;
    size_t p = pos_ + 1;
    if (AtTerminator(p)) {
      Emit(type == Tok::kVariable ? Tok::kVariable : Tok::kDot, start, p, line_);
      Advance(p);
      return;
    }
    while (size_t w = AlphaNumericWidth(in_, p)) p += w;
    if (!AtTerminator(p)) {
      pos_ = p;
      Error("bad character " + DescribeRune(in_.substr(p)));
      return;
    }
    Emit(type, start, p, line_);
    Advance(p);
  }

  void LexIdentifier() {
    size_t start = pos_;
    size_t p = pos_;
    while (size_t w = AlphaNumericWidth(in_, p)) p += w;
    if (!AtTerminator(p)) {
      pos_ = p;
      Error("bad character " + DescribeRune(in_.substr(p)));
      return;
    }
    std::string_view word = in_.substr(start, p - start);
    Tok type = Tok::kIdentifier;
    static constexpr std::pair<std::string_view, Tok> kKeywords[] = {{"block", Tok::kBlock},
                                                                     {"break", Tok::kBreak},
                                                                     {"continue", Tok::kContinue},
                                                                     {"define", Tok::kDefine},
                                                                     {"else", Tok::kElse},
                                                                     {"end", Tok::kEnd},
                                                                     {"if", Tok::kIf},
                                                                     {"range", Tok::kRange},
                                                                     {"nil", Tok::kNil},
                                                                     {"template", Tok::kTemplate},
                                                                     {"with", Tok::kWith},
                                                                     {"true", Tok::kBool},
                                                                     {"false", Tok::kBool}};
    for (const auto& [k, t] : kKeywords) {
      if (word == k) type = t;
    }
    Emit(type, start, p, line_);
    Advance(p);
  }

  size_t Accept(size_t p, std::string_view valid) const {
    if (p < in_.size() && valid.find(in_[p]) != std::string_view::npos) return p + 1;
    return p;
  }
  size_t AcceptRun(size_t p, std::string_view valid) const {
    while (p < in_.size() && valid.find(in_[p]) != std::string_view::npos) ++p;
    return p;
  }

  // Scans a number's extent as Go's lexer does; false when letters follow.
  bool ScanNumber(size_t* p_io) const {
    size_t p = Accept(*p_io, "+-");
    std::string_view digits = "0123456789_";
    if (p < in_.size() && in_[p] == '0') {
      ++p;
      if (size_t q = Accept(p, "xX"); q != p) {
        p = q;
        digits = "0123456789abcdefABCDEF_";
      } else if (q = Accept(p, "oO"); q != p) {
        p = q;
        digits = "01234567_";
      } else if (q = Accept(p, "bB"); q != p) {
        p = q;
        digits = "01_";
      }
    }
    p = AcceptRun(p, digits);
    if (size_t q = Accept(p, "."); q != p) p = AcceptRun(q, digits);
    if (digits.size() == 11) {
      if (size_t q = Accept(p, "eE"); q != p) p = AcceptRun(Accept(q, "+-"), "0123456789_");
    }
    if (digits.size() == 23) {
      if (size_t q = Accept(p, "pP"); q != p) p = AcceptRun(Accept(q, "+-"), "0123456789_");
    }
    p = Accept(p, "i");
    *p_io = p;
    if (size_t w = AlphaNumericWidth(in_, p)) {
      *p_io = p + w;
      return false;
    }
    return true;
  }

  void LexNumber() {
    size_t start = pos_;
    size_t p = pos_;
    if (!ScanNumber(&p)) {
      Error("bad number syntax: " + Quoted(in_.substr(start, p - start)));
      return;
    }
    if (p < in_.size() && (in_[p] == '+' || in_[p] == '-')) {
      if (!ScanNumber(&p) || in_[p - 1] != 'i') {
        Error("bad number syntax: " + Quoted(in_.substr(start, p - start)));
        return;
      }
      Emit(Tok::kComplex, start, p, line_);
    } else {
      Emit(Tok::kNumber, start, p, line_);
    }
    Advance(p);
  }

  static std::string Quoted(std::string_view s) {
    std::string out;
    AppendGoQuote(s, false, &out);
    return out;
  }

  std::string_view in_;
  size_t pos_ = 0;
  int line_ = 1;
  int action_line_ = 1;
  int paren_depth_ = 0;
  bool done_ = false;
  std::vector<Token> tokens_;
};

// ---- Literals ----

// strconv.UnquoteChar: one (possibly escaped) character at *s, for a literal quoted by `quote`.
bool UnquoteChar(std::string_view* s, char quote, std::string* out) {
  if (s->empty()) return false;
  char c = (*s)[0];
  if (c == quote && (quote == '\'' || quote == '"')) return false;
  if (static_cast<unsigned char>(c) >= 0x80) {
    size_t width = 0;
    char32_t r = DecodeRune(*s, &width);
    if (r == 0xFFFD && width == 1) {
      out->push_back(c);  // invalid UTF-8 is kept as is
    } else {
      out->append(s->substr(0, width));
    }
    s->remove_prefix(width);
    return true;
  }
  if (c != '\\') {
    out->push_back(c);
    s->remove_prefix(1);
    return true;
  }
  if (s->size() <= 1) return false;
  char e = (*s)[1];
  s->remove_prefix(2);
  switch (e) {
    case 'a':
      out->push_back('\a');
      return true;
    case 'b':
      out->push_back('\b');
      return true;
    case 'f':
      out->push_back('\f');
      return true;
    case 'n':
      out->push_back('\n');
      return true;
    case 'r':
      out->push_back('\r');
      return true;
    case 't':
      out->push_back('\t');
      return true;
    case 'v':
      out->push_back('\v');
      return true;
    case '\\':
      out->push_back('\\');
      return true;
    case '\'':
    case '"':
      if (e != quote) return false;
      out->push_back(e);
      return true;
    case 'x':
    case 'u':
    case 'U': {
      size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (s->size() < n) return false;
      uint32_t v = 0;
      for (size_t i = 0; i < n; ++i) {
        int h = HexDigitValue((*s)[i]);
        if (h < 0) return false;
        v = v * 16 + static_cast<uint32_t>(h);
      }
      s->remove_prefix(n);
      if (e == 'x') {
        out->push_back(static_cast<char>(v));
        return true;
      }
      if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
      AppendRune(v, out);
      return true;
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      uint32_t v = static_cast<uint32_t>(e - '0');
      if (s->size() < 2) return false;
      for (int i = 0; i < 2; ++i) {
        char d = (*s)[i];
        if (d < '0' || d > '7') return false;
        v = v * 8 + static_cast<uint32_t>(d - '0');
      }
      if (v > 255) return false;
      s->remove_prefix(2);
      out->push_back(static_cast<char>(v));
      return true;
    }
    default:
      return false;
  }
}

// strconv.Unquote for "…" and `…` literals.
bool Unquote(std::string_view quoted, std::string* out) {
  out->clear();
  if (quoted.size() < 2) return false;
  char q = quoted.front();
  if (quoted.back() != q) return false;
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  if (q == '`') {
    for (char c : body) {
      if (c != '\r') out->push_back(c);
    }
    return true;
  }
  while (!body.empty()) {
    if (body[0] == '\n') return false;
    if (!UnquoteChar(&body, '"', out)) return false;
  }
  return true;
}

struct ParseFailure {
  std::string message;
};

class Parser {
 public:
  Parser(std::string_view text, Program* program) : text_(text), program_(program) {
    tokens_ = Lexer(text).Run();
    vars_.push_back("$");
  }

  void Parse() {
    while (Peek().type != Tok::kEOF) {
      Item item = TextOrAction();
      if (item.kind == ItemKind::kEnd) Fail("unexpected {{end}}");
      if (item.kind == ItemKind::kElse) Fail("unexpected {{else}}");
      if (item.kind == ItemKind::kNode) program_->root.push_back(std::move(item.node));
    }
    std::sort(referenced_.begin(), referenced_.end());
    referenced_.erase(std::unique(referenced_.begin(), referenced_.end()), referenced_.end());
    program_->referenced_labels = std::move(referenced_);
  }

 private:
  enum class ItemKind { kNode, kEnd, kElse, kNone };
  struct Item {
    ItemKind kind = ItemKind::kNone;
    Node node;
  };

  [[noreturn]] void Fail(const std::string& message) {
    throw ParseFailure{"template: " + program_->name + ":" + std::to_string(line_) + ": " +
                       message};
  }

  const Token& Next() {
    const Token& t = tokens_[std::min(index_, tokens_.size() - 1)];
    if (index_ < tokens_.size()) ++index_;
    line_ = t.line;
    if (t.type == Tok::kError) Fail(t.error);
    return t;
  }
  const Token& Peek() {
    const Token& t = tokens_[std::min(index_, tokens_.size() - 1)];
    if (t.type == Tok::kError) {
      line_ = t.line;
      Fail(t.error);
    }
    return t;
  }
  void Backup(size_t n = 1) { index_ -= n; }
  const Token& NextNonSpace() {
    while (true) {
      const Token& t = Next();
      if (t.type != Tok::kSpace) return t;
    }
  }
  const Token& PeekNonSpace() {
    const Token& t = NextNonSpace();
    Backup();
    return t;
  }

  static std::string Describe(const Token& t) {
    if (t.type == Tok::kEOF) return "EOF";
    if (t.type > Tok::kKeyword) return "<" + std::string(t.val) + ">";
    std::string out;
    if (t.val.size() > 10) {
      // %.10q: the first ten runes, quoted, then "...".
      size_t n = 0;
      size_t runes = 0;
      while (n < t.val.size() && runes < 10) {
        size_t w = 0;
        DecodeRune(t.val.substr(n), &w);
        n += w;
        ++runes;
      }
      AppendGoQuote(t.val.substr(0, n), false, &out);
      return out + "...";
    }
    AppendGoQuote(t.val, false, &out);
    return out;
  }
  [[noreturn]] void Unexpected(const Token& t, std::string_view context) {
    Fail("unexpected " + Describe(t) + " in " + std::string(context));
  }

  Item TextOrAction() {
    const Token& t = NextNonSpace();
    Item item;
    switch (t.type) {
      case Tok::kText:
        item.kind = ItemKind::kNode;
        item.node.kind = NodeKind::kText;
        item.node.pos = t.pos;
        item.node.text = std::string(t.val);
        return item;
      case Tok::kLeftDelim:
        return Action();
      default:
        Unexpected(t, "input");
    }
  }

  Item Action() {
    const Token& t = NextNonSpace();
    Item item;
    switch (t.type) {
      case Tok::kBlock:
      case Tok::kDefine:
      case Tok::kTemplate:
        Fail("{{" + std::string(t.val) + "}} is not supported");
      case Tok::kBreak:
      case Tok::kContinue: {
        bool is_break = t.type == Tok::kBreak;
        uint32_t pos = t.pos;
        if (range_depth_ == 0)
          Fail(is_break ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}");
        const Token& close = NextNonSpace();
        if (close.type != Tok::kRightDelim)
          Unexpected(close, is_break ? "{{break}}" : "{{continue}}");
        item.kind = ItemKind::kNode;
        item.node.kind = is_break ? NodeKind::kBreak : NodeKind::kContinue;
        item.node.pos = pos;
        return item;
      }
      case Tok::kElse: {
        const Token& peek = PeekNonSpace();
        if (peek.type != Tok::kIf && peek.type != Tok::kWith) {
          const Token& close = NextNonSpace();
          if (close.type != Tok::kRightDelim) Unexpected(close, "else");
        }
        item.kind = ItemKind::kElse;
        return item;
      }
      case Tok::kEnd: {
        const Token& close = NextNonSpace();
        if (close.type != Tok::kRightDelim) Unexpected(close, "end");
        item.kind = ItemKind::kEnd;
        return item;
      }
      case Tok::kIf:
        item.kind = ItemKind::kNode;
        item.node = Control(NodeKind::kIf, "if");
        return item;
      case Tok::kWith:
        item.kind = ItemKind::kNode;
        item.node = Control(NodeKind::kWith, "with");
        return item;
      case Tok::kRange:
        item.kind = ItemKind::kNode;
        item.node = Control(NodeKind::kRange, "range");
        return item;
      default:
        break;
    }
    Backup();
    item.kind = ItemKind::kNode;
    item.node.kind = NodeKind::kAction;
    item.node.pos = PeekNonSpace().pos;
    item.node.pipe = ParsePipeline("command", Tok::kRightDelim);
    return item;
  }

  // Items up to {{end}} or {{else}}; *terminator says which.
  std::vector<Node> ItemList(ItemKind* terminator) {
    std::vector<Node> list;
    while (PeekNonSpace().type != Tok::kEOF) {
      Item item = TextOrAction();
      if (item.kind == ItemKind::kEnd || item.kind == ItemKind::kElse) {
        *terminator = item.kind;
        return list;
      }
      if (item.kind == ItemKind::kNode) list.push_back(std::move(item.node));
    }
    Fail("unexpected EOF");
  }

  Node Control(NodeKind kind, const char* context) {
    if (++depth_ > kMaxDepth) Fail("max nesting depth exceeded");
    size_t vars_before = vars_.size();
    Node node;
    node.kind = kind;
    node.pipe = ParsePipeline(context, Tok::kRightDelim);
    node.pos = node.pipe->pos;
    bool dot_was_root = dot_is_root_;
    if (kind != NodeKind::kIf) dot_is_root_ = false;
    if (kind == NodeKind::kRange) ++range_depth_;
    ItemKind terminator = ItemKind::kNone;
    node.list = ItemList(&terminator);
    if (kind == NodeKind::kRange) --range_depth_;
    dot_is_root_ = dot_was_root;
    if (terminator == ItemKind::kElse) {
      if (kind == NodeKind::kIf && Peek().type == Tok::kIf) {
        Next();
        node.else_list.push_back(Control(NodeKind::kIf, "if"));
      } else if (kind == NodeKind::kWith && Peek().type == Tok::kWith) {
        Next();
        node.else_list.push_back(Control(NodeKind::kWith, "with"));
      } else {
        node.else_list = ItemList(&terminator);
        if (terminator != ItemKind::kEnd) Fail("expected end; found {{else}}");
      }
    }
    vars_.resize(vars_before);
    --depth_;
    return node;
  }

  std::unique_ptr<Pipeline> ParsePipeline(std::string_view context, Tok end) {
    auto pipe = std::make_unique<Pipeline>();
    pipe->pos = PeekNonSpace().pos;
    // Declarations: "$x :=", "$x =", and in range "$i, $e :=".
    while (true) {
      const Token& v = PeekNonSpace();
      if (v.type != Tok::kVariable) break;
      size_t mark = index_;
      NextNonSpace();
      const Token& next = PeekNonSpace();
      if (next.type == Tok::kAssign || next.type == Tok::kDeclare) {
        pipe->is_assign = next.type == Tok::kAssign;
        NextNonSpace();
        pipe->decls.push_back(std::string(v.val));
        vars_.push_back(std::string(v.val));
        break;
      }
      if (next.type == Tok::kChar && next.val == ",") {
        NextNonSpace();
        pipe->decls.push_back(std::string(v.val));
        vars_.push_back(std::string(v.val));
        if (context == "range" && pipe->decls.size() < 2) {
          Tok t = PeekNonSpace().type;
          if (t == Tok::kVariable || t == Tok::kRightDelim || t == Tok::kRightParen) continue;
          Fail("range can only initialize variables");
        }
        Fail("too many declarations in " + std::string(context));
      }
      index_ = mark;
      break;
    }
    while (true) {
      const Token& t = NextNonSpace();
      if (t.type == end) {
        pipe->end = t.pos;
        if (pipe->cmds.empty()) Fail("missing value for " + std::string(context));
        for (size_t i = 1; i < pipe->cmds.size(); ++i) {
          ArgKind k = pipe->cmds[i].args[0].kind;
          if (k == ArgKind::kBool || k == ArgKind::kDot || k == ArgKind::kNil ||
              k == ArgKind::kNumber || k == ArgKind::kString) {
            Fail("non executable command in pipeline stage " + std::to_string(i + 1));
          }
        }
        return pipe;
      }
      switch (t.type) {
        case Tok::kBool:
        case Tok::kCharConstant:
        case Tok::kComplex:
        case Tok::kDot:
        case Tok::kField:
        case Tok::kIdentifier:
        case Tok::kNumber:
        case Tok::kNil:
        case Tok::kRawString:
        case Tok::kString:
        case Tok::kVariable:
        case Tok::kLeftParen:
          Backup();
          pipe->cmds.push_back(ParseCommand());
          if (pipe->cmds.size() > kMaxPipelineCmds) Fail("pipeline too long");
          break;
        default:
          Unexpected(t, context);
      }
    }
  }

  Command ParseCommand() {
    Command cmd;
    cmd.pos = PeekNonSpace().pos;
    while (true) {
      PeekNonSpace();
      std::optional<Arg> operand = Operand();
      if (operand) cmd.args.push_back(std::move(*operand));
      const Token& t = Next();
      if (t.type == Tok::kSpace) continue;
      if (t.type == Tok::kRightDelim || t.type == Tok::kRightParen) {
        cmd.end = t.pos;
        Backup();
      } else if (t.type == Tok::kPipe) {
        cmd.end = t.pos;
      } else {
        Unexpected(t, "operand");
      }
      break;
    }
    if (cmd.args.empty()) Fail("empty command");
    NoteCommand(&cmd);
    return cmd;
  }

  // What the command reads (for referenced_labels/reads_all_labels), and its literal regex.
  void NoteCommand(Command* cmd) {
    const Arg& head = cmd->args[0];
    bool index_literal = head.kind == ArgKind::kFunction && head.func->name == "index" &&
                         cmd->args.size() >= 3 && cmd->args[2].kind == ArgKind::kString;
    for (size_t i = 0; i < cmd->args.size(); ++i) {
      const Arg& a = cmd->args[i];
      bool root_value = (a.kind == ArgKind::kDot && dot_is_root_) ||
                        (a.kind == ArgKind::kVariable && a.name == "$" && a.fields.empty());
      if (!root_value) continue;
      if (i == 1 && index_literal) {
        referenced_.push_back(cmd->args[2].text);
      } else {
        program_->reads_all_labels = true;
      }
    }
    if (head.kind == ArgKind::kFunction && head.func->regex_first && cmd->args.size() >= 2 &&
        cmd->args[1].kind == ArgKind::kString) {
      RE2::Options options;
      options.set_log_errors(false);
      auto re = std::make_shared<RE2>(cmd->args[1].text, options);
      if (re->ok()) cmd->regex = std::move(re);
    }
  }

  std::optional<Arg> Operand() {
    std::optional<Arg> node = Term();
    if (!node) return node;
    if (Peek().type != Tok::kField) return node;
    std::vector<std::string> chain;
    uint32_t term_end = node->end;
    uint32_t end = node->end;
    while (Peek().type == Tok::kField) {
      const Token& field = Next();
      chain.push_back(std::string(field.val.substr(1)));
      end = field.pos + static_cast<uint32_t>(field.val.size());
    }
    node->end = end;
    switch (node->kind) {
      case ArgKind::kField:
      case ArgKind::kVariable:
      case ArgKind::kPipe:
        if (node->kind == ArgKind::kVariable && node->name == "$" && node->fields.empty()) {
          referenced_.push_back(chain[0]);
        }
        for (auto& f : chain) node->fields.push_back(std::move(f));
        return node;
      case ArgKind::kFunction: {
        // fn.Field: call fn without arguments, then walk the fields.
        Arg wrapped;
        wrapped.kind = ArgKind::kPipe;
        wrapped.pos = node->pos;
        wrapped.end = end;
        wrapped.pipe = std::make_unique<Pipeline>();
        wrapped.pipe->pos = node->pos;
        Command cmd;
        cmd.pos = node->pos;
        cmd.args.push_back(std::move(*node));
        wrapped.pipe->cmds.push_back(std::move(cmd));
        wrapped.fields = std::move(chain);
        return wrapped;
      }
      default: {
        std::string term = std::string(text_.substr(node->pos, term_end - node->pos));
        Fail("unexpected . after term " + QuotedString(term));
      }
    }
  }

  static std::string QuotedString(std::string_view s) {
    std::string out;
    AppendGoQuote(s, false, &out);
    return out;
  }

  std::optional<Arg> Term() {
    const Token& t = NextNonSpace();
    Arg arg;
    arg.pos = t.pos;
    arg.end = t.pos + static_cast<uint32_t>(t.val.size());
    switch (t.type) {
      case Tok::kIdentifier:
        arg.kind = ArgKind::kFunction;
        arg.func = FindFunction(t.val);
        if (arg.func == nullptr) Fail("function " + QuotedString(t.val) + " not defined");
        if (t.val == "__line__") program_->reads_line = true;
        if (t.val == "__timestamp__") program_->reads_timestamp = true;
        return arg;
      case Tok::kDot:
        arg.kind = ArgKind::kDot;
        return arg;
      case Tok::kNil:
        arg.kind = ArgKind::kNil;
        return arg;
      case Tok::kVariable: {
        arg.kind = ArgKind::kVariable;
        std::string_view full = t.val;
        arg.name = std::string(full);
        if (std::find(vars_.begin(), vars_.end(), arg.name) == vars_.end()) {
          Fail("undefined variable " + QuotedString(arg.name));
        }
        return arg;
      }
      case Tok::kField:
        arg.kind = ArgKind::kField;
        arg.fields.push_back(std::string(t.val.substr(1)));
        referenced_.push_back(arg.fields[0]);
        return arg;
      case Tok::kBool:
        arg.kind = ArgKind::kBool;
        arg.boolean = t.val == "true";
        return arg;
      case Tok::kCharConstant:
      case Tok::kComplex:
      case Tok::kNumber:
        arg.kind = ArgKind::kNumber;
        arg.number = ParseNumber(t);
        return arg;
      case Tok::kLeftParen: {
        if (++depth_ > kMaxDepth) Fail("max expression depth exceeded");
        arg.kind = ArgKind::kPipe;
        arg.pipe = ParsePipeline("parenthesized pipeline", Tok::kRightParen);
        arg.end = arg.pipe->end + 1;
        --depth_;
        return arg;
      }
      case Tok::kString:
      case Tok::kRawString:
        arg.kind = ArgKind::kString;
        if (!Unquote(t.val, &arg.text)) Fail("invalid syntax");
        return arg;
      default:
        Backup();
        return std::nullopt;
    }
  }

  NumberConst ParseNumber(const Token& t) {
    NumberConst n;
    std::string_view text = t.val;
    if (t.type == Tok::kComplex) Fail("complex numbers are not supported: " + std::string(text));
    if (t.type == Tok::kCharConstant) {
      std::string_view body = text.substr(1, text.size() - 2);
      std::string decoded;
      std::string_view rest = body;
      if (!UnquoteChar(&rest, '\'', &decoded) || !rest.empty()) {
        Fail("malformed character constant: " + std::string(text));
      }
      size_t width = 0;
      char32_t r = static_cast<unsigned char>(decoded[0]) < 0x80 || decoded.size() == 1
                       ? static_cast<unsigned char>(decoded[0])
                       : DecodeRune(decoded, &width);
      n.is_int = n.is_uint = n.is_float = true;
      n.int_value = static_cast<int64_t>(r);
      n.float_value = static_cast<double>(r);
      return n;
    }
    uint64_t u = 0;
    if (ParseGoUint(text, &u)) n.is_uint = true;
    int64_t i = 0;
    if (ParseGoInt(text, &i)) {
      n.is_int = true;
      n.int_value = i;
      if (i == 0) n.is_uint = true;
    }
    if (n.is_int) {
      n.is_float = true;
      n.float_value = static_cast<double>(i);
    } else if (n.is_uint) {
      n.is_float = true;
      n.float_value = static_cast<double>(u);
    } else {
      double f = 0;
      if (ParseGoFloat(text, &f)) {
        if (text.find_first_of(".eEpP") == std::string_view::npos) {
          Fail("integer overflow: " + QuotedString(text));
        }
        n.is_float = true;
        n.float_value = f;
        if (f >= -9223372036854775808.0 && f < 9223372036854775808.0 &&
            static_cast<double>(static_cast<int64_t>(f)) == f) {
          n.is_int = true;
          n.int_value = static_cast<int64_t>(f);
        }
      }
    }
    if (!n.is_int && !n.is_uint && !n.is_float)
      Fail("illegal number syntax: " + QuotedString(text));
    // Go's isHexInt: no sign, so "-0x1e" counts as written like a float.
    bool hex_int = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                   text.find_first_of("pP") == std::string_view::npos;
    n.float_syntax =
        n.is_float && !hex_int && text.find_first_of(".eEpP") != std::string_view::npos;
    return n;
  }

  std::string_view text_;
  Program* program_;
  std::vector<Token> tokens_;
  size_t index_ = 0;
  int line_ = 1;
  std::vector<std::string> vars_;
  std::vector<std::string> referenced_;
  int range_depth_ = 0;
  int depth_ = 0;
  bool dot_is_root_ = true;
};

void BuildSegments(Program* program) {
  std::vector<Segment> segments;
  for (const Node& node : program->root) {
    if (node.kind == NodeKind::kText) {
      segments.push_back(Segment{false, node.text});
      continue;
    }
    if (node.kind != NodeKind::kAction) return;
    const Pipeline& pipe = *node.pipe;
    if (!pipe.decls.empty() || pipe.cmds.size() != 1 || pipe.cmds[0].args.size() != 1) return;
    const Arg& arg = pipe.cmds[0].args[0];
    if (arg.kind != ArgKind::kField || arg.fields.size() != 1) return;
    segments.push_back(Segment{true, arg.fields[0]});
  }
  program->simple = true;
  program->segments = std::move(segments);
}

}  // namespace

Status ParseProgram(std::string_view text, std::string_view name, Program* program) {
  program->name = std::string(name);
  program->source = std::string(text);
  try {
    Parser parser(program->source, program);
    parser.Parse();
  } catch (const ParseFailure& failure) {
    return Status::InvalidArgument(failure.message);
  }
  BuildSegments(program);
  return Status::Ok();
}

}  // namespace otelite::logql::template_internal
