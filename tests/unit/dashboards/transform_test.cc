// Grafana's transformations with the examples of Grafana's documentation.
#include "dashboards/transform.h"

#include <gtest/gtest.h>

#include <cmath>

namespace otelite::dashboards {
namespace {

rapidjson::Document Parse(const char* json) {
  rapidjson::Document d;
  d.Parse(json);
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

CellValue S(const char* s) { return CellValue(std::string(s)); }
CellValue N() { return CellValue(); }

Field F(std::string name, FieldType type, std::vector<CellValue> values, Labels labels = Labels()) {
  Field f;
  f.name = std::move(name);
  f.type = type;
  f.values = std::move(values);
  f.labels = std::move(labels);
  return f;
}

constexpr double kT1 = 1594121660000, kT2 = 1594122260000, kT3 = 1594122860000;

std::vector<Frame> TempAndAqi() {
  Frame a;
  a.ref_id = "A";
  a.fields = {F("Time", FieldType::kTime, {kT2, kT1}), F("Temp", FieldType::kNumber, {12.3, 15.4}),
              F("Uptime", FieldType::kNumber, {256122.0, 1230233.0})};
  Frame b;
  b.ref_id = "B";
  b.fields = {F("Time", FieldType::kTime, {kT2, kT1}), F("AQI", FieldType::kNumber, {6.5, 3.2}),
              F("Errors", FieldType::kNumber, {15.0, 5.0})};
  return {a, b};
}

std::vector<Frame> Apply(std::vector<Frame> frames, const char* json,
                         std::vector<std::string>* warnings = nullptr) {
  std::vector<std::string> local;
  rapidjson::Document d = Parse(json);
  return ApplyTransformations(std::move(frames), d, warnings ? warnings : &local);
}

TEST(Reduce, SeriesToRowsFirstLast) {
  auto out = Apply(TempAndAqi(), R"([{"id":"reduce","options":{"reducers":["first","last"]}}])");
  ASSERT_EQ(out.size(), 1u);
  const Frame& f = out[0];
  ASSERT_EQ(f.fields.size(), 3u);
  EXPECT_EQ(f.fields[0].name, "Field");
  EXPECT_EQ(f.fields[1].name, "First");
  EXPECT_EQ(f.fields[2].name, "Last");
  EXPECT_EQ(f.fields[0].values,
            (std::vector<CellValue>{S("Temp"), S("Uptime"), S("AQI"), S("Errors")}));
  EXPECT_EQ(f.fields[1].values, (std::vector<CellValue>{12.3, 256122.0, 6.5, 15.0}));
  EXPECT_EQ(f.fields[2].values, (std::vector<CellValue>{15.4, 1230233.0, 3.2, 5.0}));
}

TEST(Reduce, ReduceFieldsLast) {
  auto out = Apply(TempAndAqi(),
                   R"([{"id":"reduce","options":{"mode":"reduceFields","reducers":["last"]}}])");
  ASSERT_EQ(out.size(), 2u);
  ASSERT_EQ(out[0].fields.size(), 2u);  // the time field is gone
  EXPECT_EQ(out[0].fields[0].name, "Temp");
  EXPECT_EQ(out[0].fields[0].values, (std::vector<CellValue>{15.4}));
  EXPECT_EQ(out[1].fields[1].name, "Errors");
  EXPECT_EQ(out[1].fields[1].values, (std::vector<CellValue>{5.0}));
}

TEST(Reduce, Calculations) {
  const std::vector<CellValue> v = {N(), 3.0, 1.0, N(), 4.0, N()};
  bool known = false;
  EXPECT_EQ(ReduceValues(v, "lastNotNull", &known), 4.0);
  EXPECT_EQ(ReduceValues(v, "last", &known), std::nullopt);
  EXPECT_EQ(ReduceValues(v, "first", &known), std::nullopt);
  EXPECT_EQ(ReduceValues(v, "firstNotNull", &known), 3.0);
  EXPECT_EQ(ReduceValues(v, "sum", &known), 8.0);
  EXPECT_EQ(ReduceValues(v, "mean", &known), 8.0 / 3);
  EXPECT_EQ(ReduceValues(v, "max", &known), 4.0);
  EXPECT_EQ(ReduceValues(v, "min", &known), 1.0);
  EXPECT_EQ(ReduceValues(v, "count", &known), 3.0);
  EXPECT_EQ(ReduceValues(v, "range", &known), 3.0);
  EXPECT_EQ(ReduceValues({}, "mean", &known), std::nullopt);
  EXPECT_TRUE(known);
  ReduceValues(v, "median-ish", &known);
  EXPECT_FALSE(known);
  EXPECT_EQ(ReducerDisplayName("lastNotNull"), "Last *");
  EXPECT_EQ(ReducerDisplayName("sum"), "Total");
}

TEST(Merge, RowsAgreeingOnSharedFieldsBecomeOne) {
  Frame a;
  a.fields = {F("Time", FieldType::kTime, {kT1, kT2}),
              F("Job", FieldType::kString, {S("node"), S("postgre")}),
              F("Uptime", FieldType::kNumber, {25260122.0, 123001233.0})};
  Frame b;
  b.fields = {F("Time", FieldType::kTime, {kT1, kT2, kT3}),
              F("Job", FieldType::kString, {S("node"), S("postgre"), S("redis")}),
              F("Errors", FieldType::kNumber, {15.0, 5.0, 1.0})};
  auto out = Apply({a, b}, R"([{"id":"merge","options":{}}])");
  ASSERT_EQ(out.size(), 1u);
  const Frame& f = out[0];
  ASSERT_EQ(f.fields.size(), 4u);
  EXPECT_EQ(f.fields[2].name, "Uptime");
  EXPECT_EQ(f.fields[3].name, "Errors");
  EXPECT_EQ(f.fields[1].values, (std::vector<CellValue>{S("node"), S("postgre"), S("redis")}));
  EXPECT_EQ(f.fields[2].values, (std::vector<CellValue>{25260122.0, 123001233.0, N()}));
  EXPECT_EQ(f.fields[3].values, (std::vector<CellValue>{15.0, 5.0, 1.0}));
}

TEST(Organize, ExcludeOrderRename) {
  Frame t;
  t.fields = {F("Time", FieldType::kTime, {kT1}), F("__name__", FieldType::kString, {S("x")}),
              F("model", FieldType::kString, {S("opus")}), F("Value", FieldType::kNumber, {2.5})};
  auto out = Apply({t}, R"([{"id":"organize","options":{
      "excludeByName":{"Time":true,"__name__":true,"job":true},
      "indexByName":{"Value":0,"model":1},
      "renameByName":{"model":"Model","Value":"Total Cost"}}}])");
  ASSERT_EQ(out[0].fields.size(), 2u);
  EXPECT_EQ(out[0].fields[0].name, "Value");
  EXPECT_EQ(out[0].fields[0].config.display_name, "Total Cost");
  EXPECT_EQ(out[0].fields[1].name, "model");
  EXPECT_EQ(out[0].fields[1].config.display_name, "Model");
}

