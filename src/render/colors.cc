#include "render/colors.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

namespace otelite::render {

Color Rgb(int r, int g, int b, double a) { return {r / 255.0, g / 255.0, b / 255.0, a, false}; }

namespace {

Color Hex(const char* hex) {
  const unsigned v = static_cast<unsigned>(std::strtoul(hex + 1, nullptr, 16));
  Color c = Rgb(static_cast<int>((v >> 16) & 0xFF), static_cast<int>((v >> 8) & 0xFF),
                static_cast<int>(v & 0xFF));
  c.hex = true;
  return c;
}

Theme MakeDark() {
  Theme t;
  t.dark = true;
  t.bg = Hex("#111217");
  t.panel = Hex("#181b1f");
  t.border = Rgb(204, 204, 220, 0.12);
  t.border_strong = Rgb(204, 204, 220, 0.25);
  t.text = Hex("#ccccdc");
  t.text_strong = Hex("#ffffff");
  t.text_muted = Hex("#9fa7b3");
  t.primary_text = Hex("#6e9fff");
  t.error = Hex("#f2495c");
  t.warning = Hex("#ff9830");
  t.success = Hex("#73bf69");
  t.grid = Rgb(204, 204, 220, 0.08);
  t.hover = Rgb(204, 204, 220, 0.08);
  return t;
}

Theme MakeLight() {
  Theme t;
  t.dark = false;
  t.bg = Hex("#f4f5f5");
  t.panel = Hex("#ffffff");
  t.border = Rgb(36, 41, 46, 0.12);
  t.border_strong = Rgb(36, 41, 46, 0.3);
  t.text = Hex("#24292e");
  t.text_strong = Hex("#000000");
  t.text_muted = Hex("#5c6570");
  t.primary_text = Hex("#1f62e0");
  t.error = Hex("#e0226e");
  t.warning = Hex("#e55400");
  t.success = Hex("#1a7f4b");
  t.grid = Rgb(36, 41, 46, 0.1);
  t.hover = Rgb(36, 41, 46, 0.08);
  return t;
}

// Per hue: super-light, light, primary, semi-dark, dark (colors.ts).
struct Hue {
  const char* name;
  std::array<const char*, 5> dark;
  std::array<const char*, 5> light;
};

constexpr Hue kHues[] = {
    {"red",
     {"#FFA6B0", "#FF7383", "#F2495C", "#E02F44", "#C4162A"},
     {"#FF7383", "#F2495C", "#E02F44", "#C4162A", "#AD0317"}},
    {"orange",
     {"#FFCB7D", "#FFB357", "#FF9830", "#FF780A", "#FA6400"},
     {"#FFB357", "#FF9830", "#FF780A", "#FA6400", "#E55400"}},
    {"yellow",
     {"#FFF899", "#FFEE52", "#FADE2A", "#F2CC0C", "#E0B400"},
     {"#FFEE52", "#FADE2A", "#F2CC0C", "#E0B400", "#CC9D00"}},
    {"green",
     {"#C8F2C2", "#96D98D", "#73BF69", "#56A64B", "#37872D"},
     {"#96D98D", "#73BF69", "#56A64B", "#37872D", "#19730E"}},
    {"blue",
     {"#C0D8FF", "#8AB8FF", "#5794F2", "#3274D9", "#1F60C4"},
     {"#8AB8FF", "#5794F2", "#3274D9", "#1F60C4", "#1250B0"}},
    {"purple",
     {"#DEB6F2", "#CA95E5", "#B877D9", "#A352CC", "#8F3BB8"},
     {"#CA95E5", "#B877D9", "#A352CC", "#8F3BB8", "#7C2EA3"}},
};
constexpr const char* kShades[] = {"super-light-", "light-", "", "semi-dark-", "dark-"};

const char* const kClassicPalette[] = {"green",
                                       "yellow",
                                       "blue",
                                       "orange",
                                       "red",
                                       "purple",
                                       "dark-green",
                                       "dark-yellow",
                                       "dark-blue",
                                       "dark-orange",
                                       "dark-red",
                                       "dark-purple",
                                       "super-light-green",
                                       "super-light-yellow",
                                       "super-light-blue",
                                       "super-light-orange",
                                       "super-light-red",
                                       "super-light-purple",
                                       "#447EBC",
                                       "#C15C17",
                                       "#890F02",
                                       "#0A437C",
                                       "#6D1F62",
                                       "#584477",
                                       "#B7DBAB",
                                       "#F4D598",
                                       "#70DBED",
                                       "#F9BA8F",
                                       "#F29191",
                                       "#82B5D8",
                                       "#E5A8E2",
                                       "#AEA2E0",
                                       "#629E51",
                                       "#E5AC0E",
                                       "#64B0C8",
                                       "#E0752D",
                                       "#BF1B00",
                                       "#0A50A1",
                                       "#962D82",
                                       "#614D93",
                                       "#9AC48A",
                                       "#F2C96D",
                                       "#65C5DB",
                                       "#F9934E",
                                       "#EA6460",
                                       "#5195CE",
                                       "#D683CE",
                                       "#806EB7",
                                       "#3F6833",
                                       "#967302",
                                       "#2F575E",
                                       "#99440A",
                                       "#58140C",
                                       "#052B51",
                                       "#511749",
                                       "#3F2B5B",
                                       "#E0F9D7",
                                       "#FCEACA",
                                       "#CFFAFF",
                                       "#F9E2D2",
                                       "#FCE2DE",
                                       "#BADFF4",
                                       "#F9D9F9",
                                       "#DEDAF7"};

struct CssName {
  const char* name;
  const char* hex;
};
constexpr CssName kCssNames[] = {
    {"black", "#000000"},  {"white", "#ffffff"},   {"red", "#ff0000"},    {"green", "#008000"},
    {"blue", "#0000ff"},   {"yellow", "#ffff00"},  {"orange", "#ffa500"}, {"purple", "#800080"},
    {"gray", "#808080"},   {"grey", "#808080"},    {"silver", "#c0c0c0"}, {"maroon", "#800000"},
    {"olive", "#808000"},  {"lime", "#00ff00"},    {"aqua", "#00ffff"},   {"teal", "#008080"},
    {"navy", "#000080"},   {"fuchsia", "#ff00ff"}, {"cyan", "#00ffff"},   {"magenta", "#ff00ff"},
    {"pink", "#ffc0cb"},   {"brown", "#a52a2a"},   {"gold", "#ffd700"},   {"indigo", "#4b0082"},
    {"violet", "#ee82ee"}, {"coral", "#ff7f50"},   {"salmon", "#fa8072"}, {"tomato", "#ff6347"},
    {"crimson", "#dc143c"}};

bool ParseHex(std::string_view s, Color* out) {
  if (s.empty() || s[0] != '#') return false;
  std::string h(s.substr(1));
  for (char c : h) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  if (h.size() == 3 || h.size() == 4) {
    std::string e;
    for (char c : h) e += std::string(2, c);
    h = e;
  }
  if (h.size() != 6 && h.size() != 8) return false;
  auto byte = [&](size_t i) {
    return static_cast<int>(std::strtoul(h.substr(i, 2).c_str(), nullptr, 16));
  };
  *out = Rgb(byte(0), byte(2), byte(4), h.size() == 8 ? byte(6) / 255.0 : 1.0);
  out->hex = h.size() == 6;
  return true;
}

bool ParseRgbFunction(std::string_view s, Color* out) {
  const size_t open = s.find('(');
  const size_t close = s.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return false;
  }
  const std::string_view fn = s.substr(0, open);
  if (fn != "rgb" && fn != "rgba") return false;
  std::string inner(s.substr(open + 1, close - open - 1));
  for (char& c : inner) {
    if (c == ',' || c == '/') c = ' ';
  }
  double v[4] = {0, 0, 0, 1};
  int n = 0;
  const char* p = inner.c_str();
  while (n < 4) {
    char* end = nullptr;
    double x = std::strtod(p, &end);
    if (end == p) break;
    if (*end == '%') {
      x = n < 3 ? x * 2.55 : x / 100;
      ++end;
    }
    v[n++] = x;
    p = end;
  }
  if (n < 3) return false;
  auto channel = [](double x) { return std::clamp(x, 0.0, 255.0) / 255.0; };
  *out = Color{channel(v[0]), channel(v[1]), channel(v[2]), std::clamp(v[3], 0.0, 1.0), false};
  return true;
}

}  // namespace

