// The table panel as web/src/panels/table.ts draws it: the first frame's visible columns
// (custom.hidden skipped) with units, decimals, mappings and colours from field config and
// overrides, options.sortBy as the order (numbers numerically, text naturally, nulls last), rows
// of options.cellHeight (sm 36, md 42, lg 48 px) cut to the height, and the footer (sum or
// another reducer per numeric column, or the row count) kept at the bottom.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

#include "render/draw.h"
#include "render/reduce.h"

namespace otelite::render {
namespace {

using dashboards::CellValue;
using dashboards::FieldType;

constexpr double kFont = 13;

bool IsSessionColumn(const ConfiguredField& f) {
  std::string lower;
  for (char ch : f.display_name)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return f.field->name == "session_id" || f.field->name == "session.id" || lower == "session id" ||
         lower == "session_id" || lower == "sessionid" || f.display_name == "Session";
}

// localeCompare(…, {numeric: true}) approximated: case-insensitive, digit runs by value.
int NaturalCompare(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const unsigned char ca = static_cast<unsigned char>(a[i]);
    const unsigned char cb = static_cast<unsigned char>(b[j]);
    if (std::isdigit(ca) && std::isdigit(cb)) {
      size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      std::string_view na(a.data() + i, ei - i), nb(b.data() + j, ej - j);
      while (na.size() > 1 && na[0] == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb[0] == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size() ? -1 : 1;
      if (const int c = na.compare(nb); c != 0) return c < 0 ? -1 : 1;
      i = ei;
      j = ej;
      continue;
    }
    const int la = std::tolower(ca), lb = std::tolower(cb);
    if (la != lb) return la < lb ? -1 : 1;
    ++i;
    ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

std::vector<size_t> SortRows(const dashboards::Field* field, size_t rows, bool desc) {
  std::vector<size_t> idx(rows);
  std::iota(idx.begin(), idx.end(), 0);
  if (field == nullptr) return idx;
  const bool numeric = field->type == FieldType::kNumber || field->type == FieldType::kTime;
  std::vector<std::optional<double>> nums(rows);
  std::vector<std::optional<std::string>> texts(rows);
  for (size_t i = 0; i < rows && i < field->values.size(); ++i) {
    const CellValue& v = field->values[i];
    if (dashboards::IsNull(v)) continue;
    if (numeric) {
      const std::optional<double> n = CellToNumber(v);
      if (n.has_value() && !std::isnan(*n)) nums[i] = n;
    } else if (const std::string* s = std::get_if<std::string>(&v)) {
      texts[i] = *s;
    } else if (const double* d = std::get_if<double>(&v)) {
      texts[i] = JsNumberToString(*d);
    } else {
      texts[i] = "{}";
    }
  }
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    const bool na = numeric ? !nums[a].has_value() : !texts[a].has_value();
    const bool nb = numeric ? !nums[b].has_value() : !texts[b].has_value();
    if (na || nb) return !na && nb;  // nulls last, in any direction
    int c = 0;
    if (numeric) {
      c = *nums[a] < *nums[b] ? -1 : *nums[a] > *nums[b] ? 1 : 0;
    } else {
      c = NaturalCompare(*texts[a], *texts[b]);
    }
    return desc ? c > 0 : c < 0;
  });
  return idx;
}

}  // namespace

bool DrawTable(const PanelDraw& p, const Box& body) {
  Canvas& c = *p.canvas;
  const Theme& theme = *p.theme;
  const ConfiguredFrame* frame = nullptr;
  for (const ConfiguredFrame& f : *p.frames) {
    if (!f.fields.empty()) {
      frame = &f;
      break;
    }
  }
  if (frame == nullptr) return false;
  const rapidjson::Value* options = Obj(p.panel, "options");
  std::vector<const ConfiguredField*> cols;
  for (const ConfiguredField& f : frame->fields) {
    if (!f.config.hidden) cols.push_back(&f);
  }
  if (cols.empty()) return false;
  size_t rows = 0;
  for (const ConfiguredField* f : cols) rows = std::max(rows, f->field->values.size());

  // Initial sort (options.sortBy[0]).
  int sort_col = -1;
  bool desc = false;
  if (options != nullptr) {
    auto sb = options->FindMember("sortBy");
    if (sb != options->MemberEnd() && sb->value.IsArray() && !sb->value.Empty() &&
        sb->value[0].IsObject()) {
      const std::string name = Str(&sb->value[0], "displayName", "");
      auto d = sb->value[0].FindMember("desc");
      desc = d != sb->value[0].MemberEnd() && d->value.IsBool() && d->value.GetBool();
      for (size_t i = 0; i < cols.size(); ++i) {
        if (!name.empty() && (cols[i]->display_name == name || cols[i]->field->name == name)) {
          sort_col = static_cast<int>(i);
          break;
        }
      }
    }
  }
  const std::vector<size_t> order =
      SortRows(sort_col >= 0 ? cols[sort_col]->field : nullptr, rows, desc);

  const std::string cell_height = Str(options, "cellHeight", "sm");
  const double row_h = cell_height == "md" ? 42 : cell_height == "lg" ? 48 : 36;
  bool show_header = true;
  if (options != nullptr) {
    auto sh = options->FindMember("showHeader");
    show_header = !(sh != options->MemberEnd() && sh->value.IsBool() && !sh->value.GetBool());
  }
  const double header_h = show_header ? 36 : 0;

  // Footer cells.
  const rapidjson::Value* footer_opts = Obj(options, "footer");
  bool footer = false;
  bool count_rows = false;
  if (footer_opts != nullptr) {
    auto s = footer_opts->FindMember("show");
    footer = s != footer_opts->MemberEnd() && s->value.IsBool() && s->value.GetBool();
    auto cr = footer_opts->FindMember("countRows");
    count_rows = cr != footer_opts->MemberEnd() && cr->value.IsBool() && cr->value.GetBool();
  }
  std::vector<std::string> footer_text(cols.size());
  if (footer) {
    const std::vector<std::string> reducers = Strings(footer_opts, "reducer");
    const std::string reducer = reducers.empty() ? "sum" : reducers[0];
    const std::vector<std::string> only = Strings(footer_opts, "fields");
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      const ConfiguredField& f = *cols[ci];
      if (count_rows) {
        footer_text[ci] = ci == 0 ? "Count: " + std::to_string(rows) : "";
        continue;
      }
      const bool include =
          f.field->type == FieldType::kNumber &&
          (only.empty() || std::find(only.begin(), only.end(), f.display_name) != only.end() ||
           std::find(only.begin(), only.end(), f.field->name) != only.end());
      if (!include) {
        footer_text[ci] = ci == 0 ? ReducerDisplayName(reducer) : "";
        continue;
      }
      const std::optional<double> v = ReduceCells(f.field->values, reducer);
      if (v.has_value())
        footer_text[ci] = MakeDisplay(f.config, theme, nullptr, std::nullopt, *v).ToString();
    }
  }
  const double footer_h = footer ? 36 : 0;
  const size_t visible_rows = static_cast<size_t>(std::clamp(
      std::ceil((body.h - header_h - footer_h) / row_h), 0.0, static_cast<double>(rows)));

