#include "render/canvas.h"

#include <cairo-ft.h>
#include <ft2build.h>

#include "core/civil_time.h"
#include FT_FREETYPE_H

#include <cmath>
#include <cstdio>

namespace otelite::render {
namespace {

constexpr const char* kFontDir = "/usr/share/fonts/truetype/dejavu/";

struct Fonts {
  cairo_font_face_t* faces[3] = {nullptr, nullptr, nullptr};
  cairo_font_options_t* options = nullptr;
  bool from_files = true;
};

cairo_font_face_t* LoadFace(FT_Library lib, const char* file, const char* toy_family,
                            cairo_font_weight_t weight, bool* from_files) {
  if (lib != nullptr) {
    FT_Face face = nullptr;
    const std::string path = std::string(kFontDir) + file;
    if (FT_New_Face(lib, path.c_str(), 0, &face) == 0) {
      cairo_font_face_t* cf = cairo_ft_font_face_create_for_ft_face(face, 0);
      if (cairo_font_face_status(cf) == CAIRO_STATUS_SUCCESS) return cf;  // lives forever
      cairo_font_face_destroy(cf);
      FT_Done_Face(face);
    }
  }
  *from_files = false;
  return cairo_toy_font_face_create(toy_family, CAIRO_FONT_SLANT_NORMAL, weight);
}

const Fonts& GetFonts() {
  static const Fonts fonts = [] {
    Fonts f;
    FT_Library lib = nullptr;
    if (FT_Init_FreeType(&lib) != 0) lib = nullptr;
    f.faces[0] =
        LoadFace(lib, "DejaVuSans.ttf", "sans-serif", CAIRO_FONT_WEIGHT_NORMAL, &f.from_files);
    f.faces[1] =
        LoadFace(lib, "DejaVuSans-Bold.ttf", "sans-serif", CAIRO_FONT_WEIGHT_BOLD, &f.from_files);
    f.faces[2] =
        LoadFace(lib, "DejaVuSansMono.ttf", "monospace", CAIRO_FONT_WEIGHT_NORMAL, &f.from_files);
    f.options = cairo_font_options_create();
    cairo_font_options_set_antialias(f.options, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(f.options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(f.options, CAIRO_HINT_METRICS_OFF);
    return f;
  }();
  return fonts;
}

// Length of the valid UTF-8 sequence at s[i] (0 when invalid).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = 0;
  uint32_t cp = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
    return 0;
  }
  // Cairo also refuses Unicode's noncharacters.
  if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) return 0;
  return len;
}

}  // namespace

bool FontsFromFiles() { return GetFonts().from_files; }

