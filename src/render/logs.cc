// The logs panel as web/src/panels/logs.ts draws it: entries of the log frames, newest first
// (options.sortOrder "Ascending" reverses), in a 12 px monospace font: a 3 px level bar (error,
// warn, info, debug, unknown colours), the time (showTime, muted), label chips (showLabels), the
// line (cut with "…", or wrapped when wrapLogMessage), a "session" link when the entry has a
// session_id; cut at the panel's height.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "render/draw.h"
#include "render/reduce.h"

namespace otelite::render {
namespace {

using dashboards::FieldType;

constexpr double kFont = 12;
constexpr double kLineH = 17;

struct Entry {
  double time;
  std::string ts_ns;
  std::string line;
  const Labels* labels;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string LevelOf(const Labels* labels) {
  if (labels == nullptr) return "unknown";
  std::string raw;
  for (const char* key : {"level", "detected_level", "severity_text", "severity", "lvl"}) {
    if (labels->Has(key)) {
      raw = Lower(labels->Get(key));
      break;
    }
  }
  if (!raw.empty()) {
    if (raw.rfind("err", 0) == 0 || raw == "fatal" || raw == "critical" || raw == "crit")
      return "error";
    if (raw.rfind("warn", 0) == 0) return "warn";
    if (raw.rfind("debug", 0) == 0 || raw == "trace") return "debug";
    if (raw.rfind("info", 0) == 0) return "info";
  }
  if (labels->Get("event_name") == "api_error" || labels->Get("success") == "false") return "error";
  return "unknown";
}

const dashboards::Field* ByName(const dashboards::Frame& f, std::string_view name) {
  for (const auto& field : f.fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

const dashboards::Field* ByType(const dashboards::Frame& f, FieldType type) {
  const int i = f.FirstOfType(type);
  return i >= 0 ? &f.fields[i] : nullptr;
}

}  // namespace

bool DrawLogs(const PanelDraw& p, const Box& body) {
  Canvas& c = *p.canvas;
  const Theme& theme = *p.theme;
  std::vector<Entry> entries;
  for (const ConfiguredFrame& cf : *p.frames) {
    const dashboards::Frame& f = *cf.frame;
    const bool has_line = ByName(f, "Line") != nullptr || ByName(f, "line") != nullptr;
    if (f.meta_type != "log-lines" && !(has_line && ByType(f, FieldType::kTime) != nullptr))
      continue;
    const dashboards::Field* labels = ByName(f, "labels");
    if (labels == nullptr) labels = ByType(f, FieldType::kOther);
    const dashboards::Field* time = ByName(f, "Time");
    if (time == nullptr) time = ByName(f, "time");
    if (time == nullptr) time = ByType(f, FieldType::kTime);
    const dashboards::Field* line = ByName(f, "Line");
    if (line == nullptr) line = ByName(f, "line");
    if (line == nullptr) line = ByName(f, "body");
    if (line == nullptr) line = ByType(f, FieldType::kString);
    const dashboards::Field* ts_ns = ByName(f, "tsNs");
    for (size_t i = 0; i < f.rows(); ++i) {
      Entry e;
      const std::optional<double> t =
          time != nullptr && i < time->values.size() ? CellToNumber(time->values[i]) : std::nullopt;
      e.time = t.value_or(0);
      const std::string* ns = ts_ns != nullptr && i < ts_ns->values.size()
                                  ? std::get_if<std::string>(&ts_ns->values[i])
                                  : nullptr;
      if (ns != nullptr) {
        e.ts_ns = *ns;
      } else {
        const double v = std::round(e.time * 1e6);
        e.ts_ns = std::isfinite(v) ? JsNumberToString(v) : "0";
      }
      if (line != nullptr && i < line->values.size()) {
        const auto& cell = line->values[i];
        if (const std::string* s = std::get_if<std::string>(&cell)) {
          e.line = *s;
        } else if (const double* d = std::get_if<double>(&cell)) {
          e.line = JsNumberToString(*d);
        }
      }
      e.labels = labels != nullptr && i < labels->values.size()
                     ? std::get_if<Labels>(&labels->values[i])
                     : nullptr;
      entries.push_back(std::move(e));
    }
  }
  if (entries.empty()) return false;
  const rapidjson::Value* o = Obj(p.panel, "options");
  const bool ascending = Str(o, "sortOrder", "Descending") == "Ascending";
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    int cmp = 0;
    if (a.ts_ns.size() != b.ts_ns.size()) {
      cmp = a.ts_ns.size() < b.ts_ns.size() ? -1 : 1;
    } else {
      cmp = a.ts_ns < b.ts_ns ? -1 : a.ts_ns > b.ts_ns ? 1 : 0;
    }
    return ascending ? cmp < 0 : cmp > 0;
  });
  auto flag = [&](const char* key, bool fallback) {
    if (o == nullptr) return fallback;
    auto m = o->FindMember(key);
    return m != o->MemberEnd() && m->value.IsBool() ? m->value.GetBool() : fallback;
  };
  const bool wrap = flag("wrapLogMessage", false);
  const bool show_time = flag("showTime", true);
  const bool show_labels = flag("showLabels", false);

