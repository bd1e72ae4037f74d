// otelite's PromQL side by side with Debian's Prometheus (2.42) on the same generated Claude Code
// dataset: bench/claude_dataset writes it as OpenMetrics, `promtool tsdb create-blocks-from
// openmetrics` loads it into Prometheus and `otelite import openmetrics` into otelite; then the
// Overview dashboard's queries and a broad set of others run against both HTTP APIs, as instant
// queries at several times and as range queries at two steps, and the answers must be the same:
// the same result type and series, values equal within 1e-9 relative, NaN where NaN.
//
// The dataset's samples carry millisecond jitter and the evaluation times sit 250 ms off the
// whole second, so no sample lies on a window's edge: there Prometheus 2 (closed windows) and 3
// (left-open, which otelite follows) would differ by design. The remaining differences between
// 2.42 and otelite's Prometheus 3 semantics:
//
// * rate()/increase()/delta() extrapolation toward the window's start (Prometheus 2.51,
//   CHANGELOG "[BUGFIX] PromQL: Fix limiting of extrapolation to negative values", #13725): when
//   the first sample is more than 1.1 average intervals after the window's start, 3.x
//   extrapolates half an interval and then stops where a counter would reach zero; 2.42 first
//   cut the gap at the zero point and then compared it with the threshold, so it extrapolates
//   further in some windows near a series' start. Such points may differ; for queries that only
//   sum counter increases the test checks the direction (otelite's value is the smaller), and
//   it prints how many points differed this way.
//
// Every other difference fails the test.
//
// Skipped when Debian's prometheus/promtool are not installed (make deps installs them).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "dataset/overview_queries.h"
#include "harness.h"
#include "temp_dir.h"

