// The function table, text/template's builtins (and, or, not, len, index, print, printf,
// println, html, js, urlquery, eq, ne, lt, le, gt, ge) and Loki's string functions (Go's
// strings package under their old names, Sprig's string helpers, Loki's own).
#include <algorithm>
#include <string>
#include <unordered_map>

#include "query/logql/template_internal.h"

namespace otelite::logql::template_internal {
namespace {

using P = ParamType;

Status Fail(std::string message) { return Status::InvalidArgument(std::move(message)); }

// ---- Go builtins ----

Status FnNot(const CallContext&, std::span<Value> a, Value* r) {
  *r = Value::Bool(!IsTrue(a[0]));
  return Status::Ok();
}

Status FnLen(const CallContext&, std::span<Value> a, Value* r) {
  const Value& v = a[0];
  switch (v.kind) {
    case Kind::kString:
      *r = Value::Int(static_cast<int64_t>(v.str().size()));
      break;
    case Kind::kList:
      *r = Value::Int(static_cast<int64_t>(v.list->size()));
      break;
    case Kind::kMap:
      *r = Value::Int(static_cast<int64_t>(v.map->size()));
      break;
    case Kind::kLabels:
      *r = Value::Int(static_cast<int64_t>(SortedLabels(v).size()));
      break;
    case Kind::kNil:
      return Fail("len of untyped nil");
    default:
      return Fail("len of type " + std::string(TypeName(v)));
  }
  return Status::Ok();
}

Status FnIndex(const CallContext&, std::span<Value> a, Value* r) {
  Value item = a[0];
  if (item.kind == Kind::kNil) return Fail("index of untyped nil");
  for (size_t i = 1; i < a.size(); ++i) {
    const Value& index = a[i];
    switch (item.kind) {
      case Kind::kNil:
        return Fail("index of nil pointer");
      case Kind::kList:
      case Kind::kString: {
        if (index.kind == Kind::kNil) return Fail("cannot index slice/array with nil");
        if (!IsIntKind(index.kind)) {
          return Fail("cannot index slice/array with type " + std::string(TypeName(index)));
        }
        size_t len = item.kind == Kind::kList ? item.list->size() : item.str().size();
        if (index.integer < 0 || static_cast<uint64_t>(index.integer) > len) {
          return Fail("index out of range: " + std::to_string(index.integer));
        }
        size_t x = static_cast<size_t>(index.integer);
        if (x == len) {
          return Fail(item.kind == Kind::kList ? "reflect: slice index out of range"
                                               : "reflect: string index out of range");
        }
        if (item.kind == Kind::kList) {
          Value next = (*item.list)[x];
          item = std::move(next);
        } else {
          item = Value::Int(static_cast<unsigned char>(item.str()[x]));
        }
        break;
      }
      case Kind::kMap:
      case Kind::kLabels: {
        std::string_view element = item.kind == Kind::kMap ? "interface {}" : "string";
        if (index.kind == Kind::kNil) return Fail("value is nil; should be of type string");
        if (index.kind != Kind::kString) {
          return Fail("value has type " + std::string(TypeName(index)) + "; should be string");
        }
        (void)element;
        if (item.kind == Kind::kLabels) {
          std::optional<std::string_view> v = item.labels->Label(index.str());
          item = Value::Borrowed(v ? *v : std::string_view());
        } else {
          const auto& m = *item.map;
          std::string_view key = index.str();
          auto it = std::lower_bound(m.begin(), m.end(), key,
                                     [](const auto& e, std::string_view k) { return e.first < k; });
          Value next = it != m.end() && it->first == key ? it->second : Value::Nil();
          item = std::move(next);
        }
        break;
      }
      default:
        return Fail("can't index item of type " + std::string(TypeName(item)));
    }
  }
  *r = std::move(item);
  return Status::Ok();
}

Status FnPrint(const CallContext&, std::span<Value> a, Value* r) {
  std::string s;
  GoSprint(a, &s);
  *r = Value::Owned(std::move(s));
  return Status::Ok();
}
Status FnPrintln(const CallContext&, std::span<Value> a, Value* r) {
  std::string s;
  GoSprintln(a, &s);
  *r = Value::Owned(std::move(s));
  return Status::Ok();
}
Status FnPrintf(const CallContext&, std::span<Value> a, Value* r) {
  std::string s;
  GoSprintf(a[0].str(), a.subspan(1), &s);
  *r = Value::Owned(std::move(s));
  return Status::Ok();
}

// text/template's evalArgs: a lone string as is, anything else through fmt.Sprint.
std::string EvalArgs(std::span<Value> a) {
  if (a.size() == 1 && a[0].kind == Kind::kString) return std::string(a[0].str());
  std::string s;
  GoSprint(a, &s);
  return s;
}

Status FnHtml(const CallContext&, std::span<Value> a, Value* r) {
  std::string s = EvalArgs(a);
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      default:
        out.push_back(c);
    }
  }
  *r = Value::Owned(std::move(out));
  return Status::Ok();
}

