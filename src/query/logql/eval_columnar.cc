#include "query/logql/eval_columnar.h"

#include <algorithm>

#include "query/logql/convert.h"

namespace otelite::logql {

namespace {

constexpr size_t kMaxGroupColumns = 2;

// Whether a filter tree holds only string comparisons joined by and/or.
bool StringFilter(const LabelFilterExpr& f) {
  switch (f.kind) {
    case LabelFilterExpr::Kind::kAnd:
    case LabelFilterExpr::Kind::kOr:
      return StringFilter(*f.lhs) && StringFilter(*f.rhs);
    case LabelFilterExpr::Kind::kString:
      return f.matcher.has_value();
    default:
      return false;
  }
}

// Names the columnar path cannot resolve from a batch: error labels, and <name>_extracted.
bool PlainName(std::string_view name) {
  return !name.starts_with("__") && !name.ends_with("_extracted");
}

}  // namespace

size_t ColumnarScan::SourceIndex(const std::string& name) {
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (sources_[i].name == name) return i;
  }
  sources_.push_back(Source{name, true, std::nullopt, nullptr});
  return sources_.size() - 1;
}

int ColumnarScan::AddFilter(const LabelFilterExpr& f) {
  Node node{f.kind, -1, -1, -1};
  if (f.kind == LabelFilterExpr::Kind::kString) {
    Leaf leaf{SourceIndex(f.name), *f.matcher, false, {}, 0};
    leaves_.push_back(std::move(leaf));
    node.leaf = static_cast<int>(leaves_.size() - 1);
  } else {
    node.lhs = AddFilter(*f.lhs);
    node.rhs = AddFilter(*f.rhs);
  }
  nodes_.push_back(node);
  return static_cast<int>(nodes_.size() - 1);
}

std::optional<ColumnarScan> ColumnarScan::Plan(const RangeAggregationExpr& expr,
                                               const EntryGrouping* grouping, bool absent) {
  if (absent || grouping == nullptr || grouping->without) return std::nullopt;
  if (expr.unwrap && !expr.unwrap->post_filters.empty()) return std::nullopt;
  for (const Stage& stage : expr.selector.pipeline) {
    const auto* filter = std::get_if<LabelFilterStage>(&stage);
    if (filter == nullptr || !StringFilter(*filter->filter)) return std::nullopt;
  }
  ColumnarScan scan;
  for (const Stage& stage : expr.selector.pipeline) {
    const LabelFilterExpr& filter = *std::get<LabelFilterStage>(stage).filter;
    if (FilterKeepsEverything(filter)) continue;
    scan.roots_.push_back(scan.AddFilter(filter));
  }
  for (const auto& name : grouping->labels) {
    if (expr.unwrap && name == expr.unwrap->label) return std::nullopt;
    scan.group_sources_.push_back(scan.SourceIndex(name));
  }
  if (expr.unwrap) {
    scan.unwrap_source_ = scan.SourceIndex(expr.unwrap->label);
    scan.conversion_ = expr.unwrap->conversion;
  }
  for (const auto& s : scan.sources_) {
    if (!PlainName(s.name)) return std::nullopt;
  }
  return scan;
}

bool ColumnarScan::Resolve(Source* source, const Labels& stream, const LogEntryBatch& batch) {
  source->column = nullptr;
  source->constant = true;
  source->value.reset();
  if (stream.Has(source->name)) {
    source->value = stream.Get(source->name);
    return true;
  }
  auto it = std::lower_bound(batch.columns.begin(), batch.columns.end(), source->name,
                             [](const LogColumn& c, const std::string& n) { return c.name < n; });
  if (it != batch.columns.end() && it->name == source->name) {
    source->constant = false;
    source->column = &*it;
  }
  return true;
}

