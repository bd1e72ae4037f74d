// The collector's Prometheus exporter state (ExpositionRegistry) and its two exposition
// formats. Expected bodies are written from the Prometheus text format 0.0.4 documentation
// and the OpenMetrics 1.0 specification; promtool checks that real parsers accept them.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "export/prometheus/exposition_format.h"
#include "export/prometheus/exposition_registry.h"

namespace otelite {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

Labels L(std::vector<Label> labels) { return Labels(std::move(labels)); }

MetricSample Sample(Labels labels, double value, int64_t ts, uint32_t family = 0) {
  MetricSample s;
  s.labels = std::move(labels);
  s.value = value;
  s.timestamp_ms = ts;
  s.family = family;
  return s;
}

MetricBatch GaugeBatch(std::string name, std::vector<MetricSample> samples) {
  MetricBatch batch;
  batch.families.push_back({name, MetricType::kGauge, "help of " + name, ""});
  batch.samples = std::move(samples);
  return batch;
}

// Four families, one of each type, with escaping, unsorted input and values that format
// differently in the two formats.
MetricBatch MixedBatch() {
  MetricBatch b;
  b.families = {
      {"rpc_latency_seconds", MetricType::kSummary, "RPC latency", "seconds"},
      {"claude_code_cost_usage_USD_total", MetricType::kCounter, "Cost of the session", "USD"},
      {"request_duration_seconds", MetricType::kHistogram, "Request latency.", "s"},
      {"process_open_fds", MetricType::kGauge, "Open \"file\" descriptors\\ and\nmore", ""},
  };
  const std::string h = "request_duration_seconds";
  auto bucket = [&](const char* le, double v) {
    return Sample(L({{"__name__", h + "_bucket"}, {"method", "GET"}, {"zone", "eu"}, {"le", le}}),
                  v, kT0, 2);
  };
  b.samples = {
      Sample(L({{"__name__", "rpc_latency_seconds_count"}}), 1e6, kT0, 0),
      Sample(L({{"__name__", "rpc_latency_seconds"}, {"quantile", "0.99"}}), 1, kT0, 0),
      Sample(L({{"__name__", "rpc_latency_seconds_sum"}}), 100, kT0, 0),
      Sample(L({{"__name__", "rpc_latency_seconds"}, {"quantile", "0.5"}}), 0.2, kT0, 0),
      Sample(L({{"__name__", "claude_code_cost_usage_USD_total"},
                {"model", "opus"},
                {"session_id", "a"}}),
             0.035345, kT0 + 123, 1),
      Sample(L({{"__name__", "claude_code_cost_usage_USD_total"},
                {"model", "haiku"},
                {"session_id", "a"}}),
             1, kT0, 1),
      Sample(L({{"__name__", h + "_count"}, {"method", "GET"}, {"zone", "eu"}}), 1234567, kT0, 2),
      bucket("+Inf", 1234567),
      bucket("10", 3),
      Sample(L({{"__name__", h + "_sum"}, {"method", "GET"}, {"zone", "eu"}}), 12.5, kT0, 2),
      bucket("0.5", 1),
      bucket("1", 2),
      Sample(L({{"__name__", "process_open_fds"}, {"path", "C:\\dir\n\"x\""}}), 1e6, kT0 + 7, 3),
  };
  return b;
}

std::string Expose(const MetricBatch& batch, ExpositionFormat format) {
  std::string out;
  AppendExposition(batch, format, &out);
  return out;
}

// ---- writers: exact bodies ------------------------------------------------------------

TEST(ExpositionText, MixedFamilies) {
  // HELP escapes only backslash and newline; label values also the double quote; histogram
  // and summary samples form one block per label set with `le`/`quantile` last.
  const std::string want =
      "# HELP claude_code_cost_usage_USD_total Cost of the session\n"
      "# TYPE claude_code_cost_usage_USD_total counter\n"
      "claude_code_cost_usage_USD_total{model=\"haiku\",session_id=\"a\"} 1 1700000000000\n"
      "claude_code_cost_usage_USD_total{model=\"opus\",session_id=\"a\"} 0.035345 "
      "1700000000123\n"
      "# HELP process_open_fds Open \"file\" descriptors\\\\ and\\nmore\n"
      "# TYPE process_open_fds gauge\n"
      "process_open_fds{path=\"C:\\\\dir\\n\\\"x\\\"\"} 1e+06 1700000000007\n"
      "# HELP request_duration_seconds Request latency.\n"
      "# TYPE request_duration_seconds histogram\n"
      "request_duration_seconds_bucket{method=\"GET\",zone=\"eu\",le=\"0.5\"} 1 1700000000000\n"
      "request_duration_seconds_bucket{method=\"GET\",zone=\"eu\",le=\"1\"} 2 1700000000000\n"
      "request_duration_seconds_bucket{method=\"GET\",zone=\"eu\",le=\"10\"} 3 1700000000000\n"
      "request_duration_seconds_bucket{method=\"GET\",zone=\"eu\",le=\"+Inf\"} 1.234567e+06 "
      "1700000000000\n"
      "request_duration_seconds_sum{method=\"GET\",zone=\"eu\"} 12.5 1700000000000\n"
      "request_duration_seconds_count{method=\"GET\",zone=\"eu\"} 1.234567e+06 1700000000000\n"
      "# HELP rpc_latency_seconds RPC latency\n"
      "# TYPE rpc_latency_seconds summary\n"
      "rpc_latency_seconds{quantile=\"0.5\"} 0.2 1700000000000\n"
      "rpc_latency_seconds{quantile=\"0.99\"} 1 1700000000000\n"
      "rpc_latency_seconds_sum 100 1700000000000\n"
      "rpc_latency_seconds_count 1e+06 1700000000000\n";
  EXPECT_EQ(Expose(MixedBatch(), ExpositionFormat::kText004), want);
}

TEST(ExpositionOpenMetrics, MixedFamilies) {
  // TYPE, UNIT, HELP; counters named without _total; UNIT only when it suffixes the name
  // ("s" does not end request_duration_seconds); HELP escapes the quote too; floats that
  // look like integers get ".0", bucket and count values are integers; le/quantile are
  // canonical floats; timestamps in seconds; # EOF.
  const std::string want =
      "# TYPE claude_code_cost_usage_USD counter\n"
      "# UNIT claude_code_cost_usage_USD USD\n"
      "# HELP claude_code_cost_usage_USD Cost of the session\n"
      "claude_code_cost_usage_USD_total{model=\"haiku\",session_id=\"a\"} 1.0 1700000000.000\n"
      "claude_code_cost_usage_USD_total{model=\"opus\",session_id=\"a\"} 0.035345 "
      "1700000000.123\n"
      "# TYPE process_open_fds gauge\n"
      "# HELP process_open_fds Open \\\"file\\\" descriptors\\\\ and\\nmore\n"
      "process_open_fds{path=\"C:\\\\dir\\n\\\"x\\\"\"} 1e+06 1700000000.007\n"
      "# TYPE request_duration_seconds histogram\n"
      "# HELP request_duration_seconds Request latency.\n"
      "request_duration_seconds_bucket{method=\"GET\",zone=\"eu\",le=\"0.5\"} 1 1700000000.000\n"
      "request_duration_seconds_bucket{method=\"GET\",zone=\"eu\",le=\"1.0\"} 2 1700000000.000\n"
      "request_duration_seconds_bucket{method=\"GET\",zone=\"eu\",le=\"10.0\"} 3 "
      "1700000000.000\n"
      "request_duration_seconds_bucket{method=\"GET\",zone=\"eu\",le=\"+Inf\"} 1234567 "
      "1700000000.000\n"
      "request_duration_seconds_sum{method=\"GET\",zone=\"eu\"} 12.5 1700000000.000\n"
      "request_duration_seconds_count{method=\"GET\",zone=\"eu\"} 1234567 1700000000.000\n"
      "# TYPE rpc_latency_seconds summary\n"
      "# UNIT rpc_latency_seconds seconds\n"
      "# HELP rpc_latency_seconds RPC latency\n"
      "rpc_latency_seconds{quantile=\"0.5\"} 0.2 1700000000.000\n"
      "rpc_latency_seconds{quantile=\"0.99\"} 1.0 1700000000.000\n"
      "rpc_latency_seconds_sum 100.0 1700000000.000\n"
      "rpc_latency_seconds_count 1000000 1700000000.000\n"
      "# EOF\n";
  EXPECT_EQ(Expose(MixedBatch(), ExpositionFormat::kOpenMetrics100), want);
}

TEST(ExpositionText, EmptyHelpUntypedAndNegativeTimestamp) {
  MetricBatch b;
  b.families = {{"legacy", MetricType::kUnknown, "", ""}};
  b.samples = {Sample(L({{"__name__", "legacy"}}), -2.5, -1500)};
  // client_golang writes the HELP line even when the help is empty.
  EXPECT_EQ(Expose(b, ExpositionFormat::kText004),
            "# HELP legacy \n# TYPE legacy untyped\nlegacy -2.5 -1500\n");
  EXPECT_EQ(Expose(b, ExpositionFormat::kOpenMetrics100),
            "# TYPE legacy unknown\nlegacy -2.5 -1.500\n# EOF\n");
}

TEST(ExpositionOpenMetrics, CounterWithoutTotalIsUnknown) {
  MetricBatch b;
  b.families = {{"requests", MetricType::kCounter, "Requests", ""}};
  b.samples = {Sample(L({{"__name__", "requests"}}), 3, 5)};
  EXPECT_EQ(Expose(b, ExpositionFormat::kOpenMetrics100),
            "# TYPE requests unknown\n# HELP requests Requests\nrequests 3.0 0.005\n# EOF\n");
  EXPECT_EQ(Expose(b, ExpositionFormat::kText004),
            "# HELP requests Requests\n# TYPE requests counter\nrequests 3 5\n");
}

TEST(ExpositionOpenMetrics, UnitMustBeAWholeSuffix) {
  MetricBatch b;
  b.families = {{"tokens_total", MetricType::kCounter, "", "s"},  // no "_s" suffix
                {"foo_By", MetricType::kGauge, "", "By"},         // fits
                {"bar_1", MetricType::kGauge, "", "{tok}"},       // not a name token
                {"claude_code_active_time_total_s_total", MetricType::kCounter, "", "s"}};
  b.samples = {Sample(L({{"__name__", "tokens_total"}}), 1, 0, 0),
               Sample(L({{"__name__", "foo_By"}}), 1, 0, 1),
               Sample(L({{"__name__", "bar_1"}}), 1, 0, 2),
               Sample(L({{"__name__", "claude_code_active_time_total_s_total"}}), 1, 0, 3)};
  EXPECT_EQ(Expose(b, ExpositionFormat::kOpenMetrics100),
            "# TYPE bar_1 gauge\nbar_1 1.0 0.000\n"
            "# TYPE claude_code_active_time_total_s counter\n"
            "# UNIT claude_code_active_time_total_s s\n"
            "claude_code_active_time_total_s_total 1.0 0.000\n"
            "# TYPE foo_By gauge\n# UNIT foo_By By\nfoo_By 1.0 0.000\n"
            "# TYPE tokens counter\ntokens_total 1.0 0.000\n"
            "# EOF\n");
}

TEST(ExpositionText, SameFamilyNameFromTwoEntriesIsMergedAndEmptyFamiliesSkipped) {
  MetricBatch b;
  b.families = {{"up", MetricType::kGauge, "first", ""},
                {"unused", MetricType::kGauge, "no samples", ""},
                {"up", MetricType::kGauge, "second", ""}};
  b.samples = {Sample(L({{"__name__", "up"}, {"job", "b"}}), 1, 10, 2),
               Sample(L({{"__name__", "up"}, {"job", "a"}}), 0, 10, 0)};
  EXPECT_EQ(Expose(b, ExpositionFormat::kText004),
            "# HELP up first\n# TYPE up gauge\nup{job=\"a\"} 0 10\nup{job=\"b\"} 1 10\n");
}

TEST(ExpositionText, SeriesSortedByLabelsAndBucketsNumerically) {
  MetricBatch b;
  b.families = {{"h", MetricType::kHistogram, "", ""}};
  for (const char* job : {"b", "a"}) {
    for (const char* le : {"+Inf", "100", "2.5", "20"}) {
      b.samples.push_back(Sample(L({{"__name__", "h_bucket"}, {"job", job}, {"le", le}}), 1, 1));
    }
    b.samples.push_back(Sample(L({{"__name__", "h_count"}, {"job", job}}), 1, 1));
    b.samples.push_back(Sample(L({{"__name__", "h_sum"}, {"job", job}}), 1, 1));
  }
  std::string want = "# HELP h \n# TYPE h histogram\n";
  for (const char* job : {"a", "b"}) {
    for (const char* le : {"2.5", "20", "100", "+Inf"}) {
      want += std::string("h_bucket{job=\"") + job + "\",le=\"" + le + "\"} 1 1\n";
    }
    want += std::string("h_sum{job=\"") + job + "\"} 1 1\n";
    want += std::string("h_count{job=\"") + job + "\"} 1 1\n";
  }
  EXPECT_EQ(Expose(b, ExpositionFormat::kText004), want);
}

// ---- float formatting -----------------------------------------------------------------

// The value token of the single sample line of a one-gauge exposition.
std::string ValueToken(double value, ExpositionFormat format) {
  std::string body = Expose(GaugeBatch("g", {Sample(L({{"__name__", "g"}}), value, 0)}), format);
  size_t line = body.find("\ng ");
  size_t start = line + 3;
  return body.substr(start, body.find(' ', start) - start);
}

TEST(ExpositionFloat, GoFormatFloatTable) {
  struct Case {
    double value;
    const char* text;          // strconv.FormatFloat(v, 'g', -1, 64) via client_golang
    const char* open_metrics;  // the same with ".0" for integral-looking values
  };
  const Case cases[] = {
      {0, "0", "0.0"},
      {-0.0, "0", "0.0"},
      {1, "1", "1.0"},
      {-1, "-1", "-1.0"},
      {42, "42", "42.0"},
      {100000, "100000", "100000.0"},
      {1e6, "1e+06", "1e+06"},
      {1234567, "1.234567e+06", "1.234567e+06"},
      {123456.5, "123456.5", "123456.5"},
      {0.035345, "0.035345", "0.035345"},
      {0.0001, "0.0001", "0.0001"},
      {0.00001, "1e-05", "1e-05"},
      {0.1 + 0.2, "0.30000000000000004", "0.30000000000000004"},
      {-2.5, "-2.5", "-2.5"},
      {9007199254740992.0, "9.007199254740992e+15", "9.007199254740992e+15"},
      {1.5e300, "1.5e+300", "1.5e+300"},
      {5e-324, "5e-324", "5e-324"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e+308", "1.7976931348623157e+308"},
      {std::numeric_limits<double>::infinity(), "+Inf", "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf", "-Inf"},
      {std::nan(""), "NaN", "NaN"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ValueToken(c.value, ExpositionFormat::kText004), c.text) << c.text;
    EXPECT_EQ(ValueToken(c.value, ExpositionFormat::kOpenMetrics100), c.open_metrics) << c.text;
  }
}

TEST(ExpositionFloat, OpenMetricsCanonicalBucketBounds) {
  // OpenMetrics' "Canonical Numbers" examples, from le values as the text format has them.
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"0", "0.0"},
      {"0.001", "0.001"},
      {"0.95", "0.95"},
      {"1", "1.0"},
      {"1.7", "1.7"},
      {"10", "10.0"},
      {"1e-10", "1e-10"},
      {"1e-05", "1e-05"},
      {"0.0001", "0.0001"},
      {"100000", "100000.0"},
      {"1e+06", "1e+06"},
      {"+Inf", "+Inf"},
      {"not-a-number", "not-a-number"},
  };
  for (const auto& [in, want] : cases) {
    MetricBatch b;
    b.families = {{"h", MetricType::kHistogram, "", ""}};
    b.samples = {Sample(L({{"__name__", "h_bucket"}, {"le", in}}), 0, 0)};
    EXPECT_EQ(Expose(b, ExpositionFormat::kOpenMetrics100),
              std::string("# TYPE h histogram\nh_bucket{le=\"") + want + "\"} 0 0.000\n# EOF\n")
        << in;
  }
}

