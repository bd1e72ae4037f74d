#include "ingest/otlp/attributes.h"

#include <cmath>

#include <rapidjson/stringbuffer.h>
#include <simdjson.h>
#include <rapidjson/writer.h>

#include "core/float_format.h"
#include "model/naming.h"

namespace otelite::otlp {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (i < bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= uint8_t(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

void WriteJson(const AnyValue& v, JsonWriter* w, int depth) {
  if (depth > 64) {
    w->Null();
    return;
  }
  switch (v.value_case()) {
    case AnyValue::kStringValue:
      w->String(v.string_value().data(), static_cast<rapidjson::SizeType>(v.string_value().size()));
      break;
    case AnyValue::kBoolValue: w->Bool(v.bool_value()); break;
    case AnyValue::kIntValue: w->Int64(v.int_value()); break;
    case AnyValue::kDoubleValue:
      if (std::isfinite(v.double_value())) {
        w->Double(v.double_value());
      } else {
        std::string s = FormatGoFloat(v.double_value());
        w->String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      }
      break;
    case AnyValue::kBytesValue: {
      std::string s = Base64(v.bytes_value());
      w->String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      break;
    }
    case AnyValue::kArrayValue:
      w->StartArray();
      for (const auto& e : v.array_value().values()) WriteJson(e, w, depth + 1);
      w->EndArray();
      break;
    case AnyValue::kKvlistValue:
      w->StartObject();
      for (const auto& kv : v.kvlist_value().values()) {
        w->Key(kv.key().data(), static_cast<rapidjson::SizeType>(kv.key().size()));
        WriteJson(kv.value(), w, depth + 1);
      }
      w->EndObject();
      break;
    case AnyValue::VALUE_NOT_SET: w->Null(); break;
  }
}

void Flatten(const std::string& key, const AnyValue& value, std::vector<Label>* out, int depth) {
  if (value.value_case() == AnyValue::kKvlistValue && depth < 16) {
    for (const auto& kv : value.kvlist_value().values()) {
      Flatten(key + "_" + kv.key(), kv.value(), out, depth + 1);
    }
    return;
  }
  out->push_back({LokiLabelName(key), AnyValueToString(value)});
}

}  // namespace

std::string AnyValueToString(const AnyValue& value) {
  switch (value.value_case()) {
    case AnyValue::kStringValue: return value.string_value();
    case AnyValue::kBoolValue: return value.bool_value() ? "true" : "false";
    case AnyValue::kIntValue: return std::to_string(value.int_value());
    case AnyValue::kDoubleValue: {
      // Shortest round-trip in plain notation where reasonable, as Go's 'f', -1 does for the
      // magnitudes attributes carry; the 'g' layout otherwise.
      return FormatGoFloat(value.double_value());
    }
    case AnyValue::kBytesValue: return Base64(value.bytes_value());
    case AnyValue::kArrayValue:
    case AnyValue::kKvlistValue: {
      rapidjson::StringBuffer buffer;
      JsonWriter writer(buffer);
      WriteJson(value, &writer, 0);
      return std::string(buffer.GetString(), buffer.GetSize());
    }
    case AnyValue::VALUE_NOT_SET: return "";
  }
  return "";
}

void FlattenForLoki(const std::string& key, const AnyValue& value, std::vector<Label>* out) {
  Flatten(key, value, out, 0);
}

bool IsValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

}  // namespace otelite::otlp
