// | json (all fields and with paths) and | unpack.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "query/logql/json_parser.h"
#include "unit/logql/stages_test_util.h"

namespace otelite::logql {
namespace {

using testing::Fields;
using testing::RecordingSink;

// The document of Loki's "Parser expression / JSON" documentation.
constexpr std::string_view kDocsLine =
    R"({"protocol":"HTTP/2.0","servers":["129.0.1.1","10.2.1.3"],)"
    R"("request":{"time":"6.032","method":"GET","host":"foo.grafana.net","size":"55",)"
    R"("headers":{"Accept":"*/*","User-Agent":"curl/7.68.0"}},)"
    R"("response":{"status":401,"size":"228","latency_seconds":"6.031"}})";

struct JsonCase {
  std::string_view name;
  std::string_view line;
  Fields want;
};

TEST(JsonParser, AllFields) {
  const JsonCase cases[] = {
      {"docs example: nested objects flattened, arrays skipped",
       kDocsLine,
       {{"protocol", "HTTP/2.0"},
        {"request_time", "6.032"},
        {"request_method", "GET"},
        {"request_host", "foo.grafana.net"},
        {"request_size", "55"},
        {"request_headers_Accept", "*/*"},
        {"request_headers_User_Agent", "curl/7.68.0"},
        {"response_status", "401"},
        {"response_size", "228"},
        {"response_latency_seconds", "6.031"}}},
      {"docs: keys sanitised", R"({ "a.b": {"c": "d"}, "e": "f" })", {{"a_b_c", "d"}, {"e", "f"}}},
      {"scalars: numbers as written, booleans, null dropped",
       R"({"int":7,"neg":-0,"dec":1.50,"exp":1e3,"big":12345678901234567890,)"
       R"("t":true,"f":false,"n":null,"list":[{"x":1}],"obj":{}})",
       {{"int", "7"},
        {"neg", "-0"},
        {"dec", "1.50"},
        {"exp", "1e3"},
        {"big", "12345678901234567890"},
        {"t", "true"},
        {"f", "false"}}},
      {"strings unescaped",
       R"({"msg":"line1\nline2 \u00e9 \"q\" \/ \\","pair":"\ud83d\ude00"})",
       {{"msg", "line1\nline2 \xC3\xA9 \"q\" / \\"}, {"pair", "\xF0\x9F\x98\x80"}}},
      {"a bad escape or a lone surrogate gives an empty value, not an error",
       R"({"a":"x\qy","b":"\ud800","c":"ok"})",
       {{"a", ""}, {"b", ""}, {"c", "ok"}}},
      {"a literal U+FFFD gives an empty value", "{\"r\":\"x\xEF\xBF\xBDy\"}", {{"r", ""}}},
      {"invalid UTF-8: '_' per bad byte in a key, empty value",
       "{\"k\xFFz\":\"v\",\"w\":\"x\xFF\",\"n\":1}",
       {{"k_z", "v"}, {"w", ""}, {"n", "1"}}},
      {"digits: '_' before the first segment only",
       R"({"9lives":1,"x":{"1y":2},"3d":{"4e":5}})",
       {{"_9lives", "1"}, {"x_1y", "2"}, {"_3d_4e", "5"}}},
      {"white space around keys trimmed",
       R"({" sp ":1,"o":{" in ":2}})",
       {{"sp", "1"}, {"o_in", "2"}}},
      {"an empty key: no label; under an empty key the name goes on",
       R"({"":"v","":{"b":1},"o":{"":2}})",
       {{"b", "1"}, {"o_", "2"}}},
      {"a repeated key keeps the first value",
       R"({"dup":"first","dup":"second"})",
       {{"dup", "first"}}},
      {"keys that sanitise alike: the first wins",
       R"({"a-b":1,"a_b":2,"a":{"b":3}})",
       {{"a_b", "1"}}},
      {"multi-byte key", "{\"\xC3\xA9t\xC3\xA9\":1}", {{"_t_", "1"}}},
      {"white space around the document", " \t{\"a\":1}\n ", {{"a", "1"}}},
      {"text after the root object is ignored",
       R"({"a":1,"o":{"b":"}"}} tail {)",
       {{"a", "1"}, {"o_b", "}"}}},
      {"a second object is ignored", R"({"a":1}{"b":2})", {{"a", "1"}}},
      {"deep nesting", R"({"a":{"b":{"c":{"d":{"e":"deep"}}}}})", {{"a_b_c_d_e", "deep"}}},
  };
  JsonParser parser;
  RecordingSink sink;
  for (const JsonCase& c : cases) {
    sink.Clear();
    Status status = parser.Parse(c.line, sink);
    EXPECT_TRUE(status.ok()) << c.name << ": " << status.message();
    EXPECT_EQ(sink.fields, c.want) << c.name;
    EXPECT_TRUE(sink.missing.empty()) << c.name;
  }
}

