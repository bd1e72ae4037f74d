#include "dashboards/datasource.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "query/logql/ast.h"
#include "query/logql/parser.h"
#include "query/promql/parser.h"

namespace otelite::dashboards {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The matchers of a PromQL series selector; none for an empty one.
Result<Matchers> PromSelectorMatchers(std::string_view selector) {
  bool blank = true;
  for (char c : selector) blank &= c == ' ' || c == '\t' || c == '\n';
  if (blank) return Matchers{};
  auto parsed = promql::Parse(selector);
  if (!parsed.ok()) return parsed.status();
  const auto* vs = (*parsed)->As<promql::VectorSelector>();
  if (vs == nullptr) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not a series selector (metric{{label=\"value\"}})", selector));
  }
  return vs->matchers;
}

QueryResponse FromPromQL(promql::QueryResult&& r) {
  QueryResponse out;
  out.warnings = std::move(r.warnings);
  for (std::string& info : r.infos) out.warnings.push_back(std::move(info));
  if (r.error) {
    out.error = r.error->message;
    return out;
  }
  switch (r.value.type) {
    case promql::ValueType::kMatrix:
      out.kind = ResultKind::kMatrix;
      out.series.reserve(r.value.matrix.size());
      for (promql::SeriesPoints& s : r.value.matrix) {
        DataSeries series;
        series.labels = std::move(s.metric);
        series.points.reserve(s.points.size());
        for (const promql::FPoint& p : s.points) series.points.push_back({p.t, p.v});
        out.series.push_back(std::move(series));
      }
      break;
    case promql::ValueType::kVector:
      out.kind = ResultKind::kVector;
      out.series.reserve(r.value.vector.size());
      for (promql::Sample& s : r.value.vector) {
        DataSeries series;
        series.labels = std::move(s.metric);
        series.points.push_back({s.t, s.v});
        out.series.push_back(std::move(series));
      }
      break;
    case promql::ValueType::kScalar:
      out.kind = ResultKind::kScalar;
      out.scalar = r.value.scalar;
      out.t_ms = r.value.t;
      break;
    case promql::ValueType::kString:
      out.kind = ResultKind::kString;
      out.string_value = std::move(r.value.string);
      out.t_ms = r.value.t;
      break;
  }
  return out;
}

// Loki timestamps are nanoseconds; frames use milliseconds (floored).
int64_t NsToMs(int64_t ns) { return ns >= 0 ? ns / kNsPerMs : -((-ns + kNsPerMs - 1) / kNsPerMs); }

}  // namespace

QueryResponse Datasource::LogQuery(std::string_view, int64_t, int64_t, size_t, bool) {
  QueryResponse out;
  out.error = fmt::format("datasource '{}' ({}) does not answer log queries", name(), type());
  return out;
}

Result<std::vector<std::string>> Datasource::MetricNames(int64_t, int64_t) {
  return std::vector<std::string>{};
}

// ---- Prometheus ---------------------------------------------------------------------------

EmbeddedPrometheus::EmbeddedPrometheus(const promql::Engine* engine, Queryable* storage,
                                       std::string uid, std::string name)
    : engine_(engine), storage_(storage), uid_(std::move(uid)), name_(std::move(name)) {}

QueryResponse EmbeddedPrometheus::InstantQuery(std::string_view expr, int64_t t_ms) {
  return FromPromQL(engine_->InstantQuery(storage_, expr, t_ms));
}

QueryResponse EmbeddedPrometheus::RangeQuery(std::string_view expr, int64_t start_ms,
                                             int64_t end_ms, int64_t step_ms) {
  return FromPromQL(engine_->RangeQuery(storage_, expr, start_ms, end_ms, step_ms));
}

Result<std::vector<std::string>> EmbeddedPrometheus::LabelNames(std::string_view selector,
                                                                int64_t start_ms, int64_t end_ms) {
  auto matchers = PromSelectorMatchers(selector);
  if (!matchers.ok()) return matchers.status();
  auto querier = storage_->NewQuerier();
  return querier->LabelNames(start_ms, end_ms, *matchers);
}

Result<std::vector<std::string>> EmbeddedPrometheus::LabelValues(std::string_view name,
                                                                 std::string_view selector,
                                                                 int64_t start_ms, int64_t end_ms) {
  auto matchers = PromSelectorMatchers(selector);
  if (!matchers.ok()) return matchers.status();
  auto querier = storage_->NewQuerier();
  return querier->LabelValues(std::string(name), start_ms, end_ms, *matchers);
}

Result<std::vector<std::string>> EmbeddedPrometheus::MetricNames(int64_t start_ms, int64_t end_ms) {
  return LabelValues(kMetricNameLabel, "", start_ms, end_ms);
}

// ---- Loki ---------------------------------------------------------------------------------

