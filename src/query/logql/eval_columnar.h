// The columnar path of range aggregations: when a pipeline only filters on labels with string
// matchers (`| event_name="api_request" | model=~"opus.*"`), optionally unwraps one label, and
// the entries are grouped by named labels (a range aggregation's `by`, or a `sum by` pushed down
// onto it), every entry can be decided on the batch's dictionary codes. Matchers are tested once
// per dictionary value, unwrapped values converted once per dictionary value, and a group found
// once per combination of codes, so no entry's labels are ever materialised. The answers are the
// general path's (pipeline.h): a name that is a stream label reads the stream label, an absent
// label reads as "", an unwrapped label that is absent or empty gives no sample.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/labels.h"
#include "query/logql/ast.h"
#include "query/logql/eval.h"
#include "storage/log_querier.h"

namespace otelite::logql {

class ColumnarScan {
 public:
  // A plan when `expr` qualifies (see above), else nullopt (use the general path).
  static std::optional<ColumnarScan> Plan(const RangeAggregationExpr& expr,
                                          const EntryGrouping* grouping, bool absent);

  // Prepares for a batch of `stream`. False when the batch needs the general path: an unwrapped
  // value in it does not convert (the general path reports the pipeline error with its labels).
  bool Bind(const Labels& stream, const LogEntryBatch& batch);
  // The entries of the bound batch that pass the filters (and have a value when unwrapping),
  // in order: their indexes in *rows, their output series in *series (`series_of(key)` maps a
  // label-set key, name\0value\0 pairs in name order, to a series id, UINT32_MAX when no more
  // series may be created: such entries are left out) and, when unwrapping, their values.
  void Select(const LogEntryBatch& batch,
              const std::function<uint32_t(std::string_view)>& series_of,
              std::vector<uint32_t>* rows, std::vector<uint32_t>* series,
              std::vector<double>* values);

 private:
  // A label as a batch holds it: a constant (a stream label, or absent) or a column.
  struct Source {
    std::string name;
    bool constant = true;
    std::optional<std::string_view> value;  // constant
    const LogColumn* column = nullptr;
  };
  struct Leaf {
    size_t source = 0;
    LabelMatcher matcher;
    bool constant_match = false;
    std::vector<uint8_t> table;  // per code (0 = absent)
    uint64_t table_dict = 0;     // LogColumn::dict_id `table` was built for (0: rebuild)
  };
  struct Node {
    LabelFilterExpr::Kind kind;
    int lhs = -1;
    int rhs = -1;
    int leaf = -1;
  };

  ColumnarScan() = default;
  size_t SourceIndex(const std::string& name);
  int AddFilter(const LabelFilterExpr& filter);
  bool Eval(int node, size_t i) const;
  // The series of entry i, through the group tables.
  uint32_t SeriesOf(size_t i, const std::function<uint32_t(std::string_view)>& series_of);
  uint32_t NewGroup(size_t i, const std::function<uint32_t(std::string_view)>& series_of);
  bool Resolve(Source* source, const Labels& stream, const LogEntryBatch& batch);

  std::vector<Source> sources_;
  std::vector<Leaf> leaves_;
  std::vector<Node> nodes_;
  std::vector<int> roots_;             // one per filter stage, all must hold
  std::vector<size_t> group_sources_;  // sorted by label name
  std::optional<size_t> unwrap_source_;
  Unwrap::Conversion conversion_ = Unwrap::Conversion::kNone;
  // Unwrapped values per code of the unwrap column (state 0: no sample, 1: value).
  std::vector<double> values_;
  std::vector<uint8_t> value_state_;
  uint64_t values_dict_ = 0;  // LogColumn::dict_id of values_ (0: rebuild)
  bool constant_has_value_ = false;
  double constant_value_ = 0;
  // Series per combination of the (at most two) grouping columns' codes, for the dictionaries
  // it was built with: no column: one series; one column: a table by code; two: a hash map.
  static constexpr uint32_t kUnknown = UINT32_MAX - 1;
  std::vector<size_t> group_columns_;  // indexes into sources_ of the non-constant group labels
  uint32_t single_group_ = kUnknown;
  std::vector<uint32_t> group_table_;
  std::unordered_map<uint64_t, uint32_t> group_cache_;
  std::vector<uint64_t> group_dicts_;  // LogColumn::dict_id of the group columns
  const Labels* stream_ = nullptr;
  std::string key_;
};

}  // namespace otelite::logql