TEST(FilterFieldsByName, IncludeNamesAndPattern) {
  auto out = Apply(
      TempAndAqi(),
      R"([{"id":"filterFieldsByName","options":{"include":{"names":["Time"],"pattern":"^(Temp|AQI)$"}}}])");
  ASSERT_EQ(out[0].fields.size(), 2u);
  EXPECT_EQ(out[0].fields[1].name, "Temp");
  EXPECT_EQ(out[1].fields[1].name, "AQI");
  auto excluded = Apply(
      TempAndAqi(), R"([{"id":"filterFieldsByName","options":{"exclude":{"names":["Uptime"]}}}])");
  EXPECT_EQ(excluded[0].fields.size(), 2u);
  std::vector<std::string> warnings;
  auto bad =
      Apply(TempAndAqi(), R"([{"id":"filterFieldsByName","options":{"include":{"pattern":"("}}}])",
            &warnings);
  EXPECT_EQ(bad[0].fields.size(), 3u);  // left as it was
  ASSERT_EQ(warnings.size(), 1u);
}

TEST(SeriesToRows, NewestFirst) {
  Frame a;
  a.name = "Temperature";
  a.fields = {F("Time", FieldType::kTime, {kT1, kT3}), F("Value", FieldType::kNumber, {1.0, 3.0})};
  Frame b;
  b.name = "Humidity";
  b.fields = {F("Time", FieldType::kTime, {kT2}), F("Value", FieldType::kNumber, {2.0})};
  auto out = Apply({a, b}, R"([{"id":"seriesToRows"}])");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].fields[0].values, (std::vector<CellValue>{kT3, kT2, kT1}));
  EXPECT_EQ(out[0].fields[1].values,
            (std::vector<CellValue>{S("Temperature"), S("Humidity"), S("Temperature")}));
  EXPECT_EQ(out[0].fields[2].values, (std::vector<CellValue>{3.0, 2.0, 1.0}));
}

TEST(SortBy, DescendingNullsLast) {
  Frame t;
  t.fields = {F("k", FieldType::kString, {S("a"), S("b"), S("c"), S("d")}),
              F("v", FieldType::kNumber, {2.0, N(), 5.0, 1.0})};
  auto out = Apply({t}, R"([{"id":"sortBy","options":{"sort":[{"field":"v","desc":true}]}}])");
  EXPECT_EQ(out[0].fields[0].values, (std::vector<CellValue>{S("c"), S("a"), S("d"), S("b")}));
  out = Apply({t}, R"([{"id":"sortBy","options":{"sort":[{"field":"v"}]}}])");
  EXPECT_EQ(out[0].fields[0].values, (std::vector<CellValue>{S("d"), S("a"), S("c"), S("b")}));
}

