#include "dashboards/dashboard.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace otelite::dashboards {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ParseError(std::string_view json) {
  auto d = ParseDashboard(json);
  return d.ok() ? "no error" : d.status().message();
}

rapidjson::Document Dom(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return doc;
}

constexpr std::string_view kRows = R"({
  "title": "Rows", "uid": "rows", "version": 7, "id": 12, "tags": ["a", "b"],
  "time": {"from": "now-24h", "to": "now"}, "timezone": "utc", "weekStart": "monday",
  "panels": [
    {"id": 100, "type": "row", "title": "Open row", "collapsed": false, "panels": []},
    {"id": 1, "type": "stat", "title": "One"},
    {"id": 2, "type": "timeseries", "title": "Two"},
    {"id": 101, "type": "row", "title": "Collapsed", "collapsed": true,
     "panels": [{"id": 3, "type": "table", "title": "Three"},
                {"id": 4, "type": "logs", "title": "Four"}]},
    {"type": "text", "title": "No id"}
  ]})";

TEST(DashboardTest, ParsesFacts) {
  auto d = ParseDashboard(kRows);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->uid(), "rows");
  EXPECT_EQ(d->title(), "Rows");
  EXPECT_EQ(d->version(), 7);
  EXPECT_EQ(d->id(), 12);
  EXPECT_EQ(d->tags(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d->time_from(), "now-24h");
  EXPECT_EQ(d->time_to(), "now");
  EXPECT_EQ(d->timezone(), "utc");
  EXPECT_EQ(d->week_start(), "monday");
  EXPECT_FALSE(d->has_inputs());
  EXPECT_EQ(d->Slug(), "rows");
  EXPECT_EQ(d->Url(), "/d/rows/rows");
}

TEST(DashboardTest, DefaultsWhenOptionalFieldsAreMissingOrNull) {
  auto d = ParseDashboard(R"({"title":"T","panels":[],"id":null,"uid":null,"tags":null})");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->uid(), "");
  EXPECT_EQ(d->id(), 0);
  EXPECT_EQ(d->version(), 0);
  EXPECT_TRUE(d->tags().empty());
  EXPECT_EQ(d->time_from(), "now-6h");  // Grafana's default time range
  EXPECT_EQ(d->time_to(), "now");
}

TEST(DashboardTest, FindPanelSearchesRowsAndCollapsedRows) {
  auto d = ParseDashboard(kRows);
  ASSERT_TRUE(d.ok());
  ASSERT_NE(FindPanel(*d, 2), nullptr);
  EXPECT_EQ(GetString(*FindPanel(*d, 2), "title"), "Two");
  ASSERT_NE(FindPanel(*d, 4), nullptr);  // inside the collapsed row
  EXPECT_EQ(GetString(*FindPanel(*d, 4), "title"), "Four");
  ASSERT_NE(FindPanel(*d, 101), nullptr);  // the row itself
  EXPECT_EQ(GetString(*FindPanel(*d, 101), "type"), "row");
  EXPECT_EQ(FindPanel(*d, 5), nullptr);
  EXPECT_EQ(FindPanel(*d, 0), nullptr);

  std::vector<std::string> titles;
  for (const rapidjson::Value* panel : Panels(*d)) {
    titles.emplace_back(GetString(*panel, "title"));
  }
  EXPECT_EQ(titles, (std::vector<std::string>{"One", "Two", "Three", "Four"}));
}

TEST(DashboardTest, IntegralDoubleIdsCount) {
  auto d = ParseDashboard(R"({"title":"T","panels":[{"id":7.0,"type":"stat"},{"id":7.5}]})");
  ASSERT_TRUE(d.ok());
  EXPECT_NE(FindPanel(*d, 7), nullptr);
  EXPECT_EQ(Panels(*d).size(), 1u);
}

TEST(DashboardTest, UnwrapsGrafanasWrapper) {
  auto d = ParseDashboard(
      R"({"dashboard":{"title":"Inner","uid":"in","panels":[{"id":1}]},"overwrite":true,
          "folderUid":"x","meta":{"slug":"inner"}})");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->uid(), "in");
  EXPECT_EQ(d->title(), "Inner");
  EXPECT_FALSE(d->json().HasMember("overwrite"));
  EXPECT_FALSE(d->json().HasMember("dashboard"));
  EXPECT_NE(FindPanel(*d, 1), nullptr);
}

