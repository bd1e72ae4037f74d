#include "dashboards/frames.h"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <unordered_map>

namespace otelite::dashboards {
namespace {

void String(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteLabels(JsonWriter& w, const Labels& labels) {
  w.StartObject();
  for (const Label& l : labels.items()) {
    String(w, l.name);
    String(w, l.value);
  }
  w.EndObject();
}

void WriteNumber(JsonWriter& w, double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.007199254740992e15) {
    w.Int64(static_cast<int64_t>(v));
  } else if (std::isfinite(v)) {
    w.Double(v);
  } else {
    w.Null();
  }
}

void WriteCell(JsonWriter& w, const CellValue& cell) {
  switch (cell.index()) {
    case 0:
      w.Null();
      break;
    case 1:
      WriteNumber(w, std::get<double>(cell));
      break;
    case 2:
      String(w, std::get<std::string>(cell));
      break;
    case 3:
      WriteLabels(w, std::get<Labels>(cell));
      break;
  }
}

std::string FormatLabelSet(const Labels& labels, bool with_name) {
  std::string out;
  std::string_view metric = labels.Get(kMetricNameLabel);
  if (with_name) out.append(metric);
  bool any = false;
  for (const Label& l : labels.items()) {
    if (l.name == kMetricNameLabel) continue;
    out += any ? ", " : "{";
    any = true;
    out += l.name;
    out += "=\"";
    out += l.value;
    out += "\"";
  }
  if (any) {
    out += "}";
  } else if (out.empty()) {
    out = "{}";
  }
  return out;
}

Frame BaseFrame(const SeriesFrameOptions& options, std::string_view meta_type) {
  Frame f;
  f.ref_id = options.ref_id;
  f.meta_type = meta_type;
  f.executed_query_string = options.executed_query_string;
  return f;
}

Frame SeriesFrame(const DataSeries& s, const SeriesFrameOptions& options,
                  std::string_view meta_type, bool with_interval) {
  Frame f = BaseFrame(options, meta_type);
  f.name = LegendName(options.legend_format, s.labels, options.expr);
  Field time{"Time", FieldType::kTime, {}, {}, {}};
  if (with_interval && options.interval_ms > 0) time.config.interval_ms = options.interval_ms;
  Field value{"Value", FieldType::kNumber, s.labels, {}, {}};
  value.config.display_name_from_ds = f.name;
  time.values.reserve(s.points.size());
  value.values.reserve(s.points.size());
  for (const DataPoint& p : s.points) {
    time.values.emplace_back(static_cast<double>(p.t_ms));
    value.values.emplace_back(p.v);
  }
  f.fields.push_back(std::move(time));
  f.fields.push_back(std::move(value));
  return f;
}

}  // namespace

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kTime:
      return "time";
    case FieldType::kNumber:
      return "number";
    case FieldType::kString:
      return "string";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kOther:
      return "other";
  }
  return "other";
}

int Frame::FirstOfType(FieldType type) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].type == type) return static_cast<int>(i);
  }
  return -1;
}