std::string SanitizeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t len = Utf8SequenceLength(text, i);
    if (len == 0) {
      // One replacement per invalid byte, or per whole refused sequence (noncharacters).
      const unsigned char lead = static_cast<unsigned char>(text[i]);
      size_t skip = 1;
      if (lead >= 0xE0 && lead <= 0xF4) {
        const size_t want = lead >= 0xF0 ? 4 : 3;
        size_t k = 1;
        while (k < want && i + k < text.size() &&
               (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80) {
          ++k;
        }
        if (k == want) skip = want;
      }
      out += "\xEF\xBF\xBD";
      i += skip;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (len == 1 && (c < 0x20 || c == 0x7F)) {
      out += ' ';
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

void Canvas::SetColor(const Color& c) { cairo_set_source_rgba(cr_, c.r, c.g, c.b, c.a); }

void Canvas::FillRect(const Box& b, const Color& c) {
  SetColor(c);
  cairo_rectangle(cr_, b.x, b.y, b.w, b.h);
  cairo_fill(cr_);
}

void Canvas::StrokeRect(const Box& b, const Color& c, double line_width) {
  SetColor(c);
  cairo_set_line_width(cr_, line_width);
  cairo_rectangle(cr_, b.x + line_width / 2, b.y + line_width / 2, b.w - line_width,
                  b.h - line_width);
  cairo_stroke(cr_);
}

void Canvas::RoundedRectPath(const Box& b, double radius) {
  const double r = std::max(0.0, std::min(radius, std::min(b.w, b.h) / 2));
  cairo_new_sub_path(cr_);
  cairo_arc(cr_, b.x + b.w - r, b.y + r, r, -M_PI / 2, 0);
  cairo_arc(cr_, b.x + b.w - r, b.y + b.h - r, r, 0, M_PI / 2);
  cairo_arc(cr_, b.x + r, b.y + b.h - r, r, M_PI / 2, M_PI);
  cairo_arc(cr_, b.x + r, b.y + r, r, M_PI, 3 * M_PI / 2);
  cairo_close_path(cr_);
}

void Canvas::Line(double x0, double y0, double x1, double y1, const Color& c, double width) {
  SetColor(c);
  cairo_set_line_width(cr_, width);
  cairo_move_to(cr_, x0, y0);
  cairo_line_to(cr_, x1, y1);
  cairo_stroke(cr_);
}

void Canvas::SelectFont(Font font, double size) {
  const Fonts& f = GetFonts();
  cairo_set_font_face(cr_, f.faces[static_cast<int>(font)]);
  cairo_set_font_size(cr_, std::max(1.0, size));
  cairo_set_font_options(cr_, f.options);
}

double Canvas::TextWidth(std::string_view text, Font font, double size) {
  if (text.empty()) return 0;
  SelectFont(font, size);
  const std::string s = SanitizeText(text);
  cairo_text_extents_t ext;
  cairo_text_extents(cr_, s.c_str(), &ext);
  return ext.x_advance;
}

void Canvas::Text(std::string_view text, double x, double center_y, Font font, double size,
                  const Color& color, Align align) {
  if (text.empty()) return;
  SelectFont(font, size);
  const std::string s = SanitizeText(text);
  cairo_font_extents_t fe;
  cairo_font_extents(cr_, &fe);
  double left = x;
  if (align != Align::kLeft) {
    cairo_text_extents_t ext;
    cairo_text_extents(cr_, s.c_str(), &ext);
    left = align == Align::kCenter ? x - ext.x_advance / 2 : x - ext.x_advance;
  }
  SetColor(color);
  cairo_move_to(cr_, left, center_y + (fe.ascent - fe.descent) / 2);
  cairo_show_text(cr_, s.c_str());
  cairo_new_path(cr_);
}

void Canvas::TextAtBaseline(std::string_view text, double x, double baseline_y, Font font,
                            double size, const Color& color) {
  if (text.empty()) return;
  SelectFont(font, size);
  const std::string s = SanitizeText(text);
  SetColor(color);
  cairo_move_to(cr_, x, baseline_y);
  cairo_show_text(cr_, s.c_str());
  cairo_new_path(cr_);
}

double Canvas::BaselineFor(double center_y, Font font, double size) {
  SelectFont(font, size);
  cairo_font_extents_t fe;
  cairo_font_extents(cr_, &fe);
  return center_y + (fe.ascent - fe.descent) / 2;
}

std::string Canvas::Ellipsize(std::string_view text, double max_width, Font font, double size) {
  const std::string s = SanitizeText(text);
  if (max_width <= 0) return "";
  if (TextWidth(s, font, size) <= max_width) return s;
  // Binary search over code point boundaries for the longest prefix that fits with "…".
  std::vector<size_t> bounds;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) bounds.push_back(i);
  }
  const size_t n = bounds.size();
  auto prefix_end = [&](size_t k) { return k < n ? bounds[k] : s.size(); };
  size_t lo = 0;  // prefix of lo code points fits (0 always "fits": just the ellipsis)
  size_t hi = n;
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (TextWidth(s.substr(0, prefix_end(mid)) + "…", font, size) <= max_width) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  if (lo == 0) return TextWidth("…", font, size) <= max_width ? "…" : "";
  return s.substr(0, prefix_end(lo)) + "…";
}

std::vector<std::string> Canvas::Wrap(std::string_view text, double max_width, Font font,
                                      double size, size_t max_lines) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size() && lines.size() < max_lines) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string para = SanitizeText(text.substr(start, nl - start));
    // Greedy: take words while they fit; a word wider than the line is cut by characters.
    std::string line;
    size_t i = 0;
    while (i < para.size() && lines.size() < max_lines) {
      size_t sp = para.find(' ', i);
      if (sp == std::string::npos) sp = para.size();
      const std::string word = para.substr(i, sp - i);
      const std::string candidate = line.empty() ? word : line + " " + word;
      if (TextWidth(candidate, font, size) <= max_width) {
        line = candidate;
        i = sp + 1;
        continue;
      }
      if (!line.empty()) {
        lines.push_back(line);
        line.clear();
        continue;
      }
      // The word alone is too wide: cut at the last code point that fits (at least one).
      size_t cut = 0;
      for (size_t k = 1; k <= word.size(); ++k) {
        if (k < word.size() && (static_cast<unsigned char>(word[k]) & 0xC0) == 0x80) continue;
        if (TextWidth(word.substr(0, k), font, size) > max_width) break;
        cut = k;
      }
      if (cut == 0) {
        cut = 1;
        while (cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) ++cut;
      }
      lines.push_back(word.substr(0, cut));
      para.replace(i, cut, "");
    }
    if (!line.empty() && lines.size() < max_lines) lines.push_back(line);
    if (para.empty() && lines.size() < max_lines) lines.emplace_back();
    if (nl >= text.size()) break;
    start = nl + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

WallTime ToWall(int64_t ms, const dashboards::TimeZone& tz) {
  const int64_t local = ms + tz.OffsetMs(ms);
  int64_t days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
  int64_t rest = local - days * 86400000;
  WallTime w;
  w.hour = static_cast<int>(rest / 3600000);
  w.minute = static_cast<int>(rest / 60000 % 60);
  w.second = static_cast<int>(rest / 1000 % 60);
  w.ms = static_cast<int>(rest % 1000);
  // Civil from days (Howard Hinnant's algorithm).
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  w.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  w.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  w.year = yoe + era * 400 + (w.month <= 2);
  return w;
}

std::string FormatTime(double ms, const dashboards::TimeZone& tz, std::string_view pattern) {
  if (!std::isfinite(ms) || std::fabs(ms) > 8.64e15) return "";
  const WallTime w = ToWall(static_cast<int64_t>(std::floor(ms)), tz);
  std::string out;
  char buf[32];
  for (size_t i = 0; i < pattern.size();) {
    auto take = [&](std::string_view token) { return pattern.substr(i, token.size()) == token; };
    if (take("YYYY")) {
      std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(w.year));
      i += 4;
    } else if (take("SSS")) {
      std::snprintf(buf, sizeof buf, "%03d", w.ms);
      i += 3;
    } else if (take("MM")) {
      std::snprintf(buf, sizeof buf, "%02d", w.month);
      i += 2;
    } else if (take("DD")) {
      std::snprintf(buf, sizeof buf, "%02d", w.day);
      i += 2;
    } else if (take("HH")) {
      std::snprintf(buf, sizeof buf, "%02d", w.hour);
      i += 2;
    } else if (take("mm")) {
      std::snprintf(buf, sizeof buf, "%02d", w.minute);
      i += 2;
    } else if (take("ss")) {
      std::snprintf(buf, sizeof buf, "%02d", w.second);
      i += 2;
    } else {
      buf[0] = pattern[i];
      buf[1] = '\0';
      ++i;
    }
    out += buf;
  }
  return out;
}

}  // namespace otelite::render
