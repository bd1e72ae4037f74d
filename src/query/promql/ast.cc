#include "query/promql/ast.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/labels.h"
#include "query/promql/functions.h"
#include "query/promql/lexer.h"

namespace otelite::promql {

const char* ValueTypeName(ValueType type) {
  static constexpr const char* kNames[] = {"scalar", "vector", "matrix", "string"};
  return kNames[static_cast<int>(type)];
}

const char* DocumentedTypeName(ValueType type) {
  static constexpr const char* kNames[] = {"scalar", "instant vector", "range vector", "string"};
  return kNames[static_cast<int>(type)];
}

const char* BinaryOpName(BinaryOp op) {
  static constexpr const char* kNames[] = {"+", "-", "*",  "/",  "%",   "^",  "atan2",  "==", "!=",
                                           ">", "<", ">=", "<=", "and", "or", "unless", "</", ">/"};
  return kNames[static_cast<int>(op)];
}

bool IsComparisonOp(BinaryOp op) {
  return op == BinaryOp::kEql || op == BinaryOp::kNeq || op == BinaryOp::kGtr ||
         op == BinaryOp::kLss || op == BinaryOp::kGte || op == BinaryOp::kLte;
}

bool IsSetOp(BinaryOp op) {
  return op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless;
}

const char* AggregateOpName(AggregateOp op) {
  static constexpr const char* kNames[] = {
      "sum",    "avg",  "count",   "min",          "max",      "group",  "stddev",
      "stdvar", "topk", "bottomk", "count_values", "quantile", "limitk", "limit_ratio"};
  return kNames[static_cast<int>(op)];
}

bool AggregateOpTakesParam(AggregateOp op) {
  return op == AggregateOp::kTopk || op == AggregateOp::kBottomk ||
         op == AggregateOp::kCountValues || op == AggregateOp::kQuantile ||
         op == AggregateOp::kLimitk || op == AggregateOp::kLimitRatio;
}

bool IsLegacyMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsLegacyLabelName(std::string_view name) { return otelite::IsLegacyLabelName(name); }

std::string FormatPromDuration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  uint64_t rest = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  if (ms < 0) out.push_back('-');
  struct Unit {
    const char* name;
    uint64_t ms;
    bool exact;  // only when it divides the duration (90d rather than 12w6d)
  };
  static constexpr Unit kUnits[] = {{"y", 365ULL * 86'400'000, true},
                                    {"w", 7ULL * 86'400'000, true},
                                    {"d", 86'400'000, false},
                                    {"h", 3'600'000, false},
                                    {"m", 60'000, false},
                                    {"s", 1000, false},
                                    {"ms", 1, false}};
  for (const Unit& unit : kUnits) {
    if (unit.exact && rest % unit.ms != 0) continue;
    uint64_t value = rest / unit.ms;
    if (value > 0) {
      out += fmt::format("{}{}", value, unit.name);
      rest -= value * unit.ms;
    }
  }
  return out;
}

std::string FormatPromNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == 0) return std::signbit(value) ? "-0" : "0";
  // The shortest digits that read back to the same double, laid out like Go's %v (strconv's
  // 'g' with the shortest precision): exponent notation below 1e-4 and from 1e6 on.
  char buffer[64];
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  if (ec != std::errc()) return fmt::format("{}", value);
  std::string_view text(buffer, static_cast<size_t>(end - buffer));
  bool negative = text.front() == '-';
  if (negative) text.remove_prefix(1);
  size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int exponent = 0;
  std::from_chars(text.data() + e + (text[e + 1] == '+' ? 2 : 1), text.data() + text.size(),
                  exponent);
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    out.push_back(digits[0]);
    if (digits.size() > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    out += fmt::format("e{}{:02d}", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out;
  }
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out += digits;
    return out;
  }
  size_t int_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= int_digits) {
    out += digits;
    out.append(int_digits - digits.size(), '0');
  } else {
    out.append(digits, 0, int_digits);
    out.push_back('.');
    out.append(digits, int_digits, std::string::npos);
  }
  return out;
}

