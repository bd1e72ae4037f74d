#include "ingest/otlp/json_error_locator.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>
#include <vector>

namespace otelite::otlp::json {
namespace {

enum class Problem { kNone, kUtf8, kNumber, kString, kControl, kAtom, kStructure, kDepth, kEnd };

Problem ProblemFor(simdjson::error_code error) {
  switch (error) {
    case simdjson::UTF8_ERROR:
      return Problem::kUtf8;
    case simdjson::NUMBER_ERROR:
      return Problem::kNumber;
    case simdjson::STRING_ERROR:
      return Problem::kString;
    case simdjson::UNESCAPED_CHARS:
      return Problem::kControl;
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return Problem::kAtom;
    case simdjson::TAPE_ERROR:
      return Problem::kStructure;
    case simdjson::DEPTH_ERROR:
      return Problem::kDepth;
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
    case simdjson::UNCLOSED_STRING:
      return Problem::kEnd;
    default:
      return Problem::kNone;
  }
}

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence at p (at most `available` bytes), 0 if invalid.
size_t Utf8SequenceLength(const unsigned char* p, size_t available) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;
  if (c < 0xE0) return available >= 2 && IsContinuation(p[1]) ? 2 : 0;
  if (c < 0xF0) {
    if (available < 3 || !IsContinuation(p[2])) return 0;
    if (c == 0xE0) return p[1] >= 0xA0 && p[1] <= 0xBF ? 3 : 0;
    if (c == 0xED) return p[1] >= 0x80 && p[1] <= 0x9F ? 3 : 0;  // no surrogates
    return IsContinuation(p[1]) ? 3 : 0;
  }
  if (c < 0xF5) {
    if (available < 4 || !IsContinuation(p[2]) || !IsContinuation(p[3])) return 0;
    if (c == 0xF0) return p[1] >= 0x90 && p[1] <= 0xBF ? 4 : 0;
    if (c == 0xF4) return p[1] >= 0x80 && p[1] <= 0x8F ? 4 : 0;  // <= U+10FFFF
    return IsContinuation(p[1]) ? 4 : 0;
  }
  return 0;
}

// JSON number grammar, integers within 64 bits, doubles finite (underflow to 0 is fine).
bool IsValidNumber(std::string_view t) {
  size_t p = 0;
  const size_t n = t.size();
  if (p < n && t[p] == '-') ++p;
  if (p >= n) return false;
  if (t[p] == '0') {
    ++p;
  } else if (IsDigit(t[p])) {
    while (p < n && IsDigit(t[p])) ++p;
  } else {
    return false;
  }
  bool integer = true;
  bool negative_exponent = false;
  if (p < n && t[p] == '.') {
    integer = false;
    if (++p >= n || !IsDigit(t[p])) return false;
    while (p < n && IsDigit(t[p])) ++p;
  }
  if (p < n && (t[p] == 'e' || t[p] == 'E')) {
    integer = false;
    ++p;
    if (p < n && (t[p] == '+' || t[p] == '-')) negative_exponent = t[p++] == '-';
    if (p >= n || !IsDigit(t[p])) return false;
    while (p < n && IsDigit(t[p])) ++p;
  }
  if (p != n) return false;
  const char* end = t.data() + n;
  if (integer) {
    if (t[0] == '-') {
      int64_t value;
      return std::from_chars(t.data(), end, value).ec == std::errc();
    }
    uint64_t value;
    return std::from_chars(t.data(), end, value).ec == std::errc();
  }
  double value;
  auto [ptr, ec] = std::from_chars(t.data(), end, value);
  if (ec == std::errc::result_out_of_range) return negative_exponent;
  return ec == std::errc() && std::isfinite(value);
}

class Scanner {
 public:
  Scanner(std::string_view body, Problem wanted, size_t max_depth)
      : body_(body), wanted_(wanted), max_depth_(max_depth) {}