EmbeddedLoki::EmbeddedLoki(const logql::Engine* engine, LogQueryable* store, std::string uid,
                           std::string name)
    : engine_(engine),
      values_engine_(
          [&] {
            logql::EngineOptions options = engine->options();
            options.max_series = kMaxLabelValues;
            return options;
          }(),
          engine->range_cache()),
      store_(store),
      uid_(std::move(uid)),
      name_(std::move(name)) {}

QueryResponse EmbeddedLoki::Run(const logql::QueryParams& params, const logql::Engine* engine) {
  logql::QueryResult r = (engine != nullptr ? engine : engine_)->Query(store_, params);
  QueryResponse out;
  out.warnings = std::move(r.warnings);
  if (r.error) {
    out.error = r.error->message;
    return out;
  }
  switch (r.type) {
    case logql::ResultType::kStreams:
      out.kind = ResultKind::kStreams;
      out.logs.reserve(r.lines.size());
      for (logql::LogLine& line : r.lines) {
        LogRow row;
        row.stream = std::move(line.stream);
        row.structured_metadata = std::move(line.structured_metadata);
        row.parsed = std::move(line.parsed);
        row.timestamp_ns = line.timestamp_ns;
        row.line = std::move(line.line);
        out.logs.push_back(std::move(row));
      }
      break;
    case logql::ResultType::kVector:
      out.kind = ResultKind::kVector;
      for (logql::SampleValue& s : r.vector) {
        DataSeries series;
        series.labels = std::move(s.metric);
        series.points.push_back({NsToMs(s.point.t_ns), s.point.v});
        out.series.push_back(std::move(series));
      }
      break;
    case logql::ResultType::kMatrix:
      out.kind = ResultKind::kMatrix;
      for (logql::SeriesValue& s : r.matrix) {
        DataSeries series;
        series.labels = std::move(s.metric);
        series.points.reserve(s.points.size());
        for (const logql::Point& p : s.points) series.points.push_back({NsToMs(p.t_ns), p.v});
        out.series.push_back(std::move(series));
      }
      break;
    case logql::ResultType::kScalar:
      out.kind = ResultKind::kScalar;
      out.scalar = r.scalar;
      out.t_ms = NsToMs(r.scalar_t_ns);
      break;
  }
  return out;
}

QueryResponse EmbeddedLoki::InstantQuery(std::string_view expr, int64_t t_ms) {
  logql::QueryParams p;
  p.query = expr;
  p.start_ns = p.end_ns = t_ms * kNsPerMs;
  p.instant = true;
  return Run(p);
}

QueryResponse EmbeddedLoki::RangeQuery(std::string_view expr, int64_t start_ms, int64_t end_ms,
                                       int64_t step_ms) {
  logql::QueryParams p;
  p.query = expr;
  p.start_ns = start_ms * kNsPerMs;
  p.end_ns = end_ms * kNsPerMs;
  p.step_ns = std::max<int64_t>(step_ms, 1) * kNsPerMs;
  return Run(p);
}

QueryResponse EmbeddedLoki::LogQuery(std::string_view expr, int64_t start_ms, int64_t end_ms,
                                     size_t limit, bool backward) {
  logql::QueryParams p;
  p.query = expr;
  p.start_ns = start_ms * kNsPerMs;
  p.end_ns = end_ms * kNsPerMs;
  p.step_ns = std::max<int64_t>((end_ms - start_ms) / 1000, 1) * kNsPerMs;
  p.limit = limit;
  p.backward = backward;
  return Run(p);
}

namespace {

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n') return false;
  }
  return true;
}

std::vector<std::string> SortedUnique(std::set<std::string> values) {
  return std::vector<std::string>(values.begin(), values.end());
}

}  // namespace

Result<std::vector<std::string>> EmbeddedLoki::LabelNames(std::string_view selector,
                                                          int64_t start_ms, int64_t end_ms) {
  auto querier = store_->NewLogQuerier();
  const int64_t start_ns = start_ms * kNsPerMs, end_ns = end_ms * kNsPerMs;
  if (IsBlank(selector)) return querier->LabelNames(start_ns, end_ns, {});
  std::set<std::string> names;
  auto matchers = logql::ParseMatchers(selector, false);
  if (matchers.ok()) {
    auto index = querier->LabelNames(start_ns, end_ns, *matchers);
    if (!index.ok()) return index.status();
    names.insert(index->begin(), index->end());
  }
  // Entries' labels (structured metadata, parsed): a sample of the newest entries.
  QueryResponse logs = LogQuery(selector, start_ms, end_ms, 1000, true);
  if (!logs.ok()) return Status::InvalidArgument(logs.error);
  for (const LogRow& row : logs.logs) {
    for (const Label& l : row.stream.items()) names.insert(l.name);
    for (const Label& l : row.structured_metadata) names.insert(l.name);
    for (const Label& l : row.parsed) names.insert(l.name);
  }
  return SortedUnique(std::move(names));
}

