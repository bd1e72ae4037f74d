#include "query/logql/json_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/go_text.h"

namespace otelite::logql {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

namespace {

// Loki reads JSON with buger/jsonparser; its error texts are what users see in
// __error_details__. simdjson's errors map onto them by kind.
constexpr std::string_view kMalformedObject =
    "Value looks like object, but can't find closing '}' symbol";
constexpr std::string_view kMalformedString = "Value is string, but can't find closing '\"' symbol";
constexpr std::string_view kUnknownValueType = "Unknown value type";
constexpr std::string_view kMalformedEscape = "Encountered an invalid escape sequence in a string";
constexpr std::string_view kMalformedJson = "Malformed JSON error";

Status JsonError(error_code error) {
  switch (error) {
    case simdjson::EMPTY:
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
    case simdjson::INCORRECT_TYPE:
      return Status::InvalidArgument(std::string(kMalformedObject));
    case simdjson::UNCLOSED_STRING:
      return Status::InvalidArgument(std::string(kMalformedString));
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
    case simdjson::NUMBER_ERROR:
      return Status::InvalidArgument(std::string(kUnknownValueType));
    case simdjson::STRING_ERROR:
      return Status::InvalidArgument(std::string(kMalformedEscape));
    default:
      return Status::InvalidArgument(std::string(kMalformedJson));
  }
}

std::string_view TrimTrailingJsonSpace(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// The end of the object or array that `text` starts with (after white space), found by
// matching brackets outside strings; 0 when it does not close.
size_t EndOfFirstValue(std::string_view text) {
  size_t i = 0;
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
    ++i;
  }
  if (i >= text.size() || (text[i] != '{' && text[i] != '[')) return 0;
  size_t depth = 0;
  bool in_string = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return 0;
}

}  // namespace

// A line copied into simdjson's padded buffer, and the On-Demand parser over it.
class JsonInput {
 public:
  // Copies `line` and starts a document over it. Invalid UTF-8, which simdjson rejects as a
  // whole, is repaired first (each bad byte becomes U+FFFD): Loki reads such lines, and the
  // strings that held the bytes come out as "" either way.
  error_code Open(std::string_view line, ondemand::document* doc) {
    Load(line);
    error_code error = parser_.iterate(buffer_.get(), length_, capacity_).get(*doc);
    if (error != simdjson::UTF8_ERROR) return error;
    repaired_.clear();
    for (size_t i = 0; i < line.size();) {
      uint32_t rune;
      const int width = DecodeRune(line, i, &rune);
      if (rune == kRuneError && width == 1) {
        repaired_ += "\xEF\xBF\xBD";
      } else {
        repaired_.append(line.substr(i, width));
      }
      i += width;
    }
    Load(repaired_);
    return parser_.iterate(buffer_.get(), length_, capacity_).get(*doc);
  }

  // Starts *doc again over the input already loaded: after an error simdjson may have given up
  // on the document (it is no longer "alive" and cannot be rewound).
  bool Restart(ondemand::document* doc) {
    return !parser_.iterate(buffer_.get(), length_, capacity_).get(*doc);
  }

  // After the root object or array was reported incomplete: when that is because text follows
  // it (Loki ignores such text), restarts *doc over the root value alone. False otherwise.
  bool ReopenFirstValue(ondemand::document* doc) {
    const size_t end = EndOfFirstValue(std::string_view(buffer_.get(), length_));
    if (end == 0 || end == length_) return false;
    length_ = end;
    std::memset(buffer_.get() + length_, ' ', simdjson::SIMDJSON_PADDING);
    return !parser_.iterate(buffer_.get(), length_, capacity_).get(*doc);
  }

 private:
  void Load(std::string_view text) {
    const size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
    if (needed > capacity_) {
      capacity_ = std::max(needed, capacity_ * 2);
      buffer_ = std::make_unique<char[]>(capacity_);
    }
    std::memcpy(buffer_.get(), text.data(), text.size());
    std::memset(buffer_.get() + text.size(), ' ', simdjson::SIMDJSON_PADDING);
    length_ = text.size();
  }

