// The datasources panels query: an interface with Prometheus's and Loki's query and label
// operations, results independent of the engines, the embedded implementations over otelite's
// PromQL and LogQL engines, and the registry that resolves Grafana datasource references.
//
// Resolution (docs/ui.md): {"type":"prometheus",…} is the Prometheus datasource whatever its uid
// (the seed's "PBFA97CFB590B2093" included), {"type":"loki",…} the Loki one; an object with only
// a uid, or a string, names a datasource by uid or name (case-insensitive), else guesses by the
// word "prometheus"/"loki" in it ("${DS_PROMETHEUS}"); null, missing or "-- Mixed --" falls back
// to the given fallback (the panel's), then the default.
//
// Thread-safety: the embedded datasources keep no per-query state; calls may run concurrently
// as far as the engines and stores allow (they do). The registry is immutable after setup.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "query/logql/engine.h"
#include "query/promql/engine.h"
#include "storage/log_querier.h"
#include "storage/querier.h"

namespace otelite::dashboards {

struct DataPoint {
  int64_t t_ms = 0;
  double v = 0;
};

struct DataSeries {
  Labels labels;
  std::vector<DataPoint> points;
};

// One log entry with its labels by origin.
struct LogRow {
  Labels stream;                           // index labels
  std::vector<Label> structured_metadata;  // sorted by name
  std::vector<Label> parsed;               // parsers, label_format; sorted by name
  int64_t timestamp_ns = 0;
  std::string line;
};

enum class ResultKind { kMatrix, kVector, kScalar, kString, kStreams };

struct QueryResponse {
  ResultKind kind = ResultKind::kMatrix;
  std::vector<DataSeries> series;  // kMatrix, kVector (one point each)
  std::vector<LogRow> logs;        // kStreams
  double scalar = 0;               // kScalar
  std::string string_value;        // kString
  int64_t t_ms = 0;                // kScalar, kString
  std::string error;               // empty on success
  std::vector<std::string> warnings;

  bool ok() const { return error.empty(); }
};

class Datasource {
 public:
  virtual ~Datasource() = default;

  virtual const std::string& type() const = 0;  // "prometheus" or "loki"
  virtual const std::string& uid() const = 0;
  virtual const std::string& name() const = 0;

  virtual QueryResponse InstantQuery(std::string_view expr, int64_t t_ms) = 0;
  virtual QueryResponse RangeQuery(std::string_view expr, int64_t start_ms, int64_t end_ms,
                                   int64_t step_ms) = 0;
  // Loki log queries: entries in [start, end], at most `limit`, newest first when `backward`.
  virtual QueryResponse LogQuery(std::string_view expr, int64_t start_ms, int64_t end_ms,
                                 size_t limit, bool backward);

  // Label names of series (Prometheus; Loki: streams, then entries when the selector has a
  // pipeline) matching `selector` with data in [start, end]. An empty selector: every series;
  // for Loki then the index label names only.
  virtual Result<std::vector<std::string>> LabelNames(std::string_view selector, int64_t start_ms,
                                                      int64_t end_ms) = 0;
  // Values of label `name` likewise (Loki with a selector: also structured metadata and parsed
  // labels of the matching entries).
  virtual Result<std::vector<std::string>> LabelValues(std::string_view name,
                                                       std::string_view selector, int64_t start_ms,
                                                       int64_t end_ms) = 0;
  // Metric names (Prometheus; Loki: none).
  virtual Result<std::vector<std::string>> MetricNames(int64_t start_ms, int64_t end_ms);
};

// Prometheus over the embedded PromQL engine. Neither pointer is owned; both outlive this.
class EmbeddedPrometheus : public Datasource {
 public:
  EmbeddedPrometheus(const promql::Engine* engine, Queryable* storage,
                     std::string uid = "prometheus", std::string name = "Prometheus");
  const std::string& type() const override { return type_; }
  const std::string& uid() const override { return uid_; }
  const std::string& name() const override { return name_; }
  QueryResponse InstantQuery(std::string_view expr, int64_t t_ms) override;
  QueryResponse RangeQuery(std::string_view expr, int64_t start_ms, int64_t end_ms,
                           int64_t step_ms) override;
  // `selector` is a series selector (`up{job="x"}`, `{a=~"b"}`) or empty.
  Result<std::vector<std::string>> LabelNames(std::string_view selector, int64_t start_ms,
                                              int64_t end_ms) override;
  Result<std::vector<std::string>> LabelValues(std::string_view name, std::string_view selector,
                                               int64_t start_ms, int64_t end_ms) override;
  Result<std::vector<std::string>> MetricNames(int64_t start_ms, int64_t end_ms) override;

 private:
  const promql::Engine* engine_;
  Queryable* storage_;
  std::string type_ = "prometheus";
  std::string uid_;
  std::string name_;
};

// Loki over the embedded LogQL engine. Neither pointer is owned; both outlive this.
inline constexpr size_t kMaxLabelValues = 100000;
class EmbeddedLoki : public Datasource {
 public:
  EmbeddedLoki(const logql::Engine* engine, LogQueryable* store, std::string uid = "loki",
               std::string name = "Loki");
  const std::string& type() const override { return type_; }
  const std::string& uid() const override { return uid_; }
  const std::string& name() const override { return name_; }
  QueryResponse InstantQuery(std::string_view expr, int64_t t_ms) override;
  QueryResponse RangeQuery(std::string_view expr, int64_t start_ms, int64_t end_ms,
                           int64_t step_ms) override;
  QueryResponse LogQuery(std::string_view expr, int64_t start_ms, int64_t end_ms, size_t limit,
                         bool backward) override;
  // `selector`: empty, a stream selector (index labels only), or a selector with a pipeline
  // (`{service_name="x"} | event_name="y"`), whose entries' labels are read too.
  Result<std::vector<std::string>> LabelNames(std::string_view selector, int64_t start_ms,
                                              int64_t end_ms) override;
  Result<std::vector<std::string>> LabelValues(std::string_view name, std::string_view selector,
                                               int64_t start_ms, int64_t end_ms) override;

 private:
  QueryResponse Run(const logql::QueryParams& params, const logql::Engine* engine = nullptr);

  const logql::Engine* engine_;
  // The same engine with a series limit fit for listing values (a month has thousands of
  // sessions; the query limit of 500 would cut a variable's options).
  logql::Engine values_engine_;
  LogQueryable* store_;
  std::string type_ = "loki";
  std::string uid_;
  std::string name_;
};

// The datasources a dashboard may name. Owns what is added; the first added of a type is that
// type's; the first added is the default unless another is marked.
class Datasources {
 public:
  void Add(std::unique_ptr<Datasource> datasource, bool is_default = false);

  Datasource* Default() const { return default_; }
  Datasource* ByType(std::string_view type) const;
  Datasource* ByUidOrName(std::string_view text) const;
  const std::vector<std::unique_ptr<Datasource>>& all() const { return all_; }

  // A datasource reference as above; `fallback` (may be null) for null/missing/mixed. NotFound
  // naming the reference when nothing fits.
  Result<Datasource*> Resolve(const rapidjson::Value* ref, Datasource* fallback) const;
  // The same for a bare string reference.
  Result<Datasource*> ResolveName(std::string_view text, Datasource* fallback) const;

 private:
  std::vector<std::unique_ptr<Datasource>> all_;
  Datasource* default_ = nullptr;
};

// The reference JSON Grafana uses for a datasource: {"type":"loki","uid":"loki"}.
void WriteDatasourceRef(const Datasource& datasource,
                        rapidjson::Writer<rapidjson::StringBuffer>& w);

}  // namespace otelite::dashboards
