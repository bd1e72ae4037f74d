// The evaluating half of the PromQL test-script runner: runs a script's commands (script.h)
// against an Engine over a TestStorage (storage.h) and compares each eval's result as Prometheus's
// own runner does: same series (labels exactly), values equal within 1e-6 relative (NaN equals
// NaN), `_` steps absent, order only for `ordered` evals; an expected failure passes on any
// failure, and whether its text matched is reported apart. Annotations (`expect warn`/`info`,
// `no_warn`/`no_info`) are compared by FORMAT.md §5's rules and reported apart as well.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "promqltest/script.h"
#include "query/promql/engine.h"

namespace otelite::promqltest {

struct CaseOutcome {
  int line = 0;
  std::string expr;
  bool passed = false;
  std::string problem;  // why it failed
  // An expected failure that failed with another text than the script's.
  bool message_differs = false;
  std::string message_note;
  // The eval has annotation expectations (of either kind), and whether they were not met.
  bool checks_annotations = false;
  bool annotations_differ = false;
  std::string annotations_note;
};

// Runs every command; `select` says whether an eval runs (skipped ones get no outcome).
Result<std::vector<CaseOutcome>> RunScript(const Script& script, const promql::Engine& engine,
                                           const std::function<bool(const EvalCommand&)>& select);

// "vector:\n      {a=\"b\"} 1" … for failure messages.
std::string DescribeValue(const promql::Value& value);

}  // namespace otelite::promqltest