bool ColumnarScan::Bind(const Labels& stream, const LogEntryBatch& batch) {
  for (auto& source : sources_) Resolve(&source, stream, batch);
  for (auto& leaf : leaves_) {
    const Source& s = sources_[leaf.source];
    if (s.constant) {
      leaf.constant_match = leaf.matcher.Matches(s.value.value_or(std::string_view()));
      continue;
    }
    const auto& dict = s.column->dict;
    if (s.column->dict_id != 0 && leaf.table_dict == s.column->dict_id) continue;
    leaf.table.resize(dict.size() + 1);
    leaf.table[0] = leaf.matcher.Matches(std::string_view());
    for (size_t k = 0; k < dict.size(); ++k) leaf.table[k + 1] = leaf.matcher.Matches(dict[k]);
    leaf.table_dict = s.column->dict_id;
  }
  if (unwrap_source_) {
    auto convert = [this](std::string_view text, double* out) -> bool {
      switch (conversion_) {
        case Unwrap::Conversion::kNone: {
          auto v = ParseGoFloat(text);
          if (v.ok()) *out = *v;
          return v.ok();
        }
        case Unwrap::Conversion::kDuration:
        case Unwrap::Conversion::kDurationSeconds: {
          auto v = ParseGoDuration(text);
          if (v.ok()) *out = *v;
          return v.ok();
        }
        case Unwrap::Conversion::kBytes: {
          auto v = ParseHumanBytes(text);
          if (v.ok()) *out = static_cast<double>(*v);
          return v.ok();
        }
      }
      return false;
    };
    const Source& s = sources_[*unwrap_source_];
    if (s.constant) {
      constant_has_value_ = s.value && !s.value->empty();
      if (constant_has_value_ && !convert(*s.value, &constant_value_)) return false;
    } else if (s.column->dict_id == 0 || values_dict_ != s.column->dict_id) {
      const auto& dict = s.column->dict;
      values_.assign(dict.size() + 1, 0);
      value_state_.assign(dict.size() + 1, 0);
      for (size_t k = 0; k < dict.size(); ++k) {
        if (dict[k].empty()) continue;
        if (!convert(dict[k], &values_[k + 1])) {
          values_dict_ = 0;
          return false;
        }
        value_state_[k + 1] = 1;
      }
      values_dict_ = s.column->dict_id;
    }
  }
  // The group tables hold while the stream and the grouping columns' dictionaries stay.
  group_columns_.clear();
  std::vector<uint64_t> dicts;
  bool reusable = true;
  for (size_t g : group_sources_) {
    if (!sources_[g].constant) {
      group_columns_.push_back(g);
      dicts.push_back(sources_[g].column->dict_id);
      reusable = reusable && sources_[g].column->dict_id != 0;
    }
  }
  if (group_columns_.size() > kMaxGroupColumns) return false;
  if (stream_ != &stream || !reusable || dicts != group_dicts_) {
    single_group_ = kUnknown;
    group_table_.clear();
    group_cache_.clear();
    group_dicts_ = std::move(dicts);
    stream_ = &stream;
  }
  if (group_columns_.size() == 1) {
    group_table_.resize(sources_[group_columns_[0]].column->dict.size() + 1, kUnknown);
  }
  return true;
}

bool ColumnarScan::Eval(int node, size_t i) const {
  const Node& n = nodes_[static_cast<size_t>(node)];
  switch (n.kind) {
    case LabelFilterExpr::Kind::kAnd:
      return Eval(n.lhs, i) && Eval(n.rhs, i);
    case LabelFilterExpr::Kind::kOr:
      return Eval(n.lhs, i) || Eval(n.rhs, i);
    default: {
      const Leaf& leaf = leaves_[static_cast<size_t>(n.leaf)];
      const Source& s = sources_[leaf.source];
      if (s.constant) return leaf.constant_match;
      return leaf.table[s.column->codes[i]] != 0;
    }
  }
}