namespace otelite::testing {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kStart = 1767225600;  // 2026-01-01T00:00:00Z, the dataset's first day
constexpr int kDays = 2;
constexpr int64_t kEnd = kStart + kDays * 86400;

// Besides the Overview dashboard's queries (dataset/overview_queries.h), a broad set of others;
// `$r` is replaced by the whole period ("48h"), as the dashboard's [$__range].
const std::vector<std::string> kOtherQueries = {
    // Selectors and modifiers.
    "claude_code_cost_usage_USD_total",
    "claude_code_token_usage_tokens_total{type=~\"cache.*\", model!=\"\"}",
    "claude_code_cost_usage_USD_total offset 1h",
    "sum(claude_code_cost_usage_USD_total @ 1767268800.250)",
    "{__name__=~\"claude_code_(commit|pull_request)_count_total\"}",
    // Range functions.
    "rate(claude_code_token_usage_tokens_total[5m])",
    "irate(claude_code_token_usage_tokens_total[10m])",
    "delta(claude_code_cost_usage_USD_total[1h])",
    "idelta(claude_code_cost_usage_USD_total[30m])",
    "changes(claude_code_active_time_total_s_total[2h])",
    "resets(claude_code_cost_usage_USD_total[6h])",
    "deriv(claude_code_cost_usage_USD_total[1h])",
    "predict_linear(claude_code_cost_usage_USD_total[1h], 3600)",
    "holt_winters(claude_code_active_time_total_s_total[1h], 0.5, 0.3)",
    "avg_over_time(claude_code_cost_usage_USD_total[1h])",
    "min_over_time(claude_code_cost_usage_USD_total[1h])",
    "max_over_time(claude_code_lines_of_code_count_total[3h])",
    "sum_over_time(claude_code_commit_count_total[6h])",
    "count_over_time(claude_code_token_usage_tokens_total[1h])",
    "last_over_time(claude_code_cost_usage_USD_total[1h])",
    "stddev_over_time(claude_code_active_time_total_s_total[2h])",
    "stdvar_over_time(claude_code_active_time_total_s_total[2h])",
    "quantile_over_time(0.9, claude_code_cost_usage_USD_total[2h])",
    "present_over_time(claude_code_session_count_total[1h])",
    "absent_over_time(claude_code_pull_request_count_total[1h])",
    // Aggregations.
    "topk(3, sum by (session_id)(increase(claude_code_cost_usage_USD_total[1h])))",
    "bottomk(2, sum by (model)(rate(claude_code_cost_usage_USD_total[1h])))",
    "count by (model)(claude_code_cost_usage_USD_total)",
    "avg by (type)(rate(claude_code_token_usage_tokens_total[1h]))",
    "min by (terminal_type)(claude_code_cost_usage_USD_total)",
    "max without (session_id, user_id, user_email, user_account_uuid)"
    "(claude_code_cost_usage_USD_total)",
    "group by (os_type)(claude_code_session_count_total)",
    "quantile by (model)(0.5, rate(claude_code_cost_usage_USD_total[1h]))",
    "stddev by (model)(rate(claude_code_cost_usage_USD_total[1h]))",
    "stdvar(rate(claude_code_token_usage_tokens_total[1h]))",
    "count_values(\"commits\", claude_code_commit_count_total)",
    // Operators and matching.
    "sum by (model)(rate(claude_code_cost_usage_USD_total[1h])) / on() group_left "
    "sum(rate(claude_code_cost_usage_USD_total[1h]))",
    "sum by (session_id, model)(rate(claude_code_token_usage_tokens_total[1h])) / ignoring(type) "
    "group_left sum by (session_id, model)(rate(claude_code_cost_usage_USD_total[1h]))",
    "claude_code_cost_usage_USD_total > 0.5",
    "claude_code_cost_usage_USD_total > bool 0.5",
    "1 - claude_code_cost_usage_USD_total / 10",
    "claude_code_cost_usage_USD_total and on(session_id) claude_code_commit_count_total",
    "claude_code_commit_count_total or on(session_id) claude_code_pull_request_count_total",
    "claude_code_cost_usage_USD_total unless on(session_id) claude_code_commit_count_total",
    "sum(rate(claude_code_cost_usage_USD_total[1h])) * 3600 ^ 2 % 7 - -1",
    "sum(rate(claude_code_cost_usage_USD_total[1h])) atan2 1",
    // Other functions.
    "label_replace(sum by (model)(claude_code_cost_usage_USD_total), \"family\", \"$1\", "
    "\"model\", \"claude-([a-z]+).*\")",
    "label_join(count by (os_type, host_arch)(claude_code_session_count_total), \"platform\", "
    "\"/\", \"os_type\", \"host_arch\")",
    "abs(delta(claude_code_cost_usage_USD_total[1h]))",
    "ceil(claude_code_cost_usage_USD_total)",
    "floor(claude_code_cost_usage_USD_total)",
    "round(claude_code_cost_usage_USD_total, 0.1)",
    "clamp(claude_code_cost_usage_USD_total, 0.2, 0.8)",
    "clamp_min(claude_code_cost_usage_USD_total, 1)",
    "clamp_max(claude_code_cost_usage_USD_total, 1)",
    "sqrt(claude_code_lines_of_code_count_total)",
    "ln(claude_code_lines_of_code_count_total)",
    "log2(claude_code_lines_of_code_count_total) + log10(claude_code_lines_of_code_count_total)",
    "exp(-claude_code_cost_usage_USD_total)",
    "sgn(delta(claude_code_cost_usage_USD_total[1h]))",
    "timestamp(claude_code_cost_usage_USD_total)",
    "hour(timestamp(claude_code_session_count_total))",
    "day_of_week() + day_of_month() + days_in_month() + month() + year() + minute()",
    "time() - timestamp(claude_code_active_time_total_s_total)",
    "scalar(sum(claude_code_pull_request_count_total))",
    "vector(1) + scalar(count(claude_code_session_count_total))",
    "absent(claude_code_nonexistent_total{job=\"x\"})",
    "absent(claude_code_session_count_total)",
    "sort_desc(sum by (model)(claude_code_cost_usage_USD_total))",
    // Subqueries.
    "max_over_time(sum(rate(claude_code_cost_usage_USD_total[5m]))[1h:5m])",
    "avg_over_time(sum by (type)(rate(claude_code_token_usage_tokens_total[10m]))[2h:7m] offset "
    "1h)",
    "rate(sum(claude_code_active_time_total_s_total)[30m:])",
};

struct Series {
  std::vector<std::pair<double, double>> points;  // (time, value)
};

struct Answer {
  std::string type;
  std::map<std::string, Series> series;  // by canonical label text
  std::vector<std::string> order;        // instant vector order
  std::string error;
};

double Number(const rapidjson::Value& v) { return std::strtod(v.GetString(), nullptr); }

Answer Decode(const HttpResult& r) {
  Answer a;
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  if (d.HasParseError() || !d.IsObject()) {
    a.error = "unparsable answer: " + r.body.substr(0, 300);
    return a;
  }
  if (std::string(d["status"].GetString()) != "success") {
    a.error = d["error"].GetString();
    return a;
  }
  a.type = d["data"]["resultType"].GetString();
  const auto& result = d["data"]["result"];
  if (a.type == "scalar" || a.type == "string") {
    a.series[""].points.push_back({result[0].GetDouble(), Number(result[1])});
    return a;
  }
  for (const auto& s : result.GetArray()) {
    std::string key = "{";
    for (auto m = s["metric"].MemberBegin(); m != s["metric"].MemberEnd(); ++m) {
      key += std::string(m->name.GetString()) + "=\"" + m->value.GetString() + "\",";
    }
    key += "}";
    Series& out = a.series[key];
    a.order.push_back(key);
    if (s.HasMember("value"))
      out.points.push_back({s["value"][0].GetDouble(), Number(s["value"][1])});
    if (s.HasMember("values")) {
      for (const auto& p : s["values"].GetArray())
        out.points.push_back({p[0].GetDouble(), Number(p[1])});
    }
  }
  return a;
}

bool Close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

struct Tally {
  int extrapolation_points = 0;  // differing points explained by #13725
};

// Whether a query extrapolates counters (rate/increase/delta, not irate/idelta), and whether it
// only adds such increases up (then 3.x's answer is never larger than 2.42's).
bool Extrapolates(const std::string& q) {
  for (const char* f : {"rate(", "increase(", "delta("}) {
    for (size_t pos = q.find(f); pos != std::string::npos; pos = q.find(f, pos + 1)) {
      if (pos == 0 || (q[pos - 1] != 'i' && q[pos - 1] != '_')) return true;
    }
  }
  return false;
}
bool OnlySumsIncreases(const std::string& q) {
  if (q.find('/') != std::string::npos || q.find('%') != std::string::npos) return false;
  for (const char* f :
       {"avg", "stdvar", "stddev", "quantile", "bottomk", "atan2", "_over_time", "delta("}) {
    if (q.find(f) != std::string::npos) return false;
  }
  return true;
}

// Empty when equal, else what differs.
std::string Differ(const Answer& prom, const Answer& ours, bool ordered, const std::string& query,
                   Tally* tally) {
  if (!prom.error.empty() && !ours.error.empty()) return "";  // both refuse
  if (!prom.error.empty() || !ours.error.empty()) {
    return "errors: prometheus \"" + prom.error + "\", otelite \"" + ours.error + "\"";
  }
  if (prom.type != ours.type) return "result type " + prom.type + " vs " + ours.type;
  if (ordered && prom.order != ours.order) return "series order differs";
  for (const auto& [key, s] : prom.series) {
    auto it = ours.series.find(key);
    if (it == ours.series.end()) return "otelite lacks " + key;
    if (it->second.points.size() != s.points.size()) {
      return key + ": " + std::to_string(s.points.size()) + " points vs " +
             std::to_string(it->second.points.size());
    }
    for (size_t i = 0; i < s.points.size(); ++i) {
      const auto& [pt, pv] = s.points[i];
      const auto& [ot, ov] = it->second.points[i];
      if (pt == ot && !Close(pv, ov) && Extrapolates(query) &&
          (!OnlySumsIncreases(query) || ov <= pv * (1 + 1e-9))) {
        ++tally->extrapolation_points;  // the documented 2.51 change, see the top
        continue;
      }
      if (pt != ot || !Close(pv, ov)) {
        return key + " at " + std::to_string(pt) + ": prometheus " + std::to_string(pv) +
               " vs otelite " + std::to_string(ov) + " (at " + std::to_string(ot) + ")";
      }
    }
  }
  for (const auto& [key, s] : ours.series) {
    if (!prom.series.count(key)) return "otelite has extra " + key;
  }
  return "";
}

// Both servers on the same data, started once for the suite.
class PromqlSideBySide : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists("/usr/bin/prometheus") || !fs::exists("/usr/bin/promtool")) return;
    dir_ = new TempDir();
    const std::string dataset = dir_->str() + "/claude.om";
    std::string output;
    if (RunCommand(
            {OTELITE_CLAUDE_DATASET, "--developers", "6", "--days", std::to_string(kDays), "--seed",
             "7", "--start", std::to_string(kStart), "--start-zeros", "--out", dataset},
            &output) != 0 ||
        RunCommand({"/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics", dataset,
                    dir_->str() + "/prom"},
                   &output, 300) != 0 ||
        RunCommand(
            {OTELITE_BINARY, "import", "openmetrics", dataset, "--data", dir_->str() + "/otelite"},
            &output, 300) != 0) {
      setup_error_ = "loading the dataset failed: " + output;
      return;
    }
    {
      std::ofstream config(dir_->str() + "/prometheus.yml");
      config << "global:\n  scrape_interval: 1m\n";
    }
    prom_port_ = FreePort();
    prometheus_ = new BackgroundCommand(
        {"/usr/bin/prometheus", "--config.file=" + dir_->str() + "/prometheus.yml",
         "--storage.tsdb.path=" + dir_->str() + "/prom", "--storage.tsdb.retention.time=3650d",
         "--web.listen-address=127.0.0.1:" + std::to_string(prom_port_), "--log.level=warn"});
    std::string error;
    otelite_ =
        OteliteProcess::Start({"--metrics.retention", "3650d"}, &error, dir_->str() + "/otelite")
            .release();
    if (otelite_ == nullptr) {
      setup_error_ = "otelite did not start: " + error;
      return;
    }
    bool ready = false;
    for (int i = 0; i < 300 && !ready; ++i) {
      ready = HttpCall(prom_port_, "GET", "/-/ready").status == 200;
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!ready) setup_error_ = "prometheus did not become ready: " + prometheus_->Output();
  }
  static void TearDownTestSuite() {
    delete otelite_;
    delete prometheus_;
    delete dir_;
  }
  void SetUp() override {
    if (!fs::exists("/usr/bin/prometheus") || !fs::exists("/usr/bin/promtool")) {
      GTEST_SKIP() << "Debian's prometheus is not installed (make deps installs it)";
    }
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  // Runs `target` on both; returns whether they agree (adds a failure naming `query` if not).
  bool Compare(const std::string& query, const std::string& target, bool ordered, Tally* tally,
               bool* nonempty) {
    const Answer prom = Decode(HttpCall(prom_port_, "GET", target));
    const Answer ours = Decode(HttpCall(otelite_->prometheus_port(), "GET", target));
    *nonempty = !prom.series.empty();
    const std::string diff = Differ(prom, ours, ordered, query, tally);
    if (diff.empty()) return true;
    ADD_FAILURE() << query << "\n  " << target.substr(0, target.find('?')) << "\n  " << diff;
    return false;
  }

  static inline TempDir* dir_ = nullptr;
  static inline BackgroundCommand* prometheus_ = nullptr;
  static inline OteliteProcess* otelite_ = nullptr;
  static inline int prom_port_ = 0;
  static inline std::string setup_error_;
};

