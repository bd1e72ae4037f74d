// Every real Claude Code capture sent over gRPC, HTTP/protobuf and HTTP/JSON gives the same
// series on :8889, with the names the seed's dashboards query and totals equal to the sum of
// the deltas Claude Code sent.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "exposition_parse.h"
#include "harness.h"
#include "ingest/gzip.h"
#include "ingest/otlp/json_decode.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "storage/tsdb/db.h"

namespace otelite::testing {
namespace {

namespace pbcm = opentelemetry::proto::collector::metrics::v1;
namespace pbcl = opentelemetry::proto::collector::logs::v1;

struct Capture {
  std::string file;
  bool metrics;
  std::string json;  // the original body when the capture is OTLP/JSON
  pbcm::ExportMetricsServiceRequest metric_request;
  pbcl::ExportLogsServiceRequest log_request;
};

std::vector<Capture> LoadCaptures() {
  std::vector<Capture> out;
  std::string dir = SharedDir() + "/fixtures/claude-code";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string name = path.filename().string();
    bool metrics = name.find("-metrics-") != std::string::npos;
    bool logs = name.find("-logs-") != std::string::npos;
    if (!metrics && !logs) continue;
    Capture c{name, metrics, "", {}, {}};
    std::string body = ReadFile(path.string());
    bool ok;
    if (path.extension() == ".json") {
      c.json = body;
      ok = metrics ? otlp::DecodeJson(body, &c.metric_request).ok()
                   : otlp::DecodeJson(body, &c.log_request).ok();
    } else {
      ok = metrics ? c.metric_request.ParseFromString(body) : c.log_request.ParseFromString(body);
    }
    EXPECT_TRUE(ok) << name;
    out.push_back(std::move(c));
  }
  return out;
}

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_enums_as_ints = true;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &out, options).ok());
  return out;
}

enum class Protocol { kGrpc, kHttpProtobuf, kHttpJson };

void Send(const OteliteProcess& p, Protocol protocol, const Capture& c, bool gzip) {
  if (protocol == Protocol::kGrpc) {
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(p.grpc_port()),
                                       grpc::InsecureChannelCredentials());
    grpc::ClientContext ctx;
    if (gzip) ctx.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    grpc::Status st;
    if (c.metrics) {
      pbcm::ExportMetricsServiceResponse resp;
      st = pbcm::MetricsService::NewStub(channel)->Export(&ctx, c.metric_request, &resp);
      EXPECT_FALSE(resp.has_partial_success()) << c.file << ": " << resp.DebugString();
    } else {
      pbcl::ExportLogsServiceResponse resp;
      st = pbcl::LogsService::NewStub(channel)->Export(&ctx, c.log_request, &resp);
      EXPECT_FALSE(resp.has_partial_success()) << c.file << ": " << resp.DebugString();
    }
    EXPECT_TRUE(st.ok()) << c.file << ": " << st.error_message();
    return;
  }
  const google::protobuf::Message& m =
      c.metrics ? static_cast<const google::protobuf::Message&>(c.metric_request)
                : static_cast<const google::protobuf::Message&>(c.log_request);
  bool json = protocol == Protocol::kHttpJson;
  // JSON captures go as captured; protobuf captures (which carry no trace ids, the one field
  // protobuf's JSON mapping renders differently from OTLP/JSON) through protobuf's JSON printer.
  std::string body = json ? (c.json.empty() ? ToJson(m) : c.json) : m.SerializeAsString();
  std::map<std::string, std::string> headers = {
      {"Content-Type", json ? "application/json" : "application/x-protobuf"}};
  if (gzip) {
    body = Gzip(body);
    headers["Content-Encoding"] = "gzip";
  }
  auto r = HttpCall(p.http_port(), "POST", c.metrics ? "/v1/metrics" : "/v1/logs", body, headers);
  EXPECT_EQ(r.status, 200) << c.file << ": " << r.body << r.error;
  EXPECT_EQ(r.headers["content-type"], json ? "application/json" : "application/x-protobuf");
  if (json) {
    EXPECT_EQ(r.body, "{}") << c.file;
  }
}

// Sends every metric capture; returns what Claude Code sent, summed independently of otelite:
// (OTLP metric name, session.id) -> sum of the delta points.
std::map<std::pair<std::string, std::string>, double> SendMetricCaptures(
    const OteliteProcess& p, Protocol protocol, const std::vector<Capture>& captures) {
  std::map<std::pair<std::string, std::string>, double> sent;
  for (const auto& c : captures) {
    if (!c.metrics) continue;
    Send(p, protocol, c, false);
    for (const auto& rm : c.metric_request.resource_metrics()) {
      for (const auto& sm : rm.scope_metrics()) {
        for (const auto& m : sm.metrics()) {
          for (const auto& dp : m.sum().data_points()) {
            std::string session;
            for (const auto& kv : dp.attributes()) {
              if (kv.key() == "session.id") session = kv.value().string_value();
            }
            sent[{m.name(), session}] += dp.as_double();
          }
        }
      }
    }
  }
  return sent;
}

