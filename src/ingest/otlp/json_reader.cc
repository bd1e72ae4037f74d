#include "ingest/otlp/json_reader.h"

#include <absl/strings/escaping.h>
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "ingest/otlp/json_decode.h"

namespace otelite::otlp::json {
namespace {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::InstrumentationScope;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::resource::v1::Resource;
using simdjson::dom::element_type;

constexpr size_t kMaxQuotedBytes = 64;

// Shortens `s` to at most max_bytes without splitting a UTF-8 sequence; true if it did.
bool Shorten(std::string_view* s, size_t max_bytes) {
  if (s->size() <= max_bytes) return false;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>((*s)[end]) & 0xC0) == 0x80) --end;
  *s = s->substr(0, end);
  return true;
}

// The offending value as it should appear in a message: strings quoted and shortened, numbers
// and literals as JSON, containers by kind.
std::string Describe(Element value) {
  switch (value.type()) {
    case element_type::OBJECT:
      return "an object";
    case element_type::ARRAY:
      return "an array";
    case element_type::STRING: {
      std::string_view s = value.get_string().value_unsafe();
      bool shortened = Shorten(&s, kMaxQuotedBytes);
      return fmt::format("\"{}{}\"",
                         absl::Utf8SafeCHexEscape(absl::string_view(s.data(), s.size())),
                         shortened ? "..." : "");
    }
    case element_type::INT64:
      return std::to_string(value.get_int64().value_unsafe());
    case element_type::UINT64:
      return std::to_string(value.get_uint64().value_unsafe());
    case element_type::DOUBLE:
      return fmt::format("{}", value.get_double().value_unsafe());
    case element_type::BOOL:
      return value.get_bool().value_unsafe() ? "true" : "false";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "an unknown value";
}

// Whole-string decimal integer (an optional '-' for signed types, no '+', no spaces).
template <typename T>
std::errc ParseDecimal(std::string_view text, T* out) {
  if (text.empty()) return std::errc::invalid_argument;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, 10);
  if (end != text.data() + text.size()) return std::errc::invalid_argument;  // "12x", "-", ...
  return ec;
}

constexpr std::array<int8_t, 256> MakeHexTable() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) table[c] = static_cast<int8_t>(c - 'A' + 10);
  return table;
}
constexpr std::array<int8_t, 256> kHexValue = MakeHexTable();

}  // namespace

bool JsonReader::Fail(std::string what) {
  failed_ = true;
  what_ = std::move(what);
  return false;
}

bool JsonReader::Expected(std::string_view expected, Element got, std::string_view note) {
  return Fail(fmt::format("expected {}, got {}{}", expected, Describe(got), note));
}

bool JsonReader::FailUnknownEnumName(std::string_view enum_name, Element got) {
  return Fail(fmt::format("expected a {} number or name, got {}", enum_name, Describe(got)));
}

Status JsonReader::ToStatus() const {
  if (!failed_) return Status::Ok();
  std::string message;
  for (auto it = path_.rbegin(); it != path_.rend(); ++it) {
    if (it->index != kNoIndex) {
      fmt::format_to(std::back_inserter(message), "[{}]", it->index);
    } else {
      if (!message.empty()) message += '.';
      message += it->key;  // always one of the field names matched, never arbitrary input
    }
  }
  if (!message.empty()) message += ": ";
  message += what_;
  return Status::InvalidArgument(std::move(message));
}

bool JsonReader::ReadUint64(Element json, uint64_t* out) {
  switch (json.type()) {
    case element_type::UINT64:
      *out = json.get_uint64().value_unsafe();
      return true;
    case element_type::INT64: {
      int64_t value = json.get_int64().value_unsafe();
      if (value < 0) break;
      *out = static_cast<uint64_t>(value);
      return true;
    }
    case element_type::STRING: {
      std::errc ec = ParseDecimal(json.get_string().value_unsafe(), out);
      if (ec == std::errc()) return true;
      if (ec == std::errc::result_out_of_range) {
        return Expected("an unsigned integer", json, " (out of 64-bit range)");
      }
      break;
    }
    default:
      break;
  }
  return Expected("an unsigned integer", json);
}

