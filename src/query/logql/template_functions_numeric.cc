// Number functions as Sprig defines them (integer math on toInt64, float math through decimal
// arithmetic for addf/subf/mulf/divf, ceil/floor/round, int, float64), Loki's bytes and
// duration conversions, default, and fromJson (simdjson, values as Go's encoding/json gives
// them: objects, arrays, float64 numbers, strings, bools, nil).
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "query/logql/template_internal.h"

namespace otelite::logql::template_internal {
namespace {

using P = ParamType;
using Int128 = __int128;

Status Fail(std::string message) { return Status::InvalidArgument(std::move(message)); }

// Wrapping int64 arithmetic, as Go's.
int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t WrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

Status FnAdd(const CallContext&, std::span<Value> a, Value* r) {
  int64_t sum = 0;
  for (const Value& v : a) sum = WrapAdd(sum, CastToInt64(v));
  *r = Value::Int64(sum);
  return Status::Ok();
}
Status FnSub(const CallContext&, std::span<Value> a, Value* r) {
  *r = Value::Int64(WrapAdd(CastToInt64(a[0]), WrapMul(CastToInt64(a[1]), -1)));
  return Status::Ok();
}
Status FnMul(const CallContext&, std::span<Value> a, Value* r) {
  int64_t product = CastToInt64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) product = WrapMul(product, CastToInt64(a[i]));
  *r = Value::Int64(product);
  return Status::Ok();
}
Status DivMod(std::span<Value> a, bool mod, Value* r) {
  int64_t x = CastToInt64(a[0]);
  int64_t y = CastToInt64(a[1]);
  if (y == 0) return Fail("runtime error: integer divide by zero");
  if (y == -1) {
    *r = Value::Int64(mod ? 0 : WrapMul(x, -1));
  } else {
    *r = Value::Int64(mod ? x % y : x / y);
  }
  return Status::Ok();
}
Status FnDiv(const CallContext&, std::span<Value> a, Value* r) { return DivMod(a, false, r); }
Status FnMod(const CallContext&, std::span<Value> a, Value* r) { return DivMod(a, true, r); }

Status FnMaxMin(std::span<Value> a, bool max, Value* r) {
  int64_t best = CastToInt64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) {
    int64_t v = CastToInt64(a[i]);
    if (max ? v > best : v < best) best = v;
  }
  *r = Value::Int64(best);
  return Status::Ok();
}
Status FnMax(const CallContext&, std::span<Value> a, Value* r) { return FnMaxMin(a, true, r); }
Status FnMin(const CallContext&, std::span<Value> a, Value* r) { return FnMaxMin(a, false, r); }

Status FnMaxMinF(std::span<Value> a, bool max, Value* r) {
  double best = CastToFloat64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) {
    double v = CastToFloat64(a[i]);
    best = max ? std::fmax(best, v) : std::fmin(best, v);
    if (std::isnan(v)) best = v;  // math.Max/Min propagate NaN
  }
  *r = Value::Float(best);
  return Status::Ok();
}
Status FnMaxf(const CallContext&, std::span<Value> a, Value* r) { return FnMaxMinF(a, true, r); }
Status FnMinf(const CallContext&, std::span<Value> a, Value* r) { return FnMaxMinF(a, false, r); }

// ---- Decimal arithmetic (shopspring/decimal as Sprig uses it) ----

struct Decimal {
  Int128 coef = 0;
  int exp = 0;  // value = coef × 10^exp
};

Int128 Pow10(int n) {
  Int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}
constexpr int kMaxDigits = 36;

Int128 Abs(Int128 v) { return v < 0 ? -v : v; }

bool FromFloat(double f, Decimal* d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  size_t e = s.find('e');
  int exp10 = std::atoi(std::string(s.substr(e + 1)).c_str());
  Int128 coef = 0;
  int digits = 0;
  for (char c : s.substr(0, e)) {
    if (c == '.') continue;
    coef = coef * 10 + (c - '0');
    ++digits;
  }
  d->coef = neg ? -coef : coef;
  d->exp = exp10 - (digits - 1);
  while (d->coef != 0 && d->coef % 10 == 0) {
    d->coef /= 10;
    ++d->exp;
  }
  return true;
}

