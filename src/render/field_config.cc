#include "render/field_config.h"

#include <re2/re2.h>

#include <cctype>
#include <cmath>

#include "dashboards/json_members.h"
#include "render/reduce.h"

namespace otelite::render {
namespace {

using dashboards::CellValue;
using dashboards::Field;
using dashboards::FieldType;
using dashboards::Frame;
using dashboards::Member;
using JsonValue = rapidjson::Value;

std::optional<double> NumberMember(const JsonValue& obj, const char* key) {
  const JsonValue* v = Member(obj, key);
  if (v == nullptr || !v->IsNumber()) return std::nullopt;
  return v->GetDouble();
}

std::string StringOf(const JsonValue* v) {
  return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : "";
}

// `{...defaults, ...own}` with `custom` merged one level deeper (fieldconfig.ts mergeConfig).
void MergeInto(rapidjson::Document& out, const JsonValue& own) {
  auto& alloc = out.GetAllocator();
  if (!own.IsObject()) return;
  for (auto it = own.MemberBegin(); it != own.MemberEnd(); ++it) {
    const std::string key(it->name.GetString(), it->name.GetStringLength());
    auto existing = out.FindMember(it->name);
    if (key == "custom" && it->value.IsObject() && existing != out.MemberEnd() &&
        existing->value.IsObject()) {
      for (auto c = it->value.MemberBegin(); c != it->value.MemberEnd(); ++c) {
        auto have = existing->value.FindMember(c->name);
        if (have != existing->value.MemberEnd()) {
          have->value.CopyFrom(c->value, alloc);
        } else {
          existing->value.AddMember(JsonValue(c->name, alloc), JsonValue(c->value, alloc), alloc);
        }
      }
      continue;
    }
    if (existing != out.MemberEnd()) {
      existing->value.CopyFrom(it->value, alloc);
    } else {
      out.AddMember(JsonValue(it->name, alloc), JsonValue(it->value, alloc), alloc);
    }
  }
}

// setPath: "custom.stacking" → config.custom.stacking = value.
void SetPath(rapidjson::Document& doc, const std::string& id, const JsonValue& value) {
  auto& alloc = doc.GetAllocator();
  JsonValue* target = &doc;
  size_t start = 0;
  for (;;) {
    const size_t dot = id.find('.', start);
    const std::string part =
        id.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    JsonValue key(part.c_str(), static_cast<rapidjson::SizeType>(part.size()), alloc);
    if (!target->IsObject()) target->SetObject();
    auto it = target->FindMember(key);
    if (dot == std::string::npos) {
      if (it != target->MemberEnd()) {
        it->value.CopyFrom(value, alloc);
      } else {
        target->AddMember(key, JsonValue(value, alloc), alloc);
      }
      return;
    }
    if (it == target->MemberEnd()) {
      target->AddMember(key, JsonValue(rapidjson::kObjectType), alloc);
      it = target->FindMember(
          JsonValue(part.c_str(), static_cast<rapidjson::SizeType>(part.size())));
    }
    if (!it->value.IsObject()) it->value.SetObject();
    target = &it->value;
    start = dot + 1;
  }
}

// A JavaScript regex written as "/re/flags" or a bare pattern (anchored), as fieldconfig.ts.
std::unique_ptr<RE2> RegexFrom(const std::string& text, bool anchor_bare) {
  RE2::Options options;
  options.set_log_errors(false);
  std::string pattern = anchor_bare ? "^(?:" + text + ")$" : text;
  if (text.size() >= 2 && text[0] == '/') {
    const size_t close = text.rfind('/');
    if (close > 0) {
      const std::string flags = text.substr(close + 1);
      bool ok = true;
      for (char c : flags) ok = ok && std::string_view("gimsuy").find(c) != std::string_view::npos;
      if (ok) {
        pattern = text.substr(1, close - 1);
        if (flags.find('i') != std::string::npos) options.set_case_sensitive(false);
        if (flags.find('s') != std::string::npos) options.set_dot_nl(true);
      }
    }
  }
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) return nullptr;
  return re;
}

bool MatchesOverride(const JsonValue& matcher, const Field& field, const std::string& display_name,
                     const Frame& frame) {
  const std::string id = dashboards::StringMember(matcher, "id");
  const JsonValue* opt = Member(matcher, "options");
  if (id == "byName") {
    const std::string s = StringOf(opt);
    return opt != nullptr && opt->IsString() && (s == display_name || s == field.name);
  }
  if (id == "byNames") {
    const JsonValue* names = opt != nullptr ? Member(*opt, "names") : nullptr;
    if (names == nullptr || !names->IsArray()) return false;
    for (const auto& n : names->GetArray()) {
      if (n.IsString() && (n.GetString() == display_name || n.GetString() == field.name)) {
        return true;
      }
    }
    return false;
  }
  if (id == "byRegexp") {
    if (opt == nullptr || !opt->IsString()) return false;
    auto re = RegexFrom(StringOf(opt), true);
    return re != nullptr && RE2::PartialMatch(display_name, *re);
  }
  if (id == "byFrameRefID")
    return opt != nullptr && opt->IsString() && StringOf(opt) == frame.ref_id;
  if (id == "byType") {
    return opt != nullptr && opt->IsString() &&
           StringOf(opt) == dashboards::FieldTypeName(field.type);
  }
  return false;
}

std::string FormatLabels(const Labels& labels) {
  std::string inner;
  std::string name;
  for (const Label& l : labels.items()) {
    if (l.name == kMetricNameLabel) {
      name = l.value;
      continue;
    }
    if (!inner.empty()) inner += ", ";
    inner += l.name + "=\"" + l.value + "\"";
  }
  return inner.empty() ? name : name + "{" + inner + "}";
}

size_t NumberFields(const Frame& frame) {
  size_t n = 0;
  for (const Field& f : frame.fields) n += f.type == FieldType::kNumber ? 1 : 0;
  return n;
}

// ${__field.name}, ${__field.labels.x}, ${__series.name}, ${__field.displayName}.
std::string InterpolateDisplayName(const std::string& text, const Field& field, const Frame& frame,
                                   const std::string& fallback) {
  if (text.find('$') == std::string::npos) return text;
  static const RE2 re(R"(\$\{__(field|series)\.([a-zA-Z]+)(?:\.([^}]+))?\})");
  std::string out;
  re2::StringPiece input(text);
  re2::StringPiece groups[4];
  size_t pos = 0;
  while (pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, groups, 4)) {
    const size_t at = groups[0].data() - text.data();
    out += text.substr(pos, at - pos);
    const std::string scope(groups[1]);
    const std::string prop(groups[2]);
    const std::string key(groups[3].data() == nullptr ? "" : std::string(groups[3]));
    if (scope == "series" && prop == "name") {
      out += frame.name.empty() ? fallback : frame.name;
    } else if (prop == "name") {
      out += field.name;
    } else if (prop == "displayName") {
      out += fallback;
    } else if (prop == "labels") {
      if (!key.empty()) {
        out += std::string(field.labels.Get(key));
      } else {
        std::string joined;
        for (const Label& l : field.labels.items()) {
          if (!joined.empty()) joined += ", ";
          joined += l.value;
        }
        out += joined;
      }
    } else {
      out += std::string(groups[0]);
    }
    pos = at + groups[0].size();
    if (groups[0].empty()) ++pos;
  }
  if (pos < text.size()) out += text.substr(pos);
  return out;
}

