// Small pieces of evaluation shared by the eval*.cc files: operator arithmetic, result labels of
// vector matching, merging series that became equal once their name was dropped, and the
// interpolation of `smoothed` selectors.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/labels.h"
#include "core/status.h"
#include "query/promql/ast.h"
#include "query/promql/eval.h"

namespace otelite::promql {

// A label set as Prometheus prints it in error messages: {__name__="up", job="a"} (every label,
// the name included, in order; values quoted).
std::string LabelsString(const Labels& labels);

// Floor division for possibly negative times.

// Applies an arithmetic or comparison operator. Arithmetic: *value is the result, returns true.
// Comparison: returns whether it holds, *value = lhs.
bool ApplyBinaryOp(BinaryOp op, double lhs, double rhs, double* value);

// An element of a vector operation: `lhs op rhs`. Arithmetic gives the value; a comparison keeps
// `kept` (the vector's value) when it holds and filters the element out otherwise, or gives 1/0
// with `bool`. False when the element is filtered out.
bool ElementResult(BinaryOp op, bool return_bool, double lhs, double rhs, double kept,
                   double* value);

// The labels of a vector-matching result: the "many" side's labels, without the name when
// `drop_name`, reduced to the on/ignoring labels for one-to-one matching, plus the group_x labels
// taken from the "one" side.
Labels ResultLabels(const Labels& many, const Labels& one, const VectorMatching& matching,
                    bool drop_name);

// Series that have equal labels (after their names were dropped) become one series; fails with
// Prometheus's "vector cannot contain metrics with the same labelset" when two have a value at
// the same step.
Status CheckUniqueLabels(StepMatrix& series);
// The same where a series marked drop_name counts without its name (immediate name removal);
// the labels are only rebuilt when two series do collide.
Status CheckUniqueVisibleLabels(StepMatrix* series);

// The value of a `smoothed` instant selector at `ref`: the sample at ref, else the linear
// interpolation between the samples around it (the one after at most `lookback` away), else the
// last sample within the lookback. `next` is the index of the first sample after ref. False when
// there is none (or the last one is a stale marker).
bool SmoothedValueAt(std::span<const FPoint> raw, size_t next, int64_t ref, int64_t lookback,
                     double* value);

// label_replace()'s replacement with Go's Regexp.Expand rules: $1, ${1}, $name, ${name}, $$;
// an unknown group expands to nothing. `groups` are the submatches of `re`.
std::string ExpandReplacement(std::string_view replacement, const re2::RE2& re,
                              const std::vector<re2::StringPiece>& groups);

}  // namespace otelite::promql