TEST(ExpositionFloat, OpenMetricsNonIntegralCountsStayFloats) {
  MetricBatch b;
  b.families = {{"h", MetricType::kHistogram, "", ""}};
  b.samples = {Sample(L({{"__name__", "h_count"}}), 2.5, 0),
               Sample(L({{"__name__", "h_sum"}}), 3, 0)};
  EXPECT_EQ(Expose(b, ExpositionFormat::kOpenMetrics100),
            "# TYPE h histogram\nh_sum 3.0 0.000\nh_count 2.5 0.000\n# EOF\n");
}

// ---- content negotiation --------------------------------------------------------------

TEST(ExpositionNegotiation, AcceptHeaders) {
  const ExpositionFormat kText = ExpositionFormat::kText004;
  const ExpositionFormat kOm = ExpositionFormat::kOpenMetrics100;
  const std::vector<std::pair<const char*, ExpositionFormat>> cases = {
      {"", kText},
      {"*/*", kText},
      {"text/plain", kText},
      {"text/plain;version=0.0.4", kText},
      {"application/openmetrics-text", kOm},
      {"application/openmetrics-text; version=1.0.0; charset=utf-8", kOm},
      {"APPLICATION/OpenMetrics-Text;Version=\"1.0.0\"", kOm},
      {"application/openmetrics-text;version=0.0.1", kText},
      {"application/openmetrics-text;version=2.0.0", kText},
      // Prometheus 2.x scrape Accept header.
      {"application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
       "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
       kOm},
      // Prometheus 3.x scrape Accept header.
      {"application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
       "application/openmetrics-text;version=0.0.1;q=0.4,"
       "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
       "text/plain;version=0.0.4;q=0.2,*/*;q=0.1",
       kOm},
      {"text/plain;version=0.0.4;q=0.9, application/openmetrics-text;q=0.5", kText},
      {"text/plain;q=0.5, application/openmetrics-text;q=0.5", kOm},  // tie: OpenMetrics
      {"application/openmetrics-text;q=0.5, text/plain", kText},
      {"application/openmetrics-text;q=0", kText},
      {"application/openmetrics-text;q=abc", kText},
      {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", kText},
      {"application/openmetrics-text;q=0.2, */*", kOm},
      {" , ;;, application/openmetrics-text", kOm},
  };
  for (const auto& [accept, want] : cases) {
    EXPECT_EQ(NegotiateExpositionFormat(accept), want) << accept;
  }
}

TEST(ExpositionNegotiation, ContentTypes) {
  EXPECT_EQ(ContentTypeFor(ExpositionFormat::kText004), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(ContentTypeFor(ExpositionFormat::kOpenMetrics100),
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

// ---- registry -------------------------------------------------------------------------

Labels Series(const char* session) {
  return L({{"__name__", "sessions"}, {"session_id", session}});
}

// Value and timestamp of the one series in the registry's snapshot at `now`.
std::pair<double, int64_t> Only(const ExpositionRegistry& registry, int64_t now) {
  MetricBatch snapshot = registry.Snapshot(now);
  EXPECT_EQ(snapshot.samples.size(), 1u);
  if (snapshot.samples.empty()) return {std::nan(""), 0};
  return {snapshot.samples[0].value, snapshot.samples[0].timestamp_ms};
}

TEST(ExpositionRegistry, LatestSampleWinsOlderIgnoredEqualOverwrites) {
  ExpositionRegistry registry;
  ASSERT_TRUE(
      registry.AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 1, 1000)}), kT0).ok());
  ASSERT_TRUE(
      registry.AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 2, 2000)}), kT0).ok());
  EXPECT_EQ(Only(registry, kT0), std::make_pair(2.0, int64_t{2000}));
  ASSERT_TRUE(
      registry.AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 3, 1500)}), kT0).ok());
  EXPECT_EQ(Only(registry, kT0), std::make_pair(2.0, int64_t{2000}));
  ASSERT_TRUE(
      registry.AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 4, 2000)}), kT0).ok());
  EXPECT_EQ(Only(registry, kT0), std::make_pair(4.0, int64_t{2000}));
  // Within one batch the later sample of equal timestamp wins as well.
  ASSERT_TRUE(registry
                  .AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 5, 3000),
                                                           Sample(Series("a"), 6, 3000)}),
                                   kT0)
                  .ok());
  EXPECT_EQ(Only(registry, kT0), std::make_pair(6.0, int64_t{3000}));
  EXPECT_EQ(registry.size(), 1u);
}

