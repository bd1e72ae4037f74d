// PNG rendering: sizes, where data lands in the image, threshold colours, pie angles, themes,
// errors, and absurd inputs. Geometry used below (render.cc, timeseries.cc): a panel's header is
// 30 px, its body is inset by 8 px; a time series plot starts 8 px below the body's top and
// leaves 50 px for the time axis.
#include "render/render.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "render_test_util.h"

namespace otelite::render {
namespace {

using testing::Decode;
using testing::Image;
using testing::Json;
using testing::kFrom;
using testing::kTo;
using testing::NumberFrame;
using testing::PanelData;
using testing::RenderPanel;
using testing::SeriesFrame;
using testing::Times;

bool IsRed(const Image& img, int x, int y) {
  return img.R(x, y) > 200 && img.G(x, y) < 80 && img.B(x, y) < 80;
}

// The mean y of red pixels in column x (NaN when none).
double RedY(const Image& img, int x) {
  double sum = 0;
  int n = 0;
  for (int y = 0; y < img.height; ++y) {
    if (IsRed(img, x, y)) {
      sum += y;
      ++n;
    }
  }
  return n ? sum / n : NAN;
}

const char* kRedLinePanel = R"({"type":"timeseries","title":"T","fieldConfig":{"defaults":{
  "min":0,"max":100,"color":{"mode":"fixed","fixedColor":"#FF0000"},
  "custom":{"lineWidth":2,"fillOpacity":0,"showPoints":"never"}}},
  "options":{"legend":{"showLegend":false}}})";

TEST(RenderPanel, SizeAndScale) {
  auto data = PanelData({NumberFrame("x", 5)});
  const char* panel = R"({"type":"stat","title":"S"})";
  Image a = RenderPanel(panel, data, {.width = 1000, .height = 500});
  EXPECT_EQ(a.width, 1000);
  EXPECT_EQ(a.height, 500);
  Image b = RenderPanel(panel, data, {.width = 1000, .height = 500, .scale = 2});
  EXPECT_EQ(b.width, 2000);
  EXPECT_EQ(b.height, 1000);
  // Clamped sides.
  Image c = RenderPanel(panel, data, {.width = 0, .height = -5});
  EXPECT_EQ(c.width, kMinSide);
  EXPECT_EQ(c.height, kMinSide);
  Image d = RenderPanel(panel, data, {.width = 100000, .height = 200});
  EXPECT_EQ(d.width, kMaxSide);
}

TEST(RenderPanel, RefusesTooManyPixelsAndBadScale) {
  rapidjson::Document panel = Json(R"({"type":"stat"})");
  dashboards::PanelResult data;
  auto big = RenderPanelPng(panel, data, {.width = 8000, .height = 8000}, nullptr);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(big.status().message().find("40 M pixels"), std::string::npos);
  auto scaled = RenderPanelPng(panel, data, {.width = 4000, .height = 3000, .scale = 2}, nullptr);
  EXPECT_FALSE(scaled.ok());
  auto nan = RenderPanelPng(panel, data, {.scale = std::nan("")}, nullptr);
  ASSERT_FALSE(nan.ok());
  EXPECT_NE(nan.status().message().find("scale"), std::string::npos);
  rapidjson::Document not_object = Json("[1]");
  EXPECT_FALSE(RenderPanelPng(not_object, data, {}, nullptr).ok());
}

TEST(RenderTimeSeries, RampLandsWhereTheDataSays) {
  std::vector<double> t = Times(101);
  std::vector<double> v;
  for (int i = 0; i <= 100; ++i) v.push_back(i);
  Image img = RenderPanel(kRedLinePanel, PanelData({SeriesFrame("ramp", t, v)}));
  ASSERT_EQ(img.width, 1000);
  // Plot: top 30 + 8 = 38, height 462 − 8 − 50 = 404, so value 0 is at y 442 and 100 at 38.
  const double top = 38, bottom = 442;
  int left = -1, right = -1;
  for (int x = 0; x < img.width; ++x) {
    if (!std::isnan(RedY(img, x))) {
      if (left < 0) left = x;
      right = x;
    }
  }
  ASSERT_GE(left, 0);
  EXPECT_GT(left, 20);  // after the y axis labels
  EXPECT_NEAR(right, 1000 - 8 - 16,
              3);  // the plot ends 16 px before the body's end (uPlot padding)
  for (double f : {0.1, 0.25, 0.5, 0.75, 0.9}) {
    const int x = static_cast<int>(left + f * (right - left));
    const double expected = bottom - f * (bottom - top);
    EXPECT_NEAR(RedY(img, x), expected, 3) << "at " << f;
  }
}

