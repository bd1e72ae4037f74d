#include "dashboards/variables.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "core/float_format.h"
#include "dashboards/frames.h"
#include "dashboards/interval.h"
#include "dashboards/json_members.h"

namespace otelite::dashboards {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> ValuesOf(const JsonValue* v) {
  std::vector<std::string> out;
  if (v == nullptr) return out;
  if (v->IsString()) {
    out.emplace_back(v->GetString(), v->GetStringLength());
  } else if (v->IsArray()) {
    for (const JsonValue& e : v->GetArray()) {
      if (e.IsString()) out.emplace_back(e.GetString(), e.GetStringLength());
    }
  }
  return out;
}

// custom: comma-separated, `\,` for a literal comma, "text : value" items.
std::vector<VariableOption> CustomOptions(std::string_view query) {
  std::vector<VariableOption> out;
  std::string item;
  auto flush = [&] {
    std::string t = Trim(item);
    item.clear();
    if (t.empty()) return;
    const size_t sep = t.find(" : ");
    if (sep != std::string::npos) {
      out.push_back({Trim(t.substr(0, sep)), Trim(t.substr(sep + 3))});
    } else {
      out.push_back({t, t});
    }
  };
  for (size_t i = 0; i < query.size(); ++i) {
    if (query[i] == '\\' && i + 1 < query.size() && query[i + 1] == ',') {
      item.push_back(',');
      ++i;
    } else if (query[i] == ',') {
      flush();
    } else {
      item.push_back(query[i]);
    }
  }
  flush();
  return out;
}

// A function call `name(args)`: the name and the arguments split at top-level commas (outside
// quotes, braces, brackets and parentheses).
bool ParseCall(std::string_view text, std::string* name, std::vector<std::string>* args) {
  const std::string t = Trim(text);
  const size_t open = t.find('(');
  if (open == std::string::npos || t.back() != ')') return false;
  *name = Trim(t.substr(0, open));
  for (char c : *name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  std::string_view inner(t.data() + open + 1, t.size() - open - 2);
  args->clear();
  int depth = 0;
  char quote = 0;
  std::string current;
  for (size_t i = 0; i < inner.size(); ++i) {
    const char c = inner[i];
    if (quote != 0) {
      current.push_back(c);
      if (c == '\\' && quote != '`' && i + 1 < inner.size()) {
        current.push_back(inner[++i]);
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      quote = c;
    } else if (c == '(' || c == '{' || c == '[') {
      ++depth;
    } else if (c == ')' || c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      args->push_back(Trim(current));
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  if (depth != 0 || quote != 0) return false;  // unbalanced: not a call we know
  if (!Trim(current).empty() || !args->empty()) args->push_back(Trim(current));
  return true;
}

std::vector<VariableOption> FromValues(const std::vector<std::string>& values) {
  std::vector<VariableOption> out;
  out.reserve(values.size());
  for (const std::string& v : values) out.push_back({v, v});
  return out;
}

// `label_names([selector])` and `label_values([selector, ]label)`, which Prometheus and Loki
// variables share; nullopt for any other call.
std::optional<Result<std::vector<VariableOption>>> LabelCall(Datasource* ds,
                                                             const std::string& name,
                                                             const std::vector<std::string>& args,
                                                             int64_t from, int64_t to) {
  Result<std::vector<std::string>> values = std::vector<std::string>{};
  if (name == "label_names" && args.size() <= 1) {
    values = ds->LabelNames(args.empty() ? "" : args[0], from, to);
  } else if (name == "label_values" && (args.size() == 1 || args.size() == 2)) {
    values = args.size() == 1 ? ds->LabelValues(args[0], "", from, to)
                              : ds->LabelValues(args[1], args[0], from, to);
  } else {
    return std::nullopt;
  }
  if (!values.ok()) return values.status();
  return FromValues(*values);
}

Result<std::vector<VariableOption>> PrometheusQuery(Datasource* ds, const std::string& query,
                                                    int64_t from, int64_t to) {
  std::string name;
  std::vector<std::string> args;
  // query_result(expr), and any other text: `name{labels} value timestamp` per sample.
  std::string expr = query;
  if (ParseCall(query, &name, &args)) {
    if (auto r = LabelCall(ds, name, args, from, to)) return std::move(*r);
    if (name == "metrics" && args.size() <= 1) {
      auto r = ds->MetricNames(from, to);
      if (!r.ok()) return r.status();
      std::vector<std::string> kept;
      if (args.empty() || args[0].empty()) {
        kept = *r;
      } else {
        RE2 re(args[0], RE2::Quiet);
        if (!re.ok()) {
          return Status::InvalidArgument(fmt::format("metrics(): invalid regex '{}'", args[0]));
        }
        for (const std::string& m : *r) {
          if (RE2::PartialMatch(m, re)) kept.push_back(m);
        }
      }
      return FromValues(kept);
    }
    if (name == "query_result") {
      const std::string t = Trim(query);
      expr = Trim(std::string_view(t).substr(t.find('(') + 1, t.size() - t.find('(') - 2));
    }
  }
  QueryResponse r = ds->InstantQuery(expr, to);
  if (!r.ok()) return Status::InvalidArgument(r.error);
  std::vector<VariableOption> out;
  auto add = [&](const Labels& labels, double v, int64_t t) {
    std::string text = labels.empty() ? "{}" : DefaultSeriesName(labels, "");
    text += " " + FormatGoFloat(v) + " " + std::to_string(t);
    out.push_back({text, text});
  };
  if (r.kind == ResultKind::kScalar) add(Labels(), r.scalar, r.t_ms);
  for (const DataSeries& s : r.series) {
    if (!s.points.empty()) add(s.labels, s.points.back().v, s.points.back().t_ms);
  }
  return out;
}

Result<std::vector<VariableOption>> LokiQuery(Datasource* ds, const JsonValue& variable,
                                              const std::string& query, int64_t from, int64_t to) {
  const JsonValue* q = Member(variable, "query");
  if (q != nullptr && q->IsObject() && !Member(*q, "query")) {
    const std::string type = StringMember(*q, "type");
    const std::string label = StringMember(*q, "label");
    const std::string stream = StringMember(*q, "stream");
    if (type == "labelNames") {
      auto r = ds->LabelNames("", from, to);
      if (!r.ok()) return r.status();
      return FromValues(*r);
    }
    if (type == "labelValues" && !label.empty()) {
      auto r = ds->LabelValues(label, stream, from, to);
      if (!r.ok()) return r.status();
      return FromValues(*r);
    }
  }
  std::string name;
  std::vector<std::string> args;
  if (ParseCall(query, &name, &args)) {
    if (auto r = LabelCall(ds, name, args, from, to)) return std::move(*r);
  }
  return Status::InvalidArgument(
      fmt::format("Loki variable query '{}' is not label_names() or label_values(…)", query));
}

// Applies the variable's regex: keep matches; the capture group, or groups `text`/`value`.
Status ApplyRegex(std::string regex, std::vector<VariableOption>* options) {
  if (regex.empty()) return Status::Ok();
  if (regex.size() >= 2 && regex.front() == '/') {
    const size_t end = regex.rfind('/');
    if (end > 0) {
      const std::string flags = regex.substr(end + 1);
      regex = regex.substr(1, end - 1);
      if (flags.find('i') != std::string::npos) regex = "(?i)" + regex;
    }
  }
  RE2 re(regex, RE2::Quiet);
  if (!re.ok()) {
    return Status::InvalidArgument(
        fmt::format("invalid variable regex '{}': {}", regex, re.error()));
  }
  const int groups = re.NumberOfCapturingGroups();
  const auto& named = re.NamedCapturingGroups();
  const int text_group = named.count("text") ? named.at("text") : -1;
  const int value_group = named.count("value") ? named.at("value") : -1;
  std::vector<re2::StringPiece> captures(groups + 1);
  std::vector<VariableOption> out;
  for (const VariableOption& o : *options) {
    const std::string& subject = o.value;
    if (!re.Match(subject, 0, subject.size(), RE2::UNANCHORED, captures.data(), groups + 1)) {
      continue;
    }
    VariableOption n = o;
    if (text_group >= 0 || value_group >= 0) {
      if (value_group >= 0 && captures[value_group].data() != nullptr) {
        n.value = std::string(captures[value_group]);
      }
      if (text_group >= 0 && captures[text_group].data() != nullptr) {
        n.text = std::string(captures[text_group]);
      } else if (value_group >= 0) {
        n.text = n.value;
      }
      if (value_group < 0) n.value = n.text;
    } else if (groups >= 1) {
      if (captures[1].data() == nullptr) continue;
      n.text = n.value = std::string(captures[1]);
    }
    out.push_back(std::move(n));
  }
  *options = std::move(out);
  return Status::Ok();
}

int64_t FirstNumber(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(text[i]))) {
      int64_t n = 0;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) &&
             n < (INT64_MAX - 9) / 10) {
        n = n * 10 + (text[i++] - '0');
      }
      return n;
    }
  }
  return -1;
}