  ondemand::parser parser_;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t length_ = 0;
  std::string repaired_;
};

namespace {

// A string value as Loki reads it: unescaped, "" when that fails or gives U+FFFD.
std::string_view StringValue(ondemand::value& value) {
  std::string_view text;
  if (value.get_string().get(text)) return {};
  if (HasRuneError(text)) return {};
  return text;
}

// ---- | json ----

class FlattenWalker {
 public:
  FlattenWalker(std::string* prefix, std::string* name, EmittedNames* emitted, FieldSink* sink)
      : prefix_(prefix), name_(name), emitted_(emitted), sink_(sink) {}

  error_code Object(ondemand::object& object) {
    for (auto field_result : object) {
      ondemand::field field;
      if (error_code error = std::move(field_result).get(field)) return error;
      std::string_view key;
      if (error_code error = field.unescaped_key().get(key)) return error;
      ondemand::value value = field.value();
      ondemand::json_type type;
      if (error_code error = value.type().get(type)) return error;
      switch (type) {
        case ondemand::json_type::object: {
          const size_t mark = prefix_->size();
          if (mark != 0) prefix_->push_back('_');
          AppendSanitizedKey(key, /*digit_prefix=*/mark == 0, prefix_);
          ondemand::object child;
          error_code error = value.get_object().get(child);
          if (!error) error = Object(child);
          prefix_->resize(mark);
          if (error) return error;
          break;
        }
        case ondemand::json_type::array:
          break;  // skipped, as in Loki
        case ondemand::json_type::null: {
          bool is_null = false;
          if (value.is_null().get(is_null) || !is_null) return simdjson::N_ATOM_ERROR;
          break;
        }
        case ondemand::json_type::string:
          Emit(key, StringValue(value));
          break;
        case ondemand::json_type::number:
          Emit(key, TrimTrailingJsonSpace(value.raw_json_token()));
          break;
        case ondemand::json_type::boolean: {
          bool flag = false;
          if (value.get_bool().get(flag)) return simdjson::T_ATOM_ERROR;
          Emit(key, flag ? "true" : "false");
          break;
        }
      }
    }
    return simdjson::SUCCESS;
  }

 private:
  void Emit(std::string_view key, std::string_view value) {
    std::string_view name;
    if (prefix_->empty()) {
      name = SanitizedLabelName(key, name_);
    } else {
      name_->assign(*prefix_);
      name_->push_back('_');
      AppendSanitizedKey(key, /*digit_prefix=*/false, name_);
      name = *name_;
    }
    if (name.empty()) return;
    if (emitted_->Insert(name)) sink_->Add(name, value);
  }