const Theme& DarkTheme() {
  static const Theme t = MakeDark();
  return t;
}

const Theme& LightTheme() {
  static const Theme t = MakeLight();
  return t;
}

Color ResolveColor(std::string_view name, const Theme& theme) {
  if (name.empty() || name == "text") return theme.dark ? Hex("#CCCCDC") : Hex("#24292E");
  for (const Hue& hue : kHues) {
    for (int i = 0; i < 5; ++i) {
      const std::string_view shade = kShades[i];
      if (name.size() == shade.size() + std::string_view(hue.name).size() &&
          name.substr(0, shade.size()) == shade && name.substr(shade.size()) == hue.name) {
        return Hex(theme.dark ? hue.dark[i] : hue.light[i]);
      }
    }
  }
  if (name == "transparent") return Color{0, 0, 0, 0, false};
  Color c;
  if (ParseHex(name, &c)) return c;
  if (ParseRgbFunction(name, &c)) return c;
  for (const CssName& css : kCssNames) {
    if (name == css.name) return Hex(css.hex);
  }
  return theme.dark ? Hex("#CCCCDC") : Hex("#24292E");
}

Color ClassicColor(int index, const Theme& theme) {
  constexpr int n = static_cast<int>(sizeof kClassicPalette / sizeof kClassicPalette[0]);
  return ResolveColor(kClassicPalette[((index % n) + n) % n], theme);
}

Color WithAlpha(const Color& c, double alpha) {
  if (!c.hex) return c;
  Color out = c;
  out.a = std::clamp(alpha, 0.0, 1.0);
  out.hex = false;
  return out;
}

Color ContrastText(const Color& background) {
  if (!background.hex) return Rgb(255, 255, 255);
  const double lum = 0.2126 * background.r + 0.7152 * background.g + 0.0722 * background.b;
  Color dark = Rgb(0x11, 0x12, 0x17);
  return lum > 0.6 ? dark : Rgb(255, 255, 255);
}

}  // namespace otelite::render