FieldSettings ReadSettings(std::shared_ptr<rapidjson::Document> doc) {
  FieldSettings s;
  const JsonValue& c = *doc;
  s.unit = dashboards::StringMember(c, "unit");
  if (auto d = NumberMember(c, "decimals")) {
    s.decimals = std::isfinite(*d) ? static_cast<int>(std::clamp(std::floor(*d), -1.0, 100.0)) : 0;
  }
  s.min = NumberMember(c, "min");
  s.max = NumberMember(c, "max");
  if (const JsonValue* color = Member(c, "color")) {
    s.color_mode = dashboards::StringMember(*color, "mode");
    s.fixed_color = dashboards::StringMember(*color, "fixedColor");
  }
  if (const JsonValue* th = Member(c, "thresholds"); th != nullptr && th->IsObject()) {
    s.has_thresholds = true;
    s.thresholds_mode = dashboards::StringMember(*th, "mode", "absolute");
    if (const JsonValue* steps = Member(*th, "steps"); steps != nullptr && steps->IsArray()) {
      for (const auto& step : steps->GetArray()) {
        if (!step.IsObject()) continue;
        ThresholdStep t;
        t.value = NumberMember(step, "value");
        t.color = dashboards::StringMember(step, "color");
        s.steps.push_back(std::move(t));
      }
    }
  }
  if (const JsonValue* nv = Member(c, "noValue"); nv != nullptr && nv->IsString()) {
    s.no_value = nv->GetString();
  }
  s.display_name = dashboards::StringMember(c, "displayName");
  s.display_name_from_ds = dashboards::StringMember(c, "displayNameFromDS");
  if (const JsonValue* custom = Member(c, "custom"); custom != nullptr && custom->IsObject()) {
    const JsonValue& u = *custom;
    s.draw_style = dashboards::StringMember(u, "drawStyle", "line");
    s.line_width = NumberMember(u, "lineWidth").value_or(1);
    s.fill_opacity = NumberMember(u, "fillOpacity");
    s.show_points = dashboards::StringMember(u, "showPoints", "auto");
    s.point_size = NumberMember(u, "pointSize").value_or(5);
    s.line_interpolation = dashboards::StringMember(u, "lineInterpolation", "linear");
    s.bar_alignment = static_cast<int>(NumberMember(u, "barAlignment").value_or(0));
    s.span_nulls = dashboards::BoolMember(u, "spanNulls", false);
    if (const JsonValue* st = Member(u, "stacking"); st != nullptr && st->IsObject()) {
      s.stacking_mode = dashboards::StringMember(*st, "mode", "none");
      s.stacking_group = dashboards::StringMember(*st, "group", "A");
    }
    s.transform = dashboards::StringMember(u, "transform");
    if (const JsonValue* hf = Member(u, "hideFrom"); hf != nullptr && hf->IsObject()) {
      s.hide_viz = dashboards::BoolMember(*hf, "viz", false);
      s.hide_legend = dashboards::BoolMember(*hf, "legend", false);
    }
    s.axis_placement = dashboards::StringMember(u, "axisPlacement", "auto");
    s.axis_label = dashboards::StringMember(u, "axisLabel");
    s.axis_soft_min = NumberMember(u, "axisSoftMin");
    s.axis_soft_max = NumberMember(u, "axisSoftMax");
    if (const JsonValue* sd = Member(u, "scaleDistribution"); sd != nullptr && sd->IsObject()) {
      s.log_scale = dashboards::StringMember(*sd, "type") == "log";
      s.log_base = NumberMember(*sd, "log").value_or(10) == 2 ? 2 : 10;
    }
    std::string cell_type;
    if (const JsonValue* co = Member(u, "cellOptions"); co != nullptr && co->IsObject()) {
      cell_type = dashboards::StringMember(*co, "type");
    }
    if (cell_type.empty()) cell_type = dashboards::StringMember(u, "displayMode", "auto");
    s.cell_type = cell_type;
    s.align = dashboards::StringMember(u, "align", "auto");
    s.hidden = dashboards::BoolMember(u, "hidden", false);
    s.width = NumberMember(u, "width");
  }
  s.json = std::move(doc);
  return s;
}

