// Legends as web/src/panels/legend.ts and styles.css draw them: 12 px text, a 14×4 swatch,
// list (wrapping items, or one per line at the right) or table (Name + one column per value,
// headers in the primary text colour), at most 35 % of the height (bottom) or 40 % of the width
// (right; pie charts 75 %); the name column gets what the right-aligned values leave; what does
// not fit is cut, as the browser clips its scroll area.
#include <algorithm>
#include <cmath>

#include "dashboards/json_members.h"
#include "render/draw.h"

namespace otelite::render {
namespace {

constexpr double kFont = 12;
constexpr double kLineH = 18;
constexpr double kTableRowH = 22;  // 12 px text at line-height 1.5, 2 px padding
constexpr double kSwatchW = 14;
constexpr double kGap = 6;

void Swatch(Canvas& c, double x, double cy, const Color& color) {
  c.SetColor(color);
  c.RoundedRectPath({x, cy - 2, kSwatchW, 4}, 2);
  cairo_fill(c.cr());
}

}  // namespace

const rapidjson::Value* Obj(const rapidjson::Value* v, const char* key) {
  if (v == nullptr) return nullptr;
  const rapidjson::Value* m = dashboards::Member(*v, key);
  return m != nullptr && m->IsObject() ? m : nullptr;
}

std::string Str(const rapidjson::Value* v, const char* key, const std::string& fallback) {
  if (v == nullptr) return fallback;
  const rapidjson::Value* m = dashboards::Member(*v, key);
  return m != nullptr && m->IsString() ? std::string(m->GetString(), m->GetStringLength())
                                       : fallback;
}

std::vector<std::string> Strings(const rapidjson::Value* v, const char* key) {
  std::vector<std::string> out;
  if (v == nullptr) return out;
  const rapidjson::Value* m = dashboards::Member(*v, key);
  if (m == nullptr || !m->IsArray()) return out;
  for (const auto& s : m->GetArray()) {
    if (s.IsString()) out.emplace_back(s.GetString(), s.GetStringLength());
  }
  return out;
}

LegendLayout ReadLegendOptions(const rapidjson::Value* legend) {
  LegendLayout l;
  const std::string mode = Str(legend, "displayMode", "list");
  bool show = true;
  if (legend != nullptr) {
    const rapidjson::Value* s = dashboards::Member(*legend, "showLegend");
    if (s != nullptr && s->IsBool()) show = s->GetBool();
  }
  l.show = show && mode != "hidden";
  l.table = mode == "table";
  l.right = Str(legend, "placement", "bottom") == "right";
  return l;
}

Box DrawLegend(Canvas& c, const Theme& theme, const LegendLayout& layout,
               const std::vector<LegendItem>& items, const std::vector<std::string>& columns,
               const Box& area) {
  if (!layout.show || items.empty()) return area;
  if (layout.table) {
    // Column widths: values right-aligned, as wide as their widest text plus padding.
    std::vector<double> col_w(columns.size(), 0);
    for (size_t j = 0; j < columns.size(); ++j) {
      col_w[j] = c.TextWidth(columns[j], Font::kSans, kFont) + 12;
      for (const LegendItem& it : items) {
        if (j < it.values.size()) {
          col_w[j] = std::max(col_w[j], c.TextWidth(it.values[j], Font::kSans, kFont) + 12);
        }
      }
    }
    double values_w = 0;
    for (double w : col_w) values_w += w;
    double name_w = c.TextWidth("Name", Font::kSans, kFont) + 12;
    for (const LegendItem& it : items) {
      name_w = std::max(name_w, kSwatchW + kGap + c.TextWidth(it.label, Font::kSans, kFont) + 12);
    }
    // The name cell's max-width includes its padding (styles.css: border-box).
    name_w = std::min(name_w, layout.max_name_width);
    const bool header = !columns.empty();
    const double rows_h =
        (header ? kTableRowH : 0) + kTableRowH * static_cast<double>(items.size());
    Box box;
    Box rest = area;
    if (layout.right) {
      const double w = std::min(area.w * layout.max_right_fraction, name_w + values_w);
      box = {area.right() - w, area.y, w, area.h};
      // Vertically centred when shorter than the area (the pie panel centres its legend).
      if (rows_h < area.h) box = {box.x, area.y + (area.h - rows_h) / 2, w, rows_h};
      rest.w = std::max(0.0, area.w - w - 8);
    } else {
      const double max_h = area.h * 0.35;
      if (rows_h > std::max(max_h, kTableRowH * 2) && items.size() > 1) {
        // A small panel cannot show the table: the compact list (names wrapping in rows)
        // names every series where the table would cut them (a PNG cannot scroll).
        LegendLayout list = layout;
        list.table = false;
        return DrawLegend(c, theme, list, items, {}, area);
      }
      double h = std::min(rows_h, std::max(max_h, std::min(rows_h, kTableRowH * 2)));
      h = std::min(h, area.h);
      box = {area.x, area.bottom() - h, area.w, h};
      rest.h = std::max(0.0, area.h - h - 4);
    }
    cairo_save(c.cr());
    cairo_rectangle(c.cr(), box.x, box.y, box.w, box.h);
    cairo_clip(c.cr());
    // The name column takes what the values leave.
    const double name_col = std::max(40.0, box.w - values_w);
    double y = box.y;
    if (header) {
      c.Text("Name", box.x + 6, y + kTableRowH / 2, Font::kSans, kFont, theme.primary_text);
      double x = box.x + name_col;
      for (size_t j = 0; j < columns.size(); ++j) {
        x += col_w[j];
        c.Text(c.Ellipsize(columns[j], col_w[j] - 6, Font::kSans, kFont), x - 6, y + kTableRowH / 2,
               Font::kSans, kFont, theme.primary_text, Align::kRight);
      }
      y += kTableRowH;
    }
    for (const LegendItem& it : items) {
      if (y >= box.bottom()) break;
      const double cy = y + kTableRowH / 2;
      Swatch(c, box.x + 6, cy, it.color);
      const double label_x = box.x + 6 + kSwatchW + kGap;
      c.Text(
          c.Ellipsize(it.label, std::min(layout.max_name_width, name_col) - (label_x - box.x) - 6,
                      Font::kSans, kFont),
          label_x, cy, Font::kSans, kFont, theme.text);
      double x = box.x + name_col;
      for (size_t j = 0; j < columns.size(); ++j) {
        x += col_w[j];
        if (j < it.values.size()) {
          c.Text(it.values[j], x - 6, cy, Font::kSans, kFont, theme.text_strong, Align::kRight);
        }
      }
      y += kTableRowH;
    }
    cairo_restore(c.cr());
    return rest;
  }

  // List: each item is swatch, name, then "Column: value" pairs.
  struct Measured {
    double w;
    std::string label;
    std::vector<std::string> values;
  };
  std::vector<Measured> m;
  m.reserve(items.size());
  for (const LegendItem& it : items) {
    Measured x;
    x.label = it.label;
    x.w = kSwatchW + kGap + c.TextWidth(it.label, Font::kSans, kFont);
    for (size_t j = 0; j < it.values.size(); ++j) {
      std::string v = j < columns.size() && !columns[j].empty() ? columns[j] + ": " + it.values[j]
                                                                : it.values[j];
      x.w += kGap + c.TextWidth(v, Font::kSans, kFont);
      x.values.push_back(std::move(v));
    }
    m.push_back(std::move(x));
  }
  auto draw_item = [&](const Measured& x, const Color& color, double left, double cy,
                       double max_w) {
    Swatch(c, left, cy, color);
    double px = left + kSwatchW + kGap;
    double values_w = 0;
    for (const auto& v : x.values) values_w += kGap + c.TextWidth(v, Font::kSans, kFont);
    const std::string label =
        c.Ellipsize(x.label, std::max(10.0, max_w - (px - left) - values_w), Font::kSans, kFont);
    c.Text(label, px, cy, Font::kSans, kFont, theme.text);
    px += c.TextWidth(label, Font::kSans, kFont);
    for (const auto& v : x.values) {
      px += kGap;
      c.Text(v, px, cy, Font::kSans, kFont, theme.text_strong);
      px += c.TextWidth(v, Font::kSans, kFont);
    }
  };
  if (layout.right) {
    double w = 0;
    for (const auto& x : m) w = std::max(w, x.w);
    w = std::min(area.w * layout.max_right_fraction, w + 4);
    const double h = kLineH * static_cast<double>(m.size());
    const Box box{area.right() - w, area.y + std::max(0.0, (area.h - h) / 2), w,
                  std::min(area.h, h)};
    cairo_save(c.cr());
    cairo_rectangle(c.cr(), box.x, box.y, box.w, box.h);
    cairo_clip(c.cr());
    for (size_t i = 0; i < m.size(); ++i) {
      const double cy = box.y + kLineH * (static_cast<double>(i) + 0.5);
      if (cy - kLineH / 2 >= box.bottom()) break;
      draw_item(m[i], items[i].color, box.x, cy, w);
    }
    cairo_restore(c.cr());
    Box rest = area;
    rest.w = std::max(0.0, area.w - w - 8);
    return rest;
  }
  // Bottom: wrap into lines.
  std::vector<std::vector<size_t>> lines(1);
  double x = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    const double w = std::min(m[i].w, area.w);
    if (x > 0 && x + w > area.w) {
      lines.emplace_back();
      x = 0;
    }
    lines.back().push_back(i);
    x += w + 12;
  }
  // A third of the panel, but two lines at least: small panels still name their series.
  const double max_h = std::max(kLineH * 2 + 4, area.h * 0.35);
  size_t shown = lines.size();
  while (shown > 1 && 4 + kLineH * static_cast<double>(shown) > max_h) --shown;
  const double h = std::min(area.h, 4 + kLineH * static_cast<double>(shown));
  const Box box{area.x, area.bottom() - h, area.w, h};
  cairo_save(c.cr());
  cairo_rectangle(c.cr(), box.x, box.y, box.w, box.h);
  cairo_clip(c.cr());
  for (size_t li = 0; li < shown; ++li) {
    double px = box.x;
    const double cy = box.y + 4 + kLineH * (static_cast<double>(li) + 0.5);
    for (size_t i : lines[li]) {
      const double w = std::min(m[i].w, area.w);
      draw_item(m[i], items[i].color, px, cy, w);
      px += w + 12;
    }
  }
  cairo_restore(c.cr());
  Box rest = area;
  rest.h = std::max(0.0, area.h - h - 4);
  return rest;
}

}  // namespace otelite::render
