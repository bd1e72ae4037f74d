// Grafana's data frames (columns of typed values) as the UI draws them, their JSON, and the
// builders that turn Prometheus and Loki results into the frames Grafana's datasources produce.
//
// JSON (docs/ui.md "Panel data"):
//   {"schema":{"refId":"A","name":"…","meta":{"type":"timeseries-multi","executedQueryString":"…"},
//              "fields":[{"name":"Time","type":"time","config":{"interval":60000}},
//                        {"name":"Value","type":"number","labels":{…},"config":{…}}]},
//    "data":{"values":[[…],[…]],"entities":[null,{"NaN":[3],"Inf":[],"NegInf":[]}]}}
// Missing values are null; NaN and ±Inf are written as null and listed by row in `entities`
// (`entities` is left out when no field has any, as Grafana does).
//
// Frames are plain values; nothing here is shared or thread-unsafe.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/labels.h"
#include "dashboards/datasource.h"

namespace otelite::dashboards {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

enum class FieldType { kTime, kNumber, kString, kBoolean, kOther };
const char* FieldTypeName(FieldType type);  // "time", "number", "string", "boolean", "other"

// A cell: null, a number (time fields: Unix ms as a double, exact below 2^53), a string, or a
// label set (fields of type other: a log line's labels, written as a JSON object).
using CellValue = std::variant<std::monostate, double, std::string, Labels>;

inline bool IsNull(const CellValue& v) { return std::holds_alternative<std::monostate>(v); }

struct FieldConfig {
  std::optional<int64_t> interval_ms;  // "interval" (time fields of time series)
  std::string display_name_from_ds;    // "displayNameFromDS"
  std::string display_name;            // "displayName" (organize's renames)
};

struct Field {
  std::string name;
  FieldType type = FieldType::kNumber;
  Labels labels;
  FieldConfig config;
  std::vector<CellValue> values;
};

struct Frame {
  std::string ref_id;
  std::string name;
  std::string meta_type;  // "timeseries-multi", "numeric-multi", "table", "log-lines" or ""
  std::string executed_query_string;
  std::vector<Field> fields;

  size_t rows() const { return fields.empty() ? 0 : fields[0].values.size(); }
  // Index of the first field of this type, or -1.
  int FirstOfType(FieldType type) const;
};

// Writes one frame as above.
void WriteFrame(const Frame& frame, JsonWriter& w);
void WriteFrames(const std::vector<Frame>& frames, JsonWriter& w);  // a JSON array

// The name Grafana shows for a field: config.displayName, displayNameFromDS, the frame's name
// when the frame has a single value field, the field name with its labels
// (`Value {a="b"}` → `{a="b"}` for a field named "Value"), else the field name.
std::string FieldDisplayName(const Frame& frame, const Field& field);

// Grafana's legend templating: `{{label}}` (spaces allowed inside) replaced by the label's value
// or "" when absent; other text kept. `__auto` or empty: DefaultSeriesName.
std::string LegendName(std::string_view legend_format, const Labels& labels, std::string_view expr);
// `name{a="b", c="d"}` (no braces when only the name), `{a="b"}` without a name, and the
// query expression when there are no labels at all.
std::string DefaultSeriesName(const Labels& labels, std::string_view expr);

struct SeriesFrameOptions {
  std::string ref_id;
  std::string legend_format;
  std::string expr;  // for default names
  std::string executed_query_string;
  int64_t interval_ms = 0;  // the Time field's config.interval (range queries)
};

// A range (matrix) result: one "timeseries-multi" frame per series (Time, Value with the
// series' labels and displayNameFromDS = the legend), named by its legend.
std::vector<Frame> MatrixFrames(const std::vector<DataSeries>& series,
                                const SeriesFrameOptions& options);
// An instant (vector) result: one "numeric-multi" frame per series with one row.
std::vector<Frame> VectorFrames(const std::vector<DataSeries>& series,
                                const SeriesFrameOptions& options);
// Grafana's table format: one "table" frame with Time, one string column per label name (sorted,
// __name__ included), and `value_name` ("Value" or "Value #A"); a row per point of every series.
Frame TableFrame(const std::vector<DataSeries>& series, const SeriesFrameOptions& options,
                 std::string_view value_name);
// A scalar or string result: one frame (Time, Value).
Frame ScalarFrame(int64_t t_ms, double value, const SeriesFrameOptions& options);
Frame StringFrame(int64_t t_ms, std::string value, const SeriesFrameOptions& options);
// A Loki log result: one "log-lines" frame: labels (other: stream labels, structured metadata
// and parsed labels), Time (ms), Line, tsNs (string), id (string, unique within the frame); in
// the order given.
Frame LogFrame(const std::vector<LogRow>& rows, const SeriesFrameOptions& options);

}  // namespace otelite::dashboards