TEST(ExpositionRegistry, ExpiresSeriesNotUpdatedForTheExpiration) {
  using std::chrono::minutes;
  const int64_t ten_min = 10 * 60 * 1000;
  ExpositionRegistry registry(minutes(10));
  ASSERT_TRUE(
      registry.AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 1, 1)}), kT0).ok());
  ASSERT_TRUE(
      registry
          .AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("b"), 1, 1)}), kT0 + ten_min / 2)
          .ok());
  // An ignored (older) sample does not count as an update.
  ASSERT_TRUE(
      registry
          .AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 9, 0)}), kT0 + ten_min / 2)
          .ok());
  EXPECT_EQ(registry.Snapshot(kT0 + ten_min).samples.size(), 2u);  // exactly 10 min: kept
  EXPECT_EQ(registry.Expire(kT0 + ten_min), 0u);

  // Past the expiration, "a" is no longer exposed even before Expire() runs.
  std::string body;
  registry.AppendExposition(ExpositionFormat::kText004, kT0 + ten_min + 1, &body);
  EXPECT_EQ(body,
            "# HELP sessions help of sessions\n# TYPE sessions gauge\n"
            "sessions{session_id=\"b\"} 1 1\n");
  EXPECT_EQ(registry.size(), 2u);
  EXPECT_EQ(registry.Expire(kT0 + ten_min + 1), 1u);
  EXPECT_EQ(registry.size(), 1u);
  EXPECT_EQ(registry.Expire(kT0 + ten_min + ten_min / 2 + 1), 1u);
  EXPECT_EQ(registry.size(), 0u);
}