std::string Lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Natural order: digit runs compare as numbers.
bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i]));
    const bool db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      std::string_view na(a.data() + i, ie - i), nb(b.data() + j, je - j);
      while (na.size() > 1 && na.front() == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb.front() == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ie;
      j = je;
      continue;
    }
    const char ca = static_cast<char>(std::tolower(static_cast<unsigned char>(a[i])));
    const char cb = static_cast<char>(std::tolower(static_cast<unsigned char>(b[j])));
    if (ca != cb) return ca < cb;
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

void SortOptions(int64_t sort, std::vector<VariableOption>* options) {
  auto& o = *options;
  auto by = [&](auto less) { std::stable_sort(o.begin(), o.end(), less); };
  switch (sort) {
    case 1:
      by([](const auto& a, const auto& b) { return a.text < b.text; });
      break;
    case 2:
      by([](const auto& a, const auto& b) { return b.text < a.text; });
      break;
    case 3:
      by([](const auto& a, const auto& b) { return FirstNumber(a.text) < FirstNumber(b.text); });
      break;
    case 4:
      by([](const auto& a, const auto& b) { return FirstNumber(b.text) < FirstNumber(a.text); });
      break;
    case 5:
      by([](const auto& a, const auto& b) { return Lower(a.text) < Lower(b.text); });
      break;
    case 6:
      by([](const auto& a, const auto& b) { return Lower(b.text) < Lower(a.text); });
      break;
    case 7:
      by([](const auto& a, const auto& b) { return NaturalLess(a.text, b.text); });
      break;
    case 8:
      by([](const auto& a, const auto& b) { return NaturalLess(b.text, a.text); });
      break;
    default:
      break;
  }
}