  std::string* prefix_;
  std::string* name_;
  EmittedNames* emitted_;
  FieldSink* sink_;
};

// ---- | json label="path" ----

enum class Lookup { kFound, kMissing, kError };

// One step down from `node` (the document or a value) along `step`.
template <typename Node>
Lookup Descend(Node& node, const JsonExpressionParser::Step& step, ondemand::value* child,
               error_code* error) {
  ondemand::json_type type;
  if ((*error = node.type().get(type))) return Lookup::kError;
  if (step.is_index) {
    if (type != ondemand::json_type::array) return Lookup::kMissing;
    ondemand::array array;
    if ((*error = node.get_array().get(array))) return Lookup::kError;
    size_t index = 0;
    for (auto element : array) {
      if ((*error = element.error())) return Lookup::kError;
      if (index++ == step.index) {
        *error = std::move(element).get(*child);
        return *error ? Lookup::kError : Lookup::kFound;
      }
    }
    return Lookup::kMissing;
  }
  if (type != ondemand::json_type::object) return Lookup::kMissing;
  ondemand::object object;
  if ((*error = node.get_object().get(object))) return Lookup::kError;
  for (auto field_result : object) {
    ondemand::field field;
    if ((*error = std::move(field_result).get(field))) return Lookup::kError;
    std::string_view key;
    if ((*error = field.unescaped_key().get(key))) return Lookup::kError;
    if (key == step.key) {
      *child = field.value();
      return Lookup::kFound;
    }
  }
  return Lookup::kMissing;
}

// The text Loki gives a value found by a path.
error_code ValueText(ondemand::value& value, std::string_view* text) {
  ondemand::json_type type;
  if (error_code error = value.type().get(type)) return error;
  switch (type) {
    case ondemand::json_type::string:
      *text = StringValue(value);
      return simdjson::SUCCESS;
    case ondemand::json_type::number:
      *text = TrimTrailingJsonSpace(value.raw_json_token());
      return simdjson::SUCCESS;
    case ondemand::json_type::boolean: {
      bool flag = false;
      if (value.get_bool().get(flag)) return simdjson::T_ATOM_ERROR;
      *text = flag ? "true" : "false";
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::null: {
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) return simdjson::N_ATOM_ERROR;
      *text = {};
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::object: {
      ondemand::object object;
      if (error_code error = value.get_object().get(object)) return error;
      if (error_code error = object.raw_json().get(*text)) return error;
      *text = TrimTrailingJsonSpace(*text);
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::array: {
      ondemand::array array;
      if (error_code error = value.get_array().get(array)) return error;
      if (error_code error = array.raw_json().get(*text)) return error;
      *text = TrimTrailingJsonSpace(*text);
      return simdjson::SUCCESS;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

// ---- path expressions: Loki's grammar (field, .field, [index], ["key"]) ----

enum class PathToken { kEnd, kDot, kLeftBracket, kRightBracket, kString, kField, kIndex, kBad };

const char* PathTokenName(PathToken token) {
  switch (token) {
    case PathToken::kEnd:
    case PathToken::kBad:
      return "$end";
    case PathToken::kDot:
      return "DOT";
    case PathToken::kLeftBracket:
      return "LSB";
    case PathToken::kRightBracket:
      return "RSB";
    case PathToken::kString:
      return "STRING";
    case PathToken::kField:
      return "FIELD";
    case PathToken::kIndex:
      return "INDEX";
  }
  return "$end";
}

class PathLexer {
 public:
  explicit PathLexer(std::string_view text) : text_(text) {}

  // The next token; its text in text(). kBad: a character no token starts with (the grammar
  // sees the end of input), message in bad().
  PathToken Next() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\0') break;
      if (c == ' ' || c == '\t' || c == '\n') {
        ++pos_;
        continue;
      }
      if (c >= '0' && c <= '9') return LexIndex();
      if (c == '[') return Single(PathToken::kLeftBracket);
      if (c == ']') return Single(PathToken::kRightBracket);
      if (c == '.') return Single(PathToken::kDot);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
        const size_t start = pos_;
        while (pos_ < text_.size() && IsFieldChar(text_[pos_])) ++pos_;
        token_text_ = text_.substr(start, pos_ - start);
        return PathToken::kField;
      }
      if (c == '"') {
        const size_t start = ++pos_;
        while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != ']' &&
               text_[pos_] != '\0') {
          ++pos_;
        }
        token_text_ = text_.substr(start, pos_ - start);
        if (pos_ < text_.size() && text_[pos_] != '\0') ++pos_;
        return PathToken::kString;
      }
      uint32_t rune;
      const int width = DecodeRune(text_, pos_, &rune);
      bad_ = "unexpected char ";
      if (rune == kRuneError) {
        bad_ += "\xEF\xBF\xBD";
      } else {
        bad_.append(text_.substr(pos_, width));
      }
      pos_ = text_.size();
      return PathToken::kBad;
    }
    pos_ = text_.size();
    return PathToken::kEnd;
  }

  std::string_view token_text() const { return token_text_; }
  size_t index() const { return index_; }
  const std::string& bad() const { return bad_; }

 private:
  static bool IsFieldChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  PathToken Single(PathToken token) {
    ++pos_;
    return token;
  }

  // Digits up to white space, '.' or ']'; anything else (or a fraction) fails, which the
  // grammar then reports as an unexpected end.
  PathToken LexIndex() {
    size_t value = 0;
    bool overflow = false;
    while (true) {
      const char c = pos_ < text_.size() ? text_[pos_] : '\0';
      if (c >= '0' && c <= '9') {
        if (value > (SIZE_MAX - 9) / 10) overflow = true;
        value = value * 10 + static_cast<size_t>(c - '0');
        ++pos_;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == ']') break;
      pos_ = text_.size();
      return PathToken::kEnd;  // "cannot use float as array index" / "non-integer value"
    }
    if (overflow) {
      pos_ = text_.size();
      return PathToken::kEnd;
    }
    index_ = value;
    return PathToken::kIndex;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string_view token_text_;
  size_t index_ = 0;
  std::string bad_;
};

Status UnexpectedPathToken(PathToken token, const char* expecting) {
  return Status::InvalidArgument(std::string("syntax error: unexpected ") + PathTokenName(token) +
                                 ", expecting " + expecting);
}

}  // namespace

Result<std::vector<JsonExpressionParser::Step>> ParseJsonPath(std::string_view expression) {
  std::vector<JsonExpressionParser::Step> steps;
  PathLexer lexer(expression);
  PathToken token = lexer.Next();
  // The first element: a field or a bracket access.
  while (true) {
    if (token == PathToken::kField && steps.empty()) {
      steps.push_back({false, 0, std::string(lexer.token_text())});
    } else if (token == PathToken::kLeftBracket) {
      token = lexer.Next();
      JsonExpressionParser::Step step;
      if (token == PathToken::kString) {
        step.key = std::string(lexer.token_text());
      } else if (token == PathToken::kIndex) {
        step.is_index = true;
        step.index = lexer.index();
      } else {
        return UnexpectedPathToken(token, "STRING or INDEX");
      }
      token = lexer.Next();
      if (token != PathToken::kRightBracket) return UnexpectedPathToken(token, "RSB");
      steps.push_back(std::move(step));
    } else if (token == PathToken::kDot && !steps.empty()) {
      token = lexer.Next();
      if (token != PathToken::kField) return UnexpectedPathToken(token, "FIELD");
      steps.push_back({false, 0, std::string(lexer.token_text())});
    } else if (steps.empty()) {
      return UnexpectedPathToken(token, "FIELD or LSB");
    } else if (token == PathToken::kEnd) {
      return steps;
    } else if (token == PathToken::kBad) {
      return Status::InvalidArgument(lexer.bad());  // the grammar accepted what came before
    } else {
      return UnexpectedPathToken(token, "$end or DOT or LSB");
    }
    token = lexer.Next();
  }
}

// ---- JsonParser ----

JsonParser::JsonParser() : input_(std::make_unique<JsonInput>()) {}
JsonParser::~JsonParser() = default;
JsonParser::JsonParser(JsonParser&&) noexcept = default;
JsonParser& JsonParser::operator=(JsonParser&&) noexcept = default;

Status JsonParser::Parse(std::string_view line, FieldSink& sink) {
  emitted_.Clear();
  prefix_.clear();
  ondemand::document doc;
  if (error_code error = input_->Open(line, &doc)) return JsonError(error);
  ondemand::object root;
  error_code error = doc.get_object().get(root);
  if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT && input_->ReopenFirstValue(&doc)) {
    error = doc.get_object().get(root);
  }
  if (error) return JsonError(error);
  FlattenWalker walker(&prefix_, &name_, &emitted_, &sink);
  if (error_code walk_error = walker.Object(root)) return JsonError(walk_error);
  return Status::Ok();
}

// ---- JsonExpressionParser ----

JsonExpressionParser::JsonExpressionParser() : input_(std::make_unique<JsonInput>()) {}
JsonExpressionParser::~JsonExpressionParser() = default;
JsonExpressionParser::JsonExpressionParser(JsonExpressionParser&&) noexcept = default;
JsonExpressionParser& JsonExpressionParser::operator=(JsonExpressionParser&&) noexcept = default;

Result<JsonExpressionParser> JsonExpressionParser::Compile(std::vector<LabelExtraction> params) {
  JsonExpressionParser parser;
  for (LabelExtraction& param : params) {
    Result<std::vector<Step>> steps = ParseJsonPath(param.expression);
    if (!steps.ok()) {
      return Status::InvalidArgument("cannot parse expression [" + param.expression +
                                     "]: " + steps.status().message());
    }
    if (!IsValidLabelName(param.label)) {
      return Status::InvalidArgument("invalid extracted label name '" + param.label + "'");
    }
    parser.paths_.push_back({std::move(param.label), std::move(*steps)});
  }
  return parser;
}

Status JsonExpressionParser::Parse(std::string_view line, FieldSink& sink) {
  emitted_.Clear();
  if (line.empty()) return Status::Ok();
  if (line[0] != '{' && line[0] != '[' && line[0] != '"') {
    return Status(StatusCode::kInvalidArgument, "");  // Loki gives no details here
  }
  ondemand::document doc;
  error_code first_error = input_->Open(line, &doc);
  bool reopened = false;
  const bool opened = !first_error;
  for (size_t p = 0; opened && p < paths_.size(); ++p) {
    const Path& path = paths_[p];
    ondemand::value current;
    error_code error = simdjson::SUCCESS;
    if (doc.is_alive()) {
      doc.rewind();
    } else if (!input_->Restart(&doc)) {
      break;
    }
    Lookup lookup = Descend(doc, path.steps[0], &current, &error);
    if (lookup == Lookup::kError && error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT && !reopened) {
      // Text after the root value (Loki ignores it): read the root value alone from now on.
      reopened = true;
      if (input_->ReopenFirstValue(&doc)) lookup = Descend(doc, path.steps[0], &current, &error);
    }
    for (size_t s = 1; s < path.steps.size() && lookup == Lookup::kFound; ++s) {
      ondemand::value child;
      lookup = Descend(current, path.steps[s], &child, &error);
      current = child;
    }
    std::string_view text;
    if (lookup == Lookup::kFound && (error = ValueText(current, &text))) lookup = Lookup::kError;
    if (lookup == Lookup::kError) {
      // Loki marks the line and goes on with the other paths.
      if (!first_error) first_error = error;
      continue;
    }
    if (lookup == Lookup::kFound && emitted_.Insert(path.label)) sink.Add(path.label, text);
  }
  for (const Path& path : paths_) {
    if (emitted_.Insert(path.label)) sink.AddMissing(path.label);
  }
  if (first_error) return JsonError(first_error);
  return Status::Ok();
}

// ---- UnpackParser ----

UnpackParser::UnpackParser() : input_(std::make_unique<JsonInput>()) {}
UnpackParser::~UnpackParser() = default;
UnpackParser::UnpackParser(UnpackParser&&) noexcept = default;
UnpackParser& UnpackParser::operator=(UnpackParser&&) noexcept = default;

Status UnpackParser::Parse(std::string_view line, FieldSink& sink, std::string_view* line_out) {
  *line_out = line;
  emitted_.Clear();
  if (line.empty()) return Status::Ok();
  if (line[0] != '{') {
    return Status::InvalidArgument("expecting json object(6), but it is not");
  }
  ondemand::document doc;
  if (error_code error = input_->Open(line, &doc)) return JsonError(error);
  ondemand::object root;
  error_code error = doc.get_object().get(root);
  if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT && input_->ReopenFirstValue(&doc)) {
    error = doc.get_object().get(root);
  }
  if (error) return JsonError(error);

