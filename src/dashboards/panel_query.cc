#include "dashboards/panel_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/civil_time.h"
#include "dashboards/interpolate.h"
#include "dashboards/interval.h"
#include "dashboards/json_members.h"
#include "dashboards/transform.h"
#include "dashboards/variables.h"
#include "query/logql/ast.h"
#include "query/logql/parser.h"

namespace otelite::dashboards {
namespace {

constexpr size_t kDefaultMaxLines = 1000;

struct TargetSettings {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  int64_t max_data_points = 0;
  std::string panel_interval;
  std::string panel_type;
  bool several_queries = false;
  Datasource* panel_datasource = nullptr;
  std::string panel_datasource_error;
  int64_t forced_interval_ms = 0;  // /api/ds/query's intervalMs
  std::string dashboard_title;
  std::string timezone;
};

struct TargetOutcome {
  QueryReport report;
  std::vector<Frame> frames;
  int64_t interval_ms = 0;
};

Result<Datasource*> ResolveTargetDatasource(const JsonValue& target, const TargetSettings& s,
                                            const Scope& scope, const Datasources& datasources) {
  const JsonValue* ref = Member(target, "datasource");
  if (ref == nullptr || ref->IsNull()) {
    if (s.panel_datasource != nullptr) return s.panel_datasource;
    if (!s.panel_datasource_error.empty()) return Status::NotFound(s.panel_datasource_error);
    return datasources.Resolve(nullptr, nullptr);
  }
  if (ref->IsString()) {
    return datasources.ResolveName(
        Interpolate({ref->GetString(), ref->GetStringLength()}, scope, Syntax::kText),
        s.panel_datasource);
  }
  const std::string type = StringMember(*ref, "type");
  const std::string uid = StringMember(*ref, "uid");
  if ((type.empty() || type == "datasource") && uid.find('$') != std::string::npos) {
    return datasources.ResolveName(Interpolate(uid, scope, Syntax::kText), s.panel_datasource);
  }
  return datasources.Resolve(ref, s.panel_datasource);
}

int64_t ParseMinInterval(const std::string& text, const Scope& scope,
                         std::vector<std::string>* warnings) {
  if (text.empty()) return 0;
  const std::string interpolated = Interpolate(text, scope, Syntax::kText);
  auto parsed = ParseInterval(interpolated);
  if (!parsed.ok()) {
    warnings->push_back(parsed.status().message());
    return 0;
  }
  return *parsed;
}

TargetOutcome RunTarget(const JsonValue& target, const TargetSettings& s, const Scope& scope,
                        const std::vector<AdhocFilter>& adhoc, const Datasources& datasources) {
  TargetOutcome out;
  QueryReport& report = out.report;
  report.ref_id = StringMember(target, "refId", "A");
  auto resolved = ResolveTargetDatasource(target, s, scope, datasources);
  if (!resolved.ok()) {
    report.error = resolved.status().message();
    return out;
  }
  Datasource* ds = *resolved;
  report.datasource_type = ds->type();
  report.datasource_uid = ds->uid();
  const bool loki = ds->type() == "loki";

  // Intervals.
  const int64_t target_interval =
      ParseMinInterval(StringMember(target, "interval"), scope, &report.warnings);
  int64_t min_interval =
      std::max(ParseMinInterval(s.panel_interval, scope, &report.warnings), target_interval);
  if (min_interval <= 0) min_interval = loki ? kLokiDefaultMinIntervalMs : kDefaultScrapeIntervalMs;
  int64_t max_points = IntMember(target, "maxDataPoints");
  if (max_points <= 0) max_points = s.max_data_points;
  const int64_t scrape = target_interval > 0 ? target_interval : kDefaultScrapeIntervalMs;
  QueryIntervals q = ComputeIntervals(s.from_ms, s.to_ms, max_points, min_interval, scrape);
  if (s.forced_interval_ms > 0) q.interval_ms = std::max(s.forced_interval_ms, min_interval);
  int64_t step = RangeQueryStep(s.from_ms, s.to_ms, q.interval_ms);
  const std::string step_text = StringMember(target, "step");
  if (!step_text.empty()) {
    auto parsed = ParseInterval(Interpolate(step_text, scope, Syntax::kText));
    if (parsed.ok() && *parsed > 0) {
      step = RangeQueryStep(s.from_ms, s.to_ms, *parsed);
    } else if (!parsed.ok()) {
      report.warnings.push_back(parsed.status().message());
    }
  }
  out.interval_ms = step;

  // Kind.
  bool instant = false;
  if (loki) {
    const std::string query_type = StringMember(target, "queryType");
    instant = query_type == "instant" || (query_type.empty() && BoolMember(target, "instant"));
  } else {
    instant = BoolMember(target, "instant") && !BoolMember(target, "range");
  }
  report.kind = instant ? "instant" : "range";

  // Interpolation and ad hoc filters.
  Scope local = scope;
  Builtins b;
  b.from_ms = s.from_ms;
  b.to_ms = s.to_ms;
  b.interval_ms = step;
  b.rate_interval_ms = std::max(step + scrape, 4 * scrape);
  b.instant = instant;
  b.dashboard = s.dashboard_title;
  b.timezone = s.timezone;
  local.builtins = b;
  const std::string raw_expr = StringMember(target, "expr");
  if (raw_expr.empty()) return out;  // Grafana skips empty queries
  std::string expr = Interpolate(raw_expr, local, Syntax::kQuery);
  report.expr = expr;
  if (!adhoc.empty()) {
    Result<std::string> filtered = std::string();
    if (loki) {
      auto names = ds->LabelNames("", s.from_ms, s.to_ms);
      if (!names.ok()) {
        report.error = names.status().message();
        return out;
      }
      filtered = AddLogQLFilters(expr, adhoc, std::set<std::string>(names->begin(), names->end()));
    } else {
      filtered = AddPromQLFilters(expr, adhoc);
    }
    if (!filtered.ok()) {
      report.error = filtered.status().message();
      return out;
    }
    expr = *filtered;
    report.expr = expr;
  }
  bool logs = false;
  if (loki) {
    auto parsed = logql::ParseQuery(expr);
    logs = parsed.ok() && (*parsed)->kind() == logql::NodeKind::kLogQuery;
  }
  if (logs) report.kind = "logs";

  SeriesFrameOptions fo;
  fo.ref_id = report.ref_id;
  fo.legend_format = Interpolate(StringMember(target, "legendFormat"), local, Syntax::kText);
  fo.expr = expr;
  fo.interval_ms = step;
  const std::string value_name = s.several_queries ? "Value #" + report.ref_id : "Value";
  const bool table =
      StringMember(target, "format") == "table" || (loki && instant && s.panel_type == "table");

  QueryResponse r;
  if (logs) {
    int64_t limit = IntMember(target, "maxLines");
    if (limit <= 0) limit = kDefaultMaxLines;
    const bool backward = StringMember(target, "direction", "backward") != "forward";
    fo.executed_query_string = "Expr: " + expr;
    r = ds->LogQuery(expr, s.from_ms, s.to_ms, static_cast<size_t>(limit), backward);
  } else if (instant) {
    fo.executed_query_string = "Expr: " + expr;
    r = ds->InstantQuery(expr, s.to_ms);
  } else {
    // Start and end on multiples of the step, as Grafana does for Prometheus and Loki does with
    // align_queries_with_step: results of about the same time look the same, and the event
    // engine's per-segment results (its range cache) stay valid from one refresh to the next.
    const int64_t start = FloorDiv(s.from_ms, step) * step;
    const int64_t end = std::max(FloorDiv(s.to_ms, step) * step, start);
    fo.executed_query_string = fmt::format("Expr: {}\nStep: {}", expr, FormatInterval(step));
    r = ds->RangeQuery(expr, start, end, step);
  }
  for (std::string& w : r.warnings) report.warnings.push_back(std::move(w));
  if (!r.ok()) {
    report.error = r.error;
    return out;
  }
  switch (r.kind) {
    case ResultKind::kStreams:
      out.frames.push_back(LogFrame(r.logs, fo));
      break;
    case ResultKind::kMatrix:
      if (table) {
        out.frames.push_back(TableFrame(r.series, fo, value_name));
      } else {
        out.frames = MatrixFrames(r.series, fo);
      }
      break;
    case ResultKind::kVector:
      if (table) {
        out.frames.push_back(TableFrame(r.series, fo, value_name));
      } else {
        out.frames = VectorFrames(r.series, fo);
      }
      break;
    case ResultKind::kScalar:
      out.frames.push_back(ScalarFrame(r.t_ms, r.scalar, fo));
      break;
    case ResultKind::kString:
      out.frames.push_back(StringFrame(r.t_ms, r.string_value, fo));
      break;
  }
  return out;
}

void String(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteReport(const QueryReport& q, JsonWriter& w) {
  w.StartObject();
  w.Key("refId");
  String(w, q.ref_id);
  w.Key("datasource");
  if (q.datasource_type.empty()) {
    w.Null();
  } else {
    w.StartObject();
    w.Key("type");
    String(w, q.datasource_type);
    w.Key("uid");
    String(w, q.datasource_uid);
    w.EndObject();
  }
  w.Key("expr");
  String(w, q.expr);
  w.Key("kind");
  String(w, q.kind);
  if (!q.error.empty()) {
    w.Key("error");
    String(w, q.error);
  }
  if (!q.warnings.empty()) {
    w.Key("warnings");
    w.StartArray();
    for (const std::string& s : q.warnings) String(w, s);
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

PanelResult RunPanel(const PanelContext& context) {
  PanelResult result;
  result.from_ms = context.from_ms;
  result.to_ms = context.to_ms;
  const JsonValue* panel = context.panel;
  if (panel == nullptr || !panel->IsObject() || context.datasources == nullptr) return result;
  const std::string type = StringMember(*panel, "type");
  int64_t max_points = IntMember(*panel, "maxDataPoints");
  if (max_points <= 0) max_points = context.max_data_points;
  result.interval_ms =
      ComputeIntervals(context.from_ms, context.to_ms, max_points, kDefaultScrapeIntervalMs)
          .interval_ms;
  if (type == "row") return result;
  const JsonValue* targets = Member(*panel, "targets");
  const bool has_targets = targets != nullptr && targets->IsArray() && !targets->Empty();
  if (!has_targets) {
    if (const JsonValue* library = Member(*panel, "libraryPanel")) {
      QueryReport report;
      report.ref_id = "A";
      report.error = fmt::format(
          "library panel '{}' is not supported: save the panel's JSON into the dashboard",
          StringMember(*library, "name", StringMember(*library, "uid")));
      result.queries.push_back(std::move(report));
    }
    return result;
  }

  VariableContext vc;
  vc.templating = context.templating;
  vc.values = context.variables;
  vc.from_ms = context.from_ms;
  vc.to_ms = context.to_ms;
  vc.datasources = context.datasources;
  vc.dashboard_title = context.dashboard_title;
  vc.timezone = context.timezone;
  std::vector<std::string> warnings;
  std::vector<AdhocFilter> adhoc = context.adhoc_filters;
  const Scope scope = BuildScope(vc, &warnings, &adhoc);

  TargetSettings settings;
  settings.from_ms = context.from_ms;
  settings.to_ms = context.to_ms;
  settings.max_data_points = max_points;
  settings.panel_interval = StringMember(*panel, "interval");
  settings.panel_type = type;
  settings.dashboard_title = context.dashboard_title;
  settings.timezone = context.timezone;
  const JsonValue* panel_ref = Member(*panel, "datasource");
  Result<Datasource*> panel_ds =
      panel_ref != nullptr && panel_ref->IsString()
          ? context.datasources->ResolveName(
                Interpolate({panel_ref->GetString(), panel_ref->GetStringLength()}, scope,
                            Syntax::kText),
                nullptr)
          : context.datasources->Resolve(panel_ref, nullptr);
  if (panel_ds.ok()) {
    settings.panel_datasource = *panel_ds;
  } else {
    settings.panel_datasource_error = panel_ds.status().message();
  }
  int visible = 0;
  for (const JsonValue& t : targets->GetArray()) visible += BoolMember(t, "hide") ? 0 : 1;
  settings.several_queries = visible > 1;

  bool interval_set = false;
  for (const JsonValue& t : targets->GetArray()) {
    if (!t.IsObject() || BoolMember(t, "hide")) continue;
    TargetOutcome outcome = RunTarget(t, settings, scope, adhoc, *context.datasources);
    if (!interval_set && outcome.interval_ms > 0) {
      result.interval_ms = outcome.interval_ms;
      interval_set = true;
    }
    result.queries.push_back(std::move(outcome.report));
    for (Frame& f : outcome.frames) result.frames.push_back(std::move(f));
  }
  if (const JsonValue* transformations = Member(*panel, "transformations")) {
    result.frames = ApplyTransformations(std::move(result.frames), *transformations, &warnings);
  }
  if (!result.queries.empty()) {
    auto& w = result.queries[0].warnings;
    w.insert(w.end(), warnings.begin(), warnings.end());
  }
  return result;
}

void WritePanelResult(const PanelResult& result, JsonWriter& w) {
  w.StartObject();
  w.Key("from");
  w.Int64(result.from_ms);
  w.Key("to");
  w.Int64(result.to_ms);
  w.Key("intervalMs");
  w.Int64(result.interval_ms);
  w.Key("queries");
  w.StartArray();
  for (const QueryReport& q : result.queries) WriteReport(q, w);
  w.EndArray();
  w.Key("frames");
  WriteFrames(result.frames, w);
  w.EndObject();
}

RawQueryResult RunRawQueries(const RawQueryContext& context) {
  RawQueryResult result;
  if (context.queries == nullptr || !context.queries->IsArray() || context.datasources == nullptr) {
    return result;
  }
  VariableContext vc;
  vc.values = context.variables;
  vc.from_ms = context.from_ms;
  vc.to_ms = context.to_ms;
  vc.datasources = context.datasources;
  vc.timezone = context.timezone;
  std::vector<std::string> warnings;
  const Scope scope = BuildScope(vc, &warnings);
  TargetSettings settings;
  settings.from_ms = context.from_ms;
  settings.to_ms = context.to_ms;
  settings.timezone = context.timezone;
  settings.several_queries = context.queries->Size() > 1;
  size_t index = 0;
  for (const JsonValue& q : context.queries->GetArray()) {
    ++index;
    RawQueryResult::Entry entry;
    if (!q.IsObject()) {
      entry.ref_id = fmt::format("query{}", index);
      entry.status = 400;
      entry.error = "query is not a JSON object";
      result.results.push_back(std::move(entry));
      continue;
    }
    TargetSettings s = settings;
    s.max_data_points = IntMember(q, "maxDataPoints");
    s.forced_interval_ms = IntMember(q, "intervalMs");
    TargetOutcome outcome = RunTarget(q, s, scope, {}, *context.datasources);
    entry.ref_id = outcome.report.ref_id;
    entry.error = outcome.report.error;
    entry.status = entry.error.empty() ? 200 : 400;
    entry.frames = std::move(outcome.frames);
    entry.report = std::move(outcome.report);
    result.results.push_back(std::move(entry));
  }
  return result;
}

void WriteRawQueryResult(const RawQueryResult& result, JsonWriter& w) {
  w.StartObject();
  w.Key("results");
  w.StartObject();
  for (const RawQueryResult::Entry& e : result.results) {
    String(w, e.ref_id);
    w.StartObject();
    w.Key("status");
    w.Int(e.status);
    w.Key("frames");
    WriteFrames(e.frames, w);
    if (!e.error.empty()) {
      w.Key("error");
      String(w, e.error);
    }
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
}

}  // namespace otelite::dashboards