// The Prometheus names of the summed metrics of the captures (docs/translation.md).
const std::map<std::string, std::string> kPrometheusNames = {
    {"claude_code.cost.usage", "claude_code_cost_usage_USD_total"},
    {"claude_code.token.usage", "claude_code_token_usage_tokens_total"},
    {"claude_code.session.count", "claude_code_session_count_total"},
    {"claude_code.lines_of_code.count", "claude_code_lines_of_code_count_total"},
    {"claude_code.active_time.total", "claude_code_active_time_total_s_total"},
    {"claude_code.code_edit_tool.decision", "claude_code_code_edit_tool_decision_total"},
};

// Drops the lines that differ by nature between servers (otelite's own metrics).
std::string ClaudeCodeSeries(const std::string& exposition) {
  std::istringstream in(exposition);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find("claude_code_") != std::string::npos) out += line + "\n";
  }
  return out;
}

TEST(OtlpFixtures, SameSeriesOverEveryProtocol) {
  if (SharedDir().empty()) GTEST_SKIP() << "../shared not present: no Claude Code captures";
  auto captures = LoadCaptures();
  ASSERT_GE(captures.size(), 10u);
  std::vector<std::string> expositions;
  for (Protocol protocol : {Protocol::kGrpc, Protocol::kHttpProtobuf, Protocol::kHttpJson}) {
    std::string error;
    auto p = OteliteProcess::Start({}, &error);
    ASSERT_NE(p, nullptr) << error;
    bool gzip = false;
    for (const auto& c : captures) {
      Send(*p, protocol, c, gzip);
      gzip = !gzip;  // every other request compressed
    }
    expositions.push_back(ClaudeCodeSeries(p->Scrape()));
    EXPECT_EQ(p->Stop(), 0) << p->Stderr();
  }
  EXPECT_FALSE(expositions[0].empty());
  EXPECT_EQ(expositions[0], expositions[1]) << "gRPC vs HTTP/protobuf";
  EXPECT_EQ(expositions[0], expositions[2]) << "gRPC vs HTTP/JSON";
}

TEST(OtlpFixtures, NamesAndTotalsMatchWhatClaudeCodeSent) {
  if (SharedDir().empty()) GTEST_SKIP() << "../shared not present: no Claude Code captures";
  auto captures = LoadCaptures();
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  const auto sent = SendMetricCaptures(*p, Protocol::kHttpProtobuf, captures);
  auto samples = ParseExposition(p->Scrape());
  for (const auto& [key, total] : sent) {
    auto it = kPrometheusNames.find(key.first);
    ASSERT_NE(it, kPrometheusNames.end()) << "unexpected metric in captures: " << key.first;
    double got = SumOf(samples, it->second, {{"session_id", key.second}});
    EXPECT_NEAR(got, total, 1e-9 * std::max(1.0, total)) << it->second << " " << key.second;
  }
  // Labels the dashboards group by.
  bool found = false;
  for (const auto& s : samples) {
    if (s.name != "claude_code_token_usage_tokens_total") continue;
    found = true;
    for (const char* label : {"session_id", "user_id", "model", "type", "service_name", "job",
                              "terminal_type", "service_version"}) {
      EXPECT_TRUE(s.labels.count(label)) << "missing label " << label;
    }
    EXPECT_EQ(s.labels.at("job"), "claude-code");
    EXPECT_GT(s.timestamp_ms, 1'700'000'000'000LL);
  }
  EXPECT_TRUE(found);
}

// What the metrics store keeps makes true totals: every cumulative series starts with a 0 at
// its OTLP start time, so last - first (what `increase(x[range] anchored)` computes over the
// whole range) is exactly the sum of the deltas Claude Code sent.
TEST(OtlpFixtures, StoredCountersStartAtZeroAndAddUpToTheDeltas) {
  if (SharedDir().empty()) GTEST_SKIP() << "../shared not present: no Claude Code captures";
  auto captures = LoadCaptures();
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  const auto sent = SendMetricCaptures(*p, Protocol::kGrpc, captures);
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(p->Stop(), 0) << p->Stderr();

  tsdb::DbOptions options;
  options.maintenance_interval_ms = 0;
  auto db = tsdb::Db::Open(p->data_dir() + "/metrics", options);
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto q = (*db)->NewQuerier();
  size_t single_delta_series = 0;
  for (const auto& [key, total] : sent) {
    auto name = LabelMatcher::Make(MatchType::kEqual, "__name__", kPrometheusNames.at(key.first));
    auto session = LabelMatcher::Make(MatchType::kEqual, "session_id", key.second);
    auto set = q->Select(INT64_MIN, INT64_MAX, {*name, *session});
    ASSERT_TRUE(set.ok());
    ASSERT_FALSE(set->empty()) << key.first << " " << key.second;
    double anchored = 0;
    for (const auto& series : *set) {
      auto it = series->Iterator();
      std::vector<double> values;
      while (it->Next()) values.push_back(it->v());
      ASSERT_GE(values.size(), 2u) << series->labels().ToString();
      EXPECT_EQ(values.front(), 0) << series->labels().ToString() << " starts at its start time";
      if (values.size() == 2) ++single_delta_series;
      anchored += values.back() - values.front();
    }
    EXPECT_NEAR(anchored, total, 1e-9 * std::max(1.0, total)) << key.first << " " << key.second;
  }
  // The captures hold series with a single delta (session.count): with the zero they count.
  EXPECT_GT(single_delta_series, 0u);
}

}  // namespace
}  // namespace otelite::testing