TEST(LabelsToFields, ColumnsAndValueLabel) {
  Frame t;
  t.fields = {
      F("Time", FieldType::kTime, {kT1, kT2}),
      F("Value", FieldType::kNumber, {1.0, 2.0}, Labels({{"Server", "A"}, {"Datacenter", "EU"}}))};
  auto out = Apply({t}, R"([{"id":"labelsToFields","options":{}}])");
  ASSERT_EQ(out[0].fields.size(), 4u);
  EXPECT_EQ(out[0].fields[1].name, "Datacenter");
  EXPECT_EQ(out[0].fields[1].values, (std::vector<CellValue>{S("EU"), S("EU")}));
  EXPECT_EQ(out[0].fields[2].name, "Server");
  EXPECT_EQ(out[0].fields[3].name, "Value");
  EXPECT_TRUE(out[0].fields[3].labels.empty());
  out = Apply({t}, R"([{"id":"labelsToFields","options":{"valueLabel":"Server"}}])");
  ASSERT_EQ(out[0].fields.size(), 3u);
  EXPECT_EQ(out[0].fields[2].name, "A");
  out = Apply({t}, R"([{"id":"labelsToFields","options":{"mode":"rows"}}])");
  EXPECT_EQ(out[0].fields[0].values, (std::vector<CellValue>{S("Datacenter"), S("Server")}));
  EXPECT_EQ(out[0].fields[1].values, (std::vector<CellValue>{S("EU"), S("A")}));
}

TEST(CalculateField, ReduceRowAndBinary) {
  Frame t;
  t.fields = {F("Time", FieldType::kTime, {kT1, kT2}), F("a", FieldType::kNumber, {1.0, N()}),
              F("b", FieldType::kNumber, {2.0, 4.0})};
  auto out = Apply({t}, R"([{"id":"calculateField","options":{"mode":"reduceRow",
                                "reduce":{"reducer":"sum"}}}])");
  ASSERT_EQ(out[0].fields.size(), 4u);
  EXPECT_EQ(out[0].fields[3].name, "Total");
  EXPECT_EQ(out[0].fields[3].values, (std::vector<CellValue>{3.0, 4.0}));
  out = Apply({t}, R"([{"id":"calculateField","options":{"mode":"reduceRow",
                          "reduce":{"reducer":"mean","include":["a","b"]},"alias":"avg"}}])");
  EXPECT_EQ(out[0].fields[3].name, "avg");
  EXPECT_EQ(out[0].fields[3].values, (std::vector<CellValue>{1.5, 4.0}));
  out = Apply({t}, R"([{"id":"calculateField","options":{"mode":"binary",
                          "binary":{"left":"b","operator":"/","right":"a"}}}])");
  EXPECT_EQ(out[0].fields[3].name, "b / a");
  EXPECT_EQ(out[0].fields[3].values, (std::vector<CellValue>{2.0, N()}));
  out = Apply({t}, R"([{"id":"calculateField","options":{"mode":"binary","replaceFields":true,
                          "binary":{"left":{"matcher":{"id":"byName","options":"b"}},"operator":"*","right":"10"}}}])");
  ASSERT_EQ(out[0].fields.size(), 2u);
  EXPECT_EQ(out[0].fields[1].values, (std::vector<CellValue>{20.0, 40.0}));
}

TEST(JoinByField, OuterAndInner) {
  Frame a;
  a.fields = {F("Time", FieldType::kTime, {kT2, kT1}), F("Temp", FieldType::kNumber, {2.0, 1.0})};
  Frame b;
  b.fields = {F("Time", FieldType::kTime, {kT2, kT3}),
              F("Humidity", FieldType::kNumber, {20.0, 30.0})};
  auto out = Apply({a, b}, R"([{"id":"joinByField","options":{}}])");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].fields.size(), 3u);
  EXPECT_EQ(out[0].fields[0].values, (std::vector<CellValue>{kT1, kT2, kT3}));
  EXPECT_EQ(out[0].fields[1].values, (std::vector<CellValue>{1.0, 2.0, N()}));
  EXPECT_EQ(out[0].fields[2].values, (std::vector<CellValue>{N(), 20.0, 30.0}));
  out = Apply({a, b}, R"([{"id":"seriesToColumns","options":{"byField":"Time","mode":"inner"}}])");
  EXPECT_EQ(out[0].fields[0].values, (std::vector<CellValue>{kT2}));
}

TEST(Transformations, UnknownAndDisabled) {
  std::vector<std::string> warnings;
  auto out = Apply(TempAndAqi(),
                   R"([{"id":"groupingToMatrix"},{"id":"reduce","disabled":true,
                       "options":{"reducers":["sum"]}}])",
                   &warnings);
  EXPECT_EQ(out.size(), 2u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("groupingToMatrix"), std::string::npos);
  // Not an array: nothing happens.
  EXPECT_EQ(Apply(TempAndAqi(), R"({"id":"merge"})").size(), 2u);
}

}  // namespace
}  // namespace otelite::dashboards