TEST(DashboardTest, KeepsTheExportedFormAsItIs) {
  const std::string exported = R"({"__inputs":[{"name":"DS_PROMETHEUS","label":"Prometheus",)"
                               R"("type":"datasource","pluginId":"prometheus"}],)"
                               R"("__requires":[],"title":"Exported","panels":[{"id":1,)"
                               R"("datasource":"${DS_PROMETHEUS}","targets":[{"expr":"up"}]}]})";
  auto d = ParseDashboard(exported);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_TRUE(d->has_inputs());
  EXPECT_EQ(d->ToJson(), exported);
}

TEST(DashboardTest, ToJsonRoundTrips) {
  // Compact input with integers, strings and nested values comes back byte for byte.
  const std::string compact =
      R"({"title":"T","uid":"u","panels":[{"id":1,"gridPos":{"h":8,"w":12,"x":0,"y":0},)"
      R"("options":{"a":[1,-2,true,false,null,"s\"q\\"]}}],"version":3,"big":9007199254740993})";
  auto d = ParseDashboard(compact);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->ToJson(), compact);
  // Other input round-trips as a value (numbers at full precision, escapes decoded).
  const std::string spaced = R"({ "title" : "T\u00e9", "panels" : [ {"x": 0.1, "y": 1e-7,
      "z": 123456789.123456789, "w": "\ud83d\ude00"} ] })";
  auto e = ParseDashboard(spaced);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(Dom(e->ToJson()), Dom(spaced));
  EXPECT_EQ(e->title(), "T\xc3\xa9");
}

TEST(DashboardTest, NumbersAreExact) {
  auto d = ParseDashboard(
      R"({"title":"T","panels":[],"n":[0e-151,1e-400,-0,18446744073709551615,)"
      R"(-9223372036854775808,18446744073709551616,0.1,4.9e-324,1.7976931348623157e308]})");
  ASSERT_TRUE(d.ok()) << d.status().message();
  const rapidjson::Value& n = d->json()["n"];
  EXPECT_EQ(n[0].GetDouble(), 0.0);
  EXPECT_EQ(n[1].GetDouble(), 0.0);  // underflow
  EXPECT_TRUE(n[2].IsDouble());      // -0 stays a (negative) double
  EXPECT_TRUE(std::signbit(n[2].GetDouble()));
  EXPECT_EQ(n[3].GetUint64(), 18446744073709551615ULL);
  EXPECT_EQ(n[4].GetInt64(), INT64_MIN);
  EXPECT_EQ(n[5].GetDouble(), 18446744073709551616.0);  // past uint64: a double
  EXPECT_EQ(n[6].GetDouble(), 0.1);
  EXPECT_EQ(n[7].GetDouble(), 4.9e-324);  // the smallest subnormal
  EXPECT_EQ(n[8].GetDouble(), 1.7976931348623157e308);
  EXPECT_EQ(ParseError(R"({"title":"T","panels":[],"n":1e400})"),
            "dashboard JSON: invalid JSON at offset 29: Number too big to be stored in double.");
}

TEST(DashboardTest, LoneSurrogatesBecomeReplacementCharacters) {
  // As Go's encoding/json: an unpaired low surrogate escape is U+FFFD; a pair is its code point.
  auto d = ParseDashboard(R"({"title":"a\udeddb","panels":[],"\udc00":"\ud83d\ude00"})");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->title(),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(GetString(d->json(), "\xef\xbf\xbd"), "\xf0\x9f\x98\x80");
  EXPECT_TRUE(ParseDashboard(d->ToJson()).ok());
  // An unpaired high surrogate is an error (rapidjson's rule; Go would replace it too).
  EXPECT_NE(ParseError(R"({"title":"\ud83d","panels":[]})").find("surrogate"), std::string::npos);
  // Raw (unescaped) surrogate bytes are invalid UTF-8.
  EXPECT_NE(ParseError("{\"title\":\"\xed\xa0\x80\",\"panels\":[]}").find("invalid JSON"),
            std::string::npos);
}

TEST(DashboardTest, SettersChangeTheJson) {
  auto d = ParseDashboard(R"({"title":"T","panels":[]})");
  ASSERT_TRUE(d.ok());
  d->SetUid("abc");
  d->SetId(5);
  d->SetVersion(2);
  EXPECT_EQ(d->uid(), "abc");
  EXPECT_EQ(d->id(), 5);
  EXPECT_EQ(d->version(), 2);
  EXPECT_EQ(Dom(d->ToJson()), Dom(R"({"title":"T","panels":[],"uid":"abc","id":5,"version":2})"));
  d->SetVersion(3);  // an existing member is replaced, not added again
  EXPECT_EQ(Dom(d->ToJson()), Dom(R"({"title":"T","panels":[],"uid":"abc","id":5,"version":3})"));
}

