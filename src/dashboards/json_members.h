// Lenient reads of Grafana JSON (panels, targets, variables, transformations): a missing member
// or one of another type gives the default, as Grafana's front end treats them.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace otelite::dashboards {

using JsonValue = rapidjson::Value;

// The member `key` of an object, or nullptr (also when `obj` is not an object).
inline const JsonValue* Member(const JsonValue& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

inline std::string StringMember(const JsonValue& obj, const char* key, std::string def = "") {
  const JsonValue* v = Member(obj, key);
  return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : def;
}

inline bool BoolMember(const JsonValue& obj, const char* key, bool def = false) {
  const JsonValue* v = Member(obj, key);
  return v != nullptr && v->IsBool() ? v->GetBool() : def;
}

// A number, or a string holding a decimal integer ("maxDataPoints": "800" occurs in old
// dashboards); `def` otherwise.
inline int64_t IntMember(const JsonValue& obj, const char* key, int64_t def = 0) {
  const JsonValue* v = Member(obj, key);
  if (v == nullptr) return def;
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsNumber()) return static_cast<int64_t>(v->GetDouble());
  if (v->IsString()) {
    char* end = nullptr;
    const long long n = std::strtoll(v->GetString(), &end, 10);
    if (end != v->GetString() && *end == '\0') return n;
  }
  return def;
}

}  // namespace otelite::dashboards
