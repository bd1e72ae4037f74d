// `otelite import openmetrics`: the data directory afterwards holds exactly the samples Debian's
// promtool 2.42 puts into blocks from the same file (`promtool tsdb create-blocks-from
// openmetrics` + `promtool tsdb dump`); invalid input writes nothing and names the line; a
// running server's data directory is refused; the server serves the imported data and the
// files' metric metadata (# TYPE, # HELP, # UNIT) on /api/v1/metadata.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/float_format.h"
#include "harness.h"
#include "storage/tsdb/db.h"
#include "temp_dir.h"

namespace otelite::testing {
namespace {

namespace fs = std::filesystem;

using otelite::testing::TempDir;

// An exposition over 30 hours: counters, gauges, a histogram, a summary, info and stateset,
// label values with spaces, quotes, backslashes and non-ASCII text.
std::string MakeExposition() {
  std::ostringstream out;
  const int64_t t0 = 1'700'000'000;
  std::mt19937 rng(11);
  out << "# TYPE claude_code_cost_usage_USD counter\n# UNIT claude_code_cost_usage_USD USD\n"
      << "# HELP claude_code_cost_usage_USD Cost of the Claude Code session\n";
  for (int s = 0; s < 20; ++s) {
    double v = 0;
    for (int i = 0; i < 30; ++i) {
      v += static_cast<double>(rng() % 100'000) / 1e6;
      out << "claude_code_cost_usage_USD_total{model=\"claude-opus\",session_id=\"s" << s
          << "\",note=\"a \\\"quoted\\\" \\\\ välue\"} " << FormatGoFloat(v) << " "
          << (t0 + s * 3600 + i * 60) << ".25\n";
    }
  }
  out << "# TYPE temp gauge\n";
  for (int i = 0; i < 100; ++i) {
    out << "temp{room=\"a b\"} " << FormatGoFloat(20 + (i % 7) * 0.5 - (i % 3)) << " "
        << (t0 + i * 1000) << "\n";
  }
  out << "# TYPE latency histogram\n";
  for (int i = 0; i < 10; ++i) {
    const int a = i, b = 2 * i, c = 3 * i;
    out << "latency_bucket{le=\"0.1\"} " << a << " " << (t0 + i * 600) << "\n"
        << "latency_bucket{le=\"1.0\"} " << b << " " << (t0 + i * 600) << "\n"
        << "latency_bucket{le=\"+Inf\"} " << c << " " << (t0 + i * 600) << "\n"
        << "latency_count " << c << " " << (t0 + i * 600) << "\n"
        << "latency_sum " << FormatGoFloat(0.37 * i) << " " << (t0 + i * 600) << "\n";
  }
  out << "# TYPE rpc summary\n";
  for (int i = 0; i < 5; ++i) {
    out << "rpc{quantile=\"0.5\"} " << FormatGoFloat(0.01 * i) << " " << (t0 + i * 7200) << "\n"
        << "rpc_count " << i << " " << (t0 + i * 7200) << "\n"
        << "rpc_sum " << FormatGoFloat(0.02 * i) << " " << (t0 + i * 7200) << "\n";
  }
  out << "# TYPE build info\nbuild_info{version=\"1.2\"} 1 " << t0 << "\n";
  // An empty label value is no label: the same series as without it.
  out << "# TYPE empty gauge\nempty{x=\"\"} 1 " << t0 << "\nempty 2 " << (t0 + 60) << "\n";
  out << "# TYPE state stateset\nstate{state=\"on\"} 1 " << t0 << "\nstate{state=\"off\"} 0 " << t0
      << "\n";
  out << "# EOF\n";
  return out.str();
}

// `promtool tsdb dump` lines: {labels} value timestamp, sorted.
std::vector<std::string> DumpOtelite(const std::string& data_dir) {
  tsdb::DbOptions options;
  options.maintenance_interval_ms = 0;
  auto db = tsdb::Db::Open(data_dir + "/metrics", options);
  EXPECT_TRUE(db.ok()) << db.status().message();
  std::vector<std::string> lines;
  if (!db.ok()) return lines;
  auto all = LabelMatcher::Make(MatchType::kRegexMatch, "__name__", ".+");
  auto set = (*db)->NewQuerier()->Select(INT64_MIN, INT64_MAX, {*all});
  EXPECT_TRUE(set.ok());
  for (const auto& s : *set) {
    std::string labels = "{";
    for (const Label& l : s->labels().items()) {
      if (labels.size() > 1) labels += ", ";
      std::string v;
      for (char ch : l.value) {
        if (ch == '"' || ch == '\\') v.push_back('\\');
        v.push_back(ch);
      }
      labels += l.name + "=\"" + v + "\"";
    }
    labels += "}";
    auto it = s->Iterator();
    while (it->Next()) {
      lines.push_back(labels + " " + FormatGoFloat(it->v()) + " " + std::to_string(it->t()));
    }
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '{') out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ImportOpenMetrics, SameSamplesAsPromtool) {
  TempDir dir;
  const std::string file = dir.str() + "/data.om";
  std::ofstream(file) << MakeExposition();
  std::string output;
  // A small memory budget: several passes, several blocks.
  ASSERT_EQ(RunCommand({OTELITE_BINARY, "import", "openmetrics", file, "--data", dir.str() + "/d",
                        "--max-samples-in-memory", "100"},
                       &output),
            0)
      << output;
  EXPECT_NE(output.find("imported 770 samples"), std::string::npos) << output;
  const auto ours = DumpOtelite(dir.str() + "/d");
  ASSERT_EQ(ours.size(), 770u);
  size_t blocks = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.str() + "/d/metrics/blocks")) {
    ++blocks;
  }
  EXPECT_GT(blocks, 3u) << "a pass per window of the memory budget, a block per pass";