TEST(DashboardTest, CloneIsIndependent) {
  auto d = ParseDashboard(kRows);
  ASSERT_TRUE(d.ok());
  d->meta.folder_title = "F";
  Dashboard copy = d->Clone();
  copy.SetUid("other");
  EXPECT_EQ(d->uid(), "rows");
  EXPECT_EQ(GetString(d->json(), "uid"), "rows");
  EXPECT_EQ(copy.uid(), "other");
  EXPECT_EQ(copy.meta.folder_title, "F");
  EXPECT_EQ(copy.tags(), d->tags());
  ASSERT_NE(FindPanel(copy, 4), nullptr);
  d.value() = Dashboard();  // the original's memory is gone; the copy still works
  EXPECT_EQ(GetString(*FindPanel(copy, 4), "title"), "Four");
}

TEST(DashboardTest, Errors) {
  EXPECT_EQ(ParseError("[1,2]"), "dashboard JSON: not an object");
  EXPECT_EQ(ParseError("\"x\""), "dashboard JSON: not an object");
  EXPECT_EQ(ParseError(R"({"title":"T"})"), "dashboard has no \"panels\" array");
  EXPECT_EQ(ParseError(R"({"title":"T","panels":{}})"), "dashboard has no \"panels\" array");
  EXPECT_NE(ParseError(R"({"title":"T","rows":[]})").find("\"rows\""), std::string::npos);
  EXPECT_EQ(ParseError(R"({"panels":[]})"), "dashboard \"title\" must be a non-empty string");
  EXPECT_EQ(ParseError(R"({"title":"  ","panels":[]})"),
            "dashboard \"title\" must be a non-empty string");
  EXPECT_EQ(ParseError(R"({"title":3,"panels":[]})"),
            "dashboard \"title\" must be a non-empty string");
  EXPECT_EQ(ParseError(R"({"title":"T","panels":[{},1]})"),
            "dashboard \"panels\"[1] is not an object");
  EXPECT_EQ(ParseError(R"({"title":"T","panels":[{"type":"row","panels":3}]})"),
            "dashboard \"panels\"[0].panels must be an array");
  EXPECT_EQ(ParseError(R"({"title":"T","panels":[{"type":"row","panels":[{},"x"]}]})"),
            "dashboard \"panels\"[0].panels[1] is not an object");
  EXPECT_EQ(ParseError(R"({"title":"T","panels":[],"uid":5})"),
            "dashboard \"uid\" must be a string");
  EXPECT_EQ(ParseError(R"({"title":"T","panels":[],"tags":["a",1]})"),
            "dashboard \"tags\" must be an array of strings");
  EXPECT_EQ(ParseError(R"({"title":"T","panels":[],"version":"3"})"),
            "dashboard \"version\" must be an integer");
  EXPECT_EQ(ParseError(R"({"title":"T","panels":[],"id":1.5})"),
            "dashboard \"id\" must be an integer or null");
  EXPECT_EQ(ParseError(R"({"title":"T",)"),
            "dashboard JSON: invalid JSON at offset 13: Missing a name for object member.");
  EXPECT_EQ(ParseError(""), "dashboard JSON: invalid JSON at offset 0: The document is empty.");
  EXPECT_EQ(ParseError(std::string_view("{}\0{}", 5)),
            "dashboard JSON: invalid JSON at offset 2: NUL byte");
  EXPECT_NE(ParseError("{\"title\":\"\xff\",\"panels\":[]}").find("invalid JSON at offset 10"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"title":"T","panels":[]} x)").find("invalid JSON"), std::string::npos);
}