TEST(ExpositionRegistry, UpdateRefreshesExpiryAndExpiredSeriesAcceptsAnySample) {
  using std::chrono::minutes;
  const int64_t minute = 60 * 1000;
  ExpositionRegistry registry(minutes(10));
  ASSERT_TRUE(
      registry.AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 1, 100)}), kT0).ok());
  ASSERT_TRUE(
      registry
          .AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 2, 200)}), kT0 + 9 * minute)
          .ok());
  EXPECT_EQ(Only(registry, kT0 + 15 * minute), std::make_pair(2.0, int64_t{200}));
  // Expired but not yet dropped: an older sample starts the series afresh.
  ASSERT_TRUE(
      registry
          .AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 3, 50)}), kT0 + 30 * minute)
          .ok());
  EXPECT_EQ(Only(registry, kT0 + 30 * minute), std::make_pair(3.0, int64_t{50}));
}

TEST(ExpositionRegistry, DefaultExpirationIsThreeHours) {
  ExpositionRegistry registry;
  const int64_t three_hours = 180 * 60 * 1000;
  ASSERT_TRUE(
      registry.AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 1, 1)}), kT0).ok());
  EXPECT_EQ(registry.Expire(kT0 + three_hours), 0u);
  EXPECT_EQ(registry.Expire(kT0 + three_hours + 1), 1u);
}

