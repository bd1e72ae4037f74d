// ip("…") in line and label filters.
#include <gtest/gtest.h>

#include <string_view>

#include "query/logql/ip_match.h"

namespace otelite::logql {
namespace {

IpMatcher MustCompile(std::string_view pattern) {
  Result<IpMatcher> matcher = IpMatcher::Compile(pattern);
  EXPECT_TRUE(matcher.ok()) << pattern << ": " << matcher.status().message();
  return matcher.ok() ? *matcher : IpMatcher();
}

TEST(IpMatcher, DocsPatternsCompile) {
  for (std::string_view pattern :
       {"192.0.2.0", "::1", "192.168.0.1-192.189.10.12", "2001:db8::1-2001:db8::8",
        "192.51.100.0/24", "2001:db8::/32", "192.168.4.5/16", "0.0.0.0/0", "::/0", "::ffff:1.2.3.4",
        "fe80::1%eth0", "fe80::1%eth0-fe80::9",
        // Go reads everything after '%' as the zone, so this is one address, not a prefix.
        "fe80::1%eth0/64"}) {
    EXPECT_TRUE(IpMatcher::Compile(pattern).ok()) << pattern;
  }
}

TEST(IpMatcher, InvalidPatterns) {
  for (std::string_view pattern :
       {"notanip", "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4/33", "1.2.3.4/08",
        "1.2.3.4/", "1.2.3.4/-1", "::1/129", "1.2.3.4-::1", "1.2.3.9-1.2.3.1", "fe80::1%",
        "1.2.3.4%eth0", "1::2::3", " 1.2.3.4", "1.2.3.4 - 1.2.3.5"}) {
    Result<IpMatcher> matcher = IpMatcher::Compile(pattern);
    ASSERT_FALSE(matcher.ok()) << pattern;
    EXPECT_EQ(matcher.status().message(), "ip: invalid pattern: \"" + std::string(pattern) + "\"");
  }
  // Go's %q escapes.
  Result<IpMatcher> matcher = IpMatcher::Compile("a\"b\n");
  ASSERT_FALSE(matcher.ok());
  EXPECT_EQ(matcher.status().message(), R"(ip: invalid pattern: "a\"b\n")");
}

TEST(IpMatcher, DocsLines) {
  // The docs' point: a substring filter for 3.180.71.3 also matches 93.180.71.3; ip() does not.
  const IpMatcher matcher = MustCompile("3.180.71.3");
  EXPECT_TRUE(matcher.MatchesLine(
      R"(3.180.71.3 - - [17/May/2015:08:05:32 +0000] "GET /downloads/product_1 HTTP/1.1" 304 0)"));
  EXPECT_FALSE(matcher.MatchesLine(
      R"(93.180.71.3 - - [17/May/2015:08:05:26 +0000] "GET /downloads/product_1 HTTP/1.1" 404)"));
  EXPECT_FALSE(matcher.MatchesLine(
      R"(80.91.33.133 - - [17/May/2015:08:05:14 +0000] "GET /downloads/product_1 HTTP/1.1" 304)"));
}

TEST(IpMatcher, LineScan) {
  struct Case {
    std::string_view pattern;
    std::string_view line;
    bool want;
  };
  const Case cases[] = {
      {"192.168.1.0/24", "src 192.168.1.10 ok", true},
      {"192.168.1.0/24", "src 10.0.0.9 ok", false},
      {"192.168.1.0/24", "no ip here", false},
      {"10.0.0.0/8", "x=10.0.0.9;", true},
      {"10.0.0.0/8", "10.255.255.255", true},
      {"10.0.0.0/8", "11.0.0.0", false},
      {"192.168.4.5/16", "from 192.168.200.1", true},  // the prefix's host bits do not matter
      {"0.0.0.0/0", "any 8.8.8.8", true},
      {"0.0.0.0/0", "only v6 2001:db8::1", false},
      // Ranges include both ends.
      {"1.2.3.4-1.2.3.8", "a 1.2.3.4 b", true},
      {"1.2.3.4-1.2.3.8", "a 1.2.3.8 b", true},
      {"1.2.3.4-1.2.3.8", "a 1.2.3.9 b", false},
      {"1.2.3.4-1.2.3.8", "a 1.2.3.3 b", false},
      // A candidate is read as a whole run of address characters.
      {"1.2.3.4", "91.2.3.4", false},
      {"1.2.3.4", "1.2.3.45", false},
      {"1.2.3.4", "1.2.3.4.5", false},
      {"1.2.3.4", "v1.2.3.4", true},
      {"1.2.3.4", "01.2.3.4", false},  // leading zeros are not an address
      {"1.2.3.4", "1.5s then 1.2.3.4", true},
      {"1.2.3.4", "[1.2.3.4]:80", true},
      // IPv6.
      {"2001:db8::1-2001:db8::8", "client [2001:db8::5]:443", true},
      {"2001:db8::1-2001:db8::8", "client 2001:db8::9 x", false},
      {"2001:db8::/32", "addr=2001:DB8:ffff::1", true},
      {"::1", "from ::1 x", true},
      {"fe80::1", "fe80::1 here", true},
      // Families do not mix: an IPv4-mapped IPv6 address is not the IPv4 address.
      {"1.2.3.4", "::ffff:1.2.3.4 x", false},
      {"::ffff:1.2.3.4", "::ffff:1.2.3.4 x", true},
      // A pattern with a zone matches nothing.
      {"fe80::1%eth0", "fe80::1 x", false},
  };
  for (const Case& c : cases) {
    const IpMatcher matcher = MustCompile(c.pattern);
    EXPECT_EQ(matcher.MatchesLine(c.line), c.want) << c.pattern << " / " << c.line;
  }
}

TEST(IpMatcher, LabelValues) {
  const IpMatcher subnet = MustCompile("192.168.4.5/16");
  EXPECT_TRUE(subnet.MatchesValue("192.168.4.2"));
  EXPECT_FALSE(subnet.MatchesValue("192.169.4.2"));
  EXPECT_FALSE(subnet.MatchesValue(""));
  EXPECT_TRUE(subnet.MatchesValue("ip=192.168.0.1"));  // scanned like a line, as in Loki
  const IpMatcher range = MustCompile("2001:db8::1-2001:db8::8");
  EXPECT_TRUE(range.MatchesValue("2001:db8::2"));
  // Loki needs five bytes to see an IPv6 start, so a value as short as "::1" never matches.
  EXPECT_FALSE(MustCompile("::1").MatchesValue("::1"));
  EXPECT_TRUE(MustCompile("::1").MatchesValue("::1  "));
}

TEST(IpMatcher, ParseAddress) {
  IpMatcher::Address address;
  ASSERT_TRUE(IpMatcher::ParseAddress("10.1.2.3", &address));
  EXPECT_FALSE(address.v6);
  EXPECT_EQ(address.bytes[0], 10);
  EXPECT_EQ(address.bytes[3], 3);
  ASSERT_TRUE(IpMatcher::ParseAddress("::ffff:1.2.3.4", &address));
  EXPECT_TRUE(address.v6);
  EXPECT_EQ(address.bytes[10], 0xFF);
  EXPECT_EQ(address.bytes[15], 4);
  EXPECT_FALSE(IpMatcher::ParseAddress("1.2.3.4:80", &address));
  EXPECT_FALSE(IpMatcher::ParseAddress("12345", &address));
  EXPECT_FALSE(IpMatcher::ParseAddress("1:2:3:4:5:6:7:8:9", &address));
}

}  // namespace
}  // namespace otelite::logql