bool Rescale(Decimal* d, int exp) {  // exp ≤ d->exp
  int diff = d->exp - exp;
  if (diff > kMaxDigits) return false;
  Int128 scale = Pow10(diff);
  if (Abs(d->coef) > (Int128(1) << 120) / scale) return false;
  d->coef *= scale;
  d->exp = exp;
  return true;
}

bool DecAdd(Decimal a, Decimal b, bool subtract, Decimal* out) {
  if (subtract) b.coef = -b.coef;
  int exp = std::min(a.exp, b.exp);
  if (!Rescale(&a, exp) || !Rescale(&b, exp)) return false;
  out->coef = a.coef + b.coef;
  out->exp = exp;
  return true;
}

bool DecMul(const Decimal& a, const Decimal& b, Decimal* out) {
  Int128 product;
  if (__builtin_mul_overflow(a.coef, b.coef, &product) || Abs(product) > (Int128(1) << 120)) {
    return false;
  }
  out->coef = product;
  out->exp = a.exp + b.exp;
  return true;
}

// Division rounded half away from zero to 16 decimal places (DivisionPrecision).
bool DecDiv(Decimal a, Decimal b, Decimal* out) {
  int k = a.exp - b.exp + 16;
  Int128 num = a.coef;
  Int128 den = b.coef;
  if (k > 0) {
    Decimal scaled = a;
    if (!Rescale(&scaled, a.exp - k)) return false;
    num = scaled.coef;
  } else if (k < 0) {
    Decimal scaled = b;
    if (!Rescale(&scaled, b.exp + k)) return false;
    den = scaled.coef;
  }
  Int128 q = num / den;
  Int128 rem = num % den;
  if (2 * Abs(rem) >= Abs(den)) q += ((num < 0) != (den < 0)) ? -1 : 1;
  out->coef = q;
  out->exp = -16;
  return true;
}

double ToDouble(const Decimal& d) {
  std::string s;
  Int128 c = Abs(d.coef);
  if (c == 0) return 0;
  while (c > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(c % 10)));
    c /= 10;
  }
  if (d.coef < 0) s.insert(s.begin(), '-');
  s += "e" + std::to_string(d.exp);
  return std::strtod(s.c_str(), nullptr);
}

enum class Op { kAdd, kSub, kMul, kDiv };

Status DecimalOp(const Value& first, std::span<const Value> rest, Op op, Value* r) {
  auto check = [](double f) -> Status {
    if (std::isnan(f)) return Fail("Cannot create a Decimal from NaN");
    if (std::isinf(f))
      return Fail(f > 0 ? "Cannot create a Decimal from +Inf"
                        : "Cannot create a Decimal from -Inf");
    return Status::Ok();
  };
  double acc_f = CastToFloat64(first);
  OTELITE_RETURN_IF_ERROR(check(acc_f));
  Decimal acc;
  bool exact = FromFloat(acc_f, &acc);
  for (const Value& v : rest) {
    double f = CastToFloat64(v);
    OTELITE_RETURN_IF_ERROR(check(f));
    if (op == Op::kDiv && f == 0) return Fail("decimal division by zero");
    Decimal d;
    FromFloat(f, &d);
    if (exact) {
      switch (op) {
        case Op::kAdd:
          exact = DecAdd(acc, d, false, &acc);
          break;
        case Op::kSub:
          exact = DecAdd(acc, d, true, &acc);
          break;
        case Op::kMul:
          exact = DecMul(acc, d, &acc);
          break;
        case Op::kDiv:
          exact = DecDiv(acc, d, &acc);
          break;
      }
      if (exact) {
        acc_f = ToDouble(acc);
        continue;
      }
    }
    // Beyond 128-bit decimals: plain double arithmetic.
    switch (op) {
      case Op::kAdd:
        acc_f += f;
        break;
      case Op::kSub:
        acc_f -= f;
        break;
      case Op::kMul:
        acc_f *= f;
        break;
      case Op::kDiv:
        acc_f /= f;
        break;
    }
  }
  *r = Value::Float(acc_f);
  return Status::Ok();
}