Builtins VariableBuiltins(const VariableContext& c) {
  Builtins b;
  b.from_ms = c.from_ms;
  b.to_ms = c.to_ms;
  const QueryIntervals q = ComputeIntervals(c.from_ms, c.to_ms, kDefaultMaxDataPoints, 0);
  b.interval_ms = q.interval_ms;
  b.rate_interval_ms = q.rate_interval_ms;
  b.instant = true;
  b.dashboard = c.dashboard_title;
  b.timezone = c.timezone;
  return b;
}

}  // namespace

std::string VariableQueryText(const rapidjson::Value& variable) {
  const JsonValue* q = Member(variable, "query");
  if (q == nullptr) return "";
  if (q->IsString()) return std::string(q->GetString(), q->GetStringLength());
  if (q->IsObject()) return StringMember(*q, "query");
  return "";
}

Result<std::vector<VariableOption>> VariableOptions(const rapidjson::Value& variable,
                                                    const VariableContext& context,
                                                    const Scope& scope, Datasource* datasource) {
  if (!variable.IsObject()) return Status::InvalidArgument("variable is not a JSON object");
  const std::string type = StringMember(variable, "type", "query");
  const std::string name = StringMember(variable, "name");
  Scope local = scope;
  if (!local.builtins) local.builtins = VariableBuiltins(context);
  const std::string query = Interpolate(VariableQueryText(variable), local, Syntax::kQuery);
  std::vector<VariableOption> options;
  if (type == "custom") {
    options = CustomOptions(query);
  } else if (type == "constant") {
    options = {{query, query}};
  } else if (type == "textbox") {
    std::vector<std::string> current = ValuesOf(
        Member(variable, "current") ? Member(*Member(variable, "current"), "value") : nullptr);
    const std::string v = current.empty() ? query : current[0];
    options = {{v, v}};
  } else if (type == "interval") {
    options = CustomOptions(query);
    if (BoolMember(variable, "auto")) {
      options.insert(options.begin(), {"auto", "$__auto_interval_" + name});
    }
  } else if (type == "datasource") {
    if (context.datasources != nullptr) {
      for (const auto& ds : context.datasources->all()) {
        if (query.empty() || ds->type() == query) options.push_back({ds->name(), ds->name()});
      }
    }
  } else if (type == "adhoc") {
    return options;
  } else if (type == "query") {
    Datasource* ds = datasource;
    if (ds == nullptr) {
      if (context.datasources == nullptr) return Status::NotFound("no datasources configured");
      const JsonValue* ref = Member(variable, "datasource");
      Result<Datasource*> resolved = Status::NotFound("");
      if (ref != nullptr && ref->IsString()) {
        resolved = context.datasources->ResolveName(
            Interpolate({ref->GetString(), ref->GetStringLength()}, local, Syntax::kText), nullptr);
      } else {
        resolved = context.datasources->Resolve(ref, nullptr);
      }
      if (!resolved.ok()) return resolved.status();
      ds = *resolved;
    }
    Result<std::vector<VariableOption>> r =
        ds->type() == "loki" ? LokiQuery(ds, variable, query, context.from_ms, context.to_ms)
                             : PrometheusQuery(ds, query, context.from_ms, context.to_ms);
    if (!r.ok()) return r.status();
    options = std::move(*r);
  } else {
    return Status::InvalidArgument(fmt::format("variable type '{}' is not supported", type));
  }
  OTELITE_RETURN_IF_ERROR(ApplyRegex(StringMember(variable, "regex"), &options));
  std::set<std::string> seen;
  std::vector<VariableOption> unique;
  for (VariableOption& o : options) {
    if (seen.insert(o.value).second) unique.push_back(std::move(o));
  }
  SortOptions(IntMember(variable, "sort", 0), &unique);
  if (BoolMember(variable, "includeAll"))
    unique.insert(unique.begin(), {"All", std::string(kAllValue)});
  return unique;
}

