// libFuzzer target: arbitrary bytes into LogQL's line stages (query/logql/): as a log line for
// every parser and filter (json, json with paths, unpack, logfmt in each mode, pattern, regexp,
// ip(), decolorize) and for the value conversions; and as the stage's own spec (a pattern, an
// ip() pattern, a json path, a logfmt key expression, a regular expression). Besides not
// crashing (ASan/UBSan) the stages must keep their contracts:
//   - every emitted name is a valid label name, and no name is emitted twice in one call;
//   - unpack's output line is the input line or the unpacked `_entry`;
//   - decolorize never makes a line longer;
//   - a text that parses as one IP address compiles as an ip() pattern that finds itself;
//   - ParseGoFloat agrees with strtod on what both accept.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <string_view>

#include "query/logql/convert.h"
#include "query/logql/decolorize.h"
#include "query/logql/field_sink.h"
#include "query/logql/ip_match.h"
#include "query/logql/json_parser.h"
#include "query/logql/logfmt_parser.h"
#include "query/logql/pattern.h"
#include "query/logql/regexp_parser.h"

namespace {

namespace logql = otelite::logql;

void Check(bool condition) {
  if (!condition) std::abort();
}

class CheckingSink : public logql::FieldSink {
 public:
  void Start() { names_.clear(); }
  void Add(std::string_view name, std::string_view value) override {
    Check(logql::IsValidLabelName(name));
    Check(names_.insert(std::string(name)).second);
    bytes_ += value.size();
  }
  void AddMissing(std::string_view name) override { Add(name, {}); }

 private:
  std::set<std::string> names_;
  size_t bytes_ = 0;
};

// Stages compiled once, reused for every input as the engine reuses them across lines.
struct Stages {
  Stages() {
    logql::LogfmtOptions strict;
    strict.strict = true;
    logql::LogfmtOptions keep_empty;
    keep_empty.keep_empty = true;
    logfmt_strict = logql::LogfmtParser(strict);
    logfmt_keep_empty = logql::LogfmtParser(keep_empty);
    logfmt_params =
        logql::LogfmtParser::Compile(strict, {{"host", "host"}, {"ip", "fwd"}, {"x", "\"a.b\""}})
            .value();
    json_paths =
        logql::JsonExpressionParser::Compile(
            {{"a", "a"}, {"b", "a.b[0]"}, {"c", "c[\"k.d\"]"}, {"d", "[1]"}, {"e", "a[2].x.y"}})
            .value();
    pattern = logql::Pattern::CompileParser("<ip> - <_> \"<method> <uri>\" <status>").value();
    pattern_filter = logql::Pattern::CompileLineFilter("<_> level=<_> msg=<_>").value();
    regexp = logql::RegexpParser::Compile(R"((?P<k>\w+)=(?P<v>"[^"]*"|\S*)|(?P<n>\d+))").value();
    ip_v4 = *logql::IpMatcher::Compile("10.0.0.0/8");
    ip_v6 = *logql::IpMatcher::Compile("2001:db8::1-2001:db8::ff");
  }

