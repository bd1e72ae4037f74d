// Axis ticks: the vectors shared with the web app (web/src/panels/axis.cases.json, run by
// web/src/panels/axis.test.ts too), tick placement as uPlot does it for the web app's settings,
// and what the PNG shows for them.
#include "render/axis.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "render_test_util.h"

namespace otelite::render {
namespace {

using testing::Image;
using testing::RenderPanel;
using testing::SeriesFrame;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMin = 60000;
constexpr double kHour = 60 * kMin;
constexpr double kDay = 24 * kHour;

rapidjson::Document LoadCases() {
  const std::string path = std::string(OTELITE_SOURCE_DIR) + "/web/src/panels/axis.cases.json";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "missing " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  rapidjson::Document d;
  d.Parse(ss.str().c_str());
  EXPECT_FALSE(d.HasParseError()) << path;
  EXPECT_TRUE(d.IsObject());
  return d;
}

std::vector<double> Numbers(const rapidjson::Value& a) {
  std::vector<double> out;
  for (const auto& v : a.GetArray()) out.push_back(v.IsNumber() ? v.GetDouble() : kNaN);
  return out;
}

std::vector<std::string> Texts(const rapidjson::Value& a) {
  std::vector<std::string> out;
  for (const auto& v : a.GetArray()) out.emplace_back(v.GetString());
  return out;
}

FieldSettings Config(const rapidjson::Value& c) {
  FieldSettings s;
  if (c.HasMember("unit")) s.unit = c["unit"].GetString();
  if (c.HasMember("decimals")) s.decimals = c["decimals"].GetInt();
  return s;
}

std::string Dump(const rapidjson::Value& v) {
  std::string out;
  if (v.IsArray()) {
    for (const auto& x : v.GetArray())
      out += (x.IsNumber() ? std::to_string(x.GetDouble()) : "null") + " ";
  }
  return out;
}

TEST(AxisCases, StepDecimals) {
  const rapidjson::Document d = LoadCases();
  ASSERT_TRUE(d.HasMember("stepDecimals"));
  int n = 0;
  for (const auto& c : d["stepDecimals"].GetArray()) {
    EXPECT_EQ(StepDecimals(c["step"].GetDouble()), c["expected"].GetInt())
        << "step " << c["step"].GetDouble();
    ++n;
  }
  EXPECT_GE(n, 5);
}

TEST(AxisCases, FormatTicks) {
  const rapidjson::Document d = LoadCases();
  ASSERT_TRUE(d.HasMember("formatTicks"));
  int n = 0;
  for (const auto& c : d["formatTicks"].GetArray()) {
    const double incr = c.HasMember("incr") ? c["incr"].GetDouble() : kNaN;
    EXPECT_EQ(FormatValueTicks(Config(c["config"]), Numbers(c["splits"]), incr),
              Texts(c["expected"]))
        << "splits " << Dump(c["splits"]) << " incr " << incr;
    ++n;
  }
  EXPECT_GE(n, 8);
}

TEST(AxisCases, WantsIntegerTicks) {
  const rapidjson::Document d = LoadCases();
  ASSERT_TRUE(d.HasMember("wantsIntegerTicks"));
  int n = 0;
  for (const auto& c : d["wantsIntegerTicks"].GetArray()) {
    std::vector<std::vector<double>> series;
    for (const auto& s : c["series"].GetArray()) series.push_back(Numbers(s));
    EXPECT_EQ(WantsIntegerTicks(Config(c["config"]), series, c["percent"].GetBool()),
              c["expected"].GetBool())
        << "case " << n;
    ++n;
  }
  EXPECT_GE(n, 5);
}

TEST(AxisCases, TimeTickFormat) {
  const rapidjson::Document d = LoadCases();
  ASSERT_TRUE(d.HasMember("timeTickFormat"));
  int n = 0;
  for (const auto& c : d["timeTickFormat"].GetArray()) {
    EXPECT_STREQ(TimeTickFormat(c["incr"].GetDouble(), c["range"].GetDouble()),
                 c["expected"].GetString())
        << "incr " << c["incr"].GetDouble() << " range " << c["range"].GetDouble();
    ++n;
  }
  EXPECT_GE(n, 8);
}

TEST(AxisCases, FormatTimeTicksInTheZone) {
  const rapidjson::Document d = LoadCases();
  ASSERT_TRUE(d.HasMember("formatTimeTicks"));
  int n = 0;
  for (const auto& c : d["formatTimeTicks"].GetArray()) {
    Result<dashboards::TimeZone> tz = dashboards::TimeZone::Parse(c["tz"].GetString());
    if (!tz.ok()) GTEST_SKIP() << "no tzdata for " << c["tz"].GetString();
    EXPECT_EQ(
        FormatTimeTicks(Numbers(c["splits"]), c["incr"].GetDouble(), c["range"].GetDouble(), *tz),
        Texts(c["expected"]))
        << "tz " << c["tz"].GetString();
    ++n;
  }
  EXPECT_GE(n, 4);
}

TEST(AxisTicks, ValueIncrementsKeepTheirSpacing) {
  // 30 px apart on tall axes, 15 px on axes of at most 150 px (Grafana).
  EXPECT_EQ(ValueTickSpace(404), 30);
  EXPECT_EQ(ValueTickSpace(150), 15);
  // 0..1.1 over 200 px at 30 px: at least 0.165 → 0.2; whole steps → 1.
  EXPECT_DOUBLE_EQ(ValueTickIncrement(1.1, 200, 30, false), 0.2);
  EXPECT_DOUBLE_EQ(ValueTickIncrement(1.1, 200, 30, true), 1);
  // 0..550 over 130 px at 15 px: at least 63.5 → 100 (50 is too close).
  EXPECT_DOUBLE_EQ(ValueTickIncrement(550, 130, 15, true), 100);
  EXPECT_DOUBLE_EQ(ValueTickIncrement(2.2, 100, 30, false), 1);
  // At least 22.5: 25 for fractional steps, whole steps skip 2.5 × 10^k and take 50.
  EXPECT_DOUBLE_EQ(ValueTickIncrement(75, 100, 30, false), 25);
  EXPECT_DOUBLE_EQ(ValueTickIncrement(75, 100, 30, true), 50);
  EXPECT_DOUBLE_EQ(ValueTickIncrement(0.7, 100, 30, false), 0.25);
}

TEST(AxisTicks, TimeIncrementFromTheLabelWidth) {
  const dashboards::TimeZone utc;
  const double from = 1764090000000;  // 2025-11-25 17:00 UTC
  // One hour over 1500 px: labels "HH:mm" (5 chars) need 5 × 6.5 + 18 = 50.5 px, so ticks at
  // least 121 s apart: 5 minutes (uPlot has no 2-minute step).
  EXPECT_DOUBLE_EQ(TimeTickSpace(from, from + kHour, 1500, utc), 50.5);
  EXPECT_DOUBLE_EQ(TimeTickIncrement(kHour, 1500, 50.5), 5 * kMin);
  // A week over 1000 px: "MM/DD HH:mm" (11 chars) → 89.5 px → ≥ 15.0 h → 1 day.
  const double space = TimeTickSpace(from, from + 7 * kDay, 1000, utc);
  EXPECT_DOUBLE_EQ(space, 11 * 6.5 + 18);
  EXPECT_DOUBLE_EQ(TimeTickIncrement(7 * kDay, 1000, space), kDay);
}

TEST(AxisTicks, TimeSplitsAlignInTheZone) {
  const dashboards::TimeZone utc;
  const double from = 1764090000000 + 2 * kMin;  // 17:02 UTC
  const std::vector<double> s = TimeTickSplits(from, from + kHour, 5 * kMin, utc);
  ASSERT_EQ(s.size(), 12u);
  EXPECT_EQ(FormatTimeTicks(s, 5 * kMin, kHour, utc).front(), "17:05");
  EXPECT_EQ(FormatTimeTicks(s, 5 * kMin, kHour, utc).back(), "18:00");
  // Days start at local midnight: in Tokyo (UTC+9) midnight is 15:00 UTC.
  Result<dashboards::TimeZone> tokyo = dashboards::TimeZone::Parse("Asia/Tokyo");
  if (!tokyo.ok()) GTEST_SKIP() << "no tzdata";
  const std::vector<double> days = TimeTickSplits(from, from + 3 * kDay, kDay, *tokyo);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(FormatTimeTicks(days, kDay, 3 * kDay, *tokyo),
            (std::vector<std::string>{"11/27 00:00", "11/28 00:00", "11/29 00:00"}));
  // Months: the 1st of each month after `from`.
  const std::vector<double> months = TimeTickSplits(from, from + 100 * kDay, 30 * kDay, utc);
  EXPECT_EQ(FormatTimeTicks(months, 30 * kDay, 100 * kDay, utc),
            (std::vector<std::string>{"12/01", "01/01", "02/01", "03/01"}));
}

dashboards::PanelResult Result1(std::vector<dashboards::Frame> frames) {
  dashboards::PanelResult r;
  r.from_ms = 1700000000000;
  r.to_ms = 1700000000000 + 3600000;
  r.frames = std::move(frames);
  return r;
}

// The legend rows of a panel (the bottom strip, where the table legend is).
std::vector<uint32_t> LegendStrip(const Image& img, int rows) {
  std::vector<uint32_t> out;
  for (int y = img.height - rows; y < img.height - 4; ++y) {
    for (int x = 0; x < img.width; ++x) out.push_back(img.At(x, y));
  }
  return out;
}

TEST(AxisLegend, NegativeYReportsTheQueriedValues) {
  std::vector<double> t, v;
  for (int i = 0; i < 12; ++i) {
    t.push_back(1700000000000 + i * 300000.0);
    v.push_back(i % 2 == 0 ? 7 : 0);
  }
  std::vector<double> neg;
  for (double x : v) neg.push_back(-x);
  auto panel = [](bool transform) {
    return std::string(R"({"type":"timeseries","title":"T","fieldConfig":{"defaults":{
      "color":{"mode":"fixed","fixedColor":"#FF0000"},"custom":{"drawStyle":"bars")") +
           (transform ? R"(,"transform":"negative-Y")" : "") +
           R"(}}},"options":{"legend":{"displayMode":"table","placement":"bottom",
      "calcs":["max","sum"]}}})";
  };
  const Image transformed = RenderPanel(panel(true), Result1({SeriesFrame("removed", t, v)}));
  const Image positive = RenderPanel(panel(false), Result1({SeriesFrame("removed", t, v)}));
  const Image negative = RenderPanel(panel(false), Result1({SeriesFrame("removed", t, neg)}));
  // Header and one row (2 × 20 px): "removed 7 42" under negative-Y as without it, not "-7 -42".
  EXPECT_EQ(LegendStrip(transformed, 44), LegendStrip(positive, 44));
  EXPECT_NE(LegendStrip(transformed, 44), LegendStrip(negative, 44));
}

}  // namespace
}  // namespace otelite::render
