// Drawing helpers over a cairo context: colours, rectangles, and text in DejaVu Sans (loaded
// once from /usr/share/fonts/truetype/dejavu/ through cairo's FreeType backend, so rendering does
// not depend on fontconfig; cairo's toy "sans-serif" face when the files are missing).
//
// A Canvas is used by one thread at a time; the fonts are shared (cairo locks its faces).
#pragma once

#include <cairo.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_time.h"
#include "dashboards/time_range.h"
#include "render/colors.h"

namespace otelite::render {

enum class Font { kSans, kSansBold, kMono };
enum class Align { kLeft, kCenter, kRight };

struct Box {
  double x = 0;
  double y = 0;
  double w = 0;
  double h = 0;
  double right() const { return x + w; }
  double bottom() const { return y + h; }
};

// Whether the DejaVu files were found (else the toy face is used).
bool FontsFromFiles();

// Valid UTF-8 with control characters turned into spaces (cairo refuses invalid strings).
std::string SanitizeText(std::string_view text);

class Canvas {
 public:
  explicit Canvas(cairo_t* cr) : cr_(cr) {}
  cairo_t* cr() const { return cr_; }

  void SetColor(const Color& c);
  void FillRect(const Box& b, const Color& c);
  void StrokeRect(const Box& b, const Color& c, double line_width = 1);
  void RoundedRectPath(const Box& b, double radius);
  void Line(double x0, double y0, double x1, double y1, const Color& c, double width = 1);

  // Text width in user units (the text is sanitized first).
  double TextWidth(std::string_view text, Font font, double size);
  // Draws one line of text vertically centred on `center_y`, aligned on `x`.
  void Text(std::string_view text, double x, double center_y, Font font, double size,
            const Color& color, Align align = Align::kLeft);
  // Draws one line of text with its baseline at `baseline_y`, starting at `x`.
  void TextAtBaseline(std::string_view text, double x, double baseline_y, Font font, double size,
                      const Color& color);
  // The baseline that centres text of this font and size on `center_y`.
  double BaselineFor(double center_y, Font font, double size);
  // The text cut with "…" to fit `max_width` (whole when it fits).
  std::string Ellipsize(std::string_view text, double max_width, Font font, double size);
  // Lines of at most `max_width`: split on newlines, then at spaces, long words by characters.
  std::vector<std::string> Wrap(std::string_view text, double max_width, Font font, double size,
                                size_t max_lines = 1000);

 private:
  void SelectFont(Font font, double size);

  cairo_t* cr_;
};

// Formats a Unix-ms instant in a time zone with the tokens YYYY MM DD HH mm ss SSS (others kept),
// as web/src/time/tz.ts formatTime.
std::string FormatTime(double ms, const dashboards::TimeZone& tz,
                       std::string_view pattern = "YYYY-MM-DD HH:mm:ss");

// Wall-clock fields of an instant in a time zone.
struct WallTime {
  int64_t year = 1970;
  int month = 1;  // 1–12
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int ms = 0;
};
WallTime ToWall(int64_t ms, const dashboards::TimeZone& tz);

}  // namespace otelite::render