Status FnAddf(const CallContext&, std::span<Value> a, Value* r) {
  return DecimalOp(Value::Float(0), a, Op::kAdd, r);
}
Status FnSubf(const CallContext&, std::span<Value> a, Value* r) {
  return DecimalOp(a[0], a.subspan(1), Op::kSub, r);
}
Status FnMulf(const CallContext&, std::span<Value> a, Value* r) {
  return DecimalOp(a[0], a.subspan(1), Op::kMul, r);
}
Status FnDivf(const CallContext&, std::span<Value> a, Value* r) {
  return DecimalOp(a[0], a.subspan(1), Op::kDiv, r);
}

Status FnCeil(const CallContext&, std::span<Value> a, Value* r) {
  *r = Value::Float(std::ceil(CastToFloat64(a[0])));
  return Status::Ok();
}
Status FnFloor(const CallContext&, std::span<Value> a, Value* r) {
  *r = Value::Float(std::floor(CastToFloat64(a[0])));
  return Status::Ok();
}
Status FnRound(const CallContext&, std::span<Value> a, Value* r) {
  double round_on = a.size() > 2 ? a[2].number : 0.5;
  double value = CastToFloat64(a[0]);
  double pow = std::pow(10.0, static_cast<double>(a[1].integer));
  double digit = pow * value;
  double integral;
  double frac = std::modf(digit, &integral);
  double rounded = frac >= round_on ? std::ceil(digit) : std::floor(digit);
  *r = Value::Float(rounded / pow);
  return Status::Ok();
}
Status FnInt(const CallContext&, std::span<Value> a, Value* r) {
  *r = Value::Int(CastToInt64(a[0]));
  return Status::Ok();
}
Status FnFloat64(const CallContext&, std::span<Value> a, Value* r) {
  *r = Value::Float(CastToFloat64(a[0]));
  return Status::Ok();
}

// go-humanize's ParseBytes: "42", "42 MB", "42mib", "1,024 KiB".
Status FnBytes(const CallContext&, std::span<Value> a, Value* r) {
  std::string_view s = a[0].str();
  size_t last = 0;
  bool comma = false;
  while (last < s.size() &&
         ((s[last] >= '0' && s[last] <= '9') || s[last] == '.' || s[last] == ',')) {
    comma |= s[last] == ',';
    ++last;
  }
  std::string num(s.substr(0, last));
  if (comma) num.erase(std::remove(num.begin(), num.end(), ','), num.end());
  double f = 0;
  if (!ParseGoFloat(num, &f)) {
    std::string quoted;
    AppendGoQuote(num, false, &quoted);
    return Fail("strconv.ParseFloat: parsing " + quoted + ": invalid syntax");
  }
  std::string extra;
  std::string_view rest = s.substr(last);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  for (char c : rest) extra.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  static const std::pair<std::string_view, double> kUnits[] = {
      {"", 1},         {"b", 1},     {"kib", 0x1p10}, {"kb", 1e3},  {"mib", 0x1p20}, {"mb", 1e6},
      {"gib", 0x1p30}, {"gb", 1e9},  {"tib", 0x1p40}, {"tb", 1e12}, {"pib", 0x1p50}, {"pb", 1e15},
      {"eib", 0x1p60}, {"eb", 1e18}, {"ki", 0x1p10},  {"k", 1e3},   {"mi", 0x1p20},  {"m", 1e6},
      {"gi", 0x1p30},  {"g", 1e9},   {"ti", 0x1p40},  {"t", 1e12},  {"pi", 0x1p50},  {"p", 1e15},
      {"ei", 0x1p60},  {"e", 1e18}};
  for (const auto& [unit, mult] : kUnits) {
    if (extra == unit) {
      double bytes = f * mult;
      if (bytes >= 18446744073709551616.0) return Fail("too large: " + std::string(s));
      *r = Value::Float(std::floor(bytes));
      return Status::Ok();
    }
  }
  return Fail("unhandled size name: " + extra);
}