Result<std::vector<std::string>> EmbeddedLoki::LabelValues(std::string_view name,
                                                           std::string_view selector,
                                                           int64_t start_ms, int64_t end_ms) {
  auto querier = store_->NewLogQuerier();
  const int64_t start_ns = start_ms * kNsPerMs, end_ns = end_ms * kNsPerMs;
  const std::string label(name);
  if (IsBlank(selector)) return querier->LabelValues(label, start_ns, end_ns, {});
  if (!IsLegacyLabelName(name)) {
    return Status::InvalidArgument(fmt::format("invalid label name '{}'", name));
  }
  // Every value the entries of the selector carry, whatever their origin: one series per value.
  // `sum by` (not `count by`): the engine sums counts per value without a series per event.
  const int64_t range_s = std::max<int64_t>((end_ms - start_ms + 999) / 1000, 1);
  const std::string query =
      fmt::format("sum by ({}) (count_over_time({} [{}s]))", name, selector, range_s);
  logql::QueryParams params;
  params.query = query;
  params.start_ns = params.end_ns = end_ms * kNsPerMs;
  params.instant = true;
  QueryResponse r = Run(params, &values_engine_);
  if (!r.ok()) return Status::InvalidArgument(r.error);
  std::set<std::string> values;
  for (const DataSeries& s : r.series) {
    std::string_view v = s.labels.Get(name);
    if (!v.empty()) values.emplace(v);
  }
  return SortedUnique(std::move(values));
}

// ---- Registry -----------------------------------------------------------------------------

void Datasources::Add(std::unique_ptr<Datasource> datasource, bool is_default) {
  Datasource* raw = datasource.get();
  all_.push_back(std::move(datasource));
  if (is_default || default_ == nullptr) default_ = raw;
}

Datasource* Datasources::ByType(std::string_view type) const {
  const std::string wanted = Lower(type);
  for (const auto& ds : all_) {
    if (ds->type() == wanted) return ds.get();
  }
  return nullptr;
}

Datasource* Datasources::ByUidOrName(std::string_view text) const {
  for (const auto& ds : all_) {
    if (ds->uid() == text) return ds.get();
  }
  const std::string wanted = Lower(text);
  for (const auto& ds : all_) {
    if (Lower(ds->uid()) == wanted || Lower(ds->name()) == wanted) return ds.get();
  }
  return nullptr;
}

Result<Datasource*> Datasources::ResolveName(std::string_view text, Datasource* fallback) const {
  Datasource* fb = fallback != nullptr ? fallback : default_;
  if (IsBlank(text) || text == "-- Mixed --" || text == "default") {
    if (fb == nullptr) return Status::NotFound("no datasource configured");
    return fb;
  }
  if (Datasource* ds = ByUidOrName(text)) return ds;
  const std::string lower = Lower(text);
  if (lower.find("prometheus") != std::string::npos) {
    if (Datasource* ds = ByType("prometheus")) return ds;
  }
  if (lower.find("loki") != std::string::npos) {
    if (Datasource* ds = ByType("loki")) return ds;
  }
  return Status::NotFound(fmt::format("datasource '{}' not found", text));
}

Result<Datasource*> Datasources::Resolve(const rapidjson::Value* ref, Datasource* fallback) const {
  Datasource* fb = fallback != nullptr ? fallback : default_;
  if (ref == nullptr || ref->IsNull()) {
    if (fb == nullptr) return Status::NotFound("no datasource configured");
    return fb;
  }
  if (ref->IsString()) return ResolveName({ref->GetString(), ref->GetStringLength()}, fallback);
  if (!ref->IsObject()) return Status::InvalidArgument("datasource reference is not an object");
  std::string_view type, uid;
  auto t = ref->FindMember("type");
  if (t != ref->MemberEnd() && t->value.IsString()) {
    type = {t->value.GetString(), t->value.GetStringLength()};
  }
  auto u = ref->FindMember("uid");
  if (u != ref->MemberEnd() && u->value.IsString()) {
    uid = {u->value.GetString(), u->value.GetStringLength()};
  }
  if (uid == "-- Mixed --" || (type.empty() && uid.empty())) {
    if (fb == nullptr) return Status::NotFound("no datasource configured");
    return fb;
  }
  if (!type.empty()) {
    if (Datasource* ds = ByType(type)) return ds;
    if (type != "datasource") {
      return Status::NotFound(fmt::format("datasource type '{}' is not supported", type));
    }
  }
  if (uid == "-- Dashboard --" || uid == "grafana" || uid == "-- Grafana --") {
    return Status::NotFound(fmt::format("datasource '{}' is not supported", uid));
  }
  return ResolveName(uid, fallback);
}

void WriteDatasourceRef(const Datasource& datasource,
                        rapidjson::Writer<rapidjson::StringBuffer>& w) {
  w.StartObject();
  w.Key("type");
  w.String(datasource.type().c_str());
  w.Key("uid");
  w.String(datasource.uid().c_str());
  w.EndObject();
}

}  // namespace otelite::dashboards
