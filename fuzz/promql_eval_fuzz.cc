// libFuzzer target: arbitrary bytes as a PromQL query, parsed and then evaluated (engine.h) as an
// instant and a range query over a small in-memory head of counters, gauges, a classic histogram
// and series with stale markers and NaN. Evaluation must never crash (ASan/UBSan), must answer
// every parsed query with a value or an error of a known type, and its results must be shaped as
// promised: a range query gives a matrix or scalar-as-matrix, with points inside the range and in
// time order, no two series with the same labels.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>

#include "model/metric.h"
#include "query/promql/engine.h"
#include "storage/tsdb/head.h"

namespace {

namespace promql = otelite::promql;
using otelite::Labels;

void Check(bool condition) {
  if (!condition) std::abort();
}

class Storage : public otelite::Queryable {
 public:
  Storage() {
    otelite::tsdb::HeadOptions options;
    options.out_of_order_window_ms = 0;
    head_ = std::make_unique<otelite::tsdb::Head>(options, nullptr);
    otelite::MetricBatch batch;
    batch.families.push_back({"", otelite::MetricType::kUnknown, "", ""});
    auto add = [&](std::vector<otelite::Label> labels, int64_t t, double v) {
      otelite::MetricSample s;
      s.labels = Labels(std::move(labels));
      s.timestamp_ms = t;
      s.value = v;
      batch.samples.push_back(std::move(s));
    };
    for (int64_t k = 0; k < 40; ++k) {
      const int64_t t = k * 15'000 + (k % 3);
      add({{"__name__", "requests_total"}, {"job", "a"}}, t, static_cast<double>(k * 3 % 50));
      add({{"__name__", "requests_total"}, {"job", "b"}}, t, static_cast<double>(k));
      add({{"__name__", "temperature"}, {"room", "x"}}, t, std::sin(static_cast<double>(k)));
      add({{"__name__", "odd"}, {"le", "1"}}, t, k % 7 == 0 ? std::nan("") : 1.0 / (k + 1));
      for (const char* le : {"0.1", "1", "10", "+Inf"}) {
        add({{"__name__", "latency_bucket"}, {"le", le}}, t,
            static_cast<double>(k * (le[0] == '+' ? 4 : le[0] - '0' + 1)));
      }
      add({{"__name__", "flaky"}}, t, k % 5 == 4 ? otelite::StaleNaN() : static_cast<double>(k));
    }
    (void)head_->Append(batch);
  }
  std::unique_ptr<otelite::Querier> NewQuerier() override { return head_->NewQuerier(); }

 private:
  std::unique_ptr<otelite::tsdb::Head> head_;
};

void CheckResult(const promql::QueryResult& r, bool range, int64_t start, int64_t end) {
  if (r.error) {
    Check(!r.error->message.empty());
    return;
  }
  const promql::Value& v = r.value;
  if (range) Check(v.type == promql::ValueType::kMatrix);
  std::set<Labels> seen;
  for (const promql::SeriesPoints& s : v.matrix) {
    Check(seen.insert(s.metric).second);
    for (size_t i = 0; i < s.points.size(); ++i) {
      if (range) Check(s.points[i].t >= start && s.points[i].t <= end);
      if (i > 0) Check(s.points[i - 1].t < s.points[i].t);
    }
  }
  for (const promql::Sample& s : v.vector) Check(seen.insert(s.metric).second);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Storage* storage = new Storage();
  static promql::Engine* engine = [] {
    promql::EngineOptions options;
    options.max_samples = 200'000;
    options.timeout = std::chrono::milliseconds(2000);
    return new promql::Engine(options);
  }();
  const std::string query(reinterpret_cast<const char*>(data), size);
  promql::ParseResult parsed = promql::ParseExpr(query);
  if (!parsed.ok()) return 0;
  CheckResult(engine->Evaluate(storage, *parsed.expr, 300'000, 300'000, 0, false), false, 0, 0);
  const promql::ValueType type = parsed.expr->type();
  if (type == promql::ValueType::kScalar || type == promql::ValueType::kVector) {
    CheckResult(engine->Evaluate(storage, *parsed.expr, 0, 600'000, 37'000, true), true, 0,
                600'000);
  }
  return 0;
}
