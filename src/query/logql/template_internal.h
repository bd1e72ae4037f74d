// Internals of the text/template engine (template.h): the value model, the parse tree, the
// function table and the Go formatting helpers shared by template_*.cc. Not part of the API.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/go_text.h"
#include "core/status.h"
#include "query/logql/template.h"

namespace re2 {
class RE2;
}

namespace otelite::logql::template_internal {

// Go's time.Time: an instant plus the zone it is shown in.
struct GoTime {
  static constexpr int64_t kZeroUnixSeconds = -62135596800;  // 0001-01-01T00:00:00Z
  int64_t sec = kZeroUnixSeconds;                            // Unix seconds
  int32_t nsec = 0;                                          // [0, 1e9)
  int32_t offset = 0;                                        // seconds east of UTC
  char zone[15] = {'U', 'T', 'C'};                           // abbreviation, "" = none
  uint8_t zone_len = 3;

  std::string_view zone_name() const { return {zone, zone_len}; }
  void set_zone(std::string_view name);
  static GoTime FromUnixNanos(int64_t ns);
};

enum class Kind : uint8_t {
  kNil,     // Go's untyped nil / nil interface{}
  kBool,    // bool
  kInt,     // int (number constants, len, count, int)
  kInt64,   // int64 (Sprig's integer math)
  kFloat,   // float64
  kString,  // string
  kTime,    // time.Time
  kList,    // []interface{} (fromJson arrays)
  kMap,     // map[string]interface{} (fromJson objects)
  kLabels,  // map[string]string: the entry's labels (`.` at the top level)
};

struct Value;
using ValueList = std::vector<Value>;
using ValueMap = std::vector<std::pair<std::string, Value>>;  // sorted by key, unique

// A dynamic value. Strings are either borrowed (template literals, label values, the line:
// valid for the whole Execute) or owned (function results).
struct Value {
  Kind kind = Kind::kNil;
  bool owned = false;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;
  GoTime time;
  std::string_view view;
  std::string buffer;
  std::shared_ptr<const ValueList> list;
  std::shared_ptr<const ValueMap> map;
  const TemplateData* labels = nullptr;

  std::string_view str() const { return owned ? std::string_view(buffer) : view; }

