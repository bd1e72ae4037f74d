#include "dashboards/transform.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "dashboards/json_members.h"

namespace otelite::dashboards {
namespace {

std::vector<std::string> StringArray(const JsonValue* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->IsArray()) return out;
  for (const JsonValue& e : v->GetArray()) {
    if (e.IsString()) out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return out;
}

bool Matches(const Frame& frame, const Field& field, std::string_view key) {
  return field.name == key || FieldDisplayName(frame, field) == key;
}

std::optional<double> Number(const CellValue& v) {
  if (const double* d = std::get_if<double>(&v)) return *d;
  return std::nullopt;
}

// Order for sorting: numbers, then strings, then others; nulls last.
int CellCompare(const CellValue& a, const CellValue& b) {
  const bool an = IsNull(a), bn = IsNull(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  if (a.index() != b.index()) return a.index() < b.index() ? -1 : 1;
  if (const double* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    if (std::isnan(*x) || std::isnan(y)) {
      return std::isnan(*x) == std::isnan(y) ? 0 : (std::isnan(*x) ? 1 : -1);
    }
    return *x < y ? -1 : (*x > y ? 1 : 0);
  }
  if (const std::string* x = std::get_if<std::string>(&a)) {
    const int c = x->compare(std::get<std::string>(b));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  const auto& la = std::get<Labels>(a);
  const auto& lb = std::get<Labels>(b);
  return la < lb ? -1 : (lb < la ? 1 : 0);
}

std::string CellKey(const CellValue& v) {
  switch (v.index()) {
    case 0:
      return "n";
    case 1:
      return fmt::format("d{:.17g}", std::get<double>(v));
    case 2:
      return "s" + std::get<std::string>(v);
    default:
      return "l" + std::get<Labels>(v).ToString();
  }
}

// A merged or joined field keeps name, type, labels and config of its first occurrence.
Field EmptyLike(const Field& f) {
  Field out;
  out.name = f.name;
  out.type = f.type;
  out.labels = f.labels;
  out.config = f.config;
  return out;
}

// ---- merge ----------------------------------------------------------------------------------

std::vector<Frame> Merge(std::vector<Frame> frames) {
  if (frames.size() <= 1) return frames;
  // Output fields by key (name, or display name for fields with labels), in order of appearance.
  std::vector<std::string> keys;
  std::vector<Field> out_fields;
  std::map<std::string, size_t> index;
  std::vector<std::vector<int>> mapping(frames.size());
  for (size_t fi = 0; fi < frames.size(); ++fi) {
    for (const Field& f : frames[fi].fields) {
      const std::string key = f.labels.empty() ? f.name : FieldDisplayName(frames[fi], f);
      auto [it, inserted] = index.emplace(key, out_fields.size());
      if (inserted) {
        out_fields.push_back(EmptyLike(f));
        out_fields.back().name = key;
        keys.push_back(key);
      }
      mapping[fi].push_back(static_cast<int>(it->second));
    }
  }
  // Key fields: those every frame has.
  std::vector<bool> is_key(out_fields.size(), false);
  for (size_t k = 0; k < out_fields.size(); ++k) {
    bool all = true;
    for (size_t fi = 0; fi < frames.size() && all; ++fi) {
      all = std::find(mapping[fi].begin(), mapping[fi].end(), static_cast<int>(k)) !=
            mapping[fi].end();
    }
    is_key[k] = all;
  }
  std::vector<std::vector<CellValue>> rows;
  std::unordered_map<std::string, std::vector<size_t>> by_key;
  for (size_t fi = 0; fi < frames.size(); ++fi) {
    const Frame& frame = frames[fi];
    for (size_t r = 0; r < frame.rows(); ++r) {
      std::string key;
      for (size_t c = 0; c < frame.fields.size(); ++c) {
        if (is_key[mapping[fi][c]] && r < frame.fields[c].values.size()) {
          key += CellKey(frame.fields[c].values[r]);
          key.push_back('\x1f');
        }
      }
      std::vector<size_t>& candidates = by_key[key];
      size_t target = rows.size();
      for (size_t candidate : candidates) {
        bool free = true;
        for (size_t c = 0; c < frame.fields.size() && free; ++c) {
          const int k = mapping[fi][c];
          if (!is_key[k] && !IsNull(rows[candidate][k])) free = false;
        }
        if (free) {
          target = candidate;
          break;
        }
      }
      if (target == rows.size()) {
        rows.emplace_back(out_fields.size());
        candidates.push_back(target);
      }
      for (size_t c = 0; c < frame.fields.size(); ++c) {
        if (r < frame.fields[c].values.size()) {
          rows[target][mapping[fi][c]] = frame.fields[c].values[r];
        }
      }
    }
  }
  Frame out;
  out.meta_type = "table";
  for (size_t k = 0; k < out_fields.size(); ++k) {
    out_fields[k].values.reserve(rows.size());
    for (auto& row : rows) out_fields[k].values.push_back(std::move(row[k]));
  }
  out.fields = std::move(out_fields);
  return {std::move(out)};
}

// ---- organize, filterFieldsByName -----------------------------------------------------------

void Organize(std::vector<Frame>* frames, const JsonValue& options) {
  const JsonValue* exclude = Member(options, "excludeByName");
  const JsonValue* order = Member(options, "indexByName");
  const JsonValue* rename = Member(options, "renameByName");
  for (Frame& frame : *frames) {
    if (exclude != nullptr && exclude->IsObject()) {
      std::vector<Field> kept;
      for (Field& f : frame.fields) {
        bool drop = false;
        for (const auto& m : exclude->GetObject()) {
          if (m.value.IsBool() && m.value.GetBool() &&
              Matches(frame, f, {m.name.GetString(), m.name.GetStringLength()})) {
            drop = true;
          }
        }
        if (!drop) kept.push_back(std::move(f));
      }
      frame.fields = std::move(kept);
    }
    if (order != nullptr && order->IsObject() && order->MemberCount() > 0) {
      auto position = [&](const Field& f) -> int64_t {
        for (const auto& m : order->GetObject()) {
          if (m.value.IsNumber() &&
              Matches(frame, f, {m.name.GetString(), m.name.GetStringLength()})) {
            return m.value.IsInt64() ? m.value.GetInt64()
                                     : static_cast<int64_t>(m.value.GetDouble());
          }
        }
        return INT64_MAX;
      };
      std::vector<std::pair<int64_t, size_t>> keys;
      for (size_t i = 0; i < frame.fields.size(); ++i)
        keys.push_back({position(frame.fields[i]), i});
      std::stable_sort(keys.begin(), keys.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      std::vector<Field> sorted;
      for (const auto& [pos, i] : keys) sorted.push_back(std::move(frame.fields[i]));
      frame.fields = std::move(sorted);
    }
    if (rename != nullptr && rename->IsObject()) {
      std::vector<std::string> new_names(frame.fields.size());
      for (size_t i = 0; i < frame.fields.size(); ++i) {
        for (const auto& m : rename->GetObject()) {
          if (m.value.IsString() && m.value.GetStringLength() > 0 &&
              Matches(frame, frame.fields[i], {m.name.GetString(), m.name.GetStringLength()})) {
            new_names[i].assign(m.value.GetString(), m.value.GetStringLength());
          }
        }
      }
      for (size_t i = 0; i < frame.fields.size(); ++i) {
        // As in Grafana, the field keeps its name (field overrides `byName` of the original
        // name still apply) and shows the new one.
        if (!new_names[i].empty()) frame.fields[i].config.display_name = new_names[i];
      }
    }
  }
}

bool FilterFieldsByName(std::vector<Frame>* frames, const JsonValue& options,
                        std::vector<std::string>* warnings) {
  struct Rule {
    std::vector<std::string> names;
    std::unique_ptr<RE2> pattern;
    bool present = false;
  };
  auto read_rule = [&](const char* key, Rule* rule) -> bool {
    const JsonValue* v = Member(options, key);
    if (v == nullptr || !v->IsObject()) return true;
    rule->present = true;
    rule->names = StringArray(Member(*v, "names"));
    const std::string pattern = StringMember(*v, "pattern");
    if (!pattern.empty()) {
      rule->pattern = std::make_unique<RE2>(pattern, RE2::Quiet);
      if (!rule->pattern->ok()) {
        warnings->push_back(fmt::format("filterFieldsByName: invalid pattern '{}': {}", pattern,
                                        rule->pattern->error()));
        return false;
      }
    }
    return true;
  };
  Rule include, exclude;
  if (!read_rule("include", &include) || !read_rule("exclude", &exclude)) return false;
  auto matches = [](const Rule& rule, const Frame& frame, const Field& f) {
    for (const std::string& n : rule.names) {
      if (Matches(frame, f, n)) return true;
    }
    return rule.pattern != nullptr &&
           (RE2::PartialMatch(FieldDisplayName(frame, f), *rule.pattern));
  };
  for (Frame& frame : *frames) {
    std::vector<Field> kept;
    for (Field& f : frame.fields) {
      bool keep = true;
      if (include.present) keep = matches(include, frame, f);
      if (keep && exclude.present) keep = !matches(exclude, frame, f);
      if (keep) kept.push_back(std::move(f));
    }
    frame.fields = std::move(kept);
  }
  return true;
}

// ---- reduce ---------------------------------------------------------------------------------

std::vector<Frame> Reduce(std::vector<Frame> frames, const JsonValue& options,
                          std::vector<std::string>* warnings) {
  std::vector<std::string> reducers = StringArray(Member(options, "reducers"));
  std::vector<std::string> valid;
  for (const std::string& r : reducers) {
    bool known = false;
    ReduceValues({}, r, &known);
    if (known) {
      valid.push_back(r);
    } else {
      warnings->push_back(fmt::format("reduce: unknown calculation '{}' skipped", r));
    }
  }
  if (valid.empty()) return frames;
  const std::string mode = StringMember(options, "mode", "seriesToRows");
  const bool include_time = BoolMember(options, "includeTimeField");
  const bool labels_to_fields = BoolMember(options, "labelsToFields");
  auto wanted = [&](const Field& f) {
    return f.type == FieldType::kNumber || (include_time && f.type == FieldType::kTime);
  };
  if (mode == "reduceFields") {
    for (Frame& frame : frames) {
      std::vector<Field> out;
      for (const Field& f : frame.fields) {
        if (!wanted(f)) continue;
        for (const std::string& r : valid) {
          Field nf = EmptyLike(f);
          if (valid.size() > 1) nf.name = f.name + " " + ReducerDisplayName(r);
          if (nf.type == FieldType::kTime) nf.type = FieldType::kNumber;
          bool known = false;
          std::optional<double> v = ReduceValues(f.values, r, &known);
          nf.values.push_back(v ? CellValue(*v) : CellValue());
          out.push_back(std::move(nf));
        }
      }
      frame.fields = std::move(out);
    }
    return frames;
  }
  // seriesToRows
  Frame out;
  out.meta_type = "table";
  Field name_field{"Field", FieldType::kString, {}, {}, {}};
  std::vector<std::string> label_names;
  if (labels_to_fields) {
    std::set<std::string> names;
    for (const Frame& frame : frames) {
      for (const Field& f : frame.fields) {
        if (!wanted(f)) continue;
        for (const Label& l : f.labels.items()) names.insert(l.name);
      }
    }
    label_names.assign(names.begin(), names.end());
  }
  std::vector<Field> label_fields;
  for (const std::string& n : label_names)
    label_fields.push_back(Field{n, FieldType::kString, {}, {}, {}});
  std::vector<Field> calc_fields;
  for (const std::string& r : valid) {
    calc_fields.push_back(Field{ReducerDisplayName(r), FieldType::kNumber, {}, {}, {}});
  }
  for (const Frame& frame : frames) {
    for (const Field& f : frame.fields) {
      if (!wanted(f)) continue;
      if (labels_to_fields) {
        name_field.values.emplace_back(f.name);
        for (size_t i = 0; i < label_names.size(); ++i) {
          label_fields[i].values.emplace_back(std::string(f.labels.Get(label_names[i])));
        }
      } else {
        name_field.values.emplace_back(FieldDisplayName(frame, f));
      }
      for (size_t i = 0; i < valid.size(); ++i) {
        bool known = false;
        std::optional<double> v = ReduceValues(f.values, valid[i], &known);
        calc_fields[i].values.push_back(v ? CellValue(*v) : CellValue());
      }
    }
  }
  out.fields.push_back(std::move(name_field));
  for (Field& f : label_fields) out.fields.push_back(std::move(f));
  for (Field& f : calc_fields) out.fields.push_back(std::move(f));
  return {std::move(out)};
}

// ---- seriesToRows, sortBy -------------------------------------------------------------------

std::vector<Frame> SeriesToRows(std::vector<Frame> frames) {
  struct Row {
    CellValue time;
    std::string metric;
    CellValue value;
  };
  std::vector<Row> rows;
  for (const Frame& frame : frames) {
    const int t = frame.FirstOfType(FieldType::kTime);
    if (t < 0) continue;
    for (const Field& f : frame.fields) {
      if (f.type != FieldType::kNumber) continue;
      const std::string metric = FieldDisplayName(frame, f);
      const auto& times = frame.fields[t].values;
      for (size_t r = 0; r < f.values.size() && r < times.size(); ++r) {
        rows.push_back({times[r], metric, f.values[r]});
      }
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return CellCompare(b.time, a.time) < 0; });
  Frame out;
  out.meta_type = "table";
  Field time{"Time", FieldType::kTime, {}, {}, {}};
  Field metric{"Metric", FieldType::kString, {}, {}, {}};
  Field value{"Value", FieldType::kNumber, {}, {}, {}};
  for (Row& r : rows) {
    time.values.push_back(std::move(r.time));
    metric.values.emplace_back(std::move(r.metric));
    value.values.push_back(std::move(r.value));
  }
  out.fields = {std::move(time), std::move(metric), std::move(value)};
  return {std::move(out)};
}

void SortBy(std::vector<Frame>* frames, const JsonValue& options) {
  const JsonValue* sort = Member(options, "sort");
  if (sort == nullptr || !sort->IsArray()) return;
  for (Frame& frame : *frames) {
    std::vector<std::pair<int, bool>> keys;  // field index, descending
    for (const JsonValue& s : sort->GetArray()) {
      const std::string name = StringMember(s, "field");
      if (name.empty()) continue;
      for (size_t i = 0; i < frame.fields.size(); ++i) {
        if (Matches(frame, frame.fields[i], name)) {
          keys.push_back({static_cast<int>(i), BoolMember(s, "desc")});
          break;
        }
      }
    }
    if (keys.empty()) continue;
    std::vector<size_t> order(frame.rows());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      for (const auto& [k, desc] : keys) {
        const auto& va = frame.fields[k].values;
        const CellValue& x = a < va.size() ? va[a] : CellValue();
        const CellValue& y = b < va.size() ? va[b] : CellValue();
        int c = CellCompare(x, y);
        if (desc && !IsNull(x) && !IsNull(y)) c = -c;
        if (c != 0) return c < 0;
      }
      return false;
    });
    for (Field& f : frame.fields) {
      std::vector<CellValue> sorted;
      sorted.reserve(order.size());
      for (size_t i : order) sorted.push_back(i < f.values.size() ? f.values[i] : CellValue());
      f.values = std::move(sorted);
    }
  }
}

// ---- labelsToFields -------------------------------------------------------------------------

std::vector<Frame> LabelsToFields(std::vector<Frame> frames, const JsonValue& options) {
  const std::string mode = StringMember(options, "mode", "columns");
  const std::string value_label = StringMember(options, "valueLabel");
  const std::vector<std::string> keep = StringArray(Member(options, "keepLabels"));
  auto kept = [&](const std::string& name) {
    return keep.empty() || std::find(keep.begin(), keep.end(), name) != keep.end();
  };
  if (mode == "rows") {
    std::vector<Frame> out;
    for (const Frame& frame : frames) {
      Frame f;
      f.ref_id = frame.ref_id;
      f.name = frame.name;
      Field label{"label", FieldType::kString, {}, {}, {}};
      Field value{"value", FieldType::kString, {}, {}, {}};
      for (const Field& field : frame.fields) {
        for (const Label& l : field.labels.items()) {
          if (!kept(l.name)) continue;
          label.values.emplace_back(l.name);
          value.values.emplace_back(l.value);
        }
      }
      f.fields = {std::move(label), std::move(value)};
      out.push_back(std::move(f));
    }
    return out;
  }
  for (Frame& frame : frames) {
    std::vector<Field> out;
    std::set<std::string> added;
    for (Field& field : frame.fields) {
      if (field.labels.empty()) {
        out.push_back(std::move(field));
        continue;
      }
      const size_t rows = field.values.size();
      for (const Label& l : field.labels.items()) {
        if (!kept(l.name) || l.name == value_label || !added.insert(l.name).second) continue;
        Field lf{l.name, FieldType::kString, {}, {}, {}};
        lf.values.assign(rows, CellValue(l.value));
        out.push_back(std::move(lf));
      }
      if (!value_label.empty() && field.labels.Has(value_label)) {
        field.name = std::string(field.labels.Get(value_label));
        field.config.display_name_from_ds.clear();
      }
      field.labels = Labels();
      out.push_back(std::move(field));
    }
    frame.fields = std::move(out);
  }
  return frames;
}

// ---- calculateField -------------------------------------------------------------------------

// A binary operand: a field (by name) or a number.
struct Operand {
  int field = -1;
  std::optional<double> number;
  std::string text;
};

Operand ReadOperand(const Frame& frame, const JsonValue* v) {
  Operand op;
  if (v == nullptr) return op;
  if (v->IsNumber()) {
    op.number = v->GetDouble();
    op.text = fmt::format("{}", *op.number);
    return op;
  }
  if (v->IsObject()) {
    const JsonValue* fixed = Member(*v, "fixed");
    const JsonValue* matcher = Member(*v, "matcher");
    if (fixed != nullptr && fixed->IsString()) {
      op.text.assign(fixed->GetString(), fixed->GetStringLength());
    } else if (matcher != nullptr) {
      op.text = StringMember(*matcher, "options");
    }
  } else if (v->IsString()) {
    op.text.assign(v->GetString(), v->GetStringLength());
  }
  for (size_t i = 0; i < frame.fields.size(); ++i) {
    if (Matches(frame, frame.fields[i], op.text)) {
      op.field = static_cast<int>(i);
      return op;
    }
  }
  char* end = nullptr;
  const double d = std::strtod(op.text.c_str(), &end);
  if (!op.text.empty() && end != nullptr && *end == '\0') op.number = d;
  return op;
}

std::optional<double> OperandAt(const Frame& frame, const Operand& op, size_t row) {
  if (op.field >= 0) {
    const auto& values = frame.fields[op.field].values;
    return row < values.size() ? Number(values[row]) : std::nullopt;
  }
  return op.number;
}

bool CalculateField(std::vector<Frame>* frames, const JsonValue& options,
                    std::vector<std::string>* warnings) {
  const std::string mode = StringMember(options, "mode", "reduceRow");
  const std::string alias = StringMember(options, "alias");
  const bool replace = BoolMember(options, "replaceFields");
  if (mode != "reduceRow" && mode != "binary") {
    warnings->push_back(fmt::format("calculateField: mode '{}' is not supported", mode));
    return false;
  }
  for (Frame& frame : *frames) {
    const size_t rows = frame.rows();
    Field result{"", FieldType::kNumber, {}, {}, {}};
    result.values.reserve(rows);
    if (mode == "reduceRow") {
      const JsonValue* reduce = Member(options, "reduce");
      const std::string reducer = reduce ? StringMember(*reduce, "reducer", "sum") : "sum";
      const std::vector<std::string> include =
          reduce ? StringArray(Member(*reduce, "include")) : std::vector<std::string>{};
      bool known = false;
      ReduceValues({}, reducer, &known);
      if (!known) {
        warnings->push_back(fmt::format("calculateField: unknown reducer '{}'", reducer));
        return false;
      }
      std::vector<size_t> inputs;
      for (size_t i = 0; i < frame.fields.size(); ++i) {
        const Field& f = frame.fields[i];
        if (f.type != FieldType::kNumber) continue;
        bool ok = include.empty();
        for (const std::string& n : include) ok |= Matches(frame, f, n);
        if (ok) inputs.push_back(i);
      }
      result.name = alias.empty() ? ReducerDisplayName(reducer) : alias;
      std::vector<CellValue> row_values;
      for (size_t r = 0; r < rows; ++r) {
        row_values.clear();
        for (size_t i : inputs) {
          row_values.push_back(r < frame.fields[i].values.size() ? frame.fields[i].values[r]
                                                                 : CellValue());
        }
        std::optional<double> v = ReduceValues(row_values, reducer, &known);
        result.values.push_back(v ? CellValue(*v) : CellValue());
      }
    } else {
      const JsonValue* binary = Member(options, "binary");
      if (binary == nullptr || !binary->IsObject()) {
        warnings->push_back("calculateField: binary options missing");
        return false;
      }
      const Operand left = ReadOperand(frame, Member(*binary, "left"));
      const Operand right = ReadOperand(frame, Member(*binary, "right"));
      const std::string op = StringMember(*binary, "operator", "+");
      result.name = alias.empty() ? fmt::format("{} {} {}", left.text, op, right.text) : alias;
      for (size_t r = 0; r < rows; ++r) {
        std::optional<double> a = OperandAt(frame, left, r), b = OperandAt(frame, right, r);
        if (!a || !b) {
          result.values.emplace_back();
          continue;
        }
        double v = 0;
        if (op == "+") {
          v = *a + *b;
        } else if (op == "-") {
          v = *a - *b;
        } else if (op == "*") {
          v = *a * *b;
        } else if (op == "/") {
          v = *a / *b;
        } else if (op == "%") {
          v = std::fmod(*a, *b);
        } else if (op == "^") {
          v = std::pow(*a, *b);
        } else {
          warnings->push_back(fmt::format("calculateField: unknown operator '{}'", op));
          return false;
        }
        result.values.emplace_back(v);
      }
    }
    if (replace) {
      std::vector<Field> kept;
      for (Field& f : frame.fields) {
        if (f.type == FieldType::kTime) kept.push_back(std::move(f));
      }
      frame.fields = std::move(kept);
    }
    frame.fields.push_back(std::move(result));
  }
  return true;
}

// ---- joinByField ----------------------------------------------------------------------------

std::vector<Frame> JoinByField(std::vector<Frame> frames, const JsonValue& options) {
  const std::string by = StringMember(options, "byField");
  const bool inner = StringMember(options, "mode", "outer") == "inner";
  struct Input {
    const Frame* frame;
    int key;
  };
  std::vector<Input> inputs;
  for (const Frame& frame : frames) {
    int key = -1;
    for (size_t i = 0; i < frame.fields.size() && key < 0; ++i) {
      if (by.empty() ? frame.fields[i].type == FieldType::kTime
                     : Matches(frame, frame.fields[i], by)) {
        key = static_cast<int>(i);
      }
    }
    if (key >= 0) inputs.push_back({&frame, key});
  }
  if (inputs.empty()) return frames;
  // Distinct keys with the row of each input that has them (first occurrence).
  std::vector<CellValue> keys;
  std::unordered_map<std::string, size_t> key_index;
  std::vector<std::vector<int64_t>> row_of;  // [key][input] -> row or -1
  for (size_t in = 0; in < inputs.size(); ++in) {
    const Field& kf = inputs[in].frame->fields[inputs[in].key];
    for (size_t r = 0; r < kf.values.size(); ++r) {
      auto [it, inserted] = key_index.emplace(CellKey(kf.values[r]), keys.size());
      if (inserted) {
        keys.push_back(kf.values[r]);
        row_of.emplace_back(inputs.size(), -1);
      }
      if (row_of[it->second][in] < 0) row_of[it->second][in] = static_cast<int64_t>(r);
    }
  }
  std::vector<size_t> order;
  for (size_t k = 0; k < keys.size(); ++k) {
    bool all = true;
    for (size_t in = 0; in < inputs.size() && inner; ++in) all &= row_of[k][in] >= 0;
    if (all) order.push_back(k);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return CellCompare(keys[a], keys[b]) < 0; });
  Frame out;
  out.meta_type = "table";
  Field key_field = EmptyLike(inputs[0].frame->fields[inputs[0].key]);
  for (size_t k : order) key_field.values.push_back(keys[k]);
  out.fields.push_back(std::move(key_field));
  for (size_t in = 0; in < inputs.size(); ++in) {
    const Frame& frame = *inputs[in].frame;
    for (size_t c = 0; c < frame.fields.size(); ++c) {
      if (static_cast<int>(c) == inputs[in].key) continue;
      const Field& f = frame.fields[c];
      Field nf = EmptyLike(f);
      if (nf.config.display_name_from_ds.empty() && nf.config.display_name.empty() &&
          f.type != FieldType::kTime) {
        const std::string display = FieldDisplayName(frame, f);
        if (display != f.name) nf.config.display_name_from_ds = display;
      }
      nf.values.reserve(order.size());
      for (size_t k : order) {
        const int64_t r = row_of[k][in];
        nf.values.push_back(r >= 0 && static_cast<size_t>(r) < f.values.size() ? f.values[r]
                                                                               : CellValue());
      }
      out.fields.push_back(std::move(nf));
    }
  }
  return {std::move(out)};
}

}  // namespace

std::string ReducerDisplayName(std::string_view reducer) {
  // Grafana's calculation names (its "Calculation types" documentation).
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"lastNotNull", "Last *"},
      {"last", "Last"},
      {"firstNotNull", "First *"},
      {"first", "First"},
      {"sum", "Total"},
      {"mean", "Mean"},
      {"max", "Max"},
      {"min", "Min"},
      {"count", "Count"},
      {"range", "Range"},
      {"delta", "Delta"},
      {"diff", "Difference"},
      {"median", "Median"},
      {"distinctCount", "Distinct count"},
      {"changeCount", "Change count"},
      {"logmin", "Min (above zero)"},
  };
  for (const auto& [id, name] : kNames) {
    if (reducer == id) return std::string(name);
  }
  return std::string(reducer);
}