Status FnDuration(const CallContext&, std::span<Value> a, Value* r) {
  int64_t ns = 0;
  std::string error;
  if (!ParseGoDuration(a[0].str(), &ns, &error)) return Fail(error);
  *r = Value::Float(static_cast<double>(ns / 1'000'000'000) +
                    static_cast<double>(ns % 1'000'000'000) / 1e9);
  return Status::Ok();
}

Status FnDefault(const CallContext&, std::span<Value> a, Value* r) {
  if (a.size() < 2 || IsEmpty(a[1])) {
    *r = a[0];
  } else {
    *r = a[1];
  }
  return Status::Ok();
}

Value FromJsonElement(simdjson::dom::element e) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::ARRAY: {
      auto list = std::make_shared<ValueList>();
      simdjson::dom::array array;
      if (e.get(array) != simdjson::SUCCESS) return Value::Nil();
      for (simdjson::dom::element child : array) {
        list->push_back(FromJsonElement(child));
      }
      Value v;
      v.kind = Kind::kList;
      v.list = std::move(list);
      return v;
    }
    case element_type::OBJECT: {
      auto map = std::make_shared<ValueMap>();
      simdjson::dom::object object;
      if (e.get(object) != simdjson::SUCCESS) return Value::Nil();
      for (simdjson::dom::key_value_pair field : object) {
        map->emplace_back(std::string(field.key), FromJsonElement(field.value));
      }
      // Sorted by key; for duplicate keys the last one wins, as in encoding/json.
      std::stable_sort(map->begin(), map->end(),
                       [](const auto& x, const auto& y) { return x.first < y.first; });
      ValueMap unique;
      for (auto& entry : *map) {
        if (!unique.empty() && unique.back().first == entry.first) {
          unique.back().second = std::move(entry.second);
        } else {
          unique.push_back(std::move(entry));
        }
      }
      *map = std::move(unique);
      Value v;
      v.kind = Kind::kMap;
      v.map = std::move(map);
      return v;
    }
    case element_type::INT64:
      return Value::Float(static_cast<double>(e.get_int64().value_unsafe()));
    case element_type::UINT64:
      return Value::Float(static_cast<double>(e.get_uint64().value_unsafe()));
    case element_type::DOUBLE:
      return Value::Float(e.get_double().value_unsafe());
    case element_type::STRING:
      return Value::Owned(std::string(e.get_string().value_unsafe()));
    case element_type::BOOL:
      return Value::Bool(e.get_bool().value_unsafe());
    case element_type::NULL_VALUE:
      return Value::Nil();
  }
  return Value::Nil();
}

Status FnFromJson(const CallContext&, std::span<Value> a, Value* r) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string json(a[0].str());
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) {
    *r = Value::Nil();
    return Status::Ok();
  }
  *r = FromJsonElement(root);
  return Status::Ok();
}

}  // namespace

void RegisterNumericFunctions(std::vector<FunctionDef>* t) {
  t->push_back({"int", {P::kAny}, false, FnInt});
  t->push_back({"float64", {P::kAny}, false, FnFloat64});
  t->push_back({"add", {P::kAny}, true, FnAdd});
  t->push_back({"sub", {P::kAny, P::kAny}, false, FnSub});
  t->push_back({"mul", {P::kAny, P::kAny}, true, FnMul});
  t->push_back({"div", {P::kAny, P::kAny}, false, FnDiv});
  t->push_back({"mod", {P::kAny, P::kAny}, false, FnMod});
  t->push_back({"addf", {P::kAny}, true, FnAddf});
  t->push_back({"subf", {P::kAny, P::kAny}, true, FnSubf});
  t->push_back({"mulf", {P::kAny, P::kAny}, true, FnMulf});
  t->push_back({"divf", {P::kAny, P::kAny}, true, FnDivf});
  t->push_back({"max", {P::kAny, P::kAny}, true, FnMax});
  t->push_back({"min", {P::kAny, P::kAny}, true, FnMin});
  t->push_back({"maxf", {P::kAny, P::kAny}, true, FnMaxf});
  t->push_back({"minf", {P::kAny, P::kAny}, true, FnMinf});
  t->push_back({"ceil", {P::kAny}, false, FnCeil});
  t->push_back({"floor", {P::kAny}, false, FnFloor});
  t->push_back({"round", {P::kAny, P::kInt, P::kFloat}, true, FnRound});
  t->push_back({"bytes", {P::kString}, false, FnBytes});
  t->push_back({"duration", {P::kString}, false, FnDuration});
  t->push_back({"duration_seconds", {P::kString}, false, FnDuration});
  t->push_back({"default", {P::kAny, P::kAny}, true, FnDefault});
  t->push_back({"fromJson", {P::kString}, false, FnFromJson});
}

}  // namespace otelite::logql::template_internal