  if (!fs::exists("/usr/bin/promtool")) {
    GTEST_SKIP() << "promtool not installed (make deps installs Debian's prometheus): "
                    "compared with nothing";
  }
  const std::string prom = dir.str() + "/prom";
  ASSERT_EQ(RunCommand({"promtool", "tsdb", "create-blocks-from", "openmetrics", file, prom},
                       &output, 120),
            0)
      << output;
  fs::create_directories(prom + "/wal");
  ASSERT_EQ(RunCommand({"promtool", "tsdb", "dump", prom}, &output, 120), 0) << output;
  const auto theirs = Lines(output);
  ASSERT_EQ(theirs.size(), ours.size());
  for (size_t i = 0; i < ours.size(); ++i) ASSERT_EQ(ours[i], theirs[i]) << "line " << i;
}

TEST(ImportOpenMetrics, InvalidInputWritesNothingAndNamesTheLine) {
  TempDir dir;
  const std::string file = dir.str() + "/bad.om";
  std::ofstream(file) << "# TYPE a gauge\na 1 1700000000\na{x=\"1\"} 2\n# EOF\n";
  std::string output;
  EXPECT_EQ(RunCommand({OTELITE_BINARY, "import", "openmetrics", file, "--data", dir.str() + "/d"},
                       &output),
            1);
  EXPECT_NE(output.find("line 3"), std::string::npos) << output;
  EXPECT_EQ(fs::directory_iterator(dir.str() + "/d/metrics/blocks"), fs::directory_iterator());
  EXPECT_FALSE(fs::exists(dir.str() + "/d/metric_metadata.json"));
}

// GET /api/v1/metadata as "name: type|help|unit" lines, sorted.
std::vector<std::string> MetadataLines(const OteliteProcess& server) {
  auto r = HttpCall(server.prometheus_port(), "GET", "/api/v1/metadata");
  EXPECT_EQ(r.status, 200) << r.body;
  auto d = ParseJson(r);
  std::vector<std::string> out;
  if (!d.IsObject() || !d.HasMember("data") || !d["data"].IsObject()) {
    ADD_FAILURE() << r.body;
    return out;
  }
  for (const auto& m : d["data"].GetObject()) {
    for (const auto& e : m.value.GetArray()) {
      out.push_back(std::string(m.name.GetString()) + ": " + e["type"].GetString() + "|" +
                    e["help"].GetString() + "|" + e["unit"].GetString());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ImportOpenMetrics, RecordsTheMetricMetadataTheServerShows) {
  TempDir dir;
  const std::string first = dir.str() + "/first.om";
  std::ofstream(first)
      << "# TYPE http_request_duration_seconds histogram\n"
         "# UNIT http_request_duration_seconds seconds\n"
         "# HELP http_request_duration_seconds Time spent serving \\\"requests\\\".\n"
         "http_request_duration_seconds_bucket{le=\"0.5\"} 1 1700000000\n"
         "http_request_duration_seconds_bucket{le=\"+Inf\"} 2 1700000000\n"
         "http_request_duration_seconds_count 2 1700000000\n"
         "http_request_duration_seconds_sum 1.5 1700000000\n"
         "# TYPE claude_code_cost_usage_USD counter\n"
         "# UNIT claude_code_cost_usage_USD USD\n"
         "# HELP claude_code_cost_usage_USD Cost of the Claude Code session\n"
         "claude_code_cost_usage_USD_total{model=\"opus\"} 1.25 1700000000\n"
         "# TYPE temp_celsius gauge\n"
         "# UNIT temp_celsius celsius\n"
         "# HELP temp_celsius Room temperature\n"
         "temp_celsius{room=\"a\"} 21 1700000000\n"
         "# TYPE build info\n"
         "# HELP build Build information\n"
         "build_info{version=\"1.2\"} 1 1700000000\n"
         "# TYPE untyped unknown\n"
         "untyped 1 1700000000\n"
         "# TYPE no_samples gauge\n"
         "# HELP no_samples Never sampled\n"
         "# EOF\n";
  // A second file later: it changes one family's help and adds a family; the rest stays.
  const std::string second = dir.str() + "/second.om";
  std::ofstream(second) << "# TYPE temp_celsius gauge\n"
                           "# UNIT temp_celsius celsius\n"
                           "# HELP temp_celsius Room temperature, calibrated\n"
                           "temp_celsius{room=\"a\"} 22 1700003600\n"
                           "# TYPE rpc_seconds summary\n"
                           "# HELP rpc_seconds RPC latency\n"
                           "rpc_seconds_count 3 1700003600\n"
                           "rpc_seconds_sum 0.3 1700003600\n"
                           "# EOF\n";
  const std::string data = dir.str() + "/d";
  std::string output;
  ASSERT_EQ(RunCommand({OTELITE_BINARY, "import", "openmetrics", first, "--data", data}, &output),
            0)
      << output;
  EXPECT_NE(output.find("metadata of 4 metric families"), std::string::npos) << output;
  ASSERT_EQ(RunCommand({OTELITE_BINARY, "import", "openmetrics", second, "--data", data}, &output),
            0)
      << output;
  EXPECT_TRUE(fs::exists(data + "/metric_metadata.json"));

  std::string error;
  auto server = OteliteProcess::Start({}, &error, data);
  ASSERT_NE(server, nullptr) << error;
  // Counters under their series name (…_total), info families under …_info, histograms and
  // summaries under the family name; untyped families without help or unit, and families
  // without samples, are not recorded.
  EXPECT_EQ(MetadataLines(*server),
            (std::vector<std::string>{
                "build_info: unknown|Build information|",
                "claude_code_cost_usage_USD_total: counter|Cost of the Claude Code session|USD",
                "http_request_duration_seconds: histogram|Time spent serving \"requests\".|seconds",
                "rpc_seconds: summary|RPC latency|",
                "temp_celsius: gauge|Room temperature, calibrated|celsius",
            }));
  auto one = HttpCall(server->prometheus_port(), "GET", "/api/v1/metadata?metric=temp_celsius");
  EXPECT_EQ(one.body, R"({"status":"success","data":{"temp_celsius":[{"type":"gauge",)"
                      R"("help":"Room temperature, calibrated","unit":"celsius"}]}})");
}

TEST(ImportOpenMetrics, RefusesTheDataDirectoryOfARunningServerThenServesTheImport) {
  TempDir dir;
  const std::string file = dir.str() + "/data.om";
  std::ofstream(file) << MakeExposition();
  std::string error;
  auto server = OteliteProcess::Start({}, &error, dir.str() + "/d");
  ASSERT_NE(server, nullptr) << error;
  std::string output;
  EXPECT_EQ(RunCommand({OTELITE_BINARY, "import", "openmetrics", file, "--data", dir.str() + "/d"},
                       &output),
            1);
  EXPECT_NE(output.find("in use by another otelite process"), std::string::npos) << output;
  EXPECT_EQ(server->Stop(), 0);
  EXPECT_EQ(RunCommand({OTELITE_BINARY, "import", "openmetrics", file, "--data", dir.str() + "/d"},
                       &output),
            0)
      << output;
  auto again = OteliteProcess::Start({}, &error, dir.str() + "/d");
  ASSERT_NE(again, nullptr) << error;
  EXPECT_NE(again->Scrape().find("otelite_tsdb_blocks_samples 770"), std::string::npos);
}

}  // namespace
}  // namespace otelite::testing
