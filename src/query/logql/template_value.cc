// The template value model: Go type names, truth, Sprig's conversions, strconv's number syntax,
// UTF-8 and fmt's default (%v) printing.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/float_format.h"
#include "core/go_text.h"
#include "query/logql/template_internal.h"

namespace otelite::logql::template_internal {

void GoTime::set_zone(std::string_view name) {
  zone_len = static_cast<uint8_t>(std::min(name.size(), sizeof(zone)));
  std::copy_n(name.data(), zone_len, zone);
}

GoTime GoTime::FromUnixNanos(int64_t ns) {
  GoTime t;
  int64_t sec = ns / 1'000'000'000;
  int64_t rem = ns % 1'000'000'000;
  if (rem < 0) {
    rem += 1'000'000'000;
    --sec;
  }
  t.sec = sec;
  t.nsec = static_cast<int32_t>(rem);
  return t;
}

bool IsIntKind(Kind k) { return k == Kind::kInt || k == Kind::kInt64; }

std::string_view TypeName(const Value& v) {
  switch (v.kind) {
    case Kind::kNil:
      return "<nil>";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kInt64:
      return "int64";
    case Kind::kFloat:
      return "float64";
    case Kind::kString:
      return "string";
    case Kind::kTime:
      return "time.Time";
    case Kind::kList:
      return "[]interface {}";
    case Kind::kMap:
      return "map[string]interface {}";
    case Kind::kLabels:
      return "map[string]string";
  }
  return "?";
}

std::string_view ParamTypeName(ParamType t) {
  switch (t) {
    case ParamType::kString:
      return "string";
    case ParamType::kInt:
      return "int";
    case ParamType::kFloat:
      return "float64";
    case ParamType::kBool:
      return "bool";
    case ParamType::kTime:
      return "time.Time";
    case ParamType::kAny:
      return "interface {}";
    case ParamType::kValue:
      return "reflect.Value";
  }
  return "?";
}

std::vector<std::pair<std::string_view, std::string_view>> SortedLabels(const Value& v) {
  std::vector<std::pair<std::string_view, std::string_view>> labels;
  if (v.labels != nullptr) v.labels->AllLabels(&labels);
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               labels.end());
  return labels;
}

bool IsTrue(const Value& v) {
  switch (v.kind) {
    case Kind::kNil:
      return false;
    case Kind::kBool:
      return v.boolean;
    case Kind::kInt:
    case Kind::kInt64:
      return v.integer != 0;
    case Kind::kFloat:
      return v.number != 0;
    case Kind::kString:
      return !v.str().empty();
    case Kind::kTime:
      return true;
    case Kind::kList:
      return !v.list->empty();
    case Kind::kMap:
      return !v.map->empty();
    case Kind::kLabels:
      return !SortedLabels(v).empty();
  }
  return false;
}

bool IsEmpty(const Value& v) { return v.kind == Kind::kTime ? false : !IsTrue(v); }

int64_t FloatToInt64(double f) {
  if (std::isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) {
    return INT64_MIN;
  }
  return static_cast<int64_t>(f);
}

