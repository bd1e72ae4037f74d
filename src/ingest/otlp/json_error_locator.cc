#include "ingest/otlp/json_error_locator.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <system_error>
#include <utility>
#include <vector>

namespace otelite::otlp::json {
namespace {

// In situ: strings are decoded in place in a copy of the body, so a key, string or number handed
// to the handler points at its own text and tells where it is, and keys on the path need no
// copies. Numbers as strings: their text, to check the ranges simdjson sets.
//
// Not kParseIterativeFlag: RapidJSON 1.1.0's iterative reader keeps its state on a stack whose
// first push adds an offset to a null pointer (Stack::Reserve), which UBSan reports in the fuzz
// build. With these flags the recursive reader never uses that stack, and PathTracker bounds its
// recursion (kMaxReadDepth levels; about 100 bytes of stack each, 500 with ASan).
constexpr unsigned kParseFlags =
    rapidjson::kParseInsituFlag | rapidjson::kParseValidateEncodingFlag |
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseStopWhenDoneFlag;

// The deepest nesting read. simdjson's default max_depth; a parser allowing more gets no location
// for errors below this depth.
constexpr size_t kMaxReadDepth = 1024;

// Zero bytes after the copy of the body. An in-situ stream has no length: it ends at a zero
// byte. But RapidJSON's UTF-8 validation takes all bytes of a multi-byte sequence before judging
// it, so it may take up to 3 more.
constexpr size_t kPadding = 4;

constexpr size_t kMaxKeyBytes = 64;   // longer keys are shortened on the path
constexpr size_t kPathEndFrames = 6;  // deeper paths keep this many levels at each end

// Why simdjson rejects a number that JSON's grammar allows, or nullptr. Integers (no fraction,
// no exponent) must fit 64 bits, signed if negative; other numbers must be finite as doubles.
// `parser` is for the rare number that needs simdjson's own verdict.
const char* NumberProblem(std::string_view number, simdjson::dom::parser& parser) {
  const char* begin = number.data();
  const char* end = begin + number.size();
  if (number.find_first_of(".eE") == std::string_view::npos) {
    bool fits = false;
    if (number.front() == '-') {
      int64_t value;
      fits = std::from_chars(begin, end, value).ec == std::errc();
    } else {
      uint64_t value;
      fits = std::from_chars(begin, end, value).ec == std::errc();
    }
    return fits ? nullptr : "The integer does not fit in 64 bits";
  }
  double value;
  std::errc ec = std::from_chars(begin, end, value).ec;
  if (ec == std::errc()) return nullptr;
  // Out of range either way: too large (simdjson rejects it) or too small (simdjson takes it as
  // zero). Let simdjson say which.
  simdjson::dom::element element;
  if (parser.parse(begin, number.size(), /*realloc_if_needed=*/true).get(element) ==
      simdjson::SUCCESS) {
    return nullptr;
  }
  return "The number is out of the range of a double";
}

// SAX handler that keeps the path to the value being read and adds simdjson's limits to
// RapidJSON's checks. A handler method returning false stops the reader with
// kParseErrorTermination; problem() then says why and where.
class PathTracker : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PathTracker> {
 public:
  struct Problem {
    std::string message;
    size_t offset;
    bool located = true;  // false: past kMaxReadDepth, simdjson's error stands alone
  };

  // `text` is the start of what `stream` reads.
  PathTracker(const char* text, rapidjson::InsituStringStream& stream, size_t max_depth)
      : text_(text), stream_(stream), max_depth_(max_depth) {}

  bool Default() { return ValueDone(); }  // null, true, false
  bool RawNumber(const char* number, rapidjson::SizeType length, bool /*copy*/) {
    if (const char* problem = NumberProblem({number, length}, number_parser_)) {
      return Fail(problem, OffsetOf(number));
    }
    return ValueDone();
  }
  bool String(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    return CheckDecoded(text, length) && ValueDone();
  }
  bool Key(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    if (!CheckDecoded(text, length)) return false;
    frames_.back().key = std::string_view(text, length);
    return true;
  }
  bool StartObject() { return Open(/*object=*/true); }
  bool StartArray() { return Open(/*object=*/false); }
  bool EndObject(rapidjson::SizeType /*members*/) { return Close(); }
  bool EndArray(rapidjson::SizeType /*elements*/) { return Close(); }

  const std::optional<Problem>& problem() const { return problem_; }
  std::string Path() const;

 private:
  struct Frame {
    bool object;
    std::optional<std::string_view> key;  // object: the member being read
    size_t index = 0;                     // array: elements complete so far
  };

  bool Open(bool object) {
    if (frames_.size() >= std::min(max_depth_, kMaxReadDepth)) {
      // The reader calls this just after taking the '{' or '['.
      Fail("The JSON is nested deeper than " + std::to_string(max_depth_) + " levels",
           stream_.Tell() - 1);
      problem_->located = frames_.size() == max_depth_;
      return false;
    }
    frames_.push_back(Frame{object, std::nullopt});
    return true;
  }
  bool Close() {
    frames_.pop_back();
    return ValueDone();
  }
  bool ValueDone() {
    if (frames_.empty()) return true;
    Frame& frame = frames_.back();
    if (frame.object) {
      frame.key.reset();
    } else {
      ++frame.index;
    }
    return true;
  }