Result<int64_t> DurationSecondsToMs(double seconds) {
  // Prometheus keeps durations as int64 nanoseconds.
  if (!std::isfinite(seconds) || std::fabs(seconds) * 1e9 >= 9.223372036854775807e18) {
    return Status::InvalidArgument("duration out of range");
  }
  return static_cast<int64_t>(std::llround(seconds * 1000));
}

LineColumn LineColumnAt(std::string_view query, size_t offset) {
  offset = std::min(offset, query.size());
  LineColumn at;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (query[i] == '\n') {
      ++at.line;
      line_start = i + 1;
    }
  }
  at.column = static_cast<int>(offset - line_start) + 1;
  return at;
}

std::string Expr::String() const {
  std::string out;
  AppendString(&out);
  return out;
}

namespace {

void AppendLabelName(std::string_view name, std::string* out) {
  if (IsLegacyLabelName(name)) {
    out->append(name);
  } else {
    *out += QuoteString(name);
  }
}

void AppendLabelList(const std::vector<std::string>& labels, std::string* out) {
  out->push_back('(');
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) *out += ", ";
    AppendLabelName(labels[i], out);
  }
  out->push_back(')');
}

std::string MatcherString(const LabelMatcher& matcher) {
  std::string out;
  AppendLabelName(matcher.name(), &out);
  out += MatchTypeOperator(matcher.type());
  out += QuoteString(matcher.value());
  return out;
}

void AppendAt(AtModifier at, int64_t at_ms, std::string* out) {
  switch (at) {
    case AtModifier::kNone:
      return;
    case AtModifier::kStart:
      *out += " @ start()";
      return;
    case AtModifier::kEnd:
      *out += " @ end()";
      return;
    case AtModifier::kTimestamp: {
      // Seconds with three decimals, like Prometheus's %.3f.
      uint64_t magnitude =
          at_ms < 0 ? 0 - static_cast<uint64_t>(at_ms) : static_cast<uint64_t>(at_ms);
      *out +=
          fmt::format(" @ {}{}.{:03d}", at_ms < 0 ? "-" : "", magnitude / 1000, magnitude % 1000);
      return;
    }
  }
}

void AppendOffset(int64_t offset_ms, const DurationExpr* offset_expr, std::string* out) {
  if (offset_expr != nullptr) {
    *out += " offset ";
    offset_expr->AppendString(out);
  } else if (offset_ms != 0) {
    *out += " offset ";
    *out += FormatPromDuration(offset_ms);
  }
}

void AppendDuration(int64_t ms, const DurationExpr* expr, std::string* out) {
  if (expr != nullptr) {
    expr->AppendString(out);
  } else {
    *out += FormatPromDuration(ms);
  }
}

bool SameFill(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

void NumberLiteral::AppendString(std::string* out) const {
  if (duration && std::isfinite(value)) {
    *out += FormatPromDuration(std::llround(value * 1000));
  } else {
    *out += FormatPromNumber(value);
  }
}

void StringLiteral::AppendString(std::string* out) const { *out += QuoteString(value); }

void VectorSelector::AppendSelector(std::string* out) const {
  std::vector<std::string> labels;
  labels.reserve(matchers.size());
  for (const LabelMatcher& matcher : matchers) {
    if (!name.empty() && matcher.name() == kMetricNameLabel &&
        matcher.type() == MatchType::kEqual && matcher.value() == name) {
      continue;
    }
    labels.push_back(MatcherString(matcher));
  }
  std::sort(labels.begin(), labels.end());
  *out += name;
  if (labels.empty() && !name.empty()) return;
  out->push_back('{');
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out->push_back(',');
    *out += labels[i];
  }
  out->push_back('}');
}

