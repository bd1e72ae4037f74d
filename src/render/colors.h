// Colours as the web app uses them (web/src/format/colors.ts, web/src/styles.css): Grafana's
// named visualization colours per theme, the classic palette, CSS colour syntax, and the UI's
// theme colours (panel background, border, text…).
#pragma once

#include <string>
#include <string_view>

namespace otelite::render {

// Straight (not premultiplied) RGBA, each in [0, 1].
struct Color {
  double r = 0;
  double g = 0;
  double b = 0;
  double a = 1;
  // Whether the colour came from #hex (withAlpha applies only to those, as in the UI).
  bool hex = false;

  bool operator==(const Color& o) const { return r == o.r && g == o.g && b == o.b && a == o.a; }
};

Color Rgb(int r, int g, int b, double a = 1);

// The UI's theme (styles.css custom properties).
struct Theme {
  bool dark = true;
  Color bg;             // --bg (the dashboard page)
  Color panel;          // --bg-panel
  Color border;         // --border
  Color border_strong;  // --border-strong
  Color text;           // --text
  Color text_strong;    // --text-strong
  Color text_muted;     // --text-muted
  Color primary_text;   // --primary-text (table headers, links)
  Color error;          // --error
  Color warning;        // --warning
  Color success;        // --success
  Color grid;           // --grid-line
  Color hover;          // --bg-hover
};

const Theme& DarkTheme();
const Theme& LightTheme();

// A Grafana colour name ("green", "semi-dark-red", "text", "transparent"), #rgb/#rrggbb/#rrggbbaa,
// rgb()/rgba(), or a common CSS colour name. Empty or unknown: the theme's text colour.
Color ResolveColor(std::string_view name, const Theme& theme);

// The classic palette ("palette-classic") colour for a series index.
Color ClassicColor(int index, const Theme& theme);

// withAlpha: the colour with alpha `alpha` when it came from #hex, else unchanged.
Color WithAlpha(const Color& c, double alpha);

// Black-ish or white text, whichever reads better on `background` (#hex colours only, as the UI).
Color ContrastText(const Color& background);

}  // namespace otelite::render
