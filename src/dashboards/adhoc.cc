#include "dashboards/adhoc.h"

#include <fmt/format.h>

#include "query/logql/ast.h"
#include "query/logql/parser.h"
#include "query/promql/ast.h"
#include "query/promql/parser.h"

namespace otelite::dashboards {
namespace {

Result<Matchers> FilterMatchers(const std::vector<AdhocFilter>& filters) {
  Matchers out;
  for (const AdhocFilter& f : filters) {
    if (f.key.empty()) return Status::InvalidArgument("ad hoc filter without a key");
    auto type = AdhocOperator(f.op);
    if (!type.ok()) return type.status();
    auto m = LabelMatcher::Make(*type, f.key, f.value);
    if (!m.ok()) {
      return Status::InvalidArgument(
          fmt::format("ad hoc filter {}{}\"{}\": {}", f.key, f.op, f.value, m.status().message()));
    }
    out.push_back(std::move(*m));
  }
  return out;
}

void AddToPromQL(promql::Expr* expr, const Matchers& matchers) {
  using namespace promql;
  if (auto* vs = expr->As<VectorSelector>()) {
    vs->matchers.insert(vs->matchers.end(), matchers.begin(), matchers.end());
  } else if (auto* ms = expr->As<MatrixSelector>()) {
    AddToPromQL(ms->selector.get(), matchers);
  } else if (auto* sq = expr->As<SubqueryExpr>()) {
    AddToPromQL(sq->expr.get(), matchers);
  } else if (auto* p = expr->As<ParenExpr>()) {
    AddToPromQL(p->expr.get(), matchers);
  } else if (auto* u = expr->As<UnaryExpr>()) {
    AddToPromQL(u->expr.get(), matchers);
  } else if (auto* b = expr->As<BinaryExpr>()) {
    AddToPromQL(b->lhs.get(), matchers);
    AddToPromQL(b->rhs.get(), matchers);
  } else if (auto* a = expr->As<AggregateExpr>()) {
    AddToPromQL(a->expr.get(), matchers);
    if (a->param) AddToPromQL(a->param.get(), matchers);
  } else if (auto* c = expr->As<Call>()) {
    for (ExprPtr& arg : c->args) AddToPromQL(arg.get(), matchers);
  }
}

void AddToSelector(logql::LogSelector* selector, const Matchers& stream, const Matchers& metadata) {
  selector->matchers.insert(selector->matchers.end(), stream.begin(), stream.end());
  std::vector<logql::Stage> stages;
  for (const LabelMatcher& m : metadata) {
    logql::LabelFilterStage stage;
    stage.filter = std::make_unique<logql::LabelFilterExpr>();
    stage.filter->kind = logql::LabelFilterExpr::Kind::kString;
    stage.filter->name = m.name();
    stage.filter->matcher = m;
    stages.emplace_back(std::move(stage));
  }
  for (logql::Stage& s : selector->pipeline) stages.push_back(std::move(s));
  selector->pipeline = std::move(stages);
}

void AddToLogQL(logql::Expr* expr, const Matchers& stream, const Matchers& metadata) {
  using namespace logql;
  switch (expr->kind()) {
    case NodeKind::kLogQuery:
      AddToSelector(&static_cast<LogQueryExpr*>(expr)->selector, stream, metadata);
      break;
    case NodeKind::kRangeAggregation:
      AddToSelector(&static_cast<RangeAggregationExpr*>(expr)->selector, stream, metadata);
      break;
    case NodeKind::kVectorAggregation:
      AddToLogQL(static_cast<VectorAggregationExpr*>(expr)->inner.get(), stream, metadata);
      break;
    case NodeKind::kBinary: {
      auto* b = static_cast<BinaryExpr*>(expr);
      AddToLogQL(b->lhs.get(), stream, metadata);
      AddToLogQL(b->rhs.get(), stream, metadata);
      break;
    }
    case NodeKind::kLabelReplace:
      AddToLogQL(static_cast<LabelReplaceExpr*>(expr)->inner.get(), stream, metadata);
      break;
    case NodeKind::kLiteral:
    case NodeKind::kVector:
      break;
  }
}

}  // namespace

Result<MatchType> AdhocOperator(std::string_view op) {
  if (op == "=") return MatchType::kEqual;
  if (op == "!=") return MatchType::kNotEqual;
  if (op == "=~") return MatchType::kRegexMatch;
  if (op == "!~") return MatchType::kRegexNoMatch;
  return Status::InvalidArgument(
      fmt::format("ad hoc filter operator '{}' is not one of = != =~ !~", op));
}

Result<std::string> AddPromQLFilters(std::string_view query,
                                     const std::vector<AdhocFilter>& filters) {
  if (filters.empty()) return std::string(query);
  auto matchers = FilterMatchers(filters);
  if (!matchers.ok()) return matchers.status();
  auto parsed = promql::Parse(query);
  if (!parsed.ok()) return parsed.status();
  AddToPromQL(parsed->get(), *matchers);
  return (*parsed)->String();
}

Result<std::string> AddLogQLFilters(std::string_view query, const std::vector<AdhocFilter>& filters,
                                    const std::set<std::string>& index_labels) {
  if (filters.empty()) return std::string(query);
  auto matchers = FilterMatchers(filters);
  if (!matchers.ok()) return matchers.status();
  Matchers stream, metadata;
  for (LabelMatcher& m : *matchers) {
    (index_labels.count(m.name()) > 0 ? stream : metadata).push_back(std::move(m));
  }
  auto parsed = logql::ParseQuery(query);
  if (!parsed.ok()) return parsed.status();
  AddToLogQL(parsed->get(), stream, metadata);
  return (*parsed)->String();
}

}  // namespace otelite::dashboards
