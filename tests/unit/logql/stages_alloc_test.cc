// The line stages allocate nothing per line once warmed up (their scratch memory is reused):
// counted with a replaced global operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "query/logql/convert.h"
#include "query/logql/decolorize.h"
#include "query/logql/ip_match.h"
#include "query/logql/json_parser.h"
#include "query/logql/logfmt_parser.h"
#include "query/logql/pattern.h"

namespace {
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// The nothrow forms too (std::stable_sort's temporary buffer uses them), so that every form of
// new pairs with these deletes (ASan checks the pairing).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace otelite::logql {
namespace {

class CountingSink : public FieldSink {
 public:
  void Add(std::string_view name, std::string_view value) override {
    count += 1 + name.size() + value.size();
  }
  size_t count = 0;
};

// Allocations made by `run` over many lines, after two warm-up lines.
template <typename Run>
long AllocationsPerLines(Run run) {
  run();
  run();
  const long before = allocations.load();
  for (int i = 0; i < 100; ++i) run();
  return allocations.load() - before;
}

constexpr std::string_view kJson =
    R"({"level":"info","req":{"id":"r-1","path":"/x","ms":12.5},"tags":["a"],"ok":true,)"
    R"("msg":"with \"escapes\" \u00e9","a.b":1,"9x":2})";
constexpr std::string_view kLogfmt =
    R"(level=info a.b=1 9x=2 msg="with \"escapes\"" empty= lone dur=1.5s size=20MB)";

TEST(StagesAllocate, NothingPerLineOnceWarm) {
  // The counter sees allocations.
  std::vector<std::string> kept;
  ASSERT_GT(AllocationsPerLines([&] { kept.emplace_back(100, 'x'); }), 0);

  CountingSink sink;

  JsonParser json;
  EXPECT_EQ(AllocationsPerLines([&] { (void)json.Parse(kJson, sink); }), 0);

  Result<JsonExpressionParser> paths =
      JsonExpressionParser::Compile({{"id", "req.id"}, {"tag", "tags[0]"}, {"no", "missing"}});
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(AllocationsPerLines([&] { (void)paths->Parse(kJson, sink); }), 0);

  UnpackParser unpack;
  std::string_view line_out;
  EXPECT_EQ(AllocationsPerLines([&] {
              (void)unpack.Parse(R"({"a":"x","b.c":"y","_entry":"the line"})", sink, &line_out);
            }),
            0);

  LogfmtOptions keep_empty;
  keep_empty.keep_empty = true;
  LogfmtParser logfmt(keep_empty);
  EXPECT_EQ(AllocationsPerLines([&] { (void)logfmt.Parse(kLogfmt, sink); }), 0);
  Result<LogfmtParser> logfmt_params = LogfmtParser::Compile({}, {{"l", "level"}, {"d", "dur"}});
  ASSERT_TRUE(logfmt_params.ok());
  EXPECT_EQ(AllocationsPerLines([&] { (void)logfmt_params->Parse(kLogfmt, sink); }), 0);

  Result<Pattern> pattern = Pattern::CompileParser("level=<level> <_> msg=<msg> <_>");
  ASSERT_TRUE(pattern.ok());
  EXPECT_EQ(AllocationsPerLines([&] { pattern->Match(kLogfmt, sink); }), 0);
  Result<Pattern> filter = Pattern::CompileLineFilter("<_> msg=<_>");
  ASSERT_TRUE(filter.ok());
  EXPECT_EQ(AllocationsPerLines([&] { (void)filter->Matches(kLogfmt); }), 0);

  Result<IpMatcher> ip = IpMatcher::Compile("10.0.0.0/8");
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(AllocationsPerLines([&] { (void)ip->MatchesLine("from 10.1.2.3 and ::1 x"); }), 0);

  std::string scratch;
  EXPECT_EQ(AllocationsPerLines([&] {
              (void)Decolorize("no colours here", &scratch);
              (void)Decolorize("\x1B[31mred\x1B[0m", &scratch);
            }),
            0);

  EXPECT_EQ(AllocationsPerLines([&] {
              (void)ParseGoFloat("12.5e3");
              (void)ParseGoDuration("1h2m3.5s");
              (void)ParseHumanBytes("1.5 GiB");
            }),
            0);
  EXPECT_GT(sink.count, 0u);
}

}  // namespace
}  // namespace otelite::logql