TEST(ExpositionRegistry, StaleNaNRemovesTheSeries) {
  ExpositionRegistry registry;
  ASSERT_TRUE(registry
                  .AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 1, 1000),
                                                           Sample(Series("b"), 1, 1000)}),
                                   kT0)
                  .ok());
  // A marker older than the held sample is ignored, like any older sample.
  ASSERT_TRUE(
      registry.AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), StaleNaN(), 999)}), kT0)
          .ok());
  EXPECT_EQ(registry.size(), 2u);
  ASSERT_TRUE(
      registry.AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), StaleNaN(), 1000)}), kT0)
          .ok());
  EXPECT_EQ(registry.size(), 1u);
  // A marker for an unknown series creates nothing; an ordinary NaN is a value.
  ASSERT_TRUE(
      registry.AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("c"), StaleNaN(), 1000)}), kT0)
          .ok());
  ASSERT_TRUE(
      registry
          .AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("b"), std::nan(""), 2000)}), kT0)
          .ok());
  EXPECT_EQ(registry.size(), 1u);
  EXPECT_TRUE(std::isnan(Only(registry, kT0).first));
}

TEST(ExpositionRegistry, LatestFamilyMetadataWins) {
  ExpositionRegistry registry;
  MetricBatch first = GaugeBatch("sessions", {Sample(Series("a"), 1, 1)});
  MetricBatch second = GaugeBatch("sessions", {Sample(Series("b"), 2, 1)});
  second.families[0].help = "Sessions, described better";
  ASSERT_TRUE(registry.AppendMetricsAt(first, kT0).ok());
  ASSERT_TRUE(registry.AppendMetricsAt(second, kT0).ok());
  std::string body;
  registry.AppendExposition(ExpositionFormat::kText004, kT0, &body);
  EXPECT_EQ(body,
            "# HELP sessions Sessions, described better\n# TYPE sessions gauge\n"
            "sessions{session_id=\"a\"} 1 1\nsessions{session_id=\"b\"} 2 1\n");
}

