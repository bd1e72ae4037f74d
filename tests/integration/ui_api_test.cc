// The UI listener's JSON API over its real port (docs/ui.md): Grafana's dashboard API subset
// (search, get, import with Grafana's 412 rules, delete, persistence across restarts), the data
// endpoints (panel query over data sent by OTLP, variable options, raw queries), provisioning
// from --dashboards, login (401 / Basic / Viewer 403) and bad input.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sodium.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/units.h"
#include "integration/harness.h"

namespace otelite::testing {
namespace {

const std::map<std::string, std::string> kJson = {{"Content-Type", "application/json"}};

std::string Basic(const std::string& user, const std::string& password) {
  std::string plain = user + ":" + password;
  std::string out(sodium_base64_ENCODED_LEN(plain.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), sodium_base64_VARIANT_ORIGINAL);
  return "Basic " + std::string(out.c_str());
}

// One Claude Code cost data point (delta) of `usd` for `model`, `minutes_ago` before now.
std::string CostPoint(double usd, const std::string& model, int minutes_ago) {
  const int64_t end = NowUnixNanos() - int64_t{minutes_ago} * 60'000'000'000;
  const int64_t start = end - 60'000'000'000;
  return R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}}]},
    "scopeMetrics":[{"metrics":[{"name":"claude_code.cost.usage","unit":"USD","sum":{"aggregationTemporality":1,"isMonotonic":true,
    "dataPoints":[{"startTimeUnixNano":")" +
         std::to_string(start) + R"(","timeUnixNano":")" + std::to_string(end) +
         R"(","asDouble":)" + std::to_string(usd) +
         R"(,"attributes":[{"key":"model","value":{"stringValue":")" + model +
         R"("}},{"key":"session.id","value":{"stringValue":"s-)" + model + R"("}}]}]}}]}]}]})";
}

class UiApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    p_ = OteliteProcess::Start({}, &error);
    ASSERT_NE(p_, nullptr) << error;
  }
  HttpResult Get(const std::string& target) { return HttpCall(p_->ui_port(), "GET", target); }
  HttpResult Post(const std::string& target, const std::string& body) {
    return HttpCall(p_->ui_port(), "POST", target, body, kJson);
  }
  std::unique_ptr<OteliteProcess> p_;
};

