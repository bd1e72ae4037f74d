// Legends at the right: the widths styles.css gives them (time series 40 % of the panel and
// 260 px names; pie charts 200 px names and 65 %, 75 % here for DejaVu's wider text), values
// never clipped, names cut last.
#include <cairo.h>
#include <gtest/gtest.h>

#include "render/draw.h"

namespace otelite::render {
namespace {

struct Surface {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 800, 400);
  cairo_t* cr = cairo_create(surface);
  Canvas canvas{cr};
  ~Surface() {
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
  }
};

std::vector<LegendItem> PieItems() {
  const Color c = Rgb(115, 191, 105);
  return {{"claude-opus-4-1", c, {"$2.00", "80%"}}, {"claude-sonnet-4-5", c, {"$0.50", "20%"}}};
}

// The width the browser gives the table: each cell padded 6 px on both sides, the name cell
// holding a 14 px swatch, a 6 px gap and the name.
double TableWidth(Canvas& c, const std::vector<LegendItem>& items,
                  const std::vector<std::string>& columns) {
  double name = 0;
  for (const LegendItem& it : items) {
    name = std::max(name, 14 + 6 + c.TextWidth(it.label, Font::kSans, 12) + 12);
  }
  double values = 0;
  for (size_t j = 0; j < columns.size(); ++j) {
    double w = c.TextWidth(columns[j], Font::kSans, 12) + 12;
    for (const LegendItem& it : items)
      w = std::max(w, c.TextWidth(it.values[j], Font::kSans, 12) + 12);
    values += w;
  }
  return name + values;
}

TEST(LegendRight, PieTableKeepsWholeNamesAndShrinksThePie) {
  Surface s;
  const std::vector<LegendItem> items = PieItems();
  const std::vector<std::string> columns = {"Value", "Percent"};
  // A quarter-width dashboard panel: 374 px of body.
  const Box area{8, 38, 374, 254};
  const double needed = TableWidth(s.canvas, items, columns);
  // The time series share (40 %) would cut the names: the case the dashboards hit.
  ASSERT_GT(needed, area.w * 0.4);
  LegendLayout pie{.show = true, .table = true, .right = true};
  pie.max_right_fraction = 0.75;  // as piechart.cc sets it
  pie.max_name_width = 200;
  const Box rest = DrawLegend(s.canvas, DarkTheme(), pie, items, columns, area);
  // The legend takes what it needs, 8 px gap, the pie gets the rest.
  EXPECT_LE(needed, area.w * 0.75);
  EXPECT_NEAR(area.w - rest.w - 8, needed, 0.5);
  EXPECT_EQ(rest.x, area.x);
}

TEST(LegendRight, TimeSeriesTableStaysWithinFortyPercentWithValuesWhole) {
  Surface s;
  const std::vector<LegendItem> items = PieItems();
  const std::vector<std::string> columns = {"Value", "Percent"};
  const Box area{8, 38, 374, 254};
  LegendLayout ts{.show = true, .table = true, .right = true};
  const Box rest = DrawLegend(s.canvas, DarkTheme(), ts, items, columns, area);
  EXPECT_NEAR(area.w - rest.w - 8, area.w * 0.4, 0.5);
}

TEST(LegendRight, LongNamesStopAtTheNameWidth) {
  Surface s;
  const Color c = Rgb(1, 2, 3);
  const std::vector<LegendItem> items = {{std::string(200, 'x'), c, {"1"}}};
  LegendLayout pie{.show = true, .table = true, .right = true};
  pie.max_right_fraction = 0.75;
  pie.max_name_width = 200;
  const Box area{0, 0, 800, 300};
  const Box rest = DrawLegend(s.canvas, DarkTheme(), pie, items, {"Value"}, area);
  const double value_w = std::max(s.canvas.TextWidth("Value", Font::kSans, 12),
                                  s.canvas.TextWidth("1", Font::kSans, 12)) +
                         12;
  // 200 px for the whole name cell (border-box: padding, swatch and gap included).
  EXPECT_NEAR(area.w - rest.w - 8, 200 + value_w, 0.5);
}

}  // namespace
}  // namespace otelite::render

namespace otelite::render {
namespace {

// A small panel (300×150) cannot hold the bottom table legend: it falls back to the compact
// list, two lines at least, so every series is still named where the table would show one.
TEST(LegendBottom, SmallPanelsNameEverySeries) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 300, 150);
  cairo_t* cr = cairo_create(surface);
  Canvas canvas{cr};
  const Color green = Rgb(115, 191, 105), yellow = Rgb(250, 222, 42);
  const std::vector<LegendItem> items = {{"claude-opus-4-1", green, {"$2.00"}},
                                         {"claude-sonnet-4-5", yellow, {"$0.50"}}};
  LegendLayout table{.show = true, .table = true, .right = false};
  const Box area{0, 30, 300, 120};
  const Box rest = DrawLegend(canvas, DarkTheme(), table, items, {"Total"}, area);
  cairo_surface_flush(surface);
  // Both swatches are drawn below the plot area that is left.
  auto has = [&](const Color& want) {
    const unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    for (int y = static_cast<int>(rest.bottom()); y < 150; ++y) {
      for (int x = 0; x < 40; ++x) {
        const unsigned char* p = data + y * stride + x * 4;  // BGRA
        if (std::abs(p[2] - want.r * 255) < 8 && std::abs(p[1] - want.g * 255) < 8 &&
            std::abs(p[0] - want.b * 255) < 8) {
          return true;
        }
      }
    }
    return false;
  };
  EXPECT_TRUE(has(green));
  EXPECT_TRUE(has(yellow));
  EXPECT_GE(rest.h, 60);  // the plot keeps half the body
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
}

}  // namespace
}  // namespace otelite::render
