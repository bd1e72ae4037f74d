// Panel chrome, the dashboard layout and PNG encoding. The chrome and layout follow
// web/src/panels/panel.ts, web/src/layout/grid.ts and styles.css: a panel is a rounded box in the
// panel colour with a 1 px border, a 30 px header with the 14 px title, and its body inset by
// 8 px; the error corner (red, or orange for warnings) at the top left; "No data", error text or
// "not supported: <type>" in the body when there is nothing to draw.
#include "render/render.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "dashboards/json_members.h"
#include "render/draw.h"

namespace otelite::render {
namespace {

using dashboards::Member;
using JsonValue = rapidjson::Value;

constexpr double kHeader = 30;
constexpr double kPadding = 8;

struct Surface {
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;
  ~Surface() {
    if (cr != nullptr) cairo_destroy(cr);
    if (surface != nullptr) cairo_surface_destroy(surface);
  }
};

struct Size {
  int width;
  int height;
  double scale;
};

Result<Size> CheckSize(int width, int height, double scale) {
  if (!std::isfinite(scale))
    return Status::InvalidArgument("render: scale must be a finite number");
  Size s;
  s.width = std::clamp(width, kMinSide, kMaxSide);
  s.height = std::clamp(height, kMinSide, kMaxSide);
  s.scale = std::clamp(scale, 1.0, 4.0);
  const double pixels = static_cast<double>(s.width) * s.height * s.scale * s.scale;
  if (pixels > kMaxPixels) {
    return Status::InvalidArgument("render: image of " + std::to_string(s.width) + "x" +
                                   std::to_string(s.height) + " at scale " +
                                   JsNumberToString(s.scale) + " has more than 40 M pixels");
  }
  return s;
}

cairo_status_t AppendPng(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

Result<std::string> Encode(cairo_surface_t* surface) {
  cairo_surface_flush(surface);
  std::string png;
  const cairo_status_t st = cairo_surface_write_to_png_stream(surface, AppendPng, &png);
  if (st != CAIRO_STATUS_SUCCESS) {
    return Status::Internal(std::string("render: PNG encoding failed: ") +
                            cairo_status_to_string(st));
  }
  return png;
}

Result<Surface*> MakeSurface(const Size& s, Surface* out) {
  const int pw = static_cast<int>(std::lround(s.width * s.scale));
  const int ph = static_cast<int>(std::lround(s.height * s.scale));
  out->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
  if (cairo_surface_status(out->surface) != CAIRO_STATUS_SUCCESS) {
    return Status::ResourceExhausted("render: cannot allocate a " + std::to_string(pw) + "x" +
                                     std::to_string(ph) + " image");
  }
  out->cr = cairo_create(out->surface);
  cairo_scale(out->cr, s.scale, s.scale);
  cairo_set_antialias(out->cr, CAIRO_ANTIALIAS_DEFAULT);
  return out;
}

dashboards::TimeZone ParseZone(const std::string& name, std::vector<std::string>* warnings) {
  Result<dashboards::TimeZone> tz = dashboards::TimeZone::Parse(name);
  if (tz.ok()) return *tz;
  if (warnings != nullptr) warnings->push_back(tz.status().message() + "; using UTC");
  return dashboards::TimeZone();
}

bool IsSupported(const std::string& type) {
  static const char* kTypes[] = {"stat",  "singlestat", "timeseries", "graph", "piechart",
                                 "table", "table-old",  "logs",       "text"};
  for (const char* t : kTypes) {
    if (type == t) return true;
  }
  return false;
}

bool HasData(const dashboards::PanelResult& data) {
  for (const auto& f : data.frames) {
    if (f.rows() > 0 && !f.fields.empty()) return true;
  }
  return false;
}

// A red (or orange) box with text, as the UI's error text; at most `max_lines` lines.
void MessageBox(Canvas& c, const Theme& theme, const Box& area, const std::string& text,
                const Color& color, bool centre) {
  const double font = 12;
  const double line_h = 16;
  const size_t max_lines = static_cast<size_t>(std::max(1.0, (area.h - 16) / line_h));
  std::vector<std::string> lines =
      c.Wrap(text, std::max(20.0, area.w - 24), Font::kSans, font, max_lines);
  if (lines.empty()) return;
  const double h = std::min(area.h, line_h * static_cast<double>(lines.size()) + 16);
  const Box box{area.x, centre ? area.y + (area.h - h) / 2 : area.bottom() - h, area.w, h};
  c.SetColor(theme.panel);
  c.RoundedRectPath(box, 4);
  cairo_fill(c.cr());
  Color fill = color;
  fill.a = 0.12;
  c.SetColor(fill);
  c.RoundedRectPath(box, 4);
  cairo_fill_preserve(c.cr());
  c.SetColor(color);
  cairo_set_line_width(c.cr(), 1);
  cairo_stroke(c.cr());
  for (size_t i = 0; i < lines.size(); ++i) {
    c.Text(lines[i], box.x + 12, box.y + 8 + line_h * (static_cast<double>(i) + 0.5), Font::kSans,
           font, color);
  }
}

void DrawPanel(Canvas& c, const Theme& theme, const JsonValue& panel,
               const dashboards::PanelResult& data, const Box& box, const dashboards::TimeZone& tz,
               std::vector<std::string>* warnings) {
  const std::string type = dashboards::StringMember(panel, "type");
  const std::string title = dashboards::StringMember(panel, "title");
  std::vector<std::string> errors;
  size_t warning_count = 0;
  for (const auto& q : data.queries) {
    if (!q.error.empty()) errors.push_back(q.ref_id.empty() ? q.error : q.ref_id + ": " + q.error);
    warning_count += q.warnings.size();
  }
  if (warnings != nullptr) {
    const std::string who = "panel " + std::to_string(dashboards::IntMember(panel, "id", 0)) +
                            (title.empty() ? "" : " (" + title + ")");
    for (const std::string& e : errors) warnings->push_back(who + ": " + e);
    for (const auto& q : data.queries) {
      for (const std::string& w : q.warnings) warnings->push_back(who + ": warning: " + w);
    }
    if (!type.empty() && !IsSupported(type)) warnings->push_back(who + ": not supported: " + type);
  }
  cairo_t* cr = c.cr();
  // Box and border (1 px, inside), red-tinted when a query failed.
  const Box frame{box.x + 0.5, box.y + 0.5, box.w - 1, box.h - 1};
  c.SetColor(theme.panel);
  c.RoundedRectPath(frame, 4);
  cairo_fill_preserve(cr);
  c.SetColor(errors.empty() ? theme.border : Rgb(242, 73, 92, 0.5));
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);
  cairo_save(cr);
  c.RoundedRectPath(box, 4);
  cairo_clip(cr);
  // Header.
  const bool corner = !errors.empty() || warning_count > 0;
  const double title_x = box.x + kPadding + (corner ? 24 : 0);
  c.Text(c.Ellipsize(title, box.right() - kPadding - title_x, Font::kSans, 14), title_x,
         box.y + kHeader / 2, Font::kSans, 14, theme.text_strong);
  if (corner) {
    c.SetColor(errors.empty() ? theme.warning : theme.error);
    cairo_move_to(cr, box.x, box.y);
    cairo_line_to(cr, box.x + 28, box.y);
    cairo_line_to(cr, box.x, box.y + 28);
    cairo_close_path(cr);
    cairo_fill(cr);
    c.Text("!", box.x + 6, box.y + 8, Font::kSansBold, 13, Rgb(255, 255, 255));
  }
  const Box body{box.x + kPadding, box.y + kHeader, std::max(0.0, box.w - 2 * kPadding),
                 std::max(0.0, box.h - kHeader - kPadding)};
  auto centred_text = [&](const std::string& text, const Color& color) {
    c.Text(c.Ellipsize(text, body.w, Font::kSans, 14), body.x + body.w / 2, body.y + body.h / 2,
           Font::kSans, 14, color, Align::kCenter);
  };
  if (!IsSupported(type)) {
    const std::string text = "not supported: " + (type.empty() ? std::string("unknown") : type);
    const double w = std::min(body.w, c.TextWidth(text, Font::kSans, 14) + 24);
    const Box dashed{body.x + (body.w - w) / 2 + 0.5, body.y + body.h / 2 - 20 + 0.5, w - 1,
                     40 - 1};
    const double dash[] = {3, 3};
    cairo_set_dash(cr, dash, 2, 0);
    c.SetColor(theme.border_strong);
    c.RoundedRectPath(dashed, 4);
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
    centred_text(text, theme.text_muted);
  } else if (type == "text") {
    const std::string content = Str(Obj(&panel, "options"), "content", "");
    const std::vector<std::string> lines = c.Wrap(content, body.w, Font::kSans, 14, 200);
    for (size_t i = 0; i < lines.size(); ++i) {
      c.Text(lines[i], body.x, body.y + 10 + 20 * static_cast<double>(i), Font::kSans, 14,
             theme.text);
    }
  } else if (!HasData(data)) {
    if (!errors.empty()) {
      std::string text;
      for (const std::string& e : errors) text += (text.empty() ? "" : "\n") + e;
      MessageBox(c, theme, body, text, theme.error, true);
    } else {
      centred_text("No data", theme.text_muted);
    }
  } else {
    const rapidjson::Value* field_config = Member(panel, "fieldConfig");
    const std::vector<ConfiguredFrame> frames = ApplyFieldConfig(field_config, data.frames);
    PanelDraw p{&c, &theme, &panel, &data, &frames, &tz};
    bool drawn = false;
    cairo_save(cr);
    if (type == "stat" || type == "singlestat") {
      drawn = DrawStat(p, body);
    } else if (type == "timeseries" || type == "graph") {
      drawn = DrawTimeSeries(p, body);
    } else if (type == "piechart") {
      drawn = DrawPieChart(p, body);
    } else if (type == "table" || type == "table-old") {
      drawn = DrawTable(p, body);
    } else if (type == "logs") {
      drawn = DrawLogs(p, body);
    }
    cairo_restore(cr);
    if (!drawn) centred_text("No data", theme.text_muted);
    if (!errors.empty()) {
      std::string text;
      for (const std::string& e : errors) text += (text.empty() ? "" : "\n") + e;
      MessageBox(c, theme, {body.x, body.y, body.w, std::min(body.h, 16.0 * 3 + 16)}, text,
                 theme.error, false);
    }
  }
  cairo_restore(cr);
}

// ---- Dashboard layout (web/src/layout/grid.ts) ----

struct GridPos {
  int x, y, w, h;
};

double NumOr(const JsonValue& obj, const char* key, double fallback) {
  const JsonValue* v = Member(obj, key);
  return v != nullptr && v->IsNumber() && std::isfinite(v->GetDouble()) ? v->GetDouble() : fallback;
}

GridPos GridPosOf(const JsonValue& p) {
  const bool row = dashboards::StringMember(p, "type") == "row";
  static const JsonValue kEmpty(rapidjson::kObjectType);
  const JsonValue* g = Member(p, "gridPos");
  const JsonValue& gp = g != nullptr && g->IsObject() ? *g : kEmpty;
  auto clamp_round = [](double v, double lo, double hi) {
    return static_cast<int>(std::clamp(std::round(v), lo, hi));
  };
  GridPos pos;
  pos.w = clamp_round(NumOr(gp, "w", row ? 24 : 12), 1, 24);
  pos.x = clamp_round(NumOr(gp, "x", 0), 0, 24 - pos.w);
  pos.y = clamp_round(NumOr(gp, "y", 0), 0, 1e6);
  pos.h = clamp_round(NumOr(gp, "h", row ? 1 : 8), 1, 1e4);
  return pos;
}

std::vector<const JsonValue*> SortByGridPos(const JsonValue* panels) {
  std::vector<const JsonValue*> out;
  if (panels == nullptr || !panels->IsArray()) return out;
  for (const auto& p : panels->GetArray()) {
    if (p.IsObject()) out.push_back(&p);
  }
  std::stable_sort(out.begin(), out.end(), [](const JsonValue* a, const JsonValue* b) {
    const GridPos ga = GridPosOf(*a), gb = GridPosOf(*b);
    return ga.y != gb.y ? ga.y < gb.y : ga.x < gb.x;
  });
  return out;
}

struct RowGroup {
  const JsonValue* row = nullptr;
  std::vector<const JsonValue*> panels;
};

struct Item {
  const JsonValue* panel;
  bool is_row;
  GridPos pos;
  size_t hidden_panels = 0;  // collapsed rows: how many panels they hold
};

std::vector<Item> Layout(const dashboards::Dashboard& dashboard) {
  std::vector<RowGroup> groups;
  RowGroup current;
  for (const JsonValue* p : SortByGridPos(Member(dashboard.json(), "panels"))) {
    if (dashboards::StringMember(*p, "type") == "row") {
      if (current.row != nullptr || !current.panels.empty()) groups.push_back(current);
      current = RowGroup{p, SortByGridPos(Member(*p, "panels"))};
      if (dashboards::BoolMember(*p, "collapsed", false)) {
        groups.push_back(current);
        current = RowGroup{};
      }
    } else {
      current.panels.push_back(p);
    }
  }
  if (current.row != nullptr || !current.panels.empty()) groups.push_back(current);
  std::vector<Item> items;
  int offset = 0;
  for (const RowGroup& g : groups) {
    int base = offset;
    const bool collapsed = g.row != nullptr && dashboards::BoolMember(*g.row, "collapsed", false);
    if (g.row != nullptr) {
      const int y = std::max(GridPosOf(*g.row).y, offset);
      items.push_back({g.row, true, {0, y, 24, 1}, collapsed ? g.panels.size() : 0});
      base = y + 1;
    }
    if (collapsed) {
      offset = base;
      continue;
    }
    int min_y = INT32_MAX;
    for (const JsonValue* p : g.panels) min_y = std::min(min_y, GridPosOf(*p).y);
    int max_bottom = base;
    for (const JsonValue* p : g.panels) {
      GridPos gp = GridPosOf(*p);
      gp.y = base + (gp.y - (min_y == INT32_MAX ? 0 : min_y));
      items.push_back({p, false, gp, 0});
      max_bottom = std::max(max_bottom, gp.y + gp.h);
    }
    offset = max_bottom;
  }
  // Vertical compaction (react-grid-layout's), in order.
  std::vector<Item> placed;
  int bottom = 0;
  auto collides = [](const GridPos& a, const GridPos& b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  };
  for (Item item : items) {
    GridPos pos = item.pos;
    pos.y = std::min(pos.y, bottom);
    while (pos.y > 0) {
      GridPos up = pos;
      up.y -= 1;
      bool hit = false;
      for (const Item& p : placed) hit = hit || collides(p.pos, up);
      if (hit) break;
      pos.y--;
    }
    for (;;) {
      const Item* hit = nullptr;
      for (const Item& p : placed) {
        if (collides(p.pos, pos)) {
          hit = &p;
          break;
        }
      }
      if (hit == nullptr) break;
      pos.y = hit->pos.y + hit->pos.h;
    }
    item.pos = pos;
    placed.push_back(item);
    bottom = std::max(bottom, pos.y + pos.h);
  }
  return placed;
}

constexpr double kCellHeight = 30;
constexpr double kCellMargin = 8;
// The web app's page: 16 px at the sides (.main), 8 px above and below the grid here.
constexpr double kPagePaddingX = 16;
constexpr double kPagePaddingY = 8;

Box ToPixels(const GridPos& pos, double width) {
  const double col = (width - kCellMargin * 23) / 24;
  return {std::round(pos.x * (col + kCellMargin)), pos.y * (kCellHeight + kCellMargin),
          std::round(pos.w * col + (pos.w - 1) * kCellMargin),
          pos.h * kCellHeight + (pos.h - 1) * kCellMargin};
}

}  // namespace

Result<std::string> RenderPanelPng(const rapidjson::Value& panel,
                                   const dashboards::PanelResult& data,
                                   const RenderOptions& options,
                                   std::vector<std::string>* warnings) {
  Result<Size> size = CheckSize(options.width, options.height, options.scale);
  if (!size.ok()) return size.status();
  if (!panel.IsObject()) return Status::InvalidArgument("render: the panel is not a JSON object");
  Surface s;
  Result<Surface*> made = MakeSurface(*size, &s);
  if (!made.ok()) return made.status();
  const Theme& theme = options.dark ? DarkTheme() : LightTheme();
  const dashboards::TimeZone tz = ParseZone(options.timezone, warnings);
  Canvas c(s.cr);
  // Grafana's d-solo: the panel fills the image.
  c.FillRect({0, 0, static_cast<double>(size->width), static_cast<double>(size->height)},
             theme.panel);
  DrawPanel(c, theme, panel, data,
            {0, 0, static_cast<double>(size->width), static_cast<double>(size->height)}, tz,
            warnings);
  if (cairo_status(s.cr) != CAIRO_STATUS_SUCCESS) {
    return Status::Internal(std::string("render: drawing failed: ") +
                            cairo_status_to_string(cairo_status(s.cr)));
  }
  return Encode(s.surface);
}

Result<std::string> RenderDashboardPng(const dashboards::Dashboard& dashboard,
                                       const std::vector<DashboardPanel>& panels,
                                       const RenderOptions& options,
                                       std::vector<std::string>* warnings) {
  const std::vector<Item> items = Layout(dashboard);
  const double width = std::clamp(options.width, kMinSide, kMaxSide);
  const double inner = width - 2 * kPagePaddingX;
  int rows = 0;
  for (const Item& it : items) rows = std::max(rows, it.pos.y + it.pos.h);
  const double layout_h = rows > 0 ? rows * (kCellHeight + kCellMargin) - kCellMargin : 0;
  int height = options.height > 0 ? options.height
                                  : static_cast<int>(std::ceil(layout_h + 2 * kPagePaddingY));
  height = std::clamp(height, kMinSide, kMaxSide);
  if (options.height <= 0) {
    // Keep the full layout within the pixel budget by cutting it, not by failing.
    const double max_h = kMaxPixels / (width * std::clamp(options.scale, 1.0, 4.0) *
                                       std::clamp(options.scale, 1.0, 4.0));
    if (std::isfinite(options.scale)) height = std::min(height, static_cast<int>(max_h));
  }
  Result<Size> size = CheckSize(options.width, height, options.scale);
  if (!size.ok()) return size.status();
  Surface s;
  Result<Surface*> made = MakeSurface(*size, &s);
  if (!made.ok()) return made.status();
  const Theme& theme = options.dark ? DarkTheme() : LightTheme();
  const dashboards::TimeZone tz = ParseZone(options.timezone, warnings);
  Canvas c(s.cr);
  c.FillRect({0, 0, static_cast<double>(size->width), static_cast<double>(size->height)}, theme.bg);
  std::map<const JsonValue*, const dashboards::PanelResult*> by_pointer;
  std::map<int64_t, const dashboards::PanelResult*> by_id;
  for (const DashboardPanel& dp : panels) {
    if (dp.panel == nullptr || dp.data == nullptr) continue;
    by_pointer[dp.panel] = dp.data;
    int64_t id = 0;
    if (dashboards::GetInt64(*dp.panel, "id", &id)) by_id[id] = dp.data;
  }
  const dashboards::PanelResult empty;
  for (const Item& it : items) {
    Box b = ToPixels(it.pos, inner);
    b.x += kPagePaddingX;
    b.y += kPagePaddingY;
    if (b.y >= size->height) continue;
    if (it.is_row) {
      const std::string title = dashboards::StringMember(*it.panel, "title");
      const bool collapsed = dashboards::BoolMember(*it.panel, "collapsed", false);
      const std::string chevron = collapsed ? "▸" : "▾";
      c.Text(chevron, b.x + 4, b.y + b.h / 2, Font::kSans, 16, theme.text_strong);
      const double tx = b.x + 4 + c.TextWidth(chevron, Font::kSans, 16) + 6;
      c.Text(title, tx, b.y + b.h / 2, Font::kSans, 16, theme.text_strong);
      if (collapsed) {
        const std::string count = "(" + std::to_string(it.hidden_panels) +
                                  (it.hidden_panels == 1 ? " panel)" : " panels)");
        c.Text(count, tx + c.TextWidth(title, Font::kSans, 16) + 6, b.y + b.h / 2, Font::kSans, 12,
               theme.text_muted);
      }
      c.FillRect({b.x, b.bottom() - 1, b.w, 1}, theme.border);
      continue;
    }
    const dashboards::PanelResult* data = &empty;
    if (auto p = by_pointer.find(it.panel); p != by_pointer.end()) {
      data = p->second;
    } else {
      int64_t id = 0;
      if (dashboards::GetInt64(*it.panel, "id", &id)) {
        if (auto q = by_id.find(id); q != by_id.end()) data = q->second;
      }
    }
    DrawPanel(c, theme, *it.panel, *data, b, tz, warnings);
  }
  if (cairo_status(s.cr) != CAIRO_STATUS_SUCCESS) {
    return Status::Internal(std::string("render: drawing failed: ") +
                            cairo_status_to_string(cairo_status(s.cr)));
  }
  return Encode(s.surface);
}

}  // namespace otelite::render