namespace {

// BuildScope over the variables before `stop_before` (all of them when empty); *stop is set to
// that variable's JSON when found.
Scope BuildScopeUntil(const VariableContext& context, std::vector<std::string>* warnings,
                      std::vector<AdhocFilter>* adhoc, std::string_view stop_before,
                      const JsonValue** stop);

}  // namespace

Scope BuildScope(const VariableContext& context, std::vector<std::string>* warnings,
                 std::vector<AdhocFilter>* adhoc) {
  return BuildScopeUntil(context, warnings, adhoc, {}, nullptr);
}

Result<std::vector<VariableOption>> DashboardVariableOptions(const VariableContext& context,
                                                             std::string_view name,
                                                             std::vector<std::string>* warnings) {
  const JsonValue* variable = nullptr;
  Scope scope = BuildScopeUntil(context, warnings, nullptr, name, &variable);
  if (variable == nullptr) {
    return Status::NotFound(fmt::format("dashboard has no variable '{}'", name));
  }
  return VariableOptions(*variable, context, scope);
}

namespace {

Scope BuildScopeUntil(const VariableContext& context, std::vector<std::string>* warnings,
                      std::vector<AdhocFilter>* adhoc, std::string_view stop_before,
                      const JsonValue** stop) {
  Scope scope;
  scope.builtins = VariableBuiltins(context);
  // Request values for names the templating does not define still interpolate.
  for (const auto& [name, values] : context.values) {
    TemplateVariable v;
    v.name = name;
    v.values = values;
    v.multi = values.size() > 1;
    scope.variables[name] = std::move(v);
  }
  if (context.templating == nullptr || !context.templating->IsArray()) return scope;
  for (const JsonValue& var : context.templating->GetArray()) {
    if (!var.IsObject()) continue;
    const std::string name = StringMember(var, "name");
    const std::string type = StringMember(var, "type", "query");
    if (name.empty()) continue;
    if (!stop_before.empty() && name == stop_before) {
      if (stop != nullptr) *stop = &var;
      break;
    }
    if (type == "adhoc") {
      const JsonValue* filters = Member(var, "filters");
      if (adhoc != nullptr && filters != nullptr && filters->IsArray()) {
        for (const JsonValue& f : filters->GetArray()) {
          AdhocFilter filter{StringMember(f, "key"), StringMember(f, "operator", "="),
                             StringMember(f, "value")};
          if (!filter.key.empty()) adhoc->push_back(std::move(filter));
        }
      }
      continue;
    }
    TemplateVariable v;
    v.name = name;
    v.multi = BoolMember(var, "multi");
    v.include_all = BoolMember(var, "includeAll");
    const JsonValue* all_value = Member(var, "allValue");
    if (all_value != nullptr && all_value->IsString() && all_value->GetStringLength() > 0) {
      v.all_value = std::string(all_value->GetString(), all_value->GetStringLength());
    }
    auto requested = context.values.find(name);
    if (type == "constant") {
      v.values = {Interpolate(VariableQueryText(var), scope, Syntax::kText)};
    } else if (requested != context.values.end() && !requested->second.empty()) {
      v.values = requested->second;
    } else {
      const JsonValue* current = Member(var, "current");
      v.values = ValuesOf(current != nullptr ? Member(*current, "value") : nullptr);
      if (current != nullptr) v.texts = ValuesOf(Member(*current, "text"));
    }
    bool is_all = false;
    for (const std::string& value : v.values) is_all |= value == kAllValue;
    const bool need_options = v.values.empty() || (is_all && !v.all_value);
    if (need_options) {
      auto options = VariableOptions(var, context, scope);
      if (!options.ok()) {
        warnings->push_back(fmt::format("variable '{}': {}", name, options.status().message()));
      } else {
        for (const VariableOption& o : *options) {
          if (o.value != kAllValue) v.options.push_back(o.value);
        }
        if (v.values.empty() && !options->empty()) v.values = {(*options)[0].value};
      }
    }
    if (type == "interval" && v.values.size() == 1 &&
        (v.values[0] == "$__auto_interval_" + name || v.values[0] == "auto")) {
      const int64_t count = std::max<int64_t>(IntMember(var, "auto_count", 30), 1);
      auto min = ParseInterval(StringMember(var, "auto_min", "10s"));
      const int64_t range = std::max<int64_t>(context.to_ms - context.from_ms, 0);
      const int64_t interval = std::max(RoundInterval(range / count), min.ok() ? *min : 0);
      v.values = {FormatInterval(interval)};
    }
    v.texts.resize(v.texts.size() == v.values.size() ? v.texts.size() : 0);
    scope.variables[name] = std::move(v);
  }
  return scope;
}

}  // namespace

}  // namespace otelite::dashboards