  // Cell texts for the visible rows.
  struct Cell {
    DisplayValue dv;
    bool numeric_align = false;
  };
  std::vector<std::vector<Cell>> cells(visible_rows, std::vector<Cell>(cols.size()));
  for (size_t r = 0; r < visible_rows; ++r) {
    const size_t row = order[r];
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      const ConfiguredField& f = *cols[ci];
      static const CellValue kNull;
      const CellValue& raw = row < f.field->values.size() ? f.field->values[row] : kNull;
      Cell& cell = cells[r][ci];
      if (f.field->type == FieldType::kTime) {
        const std::optional<double> t = CellToNumber(raw);
        cell.dv.text = t.has_value() ? FormatTime(*t, *p.tz) : "";
        cell.dv.color = theme.text;
      } else {
        cell.dv = MakeDisplay(f.config, theme, nullptr, std::nullopt, raw);
      }
      const std::string& align = f.config.align;
      cell.numeric_align =
          align == "right" ||
          (align == "auto" && f.field->type == FieldType::kNumber && !cell.dv.mapped);
    }
  }

  // Column widths: natural widths (capped at 420 px), then stretched or shrunk to the width.
  std::vector<double> widths(cols.size());
  std::vector<bool> fixed(cols.size(), false);
  std::vector<double> content(cols.size(), 0);  // without the header: what must stay whole
  for (size_t ci = 0; ci < cols.size(); ++ci) {
    if (cols[ci]->config.width.has_value() && *cols[ci]->config.width > 0) {
      widths[ci] = std::min(*cols[ci]->config.width, body.w);
      fixed[ci] = true;
      continue;
    }
    double w = 0;
    for (size_t r = 0; r < visible_rows; ++r) {
      w = std::max(w, c.TextWidth(cells[r][ci].dv.ToString(), Font::kSans, kFont));
    }
    if (footer) w = std::max(w, c.TextWidth(footer_text[ci], Font::kSans, kFont));
    content[ci] = std::min(w + 16, 420.0);
    if (show_header) {
      w = std::max(w, c.TextWidth(cols[ci]->display_name + " ↓", Font::kSans, kFont));
    }
    widths[ci] = std::min(w + 16, 420.0);
  }
  double total = 0, flexible = 0;
  for (size_t ci = 0; ci < cols.size(); ++ci) {
    total += widths[ci];
    if (!fixed[ci]) flexible += widths[ci];
  }
  if (flexible > 0) {
    const double target = body.w - (total - flexible);
    double excess = flexible - target;
    if (excess > 0) {
      // Too narrow: text columns give up width first (down to 48 px, their text cut with an
      // ellipsis), then number columns down to their values (headers cut), so that numbers stay
      // whole as far as that goes; then everything shrinks.
      for (int phase = 0; phase < 2 && excess > 0; ++phase) {
        std::vector<double> give(cols.size(), 0);
        double can = 0;
        for (size_t ci = 0; ci < cols.size(); ++ci) {
          const bool number = cols[ci]->field->type == FieldType::kNumber;
          if (fixed[ci] || number != (phase == 1)) continue;
          give[ci] = std::max(0.0, widths[ci] - (number ? content[ci] : 48.0));
          can += give[ci];
        }
        if (can <= 0) continue;
        const double take = std::min(excess, can);
        for (size_t ci = 0; ci < cols.size(); ++ci) widths[ci] -= give[ci] * take / can;
        flexible -= take;
        excess -= take;
      }
    }
    // Then stretched, or shrunk proportionally, to the width.
    const double factor = std::max(0.05, target / flexible);
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      if (!fixed[ci]) widths[ci] *= factor;
    }
  }

  cairo_t* cr = c.cr();
  cairo_save(cr);
  cairo_rectangle(cr, body.x, body.y, body.w, body.h);
  cairo_clip(cr);
  auto text_in = [&](const std::string& text, double x, double w, double cy, bool right,
                     const Color& color) {
    const std::string t = c.Ellipsize(text, w - 16, Font::kSans, kFont);
    if (right) {
      c.Text(t, x + w - 8, cy, Font::kSans, kFont, color, Align::kRight);
    } else {
      c.Text(t, x + 8, cy, Font::kSans, kFont, color);
    }
  };
  double y = body.y;
  if (show_header) {
    double x = body.x;
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      std::string title = cols[ci]->display_name;
      if (static_cast<int>(ci) == sort_col) title += desc ? " ↓" : " ↑";
      text_in(title, x, widths[ci], y + header_h / 2, cols[ci]->field->type == FieldType::kNumber,
              theme.primary_text);
      x += widths[ci];
    }
    c.FillRect({body.x, y + header_h - 1, body.w, 1}, theme.border);
    y += header_h;
  }
  const double rows_bottom = body.bottom() - footer_h;
  for (size_t r = 0; r < visible_rows && y < rows_bottom; ++r) {
    double x = body.x;
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      const Cell& cell = cells[r][ci];
      const std::string& type = cols[ci]->config.cell_type;
      Color color = theme.text;
      const bool has_dv = cols[ci]->field->type != FieldType::kTime;
      if (has_dv && (type == "color-background" || type == "color-background-solid")) {
        c.FillRect({x, y, widths[ci], row_h - 1}, cell.dv.color);
        color = Rgb(255, 255, 255);
      } else if (has_dv && type == "color-text") {
        color = cell.dv.color;
      } else if (has_dv && cell.dv.mapped) {
        color = cell.dv.color;
      } else if (IsSessionColumn(*cols[ci]) && !cell.dv.text.empty()) {
        color = theme.primary_text;
      }
      text_in(cell.dv.ToString(), x, widths[ci], y + row_h / 2, cell.numeric_align, color);
      x += widths[ci];
    }
    c.FillRect({body.x, y + row_h - 1, body.w, 1}, theme.border);
    y += row_h;
  }
  if (footer) {
    const double fy = std::min(y, body.bottom() - footer_h);
    c.FillRect({body.x, fy, body.w, footer_h}, theme.panel);
    c.FillRect({body.x, fy, body.w, 1}, theme.border_strong);
    double x = body.x;
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      text_in(footer_text[ci], x, widths[ci], fy + footer_h / 2,
              !(ci == 0 && (count_rows || cols[ci]->field->type != FieldType::kNumber)),
              theme.text);
      x += widths[ci];
    }
  }
  cairo_restore(cr);
  return true;
}

}  // namespace otelite::render