TEST_F(PromqlSideBySide, SameAnswersAsDebianPrometheus) {
  // Instant queries at the end, the middle and early in the period; range queries over the
  // whole period at the dashboard's step (1h) and an odd one.
  const std::vector<std::string> instants = {std::to_string(kEnd) + ".250",
                                             std::to_string(kStart + 86400 + 3 * 3600 + 7) + ".250",
                                             std::to_string(kStart + 4 * 3600) + ".250"};
  const std::vector<std::string> steps = {"3600", "1380"};
  int compared = 0, differing = 0, nonempty = 0;
  Tally tally;
  std::vector<std::string> queries;
  for (const auto& q : dataset::OverviewQueries(std::to_string(kDays * 24) + "h")) {
    queries.push_back(q.query);
  }
  queries.insert(queries.end(), kOtherQueries.begin(), kOtherQueries.end());
  for (std::string query : queries) {
    for (size_t pos; (pos = query.find("$r")) != std::string::npos;) {
      query.replace(pos, 2, std::to_string(kDays * 24) + "h");
    }
    const bool ordered = query.rfind("sort", 0) == 0;
    std::vector<std::string> targets;
    for (const std::string& t : instants) {
      targets.push_back("/api/v1/query?query=" + UrlEncode(query) + "&time=" + t);
    }
    for (const std::string& step : steps) {
      targets.push_back("/api/v1/query_range?query=" + UrlEncode(query) +
                        "&start=" + std::to_string(kStart) + ".250&end=" + std::to_string(kEnd) +
                        ".250&step=" + step);
    }
    for (const std::string& target : targets) {
      const bool instant = target.find("query_range") == std::string::npos;
      bool has_data = false;
      ++compared;
      if (!Compare(query, target, ordered && instant, &tally, &has_data)) ++differing;
      if (has_data) ++nonempty;
    }
  }
  std::printf(
      "[ side by side ] %d queries compared with Prometheus 2.42 (%d with data), %d differ; %d "
      "points differ by the documented 2.51 extrapolation change\n",
      compared, nonempty, differing, tally.extrapolation_points);
  EXPECT_GT(nonempty, compared * 3 / 4) << "most queries must have data to compare";
}