TEST(ExpositionRegistry, InvalidBatchChangesNothing) {
  ExpositionRegistry registry;
  MetricBatch bad = GaugeBatch("sessions", {Sample(Series("a"), 1, 1)});
  bad.samples.push_back(Sample(Series("b"), 1, 1, /*family=*/7));
  Status status = registry.AppendMetricsAt(bad, kT0);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("session_id=\"b\""), std::string::npos) << status.message();
  MetricBatch unnamed = GaugeBatch("sessions", {Sample(L({{"job", "x"}}), 1, 1)});
  EXPECT_EQ(registry.AppendMetricsAt(unnamed, kT0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.size(), 0u);
}

TEST(ExpositionRegistry, SelfMetricsAreIncludedInEveryExposition) {
  ExpositionRegistry registry;
  ASSERT_TRUE(
      registry.AppendMetricsAt(GaugeBatch("sessions", {Sample(Series("a"), 1, 5)}), kT0).ok());
  int calls = 0;
  registry.SetSelfMetricsProvider([&calls](MetricBatch* batch) {
    ++calls;
    batch->families.push_back({"otelite_exporter_series", MetricType::kGauge, "Series held", ""});
    batch->samples.push_back(Sample(L({{"__name__", "otelite_exporter_series"}}), 1, kT0));
  });
  std::string body;
  registry.AppendExposition(ExpositionFormat::kOpenMetrics100, kT0, &body);
  EXPECT_EQ(body,
            "# TYPE otelite_exporter_series gauge\n# HELP otelite_exporter_series Series held\n"
            "otelite_exporter_series 1.0 1700000000.000\n"
            "# TYPE sessions gauge\n# HELP sessions help of sessions\n"
            "sessions{session_id=\"a\"} 1.0 0.005\n# EOF\n");
  body.clear();
  registry.AppendExposition(ExpositionFormat::kText004, kT0, &body);
  EXPECT_EQ(calls, 2);
  EXPECT_NE(body.find("otelite_exporter_series 1 1700000000000\n"), std::string::npos);
  registry.SetSelfMetricsProvider(nullptr);
  EXPECT_EQ(registry.Snapshot(kT0).samples.size(), 1u);
}