Status FnJs(const CallContext&, std::span<Value> a, Value* r) {
  std::string s = EvalArgs(a);
  std::string out;
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto unicode_escape = [&](char32_t c) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(c >> shift) & 0xF]);
  };
  for (size_t i = 0; i < s.size();) {
    size_t w = 0;
    char32_t c = DecodeRune(std::string_view(s).substr(i), &w);
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '"':
        out += "\\\"";
        break;
      case '<':
      case '>':
      case '&':
      case '=':
        unicode_escape(c);
        break;
      default:
        if (c < ' ') {
          unicode_escape(c);
        } else if (c < 0x80) {
          out.push_back(static_cast<char>(c));
        } else {
          std::string one;
          AppendRune(c, &one);
          std::string quoted;
          AppendGoQuote(one, false, &quoted);
          if (quoted.size() == one.size() + 2) {
            out.append(s, i, w);  // printable
          } else {
            unicode_escape(c > 0xFFFF ? 0xFFFD : c);
          }
        }
    }
    i += w;
  }
  *r = Value::Owned(std::move(out));
  return Status::Ok();
}

void QueryEscape(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out->push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out->push_back('+');
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

Status FnUrlquery(const CallContext&, std::span<Value> a, Value* r) {
  std::string out;
  QueryEscape(EvalArgs(a), &out);
  *r = Value::Owned(std::move(out));
  return Status::Ok();
}

// ---- Comparisons (text/template's eq, lt and friends) ----

enum class Basic { kInvalid, kBool, kInt, kFloat, kString };

Basic BasicKind(const Value& v) {
  switch (v.kind) {
    case Kind::kBool:
      return Basic::kBool;
    case Kind::kInt:
    case Kind::kInt64:
      return Basic::kInt;
    case Kind::kFloat:
      return Basic::kFloat;
    case Kind::kString:
      return Basic::kString;
    default:
      return Basic::kInvalid;
  }
}

Status Equal(const Value& a, const Value& b, bool* equal) {
  Basic k1 = BasicKind(a);
  Basic k2 = BasicKind(b);
  *equal = false;
  if (k1 != k2 || (k1 == Basic::kInvalid && a.kind != b.kind)) {
    if (a.kind != Kind::kNil && b.kind != Kind::kNil) {
      return Fail("incompatible types for comparison");
    }
    return Status::Ok();
  }
  switch (k1) {
    case Basic::kBool:
      *equal = a.boolean == b.boolean;
      return Status::Ok();
    case Basic::kInt:
      *equal = a.integer == b.integer;
      return Status::Ok();
    case Basic::kFloat:
      *equal = a.number == b.number;
      return Status::Ok();
    case Basic::kString:
      *equal = a.str() == b.str();
      return Status::Ok();
    case Basic::kInvalid:
      break;
  }
  switch (a.kind) {
    case Kind::kNil:
      *equal = true;
      return Status::Ok();
    case Kind::kTime:
      *equal = a.time.sec == b.time.sec && a.time.nsec == b.time.nsec &&
               a.time.offset == b.time.offset && a.time.zone_name() == b.time.zone_name();
      return Status::Ok();
    default: {
      std::string s;
      AppendValue(b, &s);
      return Fail("non-comparable type " + s + ": " + std::string(TypeName(b)));
    }
  }
}

Status FnEq(const CallContext&, std::span<Value> a, Value* r) {
  if (a.size() < 2) return Fail("missing argument for comparison");
  for (size_t i = 1; i < a.size(); ++i) {
    bool equal = false;
    OTELITE_RETURN_IF_ERROR(Equal(a[0], a[i], &equal));
    if (equal) {
      *r = Value::Bool(true);
      return Status::Ok();
    }
  }
  *r = Value::Bool(false);
  return Status::Ok();
}

Status FnNe(const CallContext&, std::span<Value> a, Value* r) {
  bool equal = false;
  OTELITE_RETURN_IF_ERROR(Equal(a[0], a[1], &equal));
  *r = Value::Bool(!equal);
  return Status::Ok();
}

Status Less(const Value& a, const Value& b, bool* less) {
  Basic k1 = BasicKind(a);
  Basic k2 = BasicKind(b);
  if (k1 == Basic::kInvalid || k2 == Basic::kInvalid) return Fail("invalid type for comparison");
  if (k1 != k2) return Fail("incompatible types for comparison");
  switch (k1) {
    case Basic::kInt:
      *less = a.integer < b.integer;
      break;
    case Basic::kFloat:
      *less = a.number < b.number;
      break;
    case Basic::kString:
      *less = a.str() < b.str();
      break;
    default:
      return Fail("invalid type for comparison");
  }
  return Status::Ok();
}

Status FnLt(const CallContext&, std::span<Value> a, Value* r) {
  bool less = false;
  OTELITE_RETURN_IF_ERROR(Less(a[0], a[1], &less));
  *r = Value::Bool(less);
  return Status::Ok();
}
Status LessOrEqual(const Value& a, const Value& b, bool* result) {
  OTELITE_RETURN_IF_ERROR(Less(a, b, result));
  if (*result) return Status::Ok();
  return Equal(a, b, result);
}
Status FnLe(const CallContext&, std::span<Value> a, Value* r) {
  bool le = false;
  OTELITE_RETURN_IF_ERROR(LessOrEqual(a[0], a[1], &le));
  *r = Value::Bool(le);
  return Status::Ok();
}
Status FnGt(const CallContext&, std::span<Value> a, Value* r) {
  bool le = false;
  OTELITE_RETURN_IF_ERROR(LessOrEqual(a[0], a[1], &le));
  *r = Value::Bool(!le);
  return Status::Ok();
}
Status FnGe(const CallContext&, std::span<Value> a, Value* r) {
  bool less = false;
  OTELITE_RETURN_IF_ERROR(Less(a[0], a[1], &less));
  *r = Value::Bool(!less);
  return Status::Ok();
}

Status FnAndOr(const CallContext&, std::span<Value>, Value*) { return Status::Ok(); }

}  // namespace