std::optional<double> ReduceValues(const std::vector<CellValue>& values, std::string_view reducer,
                                   bool* known) {
  *known = true;
  if (reducer == "first") return values.empty() ? std::nullopt : Number(values.front());
  if (reducer == "last") return values.empty() ? std::nullopt : Number(values.back());
  if (reducer == "firstNotNull" || reducer == "lastNotNull") {
    const bool first = reducer == "firstNotNull";
    for (size_t i = 0; i < values.size(); ++i) {
      const CellValue& v = values[first ? i : values.size() - 1 - i];
      std::optional<double> d = Number(v);
      if (d && !std::isnan(*d)) return d;
    }
    return std::nullopt;
  }
  if (reducer == "distinctCount") {
    std::set<std::string> distinct;
    for (const CellValue& v : values) {
      if (!IsNull(v)) distinct.insert(CellKey(v));
    }
    return static_cast<double>(distinct.size());
  }
  double sum = 0, max = -INFINITY, min = INFINITY;
  size_t count = 0;
  std::optional<double> first_value, last_value;
  for (const CellValue& v : values) {
    std::optional<double> d = Number(v);
    if (!d) continue;
    ++count;
    sum += *d;
    max = std::max(max, *d);
    min = std::min(min, *d);
    if (!first_value) first_value = d;
    last_value = d;
  }
  if (reducer == "sum") return sum;
  if (reducer == "count") return static_cast<double>(count);
  if (reducer == "mean") return count == 0 ? std::nullopt : std::optional<double>(sum / count);
  if (reducer == "max") return count == 0 ? std::nullopt : std::optional<double>(max);
  if (reducer == "min") return count == 0 ? std::nullopt : std::optional<double>(min);
  if (reducer == "range") return count == 0 ? std::nullopt : std::optional<double>(max - min);
  if (reducer == "diff") {
    return count == 0 ? std::nullopt : std::optional<double>(*last_value - *first_value);
  }
  if (reducer == "delta") {
    // Sum of increases, a decrease counting as a reset (Grafana's "Delta").
    double delta = 0;
    std::optional<double> previous;
    for (const CellValue& v : values) {
      std::optional<double> d = Number(v);
      if (!d) continue;
      if (previous) delta += *d >= *previous ? *d - *previous : *d;
      previous = d;
    }
    return count == 0 ? std::nullopt : std::optional<double>(delta);
  }
  *known = false;
  return std::nullopt;
}

