// The pie chart as web/src/panels/piechart.ts draws it: one slice per numeric field (reduced
// with the first of reduceOptions.calcs) or per row (reduceOptions.values), sorted large to
// small, starting at 12 o'clock clockwise; donut with a 60 % hole; slices outlined in the panel
// colour; labels (displayLabels: percent, name, value) on slices wider than 0.35 rad; the legend
// with value and/or percent.
#include <algorithm>
#include <cmath>

#include "render/draw.h"
#include "render/reduce.h"

namespace otelite::render {
namespace {

using dashboards::FieldType;

struct Slice {
  std::string label;
  double value;
  std::string text;
  Color color;
};

std::vector<Slice> PieSlices(const PanelDraw& p) {
  const rapidjson::Value* reduce = Obj(Obj(p.panel, "options"), "reduceOptions");
  const std::vector<std::string> calcs = Strings(reduce, "calcs");
  const std::string calc = calcs.empty() ? "lastNotNull" : calcs[0];
  bool per_row = false;
  if (reduce != nullptr) {
    const auto v = reduce->FindMember("values");
    per_row = v != reduce->MemberEnd() && v->value.IsBool() && v->value.GetBool();
  }
  std::vector<Slice> out;
  int color_index = 0;
  for (const ConfiguredFrame& frame : *p.frames) {
    for (const ConfiguredField& field : frame.fields) {
      if (field.field->type != FieldType::kNumber || field.config.hide_viz) continue;
      const Color base = FieldColor(field, *p.theme);
      if (per_row) {
        for (size_t i = 0; i < field.field->values.size() && out.size() < 100000; ++i) {
          const std::optional<double> v = CellToNumber(field.field->values[i]);
          if (!v.has_value() || !std::isfinite(*v)) continue;
          std::string label;
          bool any = false;
          for (const dashboards::Field& f : frame.frame->fields) {
            if (f.type != FieldType::kString) continue;
            const std::string* s =
                i < f.values.size() ? std::get_if<std::string>(&f.values[i]) : nullptr;
            if (any) label += " ";
            label += s != nullptr ? *s : "";
            any = true;
          }
          if (label.empty()) label = field.display_name + " " + std::to_string(i + 1);
          const DisplayValue d = MakeDisplay(field.config, *p.theme, &base, std::nullopt, *v);
          const Color color =
              field.config.color_mode == "fixed" ? d.color : ClassicColor(color_index, *p.theme);
          ++color_index;
          out.push_back({label, *v, d.ToString(), color});
        }
        continue;
      }
      const std::optional<double> v = ReduceCells(field.field->values, calc);
      ++color_index;
      if (!v.has_value() || !std::isfinite(*v)) continue;
      const DisplayValue d = MakeDisplay(field.config, *p.theme, &base, std::nullopt, *v);
      out.push_back({field.display_name, *v, d.ToString(), base});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Slice& a, const Slice& b) { return a.value > b.value; });
  return out;
}

// JavaScript's (x).toFixed(0) for the percentages (halves up).
std::string Percent(double part, double total) {
  if (!(total > 0)) return "0%";
  const double pct = std::max(0.0, part) / total * 100;
  return JsNumberToString(std::round(pct)) + "%";
}

}  // namespace

bool DrawPieChart(const PanelDraw& p, const Box& body) {
  Canvas& c = *p.canvas;
  const Theme& theme = *p.theme;
  const rapidjson::Value* options = Obj(p.panel, "options");
  std::vector<Slice> slices = PieSlices(p);
  if (slices.empty()) return false;
  const rapidjson::Value* legend_raw = Obj(options, "legend");
  LegendLayout legend = ReadLegendOptions(legend_raw);
  // styles.css: a pie's legend may take 65 % of the width and names 200 px, the pie shrinks.
  // DejaVu Sans is a little wider than the browser's font: up to 75 % so that a quarter-width
  // dashboard panel keeps whole names (the pie shrinks first).
  legend.max_right_fraction = 0.75;
  legend.max_name_width = 200;
  const std::vector<std::string> values = Strings(legend_raw, "values");
  double total = 0;
  for (const Slice& s : slices) total += std::max(0.0, s.value);
  std::vector<LegendItem> items;
  for (const Slice& s : slices) {
    LegendItem it{s.label, s.color, {}};
    for (const std::string& v : values)
      it.values.push_back(v == "percent" ? Percent(s.value, total) : s.text);
    items.push_back(std::move(it));
  }
  std::vector<std::string> columns;
  if (legend.table) {
    for (const std::string& v : values) columns.push_back(v == "percent" ? "Percent" : "Value");
  }
  const Box area = DrawLegend(c, theme, legend, items, columns, body);
  const double w = std::max(20.0, area.w);
  const double h = std::max(20.0, area.h);
  const double r = std::max(5.0, std::min(w, h) / 2 - 6);
  const double inner = Str(options, "pieType", "pie") == "donut" ? r * 0.6 : 0;
  const double cx = area.x + w / 2;
  const double cy = area.y + h / 2;
  const std::vector<std::string> labels = Strings(options, "displayLabels");
  cairo_t* cr = c.cr();
  double a = 0;  // radians clockwise from 12 o'clock
  struct Label {
    double x, y;
    std::string text;
  };
  std::vector<Label> label_list;
  for (const Slice& s : slices) {
    if (s.value <= 0 || !(total > 0)) continue;
    double span = s.value / total * 2 * M_PI;
    // Cairo angles run clockwise from 3 o'clock.
    const double a0 = a - M_PI / 2;
    double a1 = a + span - M_PI / 2;
    if (span >= 2 * M_PI - 1e-9) a1 = a0 + 2 * M_PI - 1e-4;
    cairo_new_path(cr);
    if (inner <= 0) {
      cairo_move_to(cr, cx, cy);
      cairo_arc(cr, cx, cy, r, a0, a1);
    } else {
      cairo_arc(cr, cx, cy, r, a0, a1);
      cairo_arc_negative(cr, cx, cy, inner, a1, a0);
    }
    cairo_close_path(cr);
    c.SetColor(s.color);
    cairo_fill_preserve(cr);
    c.SetColor(theme.panel);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    if (!labels.empty() && span > 0.35) {
      const double mid = a + span / 2;
      const double lr = inner > 0 ? (r + inner) / 2 : r * 0.65;
      std::string text;
      for (const std::string& l : labels) {
        if (!text.empty()) text += " ";
        text += l == "percent" ? Percent(s.value, total) : l == "name" ? s.label : s.text;
      }
      label_list.push_back({cx + lr * std::sin(mid), cy - lr * std::cos(mid), text});
    }
    a += span;
  }
  for (const Label& l : label_list) {
    c.Text(l.text, l.x, l.y, Font::kSans, 11, Rgb(255, 255, 255), Align::kCenter);
  }
  return true;
}

}  // namespace otelite::render
