// Writers for text 0.0.4 and OpenMetrics 1.0.0 (declared in exposition_format.h).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/float_format.h"
#include "export/prometheus/exposition_format.h"

namespace otelite {
namespace {

constexpr std::string_view kBucketLabel = "le";
constexpr std::string_view kQuantileLabel = "quantile";

// Where a sample sits inside its metric (one label set of a family); also the write order.
enum class Role : uint8_t {
  kValue = 0,  // the plain value, a histogram bucket or a summary quantile
  kSum = 1,
  kCount = 2,
  kOther = 3,  // any other sample name that landed in the family
};

struct Row {
  const MetricSample* sample;
  std::string_view name;               // the sample's __name__
  const Label* bound_label = nullptr;  // `le` of a bucket, `quantile` of a quantile
  double bound = 0;                    // its numeric value, for ordering
  Role role = Role::kValue;
  bool integer_count = false;  // bucket and _count values: integers in OpenMetrics
};

struct FamilyRows {
  const MetricFamily* family;
  std::vector<Row> rows;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Parses a float label value such as "0.25", "+Inf", "1e+06"; false when it is not one.
bool ParseBound(std::string_view text, double* value) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

const Label* FindLabel(const Labels& labels, std::string_view name) {
  for (const Label& label : labels.items()) {
    if (label.name == name) return &label;
  }
  return nullptr;
}

Row ClassifySample(const MetricFamily& family, const MetricSample& sample) {
  Row row{.sample = &sample, .name = sample.labels.Get(kMetricNameLabel)};
  std::string_view suffix;
  if (row.name.size() >= family.name.size() &&
      row.name.substr(0, family.name.size()) == family.name) {
    suffix = row.name.substr(family.name.size());
  } else {
    row.role = Role::kOther;
    return row;
  }
  std::string_view bound_name;
  if (family.type == MetricType::kHistogram) {
    if (suffix == "_bucket") {
      bound_name = kBucketLabel;
      row.integer_count = true;
    } else if (suffix == "_sum") {
      row.role = Role::kSum;
    } else if (suffix == "_count") {
      row.role = Role::kCount;
      row.integer_count = true;
    } else {
      row.role = Role::kOther;
    }
  } else if (family.type == MetricType::kSummary) {
    if (suffix.empty()) {
      bound_name = kQuantileLabel;
    } else if (suffix == "_sum") {
      row.role = Role::kSum;
    } else if (suffix == "_count") {
      row.role = Role::kCount;
      row.integer_count = true;
    } else {
      row.role = Role::kOther;
    }
  } else if (!suffix.empty() && !(family.type == MetricType::kCounter && suffix == "_total")) {
    row.role = Role::kOther;
  }
  if (!bound_name.empty()) {
    row.bound_label = FindLabel(sample.labels, bound_name);
    if (row.bound_label == nullptr || !ParseBound(row.bound_label->value, &row.bound)) {
      row.bound = std::nan("");
    }
  }
  return row;
}

bool SkippedInGroup(const Label& label, const Row& row) {
  return label.name == kMetricNameLabel || &label == row.bound_label;
}

// Orders by the labels that identify the metric: all but __name__ and le/quantile.
int CompareMetricLabels(const Row& a, const Row& b) {
  const std::vector<Label>& la = a.sample->labels.items();
  const std::vector<Label>& lb = b.sample->labels.items();
  size_t i = 0;
  size_t j = 0;
  while (true) {
    while (i < la.size() && SkippedInGroup(la[i], a)) ++i;
    while (j < lb.size() && SkippedInGroup(lb[j], b)) ++j;
    bool a_done = i == la.size();
    bool b_done = j == lb.size();
    if (a_done || b_done) return a_done == b_done ? 0 : (a_done ? -1 : 1);
    if (int c = la[i].name.compare(lb[j].name); c != 0) return c;
    if (int c = la[i].value.compare(lb[j].value); c != 0) return c;
    ++i;
    ++j;
  }
}

bool RowLess(const Row& a, const Row& b) {
  if (int c = CompareMetricLabels(a, b); c != 0) return c < 0;
  if (a.role != b.role) return a.role < b.role;
  // Ascending bounds, unparsable ones (NaN) last.
  bool a_nan = std::isnan(a.bound);
  bool b_nan = std::isnan(b.bound);
  if (a_nan != b_nan) return b_nan;
  if (!a_nan && a.bound != b.bound) return a.bound < b.bound;
  if (a.name != b.name) return a.name < b.name;
  if (a.bound_label != nullptr && b.bound_label != nullptr) {
    return a.bound_label->value < b.bound_label->value;
  }
  return false;
}

template <typename Int>
void AppendInt(Int value, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, end);
}

// Escapes `\` and line feed, and `"` when `quote` (label values; OpenMetrics HELP).
void AppendEscaped(std::string_view text, bool quote, std::string* out) {
  for (char c : text) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '"' && quote) {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

// client_golang's writeFloat: Go's 'g' shortest form; both zeros are "0".
void AppendTextFloat(double value, std::string* out) {
  if (value == 0) {
    out->push_back('0');
    return;
  }
  AppendGoFloat(value, out);
}

// client_golang's writeOpenMetricsFloat: like text, with ".0" appended to finite values that
// would otherwise look like integers (1.0, 0.0, 100000.0; but 1e+06).
void AppendOpenMetricsFloat(double value, std::string* out) {
  if (value == 0) {
    out->append("0.0");
    return;
  }
  size_t start = out->size();
  AppendGoFloat(value, out);
  if (std::isfinite(value) && out->find_first_of(".e", start) == std::string::npos) {
    out->append(".0");
  }
}

void AppendOpenMetricsValue(const Row& row, std::string* out) {
  double v = row.sample->value;
  if (row.integer_count && v >= 0 && v < 18446744073709551616.0 && v == std::floor(v)) {
    AppendInt(static_cast<uint64_t>(v), out);
  } else {
    AppendOpenMetricsFloat(v, out);
  }
}

// Seconds with exactly three decimals: 1700000000123 -> 1700000000.123.
void AppendOpenMetricsTimestamp(int64_t ms, std::string* out) {
  uint64_t magnitude = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  if (ms < 0) out->push_back('-');
  AppendInt(magnitude / 1000, out);
  uint64_t millis = magnitude % 1000;
  out->push_back('.');
  out->push_back(static_cast<char>('0' + millis / 100));
  out->push_back(static_cast<char>('0' + millis / 10 % 10));
  out->push_back(static_cast<char>('0' + millis % 10));
}

void AppendLabelPair(std::string_view name, char* separator, std::string* out) {
  out->push_back(*separator);
  *separator = ',';
  out->append(name);
  out->append("=\"");
}

// name{labels} with le/quantile last, as client_golang writes them; no braces when empty.
void AppendSeries(const Row& row, ExpositionFormat format, std::string* out) {
  out->append(row.name);
  char separator = '{';
  for (const Label& label : row.sample->labels.items()) {
    if (SkippedInGroup(label, row)) continue;
    AppendLabelPair(label.name, &separator, out);
    AppendEscaped(label.value, /*quote=*/true, out);
    out->push_back('"');
  }
  if (row.bound_label != nullptr) {
    AppendLabelPair(row.bound_label->name, &separator, out);
    // OpenMetrics wants canonical numbers in le/quantile ("1.0", "+Inf").
    if (format == ExpositionFormat::kOpenMetrics100 && !std::isnan(row.bound)) {
      AppendOpenMetricsFloat(row.bound, out);
    } else {
      AppendEscaped(row.bound_label->value, /*quote=*/true, out);
    }
    out->push_back('"');
  }
  if (separator == ',') out->push_back('}');
}

const char* TextTypeName(MetricType type) {
  return type == MetricType::kUnknown ? "untyped" : MetricTypeName(type);
}

// A unit goes on a `# UNIT` line only when it is made of metric-name characters and
// "_<unit>" ends the family name, as OpenMetrics 1.0 requires.
bool UnitFitsName(std::string_view unit, std::string_view name) {
  if (unit.empty()) return false;
  for (char c : unit) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == ':';
    if (!ok) return false;
  }
  return name.size() > unit.size() + 1 && EndsWith(name, unit) &&
         name[name.size() - unit.size() - 1] == '_';
}

void AppendTextFamily(const FamilyRows& family_rows, std::string* out) {
  const MetricFamily& family = *family_rows.family;
  out->append("# HELP ").append(family.name).push_back(' ');
  AppendEscaped(family.help, /*quote=*/false, out);
  out->append("\n# TYPE ").append(family.name).push_back(' ');
  out->append(TextTypeName(family.type)).push_back('\n');
  for (const Row& row : family_rows.rows) {
    AppendSeries(row, ExpositionFormat::kText004, out);
    out->push_back(' ');
    AppendTextFloat(row.sample->value, out);
    out->push_back(' ');
    AppendInt(row.sample->timestamp_ms, out);
    out->push_back('\n');
  }
}

void AppendOpenMetricsFamily(const FamilyRows& family_rows, std::string* out) {
  const MetricFamily& family = *family_rows.family;
  // Counter families are named without _total; a counter whose samples cannot carry the
  // required _total suffix is exposed as unknown (client_golang does the same).
  std::string_view name = family.name;
  std::string_view type = MetricTypeName(family.type);
  if (family.type == MetricType::kCounter) {
    if (EndsWith(name, "_total")) {
      name.remove_suffix(6);
    } else {
      type = "unknown";
    }
  }
  out->append("# TYPE ").append(name).push_back(' ');
  out->append(type).push_back('\n');
  if (UnitFitsName(family.unit, name)) {
    out->append("# UNIT ").append(name).push_back(' ');
    out->append(family.unit).push_back('\n');
  }
  if (!family.help.empty()) {
    out->append("# HELP ").append(name).push_back(' ');
    AppendEscaped(family.help, /*quote=*/true, out);
    out->push_back('\n');
  }
  for (const Row& row : family_rows.rows) {
    AppendSeries(row, ExpositionFormat::kOpenMetrics100, out);
    out->push_back(' ');
    AppendOpenMetricsValue(row, out);
    out->push_back(' ');
    AppendOpenMetricsTimestamp(row.sample->timestamp_ms, out);
    out->push_back('\n');
  }
}

}  // namespace

void AppendExposition(const MetricBatch& batch, ExpositionFormat format, std::string* out) {
  // One entry per family name, in the order the names first appear in batch.families.
  std::vector<FamilyRows> families;
  std::unordered_map<std::string_view, size_t> index_by_name;
  std::vector<size_t> position(batch.families.size());
  for (size_t i = 0; i < batch.families.size(); ++i) {
    auto [it, inserted] = index_by_name.try_emplace(batch.families[i].name, families.size());
    if (inserted) families.push_back({&batch.families[i], {}});
    position[i] = it->second;
  }
  for (const MetricSample& sample : batch.samples) {
    if (sample.family >= batch.families.size()) continue;
    FamilyRows& family_rows = families[position[sample.family]];
    family_rows.rows.push_back(ClassifySample(*family_rows.family, sample));
  }
  std::sort(families.begin(), families.end(), [](const FamilyRows& a, const FamilyRows& b) {
    return a.family->name < b.family->name;
  });
  for (FamilyRows& family_rows : families) {
    if (family_rows.rows.empty()) continue;
    std::sort(family_rows.rows.begin(), family_rows.rows.end(), RowLess);
    if (format == ExpositionFormat::kOpenMetrics100) {
      AppendOpenMetricsFamily(family_rows, out);
    } else {
      AppendTextFamily(family_rows, out);
    }
  }
  if (format == ExpositionFormat::kOpenMetrics100) out->append("# EOF\n");
}

}  // namespace otelite