  std::optional<JsonErrorLocation> Run() {
    const size_t n = body_.size();
    size_t i = 0;
    while (i < n && !result_) {
      unsigned char c = Byte(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
      } else if (c == '{' || c == '[') {
        if (!ValueWanted()) Found(Problem::kStructure, i);
        stack_.push_back({c == '{', {}, 0});
        if (stack_.size() > max_depth_) {
          // Deeper than the parser goes: say so if that is the error, and give up otherwise
          // rather than let the stack grow with the body.
          Found(Problem::kDepth, i);
          return result_;
        }
        want_ = c == '{' ? Want::kKeyOrClose : Want::kValueOrClose;
        ++i;
      } else if (c == '}' || c == ']') {
        bool object = c == '}';
        bool ok = !stack_.empty() && stack_.back().object == object &&
                  (want_ == Want::kCommaOrClose ||
                   want_ == (object ? Want::kKeyOrClose : Want::kValueOrClose));
        if (!ok) Found(Problem::kStructure, i);
        if (!stack_.empty()) stack_.pop_back();
        AfterValue();
        ++i;
      } else if (c == ',') {
        if (want_ != Want::kCommaOrClose) Found(Problem::kStructure, i);
        if (!stack_.empty() && stack_.back().object) {
          stack_.back().key = {};
          want_ = Want::kKey;
        } else if (!stack_.empty()) {
          ++stack_.back().index;
          want_ = Want::kValue;
        }
        ++i;
      } else if (c == ':') {
        if (want_ != Want::kColon) Found(Problem::kStructure, i);
        want_ = Want::kValue;
        ++i;
      } else if (c == '"') {
        i = String(i);
      } else if (c == '-' || IsDigit(c)) {
        size_t end = i;
        while (end < n && (IsDigit(Byte(end)) || Byte(end) == '-' || Byte(end) == '+' ||
                           Byte(end) == '.' || Byte(end) == 'e' || Byte(end) == 'E')) {
          ++end;
        }
        if (!IsValidNumber(body_.substr(i, end - i))) Found(Problem::kNumber, i);
        Value(i);
        i = end;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        size_t end = i;
        while (end < n && ((Byte(end) >= 'a' && Byte(end) <= 'z') ||
                           (Byte(end) >= 'A' && Byte(end) <= 'Z') || IsDigit(Byte(end)))) {
          ++end;
        }
        std::string_view word = body_.substr(i, end - i);
        if (word != "true" && word != "false" && word != "null") {
          Found(Problem::kAtom, i);
          Found(Problem::kStructure, i);
        }
        Value(i);
        i = end;
      } else {
        size_t length = Utf8SequenceLength(Bytes(i), n - i);
        if (length == 0) Found(Problem::kUtf8, i);
        Found(Problem::kStructure, i);
        i += length == 0 ? 1 : length;
      }
    }
    if (!result_ && (!stack_.empty() || want_ != Want::kNothing)) {
      Found(Problem::kEnd, n);
      Found(Problem::kStructure, n);
    }
    return result_;
  }

 private:
  enum class Want { kValue, kValueOrClose, kKey, kKeyOrClose, kColon, kCommaOrClose, kNothing };
  struct Frame {
    bool object;
    std::string_view key;
    size_t index;
  };

  unsigned char Byte(size_t i) const { return static_cast<unsigned char>(body_[i]); }
  const unsigned char* Bytes(size_t i) const {
    return reinterpret_cast<const unsigned char*>(body_.data() + i);
  }
  bool ValueWanted() const { return want_ == Want::kValue || want_ == Want::kValueOrClose; }
  void AfterValue() { want_ = stack_.empty() ? Want::kNothing : Want::kCommaOrClose; }
  // A scalar value starting at `offset`.
  void Value(size_t offset) {
    if (!ValueWanted()) Found(Problem::kStructure, offset);
    AfterValue();
  }