std::vector<Frame> ApplyTransformations(std::vector<Frame> frames,
                                        const rapidjson::Value& transformations,
                                        std::vector<std::string>* warnings) {
  if (!transformations.IsArray()) return frames;
  static const JsonValue kEmpty(rapidjson::kObjectType);
  for (const JsonValue& t : transformations.GetArray()) {
    if (!t.IsObject() || BoolMember(t, "disabled")) continue;
    const std::string id = StringMember(t, "id");
    const JsonValue* options_ptr = Member(t, "options");
    const JsonValue& options =
        options_ptr != nullptr && options_ptr->IsObject() ? *options_ptr : kEmpty;
    if (id == "merge") {
      frames = Merge(std::move(frames));
    } else if (id == "organize") {
      Organize(&frames, options);
    } else if (id == "filterFieldsByName") {
      std::vector<Frame> copy = frames;
      if (!FilterFieldsByName(&copy, options, warnings)) continue;
      frames = std::move(copy);
    } else if (id == "reduce") {
      frames = Reduce(std::move(frames), options, warnings);
    } else if (id == "seriesToRows") {
      frames = SeriesToRows(std::move(frames));
    } else if (id == "sortBy") {
      SortBy(&frames, options);
    } else if (id == "labelsToFields") {
      frames = LabelsToFields(std::move(frames), options);
    } else if (id == "calculateField") {
      std::vector<Frame> copy = frames;
      if (!CalculateField(&copy, options, warnings)) continue;
      frames = std::move(copy);
    } else if (id == "joinByField" || id == "seriesToColumns") {
      frames = JoinByField(std::move(frames), options);
    } else {
      warnings->push_back(fmt::format("transformation '{}' is not supported; skipped", id));
    }
  }
  return frames;
}

}  // namespace otelite::dashboards