// The PromQL compliance tester's query templates (../shared/conformance/promql-compliance, 539
// range queries once expanded) instantiated over the Claude Code dataset: the demo service's
// metrics and labels are replaced by Claude Code's (memory usage by type → tokens by type,
// instance → session_id, …), then each query runs as a range query against both servers as the
// tester does. Documented 2→3 differences, besides the extrapolation one above: Prometheus 3
// accepts any UTF-8 label name, so `label_replace/label_join(…, "~invalid", …)` succeed in otelite
// where 2.42 refuses them.
std::string Instantiate(std::string query) {
  static const std::vector<std::pair<std::string, std::string>> kReplacements = {
      {"demo_api_request_duration_seconds_bucket", "claude_code_lines_of_code_count_total"},
      {"demo_api_request_duration_seconds_", "claude_code_lines_of_code_count_"},
      {"demo_memory_usage_bytes", "claude_code_token_usage_tokens_total"},
      {"demo_num_cpus", "claude_code_session_count_total"},
      {"demo_cpu_usage_seconds_total", "claude_code_active_time_total_s_total"},
      {"demo_disk_usage_bytes", "claude_code_cost_usage_USD_total"},
      {"demo_intermittent_metric", "claude_code_commit_count_total"},
      {"demo_batch_last_success_timestamp_seconds", "claude_code_pull_request_count_total"},
      {"demo.promlabs.com:", ""},
      {"type=\"free\"", "type=\"input\""},
      {"type!=\"free\"", "type!=\"input\""},
      {"instance", "session_id"},
  };
  for (const auto& [from, to] : kReplacements) {
    for (size_t pos = 0; (pos = query.find(from, pos)) != std::string::npos; pos += to.size()) {
      query.replace(pos, from.size(), to);
    }
  }
  return query;
}

