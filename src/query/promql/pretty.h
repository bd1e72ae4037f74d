// PromQL's prettifier: a parsed tree printed over several indented lines when it is long, as
// Prometheus's /api/v1/format_query does (its `parser.Prettify`).
//
//   Pretty(*ParseExpr(query).expr)  →  "sum by (job) (\n  rate(\n    …[5m]\n  )\n)"
//
// The rules, node by node (the printed text of a node is its String(); the level of the root is
// 0, and a line at level n starts with 2·n spaces):
// - A node whose String() fits in `max_line` bytes is printed on one line, as String() prints
//   it (so a short query comes out exactly as String()).
// - A longer binary expression puts its left operand (one level deeper), the operator with its
//   `bool`/on/ignoring/group_left/group_right/fill modifiers (at its own level) and its right
//   operand (one level deeper) on lines of their own; each operand is then printed by these rules.
// - A longer aggregation prints `sum by (job) (`, its parameter and its expression one level
//   deeper (separated by ",\n") and `)` at its own level; a longer function call does the same
//   with its name and arguments, a longer parenthesised expression with `(` and `)`.
// - Selectors and literals never split (a long selector stays on one line with its matchers,
//   range, `@` and offset).
// - A longer subquery prints its inner expression by these rules followed directly by
//   `[range:step] @ … offset …`; a short subquery is printed without indentation even on a line
//   of its own, as Prometheus does.
// - A unary minus or plus is written directly before its operand's first line.
// Comments are not kept (the parser drops them).
//
// Thread-safety: a pure function of the tree.
#pragma once

#include <cstddef>
#include <string>

#include "query/promql/ast.h"

namespace otelite::promql {

// Prometheus's maximum line length for the prettifier.
inline constexpr size_t kPrettyMaxLine = 100;

std::string Pretty(const Expr& expr, size_t max_line = kPrettyMaxLine);

}  // namespace otelite::promql