TEST(ExpositionRegistry, ConcurrentAppendsAndScrapes) {
  ExpositionRegistry registry;
  constexpr int kThreads = 4;
  constexpr int kBatches = 200;
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done.load()) {
      std::string body;
      registry.AppendExposition(ExpositionFormat::kOpenMetrics100, kT0, &body);
      ASSERT_EQ(body.substr(body.size() - 6), "# EOF\n");
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&registry, t] {
      for (int i = 0; i < kBatches; ++i) {
        MetricBatch batch = GaugeBatch("sessions", {});
        for (int s = 0; s < 10; ++s) {
          std::string id = std::to_string(t) + "-" + std::to_string(s);
          batch.samples.push_back(Sample(Series(id.c_str()), i, i));
        }
        ASSERT_TRUE(registry.AppendMetricsAt(batch, kT0).ok());
      }
    });
  }
  for (auto& w : writers) w.join();
  done.store(true);
  scraper.join();
  MetricBatch snapshot = registry.Snapshot(kT0);
  ASSERT_EQ(snapshot.samples.size(), static_cast<size_t>(kThreads * 10));
  for (const MetricSample& s : snapshot.samples) EXPECT_EQ(s.value, kBatches - 1);
}

// ---- real parsers: Debian's promtool --------------------------------------------------