  static Value Nil() { return Value(); }
  static Value Bool(bool b) {
    Value v;
    v.kind = Kind::kBool;
    v.boolean = b;
    return v;
  }
  static Value Int(int64_t i) {
    Value v;
    v.kind = Kind::kInt;
    v.integer = i;
    return v;
  }
  static Value Int64(int64_t i) {
    Value v;
    v.kind = Kind::kInt64;
    v.integer = i;
    return v;
  }
  static Value Float(double f) {
    Value v;
    v.kind = Kind::kFloat;
    v.number = f;
    return v;
  }
  static Value Borrowed(std::string_view s) {
    Value v;
    v.kind = Kind::kString;
    v.view = s;
    return v;
  }
  static Value Owned(std::string s) {
    Value v;
    v.kind = Kind::kString;
    v.owned = true;
    v.buffer = std::move(s);
    return v;
  }
  static Value Time(const GoTime& t) {
    Value v;
    v.kind = Kind::kTime;
    v.time = t;
    return v;
  }
  static Value Labels(const TemplateData* data) {
    Value v;
    v.kind = Kind::kLabels;
    v.labels = data;
    return v;
  }
};

bool IsIntKind(Kind k);
// Go's type name, as error messages print it ("string", "int64", "[]interface {}", …).
std::string_view TypeName(const Value& v);
// text/template's truth: false, 0, "", nil and empty lists and maps are false.
bool IsTrue(const Value& v);
// Sprig's empty(): IsTrue's opposite, except that a time is never empty.
bool IsEmpty(const Value& v);
// The labels of a kLabels value, sorted by name.
std::vector<std::pair<std::string_view, std::string_view>> SortedLabels(const Value& v);

// Conversions as Sprig's toInt64/toFloat64 (spf13/cast) make them: strings are parsed (base
// prefixes, "10.00" → 10), anything unparsable is 0, bools are 0/1.
int64_t CastToInt64(const Value& v);
double CastToFloat64(const Value& v);
// strconv.ParseInt(s, 0, 64) and strconv.ParseFloat(s, 64): false when s is not valid Go syntax
// or overflows (for floats, *out is then ±Inf on overflow as Go returns).
bool ParseGoInt(std::string_view s, int64_t* out);
bool ParseGoUint(std::string_view s, uint64_t* out);
bool ParseGoFloat(std::string_view s, double* out);
// Go's conversion int64(f): values out of range (and NaN) give INT64_MIN as on amd64.
int64_t FloatToInt64(double f);

// fmt's %v of a value (nil → "<nil>"), as fmt.Fprint prints one operand.
void AppendValue(const Value& v, std::string* out);
// fmt.Sprint, fmt.Sprintln and fmt.Sprintf over values.
void GoSprint(std::span<const Value> args, std::string* out);
void GoSprintln(std::span<const Value> args, std::string* out);
void GoSprintf(std::string_view format, std::span<const Value> args, std::string* out);
// strconv.Quote.
inline void AppendGoQuote(std::string_view s, bool ascii_only, std::string* out) {
  AppendGoQuoted(s, ascii_only, out);
}
// UTF-8 decoding as Go's utf8.DecodeRuneInString: invalid bytes are U+FFFD of width 1.
inline char32_t DecodeRune(std::string_view s, size_t* width) {
  *width = 1;
  if (s.empty()) return kRuneError;
  uint32_t rune = 0;
  *width = static_cast<size_t>(otelite::DecodeRune(s, 0, &rune));
  return rune;
}
inline void AppendRune(char32_t r, std::string* out) { otelite::AppendRune(r, out); }

// time.Time.Format, time.Time.String, time.ParseInLocation and time.ParseDuration.
void FormatGoTime(const GoTime& t, std::string_view layout, std::string* out);
void AppendTimeString(const GoTime& t, std::string* out);
// time.ParseInLocation: parses `value` with `layout`; a value without an offset is in the zone
// named `zone` (LoadZone's names; unknown names are UTC). False (and *error) when Go fails.
bool ParseGoTime(std::string_view layout, std::string_view value, std::string_view zone,
                 GoTime* out, std::string* error);
bool ParseGoDuration(std::string_view s, int64_t* ns, std::string* error);
// A zone by name: "UTC", "Local" (UTC here) or an IANA name read from /usr/share/zoneinfo;
// false when unknown. *zone gets the zone's offset and abbreviation at Unix time `at`.
bool LoadZone(std::string_view name, int64_t at, GoTime* zone);
// The same instant shown with `zone`'s offset and name.
GoTime InZone(const GoTime& t, std::string_view zone_name_for_lookup);

// ---- Functions ----

// kValue is text/template's reflect.Value parameter (its builtins): anything but a nil literal.
enum class ParamType : uint8_t { kString, kInt, kFloat, kBool, kTime, kAny, kValue };

struct CallContext {
  const TemplateData* data = nullptr;
  const re2::RE2* regex = nullptr;  // the first argument compiled at parse time, if a literal
};

// Implementations get their arguments already converted to the parameter types.
using FunctionImpl = Status (*)(const CallContext& ctx, std::span<Value> args, Value* result);

enum class Special : uint8_t { kNone, kAnd, kOr };

struct FunctionDef {
  std::string_view name;
  std::vector<ParamType> params;
  bool variadic = false;  // the last entry of params repeats
  FunctionImpl impl = nullptr;
  Special special = Special::kNone;
  bool regex_first = false;  // the first argument is a regular expression
};

// The parts of the function table, one per file: Go's builtins and string functions
// (template_functions.cc), numbers and JSON (template_functions_numeric.cc), dates and regular
// expressions (template_functions_time.cc).
void RegisterBuiltinFunctions(std::vector<FunctionDef>* table);
void RegisterStringFunctions(std::vector<FunctionDef>* table);
void RegisterNumericFunctions(std::vector<FunctionDef>* table);
void RegisterTimeFunctions(std::vector<FunctionDef>* table);
void RegisterRegexFunctions(std::vector<FunctionDef>* table);
// Go's runtime message for s[start:end] out of range.
std::string SliceBoundsError(int64_t start, int64_t end, size_t length, bool has_start,
                             bool has_end);

// The function table; nullptr when `name` is not a function.
const FunctionDef* FindFunction(std::string_view name);
// Go's type name of a parameter ("string", "int", …).
std::string_view ParamTypeName(ParamType t);

// ---- Parse tree ----

struct NumberConst {
  bool is_int = false;
  bool is_uint = false;
  bool is_float = false;
  bool float_syntax = false;  // written as a float (".eEpP", not hex int or char): float64
  int64_t int_value = 0;
  double float_value = 0;
};

struct Pipeline;

enum class ArgKind : uint8_t {
  kField,     // .a.b on dot
  kVariable,  // $x.a.b
  kDot,
  kNil,
  kBool,
  kNumber,
  kString,
  kFunction,  // an identifier
  kPipe,      // (pipeline), possibly followed by fields
};

struct Arg {
  ArgKind kind = ArgKind::kNil;
  uint32_t pos = 0;
  uint32_t end = 0;
  std::string name;                 // variable name ("$x")
  std::vector<std::string> fields;  // field chain
  bool boolean = false;
  NumberConst number;
  std::string text;  // decoded string literal
  const FunctionDef* func = nullptr;
  std::unique_ptr<Pipeline> pipe;
};

struct Command {
  std::vector<Arg> args;
  uint32_t pos = 0;
  uint32_t end = 0;
  std::shared_ptr<const re2::RE2> regex;  // precompiled literal regex argument
};

struct Pipeline {
  std::vector<std::string> decls;
  bool is_assign = false;
  std::vector<Command> cmds;
  uint32_t pos = 0;
  uint32_t end = 0;
};

enum class NodeKind : uint8_t { kText, kAction, kIf, kWith, kRange, kBreak, kContinue };

struct Node {
  NodeKind kind = NodeKind::kText;
  uint32_t pos = 0;
  std::string text;
  std::unique_ptr<Pipeline> pipe;
  std::vector<Node> list;
  std::vector<Node> else_list;
};

// A piece of a simple template: literal text, or a label's value.
struct Segment {
  bool is_label = false;
  std::string text;  // the text, or the label name
};

struct Program {
  std::string name;
  std::string source;
  std::vector<Node> root;
  std::vector<std::string> referenced_labels;
  bool reads_all_labels = false;
  bool reads_line = false;
  bool reads_timestamp = false;
  bool simple = false;
  std::vector<Segment> segments;  // when simple
};

// Parses `text` into *program (template_parser.cc).
Status ParseProgram(std::string_view text, std::string_view name, Program* program);

}  // namespace otelite::logql::template_internal
