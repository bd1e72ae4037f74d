// The stat panel as web/src/panels/stat.ts draws it: one value per numeric field (or per row with
// reduceOptions.values), reduced with the first of reduceOptions.calcs, coloured by thresholds or
// the fixed colour as text (colorMode value), as a background gradient (background) or solid
// (background_solid); cells side by side when the panel is wide, stacked when tall; names shown
// for several values (textMode auto) or as asked; an area sparkline (graphMode area).
#include <re2/re2.h>

#include <algorithm>
#include <cmath>

#include "render/draw.h"
#include "render/reduce.h"

namespace otelite::render {
namespace {

using dashboards::FieldType;

struct StatValue {
  std::string name;
  DisplayValue display;
  std::vector<std::pair<double, double>> spark;
};

std::unique_ptr<RE2> FieldsRegex(const std::string& s) {
  RE2::Options o;
  o.set_log_errors(false);
  std::string pattern;
  if (s.size() >= 2 && s[0] == '/' && s.rfind('/') > 0) {
    const size_t close = s.rfind('/');
    pattern = s.substr(1, close - 1);
    if (s.find('i', close) != std::string::npos) o.set_case_sensitive(false);
  } else {
    pattern = "^" + RE2::QuoteMeta(s) + "$";
  }
  auto re = std::make_unique<RE2>(pattern, o);
  return re->ok() ? std::move(re) : nullptr;
}

std::vector<StatValue> StatValues(const PanelDraw& p) {
  const rapidjson::Value* options = Obj(p.panel, "options");
  const rapidjson::Value* reduce = Obj(options, "reduceOptions");
  std::vector<std::string> calcs = Strings(reduce, "calcs");
  const std::string calc = calcs.empty() ? "lastNotNull" : calcs[0];
  bool all_values = false;
  double limit = 5000;
  if (reduce != nullptr) {
    const auto v = reduce->FindMember("values");
    all_values = v != reduce->MemberEnd() && v->value.IsBool() && v->value.GetBool();
    const auto l = reduce->FindMember("limit");
    if (l != reduce->MemberEnd() && l->value.IsNumber()) limit = l->value.GetDouble();
  }
  const std::string fields = Str(reduce, "fields", "");
  std::unique_ptr<RE2> fields_re = fields.empty() ? nullptr : FieldsRegex(fields);
  std::vector<StatValue> out;
  for (const ConfiguredFrame& frame : *p.frames) {
    const int ti = frame.frame->FirstOfType(FieldType::kTime);
    const dashboards::Field* tf = ti >= 0 ? &frame.frame->fields[ti] : nullptr;
    for (const ConfiguredField& field : frame.fields) {
      const dashboards::Field& raw = *field.field;
      if (raw.type == FieldType::kTime) continue;
      if (fields_re != nullptr ? !RE2::PartialMatch(field.display_name, *fields_re)
                               : raw.type != FieldType::kNumber) {
        continue;
      }
      std::optional<ValueRange> range;
      for (const auto& cell : raw.values) {
        const std::optional<double> n = CellToNumber(cell);
        if (!n.has_value() || !std::isfinite(*n)) continue;
        if (!range) range = ValueRange{*n, *n};
        range->min = std::min(range->min, *n);
        range->max = std::max(range->max, *n);
      }
      if (all_values) {
        const size_t n = std::min(raw.values.size(), static_cast<size_t>(std::max(0.0, limit)));
        for (size_t i = 0; i < n; ++i) {
          std::string name;
          for (const dashboards::Field& other : frame.frame->fields) {
            if (other.type != FieldType::kString || &other == &raw) continue;
            const std::string* s =
                i < other.values.size() ? std::get_if<std::string>(&other.values[i]) : nullptr;
            if (!name.empty()) name += " ";
            name += s != nullptr ? *s : "";
          }
          if (name.find_first_not_of(' ') == std::string::npos) name = field.display_name;
          out.push_back(
              {name, MakeDisplay(field.config, *p.theme, nullptr, range, raw.values[i]), {}});
        }
        continue;
      }
      dashboards::CellValue value;
      if (raw.type == FieldType::kNumber) {
        const std::optional<double> r = ReduceCells(raw.values, calc);
        if (r.has_value()) value = *r;
      } else {
        for (size_t i = raw.values.size(); i-- > 0;) {
          if (!dashboards::IsNull(raw.values[i])) {
            value = raw.values[i];
            break;
          }
        }
      }
      StatValue sv{
          field.display_name, MakeDisplay(field.config, *p.theme, nullptr, range, value), {}};
      if (tf != nullptr && raw.type == FieldType::kNumber && raw.values.size() > 1) {
        for (size_t i = 0; i < raw.values.size() && i < tf->values.size(); ++i) {
          const std::optional<double> t = CellToNumber(tf->values[i]);
          const std::optional<double> v = CellToNumber(raw.values[i]);
          if (t.has_value() && v.has_value() && std::isfinite(*v) && std::isfinite(*t)) {
            sv.spark.emplace_back(*t, *v);
          }
        }
        if (sv.spark.size() < 2) sv.spark.clear();
      }
      out.push_back(std::move(sv));
    }
  }
  return out;
}

void Sparkline(Canvas& c, const std::vector<std::pair<double, double>>& points, const Box& b,
               const Color& stroke, const Color& fill) {
  double min_x = HUGE_VAL, max_x = -HUGE_VAL, min_y = HUGE_VAL, max_y = -HUGE_VAL;
  for (const auto& [x, y] : points) {
    min_x = std::min(min_x, x);
    max_x = std::max(max_x, x);
    min_y = std::min(min_y, y);
    max_y = std::max(max_y, y);
  }
  if (min_y > 0) min_y = 0;
  auto sx = [&](double x) {
    return b.x + (max_x == min_x ? 0 : (x - min_x) / (max_x - min_x) * b.w);
  };
  auto sy = [&](double y) {
    const double f =
        max_y == min_y || !std::isfinite(max_y - min_y) ? 0 : (y - min_y) / (max_y - min_y);
    return b.y + (b.h - f * b.h * 0.95);
  };
  cairo_t* cr = c.cr();
  // About two points per pixel, as the UI.
  const size_t step =
      std::max<size_t>(1, static_cast<size_t>(points.size() / std::max(1.0, b.w * 2)));
  std::vector<std::pair<double, double>> pts;
  pts.reserve(points.size() / step + 2);
  for (size_t i = 0; i < points.size(); i += step)
    pts.emplace_back(sx(points[i].first), sy(points[i].second));
  pts.emplace_back(sx(points.back().first), sy(points.back().second));
  // Fill: the highest point per pixel column (no zigzags for cairo's tessellator).
  std::vector<std::pair<double, double>> outline;
  for (const auto& pt : pts) {
    if (!outline.empty() && std::floor(outline.back().first) == std::floor(pt.first)) {
      outline.back().second = std::min(outline.back().second, pt.second);
      continue;
    }
    outline.push_back(pt);
  }
  cairo_move_to(cr, outline[0].first, outline[0].second);
  for (const auto& pt : outline) cairo_line_to(cr, pt.first, pt.second);
  cairo_line_to(cr, b.right(), b.bottom());
  cairo_line_to(cr, b.x, b.bottom());
  cairo_close_path(cr);
  c.SetColor(fill);
  cairo_fill(cr);
  // Line: stroked in chunks (see timeseries.cc StrokeRun).
  c.SetColor(stroke);
  cairo_set_line_width(cr, 1.5);
  for (size_t start = 0; start + 1 < pts.size(); start += 64) {
    cairo_move_to(cr, pts[start].first, pts[start].second);
    for (size_t i = start + 1; i < pts.size() && i <= start + 64; ++i) {
      cairo_line_to(cr, pts[i].first, pts[i].second);
    }
    cairo_stroke(cr);
  }
}

}  // namespace

bool DrawStat(const PanelDraw& p, const Box& body) {
  Canvas& c = *p.canvas;
  const Theme& theme = *p.theme;
  const rapidjson::Value* options = Obj(p.panel, "options");
  const std::string color_mode = Str(options, "colorMode", "value");
  const std::string graph_mode = Str(options, "graphMode", "area");
  const std::string text_mode = Str(options, "textMode", "auto");
  const std::string orientation = Str(options, "orientation", "auto");
  std::vector<StatValue> values = StatValues(p);
  if (values.empty()) return false;
  const bool horizontal = orientation == "horizontal" ? false
                          : orientation == "vertical" ? true
                                                      : body.w >= body.h;
  const int n = static_cast<int>(std::min<size_t>(values.size(), 10000));
  const int cols = horizontal ? std::min(n, std::max(1, static_cast<int>(body.w / 120))) : 1;
  const int rows = (n + cols - 1) / cols;
  const double cell_w = std::floor((body.w - (cols - 1) * 4) / cols);
  const double cell_h = std::floor((body.h - (rows - 1) * 4) / rows);
  if (cell_w < 1 || cell_h < 1) return true;
  const bool show_name =
      text_mode == "name" || text_mode == "value_and_name" || (text_mode == "auto" && n > 1);
  const bool show_value = text_mode != "name" && text_mode != "none";
  const rapidjson::Value* defaults = Obj(Obj(p.panel, "fieldConfig"), "defaults");
  const std::string no_value = Str(defaults, "noValue", "No data");
  // The grid is centred (CSS grid with fixed column widths, centred content).
  const double grid_w = cols * cell_w + (cols - 1) * 4;
  const double grid_h = rows * cell_h + (rows - 1) * 4;
  const double x0 = body.x + (body.w - grid_w) / 2;
  const double y0 = body.y + (body.h - grid_h) / 2;
  cairo_t* cr = c.cr();
  for (int i = 0; i < n; ++i) {
    const StatValue& v = values[static_cast<size_t>(i)];
    const Box cell{x0 + (i % cols) * (cell_w + 4),
                   y0 + static_cast<double>(i / cols) * (cell_h + 4), cell_w, cell_h};
    const Color color = v.display.color;
    const bool bg = color_mode == "background" || color_mode == "background_solid";
    std::string text = v.display.ToString();
    if (text.empty()) text = no_value;
    const double name_size = std::max(10.0, std::min(cell_h * 0.15, 20.0));
    const double value_area = cell_h - (show_name ? name_size * 1.4 : 0);
    const bool has_spark = !v.spark.empty() && graph_mode == "area";
    size_t text_len = 0;
    for (unsigned char ch : text) text_len += (ch & 0xC0) != 0x80;
    const double value_size = std::max(
        10.0, std::min({value_area * (has_spark ? 0.45 : 0.6),
                        cell_w * 0.9 / std::max(2.0, static_cast<double>(text_len) * 0.58), 90.0}));
    const Color fg = bg ? ContrastText(color) : color_mode == "none" ? theme.text : color;
    cairo_save(cr);
    c.RoundedRectPath(cell, 4);
    cairo_clip(cr);
    if (bg) {
      if (color_mode == "background_solid") {
        c.FillRect(cell, color);
      } else {
        // linear-gradient(120deg, color at 85 %, color): CSS angles run clockwise from "up".
        const double angle = 120 * M_PI / 180;
        const double dx = std::sin(angle), dy = -std::cos(angle);
        const double half = (std::fabs(cell.w * dx) + std::fabs(cell.h * dy)) / 2;
        const double cx = cell.x + cell.w / 2, cy = cell.y + cell.h / 2;
        cairo_pattern_t* g = cairo_pattern_create_linear(cx - dx * half, cy - dy * half,
                                                         cx + dx * half, cy + dy * half);
        const Color start = WithAlpha(color, 0.85);
        cairo_pattern_add_color_stop_rgba(g, 0, start.r, start.g, start.b, start.a);
        cairo_pattern_add_color_stop_rgba(g, 1, color.r, color.g, color.b, color.a);
        cairo_set_source(cr, g);
        cairo_rectangle(cr, cell.x, cell.y, cell.w, cell.h);
        cairo_fill(cr);
        cairo_pattern_destroy(g);
      }
    }
    if (graph_mode == "area" && !v.spark.empty() && cell_h > 50) {
      const double sh = std::round(cell_h * 0.35);
      const Color stroke = bg ? Rgb(255, 255, 255, 0.6) : color;
      const Color fill = bg ? Rgb(255, 255, 255, 0.18)
                            : WithAlpha(color.hex ? color : ResolveColor("#73BF69", theme), 0.18);
      Sparkline(c, v.spark, {cell.x, cell.bottom() - sh, cell.w, sh}, stroke, fill);
    }
    // Name above the value, the pair centred in the cell.
    const double value_line = show_value ? value_size * 1.1 : 0;
    const double name_line = show_name ? name_size * 1.4 : 0;
    double y = cell.y + (cell.h - value_line - name_line) / 2;
    if (show_name) {
      const std::string name = c.Ellipsize(v.name, cell.w - 8, Font::kSans, name_size);
      c.Text(name, cell.x + cell.w / 2, y + name_line / 2, Font::kSans, name_size,
             bg ? fg : theme.text, Align::kCenter);
      y += name_line;
    }
    if (show_value) {
      // Prefix and suffix at 75 % of the value's size, as the UI's .stat-affix.
      const std::string main = v.display.text.empty() && !v.display.mapped ? text : v.display.text;
      const bool affixes = !v.display.text.empty() || v.display.mapped;
      const std::string prefix = affixes ? v.display.prefix : "";
      const std::string suffix = affixes ? v.display.suffix : "";
      const double affix_size = value_size * 0.75;
      const double w = c.TextWidth(prefix, Font::kSans, affix_size) +
                       c.TextWidth(main, Font::kSans, value_size) +
                       c.TextWidth(suffix, Font::kSans, affix_size);
      double x = cell.x + (cell.w - w) / 2;
      const double baseline = c.BaselineFor(y + value_line / 2, Font::kSans, value_size);
      c.TextAtBaseline(prefix, x, baseline, Font::kSans, affix_size, fg);
      x += c.TextWidth(prefix, Font::kSans, affix_size);
      c.TextAtBaseline(main, x, baseline, Font::kSans, value_size, fg);
      x += c.TextWidth(main, Font::kSans, value_size);
      c.TextAtBaseline(suffix, x, baseline, Font::kSans, affix_size, fg);
    }
    cairo_restore(cr);
  }
  return true;
}

}  // namespace otelite::render