void VectorSelector::AppendModifiers(std::string* out) const {
  AppendAt(at, at_ms, out);
  AppendOffset(offset_ms, offset_expr.get(), out);
  if (anchored) *out += " anchored";
  if (smoothed) *out += " smoothed";
}

void VectorSelector::AppendString(std::string* out) const {
  AppendSelector(out);
  AppendModifiers(out);
}

void MatrixSelector::AppendString(std::string* out) const {
  selector->AppendSelector(out);
  out->push_back('[');
  AppendDuration(range_ms, range_expr.get(), out);
  out->push_back(']');
  selector->AppendModifiers(out);
}

void SubqueryExpr::AppendString(std::string* out) const {
  expr->AppendString(out);
  AppendSuffix(out);
}

void SubqueryExpr::AppendSuffix(std::string* out) const {
  out->push_back('[');
  AppendDuration(range_ms, range_expr.get(), out);
  out->push_back(':');
  if (step_expr != nullptr || step_ms != 0) AppendDuration(step_ms, step_expr.get(), out);
  out->push_back(']');
  AppendAt(at, at_ms, out);
  AppendOffset(offset_ms, offset_expr.get(), out);
}

void ParenExpr::AppendString(std::string* out) const {
  out->push_back('(');
  expr->AppendString(out);
  out->push_back(')');
}

void UnaryExpr::AppendString(std::string* out) const {
  out->push_back(op == UnaryOp::kNeg ? '-' : '+');
  expr->AppendString(out);
}

ValueType BinaryExpr::type() const {
  if (lhs->type() == ValueType::kScalar && rhs->type() == ValueType::kScalar) {
    return ValueType::kScalar;
  }
  return ValueType::kVector;
}

void BinaryExpr::AppendString(std::string* out) const {
  // A sign before the left operand of ^ would make it unary minus/plus of the power: print
  // +Inf (the one literal printed with a sign there) as Inf.
  const NumberLiteral* number = lhs->As<NumberLiteral>();
  if (op == BinaryOp::kPow && number != nullptr && std::isinf(number->value) && number->value > 0) {
    *out += "Inf";
  } else {
    lhs->AppendString(out);
  }
  out->push_back(' ');
  AppendOperator(out);
  out->push_back(' ');
  rhs->AppendString(out);
}

void BinaryExpr::AppendOperator(std::string* out) const {
  *out += BinaryOpName(op);
  if (return_bool) *out += " bool";
  bool grouped = matching.card == MatchCardinality::kManyToOne ||
                 matching.card == MatchCardinality::kOneToMany;
  if (matching.on || !matching.labels.empty() || grouped) {
    *out += matching.on ? " on " : " ignoring ";
    AppendLabelList(matching.labels, out);
    if (grouped) {
      *out += matching.card == MatchCardinality::kManyToOne ? " group_left " : " group_right ";
      AppendLabelList(matching.include, out);
    }
  }
  if (matching.fill_lhs && matching.fill_rhs && SameFill(*matching.fill_lhs, *matching.fill_rhs)) {
    *out += fmt::format(" fill({})", FormatPromNumber(*matching.fill_lhs));
  } else {
    if (matching.fill_lhs)
      *out += fmt::format(" fill_left({})", FormatPromNumber(*matching.fill_lhs));
    if (matching.fill_rhs) {
      *out += fmt::format(" fill_right({})", FormatPromNumber(*matching.fill_rhs));
    }
  }
}

std::vector<const Expr*> AggregateExpr::Children() const {
  if (param != nullptr) return {param.get(), expr.get()};
  return {expr.get()};
}

void AggregateExpr::AppendPrefix(std::string* out) const {
  *out += AggregateOpName(op);
  if (without || !grouping.empty()) {
    *out += without ? " without " : " by ";
    AppendLabelList(grouping, out);
    out->push_back(' ');
  }
}

