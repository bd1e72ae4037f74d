#include "query/promql/pretty.h"

#include <cmath>

#include "query/promql/functions.h"

namespace otelite::promql {
namespace {

class Prettifier {
 public:
  explicit Prettifier(size_t max_line) : max_line_(max_line) {}

  // Appends `expr` as it is printed at `level` (its first line indented, unless the rules say
  // otherwise).
  void Write(const Expr& expr, int level, std::string* out) const {
    switch (expr.kind()) {
      case NodeKind::kNumberLiteral:
      case NodeKind::kStringLiteral:
      case NodeKind::kVectorSelector:
      case NodeKind::kMatrixSelector:
        Indent(level, out);
        expr.AppendString(out);
        return;
      case NodeKind::kSubquery: {
        const auto& subquery = *expr.As<SubqueryExpr>();
        std::string flat = expr.String();
        if (flat.size() <= max_line_) {
          *out += flat;  // no indentation: Prometheus's prettifier prints it so
          return;
        }
        Write(*subquery.expr, level, out);
        subquery.AppendSuffix(out);
        return;
      }
      case NodeKind::kUnary: {
        const auto& unary = *expr.As<UnaryExpr>();
        std::string operand;
        Write(*unary.expr, level, &operand);
        const size_t first = operand.find_first_not_of(" \n");
        Indent(level, out);
        out->push_back(unary.op == UnaryOp::kNeg ? '-' : '+');
        out->append(operand, first == std::string::npos ? operand.size() : first);
        return;
      }
      default:
        break;
    }
    std::string flat = expr.String();
    if (flat.size() <= max_line_) {
      Indent(level, out);
      *out += flat;
      return;
    }
    switch (expr.kind()) {
      case NodeKind::kParen:
        Indent(level, out);
        *out += "(\n";
        Write(*expr.As<ParenExpr>()->expr, level + 1, out);
        Close(level, out);
        return;
      case NodeKind::kBinary: {
        const auto& binary = *expr.As<BinaryExpr>();
        WriteOperand(binary, *binary.lhs, level + 1, out);
        out->push_back('\n');
        Indent(level, out);
        binary.AppendOperator(out);
        out->push_back('\n');
        Write(*binary.rhs, level + 1, out);
        return;
      }
      case NodeKind::kAggregate: {
        const auto& aggregate = *expr.As<AggregateExpr>();
        Indent(level, out);
        aggregate.AppendPrefix(out);
        *out += "(\n";
        if (aggregate.param != nullptr) {
          Write(*aggregate.param, level + 1, out);
          *out += ",\n";
        }
        Write(*aggregate.expr, level + 1, out);
        Close(level, out);
        return;
      }
      case NodeKind::kCall: {
        const auto& call = *expr.As<Call>();
        if (call.args.empty()) break;
        Indent(level, out);
        *out += call.func->name;
        *out += "(\n";
        for (size_t i = 0; i < call.args.size(); ++i) {
          if (i > 0) *out += ",\n";
          Write(*call.args[i], level + 1, out);
        }
        Close(level, out);
        return;
      }
      default:
        break;
    }
    Indent(level, out);
    *out += flat;
  }

 private:
  static void Indent(int level, std::string* out) {
    out->append(2 * static_cast<size_t>(level), ' ');
  }

  // "\n" and the closing parenthesis at `level`.
  static void Close(int level, std::string* out) {
    out->push_back('\n');
    Indent(level, out);
    out->push_back(')');
  }

  // The left operand of a split binary expression. String() prints +Inf before `^` as `Inf`
  // (a sign there would make it a unary sign of the power); so does this.
  void WriteOperand(const BinaryExpr& binary, const Expr& lhs, int level, std::string* out) const {
    const NumberLiteral* number = lhs.As<NumberLiteral>();
    if (binary.op == BinaryOp::kPow && number != nullptr && std::isinf(number->value) &&
        number->value > 0) {
      Indent(level, out);
      *out += "Inf";
      return;
    }
    Write(lhs, level, out);
  }

  size_t max_line_;
};

}  // namespace

std::string Pretty(const Expr& expr, size_t max_line) {
  std::string out;
  Prettifier(max_line).Write(expr, 0, &out);
  return out;
}

}  // namespace otelite::promql
