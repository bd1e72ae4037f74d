// The time series panel as web/src/panels/timeseries.ts draws it on uPlot: series joined on time,
// lines/bars/points with fill opacity, stacking (normal, percent), negative-Y, the y range of
// uPlot's rangeNum with the UI's soft-min rules, nice ticks labelled in the field's unit with
// decimals from the tick step, a 24-hour time axis in the time zone, and the legend with calcs.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

#include "render/axis.h"
#include "render/draw.h"
#include "render/reduce.h"

namespace otelite::render {
namespace {

using dashboards::FieldType;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Series {
  const ConfiguredField* field;
  std::string label;
  Color color;
  std::vector<double> raw;     // as queried (legend); NaN = null
  std::vector<double> values;  // as drawn before stacking (negative-Y applied)
  std::vector<double> drawn;   // after stacking
  int stack_prev = -1;         // the series below in the stacking group
  bool stacked = false;
};

struct Joined {
  std::vector<double> x;
  std::vector<const ConfiguredField*> fields;
  std::vector<std::vector<double>> ys;
};

double Num(const dashboards::CellValue& v) {
  if (const double* d = std::get_if<double>(&v)) return *d;
  std::optional<double> n = CellToNumber(v);
  return n.has_value() ? *n : kNaN;
}

Joined JoinOnTime(const std::vector<ConfiguredFrame>& frames) {
  struct Part {
    const dashboards::Field* time;
    std::vector<const ConfiguredField*> refs;
  };
  std::vector<Part> parts;
  for (const ConfiguredFrame& f : frames) {
    const int ti = f.frame->FirstOfType(FieldType::kTime);
    if (ti < 0) continue;
    Part p{&f.frame->fields[ti], {}};
    for (const ConfiguredField& cf : f.fields) {
      if (cf.field->type == FieldType::kNumber) p.refs.push_back(&cf);
    }
    if (!p.refs.empty()) parts.push_back(std::move(p));
  }
  Joined j;
  if (parts.empty()) return j;
  for (const Part& p : parts) j.fields.insert(j.fields.end(), p.refs.begin(), p.refs.end());
  const auto& first = parts[0].time->values;
  bool shared = true;
  for (size_t i = 1; i < first.size() && shared; ++i) shared = Num(first[i]) >= Num(first[i - 1]);
  for (size_t k = 1; k < parts.size() && shared; ++k) {
    const auto& t = parts[k].time->values;
    if (t.size() != first.size()) {
      shared = false;
      break;
    }
    for (size_t i = 0; i < t.size(); ++i) {
      if (Num(t[i]) != Num(first[i])) {
        shared = false;
        break;
      }
    }
  }
  if (shared) {
    j.x.reserve(first.size());
    for (const auto& v : first) j.x.push_back(Num(v));
    for (const ConfiguredField* f : j.fields) {
      std::vector<double> col(j.x.size(), kNaN);
      for (size_t i = 0; i < col.size() && i < f->field->values.size(); ++i) {
        col[i] = Num(f->field->values[i]);
      }
      j.ys.push_back(std::move(col));
    }
    return j;
  }
  for (const Part& p : parts) {
    for (const auto& v : p.time->values) {
      const double t = Num(v);
      if (!std::isnan(t)) j.x.push_back(t);
    }
  }
  std::sort(j.x.begin(), j.x.end());
  j.x.erase(std::unique(j.x.begin(), j.x.end()), j.x.end());
  for (const Part& p : parts) {
    std::vector<size_t> at(p.time->values.size(), SIZE_MAX);
    for (size_t i = 0; i < at.size(); ++i) {
      const double t = Num(p.time->values[i]);
      auto it = std::lower_bound(j.x.begin(), j.x.end(), t);
      if (it != j.x.end() && *it == t) at[i] = static_cast<size_t>(it - j.x.begin());
    }
    for (const ConfiguredField* f : p.refs) {
      std::vector<double> col(j.x.size(), kNaN);
      for (size_t i = 0; i < at.size() && i < f->field->values.size(); ++i) {
        if (at[i] != SIZE_MAX) col[at[i]] = Num(f->field->values[i]);
      }
      j.ys.push_back(std::move(col));
    }
  }
  return j;
}

double RoundDec(double v, int dec) {
  if (!std::isfinite(v) || std::fabs(v) > 1e250) return v;
  const double p = std::pow(10, dec);
  const double r = JsRound(v * p) / p;
  return std::isfinite(r) ? r : v;
}

// uPlot's rangeNum(min, max, 0.1, true): 10 % padding rounded to the magnitude, soft 0.
std::pair<double, double> RangeNum(double min, double max) {
  double delta = max - min;
  const double scalar_max = std::max(std::fabs(min), std::fabs(max));
  const double mag_delta = std::fabs(std::log10(scalar_max) - std::log10(delta));
  if (delta < 1e-24 || mag_delta > 10) {
    delta = 0;
    if (min == 0 || max == 0) delta = 1e-24;
  }
  const double non_zero = delta != 0 ? delta : scalar_max != 0 ? scalar_max : 1e3;
  const double base = std::pow(10, std::floor(std::log10(non_zero)));
  const double pad_min = non_zero * (delta == 0 ? (min == 0 ? .1 : 1) : 0.1);
  const double new_min = RoundDec(std::floor((min - pad_min) / (base / 10)) * (base / 10), 24);
  const double soft_min = min >= 0 && new_min <= 0 ? 0 : HUGE_VAL;
  const double min_lim =
      new_min < soft_min && min >= soft_min ? soft_min : std::min(soft_min, new_min);
  const double pad_max = non_zero * (delta == 0 ? (max == 0 ? .1 : 1) : 0.1);
  const double new_max = RoundDec(std::ceil((max + pad_max) / (base / 10)) * (base / 10), 24);
  const double soft_max = max <= 0 && new_max >= 0 ? 0 : -HUGE_VAL;
  double max_lim = new_max > soft_max && max <= soft_max ? soft_max : std::max(soft_max, new_max);
  if (min_lim == max_lim && min_lim == 0) max_lim = 100;
  return {min_lim, max_lim};
}

struct Plot {
  Box box;
  double from;
  double to;
  double ymin;
  double ymax;
  bool log = false;
  double log_base = 10;
  double X(double t) const { return box.x + (t - from) / (to - from) * box.w; }
  double Y(double v) const {
    double f;
    if (log) {
      const double lv = std::log(std::max(v, 1e-300)) / std::log(log_base);
      const double l0 = std::log(ymin) / std::log(log_base);
      const double l1 = std::log(ymax) / std::log(log_base);
      f = (lv - l0) / (l1 - l0);
    } else {
      f = (v - ymin) / (ymax - ymin);
    }
    const double y = box.bottom() - f * box.h;
    // Keep cairo's fixed-point coordinates in range for absurd values.
    return std::clamp(y, box.y - 1e5, box.bottom() + 1e5);
  }
};

// Pixel-column decimation: consecutive points in one column become first, min, max, last.
struct PathPoint {
  double x;
  double y;
};

void BuildRuns(const Plot& plot, const std::vector<double>& x, const std::vector<double>& y,
               bool span_nulls, std::vector<std::vector<PathPoint>>* runs) {
  runs->clear();
  std::vector<PathPoint> run;
  long col = LONG_MIN;
  double first = 0, last = 0, lo = 0, hi = 0, cx = 0;
  auto flush = [&]() {
    if (col == LONG_MIN) return;
    // At most two points per column: its extremes, entered from the side nearer the previous
    // point (uPlot does the same); the column's vertical extent is what the eye sees.
    if (lo == hi) {
      run.push_back({cx, first});
    } else {
      const double prev_y = run.empty() ? first : run.back().y;
      const bool low_first = std::fabs(prev_y - lo) <= std::fabs(prev_y - hi);
      run.push_back({cx, low_first ? lo : hi});
      run.push_back({cx, low_first ? hi : lo});
    }
    (void)last;
    col = LONG_MIN;
  };
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    const double v = y[i];
    if (!std::isfinite(v) || !std::isfinite(x[i])) {
      if (!span_nulls || !std::isnan(v)) {
        flush();
        if (!run.empty()) runs->push_back(std::move(run));
        run.clear();
      }
      continue;
    }
    const double px = plot.X(x[i]);
    const double py = plot.Y(v);
    const long c = static_cast<long>(std::floor(px));
    if (c != col) {
      flush();
      col = c;
      cx = px;
      first = last = lo = hi = py;
    } else {
      last = py;
      lo = std::min(lo, py);
      hi = std::max(hi, py);
    }
  }
  flush();
  if (!run.empty()) runs->push_back(std::move(run));
}

void SmoothPath(cairo_t* cr, const std::vector<PathPoint>& pts) {
  // Catmull-Rom through the points as cubic Béziers (uPlot's spline looks alike).
  cairo_move_to(cr, pts[0].x, pts[0].y);
  for (size_t i = 0; i + 1 < pts.size(); ++i) {
    const PathPoint& p0 = pts[i == 0 ? 0 : i - 1];
    const PathPoint& p1 = pts[i];
    const PathPoint& p2 = pts[i + 1];
    const PathPoint& p3 = pts[i + 2 < pts.size() ? i + 2 : i + 1];
    cairo_curve_to(cr, p1.x + (p2.x - p0.x) / 6, p1.y + (p2.y - p0.y) / 6, p2.x - (p3.x - p1.x) / 6,
                   p2.y - (p3.y - p1.y) / 6, p2.x, p2.y);
  }
}

void TracePath(cairo_t* cr, const std::vector<PathPoint>& pts, const std::string& interp,
               bool reverse_continue) {
  if (pts.empty()) return;
  if (interp == "smooth" && pts.size() > 2 && !reverse_continue) {
    SmoothPath(cr, pts);
    return;
  }
  for (size_t i = 0; i < pts.size(); ++i) {
    const PathPoint& p = pts[i];
    if (i == 0) {
      if (reverse_continue) {
        cairo_line_to(cr, p.x, p.y);
      } else {
        cairo_move_to(cr, p.x, p.y);
      }
      continue;
    }
    if (interp == "stepAfter") {
      cairo_line_to(cr, p.x, pts[i - 1].y);
    } else if (interp == "stepBefore") {
      cairo_line_to(cr, pts[i - 1].x, p.y);
    }
    cairo_line_to(cr, p.x, p.y);
  }
}

// Strokes a run in chunks: one cairo path with thousands of overlapping segments (dense data
// decimated to column extremes) makes cairo's stroker tessellate all their intersections at once,
// which costs seconds; chunks of 64 segments keep it linear. Opaque lines look the same.
void StrokeRun(cairo_t* cr, const std::vector<PathPoint>& pts, const std::string& interp) {
  if (pts.size() < 2 || interp == "smooth") {
    TracePath(cr, pts, interp, false);
    cairo_stroke(cr);
    return;
  }
  constexpr size_t kChunk = 32;
  for (size_t start = 0; start + 1 < pts.size(); start += kChunk) {
    const size_t end = std::min(pts.size(), start + kChunk + 1);
    std::vector<PathPoint> part(pts.begin() + static_cast<long>(start),
                                pts.begin() + static_cast<long>(end));
    TracePath(cr, part, interp, false);
    cairo_stroke(cr);
  }
}

// For fills: one point per pixel column, the one farthest from the baseline (the union of the
// column's area), so that the fill polygon has no zigzags.
std::vector<PathPoint> Outline(const std::vector<PathPoint>& run, double base_y) {
  std::vector<PathPoint> out;
  out.reserve(run.size());
  for (const PathPoint& p : run) {
    if (!out.empty() && out.back().x == p.x) {
      if (std::fabs(p.y - base_y) > std::fabs(out.back().y - base_y)) out.back().y = p.y;
      continue;
    }
    out.push_back(p);
  }
  return out;
}

}  // namespace