constexpr const char* kPromtool = "/usr/bin/promtool";

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) result.output.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

class ExpositionPromtool : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPromtool)) GTEST_SKIP() << kPromtool << " not installed";
    std::string pattern = ::testing::TempDir() + "exposition_promtool_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string Write(const std::string& name, const std::string& body) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << body;
    return path;
  }
  // `promtool check metrics` parses the text format and lints it: exit 0 clean, 3 lint
  // findings only (naming advice, missing help), 1 when it could not parse the input.
  CommandResult CheckText(const std::string& body) {
    return RunCommand(std::string(kPromtool) + " check metrics < " + Write("metrics.txt", body));
  }
  // promtool has no OpenMetrics linter; backfilling runs Prometheus' OpenMetrics parser
  // over the whole input (and requires # EOF and timestamps). Dumping the blocks shows
  // what was understood.
  CommandResult ImportOpenMetrics(const std::string& body, const std::string& name) {
    std::string blocks = dir_ + "/" + name;
    return RunCommand(std::string(kPromtool) + " tsdb create-blocks-from openmetrics -q " +
                      Write(name + ".om", body) + " " + blocks);
  }
  CommandResult Dump(const std::string& name) {
    std::string blocks = dir_ + "/" + name;
    std::filesystem::create_directories(blocks + "/wal");  // dump opens the DB with a WAL
    return RunCommand(std::string(kPromtool) + " tsdb dump " + blocks);
  }
  std::string dir_;
};

TEST_F(ExpositionPromtool, CheckMetricsAcceptsTextFormat) {
  MetricBatch batch = MixedBatch();
  batch.families.push_back({"legacy", MetricType::kUnknown, "", ""});
  batch.samples.push_back(Sample(L({{"__name__", "legacy"}, {"x", "\\"}}), std::nan(""), kT0,
                                 static_cast<uint32_t>(batch.families.size() - 1)));
  CommandResult result = CheckText(Expose(batch, ExpositionFormat::kText004));
  EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 3) << result.output;
  EXPECT_EQ(result.output.find("error"), std::string::npos) << result.output;
}

TEST_F(ExpositionPromtool, CheckMetricsRejectsBrokenText) {
  // Negative control: the check above would notice a parse error.
  CommandResult result = CheckText("# TYPE x gauge\nx{a=\"b} 1 2\n");
  EXPECT_EQ(result.exit_code, 1) << result.output;
}

TEST_F(ExpositionPromtool, OpenMetricsParserAcceptsOpenMetrics) {
  CommandResult imported =
      ImportOpenMetrics(Expose(MixedBatch(), ExpositionFormat::kOpenMetrics100), "mixed");
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  CommandResult dump = Dump("mixed");
  ASSERT_EQ(dump.exit_code, 0) << dump.output;
  // Timestamps in seconds came back as the original milliseconds; le is canonical.
  for (const char* line : {
           "{__name__=\"claude_code_cost_usage_USD_total\", model=\"opus\", session_id=\"a\"} "
           "0.035345 1700000000123\n",
           "{__name__=\"process_open_fds\", path=\"C:\\\\dir\\n\\\"x\\\"\"} 1e+06 1700000000007\n",
           "{__name__=\"request_duration_seconds_bucket\", le=\"1.0\", method=\"GET\", "
           "zone=\"eu\"} 2 1700000000000\n",
           "{__name__=\"rpc_latency_seconds_count\"} 1e+06 1700000000000\n",
       }) {
    EXPECT_NE(dump.output.find(line), std::string::npos) << line << "\nin:\n" << dump.output;
  }
}

TEST_F(ExpositionPromtool, OpenMetricsParserRejectsBrokenInput) {
  // Negative control: without # EOF the OpenMetrics parser refuses the input.
  std::string body = Expose(MixedBatch(), ExpositionFormat::kOpenMetrics100);
  body.resize(body.size() - 6);
  EXPECT_NE(ImportOpenMetrics(body, "broken").exit_code, 0);
}

}  // namespace
}  // namespace otelite