  logql::JsonParser json;
  logql::JsonExpressionParser json_paths = logql::JsonExpressionParser::Compile({}).value();
  logql::UnpackParser unpack;
  logql::LogfmtParser logfmt;
  logql::LogfmtParser logfmt_strict;
  logql::LogfmtParser logfmt_keep_empty;
  logql::LogfmtParser logfmt_params;
  logql::Pattern pattern = logql::Pattern::CompileLineFilter("").value();
  logql::Pattern pattern_filter = logql::Pattern::CompileLineFilter("").value();
  logql::RegexpParser regexp = logql::RegexpParser::Compile("(?P<x>x)").value();
  logql::IpMatcher ip_v4;
  logql::IpMatcher ip_v6;
  std::string scratch;
};

constexpr std::string_view kSampleLines[] = {
    R"({"a":{"b":["x","y"]},"c":{"k.d":1},"s":"t"})",
    "level=info msg=\"hello world\" ip=10.1.2.3 took=1.5s",
    "10.0.0.1 - frank \"GET /index.html\" 200",
    "",
};

void RunLineStages(Stages& stages, std::string_view line) {
  CheckingSink sink;
  sink.Start();
  (void)stages.json.Parse(line, sink);
  sink.Start();
  (void)stages.json_paths.Parse(line, sink);

  sink.Start();
  std::string_view unpacked;
  (void)stages.unpack.Parse(line, sink, &unpacked);
  // An unescaped _entry is shorter than the line, unless invalid UTF-8 grew into U+FFFD.
  Check(unpacked.data() == line.data() || unpacked.size() <= 3 * line.size());

  for (logql::LogfmtParser* parser :
       {&stages.logfmt, &stages.logfmt_strict, &stages.logfmt_keep_empty, &stages.logfmt_params}) {
    sink.Start();
    (void)parser->Parse(line, sink);
  }

  sink.Start();
  stages.pattern.Match(line, sink);
  (void)stages.pattern_filter.Matches(line);
  sink.Start();
  stages.regexp.Parse(line, sink);
  (void)stages.ip_v4.MatchesLine(line);
  (void)stages.ip_v6.MatchesValue(line);

  Check(logql::Decolorize(line, &stages.scratch).size() <= line.size());
}

void RunConversions(std::string_view text) {
  otelite::Result<double> number = logql::ParseGoFloat(text);
  const bool plain = text.find_first_of("_xXiInN") == std::string_view::npos;
  if (number.ok() && plain && !text.empty() && text.size() < 4096) {
    const std::string copy(text);
    char* end = nullptr;
    const double expected = std::strtod(copy.c_str(), &end);
    Check(end == copy.c_str() + copy.size());
    Check(std::memcmp(&expected, &*number, sizeof expected) == 0);
  }
  otelite::Result<int64_t> nanos = logql::ParseGoDurationNanos(text);
  otelite::Result<double> seconds = logql::ParseGoDuration(text);
  Check(nanos.ok() == seconds.ok());
  (void)logql::ParseHumanBytes(text);
}

void RunSpecs(std::string_view spec) {
  CheckingSink sink;
  otelite::Result<logql::Pattern> pattern = logql::Pattern::CompileParser(spec);
  if (pattern.ok()) {
    for (std::string_view line : kSampleLines) {
      sink.Start();
      pattern->Match(line, sink);
    }
    sink.Start();
    pattern->Match(spec, sink);
  }
  otelite::Result<logql::Pattern> filter = logql::Pattern::CompileLineFilter(spec);
  if (filter.ok()) {
    for (std::string_view line : kSampleLines) (void)filter->Matches(line);
    (void)filter->Matches(spec);
  }

  otelite::Result<logql::IpMatcher> ip = logql::IpMatcher::Compile(spec);
  if (ip.ok()) {
    for (std::string_view line : kSampleLines) (void)ip->MatchesLine(line);
  }
  logql::IpMatcher::Address address;
  if (logql::IpMatcher::ParseAddress(spec, &address) && spec != "::") {
    Check(ip.ok());
    Check(ip->MatchesValue(" " + std::string(spec) + "      "));
  }

  otelite::Result<logql::JsonExpressionParser> paths =
      logql::JsonExpressionParser::Compile({{"p", std::string(spec)}});
  if (paths.ok()) {
    for (std::string_view line : kSampleLines) {
      sink.Start();
      (void)paths->Parse(line, sink);
    }
  }
  otelite::Result<logql::LogfmtParser> keys =
      logql::LogfmtParser::Compile({}, {{"p", std::string(spec)}});
  if (keys.ok()) {
    sink.Start();
    (void)keys->Parse(kSampleLines[1], sink);
  }
  if (spec.size() <= 256) {
    otelite::Result<logql::RegexpParser> regexp = logql::RegexpParser::Compile(spec);
    if (regexp.ok()) {
      for (std::string_view line : kSampleLines) {
        sink.Start();
        regexp->Parse(line, sink);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Stages* stages = new Stages();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  RunLineStages(*stages, input);
  RunConversions(input);
  RunSpecs(input);
  return 0;
}
