// The unit vectors shared with the web app (web/src/format/units.cases.json): every case must
// print what the TypeScript formatter prints, so that PNGs and the browser agree.
#include "render/units.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace otelite::render {
namespace {

TEST(UnitsCases, EveryCaseOfTheSharedFileMatches) {
  const std::string path = std::string(OTELITE_SOURCE_DIR) + "/web/src/format/units.cases.json";
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "missing " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  rapidjson::Document d;
  d.Parse(ss.str().c_str());
  ASSERT_FALSE(d.HasParseError());
  ASSERT_TRUE(d.IsArray());
  ASSERT_GT(d.Size(), 60u);
  int checked = 0;
  for (const auto& c : d.GetArray()) {
    const std::string unit = c["unit"].GetString();
    std::optional<double> value;
    if (c["value"].IsNumber()) value = c["value"].GetDouble();
    Decimals decimals;
    if (c.HasMember("decimals") && c["decimals"].IsNumber()) decimals = c["decimals"].GetInt();
    const std::string expected = c["expected"].GetString();
    EXPECT_EQ(FormatValue(unit, value, decimals), expected)
        << "unit " << unit << " value " << (value ? std::to_string(*value) : "null") << " decimals "
        << (decimals ? std::to_string(*decimals) : "auto");
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(d.Size()));
}

TEST(Units, JavaScriptNumberToString) {
  EXPECT_EQ(JsNumberToString(0), "0");
  EXPECT_EQ(JsNumberToString(-0.0), "0");
  EXPECT_EQ(JsNumberToString(1.5), "1.5");
  EXPECT_EQ(JsNumberToString(100), "100");
  EXPECT_EQ(JsNumberToString(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(JsNumberToString(1e21), "1e+21");
  EXPECT_EQ(JsNumberToString(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(JsNumberToString(1e-7), "1e-7");
  EXPECT_EQ(JsNumberToString(0.000001), "0.000001");
  EXPECT_EQ(JsNumberToString(-2.5e-8), "-2.5e-8");
  EXPECT_EQ(JsNumberToString(NAN), "NaN");
  EXPECT_EQ(JsNumberToString(-INFINITY), "-Infinity");
}

TEST(Units, RoundsHalvesUpLikeMathRound) {
  EXPECT_EQ(JsRound(2.5), 3);
  EXPECT_EQ(JsRound(-2.5), -2);
  EXPECT_EQ(JsRound(0.49999999999999994), 0);
  EXPECT_EQ(JsRound(-0.4), 0);
}

TEST(Units, AutomaticDecimals) {
  EXPECT_EQ(AutoDecimals(0.5), 3);
  EXPECT_EQ(AutoDecimals(5), 0);
  EXPECT_EQ(AutoDecimals(5.5), 2);
  EXPECT_EQ(AutoDecimals(55.5), 1);
  EXPECT_EQ(AutoDecimals(555.5), 0);
}

TEST(Units, NonFiniteValues) {
  EXPECT_EQ(ToFixed(NAN, std::nullopt), "NaN");
  EXPECT_EQ(ToFixed(INFINITY, std::nullopt), "∞");
  EXPECT_EQ(ToFixed(-INFINITY, std::nullopt), "-∞");
  EXPECT_EQ(FormatValue("short", INFINITY, std::nullopt), "∞");
  EXPECT_EQ(FormatValue("currencyUSD", -INFINITY, std::nullopt), "-$∞");
  EXPECT_EQ(FormatValue("s", NAN, std::nullopt), "NaN");
  // 1e30 / 2^80 = 827180.61…: the largest binary prefix, one decimal.
  EXPECT_EQ(FormatValue("bytes", 1e30, 1), "827180.6 YiB");
}

TEST(Units, CustomUnits) {
  EXPECT_EQ(FormatValue("si:W", 1500, std::nullopt), "1.50 kW");
  EXPECT_EQ(FormatValue("si:kW", 1500, std::nullopt), "1.50 MW");
  EXPECT_EQ(FormatValue("currency:£", 2500, 1), "£2.5K");
  EXPECT_EQ(FormatValue("bool:yes/no", 0, std::nullopt), "no");
  EXPECT_EQ(FormatValue("sci", 1500, 2), "1.50e+3");
  EXPECT_EQ(FormatValue("hex0x", 255, 0), "0xFF");
  EXPECT_EQ(FormatValue("dtdhms", 90061, std::nullopt), "1 d 01:01:01");
  EXPECT_EQ(FormatValue("locale", 0.0005, std::nullopt), "0.001");
}

}  // namespace
}  // namespace otelite::render