  cairo_t* cr = c.cr();
  cairo_save(cr);
  cairo_rectangle(cr, body.x, body.y, body.w, body.h);
  cairo_clip(cr);
  double y = body.y;
  const double time_w = c.TextWidth("0000-00-00 00:00:00.000", Font::kMono, kFont);
  for (const Entry& e : entries) {
    if (y >= body.bottom()) break;
    const std::string level = LevelOf(e.labels);
    const Color bar = level == "error"   ? theme.error
                      : level == "warn"  ? theme.warning
                      : level == "info"  ? theme.success
                      : level == "debug" ? ResolveColor("#5794f2", theme)
                                         : theme.text_muted;
    double x = body.x + 3 + 6;
    if (show_time) {
      c.Text(FormatTime(e.time, *p.tz, "YYYY-MM-DD HH:mm:ss.SSS"), x, y + 1 + kLineH / 2,
             Font::kMono, kFont, theme.text_muted);
      x += time_w + 10;
    }
    if (show_labels && e.labels != nullptr) {
      size_t n = 0;
      for (const Label& l : e.labels->items()) {
        if (n++ >= 6 || x > body.right() - 40) break;
        const std::string chip = l.name + "=" + l.value;
        const double w = std::min(c.TextWidth(chip, Font::kSans, kFont) + 12, body.right() - x);
        c.SetColor(theme.hover);
        c.RoundedRectPath({x, y + 2, w, kLineH - 2}, 8);
        cairo_fill(cr);
        c.Text(c.Ellipsize(chip, w - 12, Font::kSans, kFont), x + 6, y + 1 + kLineH / 2,
               Font::kSans, kFont, theme.text);
        x += w + 4;
      }
      x += 6;
    }
    const bool session = e.labels != nullptr && !e.labels->Get("session_id").empty();
    const double link_w = session ? c.TextWidth("session", Font::kMono, kFont) + 10 : 0;
    // A narrow panel (the line would get less than a third of the width beside the time):
    // the line starts on its own row under the time, across the whole width.
    double first_row = 0;
    if (x > body.x + 9 && body.right() - 6 - link_w - x < body.w / 3) {
      first_row = kLineH;
      x = body.x + 3 + 6;
    }
    const double text_w = std::max(20.0, body.right() - 6 - (first_row > 0 ? 0 : link_w) - x);
    std::vector<std::string> lines;
    if (wrap) {
      lines = c.Wrap(e.line, text_w, Font::kMono, kFont,
                     static_cast<size_t>(std::max(1.0, (body.bottom() - y) / kLineH + 1)));
      if (lines.empty()) lines.emplace_back();
    } else {
      lines.push_back(c.Ellipsize(e.line, text_w, Font::kMono, kFont));
    }
    const double row_h = first_row + kLineH * static_cast<double>(lines.size()) + 2;
    c.FillRect({body.x, y, 3, row_h}, bar);
    for (size_t i = 0; i < lines.size(); ++i) {
      c.Text(lines[i], x, y + 1 + first_row + kLineH * (static_cast<double>(i) + 0.5), Font::kMono,
             kFont, theme.text);
    }
    if (session) {
      c.Text("session", body.right() - 6, y + 1 + kLineH / 2, Font::kMono, kFont,
             theme.primary_text, Align::kRight);
    }
    y += row_h + 1;
  }
  cairo_restore(cr);
  return true;
}

}  // namespace otelite::render
