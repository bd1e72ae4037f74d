// Data frames: their JSON (docs/ui.md), series names and the builders from query results.
#include "dashboards/frames.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace otelite::dashboards {
namespace {

std::string Json(const Frame& f) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteFrame(f, w);
  return buf.GetString();
}

Labels L(std::vector<Label> labels) { return Labels(std::move(labels)); }

TEST(FrameJson, DocumentedShapeWithEntities) {
  Frame f;
  f.ref_id = "A";
  f.name = "claude-opus-4-1";
  f.meta_type = "timeseries-multi";
  f.executed_query_string = "Expr: x";
  Field time{"Time",
             FieldType::kTime,
             {},
             {},
             {1700000000000.0, 1700000060000.0, 1700000120000.0, 1700000180000.0}};
  time.config.interval_ms = 60000;
  Field value{"Value",
              FieldType::kNumber,
              L({{"model", "claude-opus-4-1"}}),
              {},
              {0.25, CellValue(), std::numeric_limits<double>::infinity(), std::nan("")}};
  value.config.display_name_from_ds = "claude-opus-4-1";
  f.fields = {time, value};
  EXPECT_EQ(Json(f),
            R"({"schema":{"refId":"A","name":"claude-opus-4-1","meta":{"type":"timeseries-multi",)"
            R"("executedQueryString":"Expr: x"},"fields":[{"name":"Time","type":"time","config":)"
            R"({"interval":60000}},{"name":"Value","type":"number","labels":{"model":)"
            R"("claude-opus-4-1"},"config":{"displayNameFromDS":"claude-opus-4-1"}}]},)"
            R"("data":{"values":[[1700000000000,1700000060000,1700000120000,1700000180000],)"
            R"([0.25,null,null,null]],"entities":[null,{"NaN":[3],"Inf":[2],"NegInf":[]}]}})");
}

TEST(FrameJson, NoEntitiesWithoutNonFiniteValuesAndOtherFields) {
  Frame f;
  Field labels{"labels", FieldType::kOther, {}, {}, {L({{"a", "b"}})}};
  Field line{"Line", FieldType::kString, {}, {}, {std::string("x \"y\"")}};
  f.fields = {labels, line};
  EXPECT_EQ(Json(f),
            R"({"schema":{"fields":[{"name":"labels","type":"other","config":{}},)"
            R"({"name":"Line","type":"string","config":{}}]},"data":{"values":[[{"a":"b"}],)"
            R"(["x \"y\""]]}})");
}

TEST(SeriesNames, LegendFormatAndDefault) {
  const Labels labels = L({{"__name__", "up"}, {"job", "j"}, {"model", "opus"}});
  EXPECT_EQ(LegendName("{{model}}", labels, "expr"), "opus");
  EXPECT_EQ(LegendName("in:{{ model }} ({{job}}){{missing}}", labels, "expr"), "in:opus (j)");
  EXPECT_EQ(LegendName("Sessions", labels, "expr"), "Sessions");
  EXPECT_EQ(LegendName("__auto", labels, "expr"), R"(up{job="j", model="opus"})");
  EXPECT_EQ(LegendName("", L({{"model", "opus"}}), "expr"), R"({model="opus"})");
  EXPECT_EQ(LegendName("", L({{"__name__", "up"}}), "expr"), "up");
  EXPECT_EQ(LegendName("", Labels(), "sum(x)"), "sum(x)");
  EXPECT_EQ(LegendName("{{unclosed", labels, "e"), "{{unclosed");
}

TEST(Builders, MatrixVectorTable) {
  std::vector<DataSeries> series = {
      {L({{"model", "haiku"}}), {{1000, 1}, {2000, 2}}},
      {L({{"model", "opus"}, {"type", "in"}}), {{1000, 3}}},
  };
  SeriesFrameOptions o;
  o.ref_id = "A";
  o.legend_format = "{{model}}";
  o.interval_ms = 1000;
  auto m = MatrixFrames(series, o);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].name, "haiku");
  EXPECT_EQ(m[0].meta_type, "timeseries-multi");
  EXPECT_EQ(m[0].fields[0].config.interval_ms, 1000);
  EXPECT_EQ(m[0].fields[1].values, (std::vector<CellValue>{1.0, 2.0}));
  EXPECT_EQ(m[1].fields[1].labels, series[1].labels);
  auto v = VectorFrames(series, o);
  EXPECT_EQ(v[1].meta_type, "numeric-multi");
  EXPECT_FALSE(v[1].fields[0].config.interval_ms.has_value());

  Frame t = TableFrame(series, o, "Value #A");
  ASSERT_EQ(t.fields.size(), 4u);
  EXPECT_EQ(t.fields[0].name, "Time");
  EXPECT_EQ(t.fields[1].name, "model");
  EXPECT_EQ(t.fields[2].name, "type");
  EXPECT_EQ(t.fields[3].name, "Value #A");
  EXPECT_EQ(t.fields[1].values, (std::vector<CellValue>{std::string("haiku"), std::string("haiku"),
                                                        std::string("opus")}));
  EXPECT_EQ(t.fields[2].values,
            (std::vector<CellValue>{std::string(""), std::string(""), std::string("in")}));
  EXPECT_EQ(t.fields[3].values, (std::vector<CellValue>{1.0, 2.0, 3.0}));
}

TEST(Builders, LogFrame) {
  std::vector<LogRow> rows(2);
  rows[0].stream = L({{"service_name", "c"}});
  rows[0].structured_metadata = {{"event_name", "user_prompt"}};
  rows[0].parsed = {{"x", "1"}};
  rows[0].timestamp_ns = 1700000000123456789;
  rows[0].line = "hello";
  rows[1] = rows[0];  // an identical entry still gets its own id
  SeriesFrameOptions o;
  o.ref_id = "A";
  Frame f = LogFrame(rows, o);
  EXPECT_EQ(f.meta_type, "log-lines");
  ASSERT_EQ(f.fields.size(), 5u);
  EXPECT_EQ(f.fields[0].name, "labels");
  EXPECT_EQ(f.fields[0].type, FieldType::kOther);
  EXPECT_EQ(std::get<Labels>(f.fields[0].values[0]),
            L({{"event_name", "user_prompt"}, {"service_name", "c"}, {"x", "1"}}));
  EXPECT_EQ(f.fields[1].values[0], CellValue(1700000000123.0));
  EXPECT_EQ(f.fields[2].values[0], CellValue(std::string("hello")));
  EXPECT_EQ(f.fields[3].values[0], CellValue(std::string("1700000000123456789")));
  EXPECT_NE(f.fields[4].values[0], f.fields[4].values[1]);
}

TEST(DisplayName, Rules) {
  Frame f;
  f.name = "frame";
  Field t{"Time", FieldType::kTime, {}, {}, {}};
  Field v{"Value", FieldType::kNumber, L({{"a", "b"}}), {}, {}};
  f.fields = {t, v};
  EXPECT_EQ(FieldDisplayName(f, f.fields[1]), "frame");
  f.name.clear();
  EXPECT_EQ(FieldDisplayName(f, f.fields[1]), R"({a="b"})");
  f.fields[1].name = "temp";
  EXPECT_EQ(FieldDisplayName(f, f.fields[1]), R"(temp {a="b"})");
  f.fields[1].config.display_name_from_ds = "ds";
  EXPECT_EQ(FieldDisplayName(f, f.fields[1]), "ds");
  f.fields[1].config.display_name = "shown";
  EXPECT_EQ(FieldDisplayName(f, f.fields[1]), "shown");
}

}  // namespace
}  // namespace otelite::dashboards