std::string SliceBoundsError(int64_t start, int64_t end, size_t length, bool has_start,
                             bool has_end) {
  std::string s = "runtime error: slice bounds out of range [";
  if (has_start && has_end) {
    return s + std::to_string(start) + ":" + std::to_string(end) + "]";
  }
  if (has_end) return s + ":" + std::to_string(end) + "] with length " + std::to_string(length);
  return s + std::to_string(start) + ":" + std::to_string(length) + "]";
}

void RegisterBuiltinFunctions(std::vector<FunctionDef>* t) {
  t->push_back({"and", {P::kValue, P::kValue}, true, FnAndOr, Special::kAnd});
  t->push_back({"or", {P::kValue, P::kValue}, true, FnAndOr, Special::kOr});
  t->push_back({"not", {P::kValue}, false, FnNot});
  t->push_back({"len", {P::kValue}, false, FnLen});
  t->push_back({"index", {P::kValue, P::kValue}, true, FnIndex});
  t->push_back({"print", {P::kAny}, true, FnPrint});
  t->push_back({"println", {P::kAny}, true, FnPrintln});
  t->push_back({"printf", {P::kString, P::kAny}, true, FnPrintf});
  t->push_back({"html", {P::kAny}, true, FnHtml});
  t->push_back({"js", {P::kAny}, true, FnJs});
  t->push_back({"urlquery", {P::kAny}, true, FnUrlquery});
  t->push_back({"eq", {P::kValue, P::kValue}, true, FnEq});
  t->push_back({"ne", {P::kValue, P::kValue}, false, FnNe});
  t->push_back({"lt", {P::kValue, P::kValue}, false, FnLt});
  t->push_back({"le", {P::kValue, P::kValue}, false, FnLe});
  t->push_back({"gt", {P::kValue, P::kValue}, false, FnGt});
  t->push_back({"ge", {P::kValue, P::kValue}, false, FnGe});
}

const FunctionDef* FindFunction(std::string_view name) {
  static const auto* table = [] {
    auto* defs = new std::vector<FunctionDef>();
    RegisterBuiltinFunctions(defs);
    RegisterStringFunctions(defs);
    RegisterNumericFunctions(defs);
    RegisterTimeFunctions(defs);
    RegisterRegexFunctions(defs);
    return defs;
  }();
  static const auto* index = [] {
    auto* map = new std::unordered_map<std::string_view, const FunctionDef*>();
    for (const FunctionDef& def : *table) (*map)[def.name] = &def;
    return map;
  }();
  auto it = index->find(name);
  return it == index->end() ? nullptr : it->second;
}

}  // namespace otelite::logql::template_internal