  // RapidJSON decodes a \u escape of a lone low surrogate (U+DC00..U+DFFF) into bytes that are
  // not UTF-8; simdjson rejects it. Decoded in situ, the text starts right after its quote.
  bool CheckDecoded(const char* text, size_t length) {
    if (simdjson::validate_utf8(text, length)) return true;
    return Fail("A \\u escape in the string is an unpaired UTF-16 surrogate", OffsetOf(text) - 1);
  }

  size_t OffsetOf(const char* in_text) const { return static_cast<size_t>(in_text - text_); }

  bool Fail(std::string message, size_t offset) {
    problem_ = Problem{std::move(message), offset};
    return false;
  }

  const char* text_;
  rapidjson::InsituStringStream& stream_;  // read position only
  size_t max_depth_;
  std::vector<Frame> frames_;
  std::optional<Problem> problem_;
  simdjson::dom::parser number_parser_;  // allocates on first use only
};

// `key` shortened to kMaxKeyBytes without splitting a UTF-8 sequence (keys are valid UTF-8 once
// read), control characters shown as '?'.
void AppendKey(std::string_view key, std::string* out) {
  size_t length = key.size();
  if (length > kMaxKeyBytes) {
    length = kMaxKeyBytes;
    while (length > 0 && (static_cast<unsigned char>(key[length]) & 0xC0) == 0x80) --length;
  }
  for (char c : key.substr(0, length)) {
    unsigned char byte = static_cast<unsigned char>(c);
    *out += byte < 0x20 || byte == 0x7F ? '?' : c;
  }
  if (length < key.size()) *out += "...";
}

std::string PathTracker::Path() const {
  std::string path;
  const size_t n = frames_.size();
  bool after_ellipsis = false;
  for (size_t i = 0; i < n; ++i) {
    if (n > 2 * kPathEndFrames && i >= kPathEndFrames && i < n - kPathEndFrames) {
      if (!after_ellipsis) path += "...";
      after_ellipsis = true;
      continue;
    }
    const Frame& frame = frames_[i];
    if (!frame.object) {
      path += '[';
      path += std::to_string(frame.index);
      path += ']';
    } else if (frame.key) {
      if (!path.empty() && !after_ellipsis) path += '.';
      AppendKey(*frame.key, &path);
    }
    after_ellipsis = false;
  }
  return path;
}

// RapidJSON's text for `code` at `offset`, without its final period; clearer where the byte
// there is what RapidJSON stumbled on: it takes a NUL byte for the end of the input (and says
// what it missed there), and reports a control character in a string as a bad escape.
std::string ReaderMessage(rapidjson::ParseErrorCode code, std::string_view body, size_t offset) {
  if (offset < body.size() && body[offset] == '\0') return "Unexpected NUL byte";
  if (code == rapidjson::kParseErrorStringEscapeInvalid && offset < body.size() &&
      static_cast<unsigned char>(body[offset]) < 0x20) {
    return "Unescaped control character in string";
  }
  std::string_view message = rapidjson::GetParseError_En(code);
  if (!message.empty() && message.back() == '.') message.remove_suffix(1);
  return std::string(message);
}

}  // namespace

std::optional<JsonErrorLocation> LocateJsonError(std::string_view body, simdjson::error_code error,
                                                 size_t max_depth) {
  // Not about the text; CAPACITY also means a body too large to read again.
  if (error == simdjson::MEMALLOC || error == simdjson::CAPACITY) return std::nullopt;

  std::string text(body);
  text.append(kPadding, '\0');
  rapidjson::InsituStringStream stream(text.data());
  PathTracker tracker(text.data(), stream, max_depth);
  rapidjson::Reader reader;
  rapidjson::ParseResult result = reader.Parse<kParseFlags>(stream, tracker);

  JsonErrorLocation location;
  if (result.IsError() && result.Code() == rapidjson::kParseErrorTermination && tracker.problem()) {
    if (!tracker.problem()->located) return std::nullopt;
    location.offset = tracker.problem()->offset;
    location.message = tracker.problem()->message;
  } else if (result.IsError()) {
    location.offset = result.Offset();
    location.message = ReaderMessage(result.Code(), body, location.offset);
  } else {
    // One value read (kParseStopWhenDoneFlag); only whitespace may follow it.
    rapidjson::SkipWhitespace(stream);
    if (stream.Tell() >= body.size()) return std::nullopt;
    location.offset = stream.Tell();
    location.message =
        ReaderMessage(rapidjson::kParseErrorDocumentRootNotSingular, body, location.offset);
  }
  location.path = tracker.Path();
  return location;
}

}  // namespace otelite::otlp::json