bool DrawTimeSeries(const PanelDraw& p, const Box& body) {
  Canvas& c = *p.canvas;
  const Theme& theme = *p.theme;
  Joined joined = JoinOnTime(*p.frames);
  std::vector<Series> series;
  for (size_t i = 0; i < joined.fields.size(); ++i) {
    const ConfiguredField* f = joined.fields[i];
    if (f->config.hide_viz) continue;
    Series s{f, f->display_name, FieldColor(*f, theme), std::move(joined.ys[i]), {}, {}, -1, false};
    // negative-Y: drawn below zero, reported (legend) as queried.
    s.values = s.raw;
    if (f->config.transform == "negative-Y") {
      for (double& v : s.values) v = -v;
    }
    series.push_back(std::move(s));
  }
  if (series.empty() || joined.x.empty()) return false;
  const std::vector<double>& x = joined.x;

  // Stacking within groups (web/src/data/frames.ts stackSeries).
  bool percent = false;
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < series.size(); ++i) {
    const std::string& mode = series[i].field->config.stacking_mode;
    if (mode == "normal" || mode == "percent") {
      groups[series[i].field->config.stacking_group].push_back(i);
      series[i].stacked = true;
      percent = percent || mode == "percent";
    }
  }
  for (Series& s : series) s.drawn = s.values;
  for (auto& [group, members] : groups) {
    bool is_percent = false;
    for (size_t i : members)
      is_percent = is_percent || series[i].field->config.stacking_mode == "percent";
    for (size_t k = 1; k < members.size(); ++k)
      series[members[k]].stack_prev = static_cast<int>(members[k - 1]);
    for (size_t j = 0; j < x.size(); ++j) {
      double total = 0;
      if (is_percent) {
        for (size_t i : members) {
          const double v = series[i].values[j];
          total += std::isnan(v) ? 0 : std::fabs(v);
        }
      }
      double acc = 0;
      for (size_t i : members) {
        const double v = series[i].values[j];
        if (std::isnan(v)) {
          series[i].drawn[j] = is_percent ? (total == 0 ? kNaN : acc / total) : acc;
          continue;
        }
        acc += v;
        series[i].drawn[j] = is_percent ? (total == 0 ? 0 : acc / total) : acc;
      }
    }
  }

  // Legend.
  const rapidjson::Value* legend_opts = Obj(Obj(p.panel, "options"), "legend");
  const LegendLayout legend = ReadLegendOptions(legend_opts);
  const std::vector<std::string> calcs = Strings(legend_opts, "calcs");
  std::vector<LegendItem> items;
  for (const Series& s : series) {
    if (s.field->config.hide_legend) continue;
    LegendItem it{s.label, s.color, {}};
    if (!calcs.empty()) {
      std::vector<std::optional<double>> raw;
      raw.reserve(s.raw.size());
      for (double v : s.raw) raw.push_back(std::isnan(v) ? std::nullopt : std::optional<double>(v));
      for (const std::string& calc : calcs) {
        it.values.push_back(FormatWithConfig(s.field->config, ReduceNumbers(raw, calc)));
      }
    }
    items.push_back(std::move(it));
  }
  std::vector<std::string> columns;
  for (const std::string& calc : calcs) columns.push_back(ReducerDisplayName(calc));
  const Box chart = DrawLegend(c, theme, legend, items, columns, body);
  if (chart.w < 30 || chart.h < 30) return true;

  // Scales.
  const FieldSettings& first = series[0].field->config;
  FieldSettings axis_config = first;
  if (percent) axis_config.unit = "percentunit";
  bool any_bars_or_fill = false;
  for (const Series& s : series) {
    const FieldSettings& cfg = s.field->config;
    any_bars_or_fill =
        any_bars_or_fill || cfg.draw_style == "bars" || cfg.fill_opacity.value_or(0) > 0;
  }
  double dmin = HUGE_VAL;
  double dmax = -HUGE_VAL;
  for (const Series& s : series) {
    for (double v : s.drawn) {
      if (!std::isfinite(v)) continue;
      if (first.log_scale && v <= 0) continue;
      dmin = std::min(dmin, v);
      dmax = std::max(dmax, v);
    }
  }
  double lo = std::isfinite(dmin) ? dmin : 0;
  double hi = std::isfinite(dmax) ? dmax : 1;
  double ymin = 0, ymax = 1;
  if (percent) {
    ymin = 0;
    ymax = 1;
  } else if (first.log_scale) {
    if (!(lo > 0)) lo = 1;
    if (!(hi > lo)) hi = lo * first.log_base;
    ymin = std::pow(first.log_base, std::floor(std::log(lo) / std::log(first.log_base)));
    ymax = std::pow(first.log_base, std::ceil(std::log(hi) / std::log(first.log_base)));
    if (!(ymax > ymin)) ymax = ymin * first.log_base;
  } else {
    if (any_bars_or_fill && lo > 0) lo = 0;
    if (first.axis_soft_min.has_value()) lo = std::min(lo, *first.axis_soft_min);
    if (first.axis_soft_max.has_value()) hi = std::max(hi, *first.axis_soft_max);
    if (lo == hi) hi = lo == 0 ? 1 : lo + std::fabs(lo) * 0.1;
    auto [nlo, nhi] = RangeNum(lo, hi);
    ymin = first.min.has_value() ? *first.min : lo == 0 ? 0 : nlo;
    ymax = first.max.has_value() ? *first.max : nhi;
    if (!std::isfinite(ymin) || !std::isfinite(ymax) || !(ymax > ymin) ||
        !std::isfinite(ymax - ymin)) {
      // Degenerate (huge or equal): fall back to the data span or [0, 1].
      ymin = std::isfinite(lo) ? lo : 0;
      ymax = std::isfinite(hi) && hi > ymin ? hi : ymin + 1;
      if (!std::isfinite(ymax - ymin)) {
        ymin = -std::numeric_limits<double>::max() / 2;
        ymax = std::numeric_limits<double>::max() / 2;
      }
    }
  }
  double from = static_cast<double>(p.data->from_ms);
  double to = static_cast<double>(p.data->to_ms);
  if (!(to > from)) {
    from = x.front();
    to = x.back();
    if (!(to > from)) to = from + 1;
  }

  // Axes sizes: y ticks first (their labels decide the axis width).
  const double x_axis_h = 50;
  const double plot_top = chart.y + 8;
  const double plot_h = std::max(10.0, chart.h - 8 - x_axis_h);
  std::vector<double> ysplits;
  double yincr = kNaN;  // log axes: labels take their decimals from the first gap
  if (first.log_scale) {
    for (double v = ymin; v <= ymax * (1 + 1e-9) && ysplits.size() < 100; v *= first.log_base) {
      ysplits.push_back(v);
    }
  } else {
    // Whole-number steps for counts (or decimals 0); 30 px apart, 15 px on short axes.
    std::vector<std::vector<double>> values;
    values.reserve(series.size());
    for (const Series& s : series) values.push_back(s.values);
    const bool integer = WantsIntegerTicks(first, values, percent);
    yincr = ValueTickIncrement(ymax - ymin, plot_h, ValueTickSpace(plot_h), integer);
    const double start = std::ceil(ymin / yincr - 1e-9) * yincr;
    for (int k = 0; k < 200; ++k) {
      const double v = RoundDec(start + k * yincr, 12);
      if (v > ymax + yincr * 1e-9) break;
      ysplits.push_back(v == 0 ? 0 : v);
    }
  }
  const std::vector<std::string> ylabels = FormatValueTicks(axis_config, ysplits, yincr);
  const std::string placement = series[0].field->config.axis_placement;
  const bool y_hidden = placement == "hidden";
  const bool y_right = placement == "right";
  size_t longest = 2;
  for (const std::string& l : ylabels) {
    size_t n = 0;
    for (unsigned char ch : l) n += (ch & 0xC0) != 0x80;
    longest = std::max(longest, n);
  }
  const double label_space = first.axis_label.empty() ? 0 : 18;
  const double y_axis_w =
      y_hidden ? 0 : std::ceil(static_cast<double>(longest) * 6.6) + 14 + label_space;
  Plot plot;
  plot.box = {chart.x + (y_right ? 0 : y_axis_w), plot_top, std::max(10.0, chart.w - y_axis_w - 16),
              plot_h};
  if (y_right) plot.box.w = std::max(10.0, chart.w - y_axis_w);
  plot.from = from;
  plot.to = to;
  plot.ymin = ymin;
  plot.ymax = ymax;
  plot.log = first.log_scale;
  plot.log_base = first.log_base;

  cairo_t* cr = c.cr();
  // Time ticks: at least one label's width (+18 px) apart, Grafana's formats for the interval.
  const double xincr =
      TimeTickIncrement(to - from, plot.box.w, TimeTickSpace(from, to, plot.box.w, *p.tz));
  const std::vector<double> xsplits = TimeTickSplits(from, to, xincr, *p.tz);
  const std::vector<std::string> xlabels = FormatTimeTicks(xsplits, xincr, to - from, *p.tz);
  // Grid and ticks.
  cairo_set_line_width(cr, 1);
  c.SetColor(theme.grid);
  for (double t : xsplits) {
    const double px = std::round(plot.X(t)) + 0.5;
    cairo_move_to(cr, px, plot.box.y);
    cairo_line_to(cr, px, plot.box.bottom() + 10);
  }
  for (double v : ysplits) {
    const double py = std::round(plot.Y(v)) + 0.5;
    if (y_hidden) {
      cairo_move_to(cr, plot.box.x, py);
    } else if (y_right) {
      cairo_move_to(cr, plot.box.x, py);
      cairo_line_to(cr, plot.box.right() + 10, py);
      continue;
    } else {
      cairo_move_to(cr, plot.box.x - 10, py);
    }
    cairo_line_to(cr, plot.box.right(), py);
  }
  cairo_stroke(cr);
  // Labels (11 px, muted).
  for (size_t i = 0; i < xsplits.size(); ++i) {
    c.Text(xlabels[i], plot.X(xsplits[i]), plot.box.bottom() + 10 + 5 + 7, Font::kSans, 11,
           theme.text_muted, Align::kCenter);
  }
  if (!y_hidden) {
    for (size_t i = 0; i < ysplits.size(); ++i) {
      const double py = plot.Y(ysplits[i]);
      if (y_right) {
        c.Text(ylabels[i], plot.box.right() + 15, py, Font::kSans, 11, theme.text_muted);
      } else {
        c.Text(ylabels[i], plot.box.x - 15, py, Font::kSans, 11, theme.text_muted, Align::kRight);
      }
    }
    if (!first.axis_label.empty()) {
      cairo_save(cr);
      const double lx = y_right ? plot.box.right() + y_axis_w - 9 : chart.x + 9;
      cairo_translate(cr, lx, plot.box.y + plot.box.h / 2);
      cairo_rotate(cr, -M_PI / 2);
      c.Text(first.axis_label, 0, 0, Font::kSans, 12, theme.text_muted, Align::kCenter);
      cairo_restore(cr);
    }
  }

  // Series.
  cairo_save(cr);
  cairo_rectangle(cr, plot.box.x, plot.box.y, plot.box.w, plot.box.h);
  cairo_clip(cr);
  double min_dx = HUGE_VAL;
  for (size_t i = 1; i < x.size(); ++i) {
    const double d = x[i] - x[i - 1];
    if (d > 0) min_dx = std::min(min_dx, d);
  }
  const double fill_to = std::clamp(0.0, ymin, ymax);
  std::vector<std::vector<PathPoint>> runs;
  std::vector<std::vector<PathPoint>> prev_runs;
  for (const Series& s : series) {
    const FieldSettings& cfg = s.field->config;
    const double fill_opacity = cfg.fill_opacity.value_or(cfg.draw_style == "bars" ? 80 : 0);
    const double line_width = std::clamp(cfg.line_width, 0.0, 50.0);
    const Series* below = s.stack_prev >= 0 ? &series[static_cast<size_t>(s.stack_prev)] : nullptr;
    if (cfg.draw_style == "bars") {
      const double gap_px = std::isfinite(min_dx) ? min_dx / (to - from) * plot.box.w : plot.box.w;
      const double bar_w = std::max(0.5, std::min(gap_px * 0.7, 100.0));
      const int align = cfg.bar_alignment == -1 ? 1 : cfg.bar_alignment == 1 ? -1 : 0;
      const double shift = align == 0 ? bar_w / 2 : align == 1 ? 0 : bar_w;
      // Narrow bars: one rectangle per pixel column spanning the column's extremes.
      std::unordered_map<long, std::pair<double, double>> columns_px;
      std::vector<long> order;
      const bool narrow = bar_w < 1.5;
      for (size_t i = 0; i < x.size(); ++i) {
        const double v = s.drawn[i];
        if (!std::isfinite(v) || std::isnan(s.raw[i])) continue;
        const double base =
            below != nullptr && std::isfinite(below->drawn[i]) ? below->drawn[i] : fill_to;
        const double left = plot.X(x[i]) - shift;
        double y0 = plot.Y(v);
        double y1 = plot.Y(base);
        if (y0 > y1) std::swap(y0, y1);
        if (narrow) {
          const long col = static_cast<long>(std::floor(left));
          auto [it, inserted] = columns_px.try_emplace(col, y0, y1);
          if (inserted) {
            order.push_back(col);
          } else {
            it->second.first = std::min(it->second.first, y0);
            it->second.second = std::max(it->second.second, y1);
          }
          continue;
        }
        cairo_rectangle(cr, left, y0, bar_w, std::max(0.0, y1 - y0));
      }
      for (long col : order) {
        const auto& e = columns_px[col];
        cairo_rectangle(cr, static_cast<double>(col), e.first, 1,
                        std::max(0.0, e.second - e.first));
      }
      c.SetColor(WithAlpha(s.color, fill_opacity / 100));
      if (bar_w >= 3 && line_width > 0) {
        cairo_fill_preserve(cr);
        c.SetColor(s.color);
        cairo_set_line_width(cr, std::min(line_width, 1.0));
        cairo_stroke(cr);
      } else {
        cairo_fill(cr);
      }
      continue;
    }
    BuildRuns(plot, x, s.drawn, cfg.span_nulls, &runs);
    if (fill_opacity > 0 && cfg.draw_style != "points") {
      c.SetColor(WithAlpha(s.color, fill_opacity / 100));
      if (below != nullptr) {
        BuildRuns(plot, x, below->drawn, cfg.span_nulls, &prev_runs);
        for (const auto& full_run : runs) {
          const std::vector<PathPoint> run = Outline(full_run, plot.Y(fill_to));
          TracePath(cr, run, cfg.line_interpolation, false);
          // Back along the series below, over the same x span.
          std::vector<PathPoint> back;
          for (const auto& pr : prev_runs) {
            for (const PathPoint& pt : Outline(pr, plot.Y(fill_to))) {
              if (pt.x >= run.front().x - 0.5 && pt.x <= run.back().x + 0.5) back.push_back(pt);
            }
          }
          if (back.empty()) {
            cairo_line_to(cr, run.back().x, plot.Y(fill_to));
            cairo_line_to(cr, run.front().x, plot.Y(fill_to));
          } else {
            std::reverse(back.begin(), back.end());
            for (const PathPoint& pt : back) cairo_line_to(cr, pt.x, pt.y);
          }
          cairo_close_path(cr);
        }
      } else {
        for (const auto& full_run : runs) {
          const std::vector<PathPoint> run = Outline(full_run, plot.Y(fill_to));
          TracePath(cr, run, cfg.line_interpolation, false);
          cairo_line_to(cr, run.back().x, plot.Y(fill_to));
          cairo_line_to(cr, run.front().x, plot.Y(fill_to));
          cairo_close_path(cr);
        }
      }
      cairo_fill(cr);
    }
    if (cfg.draw_style != "points" && line_width > 0) {
      c.SetColor(s.color);
      cairo_set_line_width(cr, line_width);
      // Round joins cost cairo arcs at every vertex; invisible on thin lines.
      cairo_set_line_join(cr, line_width > 2 ? CAIRO_LINE_JOIN_ROUND : CAIRO_LINE_JOIN_BEVEL);
      // Dense data (several points per pixel): cairo's fast antialiasing, 3× cheaper and
      // indistinguishable on a column-decimated line.
      const bool dense = static_cast<double>(x.size()) > plot.box.w;
      if (dense) cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST);
      for (const auto& run : runs) StrokeRun(cr, run, cfg.line_interpolation);
      if (dense) cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    }
    // Points: always for the points style; "auto" when they are far enough apart.
    size_t visible = 0;
    for (double v : s.drawn) visible += std::isfinite(v) ? 1 : 0;
    const double size = cfg.draw_style == "points" ? std::max(cfg.point_size, 4.0) : cfg.point_size;
    bool show_points = cfg.draw_style == "points" || cfg.show_points == "always";
    if (cfg.show_points == "auto" && cfg.draw_style != "points") {
      show_points = static_cast<double>(x.size()) <= plot.box.w / (size * 2 + 2);
    }
    if (show_points && visible > 0 && visible <= 100000) {
      c.SetColor(s.color);
      for (size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(s.drawn[i])) continue;
        const double px = plot.X(x[i]);
        const double py = plot.Y(s.drawn[i]);
        cairo_new_sub_path(cr);
        cairo_arc(cr, px, py, std::clamp(size, 1.0, 40.0) / 2, 0, 2 * M_PI);
      }
      cairo_fill(cr);
    }
  }
  cairo_restore(cr);
  return true;
}

}  // namespace otelite::render