TEST(JsonParser, ErrorsReadLikeLokisDetails) {
  struct Case {
    std::string_view line;
    std::string_view details;
    Fields before;  // emitted before the fault (checked when check_before)
    bool check_before = true;
  };
  const std::string object = "Value looks like object, but can't find closing '}' symbol";
  const Case cases[] = {
      {"not json", object, {}},
      {"", object, {}},
      {"   ", object, {}},
      {"[1,2]", object, {}},
      {R"("just a string")", object, {}},
      {"42", object, {}},
      {R"(level=info msg="x")", object, {}},
      // Truncated: Loki has read "a" by then, simdjson stops at the root; not compared.
      {R"({"a":1,"b":)", object, {}, false},
      {R"({"a":"unterminated)", "Value is string, but can't find closing '\"' symbol", {}},
      {R"({"a":1,"b":tru})", "Unknown value type", {{"a", "1"}}},
      {R"({"a":1,"n":nul})", "Unknown value type", {{"a", "1"}}},
  };
  JsonParser parser;
  RecordingSink sink;
  for (const Case& c : cases) {
    sink.Clear();
    Status status = parser.Parse(c.line, sink);
    ASSERT_FALSE(status.ok()) << c.line;
    EXPECT_EQ(status.message(), c.details) << c.line;
    if (c.check_before) {
      EXPECT_EQ(sink.fields, c.before) << c.line;
    }
  }
  // The parser is reusable after an error.
  sink.Clear();
  ASSERT_TRUE(parser.Parse(R"({"ok":"yes"})", sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"ok", "yes"}}));
}

TEST(JsonParser, LongLinesAndManyFields) {
  std::string line = "{";
  Fields want;
  for (int i = 0; i < 300; ++i) {
    if (i > 0) line += ',';
    line += "\"k" + std::to_string(i) + "\":\"" + std::string(i, 'v') + "\"";
    want.emplace_back("k" + std::to_string(i), std::string(i, 'v'));
  }
  line += ",\"k7\":\"again\"}";
  JsonParser parser;
  RecordingSink sink;
  ASSERT_TRUE(parser.Parse(line, sink).ok());
  EXPECT_EQ(sink.fields, want);
}

Result<JsonExpressionParser> Compile(std::vector<LabelExtraction> params) {
  return JsonExpressionParser::Compile(std::move(params));
}

TEST(JsonPath, Grammar) {
  Result<std::vector<JsonExpressionParser::Step>> steps =
      ParseJsonPath(R"(my.list[0]["field.with.dots"] . x)");
  ASSERT_TRUE(steps.ok()) << steps.status().message();
  ASSERT_EQ(steps->size(), 5u);
  EXPECT_EQ((*steps)[0].key, "my");
  EXPECT_EQ((*steps)[1].key, "list");
  EXPECT_TRUE((*steps)[2].is_index);
  EXPECT_EQ((*steps)[2].index, 0u);
  EXPECT_EQ((*steps)[3].key, "field.with.dots");
  EXPECT_FALSE((*steps)[3].is_index);
  EXPECT_EQ((*steps)[4].key, "x");

  steps = ParseJsonPath("[12]");
  ASSERT_TRUE(steps.ok());
  ASSERT_EQ(steps->size(), 1u);
  EXPECT_TRUE((*steps)[0].is_index);
  EXPECT_EQ((*steps)[0].index, 12u);

  for (std::string_view bad : {"", "user[", ".a", "a..b", "a.", "a.[0]", "a[1.5]", "a[x]", "a[0",
                               "0", "a b", "a[\"k\"", "a]", "[]", "a.0"}) {
    EXPECT_FALSE(ParseJsonPath(bad).ok()) << bad;
  }
}