TEST_F(PromqlSideBySide, ComplianceTemplatesOnClaudeCodeData) {
  const fs::path dir = fs::path(OTELITE_SHARED_DIR) / "conformance" / "promql-compliance";
  if (!fs::exists(dir / "promql-test-queries.yml")) {
    GTEST_SKIP() << dir.string() << " does not exist (the compliance templates come with "
                 << "../shared)";
  }
  const YAML::Node cases = YAML::LoadFile((dir / "promql-test-queries.yml").string())["test_cases"];
  const YAML::Node variants = YAML::LoadFile((dir / "variant-args.yaml").string());
  struct Case {
    std::string query;
    bool should_fail = false;
  };
  std::vector<Case> expanded;
  for (const YAML::Node& c : cases) {
    std::vector<std::string> queries = {c["query"].as<std::string>()};
    if (c["variant_args"]) {
      for (const YAML::Node& arg : c["variant_args"]) {
        const std::string placeholder = "{{." + arg.as<std::string>() + "}}";
        std::vector<std::string> next;
        for (const std::string& q : queries) {
          for (const YAML::Node& value : variants[arg.as<std::string>()]) {
            std::string text = q;
            for (size_t pos; (pos = text.find(placeholder)) != std::string::npos;) {
              text.replace(pos, placeholder.size(), value.as<std::string>());
            }
            next.push_back(std::move(text));
          }
        }
        queries = std::move(next);
      }
    }
    const bool should_fail = c["should_fail"] && c["should_fail"].as<bool>();
    for (std::string& q : queries) expanded.push_back({Instantiate(q), should_fail});
  }
  ASSERT_EQ(expanded.size(), 539u);

  // The second day's working hours, 121 steps, 250 ms off the whole second (see the top).
  const int64_t end = kStart + 86400 + 22 * 3600;
  const std::string range = "&start=" + std::to_string(end - 16 * 3600) +
                            ".250&end=" + std::to_string(end) + ".250&step=480";
  Tally tally;
  int passed = 0, failed = 0, with_data = 0, utf8_names = 0;
  for (const Case& c : expanded) {
    const std::string target = "/api/v1/query_range?query=" + UrlEncode(c.query) + range;
    if (c.query.find("\"~invalid\"") != std::string::npos) {
      // Prometheus 3 takes any UTF-8 label name; 2.42 refuses it.
      const Answer prom = Decode(HttpCall(prom_port_, "GET", target));
      const Answer ours = Decode(HttpCall(otelite_->prometheus_port(), "GET", target));
      EXPECT_FALSE(prom.error.empty()) << c.query;
      EXPECT_TRUE(ours.error.empty()) << c.query << ": " << ours.error;
      ++utf8_names;
      continue;
    }
    if (c.should_fail) {
      // Fails on the demo data; on this data it may not (label_replace(…, "session_id", "", …)
      // leaves unique series here). Both must fail, or both answer the same.
      const Answer prom = Decode(HttpCall(prom_port_, "GET", target));
      const Answer ours = Decode(HttpCall(otelite_->prometheus_port(), "GET", target));
      const bool ok = (!prom.error.empty() && !ours.error.empty()) ||
                      (prom.error.empty() && Differ(prom, ours, false, c.query, &tally).empty());
      EXPECT_TRUE(ok) << c.query << ": prometheus \"" << prom.error << "\", otelite \""
                      << ours.error << "\"";
      ++(ok ? passed : failed);
      continue;
    }
    bool has_data = false;
    ++(Compare(c.query, target, false, &tally, &has_data) ? passed : failed);
    if (has_data) ++with_data;
  }
  std::printf(
      "[ compliance templates ] %zu queries: %d same as Prometheus 2.42 (%d with data), %d differ, "
      "%d UTF-8 label names (a documented 3.x change); %d points differ by the 2.51 "
      "extrapolation change\n",
      expanded.size(), passed, with_data, failed, utf8_names, tally.extrapolation_points);
  EXPECT_GT(with_data, 300) << "most templates must find data";
}

}  // namespace
}  // namespace otelite::testing