TEST_F(UiApiTest, SearchAndGetTheBuiltinDashboards) {
  auto health = Get("/api/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(health.body.find(R"("database":"ok")"), std::string::npos);

  auto all = ParseJson(Get("/api/search"));
  ASSERT_TRUE(all.IsArray());
  std::set<std::string> uids;
  for (const auto& hit : all.GetArray()) uids.insert(hit["uid"].GetString());
  EXPECT_TRUE(uids.contains("claude-code-personal"));
  EXPECT_TRUE(uids.contains("claude-code-deep"));

  auto deep = ParseJson(Get("/api/search?query=deep&type=dash-db"));
  ASSERT_TRUE(deep.IsArray());
  ASSERT_EQ(deep.Size(), 1u);
  EXPECT_STREQ(deep[0]["uid"].GetString(), "claude-code-deep");
  EXPECT_STREQ(deep[0]["type"].GetString(), "dash-db");
  EXPECT_EQ(std::string(deep[0]["url"].GetString()).rfind("/d/claude-code-deep/", 0), 0u);

  auto overview = ParseJson(Get("/api/dashboards/uid/claude-code-personal"));
  ASSERT_TRUE(overview.IsObject());
  EXPECT_STREQ(overview["dashboard"]["uid"].GetString(), "claude-code-personal");
  EXPECT_TRUE(overview["dashboard"]["panels"].IsArray());
  EXPECT_STREQ(overview["meta"]["type"].GetString(), "db");

  auto missing = Get("/api/dashboards/uid/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"message":"Dashboard not found"})");
  EXPECT_EQ(Get("/api/search?type=weird").status, 400);
  EXPECT_EQ(Get("/api/search?limit=x").status, 400);
}

TEST_F(UiApiTest, ImportFollowsGrafanasRulesAndSurvivesARestart) {
  const std::string dashboard =
      R"j({"dashboard":{"uid":"mine","title":"Mine","tags":["t1"],"panels":[{"id":1,"type":"stat","title":"S","targets":[{"expr":"vector(42)"}]}]},"overwrite":false})j";
  auto saved = Post("/api/dashboards/db", dashboard);
  ASSERT_EQ(saved.status, 200) << saved.body;
  auto s = ParseJson(saved);
  EXPECT_STREQ(s["uid"].GetString(), "mine");
  EXPECT_STREQ(s["status"].GetString(), "success");
  EXPECT_EQ(s["version"].GetInt64(), 1);

  // The same title again without overwrite: Grafana's 412s.
  auto again =
      Post("/api/dashboards/db", R"({"dashboard":{"title":"Mine","panels":[]},"overwrite":false})");
  EXPECT_EQ(again.status, 412) << again.body;
  EXPECT_NE(again.body.find("name-exists"), std::string::npos);
  auto stale = Post("/api/dashboards/db",
                    R"({"dashboard":{"uid":"mine","title":"Mine","version":7,"panels":[]}})");
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_NE(stale.body.find("version-mismatch"), std::string::npos);
  auto overwritten = Post(
      "/api/dashboards/db",
      R"j({"dashboard":{"uid":"mine","title":"Mine","panels":[{"id":1,"type":"stat","title":"S","targets":[{"expr":"vector(43)"}]}]},"overwrite":true})j");
  ASSERT_EQ(overwritten.status, 200) << overwritten.body;
  EXPECT_EQ(ParseJson(overwritten)["version"].GetInt64(), 2);

  // Builtin dashboards cannot be overwritten; bad bodies are 400 with a reason.
  auto builtin =
      Post("/api/dashboards/db",
           R"({"dashboard":{"uid":"claude-code-deep","title":"X","panels":[]},"overwrite":true})");
  EXPECT_EQ(builtin.status, 403) << builtin.body;
  auto not_json = Post("/api/dashboards/db", "{");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_NE(not_json.body.find("message"), std::string::npos);
  auto no_panels = Post("/api/dashboards/db", R"({"dashboard":{"title":"P"}})");
  EXPECT_EQ(no_panels.status, 400);
  EXPECT_NE(no_panels.body.find("panels"), std::string::npos) << no_panels.body;

  // The imported dashboard's panel runs.
  auto panel = ParseJson(Post("/api/panels/query",
                              R"({"dashboardUid":"mine","panelId":1,"from":"now-1h","to":"now"})"));
  ASSERT_TRUE(panel.IsObject());
  const auto& values = panel["frames"][0]["data"]["values"];
  EXPECT_EQ(values[1][0].GetDouble(), 43);

  // A restart on the same data keeps it.
  const std::string data = p_->data_dir();
  p_->Stop();
  std::string error;
  auto restarted = OteliteProcess::Start({}, &error, data);
  ASSERT_NE(restarted, nullptr) << error;
  auto kept = ParseJson(HttpCall(restarted->ui_port(), "GET", "/api/dashboards/uid/mine"));
  ASSERT_TRUE(kept.IsObject());
  EXPECT_EQ(kept["dashboard"]["version"].GetInt64(), 2);
  auto deleted = HttpCall(restarted->ui_port(), "DELETE", "/api/dashboards/uid/mine");
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(HttpCall(restarted->ui_port(), "GET", "/api/dashboards/uid/mine").status, 404);
  EXPECT_EQ(HttpCall(restarted->ui_port(), "DELETE", "/api/dashboards/uid/claude-code-deep").status,
            403);
}

TEST_F(UiApiTest, PanelsShowWhatWasSentOverOtlp) {
  for (auto [usd, model] : {std::pair{1.25, "opus"}, {0.5, "sonnet"}}) {
    auto r = HttpCall(p_->http_port(), "POST", "/v1/metrics", CostPoint(usd, model, 3), kJson);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // The Overview's Total Cost (found by title, not by id).
  auto dashboard = ParseJson(Get("/api/dashboards/uid/claude-code-personal"));
  int64_t total_cost_id = -1;
  for (const auto& panel : dashboard["dashboard"]["panels"].GetArray()) {
    if (std::string(panel["title"].GetString()) == "Total Cost")
      total_cost_id = panel["id"].GetInt64();
  }
  ASSERT_GE(total_cost_id, 0);
  rapidjson::Document result;
  for (int attempt = 0; attempt < 50; ++attempt) {
    result = ParseJson(Post("/api/panels/query",
                            R"({"dashboardUid":"claude-code-personal","panelId":)" +
                                std::to_string(total_cost_id) + R"(,"from":"now-1h","to":"now"})"));
    if (result.IsObject() && result["frames"].Size() == 1 &&
        !result["frames"][0]["data"]["values"][1][0].IsNull() &&
        result["frames"][0]["data"]["values"][1][0].GetDouble() > 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(result.IsObject());
  ASSERT_EQ(result["frames"].Size(), 1u);
  EXPECT_NEAR(result["frames"][0]["data"]["values"][1][0].GetDouble(), 1.75, 1e-9);
  EXPECT_STREQ(result["queries"][0]["kind"].GetString(), "instant");
  // The interpolated query is reported (the click-through to Explore uses it).
  EXPECT_EQ(std::string(result["queries"][0]["expr"].GetString()).find("$__range"),
            std::string::npos);

  // A template variable narrows it.
  auto sonnet = ParseJson(Post(
      "/api/panels/query", R"({"dashboardUid":"claude-code-personal","panelId":)" +
                               std::to_string(total_cost_id) +
                               R"(,"from":"now-1h","to":"now","variables":{"model":["sonnet"]}})"));
  EXPECT_NEAR(sonnet["frames"][0]["data"]["values"][1][0].GetDouble(), 0.5, 1e-9);

  // The session variable's options come from the data (label_values of the cost metric).
  auto options = ParseJson(Post(
      "/api/variables/options",
      R"({"dashboardUid":"claude-code-personal","name":"session","from":"now-1h","to":"now"})"));
  ASSERT_TRUE(options.IsObject());
  std::set<std::string> values;
  for (const auto& o : options["options"].GetArray()) values.insert(o["value"].GetString());
  EXPECT_TRUE(values.contains("s-opus"));
  EXPECT_TRUE(values.contains("s-sonnet"));

  // Raw queries in Grafana's shape; one failing query does not fail the others.
  auto raw = ParseJson(Post("/api/ds/query", R"j({"from":"now-1h","to":"now","queries":[
      {"refId":"A","datasource":{"type":"prometheus","uid":"prometheus"},"expr":"sum(last_over_time(claude_code_cost_usage_USD_total[1h]))","instant":true},
      {"refId":"B","datasource":{"type":"prometheus"},"expr":"sum(","instant":true}]})j"));
  ASSERT_TRUE(raw.IsObject());
  EXPECT_EQ(raw["results"]["A"]["status"].GetInt(), 200);
  EXPECT_NEAR(raw["results"]["A"]["frames"][0]["data"]["values"][1][0].GetDouble(), 1.75, 1e-9);
  EXPECT_EQ(raw["results"]["B"]["status"].GetInt(), 400);
  EXPECT_NE(std::string(raw["results"]["B"]["error"].GetString()).find("parse error"),
            std::string::npos);
}

TEST_F(UiApiTest, BadRequestsNameWhatIsWrong) {
  auto not_json = Post("/api/panels/query", "nope");
  EXPECT_EQ(not_json.status, 400);
  auto bad_id = Post("/api/panels/query", R"({"dashboardUid":"claude-code-deep","panelId":"x"})");
  EXPECT_EQ(bad_id.status, 400);
  EXPECT_NE(bad_id.body.find("panelId"), std::string::npos) << bad_id.body;
  auto no_dashboard = Post("/api/panels/query", R"({"dashboardUid":"none","panelId":1})");
  EXPECT_EQ(no_dashboard.status, 404);
  auto no_panel =
      Post("/api/panels/query", R"({"dashboardUid":"claude-code-deep","panelId":99999})");
  EXPECT_EQ(no_panel.status, 404);
  auto bad_time = Post("/api/panels/query",
                       R"({"dashboardUid":"claude-code-deep","panelId":1,"from":"now-3x"})");
  EXPECT_EQ(bad_time.status, 400);
  EXPECT_NE(bad_time.body.find("now-3x"), std::string::npos) << bad_time.body;
  auto no_var =
      Post("/api/variables/options", R"({"dashboardUid":"claude-code-deep","name":"nope"})");
  EXPECT_EQ(no_var.status, 404) << no_var.body;
  EXPECT_EQ(Post("/api/ds/query", R"({"queries":3})").status, 400);
  // The server is still fine.
  EXPECT_EQ(Get("/api/health").status, 200);
}

TEST(UiApiAuth, LoginProtectsEveryApiRouteAndViewersCannotWrite) {
  std::string error;
  auto p = OteliteProcess::Start(
      {"--ui.auth", "on", "--ui.admin_password", "pw", "--ui.viewer_password", "look"}, &error);
  ASSERT_NE(p, nullptr) << error;
  for (const char* target : {"/api/search", "/api/dashboards/uid/claude-code-deep", "/api/user",
                             "/api/datasources", "/api/folders"}) {
    auto r = HttpCall(p->ui_port(), "GET", target);
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_EQ(r.body, R"({"message":"Unauthorized"})") << target;
  }
  EXPECT_EQ(HttpCall(p->ui_port(), "POST", "/api/panels/query", "{}", kJson).status, 401);
  EXPECT_EQ(HttpCall(p->ui_port(), "GET", "/api/health").status, 200);

  auto admin =
      HttpCall(p->ui_port(), "GET", "/api/search", "", {{"Authorization", Basic("admin", "pw")}});
  EXPECT_EQ(admin.status, 200);
  auto viewer_read = HttpCall(p->ui_port(), "GET", "/api/dashboards/uid/claude-code-deep", "",
                              {{"Authorization", Basic("viewer", "look")}});
  EXPECT_EQ(viewer_read.status, 200);
  auto meta = ParseJson(viewer_read);
  EXPECT_FALSE(meta["meta"]["canSave"].GetBool());
  auto viewer_write = HttpCall(
      p->ui_port(), "POST", "/api/dashboards/db", R"({"dashboard":{"title":"v","panels":[]}})",
      {{"Authorization", Basic("viewer", "look")}, {"Content-Type", "application/json"}});
  EXPECT_EQ(viewer_write.status, 403);

  auto login =
      HttpCall(p->ui_port(), "POST", "/login", R"({"user":"admin","password":"pw"})", kJson);
  ASSERT_EQ(login.status, 200);
  std::string cookie = login.headers["set-cookie"];
  cookie = cookie.substr(0, cookie.find(';'));
  auto me = HttpCall(p->ui_port(), "GET", "/api/user", "", {{"Cookie", cookie}});
  EXPECT_EQ(me.body, R"({"login":"admin","role":"Admin","authEnabled":true})");
  // Only the hash is stored.
  std::ifstream users(p->data_dir() + "/ui/users");
  std::string text((std::istreambuf_iterator<char>(users)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("$argon2id$"), std::string::npos);
  EXPECT_EQ(text.find("pw "), std::string::npos);
}

TEST(UiApiProvisioning, DirectoriesBecomeFoldersAndReplaceBuiltins) {
  char tmpl[] = "/tmp/otelite-dash-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::filesystem::create_directories(dir + "/team");
  std::ofstream(dir + "/team/one.json") << R"({"uid":"team-one","title":"Team One","panels":[]})";
  std::ofstream(dir + "/override.json")
      << R"({"uid":"claude-code-deep","title":"My Deep Dive","panels":[]})";
  std::ofstream(dir + "/broken.json") << "{ not json";
  std::string error;
  auto p = OteliteProcess::Start({"--dashboards", dir}, &error);
  ASSERT_NE(p, nullptr) << error;
  auto hits = ParseJson(HttpCall(p->ui_port(), "GET", "/api/search?query=team%20one"));
  ASSERT_TRUE(hits.IsArray());
  ASSERT_EQ(hits.Size(), 1u);
  EXPECT_STREQ(hits[0]["folderTitle"].GetString(), "team");
  auto deep = ParseJson(HttpCall(p->ui_port(), "GET", "/api/dashboards/uid/claude-code-deep"));
  EXPECT_STREQ(deep["dashboard"]["title"].GetString(), "My Deep Dive");
  EXPECT_TRUE(deep["meta"]["provisioned"].GetBool());
  // The broken file is skipped with a warning naming it.
  EXPECT_NE(p->Stderr().find("broken.json"), std::string::npos) << p->Stderr();
  p.reset();
  std::filesystem::remove_all(dir);

  // A path that does not exist stops otelite with a reason.
  auto none = OteliteProcess::Start({"--dashboards", "/nonexistent/dashboards"}, &error);
  EXPECT_EQ(none, nullptr);
  EXPECT_NE(error.find("/nonexistent/dashboards"), std::string::npos) << error;
}

}  // namespace
}  // namespace otelite::testing

namespace otelite::testing {
namespace {

// Width and height from a PNG's IHDR chunk; {0, 0} when `png` is not a PNG.
std::pair<uint32_t, uint32_t> PngSize(const std::string& png) {
  static const std::string kSignature = "\x89PNG\r\n\x1a\n";
  if (png.size() < 24 || png.compare(0, 8, kSignature) != 0 || png.compare(12, 4, "IHDR") != 0) {
    return {0, 0};
  }
  auto be32 = [&](size_t at) {
    return (uint32_t{static_cast<unsigned char>(png[at])} << 24) |
           (uint32_t{static_cast<unsigned char>(png[at + 1])} << 16) |
           (uint32_t{static_cast<unsigned char>(png[at + 2])} << 8) |
           uint32_t{static_cast<unsigned char>(png[at + 3])};
  };
  return {be32(16), be32(20)};
}

TEST_F(UiApiTest, RenderUrlsGivePngsAndClearErrors) {
  ASSERT_EQ(
      HttpCall(p_->http_port(), "POST", "/v1/metrics", CostPoint(1.25, "opus", 3), kJson).status,
      200);
  auto panel =
      Get("/render/d-solo/claude-code-personal/claude-code-overview?panelId=10&width=800&"
          "height=400&from=now-1h&to=now&theme=light");
  ASSERT_EQ(panel.status, 200) << panel.body.substr(0, 200);
  EXPECT_EQ(panel.headers["content-type"], "image/png");
  EXPECT_EQ(PngSize(panel.body), (std::pair<uint32_t, uint32_t>{800, 400}));
  // HiDPI doubles the pixels; the slug is optional.
  auto hidpi =
      Get("/render/d-solo/claude-code-personal?panelId=1&width=300&height=150&scale=2&from=now-1h");
  ASSERT_EQ(hidpi.status, 200);
  EXPECT_EQ(PngSize(hidpi.body), (std::pair<uint32_t, uint32_t>{600, 300}));
  // A whole dashboard is as tall as its layout.
  auto whole = Get("/render/d/claude-code-personal?width=1200&from=now-1h");
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(PngSize(whole.body).first, 1200u);
  EXPECT_GT(PngSize(whole.body).second, 1500u);

  auto no_panel = Get("/render/d-solo/claude-code-personal?panelId=4242");
  EXPECT_EQ(no_panel.status, 404);
  EXPECT_NE(no_panel.body.find("Panel 4242 not found"), std::string::npos);
  EXPECT_EQ(Get("/render/d-solo/none?panelId=1").status, 404);
  auto no_id = Get("/render/d-solo/claude-code-personal");
  EXPECT_EQ(no_id.status, 400);
  EXPECT_NE(no_id.body.find("panelId"), std::string::npos);
  EXPECT_EQ(Get("/render/d-solo/claude-code-personal?panelId=1&width=-5").status, 400);
  EXPECT_EQ(Get("/render/d-solo/claude-code-personal?panelId=1&theme=pink").status, 400);
  // Absurd sizes are clamped, or refused when even clamped they are too many pixels.
  auto huge = Get("/render/d-solo/claude-code-personal?panelId=1&width=100000&height=100000");
  EXPECT_EQ(huge.status, 400) << huge.body.substr(0, 200);
  auto tiny = Get("/render/d-solo/claude-code-personal?panelId=1&width=1&height=1");
  ASSERT_EQ(tiny.status, 200);
  EXPECT_EQ(PngSize(tiny.body), (std::pair<uint32_t, uint32_t>{100, 100}));

  // A panel whose query fails is drawn with the error and answered 422.
  ASSERT_EQ(
      Post(
          "/api/dashboards/db",
          R"j({"dashboard":{"uid":"bad","title":"Bad","panels":[{"id":1,"type":"stat","title":"S","targets":[{"expr":"sum("}]}]}})j")
          .status,
      200);
  auto failing = Get("/render/d-solo/bad?panelId=1&width=400&height=200");
  EXPECT_EQ(failing.status, 422);
  EXPECT_EQ(PngSize(failing.body), (std::pair<uint32_t, uint32_t>{400, 200}));
  EXPECT_NE(failing.headers["x-otelite-render-warnings"].find("parse error"), std::string::npos)
      << failing.headers["x-otelite-render-warnings"];
}

TEST(UiRenderCommand, FromAServerAndFromADataDirectory) {
  std::string error;
  auto p = OteliteProcess::Start({"--ui.auth", "on", "--ui.admin_password", "pw"}, &error);
  ASSERT_NE(p, nullptr) << error;
  char tmpl[] = "/tmp/otelite-render-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  auto run = [&](const std::string& args) {
    return std::system(
        (std::string(OTELITE_BINARY) + " render " + args + " 2>>" + dir + "/log").c_str());
  };
  const std::string server = " --server http://127.0.0.1:" + std::to_string(p->ui_port());
  // Login is on: without the password the server says 401 and nothing is written.
  EXPECT_NE(run("--dashboard claude-code-personal --panel 1 --out " + dir + "/a.png" + server), 0);
  EXPECT_FALSE(std::filesystem::exists(dir + "/a.png"));
  EXPECT_EQ(run("--dashboard claude-code-personal --panel 1 --width 500 --height 250 --out " + dir +
                "/a.png --password pw" + server),
            0);
  std::ifstream a(dir + "/a.png", std::ios::binary);
  std::string png((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
  EXPECT_EQ(PngSize(png), (std::pair<uint32_t, uint32_t>{500, 250}));
  // Directly on the data directory: refused while the server holds it, fine once it stopped.
  const std::string data = p->data_dir();
  EXPECT_NE(run("--dashboard claude-code-deep --all --out " + dir + "/deep --data " + data), 0);
  p->Stop();
  EXPECT_EQ(run("--dashboard claude-code-deep --all --out " + dir + "/deep --data " + data), 0);
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/deep")) {
    files += entry.path().extension() == ".png";
  }
  EXPECT_GE(files, 30u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace otelite::testing
