// Configuration precedence (flags > file > environment > defaults) and error messages.
#include "core/config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/units.h"

namespace otelite {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("otelite-config-" + std::to_string(::getpid()) + ".yaml");
  }
  void TearDown() override {
    std::filesystem::remove(path_);
    unsetenv("OTELITE_OTLP_HTTP_PORT");
    unsetenv("OTELITE_LISTEN");
    unsetenv("OTELITE_METRICS_RETENTION");
  }
  void WriteFile(const std::string& text) { std::ofstream(path_) << text; }
  std::filesystem::path path_;
};

TEST_F(ConfigTest, DefaultsMatchTheContract) {
  ServeConfig c;
  ASSERT_TRUE(AssembleConfig({}, "", &c).ok());
  EXPECT_EQ(c.listen, "127.0.0.1");
  EXPECT_EQ(c.otlp_grpc_port, 4317);
  EXPECT_EQ(c.otlp_http_port, 4318);
  EXPECT_EQ(c.exporter_port, 8889);
  EXPECT_EQ(c.exporter_expiration, std::chrono::minutes(180));
  EXPECT_EQ(c.metrics_retention, std::chrono::hours(200));
  EXPECT_EQ(c.logs_retention, std::chrono::hours(744));
  EXPECT_EQ(c.max_request_bytes, 16u << 20);
}

TEST_F(ConfigTest, FlagsBeatFileBeatEnvironment) {
  setenv("OTELITE_OTLP_HTTP_PORT", "1111", 1);
  setenv("OTELITE_LISTEN", "0.0.0.0", 1);
  setenv("OTELITE_METRICS_RETENTION", "10h", 1);
  WriteFile("otlp:\n  http:\n    port: 2222\nmetrics:\n  retention: 20h\n");
  ServeConfig c;
  ASSERT_TRUE(AssembleConfig({{"metrics.retention", "30h"}}, path_.string(), &c).ok());
  EXPECT_EQ(c.listen, "0.0.0.0");                              // environment only
  EXPECT_EQ(c.otlp_http_port, 2222);                           // file beats environment
  EXPECT_EQ(c.metrics_retention, std::chrono::hours(30));      // flag beats file
}

TEST_F(ConfigTest, UnknownKeyInFileNamesFileAndKey) {
  WriteFile("otlp:\n  grcp:\n    port: 1\n");
  ServeConfig c;
  Status st = AssembleConfig({}, path_.string(), &c);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("unknown key 'otlp.grcp.port'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(path_.string()), std::string::npos);
}

TEST_F(ConfigTest, BadValuesAreNamed) {
  ServeConfig c;
  Status st = AssembleConfig({{"otlp.grpc.port", "70000"}}, "", &c);
  EXPECT_NE(st.message().find("--otlp.grpc.port"), std::string::npos) << st.message();
  setenv("OTELITE_METRICS_RETENTION", "10 hours", 1);
  st = AssembleConfig({}, "", &c);
  EXPECT_NE(st.message().find("OTELITE_METRICS_RETENTION"), std::string::npos) << st.message();
  WriteFile("listen: [a, b]\n");
  unsetenv("OTELITE_METRICS_RETENTION");
  st = AssembleConfig({}, path_.string(), &c);
  EXPECT_FALSE(st.ok());
  WriteFile("listen: a: b\n");
  st = AssembleConfig({}, path_.string(), &c);
  EXPECT_FALSE(st.ok());
}

TEST(Units, Durations) {
  EXPECT_EQ(ParseDuration("180m").value(), std::chrono::minutes(180));
  EXPECT_EQ(ParseDuration("1h30m").value(), std::chrono::minutes(90));
  EXPECT_EQ(ParseDuration("500ms").value(), std::chrono::milliseconds(500));
  EXPECT_EQ(ParseDuration("31d").value(), std::chrono::hours(744));
  EXPECT_FALSE(ParseDuration("").ok());
  EXPECT_FALSE(ParseDuration("10").ok());
  EXPECT_FALSE(ParseDuration("10x").ok());
  EXPECT_FALSE(ParseDuration("99999999999999999999h").ok());
  EXPECT_EQ(FormatDuration(std::chrono::minutes(90)), "1h30m");
}

TEST(Units, ByteSizes) {
  EXPECT_EQ(ParseByteSize("16MiB").value(), 16u << 20);
  EXPECT_EQ(ParseByteSize("512MB").value(), 512'000'000u);
  EXPECT_EQ(ParseByteSize("1024").value(), 1024u);
  EXPECT_FALSE(ParseByteSize("lots").ok());
  EXPECT_FALSE(ParseByteSize("5TB").ok());
  EXPECT_EQ(FormatByteSize(16u << 20), "16MiB");
}

}  // namespace
}  // namespace otelite
