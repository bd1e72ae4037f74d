// `| json`, `| json a="x.y", b="arr[0]", c="x[\"key.with.dots\"]"` and `| unpack`: JSON lines
// as labels, read with simdjson's On-Demand API.
//
// `| json` (JsonParser): every field of the root object. Nested objects are flattened, their
// keys joined with '_' (each key sanitised as in field_sink.h; only the first segment gets '_'
// before a leading digit); strings are unescaped (an invalid escape, invalid UTF-8 or U+FFFD
// gives ""), numbers keep their text as written ("1.50", "1e3"), booleans are "true"/"false";
// null and arrays are skipped. A line that is not a JSON object, or is malformed, makes Parse
// return an error whose message reads like Loki's __error_details__ ("Value looks like object,
// but can't find closing '}' symbol"); the fields before the fault have been emitted.
// As in Loki, text after the root object is ignored ({"a":1} trailing -> a="1").
//
// `| json label="path", ...` (JsonExpressionParser): only the given paths, compiled once. A
// path is a field (`a`, [A-Za-z_][A-Za-z0-9_]*), then any of `.field`, `[index]` and
// `["key"]` (the key runs to the next '"' or ']', without escapes): `servers[0]`,
// `request.headers["User-Agent"]`, `[0].name`. The value is the string unescaped, a number or
// boolean as written, "" for null, and the raw JSON text for an object or array. A path absent
// from the line goes to FieldSink::AddMissing. An empty line gives nothing; a line that does not
// start with '{', '[' or '"' is an error with an empty message (Loki sets no details then).
//
// `| unpack` (UnpackParser): a root object written by Promtail's pack stage. Its string fields
// become labels (keys sanitised) and the `_entry` field replaces the line; other value types are
// skipped. As in Loki, the labels are only emitted when `_entry` is present.
//
// Thread-safety: each object owns a simdjson parser and scratch buffers, reused across lines:
// one object per thread. Views handed to the sink are valid during the Add call only.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "query/logql/field_sink.h"

namespace otelite::logql {

// The padded copy of a line that simdjson reads, and the parser reading it (json_parser.cc).
class JsonInput;

class JsonParser {
 public:
  JsonParser();
  ~JsonParser();
  JsonParser(JsonParser&&) noexcept;
  JsonParser& operator=(JsonParser&&) noexcept;

  Status Parse(std::string_view line, FieldSink& sink);

 private:
  std::unique_ptr<JsonInput> input_;
  std::string prefix_;  // scratch: the flattened name of the object being read
  std::string name_;    // scratch: the field's label name
  EmittedNames emitted_;
};

class JsonExpressionParser {
 public:
  // Errors as Loki words them: "cannot parse expression [user[]: syntax error: ...",
  // "invalid extracted label name 'a-b'".
  static Result<JsonExpressionParser> Compile(std::vector<LabelExtraction> params);

  ~JsonExpressionParser();
  JsonExpressionParser(JsonExpressionParser&&) noexcept;
  JsonExpressionParser& operator=(JsonExpressionParser&&) noexcept;

  Status Parse(std::string_view line, FieldSink& sink);

  struct Step {
    bool is_index = false;
    size_t index = 0;
    std::string key;
  };

 private:
  JsonExpressionParser();

  struct Path {
    std::string label;
    std::vector<Step> steps;
  };

  std::unique_ptr<JsonInput> input_;
  std::vector<Path> paths_;
  EmittedNames emitted_;
};

// Parses one path expression of `| json label="path"` (exposed for tests).
Result<std::vector<JsonExpressionParser::Step>> ParseJsonPath(std::string_view expression);

class UnpackParser {
 public:
  UnpackParser();
  ~UnpackParser();
  UnpackParser(UnpackParser&&) noexcept;
  UnpackParser& operator=(UnpackParser&&) noexcept;

  // Emits the packed labels and sets *line_out to the line that follows: the `_entry` value
  // (valid until the next Parse) or `line` itself. On error (not a JSON object: "expecting json
  // object(6), but it is not", or malformed) nothing is emitted and *line_out is `line`.
  Status Parse(std::string_view line, FieldSink& sink, std::string_view* line_out);

 private:
  std::unique_ptr<JsonInput> input_;
  std::string entry_;  // the unpacked line
  std::string names_;  // scratch: the labels, emitted once `_entry` is seen
  std::string values_;
  std::vector<size_t> bounds_;  // per label: end of its name in names_, end of value in values_
  std::string name_;
  EmittedNames emitted_;
};

}  // namespace otelite::logql
