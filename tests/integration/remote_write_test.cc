// The remote-write receiver on :9090 over real HTTP: a snappy protobuf WriteRequest is stored
// (seen through the Prometheus API), bad bodies get the status Prometheus gives, partly invalid
// requests store the valid part and say what was refused; and Debian's Prometheus, scraping
// otelite's exporter and remote-writing to it, delivers its samples.
#include <gtest/gtest.h>
#include <snappy.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/units.h"
#include "harness.h"
#include "prometheus/remote.pb.h"

namespace otelite::testing {
namespace {

void AddSeries(prometheus::WriteRequest* req,
               std::vector<std::pair<std::string, std::string>> labels,
               std::vector<std::pair<int64_t, double>> samples) {
  auto* ts = req->add_timeseries();
  for (auto& [n, v] : labels) {
    auto* l = ts->add_labels();
    l->set_name(n);
    l->set_value(v);
  }
  for (auto& [t, v] : samples) {
    auto* s = ts->add_samples();
    s->set_timestamp(t);
    s->set_value(v);
  }
}

HttpResult Write(const OteliteProcess& p, const prometheus::WriteRequest& req,
                 std::map<std::string, std::string> headers = {
                     {"Content-Encoding", "snappy"}, {"Content-Type", "application/x-protobuf"}}) {
  std::string body;
  snappy::Compress(req.SerializeAsString().data(), req.ByteSizeLong(), &body);
  return HttpCall(p.prometheus_port(), "POST", "/api/v1/write", body, headers);
}

TEST(RemoteWrite, StoresSamplesAndRefusesBadInputLikePrometheus) {
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  const int64_t now = NowUnixMillis();
  prometheus::WriteRequest req;
  AddSeries(&req, {{"__name__", "rw_metric"}, {"job", "remote"}},
            {{now - 2000, 1}, {now - 1000, 2}});
  auto ok = Write(*p, req);
  EXPECT_EQ(ok.status, 204) << ok.body;
  auto series = HttpCall(p->prometheus_port(), "GET", "/api/v1/series?match[]=rw_metric");
  EXPECT_NE(series.body.find("\"job\":\"remote\""), std::string::npos) << series.body;

  // Not snappy, wrong encoding, remote-write 2.0, garbage protobuf.
  auto plain = HttpCall(p->prometheus_port(), "POST", "/api/v1/write", "plain",
                        {{"Content-Encoding", "snappy"}});
  EXPECT_EQ(plain.status, 400);
  EXPECT_NE(plain.body.find("snappy"), std::string::npos) << plain.body;
  EXPECT_EQ(Write(*p, req, {{"Content-Type", "application/x-protobuf"}}).status, 415);
  EXPECT_EQ(Write(*p, req,
                  {{"Content-Encoding", "snappy"},
                   {"Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request"}})
                .status,
            415);
  std::string garbage;
  snappy::Compress("\xff\xff\xff\xff", 4, &garbage);
  auto bad = HttpCall(p->prometheus_port(), "POST", "/api/v1/write", garbage,
                      {{"Content-Encoding", "snappy"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("not a protobuf prometheus.WriteRequest"), std::string::npos) << bad.body;

  // A request with one bad series and one good one: the good one is stored, 400 says why.
  prometheus::WriteRequest mixed;
  AddSeries(&mixed, {{"__name__", "rw_dup"}, {"a", "1"}, {"a", "2"}}, {{now, 1}});
  AddSeries(&mixed, {{"job", "no-name"}}, {{now, 1}});
  AddSeries(&mixed, {{"__name__", "rw_good"}}, {{now, 5}});
  auto partial = Write(*p, mixed);
  EXPECT_EQ(partial.status, 400);
  EXPECT_NE(partial.body.find("1 of 3 samples stored; 2 series refused"), std::string::npos)
      << partial.body;
  EXPECT_NE(partial.body.find("duplicate label name \"a\""), std::string::npos) << partial.body;
  EXPECT_NE(partial.body.find("no __name__ label"), std::string::npos) << partial.body;
  auto good = HttpCall(p->prometheus_port(), "GET", "/api/v1/series?match[]=rw_good");
  EXPECT_NE(good.body.find("rw_good"), std::string::npos) << good.body;
}

TEST(RemoteWrite, DebianPrometheusRemoteWritesIntoOtelite) {
  if (!std::filesystem::exists("/usr/bin/prometheus")) {
    GTEST_SKIP() << "Debian's prometheus is not installed (make deps installs it)";
  }
  std::string error;
  auto p = OteliteProcess::Start({}, &error);
  ASSERT_NE(p, nullptr) << error;
  char tmpl[] = "/tmp/otelite-rw-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  std::ofstream(dir + "/prometheus.yml") << SelfScrapeRemoteWriteConfig(*p);
  const int port = FreePort();
  BackgroundCommand prometheus({"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
                                "--storage.tsdb.path=" + dir + "/data",
                                "--web.listen-address=127.0.0.1:" + std::to_string(port)});
  bool seen = false;
  for (int i = 0; i < 300 && !seen; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto r = HttpCall(p->prometheus_port(), "GET",
                      "/api/v1/series?match[]=otelite_build_info%7Bjob%3D%22otelite-self%22%7D");
    seen = r.body.find("\"instance\":\"127.0.0.1:" + std::to_string(p->exporter_port()) + "\"") !=
           std::string::npos;
  }
  prometheus.Stop();
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(seen) << "Prometheus's scrape of otelite's exporter did not arrive by remote write";
  // Scrape-time series (up, scrape_duration_seconds) came along too.
  auto up = HttpCall(p->prometheus_port(), "GET", "/api/v1/label/__name__/values");
  EXPECT_NE(up.body.find("\"up\""), std::string::npos) << up.body;
}

}  // namespace
}  // namespace otelite::testing
