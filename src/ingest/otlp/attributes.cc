#include "ingest/otlp/attributes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <cmath>
#include <cstring>

#include "core/float_format.h"
#include "model/naming.h"

namespace otelite::otlp {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

std::string Base64(std::string_view bytes) {
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

using Kind = AnyValueView::Kind;

void WriteJson(const AnyValueView& v, JsonWriter* w, int depth) {
  if (depth > 64) {
    w->Null();
    return;
  }
  switch (v.kind) {
    case Kind::kString:
      w->String(v.bytes.data(), static_cast<rapidjson::SizeType>(v.bytes.size()));
      break;
    case Kind::kBool:
      w->Bool(v.bool_value);
      break;
    case Kind::kInt:
      w->Int64(v.int_value);
      break;
    case Kind::kDouble:
      if (std::isfinite(v.double_value)) {
        w->Double(v.double_value);
      } else {
        std::string s = FormatGoFloat(v.double_value);
        w->String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      }
      break;
    case Kind::kBytes: {
      std::string s = Base64(v.bytes);
      w->String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      break;
    }
    case Kind::kArray:
      w->StartArray();
      ForEachArrayValue(v, [&](const AnyValueView& e) { WriteJson(e, w, depth + 1); });
      w->EndArray();
      break;
    case Kind::kKvlist:
      w->StartObject();
      ForEachKeyValue(v, [&](const KeyValueView& kv) {
        w->Key(kv.key.data(), static_cast<rapidjson::SizeType>(kv.key.size()));
        WriteJson(kv.value, w, depth + 1);
      });
      w->EndObject();
      break;
    case Kind::kEmpty:
      w->Null();
      break;
  }
}

void Flatten(std::string_view key, const AnyValueView& value, std::vector<Label>* out, int depth) {
  if (value.kind == Kind::kKvlist && depth < 16) {
    ForEachKeyValue(value, [&](const KeyValueView& kv) {
      std::string nested(key);
      nested += '_';
      nested += kv.key;
      Flatten(nested, kv.value, out, depth + 1);
    });
    return;
  }
  out->push_back({LokiLabelName(key), AnyValueToString(value)});
}

}  // namespace

std::string AnyValueToString(const AnyValueView& value) {
  switch (value.kind) {
    case Kind::kString:
      return std::string(value.bytes);
    case Kind::kBool:
      return value.bool_value ? "true" : "false";
    case Kind::kInt:
      return std::to_string(value.int_value);
    case Kind::kDouble:
      // Shortest round-trip in plain notation where reasonable, as Go's 'f', -1 does for the
      // magnitudes attributes carry; the 'g' layout otherwise.
      return FormatGoFloat(value.double_value);
    case Kind::kBytes:
      return Base64(value.bytes);
    case Kind::kArray:
    case Kind::kKvlist: {
      rapidjson::StringBuffer buffer;
      JsonWriter writer(buffer);
      WriteJson(value, &writer, 0);
      return std::string(buffer.GetString(), buffer.GetSize());
    }
    case Kind::kEmpty:
      return "";
  }
  return "";
}

void FlattenForLoki(std::string_view key, const AnyValueView& value, std::vector<Label>* out) {
  Flatten(key, value, out, 0);
}

bool IsValidUtf8(std::string_view s) {
  // Nearly every attribute is ASCII, which is valid UTF-8: seen 8 bytes at a time without the
  // setup cost of simdjson's validator, which decides about everything else.
  uint64_t high_bits = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    high_bits |= word;
  }
  for (; i < s.size(); ++i) high_bits |= static_cast<uint8_t>(s[i]);
  if ((high_bits & 0x8080808080808080ULL) == 0) return true;
  return simdjson::validate_utf8(s.data(), s.size());
}

}  // namespace otelite::otlp
