// Field configuration as Grafana (and the web app, web/src/format/fieldconfig.ts) applies it: the
// panel's fieldConfig.defaults under each field's own config, then overrides (byName, byNames,
// byRegexp, byFrameRefID, byType); display names; the display processor (value mappings,
// thresholds, colours, unit formatting).
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dashboards/frames.h"
#include "render/colors.h"
#include "render/units.h"

namespace otelite::render {

struct ThresholdStep {
  std::optional<double> value;  // nullopt: the base step (−∞)
  std::string color;
};

// The merged configuration of one field (the typed parts the renderer reads).
struct FieldSettings {
  std::string unit;
  Decimals decimals;
  std::optional<double> min;
  std::optional<double> max;
  std::string color_mode;   // "" when unset
  std::string fixed_color;  // color.fixedColor
  bool has_thresholds = false;
  std::string thresholds_mode;  // "absolute" or "percentage"
  std::vector<ThresholdStep> steps;
  std::optional<std::string> no_value;
  std::string display_name;  // config.displayName as configured (before interpolation)
  std::string display_name_from_ds;

  // custom.*
  std::string draw_style = "line";  // line, bars, points
  double line_width = 1;
  std::optional<double> fill_opacity;  // default: 80 for bars, else 0
  std::string show_points = "auto";
  double point_size = 5;
  std::string line_interpolation = "linear";
  int bar_alignment = 0;
  bool span_nulls = false;
  std::string stacking_mode = "none";
  std::string stacking_group = "A";
  std::string transform;  // "negative-Y"
  bool hide_viz = false;
  bool hide_legend = false;
  std::string axis_placement = "auto";
  std::string axis_label;
  std::optional<double> axis_soft_min;
  std::optional<double> axis_soft_max;
  bool log_scale = false;
  double log_base = 10;
  std::string cell_type = "auto";  // custom.cellOptions.type or custom.displayMode
  std::string align = "auto";
  bool hidden = false;          // custom.hidden (tables)
  std::optional<double> width;  // custom.width (tables)

  // The merged JSON (value mappings are read from it).
  std::shared_ptr<const rapidjson::Document> json;
};

struct ConfiguredField {
  const dashboards::Field* field = nullptr;
  std::string display_name;
  int series_index = -1;  // index among the number fields of all frames (palette colour)
  FieldSettings config;
};

struct ConfiguredFrame {
  const dashboards::Frame* frame = nullptr;
  std::vector<ConfiguredField> fields;
};

// `field_config` is the panel's "fieldConfig" (or null). The frames must outlive the result.
std::vector<ConfiguredFrame> ApplyFieldConfig(const rapidjson::Value* field_config,
                                              const std::vector<dashboards::Frame>& frames);

// The web app's display name of a field (frames.ts fieldDisplayName): displayName,
// displayNameFromDS, labels as {a="b"}, the frame name for a frame's only value field, the name.
std::string WebFieldDisplayName(const dashboards::Field& field, const FieldSettings* config,
                                const dashboards::Frame* frame, size_t frame_count);

struct DisplayValue {
  std::string prefix;
  std::string text;
  std::string suffix;
  std::optional<double> numeric;
  Color color;
  bool mapped = false;

  std::string ToString() const { return prefix + text + suffix; }
};

struct ValueRange {
  double min = 0;
  double max = 0;
};

// The colour of the highest threshold step whose value is ≤ value (percentage mode: relative to
// min/max, else the field's range, else 0–100). Default steps: green, red at 80.
Color ThresholdColor(double value, const FieldSettings& config, const Theme& theme,
                     const std::optional<ValueRange>& range);

// The colour that represents the field (legend, line): fixed, palette or the base threshold.
Color FieldColor(const ConfiguredField& field, const Theme& theme);

// Grafana's display processor for one value. `base_color`: the series colour, when the caller
// has one (pie slices); else thresholds or the fixed colour decide.
DisplayValue MakeDisplay(const FieldSettings& config, const Theme& theme, const Color* base_color,
                         const std::optional<ValueRange>& range,
                         const dashboards::CellValue& value);

// A number with a field's unit and decimals (axes, legends); `decimals` overrides the field's.
std::string FormatWithConfig(const FieldSettings& config, std::optional<double> value,
                             Decimals decimals = std::nullopt);

}  // namespace otelite::render