namespace {

// Go's underscoreOK: underscores only between digits (a base prefix counts as a digit).
bool UnderscoreOk(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0') {
    char c = static_cast<char>(s[1] | 0x20);
    if (c == 'b' || c == 'o' || c == 'x') {
      i = 2;
      saw = '0';
      hex = c == 'x';
    }
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    char lower = static_cast<char>(c | 0x20);
    if ((c >= '0' && c <= '9') || (hex && lower >= 'a' && lower <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

bool ParseUnsignedBase0(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  int base = 10;
  bool prefixed = false;
  if (s[0] == '0' && s.size() > 1) {
    char c = static_cast<char>(s[1] | 0x20);
    if (c == 'x') {
      base = 16;
      s.remove_prefix(2);
      prefixed = true;
    } else if (c == 'b') {
      base = 2;
      s.remove_prefix(2);
      prefixed = true;
    } else if (c == 'o') {
      base = 8;
      s.remove_prefix(2);
      prefixed = true;
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  (void)prefixed;
  uint64_t v = 0;
  bool any = false;
  for (char c : s) {
    if (c == '_') continue;
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
      d = (c | 0x20) - 'a' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    any = true;
  }
  if (!any && base != 8) return false;  // "0x" alone; a lone "0" is octal zero
  *out = v;
  return true;
}

}  // namespace

bool ParseGoUint(std::string_view s, uint64_t* out) {
  if (s.empty() || s[0] == '+' || s[0] == '-') return false;
  if (s.find('_') != std::string_view::npos && !UnderscoreOk(s)) return false;
  return ParseUnsignedBase0(s, out);
}

bool ParseGoInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  bool neg = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (s.find('_') != std::string_view::npos && !UnderscoreOk(s)) return false;
  uint64_t u = 0;
  if (!ParseUnsignedBase0(body, &u)) return false;
  if (neg) {
    if (u > 9223372036854775808ULL) return false;
    *out = static_cast<int64_t>(0 - u);
  } else {
    if (u > 9223372036854775807ULL) return false;
    *out = static_cast<int64_t>(u);
  }
  return true;
}

bool ParseGoFloat(std::string_view s, double* out) {
  if (s.empty()) return false;
  std::string_view body = s;
  double sign = 1;
  if (body[0] == '+' || body[0] == '-') {
    sign = body[0] == '-' ? -1 : 1;
    body.remove_prefix(1);
  }
  auto iequals = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if ((a[i] | 0x20) != b[i]) return false;
    }
    return true;
  };
  if (iequals(body, "inf") || iequals(body, "infinity")) {
    *out = sign * HUGE_VAL;
    return true;
  }
  if (body.size() == s.size() && iequals(body, "nan")) {
    *out = NAN;
    return true;
  }
  // Validate Go's float literal syntax, then let strtod (C locale) convert it.
  std::string clean;
  clean.reserve(s.size());
  bool hex = body.size() >= 2 && body[0] == '0' && (body[1] | 0x20) == 'x';
  size_t i = hex ? 2 : 0;
  bool digits = false;
  bool dot = false;
  for (; i < body.size(); ++i) {
    char c = body[i];
    bool is_digit = (c >= '0' && c <= '9') || (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    if (is_digit) {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else if (c != '_') {
      break;
    }
  }
  if (!digits) return false;
  if (i < body.size()) {
    char e = static_cast<char>(body[i] | 0x20);
    if (e != (hex ? 'p' : 'e')) return false;
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    bool exp_digits = false;
    for (; i < body.size(); ++i) {
      if (body[i] >= '0' && body[i] <= '9') {
        exp_digits = true;
      } else if (body[i] != '_') {
        return false;
      }
    }
    if (!exp_digits) return false;
  } else if (hex) {
    return false;  // hex floats need a 'p' exponent
  }
  if (s.find('_') != std::string_view::npos && !UnderscoreOk(s)) return false;
  for (char c : s) {
    if (c != '_') clean.push_back(c);
  }
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return false;
  *out = v;
  if (std::isinf(v)) return false;
  return true;
}

namespace {

// cast's trimZeroDecimal: "10.00" → "10"; anything else unchanged.
std::string_view TrimZeroDecimal(std::string_view s) {
  bool found_zero = false;
  for (size_t i = s.size(); i > 0; --i) {
    char c = s[i - 1];
    if (c == '.') {
      if (found_zero) return s.substr(0, i - 1);
    } else if (c == '0') {
      found_zero = true;
    } else {
      return s;
    }
  }
  return s;
}

}  // namespace

int64_t CastToInt64(const Value& v) {
  switch (v.kind) {
    case Kind::kInt:
    case Kind::kInt64:
      return v.integer;
    case Kind::kFloat:
      return FloatToInt64(v.number);
    case Kind::kBool:
      return v.boolean ? 1 : 0;
    case Kind::kString: {
      int64_t i = 0;
      return ParseGoInt(TrimZeroDecimal(v.str()), &i) ? i : 0;
    }
    default:
      return 0;
  }
}

double CastToFloat64(const Value& v) {
  switch (v.kind) {
    case Kind::kInt:
    case Kind::kInt64:
      return static_cast<double>(v.integer);
    case Kind::kFloat:
      return v.number;
    case Kind::kBool:
      return v.boolean ? 1 : 0;
    case Kind::kString: {
      double f = 0;
      return ParseGoFloat(v.str(), &f) ? f : 0;
    }
    default:
      return 0;
  }
}

void AppendValue(const Value& v, std::string* out) {
  switch (v.kind) {
    case Kind::kNil:
      out->append("<nil>");
      return;
    case Kind::kBool:
      out->append(v.boolean ? "true" : "false");
      return;
    case Kind::kInt:
    case Kind::kInt64: {
      char buf[24];
      auto res = std::to_chars(buf, buf + sizeof(buf), v.integer);
      out->append(buf, res.ptr);
      return;
    }
    case Kind::kFloat:
      AppendGoFloat(v.number, out);
      return;
    case Kind::kString:
      out->append(v.str());
      return;
    case Kind::kTime:
      AppendTimeString(v.time, out);
      return;
    case Kind::kList:
      out->push_back('[');
      for (size_t i = 0; i < v.list->size(); ++i) {
        if (i > 0) out->push_back(' ');
        AppendValue((*v.list)[i], out);
      }
      out->push_back(']');
      return;
    case Kind::kMap:
      out->append("map[");
      for (size_t i = 0; i < v.map->size(); ++i) {
        if (i > 0) out->push_back(' ');
        out->append((*v.map)[i].first);
        out->push_back(':');
        AppendValue((*v.map)[i].second, out);
      }
      out->push_back(']');
      return;
    case Kind::kLabels: {
      out->append("map[");
      bool first = true;
      for (const auto& [name, value] : SortedLabels(v)) {
        if (!first) out->push_back(' ');
        first = false;
        out->append(name);
        out->push_back(':');
        out->append(value);
      }
      out->push_back(']');
      return;
    }
  }
}

void GoSprint(std::span<const Value> args, std::string* out) {
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_string = args[i].kind == Kind::kString;
    if (i > 0 && !is_string && !prev_string) out->push_back(' ');
    AppendValue(args[i], out);
    prev_string = is_string;
  }
}

void GoSprintln(std::span<const Value> args, std::string* out) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out->push_back(' ');
    AppendValue(args[i], out);
  }
  out->push_back('\n');
}

}  // namespace otelite::logql::template_internal