TEST(JsonExpressionParser, DocsExamples) {
  Result<JsonExpressionParser> parser =
      Compile({{"first_server", "servers[0]"}, {"ua", "request.headers[\"User-Agent\"]"}});
  ASSERT_TRUE(parser.ok()) << parser.status().message();
  RecordingSink sink;
  ASSERT_TRUE(parser->Parse(kDocsLine, sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"first_server", "129.0.1.1"}, {"ua", "curl/7.68.0"}}));
  EXPECT_TRUE(sink.missing.empty());

  // An array or object comes out as its JSON text.
  parser = Compile({{"server_list", "servers"}, {"headers", "request.headers"}});
  ASSERT_TRUE(parser.ok());
  sink.Clear();
  ASSERT_TRUE(parser->Parse(kDocsLine, sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"server_list", R"(["129.0.1.1","10.2.1.3"])"},
                                 {"headers", R"({"Accept":"*/*","User-Agent":"curl/7.68.0"})"}}));

  // `| json servers` is `| json servers="servers"`.
  parser = Compile({{"servers", "servers"}});
  ASSERT_TRUE(parser.ok());
  sink.Clear();
  ASSERT_TRUE(parser->Parse(kDocsLine, sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"servers", R"(["129.0.1.1","10.2.1.3"])"}}));
}

TEST(JsonExpressionParser, Values) {
  Result<JsonExpressionParser> parser = Compile({{"n", "num"},
                                                 {"b", "flag"},
                                                 {"z", "nothing"},
                                                 {"s", "str"},
                                                 {"dots", "o[\"k.d\"]"},
                                                 {"deep", "o.list[1].v"},
                                                 {"gone", "o.absent"},
                                                 {"oob", "o.list[9]"},
                                                 {"wrong", "str.x"},
                                                 {"idx_on_obj", "o[0]"}});
  ASSERT_TRUE(parser.ok()) << parser.status().message();
  RecordingSink sink;
  const std::string_view line = R"({"num":1.50,"flag":false,"nothing":null,"str":"a\tb",)"
                                R"("o":{"k.d":"dotted","list":[{"v":1},{"v":"second"}]}})";
  ASSERT_TRUE(parser->Parse(line, sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"n", "1.50"},
                                 {"b", "false"},
                                 {"z", ""},
                                 {"s", "a\tb"},
                                 {"dots", "dotted"},
                                 {"deep", "second"}}));
  EXPECT_EQ(sink.missing, (std::vector<std::string>{"gone", "oob", "wrong", "idx_on_obj"}));
}

TEST(JsonExpressionParser, RootArraysAndScalars) {
  Result<JsonExpressionParser> parser = Compile({{"first", "[0].name"}, {"key", "name"}});
  ASSERT_TRUE(parser.ok());
  RecordingSink sink;
  ASSERT_TRUE(parser->Parse(R"([{"name":"a"},{"name":"b"}])", sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"first", "a"}}));
  EXPECT_EQ(sink.missing, (std::vector<std::string>{"key"}));

  // A string document has no fields: every label missing, no error.
  sink.Clear();
  ASSERT_TRUE(parser->Parse(R"("text")", sink).ok());
  EXPECT_TRUE(sink.fields.empty());
  EXPECT_EQ(sink.missing, (std::vector<std::string>{"first", "key"}));
}

TEST(JsonExpressionParser, EmptyAndNonJsonLines) {
  Result<JsonExpressionParser> parser = Compile({{"a", "a"}});
  ASSERT_TRUE(parser.ok());
  RecordingSink sink;
  // An empty line gives nothing at all.
  ASSERT_TRUE(parser->Parse("", sink).ok());
  EXPECT_TRUE(sink.fields.empty());
  EXPECT_TRUE(sink.missing.empty());
  // A line that cannot start JSON: an error without details, nothing emitted.
  Status status = parser->Parse("a=1", sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "");
  EXPECT_TRUE(sink.fields.empty());
  EXPECT_TRUE(sink.missing.empty());
  // Malformed JSON: an error, and the labels still get their empty values.
  status = parser->Parse(R"({"a":)", sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "Value looks like object, but can't find closing '}' symbol");
  EXPECT_EQ(sink.missing, (std::vector<std::string>{"a"}));
  // Text after the root object is ignored.
  sink.Clear();
  ASSERT_TRUE(parser->Parse(R"({"a":"x"} trailing)", sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"a", "x"}}));
}

TEST(JsonExpressionParser, EveryPathIsTriedAfterAMalformedObject) {
  // After the first path runs into the fault, the others are still looked up (found or not).
  Result<JsonExpressionParser> parser = Compile({{"a", "a"}, {"b", "b"}, {"x", "x"}});
  ASSERT_TRUE(parser.ok());
  RecordingSink sink;
  Status status = parser->Parse("{\"x\":\"1\",\xA7\xA7\"b\":2}", sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(sink.fields, (Fields{{"x", "1"}}));
  EXPECT_EQ(sink.missing, (std::vector<std::string>{"a", "b"}));
}

TEST(JsonExpressionParser, RepeatedLabelKeepsTheFirst) {
  Result<JsonExpressionParser> parser = Compile({{"a", "x"}, {"a", "y"}});
  ASSERT_TRUE(parser.ok());
  RecordingSink sink;
  ASSERT_TRUE(parser->Parse(R"({"x":"1","y":"2"})", sink).ok());
  EXPECT_EQ(sink.fields, (Fields{{"a", "1"}}));
  EXPECT_TRUE(sink.missing.empty());
}

TEST(JsonExpressionParser, CompileErrors) {
  Result<JsonExpressionParser> parser = Compile({{"bad", "user["}});
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().message().rfind("cannot parse expression [user[]: ", 0), 0u)
      << parser.status().message();
  parser = Compile({{"a", "a-b"}});
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().message(), "cannot parse expression [a-b]: unexpected char -");
  parser = Compile({{"a-b", "a"}});
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().message(), "invalid extracted label name 'a-b'");
}

TEST(UnpackParser, DocsExample) {
  UnpackParser parser;
  RecordingSink sink;
  std::string_view line_out;
  const std::string_view line =
      R"({"container":"myapp","pod":"pod-3223f","_entry":"original log message"})";
  ASSERT_TRUE(parser.Parse(line, sink, &line_out).ok());
  EXPECT_EQ(sink.fields, (Fields{{"container", "myapp"}, {"pod", "pod-3223f"}}));
  EXPECT_EQ(line_out, "original log message");
}

TEST(UnpackParser, Rules) {
  UnpackParser parser;
  RecordingSink sink;
  std::string_view line_out;

  // Only string fields become labels; keys are sanitised; _entry is unescaped.
  ASSERT_TRUE(parser
                  .Parse(R"({"a.b":"x","n":5,"o":{"k":"v"},"t":true,"_entry":"l1\tl2","c":"y"})",
                         sink, &line_out)
                  .ok());
  EXPECT_EQ(sink.fields, (Fields{{"a_b", "x"}, {"c", "y"}}));
  EXPECT_EQ(line_out, "l1\tl2");

  // Without _entry nothing is unpacked and the line stays.
  sink.Clear();
  const std::string_view plain = R"({"a":"x"})";
  ASSERT_TRUE(parser.Parse(plain, sink, &line_out).ok());
  EXPECT_TRUE(sink.fields.empty());
  EXPECT_EQ(line_out, plain);

  // An empty line is left alone.
  ASSERT_TRUE(parser.Parse("", sink, &line_out).ok());
  EXPECT_EQ(line_out, "");

  // Not an object (leading white space included): Loki's jsoniter wording.
  for (std::string_view bad : {"not json", " {\"_entry\":\"x\"}", "[1]"}) {
    sink.Clear();
    Status status = parser.Parse(bad, sink, &line_out);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.message(), "expecting json object(6), but it is not");
    EXPECT_EQ(line_out, bad);
    EXPECT_TRUE(sink.fields.empty());
  }

  // Malformed: nothing emitted, the line stays.
  sink.Clear();
  const std::string_view broken = R"({"a":"x","_entry":"e",)";
  Status status = parser.Parse(broken, sink, &line_out);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(sink.fields.empty());
  EXPECT_EQ(line_out, broken);

  // A repeated key keeps the first; the last _entry wins.
  sink.Clear();
  ASSERT_TRUE(
      parser.Parse(R"({"k":"1","_entry":"first","k":"2","_entry":"last"})", sink, &line_out).ok());
  EXPECT_EQ(sink.fields, (Fields{{"k", "1"}}));
  EXPECT_EQ(line_out, "last");
}

}  // namespace
}  // namespace otelite::logql