struct MappingResult {
  std::string text;
  std::string color;
  bool has_text = false;
};

MappingResult ReadResult(const JsonValue* r) {
  MappingResult out;
  if (r == nullptr || !r->IsObject()) return out;
  if (const JsonValue* t = Member(*r, "text"); t != nullptr && t->IsString()) {
    out.text = t->GetString();
    out.has_text = true;
  }
  out.color = dashboards::StringMember(*r, "color");
  return out;
}

std::string CellText(const CellValue& v) {
  if (dashboards::IsNull(v)) return "null";
  if (const double* d = std::get_if<double>(&v)) return JsNumberToString(*d);
  if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  return "[object Object]";
}

std::optional<MappingResult> MapValue(const CellValue& value, const JsonValue* mappings) {
  if (mappings == nullptr || !mappings->IsArray()) return std::nullopt;
  const std::optional<double> num = CellToNumber(value);
  const bool is_null = dashboards::IsNull(value);
  const double* dv = std::get_if<double>(&value);
  const bool is_nan = dv != nullptr && std::isnan(*dv);
  for (const auto& m : mappings->GetArray()) {
    if (!m.IsObject()) continue;
    const std::string type = dashboards::StringMember(m, "type");
    const JsonValue* options = Member(m, "options");
    if (options == nullptr || !options->IsObject()) continue;
    if (type == "value") {
      const std::string key = CellText(value);
      const JsonValue* hit = Member(*options, key.c_str());
      if (hit != nullptr && hit->IsObject()) return ReadResult(hit);
    } else if (type == "range") {
      if (!num.has_value() || std::isnan(*num)) continue;
      const double from = NumberMember(*options, "from").value_or(-HUGE_VAL);
      const double to = NumberMember(*options, "to").value_or(HUGE_VAL);
      if (*num >= from && *num <= to) return ReadResult(Member(*options, "result"));
    } else if (type == "regex") {
      if (is_null) continue;
      auto re = RegexFrom(dashboards::StringMember(*options, "pattern"), false);
      const std::string text = CellText(value);
      if (re != nullptr && RE2::PartialMatch(text, *re)) {
        MappingResult r = ReadResult(Member(*options, "result"));
        if (r.has_text && !r.text.empty()) {
          // JavaScript's $1 is RE2's \\1; literal backslashes are escaped.
          std::string rewrite;
          for (size_t i = 0; i < r.text.size(); ++i) {
            const char ch = r.text[i];
            const bool group = ch == '$' && i + 1 < r.text.size() &&
                               std::isdigit(static_cast<unsigned char>(r.text[i + 1]));
            rewrite += group ? '\\' : ch;
            if (ch == '\\') rewrite += '\\';
          }
          std::string replaced = text;
          RE2::Replace(&replaced, *re, rewrite);
          r.text = replaced;
        }
        return r;
      }
    } else if (type == "special") {
      const std::string match = dashboards::StringMember(*options, "match");
      const std::string* sv = std::get_if<std::string>(&value);
      const bool ok = (match == "null" && is_null) || (match == "nan" && is_nan) ||
                      (match == "null+nan" && (is_null || is_nan)) ||
                      (match == "true" && sv != nullptr && *sv == "true") ||
                      (match == "false" && sv != nullptr && *sv == "false") ||
                      (match == "empty" && sv != nullptr && sv->empty());
      if (ok) return ReadResult(Member(*options, "result"));
    }
  }
  return std::nullopt;
}