TEST(RenderTimeSeries, ConstantSeriesIsAHorizontalLine) {
  std::vector<double> t = Times(50);
  std::vector<double> v(50, 25);
  Image img = RenderPanel(kRedLinePanel, PanelData({SeriesFrame("flat", t, v)}));
  // 25 on [0, 100]: a quarter of 404 px above the bottom (442).
  for (int x : {200, 500, 900}) EXPECT_NEAR(RedY(img, x), 442 - 101, 2) << x;
}

TEST(RenderTimeSeries, NegativeYAndBars) {
  std::vector<double> t = Times(12);
  std::vector<double> v(12, 50);
  const char* panel = R"({"type":"timeseries","title":"T","fieldConfig":{"defaults":{
    "min":-100,"max":100,"color":{"mode":"fixed","fixedColor":"#FF0000"},
    "custom":{"drawStyle":"bars","fillOpacity":100,"transform":"negative-Y"}}},
    "options":{"legend":{"showLegend":false}}})";
  Image img = RenderPanel(panel, PanelData({SeriesFrame("neg", t, v)}));
  // Zero is in the middle of the plot (y 240); −50 reaches 240 + 101 = 341. Bars are below 0.
  int red_above = 0, red_below = 0;
  for (int x = 60; x < 980; ++x) {
    for (int y = 38; y < 442; ++y) {
      if (!IsRed(img, x, y)) continue;
      (y < 238 ? red_above : red_below)++;
    }
  }
  EXPECT_EQ(red_above, 0);
  EXPECT_GT(red_below, 1000);
  bool bar_end = false;
  for (int x = 60; x < 980 && !bar_end; ++x) bar_end = IsRed(img, x, 338) && !IsRed(img, x, 345);
  EXPECT_TRUE(bar_end);
}

TEST(RenderStat, ThresholdColourAsBackground) {
  const char* panel = R"({"type":"stat","title":"S","options":{"colorMode":"background_solid",
    "graphMode":"none"},"fieldConfig":{"defaults":{"thresholds":{"mode":"absolute","steps":[
    {"color":"green","value":null},{"color":"red","value":80}]}}}})";
  Image hot = RenderPanel(panel, PanelData({NumberFrame("v", 90)}), {.width = 400, .height = 200});
  Image ok = RenderPanel(panel, PanelData({NumberFrame("v", 50)}), {.width = 400, .height = 200});
  // Dark theme: red #F2495C, green #73BF69, filling the cell (the whole body).
  for (auto [x, y] : {std::pair{20, 45}, {380, 185}, {30, 180}}) {
    EXPECT_TRUE(hot.Near(x, y, 0xF2495C, 3)) << x << "," << y;
    EXPECT_TRUE(ok.Near(x, y, 0x73BF69, 3)) << x << "," << y;
  }
  // Percentage thresholds against min/max: 30 of [0, 40] is 75 % → below 80 → green.
  const char* pct = R"({"type":"stat","options":{"colorMode":"background_solid","graphMode":"none"},
    "fieldConfig":{"defaults":{"min":0,"max":40,"thresholds":{"mode":"percentage","steps":[
    {"color":"green","value":null},{"color":"red","value":80}]}}}})";
  EXPECT_TRUE(RenderPanel(pct, PanelData({NumberFrame("v", 30)}), {.width = 400, .height = 200})
                  .Near(20, 45, 0x73BF69, 3));
  EXPECT_TRUE(RenderPanel(pct, PanelData({NumberFrame("v", 33)}), {.width = 400, .height = 200})
                  .Near(20, 45, 0xF2495C, 3));
  // The gradient ("background"): the end colour is the threshold colour.
  const char* gradient = R"({"type":"stat","options":{"colorMode":"background","graphMode":"none"},
    "fieldConfig":{"defaults":{"thresholds":{"steps":[{"color":"green","value":null},
    {"color":"red","value":80}]}}}})";
  Image g = RenderPanel(gradient, PanelData({NumberFrame("v", 95)}), {.width = 400, .height = 200});
  EXPECT_TRUE(g.Near(389, 189, 0xF2495C, 12));
  EXPECT_GT(g.R(20, 40), g.G(20, 40) + 80);
}