  names_.clear();
  values_.clear();
  bounds_.clear();
  bool packed = false;
  for (auto field_result : root) {
    ondemand::field field;
    if ((error = std::move(field_result).get(field))) return JsonError(error);
    std::string_view key;
    if ((error = field.unescaped_key().get(key))) return JsonError(error);
    ondemand::value value = field.value();
    ondemand::json_type type;
    if ((error = value.type().get(type))) return JsonError(error);
    if (type != ondemand::json_type::string) continue;
    if (key == "_entry") {
      std::string_view entry;
      if ((error = value.get_string().get(entry))) return JsonError(error);
      entry_.assign(entry);
      packed = true;
      continue;
    }
    SanitizeLabelName(key, &name_);
    const std::string_view text = StringValue(value);
    if (name_.empty()) continue;
    names_ += name_;
    values_ += text;
    bounds_.push_back(names_.size());
    bounds_.push_back(values_.size());
  }
  if (!packed) return Status::Ok();
  size_t name_start = 0;
  size_t value_start = 0;
  for (size_t i = 0; i < bounds_.size(); i += 2) {
    const std::string_view name(names_.data() + name_start, bounds_[i] - name_start);
    const std::string_view value(values_.data() + value_start, bounds_[i + 1] - value_start);
    if (emitted_.Insert(name)) sink.Add(name, value);
    name_start = bounds_[i];
    value_start = bounds_[i + 1];
  }
  *line_out = entry_;
  return Status::Ok();
}

}  // namespace otelite::logql