bool LooksNumeric(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  return i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.');
}

}  // namespace

std::string WebFieldDisplayName(const Field& field, const FieldSettings* config, const Frame* frame,
                                size_t frame_count) {
  if (config != nullptr) {
    if (!config->display_name.empty()) return config->display_name;
    if (!config->display_name_from_ds.empty()) return config->display_name_from_ds;
  } else {
    if (!field.config.display_name.empty()) return field.config.display_name;
    if (!field.config.display_name_from_ds.empty()) return field.config.display_name_from_ds;
  }
  if (field.type == FieldType::kTime) return field.name;
  std::string label_text = FormatLabels(field.labels);
  if (!label_text.empty()) return label_text;
  if (frame != nullptr && !frame->name.empty() && NumberFields(*frame) == 1 &&
      (frame_count > 1 || field.name == "Value")) {
    return frame->name;
  }
  return field.name;
}

std::vector<ConfiguredFrame> ApplyFieldConfig(const rapidjson::Value* field_config,
                                              const std::vector<Frame>& frames) {
  const JsonValue* defaults = field_config != nullptr ? Member(*field_config, "defaults") : nullptr;
  const JsonValue* overrides =
      field_config != nullptr ? Member(*field_config, "overrides") : nullptr;
  std::vector<ConfiguredFrame> out;
  out.reserve(frames.size());
  int series_index = 0;
  for (const Frame& frame : frames) {
    ConfiguredFrame cf;
    cf.frame = &frame;
    for (const Field& field : frame.fields) {
      const std::string base_name = WebFieldDisplayName(field, nullptr, &frame, frames.size());
      auto doc = std::make_shared<rapidjson::Document>();
      doc->SetObject();
      if (defaults != nullptr && defaults->IsObject())
        doc->CopyFrom(*defaults, doc->GetAllocator());
      // The datasource's own field config over the defaults.
      rapidjson::Document own;
      own.SetObject();
      auto& oa = own.GetAllocator();
      if (!field.config.display_name.empty()) {
        own.AddMember("displayName", JsonValue(field.config.display_name.c_str(), oa), oa);
      }
      if (!field.config.display_name_from_ds.empty()) {
        own.AddMember("displayNameFromDS", JsonValue(field.config.display_name_from_ds.c_str(), oa),
                      oa);
      }
      MergeInto(*doc, own);
      if (overrides != nullptr && overrides->IsArray()) {
        for (const auto& o : overrides->GetArray()) {
          const JsonValue* matcher = Member(o, "matcher");
          if (matcher == nullptr || !MatchesOverride(*matcher, field, base_name, frame)) continue;
          const JsonValue* props = Member(o, "properties");
          if (props == nullptr || !props->IsArray()) continue;
          for (const auto& p : props->GetArray()) {
            const JsonValue* id = Member(p, "id");
            const JsonValue* value = Member(p, "value");
            if (id == nullptr || !id->IsString()) continue;
            JsonValue null_value;
            SetPath(*doc, id->GetString(), value != nullptr ? *value : null_value);
          }
        }
      }
      ConfiguredField f;
      f.field = &field;
      f.config = ReadSettings(std::move(doc));
      if (!f.config.display_name.empty()) {
        f.display_name = InterpolateDisplayName(f.config.display_name, field, frame, base_name);
      } else {
        f.display_name = WebFieldDisplayName(field, &f.config, &frame, frames.size());
      }
      if (f.display_name.empty()) f.display_name = base_name;
      f.series_index = field.type == FieldType::kNumber ? series_index++ : -1;
      cf.fields.push_back(std::move(f));
    }
    out.push_back(std::move(cf));
  }
  return out;
}