TEST(DashboardTest, LimitsNestingAndSize) {
  std::string deep = R"({"title":"T","panels":[],"x":)";
  deep += std::string(150, '[') + std::string(150, ']') + "}";
  const std::string error = ParseError(deep);
  EXPECT_NE(error.find("nested deeper than 100 levels"), std::string::npos) << error;
  // 100 levels are fine.
  std::string ok = R"({"title":"T","panels":[],"x":)";
  ok += std::string(99, '[') + std::string(99, ']') + "}";
  EXPECT_TRUE(ParseDashboard(ok).ok());
  // Very deep input that is also invalid does not recurse either.
  EXPECT_NE(ParseError(std::string(1000000, '[')).find("nested deeper"), std::string::npos);
  const std::string big(kMaxDashboardBytes + 1, ' ');
  auto too_big = ParseDashboard(big);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.status().code(), StatusCode::kTooLarge);
}

TEST(DashboardTest, Slugify) {
  EXPECT_EQ(Slugify("Claude Code - Personal Observability"), "claude-code-personal-observability");
  EXPECT_EQ(Slugify("Claude Code - Deep Dive (Prompts, Tools, MCPs, Skills)"),
            "claude-code-deep-dive-prompts-tools-mcps-skills");
  EXPECT_EQ(Slugify("  Hello,   World!! "), "hello-world");
  EXPECT_EQ(Slugify("API_v2 latency"), "api-v2-latency");
  EXPECT_EQ(Slugify("Caf\xc3\xa9 2024"), "caf-2024");
  EXPECT_EQ(Slugify("---"), "");
  EXPECT_EQ(Slugify(""), "");
}

TEST(DashboardTest, ValidateUid) {
  EXPECT_TRUE(ValidateUid("claude-code-personal").ok());
  EXPECT_TRUE(ValidateUid("A_b-9").ok());
  EXPECT_TRUE(ValidateUid(std::string(40, 'a')).ok());
  EXPECT_EQ(ValidateUid(std::string(41, 'a')).message(), "uid too long, max 40 characters");
  EXPECT_EQ(ValidateUid("a/b").message(), "uid contains illegal characters");
  EXPECT_EQ(ValidateUid("..").message(), "uid contains illegal characters");
  EXPECT_EQ(ValidateUid("a b").message(), "uid contains illegal characters");
}

TEST(DashboardTest, ParseJsonDocumentNamesWhat) {
  rapidjson::Document doc;
  Status st = ParseJsonDocument("{", "request body", 100, &doc);
  EXPECT_EQ(st.message(),
            "request body: invalid JSON at offset 1: Missing a name for object member.");
  st = ParseJsonDocument(std::string(101, ' '), "request body", 100, &doc);
  EXPECT_EQ(st.code(), StatusCode::kTooLarge);
  EXPECT_EQ(st.message(), "request body: 101 bytes, more than the limit of 100 bytes");
  ASSERT_TRUE(ParseJsonDocument("[1]", "x", 100, &doc).ok());
  EXPECT_EQ(WriteJson(doc), "[1]");
}

TEST(DashboardTest, SeedDashboards) {
  const std::string dir = std::string(OTELITE_SHARED_DIR) + "/compat/seed-dashboards";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " not found";
  const std::string overview_json = ReadFile(dir + "/claude-code-dashboard.json");
  auto overview = ParseDashboard(overview_json);
  ASSERT_TRUE(overview.ok()) << overview.status().message();
  EXPECT_EQ(overview->uid(), "claude-code-personal");
  EXPECT_EQ(overview->title(), "Claude Code - Personal Observability");
  EXPECT_EQ(overview->Url(), "/d/claude-code-personal/claude-code-personal-observability");
  EXPECT_EQ(overview->tags(),
            (std::vector<std::string>{"claude-code", "opentelemetry", "personal"}));
  EXPECT_EQ(overview->json()["panels"].Size(), 25u);
  EXPECT_EQ(Panels(*overview).size(), 21u);  // 25 minus 4 rows
  ASSERT_NE(FindPanel(*overview, 10), nullptr);
  EXPECT_EQ(GetString(*FindPanel(*overview, 10), "title"), "Cost Over Time (by Model)");
  EXPECT_EQ(Dom(overview->ToJson()), Dom(overview_json));

  auto deep = ParseDashboard(ReadFile(dir + "/claude-code-deep-dashboard.json"));
  ASSERT_TRUE(deep.ok()) << deep.status().message();
  EXPECT_EQ(deep->uid(), "claude-code-deep");
  EXPECT_EQ(Panels(*deep).size(), 32u);  // 38 minus 6 rows
  ASSERT_NE(FindPanel(*deep, 50), nullptr);
  EXPECT_EQ(GetString(*FindPanel(*deep, 50), "type"), "logs");
}

}  // namespace
}  // namespace otelite::dashboards