void AggregateExpr::AppendString(std::string* out) const {
  AppendPrefix(out);
  out->push_back('(');
  if (param != nullptr) {
    param->AppendString(out);
    *out += ", ";
  }
  expr->AppendString(out);
  out->push_back(')');
}

ValueType Call::type() const { return func->return_type; }

std::vector<const Expr*> Call::Children() const {
  std::vector<const Expr*> children;
  children.reserve(args.size());
  for (const ExprPtr& arg : args) children.push_back(arg.get());
  return children;
}

void Call::AppendString(std::string* out) const {
  out->append(func->name);
  out->push_back('(');
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) *out += ", ";
    args[i]->AppendString(out);
  }
  out->push_back(')');
}

bool DurationExpr::IsConstant() const {
  if (op == Op::kStep || op == Op::kRange) return false;
  if (lhs != nullptr && !lhs->IsConstant()) return false;
  return rhs == nullptr || rhs->IsConstant();
}

Result<double> DurationExpr::EvaluateSeconds(int64_t step_ms, int64_t range_ms) const {
  switch (op) {
    case Op::kNumber:
    case Op::kDuration:
      return seconds;
    case Op::kStep:
      return static_cast<double>(step_ms) / 1000;
    case Op::kRange:
      return static_cast<double>(range_ms) / 1000;
    case Op::kNegate: {
      Result<double> value = rhs->EvaluateSeconds(step_ms, range_ms);
      if (!value.ok()) return value;
      return -*value;
    }
    default:
      break;
  }
  Result<double> a = lhs->EvaluateSeconds(step_ms, range_ms);
  if (!a.ok()) return a;
  Result<double> b = rhs->EvaluateSeconds(step_ms, range_ms);
  if (!b.ok()) return b;
  switch (op) {
    case Op::kAdd:
      return *a + *b;
    case Op::kSub:
      return *a - *b;
    case Op::kMul:
      return *a * *b;
    case Op::kDiv:
      if (*b == 0) return Status::InvalidArgument("division by zero");
      return *a / *b;
    case Op::kMod:
      if (*b == 0) return Status::InvalidArgument("modulo by zero");
      return std::fmod(*a, *b);
    case Op::kPow:
      return std::pow(*a, *b);
    case Op::kMin:
      return std::min(*a, *b);
    case Op::kMax:
      return std::max(*a, *b);
    default:
      return Status::Internal("bad duration expression");
  }
}

Result<int64_t> DurationExpr::EvaluateMs(int64_t step_ms, int64_t range_ms) const {
  Result<double> value = EvaluateSeconds(step_ms, range_ms);
  if (!value.ok()) return value.status();
  return DurationSecondsToMs(*value);
}

std::string DurationExpr::String() const {
  std::string out;
  AppendString(&out);
  return out;
}

void DurationExpr::AppendString(std::string* out) const {
  if (wrapped) out->push_back('(');
  switch (op) {
    case Op::kNumber:
      *out += FormatPromNumber(seconds);
      break;
    case Op::kDuration:
      *out += FormatPromDuration(std::llround(seconds * 1000));
      break;
    case Op::kStep:
      *out += "step()";
      break;
    case Op::kRange:
      *out += "range()";
      break;
    case Op::kNegate:
      out->push_back('-');
      rhs->AppendString(out);
      break;
    case Op::kMin:
    case Op::kMax:
      *out += function_name;
      out->push_back('(');
      lhs->AppendString(out);
      *out += ", ";
      rhs->AppendString(out);
      out->push_back(')');
      break;
    default: {
      static constexpr const char* kNames[] = {"", "", "+", "-", "*", "/", "%", "^"};
      lhs->AppendString(out);
      out->push_back(' ');
      *out += kNames[static_cast<int>(op)];
      out->push_back(' ');
      rhs->AppendString(out);
      break;
    }
  }
  if (wrapped) out->push_back(')');
}

}  // namespace otelite::promql