bool JsonReader::ReadInt64(Element json, int64_t* out) {
  switch (json.type()) {
    case element_type::INT64:
      *out = json.get_int64().value_unsafe();
      return true;
    case element_type::UINT64:
      return Expected("an integer", json, " (out of 64-bit range)");
    case element_type::STRING: {
      std::errc ec = ParseDecimal(json.get_string().value_unsafe(), out);
      if (ec == std::errc()) return true;
      if (ec == std::errc::result_out_of_range) {
        return Expected("an integer", json, " (out of 64-bit range)");
      }
      break;
    }
    default:
      break;
  }
  return Expected("an integer", json);
}

bool JsonReader::ReadUint32(Element json, uint32_t* out) {
  uint64_t value = 0;
  if (!ReadUint64(json, &value)) return false;
  if (value > std::numeric_limits<uint32_t>::max()) {
    return Expected("an unsigned integer", json, " (out of 32-bit range)");
  }
  *out = static_cast<uint32_t>(value);
  return true;
}

bool JsonReader::ReadInt32(Element json, int32_t* out) {
  int64_t value = 0;
  if (!ReadInt64(json, &value)) return false;
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    return Expected("an integer", json, " (out of 32-bit range)");
  }
  *out = static_cast<int32_t>(value);
  return true;
}

bool JsonReader::ReadDouble(Element json, double* out) {
  switch (json.type()) {
    case element_type::DOUBLE:
      *out = json.get_double().value_unsafe();
      return true;
    case element_type::INT64:
      *out = static_cast<double>(json.get_int64().value_unsafe());
      return true;
    case element_type::UINT64:
      *out = static_cast<double>(json.get_uint64().value_unsafe());
      return true;
    case element_type::STRING: {
      std::string_view text = json.get_string().value_unsafe();
      if (text == "NaN") {
        *out = std::numeric_limits<double>::quiet_NaN();
        return true;
      }
      if (text == "Infinity" || text == "-Infinity") {
        *out = text[0] == '-' ? -std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::infinity();
        return true;
      }
      // The proto3 JSON mapping also allows a number in a string.
      double value = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, value);
      if (!text.empty() && ec == std::errc() && ptr == end && std::isfinite(value)) {
        *out = value;
        return true;
      }
      break;
    }
    default:
      break;
  }
  return Expected("a number (or \"NaN\", \"Infinity\", \"-Infinity\")", json);
}

bool JsonReader::ReadBool(Element json, bool* out) {
  if (json.get(*out) == simdjson::SUCCESS) return true;
  return Expected("true or false", json);
}

bool JsonReader::ReadString(Element json, std::string* out) {
  std::string_view text;
  if (json.get(text) != simdjson::SUCCESS) return Expected("a string", json);
  out->assign(text.data(), text.size());
  return true;
}

bool JsonReader::ReadHexId(Element json, size_t bytes, std::string* out) {
  std::string_view hex;
  if (json.get(hex) != simdjson::SUCCESS) return Expected("a hex string", json);
  if (hex.empty()) {
    out->clear();
    return true;
  }
  if (hex.size() != 2 * bytes) {
    return Expected(fmt::format("{} hex digits", 2 * bytes), json,
                    fmt::format(" ({} characters)", hex.size()));
  }
  out->resize(bytes);
  for (size_t i = 0; i < bytes; ++i) {
    int high = kHexValue[static_cast<unsigned char>(hex[2 * i])];
    int low = kHexValue[static_cast<unsigned char>(hex[2 * i + 1])];
    if (high < 0 || low < 0) return Expected("a hex string", json);
    (*out)[i] = static_cast<char>((high << 4) | low);
  }
  return true;
}

bool JsonReader::ReadBase64(Element json, std::string* out) {
  std::string_view text;
  if (json.get(text) != simdjson::SUCCESS) return Expected("a base64 string", json);
  absl::string_view base64(text.data(), text.size());  // absl's own type in Debian's build
  if (absl::Base64Unescape(base64, out) || absl::WebSafeBase64Unescape(base64, out)) return true;
  return Expected("a base64 string", json);
}