TEST(RenderPie, SliceAngles) {
  const char* panel = R"({"type":"piechart","title":"P","options":{"pieType":"pie",
    "legend":{"showLegend":false},"reduceOptions":{"calcs":["lastNotNull"]}},
    "fieldConfig":{"defaults":{"color":{"mode":"palette-classic"}}}})";
  Image img = RenderPanel(panel, PanelData({NumberFrame("a", 75), NumberFrame("b", 25)}),
                          {.width = 600, .height = 600});
  // Body 584 × 562 at (8, 30): centre (300, 311), radius 562 / 2 − 6 = 275. Slices start at
  // 12 o'clock, clockwise, largest first: a (green #73BF69) over 0–270°, b (yellow #FADE2A) over
  // 270–360°.
  auto sample = [&](double degrees, double radius) {
    const double a = degrees * M_PI / 180;
    return std::pair{static_cast<int>(std::lround(300 + radius * std::sin(a))),
                     static_cast<int>(std::lround(311 - radius * std::cos(a)))};
  };
  for (double deg : {10.0, 45.0, 135.0, 225.0, 260.0}) {
    auto [x, y] = sample(deg, 200);
    EXPECT_TRUE(img.Near(x, y, 0x73BF69, 3)) << deg;
  }
  for (double deg : {280.0, 315.0, 350.0}) {
    auto [x, y] = sample(deg, 200);
    EXPECT_TRUE(img.Near(x, y, 0xFADE2A, 3)) << deg;
  }
  // Outside the radius: the panel background.
  auto [ox, oy] = sample(45, 285);
  EXPECT_TRUE(img.Near(ox, oy, 0x181B1F, 3));
  // A donut leaves its middle empty.
  const char* donut =
      R"({"type":"piechart","options":{"pieType":"donut","legend":{"showLegend":false}}})";
  Image d = RenderPanel(donut, PanelData({NumberFrame("a", 75), NumberFrame("b", 25)}),
                        {.width = 600, .height = 600});
  auto [ix, iy] = sample(45, 100);
  EXPECT_TRUE(d.Near(ix, iy, 0x181B1F, 3));
  auto [rx, ry] = sample(45, 220);
  EXPECT_TRUE(d.Near(rx, ry, 0x73BF69, 3));
}

TEST(RenderPanel, LightAndDarkThemes) {
  auto data = PanelData({NumberFrame("x", 1)});
  const char* panel = R"({"type":"stat","title":"S","options":{"colorMode":"value"}})";
  Image dark = RenderPanel(panel, data, {.width = 300, .height = 150, .dark = true});
  Image light = RenderPanel(panel, data, {.width = 300, .height = 150, .dark = false});
  EXPECT_TRUE(dark.Near(150, 140, 0x181B1F, 2));
  EXPECT_TRUE(light.Near(150, 140, 0xFFFFFF, 2));
}

TEST(RenderPanel, NoDataUnsupportedAndErrors) {
  std::vector<std::string> warnings;
  dashboards::PanelResult failed;
  dashboards::QueryReport report;
  report.ref_id = "A";
  report.error = "parse error: unexpected ')'";
  failed.queries.push_back(report);
  Image img = RenderPanel(R"({"type":"timeseries","title":"E","id":7})", failed,
                          {.width = 500, .height = 300}, &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "panel 7 (E): A: parse error: unexpected ')'");
  // The error corner (top left) and the red box.
  EXPECT_TRUE(img.Near(3, 3, 0xF2495C, 3));
  int reddish = 0;
  for (int y = 40; y < 290; ++y) {
    for (int x = 10; x < 490; ++x) reddish += img.R(x, y) > 180 && img.G(x, y) < 110 ? 1 : 0;
  }
  EXPECT_GT(reddish, 100);

  warnings.clear();
  Image unsupported =
      RenderPanel(R"({"type":"heatmap","title":"H","id":3})", PanelData({NumberFrame("x", 1)}),
                  {.width = 400, .height = 200}, &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "panel 3 (H): not supported: heatmap");
  // "No data": muted text, no error corner.
  Image empty = RenderPanel(R"({"type":"stat","title":"N"})", dashboards::PanelResult{},
                            {.width = 400, .height = 200});
  EXPECT_TRUE(empty.Near(3, 3, 0x181B1F, 3));
  int muted = 0;
  for (int y = 100; y < 130; ++y) {
    for (int x = 150; x < 250; ++x) muted += empty.R(x, y) > 80 ? 1 : 0;
  }
  EXPECT_GT(muted, 20);
}

