// Internal to the OTLP/JSON decoder (json_decode*.cc): reads values of a simdjson DOM into
// protobuf fields by the rules in json_decode.h, and the messages every signal shares
// (AnyValue, KeyValue, Resource, InstrumentationScope).
//
// Errors: every Read* returns false after recording what was wrong. The JSON path is not tracked
// while decoding succeeds; Scope guards add their segment only while a failure unwinds through
// them, so the happy path pays nothing for good error messages. After a failure the reader is
// done: callers return false up to the top, where ToStatus() gives the message.
#pragma once

#include <absl/functional/function_ref.h>
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "opentelemetry/proto/common/v1/common.pb.h"
#include "opentelemetry/proto/resource/v1/resource.pb.h"

namespace otelite::otlp::json {

using Element = simdjson::dom::element;

// True if `key` is the lowerCamelCase or the snake_case name of a field.
inline bool Is(std::string_view key, std::string_view camel, std::string_view snake) {
  return key == camel || key == snake;
}

class JsonReader {
 public:
  JsonReader() = default;
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // One step of the JSON path (an object key or an array index) around the code that reads it.
  class Scope {
   public:
    Scope(JsonReader* reader, std::string_view key) : reader_(reader), key_(key) {}
    Scope(JsonReader* reader, size_t index) : reader_(reader), index_(index) {}
    ~Scope() {
      if (reader_->failed_) reader_->AddSegment(key_, index_);
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    JsonReader* reader_;
    std::string_view key_;
    size_t index_ = kNoIndex;
  };

  // Records `what` as the failure of the value being read. Always returns false.
  bool Fail(std::string what);
  // Fails with "expected <expected>, got <the value><note>".
  bool Expected(std::string_view expected, Element got, std::string_view note = {});
  // kInvalidArgument "<path>: <what>" (just <what> when the failure is at the top level).
  Status ToStatus() const;

  // Calls fn(key, value) -> bool for each member of the object `json` whose value is not null,
  // within a Scope for the key; stops at the first false.
  template <typename Fn>
  bool ForEachField(Element json, Fn&& fn);
  // Appends each element of the array `json` to *out via decode(element, T*) -> bool.
  template <typename T, typename Fn>
  bool ReadMessages(Element json, google::protobuf::RepeatedPtrField<T>* out, Fn&& decode);
  // Appends each element of the array `json` to *out via read(element, T*) -> bool.
  template <typename T, typename Fn>
  bool ReadScalars(Element json, google::protobuf::RepeatedField<T>* out, Fn&& read);

  // Scalars. 64-bit integers: JSON integer or decimal string. 32-bit: the same, range-checked.
  // Doubles: JSON number, numeric string, "NaN", "Infinity", "-Infinity".
  bool ReadUint64(Element json, uint64_t* out);
  bool ReadInt64(Element json, int64_t* out);
  bool ReadUint32(Element json, uint32_t* out);
  bool ReadInt32(Element json, int32_t* out);
  bool ReadDouble(Element json, double* out);
  bool ReadBool(Element json, bool* out);
  bool ReadString(Element json, std::string* out);
  // A trace id (bytes = 16) or span id (bytes = 8) in hex, any case; "" leaves *out empty.
  bool ReadHexId(Element json, size_t bytes, std::string* out);
  // Standard or URL-safe base64, padding optional.
  bool ReadBase64(Element json, std::string* out);
  // An enum as an integer (any int32: proto3 enums are open) or by name via
  // parse(const std::string&, E*) -> bool, the generated <Enum>_Parse.
  template <typename E, typename Parse>
  bool ReadEnum(Element json, std::string_view enum_name, Parse parse, E* out);

  // Reads a scalar with one of the Read* functions above and hands it to set(value).
  template <typename T, typename Setter>
  bool Set(Element json, bool (JsonReader::*read)(Element, T*), Setter&& set) {
    T value{};
    if (!(this->*read)(json, &value)) return false;
    set(value);
    return true;
  }

  // Messages shared by all signals.
  bool ReadAnyValue(Element json, opentelemetry::proto::common::v1::AnyValue* out);
  bool ReadKeyValue(Element json, opentelemetry::proto::common::v1::KeyValue* out);
  bool ReadAttributes(
      Element json,
      google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>* out);
  bool ReadResource(Element json, opentelemetry::proto::resource::v1::Resource* out);
  bool ReadScope(Element json, opentelemetry::proto::common::v1::InstrumentationScope* out);

 private:
  static constexpr size_t kNoIndex = static_cast<size_t>(-1);

  struct Segment {
    std::string_view key;
    size_t index;
  };

  void AddSegment(std::string_view key, size_t index) { path_.push_back({key, index}); }
  bool FailUnknownEnumName(std::string_view enum_name, Element got);

  bool failed_ = false;
  std::string what_;
  std::vector<Segment> path_;  // innermost first; filled while a failure unwinds
  int any_value_depth_ = 0;
};

template <typename Fn>
bool JsonReader::ForEachField(Element json, Fn&& fn) {
  simdjson::dom::object object;
  if (json.get(object) != simdjson::SUCCESS) return Expected("an object", json);
  for (simdjson::dom::key_value_pair field : object) {
    if (field.value.is_null()) continue;  // null = absent
    Scope scope(this, field.key);
    if (!fn(field.key, field.value)) return false;
  }
  return true;
}

template <typename T, typename Fn>
bool JsonReader::ReadMessages(Element json, google::protobuf::RepeatedPtrField<T>* out,
                              Fn&& decode) {
  simdjson::dom::array array;
  if (json.get(array) != simdjson::SUCCESS) return Expected("an array", json);
  // size() is exact below 2^24 elements and saturates above: fine for a reservation.
  out->Reserve(out->size() + static_cast<int>(array.size()));
  size_t index = 0;
  for (Element item : array) {
    Scope scope(this, index++);
    if (!decode(item, out->Add())) return false;
  }
  return true;
}

template <typename T, typename Fn>
bool JsonReader::ReadScalars(Element json, google::protobuf::RepeatedField<T>* out, Fn&& read) {
  simdjson::dom::array array;
  if (json.get(array) != simdjson::SUCCESS) return Expected("an array", json);
  out->Reserve(out->size() + static_cast<int>(array.size()));
  size_t index = 0;
  for (Element item : array) {
    Scope scope(this, index++);
    T value{};
    if (!read(item, &value)) return false;
    out->Add(value);
  }
  return true;
}

template <typename E, typename Parse>
bool JsonReader::ReadEnum(Element json, std::string_view enum_name, Parse parse, E* out) {
  std::string_view name;
  if (json.get(name) == simdjson::SUCCESS && !name.empty() && !(name[0] >= '0' && name[0] <= '9') &&
      name[0] != '-') {
    E value{};
    if (!parse(std::string(name), &value)) return FailUnknownEnumName(enum_name, json);
    *out = value;
    return true;
  }
  int32_t number = 0;
  if (!ReadInt32(json, &number)) return false;
  *out = static_cast<E>(number);  // generated enums span all of int32
  return true;
}

// Parses `body` and, when it is a JSON object, runs decode_root(reader, root). The Status names
// the parse error (with its location when known) or the failure decode_root recorded.
// `message_name` (e.g. "ExportLogsServiceRequest") is for the wrong-top-level-type message.
Status DecodeDocument(std::string_view body, std::string_view message_name,
                      absl::FunctionRef<bool(JsonReader&, Element)> decode_root);

}  // namespace otelite::otlp::json