bool JsonReader::ReadAnyValue(Element json, AnyValue* out) {
  if (any_value_depth_ >= kMaxAnyValueDepth) {
    return Fail(fmt::format("AnyValue nested deeper than {} levels", kMaxAnyValueDepth));
  }
  ++any_value_depth_;
  // AnyValue is a oneof: a second kind in the same object is an error, not "last one wins".
  auto one_kind = [&] {
    return out->value_case() == AnyValue::VALUE_NOT_SET ||
           Fail(
               "an AnyValue holds exactly one of stringValue, boolValue, intValue, doubleValue, "
               "arrayValue, kvlistValue, bytesValue; this is the second");
  };
  bool ok = ForEachField(json, [&](std::string_view key, Element value) {
    if (Is(key, "stringValue", "string_value")) {
      return one_kind() && ReadString(value, out->mutable_string_value());
    }
    if (Is(key, "intValue", "int_value")) {
      return one_kind() &&
             Set(value, &JsonReader::ReadInt64, [&](int64_t v) { out->set_int_value(v); });
    }
    if (Is(key, "doubleValue", "double_value")) {
      return one_kind() &&
             Set(value, &JsonReader::ReadDouble, [&](double v) { out->set_double_value(v); });
    }
    if (Is(key, "boolValue", "bool_value")) {
      return one_kind() &&
             Set(value, &JsonReader::ReadBool, [&](bool v) { out->set_bool_value(v); });
    }
    if (Is(key, "arrayValue", "array_value")) {
      if (!one_kind()) return false;
      auto* array = out->mutable_array_value();
      return ForEachField(value, [&](std::string_view array_key, Element values) {
        if (array_key != "values") return true;
        return ReadMessages(values, array->mutable_values(),
                            [&](Element item, AnyValue* v) { return ReadAnyValue(item, v); });
      });
    }
    if (Is(key, "kvlistValue", "kvlist_value")) {
      if (!one_kind()) return false;
      auto* kvlist = out->mutable_kvlist_value();
      return ForEachField(value, [&](std::string_view list_key, Element values) {
        if (list_key != "values") return true;
        return ReadMessages(values, kvlist->mutable_values(),
                            [&](Element item, KeyValue* kv) { return ReadKeyValue(item, kv); });
      });
    }
    if (Is(key, "bytesValue", "bytes_value")) {
      return one_kind() && ReadBase64(value, out->mutable_bytes_value());
    }
    return true;  // unknown (e.g. the profiles-only stringValueStrindex): ignored
  });
  --any_value_depth_;
  return ok;
}

bool JsonReader::ReadKeyValue(Element json, KeyValue* out) {
  return ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "key") return ReadString(value, out->mutable_key());
    if (key == "value") return ReadAnyValue(value, out->mutable_value());
    return true;
  });
}

bool JsonReader::ReadAttributes(Element json, google::protobuf::RepeatedPtrField<KeyValue>* out) {
  return ReadMessages(json, out,
                      [&](Element item, KeyValue* kv) { return ReadKeyValue(item, kv); });
}

bool JsonReader::ReadResource(Element json, Resource* out) {
  return ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "attributes") return ReadAttributes(value, out->mutable_attributes());
    if (Is(key, "droppedAttributesCount", "dropped_attributes_count")) {
      return Set(value, &JsonReader::ReadUint32,
                 [&](uint32_t v) { out->set_dropped_attributes_count(v); });
    }
    return true;
  });
}

bool JsonReader::ReadScope(Element json, InstrumentationScope* out) {
  return ForEachField(json, [&](std::string_view key, Element value) {
    if (key == "name") return ReadString(value, out->mutable_name());
    if (key == "version") return ReadString(value, out->mutable_version());
    if (key == "attributes") return ReadAttributes(value, out->mutable_attributes());
    if (Is(key, "droppedAttributesCount", "dropped_attributes_count")) {
      return Set(value, &JsonReader::ReadUint32,
                 [&](uint32_t v) { out->set_dropped_attributes_count(v); });
    }
    return true;
  });
}

}  // namespace otelite::otlp::json