  // Scans the string whose opening quote is at `start`; returns the offset after it.
  size_t String(size_t start) {
    const size_t n = body_.size();
    size_t j = start + 1;
    while (j < n && !result_) {
      unsigned char b = Byte(j);
      if (b == '"') break;
      if (b == '\\') {
        j = Escape(j);
      } else if (b < 0x20) {
        Found(Problem::kControl, j);
        ++j;
      } else {
        size_t length = Utf8SequenceLength(Bytes(j), n - j);
        if (length == 0) Found(Problem::kUtf8, j);
        j += length == 0 ? 1 : length;
      }
    }
    if (result_) return n;
    if (j >= n) {
      Found(Problem::kEnd, start);
      return n;
    }
    std::string_view text = body_.substr(start + 1, j - start - 1);
    if ((want_ == Want::kKey || want_ == Want::kKeyOrClose) && !stack_.empty()) {
      stack_.back().key = text;
      want_ = Want::kColon;
    } else {
      Value(start);
    }
    return j + 1;
  }

  // The escape sequence at `j` (a backslash); returns the offset after it.
  size_t Escape(size_t j) {
    const size_t n = body_.size();
    if (j + 1 >= n) return n;
    unsigned char e = Byte(j + 1);
    if (e != 'u') {
      static constexpr std::string_view kSimple = "\"\\/bfnrt";
      if (kSimple.find(static_cast<char>(e)) == std::string_view::npos) {
        Found(Problem::kString, j);
      }
      return j + 2;
    }
    int unit = HexUnit(j);
    if (unit < 0) {
      Found(Problem::kString, j);
      return j + 2;
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {  // must be followed by a low surrogate
      int low = j + 7 < n && Byte(j + 6) == '\\' ? HexUnit(j + 6) : -1;
      if (low < 0xDC00 || low > 0xDFFF) {
        Found(Problem::kString, j);
        return j + 6;
      }
      return j + 12;
    }
    if (unit >= 0xDC00 && unit <= 0xDFFF) Found(Problem::kString, j);
    return j + 6;
  }

  // The 16-bit unit of "\uXXXX" at `j`, or -1.
  int HexUnit(size_t j) const {
    if (j + 6 > body_.size() || Byte(j + 1) != 'u') return -1;
    int value = 0;
    for (size_t k = j + 2; k < j + 6; ++k) {
      unsigned char h = Byte(k);
      int digit = IsDigit(h)               ? h - '0'
                  : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                  : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                           : -1;
      if (digit < 0) return -1;
      value = value * 16 + digit;
    }
    return value;
  }

  void Found(Problem problem, size_t offset) {
    if (problem != wanted_ || result_) return;
    result_ = JsonErrorLocation{offset, Path()};
  }

  // The path to the current position, printable: keys here are raw input, which may hold the
  // very bytes that made the parse fail.
  std::string Path() const {
    std::string path;
    for (const Frame& frame : stack_) {
      if (!frame.object) {
        path += '[';
        path += std::to_string(frame.index);
        path += ']';
      } else if (!frame.key.empty()) {
        if (!path.empty()) path += '.';
        path += frame.key.substr(0, kMaxKeyBytes);
        if (frame.key.size() > kMaxKeyBytes) path += "...";
      }
    }
    if (path.size() > kMaxPathBytes) {  // deep nesting: keep both ends
      path =
          path.substr(0, kMaxPathBytes / 2) + "..." + path.substr(path.size() - kMaxPathBytes / 2);
    }
    std::string printable;
    const auto* bytes = reinterpret_cast<const unsigned char*>(path.data());
    for (size_t i = 0; i < path.size();) {
      size_t length = Utf8SequenceLength(bytes + i, path.size() - i);
      if (length == 0 || bytes[i] < 0x20 || bytes[i] == 0x7F) {
        printable += '?';
        ++i;
      } else {
        printable.append(path, i, length);
        i += length;
      }
    }
    return printable;
  }

  static constexpr size_t kMaxKeyBytes = 64;
  static constexpr size_t kMaxPathBytes = 240;

  std::string_view body_;
  Problem wanted_;
  size_t max_depth_;
  Want want_ = Want::kValue;
  std::vector<Frame> stack_;
  std::optional<JsonErrorLocation> result_;
};

}  // namespace

std::optional<JsonErrorLocation> LocateJsonError(std::string_view body, simdjson::error_code error,
                                                 size_t max_depth) {
  Problem wanted = ProblemFor(error);
  if (wanted == Problem::kNone) return std::nullopt;
  return Scanner(body, wanted, max_depth).Run();
}

}  // namespace otelite::otlp::json