TEST(RenderPanel, UnknownTimeZoneIsReportedAndUtcUsed) {
  std::vector<std::string> warnings;
  RenderPanel(kRedLinePanel, PanelData({SeriesFrame("x", Times(3), {1, 2, 3})}),
              {.timezone = "Mars/Olympus"}, &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("Mars/Olympus"), std::string::npos);
}

TEST(RenderPanel, AbsurdInputsNeverCrash) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double big = std::numeric_limits<double>::max();
  std::vector<std::vector<double>> cases = {{nan, nan, nan},
                                            {inf, -inf, 1},
                                            {big, -big, 0},
                                            {1e308, 1e308, 1e308},
                                            {0, 0, 0},
                                            {5e-324, -5e-324, 0},
                                            {}};
  const char* types[] = {"timeseries", "stat", "piechart", "table", "logs"};
  for (const char* type : types) {
    const std::string panel =
        std::string(R"({"type":")") + type +
        R"(","title":"\u0000\uffff bad \u00e9","options":{"legend":{"displayMode":"table","calcs":["mean","sum","max"]},"graphMode":"area","colorMode":"background"},"fieldConfig":{"defaults":{"unit":"bytes","custom":{"lineWidth":1e9,"pointSize":-5,"fillOpacity":1e9,"stacking":{"mode":"percent"}}}}})";
    for (const auto& values : cases) {
      std::vector<double> t = Times(std::max<int>(2, static_cast<int>(values.size())));
      t.resize(values.size());
      auto data = PanelData({SeriesFrame("s", t, values), SeriesFrame("s2", t, values)});
      Image img = RenderPanel(panel, data, {.width = 300, .height = 200});
      EXPECT_EQ(img.width, 300) << type;
    }
    // Time values that are absurd too, a frame with fields of different lengths, strings in a
    // number field, an empty frame, a frame without fields.
    auto data = PanelData({SeriesFrame("t", {nan, inf, -1e300}, {1, 2, 3})});
    dashboards::Frame ragged = SeriesFrame("r", Times(5), {1, 2});
    ragged.fields[1].values.emplace_back(std::string("12abc"));
    ragged.fields[1].values.emplace_back(std::string("\xff\xfe"));
    data.frames.push_back(ragged);
    data.frames.push_back(dashboards::Frame{});
    dashboards::Frame no_rows = SeriesFrame("n", {}, {});
    data.frames.push_back(no_rows);
    Image img = RenderPanel(panel, data, {.width = 300, .height = 200});
    EXPECT_EQ(img.height, 200) << type;
    // A time range that is empty or reversed.
    data.from_ms = 5;
    data.to_ms = 5;
    RenderPanel(panel, data, {.width = 300, .height = 200});
  }
}

TEST(RenderPanel, AMillionPoints) {
  std::vector<double> t(1000000), v(1000000);
  for (size_t i = 0; i < t.size(); ++i) {
    t[i] = kFrom + (kTo - kFrom) * static_cast<double>(i) / 999999.0;
    v[i] = std::sin(static_cast<double>(i) / 1000) * 100;
  }
  auto data = PanelData({SeriesFrame("m", t, v)});
  Image img = RenderPanel(kRedLinePanel, data);
  EXPECT_EQ(img.width, 1000);
  // sin spans −100…100 but the axis is fixed to 0–100: the positive half is drawn.
  EXPECT_FALSE(std::isnan(RedY(img, 500)));
  const char* bars =
      R"({"type":"timeseries","fieldConfig":{"defaults":{"custom":{"drawStyle":"bars"}}}})";
  RenderPanel(bars, data);
}

}  // namespace
}  // namespace otelite::render