void WriteFrame(const Frame& frame, JsonWriter& w) {
  w.StartObject();
  w.Key("schema");
  w.StartObject();
  if (!frame.ref_id.empty()) {
    w.Key("refId");
    String(w, frame.ref_id);
  }
  if (!frame.name.empty()) {
    w.Key("name");
    String(w, frame.name);
  }
  if (!frame.meta_type.empty() || !frame.executed_query_string.empty()) {
    w.Key("meta");
    w.StartObject();
    if (!frame.meta_type.empty()) {
      w.Key("type");
      String(w, frame.meta_type);
    }
    if (!frame.executed_query_string.empty()) {
      w.Key("executedQueryString");
      String(w, frame.executed_query_string);
    }
    w.EndObject();
  }
  w.Key("fields");
  w.StartArray();
  for (const Field& field : frame.fields) {
    w.StartObject();
    w.Key("name");
    String(w, field.name);
    w.Key("type");
    w.String(FieldTypeName(field.type));
    if (!field.labels.empty()) {
      w.Key("labels");
      WriteLabels(w, field.labels);
    }
    w.Key("config");
    w.StartObject();
    if (field.config.interval_ms) {
      w.Key("interval");
      w.Int64(*field.config.interval_ms);
    }
    if (!field.config.display_name_from_ds.empty()) {
      w.Key("displayNameFromDS");
      String(w, field.config.display_name_from_ds);
    }
    if (!field.config.display_name.empty()) {
      w.Key("displayName");
      String(w, field.config.display_name);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();

  w.Key("data");
  w.StartObject();
  w.Key("values");
  w.StartArray();
  bool any_entities = false;
  for (const Field& field : frame.fields) {
    w.StartArray();
    for (const CellValue& cell : field.values) {
      WriteCell(w, cell);
      if (const double* d = std::get_if<double>(&cell); d != nullptr && !std::isfinite(*d)) {
        any_entities = true;
      }
    }
    w.EndArray();
  }
  w.EndArray();
  if (any_entities) {
    w.Key("entities");
    w.StartArray();
    for (const Field& field : frame.fields) {
      std::vector<uint32_t> nan, inf, neg_inf;
      for (size_t i = 0; i < field.values.size(); ++i) {
        const double* d = std::get_if<double>(&field.values[i]);
        if (d == nullptr || std::isfinite(*d)) continue;
        if (std::isnan(*d)) {
          nan.push_back(static_cast<uint32_t>(i));
        } else if (*d > 0) {
          inf.push_back(static_cast<uint32_t>(i));
        } else {
          neg_inf.push_back(static_cast<uint32_t>(i));
        }
      }
      if (nan.empty() && inf.empty() && neg_inf.empty()) {
        w.Null();
        continue;
      }
      w.StartObject();
      for (const auto& [key, rows] :
           {std::pair<const char*, const std::vector<uint32_t>*>{"NaN", &nan},
            {"Inf", &inf},
            {"NegInf", &neg_inf}}) {
        w.Key(key);
        w.StartArray();
        for (uint32_t r : *rows) w.Uint(r);
        w.EndArray();
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
}

void WriteFrames(const std::vector<Frame>& frames, JsonWriter& w) {
  w.StartArray();
  for (const Frame& f : frames) WriteFrame(f, w);
  w.EndArray();
}

std::string FieldDisplayName(const Frame& frame, const Field& field) {
  if (!field.config.display_name.empty()) return field.config.display_name;
  if (!field.config.display_name_from_ds.empty()) return field.config.display_name_from_ds;
  if (field.type != FieldType::kTime && !frame.name.empty()) {
    int value_fields = 0;
    for (const Field& f : frame.fields) value_fields += f.type != FieldType::kTime ? 1 : 0;
    if (value_fields == 1) return frame.name;
  }
  if (!field.labels.empty()) {
    if (field.name.empty() || field.name == "Value") return FormatLabelSet(field.labels, true);
    return field.name + " " + FormatLabelSet(field.labels, true);
  }
  return field.name;
}

std::string DefaultSeriesName(const Labels& labels, std::string_view expr) {
  if (labels.empty()) return std::string(expr);
  return FormatLabelSet(labels, true);
}

std::string LegendName(std::string_view legend_format, const Labels& labels,
                       std::string_view expr) {
  if (legend_format.empty() || legend_format == "__auto") return DefaultSeriesName(labels, expr);
  std::string out;
  size_t i = 0;
  while (i < legend_format.size()) {
    if (legend_format.compare(i, 2, "{{") == 0) {
      const size_t close = legend_format.find("}}", i + 2);
      if (close != std::string_view::npos) {
        std::string_view name = legend_format.substr(i + 2, close - i - 2);
        while (!name.empty() && (name.front() == ' ' || name.front() == '\t'))
          name.remove_prefix(1);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
        if (!name.empty()) {
          out.append(labels.Get(name));
          i = close + 2;
          continue;
        }
      }
    }
    out.push_back(legend_format[i]);
    ++i;
  }
  return out;
}

std::vector<Frame> MatrixFrames(const std::vector<DataSeries>& series,
                                const SeriesFrameOptions& options) {
  std::vector<Frame> frames;
  frames.reserve(series.size());
  for (const DataSeries& s : series) {
    frames.push_back(SeriesFrame(s, options, "timeseries-multi", true));
  }
  return frames;
}

std::vector<Frame> VectorFrames(const std::vector<DataSeries>& series,
                                const SeriesFrameOptions& options) {
  std::vector<Frame> frames;
  frames.reserve(series.size());
  for (const DataSeries& s : series)
    frames.push_back(SeriesFrame(s, options, "numeric-multi", false));
  return frames;
}

Frame TableFrame(const std::vector<DataSeries>& series, const SeriesFrameOptions& options,
                 std::string_view value_name) {
  Frame f = BaseFrame(options, "table");
  std::set<std::string> names;
  for (const DataSeries& s : series) {
    for (const Label& l : s.labels.items()) names.insert(l.name);
  }
  f.fields.push_back(Field{"Time", FieldType::kTime, {}, {}, {}});
  for (const std::string& name : names)
    f.fields.push_back(Field{name, FieldType::kString, {}, {}, {}});
  f.fields.push_back(Field{std::string(value_name), FieldType::kNumber, {}, {}, {}});
  for (const DataSeries& s : series) {
    for (const DataPoint& p : s.points) {
      size_t k = 0;
      f.fields[k++].values.emplace_back(static_cast<double>(p.t_ms));
      for (const std::string& name : names) {
        f.fields[k++].values.emplace_back(std::string(s.labels.Get(name)));
      }
      f.fields[k].values.emplace_back(p.v);
    }
  }
  return f;
}

Frame ScalarFrame(int64_t t_ms, double value, const SeriesFrameOptions& options) {
  Frame f = BaseFrame(options, "numeric-multi");
  f.fields.push_back(Field{"Time", FieldType::kTime, {}, {}, {static_cast<double>(t_ms)}});
  f.fields.push_back(Field{"Value", FieldType::kNumber, {}, {}, {value}});
  if (!options.legend_format.empty() && options.legend_format != "__auto") {
    f.fields[1].config.display_name_from_ds = options.legend_format;
  }
  return f;
}

Frame StringFrame(int64_t t_ms, std::string value, const SeriesFrameOptions& options) {
  Frame f = BaseFrame(options, "");
  f.fields.push_back(Field{"Time", FieldType::kTime, {}, {}, {static_cast<double>(t_ms)}});
  f.fields.push_back(Field{"Value", FieldType::kString, {}, {}, {std::move(value)}});
  return f;
}

Frame LogFrame(const std::vector<LogRow>& rows, const SeriesFrameOptions& options) {
  Frame f = BaseFrame(options, "log-lines");
  Field labels{"labels", FieldType::kOther, {}, {}, {}};
  Field time{"Time", FieldType::kTime, {}, {}, {}};
  Field line{"Line", FieldType::kString, {}, {}, {}};
  Field ts_ns{"tsNs", FieldType::kString, {}, {}, {}};
  Field id{"id", FieldType::kString, {}, {}, {}};
  std::unordered_map<std::string, int> seen_ids;
  for (const LogRow& row : rows) {
    LabelsBuilder b;
    for (const Label& l : row.stream.items()) b.Set(l.name, l.value);
    for (const Label& l : row.structured_metadata) b.Set(l.name, l.value);
    for (const Label& l : row.parsed) b.Set(l.name, l.value);
    Labels all = std::move(b).Build();
    const int64_t ms = row.timestamp_ns >= 0 ? row.timestamp_ns / 1'000'000
                                             : -((-row.timestamp_ns + 999'999) / 1'000'000);
    std::string ns = std::to_string(row.timestamp_ns);
    const uint64_t hash = row.stream.Hash() ^ std::hash<std::string>{}(row.line);
    std::string entry_id = fmt::format("{}_{:016x}", ns, hash);
    int& count = seen_ids[entry_id];
    if (count++ > 0) entry_id += fmt::format("_{}", count - 1);
    labels.values.emplace_back(std::move(all));
    time.values.emplace_back(static_cast<double>(ms));
    line.values.emplace_back(row.line);
    ts_ns.values.emplace_back(std::move(ns));
    id.values.emplace_back(std::move(entry_id));
  }
  f.fields.push_back(std::move(labels));
  f.fields.push_back(std::move(time));
  f.fields.push_back(std::move(line));
  f.fields.push_back(std::move(ts_ns));
  f.fields.push_back(std::move(id));
  return f;
}

}  // namespace otelite::dashboards