Color ThresholdColor(double value, const FieldSettings& config, const Theme& theme,
                     const std::optional<ValueRange>& range) {
  static const std::vector<ThresholdStep> kDefault = {{std::nullopt, "green"}, {80.0, "red"}};
  const std::vector<ThresholdStep>& steps = config.steps.empty() ? kDefault : config.steps;
  double v = value;
  if (config.has_thresholds && config.thresholds_mode == "percentage") {
    const double min = config.min.has_value() ? *config.min : range ? range->min : 0;
    const double max = config.max.has_value() ? *config.max : range ? range->max : 100;
    v = max == min ? 100 : (value - min) / (max - min) * 100;
  }
  std::string color = steps[0].color.empty() ? "green" : steps[0].color;
  for (size_t i = 1; i < steps.size(); ++i) {
    if (!steps[i].value.has_value() || v >= *steps[i].value) color = steps[i].color;
  }
  return ResolveColor(color, theme);
}

Color FieldColor(const ConfiguredField& field, const Theme& theme) {
  const FieldSettings& c = field.config;
  std::string mode = c.color_mode;
  if (mode.empty()) {
    mode = field.field->type == FieldType::kNumber && c.has_thresholds ? "thresholds"
                                                                       : "palette-classic";
  }
  if (mode == "fixed" || mode == "shades") {
    return ResolveColor(c.fixed_color.empty() ? "green" : c.fixed_color, theme);
  }
  if (mode == "thresholds") {
    return ResolveColor(c.steps.empty() || c.steps[0].color.empty() ? "green" : c.steps[0].color,
                        theme);
  }
  return ClassicColor(std::max(0, field.series_index), theme);
}

DisplayValue MakeDisplay(const FieldSettings& config, const Theme& theme, const Color* base_color,
                         const std::optional<ValueRange>& range, const CellValue& value) {
  const JsonValue* mappings = config.json ? Member(*config.json, "mappings") : nullptr;
  const std::optional<MappingResult> mapped = MapValue(value, mappings);
  const std::string* sv = std::get_if<std::string>(&value);
  std::optional<double> num = CellToNumber(value);
  if (sv != nullptr) {
    bool blank = true;
    for (char ch : *sv) blank = blank && std::isspace(static_cast<unsigned char>(ch));
    if (blank) num.reset();
  }
  DisplayValue out;
  out.color = base_color != nullptr ? *base_color : ResolveColor("text", theme);
  if (num.has_value() && !std::isnan(*num)) {
    if (config.color_mode == "thresholds" || (config.color_mode.empty() && base_color == nullptr)) {
      out.color = ThresholdColor(*num, config, theme, range);
    } else if (config.color_mode == "fixed") {
      out.color = ResolveColor(config.fixed_color, theme);
    }
  }
  if (mapped.has_value() && !mapped->color.empty()) out.color = ResolveColor(mapped->color, theme);
  if (mapped.has_value() && mapped->has_text && !mapped->text.empty()) {
    out.text = mapped->text;
    out.numeric = num;
    out.mapped = true;
    return out;
  }
  const double* dv = std::get_if<double>(&value);
  if (dashboards::IsNull(value) || (dv != nullptr && std::isnan(*dv))) {
    out.text =
        config.no_value.has_value() ? *config.no_value : (dashboards::IsNull(value) ? "" : "NaN");
    return out;
  }
  if (sv != nullptr && (!num.has_value() || !LooksNumeric(*sv))) {
    out.text = *sv;
    return out;
  }
  if (!num.has_value()) {
    if (const Labels* labels = std::get_if<Labels>(&value)) {
      std::string json = "{";
      for (const Label& l : labels->items()) {
        if (json.size() > 1) json += ",";
        json += "\"" + l.name + "\":\"" + l.value + "\"";
      }
      out.text = json + "}";
    }
    return out;
  }
  FormattedValue f = FormatUnit(config.unit, *num, config.decimals);
  out.prefix = std::move(f.prefix);
  out.text = std::move(f.text);
  out.suffix = std::move(f.suffix);
  out.numeric = num;
  return out;
}

std::string FormatWithConfig(const FieldSettings& config, std::optional<double> value,
                             Decimals decimals) {
  if (!value.has_value()) return "";
  return FormatUnit(config.unit, *value, decimals.has_value() ? decimals : config.decimals)
      .ToString();
}

}  // namespace otelite::render