uint32_t ColumnarScan::NewGroup(size_t i,
                                const std::function<uint32_t(std::string_view)>& series_of) {
  key_.clear();
  for (size_t g : group_sources_) {
    const Source& s = sources_[g];
    std::optional<std::string_view> v = s.value;
    if (!s.constant) {
      const uint32_t code = s.column->codes[i];
      if (code == 0) continue;
      v = s.column->dict[code - 1];
    }
    if (!v) continue;
    key_.append(s.name);
    key_.push_back('\0');
    key_.append(*v);
    key_.push_back('\0');
  }
  return series_of(key_);
}

uint32_t ColumnarScan::SeriesOf(size_t i,
                                const std::function<uint32_t(std::string_view)>& series_of) {
  switch (group_columns_.size()) {
    case 0:
      if (single_group_ == kUnknown) single_group_ = NewGroup(i, series_of);
      return single_group_;
    case 1: {
      uint32_t& slot = group_table_[sources_[group_columns_[0]].column->codes[i]];
      if (slot == kUnknown) slot = NewGroup(i, series_of);
      return slot;
    }
    default: {
      const uint64_t combined =
          (static_cast<uint64_t>(sources_[group_columns_[0]].column->codes[i]) << 32) |
          sources_[group_columns_[1]].column->codes[i];
      auto it = group_cache_.find(combined);
      if (it != group_cache_.end()) return it->second;
      const uint32_t id = NewGroup(i, series_of);
      group_cache_.emplace(combined, id);
      return id;
    }
  }
}

void ColumnarScan::Select(const LogEntryBatch& batch,
                          const std::function<uint32_t(std::string_view)>& series_of,
                          std::vector<uint32_t>* rows, std::vector<uint32_t>* series,
                          std::vector<double>* values) {
  const size_t n = batch.size();
  rows->clear();
  series->clear();
  values->clear();
  // Filters: the common single comparison on a column is one table lookup per entry.
  if (roots_.empty()) {
    rows->resize(n);
    for (size_t i = 0; i < n; ++i) (*rows)[i] = static_cast<uint32_t>(i);
  } else if (roots_.size() == 1 && nodes_[static_cast<size_t>(roots_[0])].leaf >= 0 &&
             !sources_[leaves_[static_cast<size_t>(nodes_[static_cast<size_t>(roots_[0])].leaf)]
                           .source]
                  .constant) {
    const Leaf& leaf = leaves_[static_cast<size_t>(nodes_[static_cast<size_t>(roots_[0])].leaf)];
    const uint32_t* codes = sources_[leaf.source].column->codes.data();
    const uint8_t* table = leaf.table.data();
    rows->reserve(n);
    for (size_t i = 0; i < n; ++i) {
      if (table[codes[i]]) rows->push_back(static_cast<uint32_t>(i));
    }
  } else {
    rows->reserve(n);
    for (size_t i = 0; i < n; ++i) {
      bool keep = true;
      for (int root : roots_) {
        if (!Eval(root, i)) {
          keep = false;
          break;
        }
      }
      if (keep) rows->push_back(static_cast<uint32_t>(i));
    }
  }
  // Values: entries without one leave.
  if (unwrap_source_) {
    const Source& s = sources_[*unwrap_source_];
    size_t kept = 0;
    values->reserve(rows->size());
    for (uint32_t row : *rows) {
      double v = constant_value_;
      bool has = constant_has_value_;
      if (!s.constant) {
        const uint32_t code = s.column->codes[row];
        v = values_[code];
        has = value_state_[code] != 0;
      }
      if (!has) continue;
      (*rows)[kept++] = row;
      values->push_back(v);
    }
    rows->resize(kept);
  }
  // Series: entries past the series limit leave.
  size_t kept = 0;
  series->reserve(rows->size());
  for (size_t r = 0; r < rows->size(); ++r) {
    const uint32_t id = SeriesOf((*rows)[r], series_of);
    if (id == UINT32_MAX) continue;
    (*rows)[kept] = (*rows)[r];
    if (!values->empty()) (*values)[kept] = (*values)[r];
    ++kept;
    series->push_back(id);
  }
  rows->resize(kept);
  if (!values->empty()) values->resize(kept);
}

}  // namespace otelite::logql
