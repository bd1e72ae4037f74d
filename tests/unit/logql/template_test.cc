// The template language (query/logql/template.h): text and actions, trim markers, comments,
// literals, variables, pipelines, control structures, printf, parse and execution errors, and
// what a template reads. Expected values follow Go's text/template documentation.
#include "query/logql/template.h"

#include <gtest/gtest.h>

#include <thread>

#include "unit/logql/template_test_data.h"

namespace otelite::logql {
namespace {

using testing::Case;
using testing::MapData;
using testing::RunTemplate;

void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(RunTemplate(c.text), c.want) << "template: " << c.text;
  }
}

// Cases whose result must contain `want` (error messages).
void RunErrorCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    std::string got = RunTemplate(c.text);
    EXPECT_NE(got.find(c.want), std::string::npos) << "template: " << c.text << "\n got: " << got;
  }
}

TEST(TemplateTest, TextFieldsAndTrimMarkers) {
  RunCases({
      {"", ""},
      {"plain text", "plain text"},
      {"{{.method}} {{.path}}", "GET /api/v1/query"},
      {"[{{.missing}}]", "[]"},
      {"[{{.empty}}]", "[]"},
      {"a{{- .method -}}b", "aGETb"},
      {"a  \n {{- .method }}  b", "aGET  b"},
      {"a {{ .method -}}\n\t b", "a GETb"},
      {"a {{- \"x\" -}} b", "axb"},
      {"{{/* a comment */}}x", "x"},
      {"{{/* multi\nline */}}x", "x"},
      {"a {{- /* c */ -}} b", "ab"},
      {"{{-3}}", "-3"},
      {"{{ .method }}\n{{ .status }}", "GET\n200"},
      {"{{\n.method\n}}", "GET"},
      {"x}}y", "x}}y"},
  });
}

TEST(TemplateTest, Literals) {
  RunCases({
      {R"({{ "quoted\n\t\"x\"" }})", "quoted\n\t\"x\""},
      {R"({{ "\x41\u00e9\101\U0001F600" }})",
       "A\xC3\xA9"
       "A\xF0\x9F\x98\x80"},
      {"{{ `raw\\n` }}", "raw\\n"},
      {"{{ `multi\nline` }}", "multi\nline"},
      {"{{ 'a' }}", "97"},
      {"{{ '\\n' }}", "10"},
      {"{{ 1.5 }}", "1.5"},
      {"{{ 1e3 }}", "1000"},
      {"{{ 1e6 }}", "1e+06"},
      {"{{ 123456.0 }}", "123456"},
      {"{{ 0x10 }}", "16"},
      {"{{ 0o17 }}", "15"},
      {"{{ 017 }}", "15"},
      {"{{ 0b101 }}", "5"},
      {"{{ 1_000 }}", "1000"},
      {"{{ -3 }}", "-3"},
      {"{{ +3 }}", "3"},
      {"{{ .5 }}", "0.5"},
      {"{{ true }} {{ false }}", "true false"},
  });
}

TEST(TemplateTest, VariablesAndPipelines) {
  RunCases({
      {"{{ $x := .method }}{{ $x }}", "GET"},
      {"{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", "2"},
      {"{{ $.method }}", "GET"},
      {"{{ $x := .method }}{{ if true }}{{ $x = \"in\" }}{{ end }}{{ $x }}", "in"},
      {"{{ .method | lower }}", "get"},
      {"{{ .path | replace \"/\" \"_\" | trunc 5 | upper }}", "_API_"},
      {"{{ .path | replace \" \" \"_\" | trunc 5 | upper }}", "/API/"},
      {"{{ (lower .method) }}", "get"},
      {"{{ printf \"%s-%s\" (lower .method) .status }}", "get-200"},
      {"{{ .method | printf \"%s!\" }}", "GET!"},
      {"{{ \"a\" | printf \"%s%s\" \"b\" }}", "ba"},
      {"{{ .method |}}", "GET"},
      {"{{ (fromJson .json).foo }}", "55"},
      {"{{ (fromJson .json).nope }}", "<no value>"},
      {"{{ $j := fromJson .json }}{{ $j.s }}{{ $j.nope.deeper }}", "x<no value>"},
  });
}

TEST(TemplateTest, Conditionals) {
  RunCases({
      {R"({{ if and (contains "he" "hello") (contains "llo" "hello") }} yes {{end}})", " yes "},
      {R"({{ if or (contains "he" "hello") (contains "llo" "hello") }} yes {{end}})", " yes "},
      {R"({{ if contains "ErrTimeout" .err }} timeout {{else if contains "he" "hello"}} yes {{else}} no {{end}})",
       " timeout "},
      {R"({{ if contains "Nope" .err }}a{{else if contains "he" "hello"}}b{{else}}c{{end}})", "b"},
      {R"({{ if contains "Nope" .err }}a{{else if contains "x" "y"}}b{{else}}c{{end}})", "c"},
      {R"({{ if eq .status "500" }}a{{ else }}b{{ end }})", "b"},
      {R"({{ if eq "ErrTimeout" .err }} timeout {{end}})", ""},
      {R"({{ if eq "hello" "hello" }} yes {{end}})", " yes "},
      {R"({{ if hasSuffix .err "Timeout" }} timeout {{end}})", ""},
      {R"({{ if hasPrefix "he" "hello" }} yes {{end}})", " yes "},
      {"{{ if .empty }}a{{ else }}b{{ end }}", "b"},
      {"{{ if .missing }}a{{ else }}b{{ end }}", "b"},
      {"{{ if 0 }}a{{ else }}b{{ end }}", "b"},
      {"{{ if 0.5 }}a{{ end }}", "a"},
      {"{{ if fromJson \"[]\" }}a{{ else }}b{{ end }}", "b"},
      {"{{ if now }}time is true{{ end }}", "time is true"},
      {"{{ with .missing }}x{{ else }}none{{ end }}", "none"},
      {"{{ with .method }}{{ . }}{{ end }}", "GET"},
      {"{{ with .missing }}a{{ else with .method }}{{ . }}{{ end }}", "GET"},
      {"{{ if $x := .method }}{{ $x }}{{ end }}", "GET"},
      {"{{ if $x := .empty }}a{{ else }}[{{ $x }}]{{ end }}", "[]"},
  });
}

TEST(TemplateTest, Range) {
  RunCases({
      {"{{ range $q := fromJson .queries }}[{{ $q.query }}]{{ end }}", "[up][rate(x[5m])]"},
      {"{{ range $q := fromJson .queries }} {{ $q.query }} {{ end }}", " up  rate(x[5m]) "},
      {"{{ range $i, $e := fromJson .queries }}{{ $i }}={{ $e.query }};{{ end }}",
       "0=up;1=rate(x[5m]);"},
      {"{{ range fromJson .queries }}{{ .query }},{{ end }}", "up,rate(x[5m]),"},
      {"{{ range $k, $v := fromJson .json }}{{ $k }}:{{ $v }} {{ end }}",
       "bar:[1 two <nil>] foo:55 s:x "},
      {"{{ range 3 }}{{ . }}{{ end }}", "012"},
      {"{{ range $i := 5 }}{{ if eq $i 2 }}{{ continue }}{{ end }}{{ if eq $i 4 }}{{ break }}"
       "{{ end }}{{ $i }}{{ end }}",
       "013"},
      {"{{ range fromJson \"[]\" }}x{{ else }}empty{{ end }}", "empty"},
      {"{{ range .missing_json | fromJson }}x{{ else }}nil is empty{{ end }}", "nil is empty"},
      {"{{ $n := 0 }}{{ range $i := 3 }}{{ $n = $i }}{{ end }}{{ $n }}", "2"},
  });
}

TEST(TemplateTest, DotAndIndexOnLabels) {
  MapData data({{"b", "2"}, {"a", "1"}, {"x-y", "z"}}, "line", 0);
  EXPECT_EQ(RunTemplate("{{ . }}", data), "map[a:1 b:2 x-y:z]");
  EXPECT_EQ(RunTemplate("{{ $ }}", data), "map[a:1 b:2 x-y:z]");
  EXPECT_EQ(RunTemplate("{{ index . \"x-y\" }}", data), "z");
  EXPECT_EQ(RunTemplate("[{{ index . \"nope\" }}]", data), "[]");
  EXPECT_EQ(RunTemplate("{{ len . }}", data), "3");
  EXPECT_EQ(RunTemplate("{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}", data),
            "a=1;b=2;x-y=z;");
  EXPECT_EQ(RunTemplate("{{ printf \"%v\" . }}", data), "map[a:1 b:2 x-y:z]");
  MapData none({}, "", 0);
  EXPECT_EQ(RunTemplate("{{ if . }}a{{ else }}b{{ end }}", none), "b");
}

TEST(TemplateTest, Builtins) {
  RunCases({
      {"{{ len .method }}", "3"},
      {"{{ len (fromJson .json).bar }}", "3"},
      {"{{ not true }} {{ not \"\" }}", "false true"},
      {"{{ and 1 0 2 }}", "0"},
      {"{{ and 1 2 }}", "2"},
      {"{{ or 0 \"\" \"x\" }}", "x"},
      {"[{{ or 0 \"\" }}]", "[]"},
      {"{{ .method | and true }}", "GET"},
      {"{{ print 1 2 \"a\" 3 \"b\" }}", "1 2a3b"},
      {"{{ print \"a\" \"b\" }}", "ab"},
      {"{{ println \"a\" 1 }}", "a 1\n"},
      {"{{ print nil }}", "<nil>"},
      {R"({{ html "<a href='x'>&\"" }})", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;"},
      {R"({{ js "it's <b>\"x\"\n=" }})", R"(it\'s \u003Cb\u003E\"x\"\u000A\u003D)"},
      {R"({{ urlquery "a b&c=d/é" }})", "a+b%26c%3Dd%2F%C3%A9"},
      {"{{ index (fromJson .json) \"bar\" 1 }}", "two"},
      {"{{ index (fromJson .json) \"nope\" }}", "<no value>"},
      {"{{ index \"abc\" 1 }}", "98"},
      {"{{ eq 1 1 }} {{ eq \"a\" \"b\" \"a\" }} {{ eq 1 2 }}", "true true false"},
      {"{{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt \"b\" \"a\" }} {{ ge 1.5 2.5 }}",
       "true true true true false"},
      {"{{ eq .status \"200\" }} {{ eq (len .method) 3 }} {{ lt (add 1 1) 3 }}", "true true true"},
      {"{{ eq (fromJson .json).nope \"x\" }}", "false"},
  });
}

TEST(TemplateTest, Printf) {
  RunCases({
      {R"({{ printf "%s|%d|%v|%.2f|%q|%x|%5s|%-5s|" "a" 42 true 3.14159 "hi" 255 "ab" "cd" }})",
       R"(a|42|true|3.14|"hi"|ff|   ab|cd   |)"},
      {R"({{ printf "%05d|%+d|%x|%X|%o|%b|%c|%U" 42 42 "hi" 3054 8 5 65 65 }})",
       "00042|+42|6869|BEE|10|101|A|U+0041"},
      {R"({{ printf "%e|%g|%G|%8.3f|%-8.2f|" 123456.789 0.000012 1e21 3.14159 2.5 }})",
       "1.234568e+05|1.2e-05|1E+21|   3.142|2.50    |"},
      {R"({{ printf "%d" "x" }})", "%!d(string=x)"},
      {R"({{ printf "%s %s" "a" }})", "a %!s(MISSING)"},
      {R"({{ printf "%s" "a" "b" }})", "a%!(EXTRA string=b)"},
      {R"({{ printf "100%%" }})", "100%"},
      {R"({{ printf "%v %v" nil (fromJson "[1,2]") }})", "<nil> [1 2]"},
      {R"({{ printf "%T %T %T %T" 1 "s" 1.5 (add 1 1) }})", "int string float64 int64"},
      {R"({{ printf "%*d|%.3s|%5.1f%%" 5 3 "abcdef" 99.44 }})", "    3|abc| 99.4%"},
      {R"({{ printf "%[2]s %[1]s" "a" "b" }})", "b a"},
      {R"({{ printf "%z" 1 }})", "%!z(int=1)"},
      {R"({{ printf "%6.2f|%06.2f|%+.1e" -1.5 -1.5 12345.0 }})", " -1.50|-01.50|+1.2e+04"},
      {R"({{ printf "%x|%#x|%08.3d|%q" -255 255 7 'x' }})", "-ff|0xff|     007|'x'"},
      {R"({{ printf "%v|%v" 1e6 .duration }})", "1e+06|1500"},
      {R"({{ printf "%t" true }})", "true"},
      {R"({{ printf "%d items" (len .method) }})", "3 items"},
      {R"({{ printf "The IP address was %s" "129.168.1.1" }})", "The IP address was 129.168.1.1"},
      {R"({{ printf "%-40.40s" .path }}|)", "/api/v1/query                           |"},
      {R"({{ printf "%-5.5s" "POSTED" }}|)", "POSTE|"},
      {R"({{ printf "%15.15s" "x" }})", "              x"},
      {R"({{ printf "%s" }})", "%!s(MISSING)"},
      {R"({{ printf "%" }})", "%!(NOVERB)"},
      {R"({{ printf "%q" "a\"b\n" }})", R"("a\"b\n")"},
      {R"({{ printf "%v" (fromJson "{\"a\":1}") }})", "map[a:1]"},
  });
}

TEST(TemplateTest, ParseErrors) {
  struct ErrorCase {
    const char* text;
    const char* message;
  };
  const std::vector<ErrorCase> cases = {
      {"{{ .method } }}", R"(template: line:1: unexpected "}" in operand)"},
      {"{{ foo }}", R"(template: line:1: function "foo" not defined)"},
      {"{{ .a ", "template: line:1: unclosed action"},
      {"{{ if .a }}x", "template: line:1: unexpected EOF"},
      {"{{ end }}", "template: line:1: unexpected {{end}}"},
      {"{{ else }}", "template: line:1: unexpected {{else}}"},
      {"{{ }}", "template: line:1: missing value for command"},
      {"{{ $x }}", R"(template: line:1: undefined variable "$x")"},
      {R"({{ "a" | "b" }})", "template: line:1: non executable command in pipeline stage 2"},
      {R"({{ "unterminated }})", "template: line:1: unterminated quoted string"},
      {"{{ `raw }}", "template: line:1: unterminated raw quoted string"},
      {"{{ 3x }}", R"(template: line:1: bad number syntax: "3x")"},
      {"{{ /* x */ }}", R"(template: line:1: unexpected "/" in command)"},
      {"{{/* unclosed", "template: line:1: unclosed comment"},
      {"{{/* c */ x}}", "template: line:1: comment ends before closing delimiter"},
      {"{{ break }}", "template: line:1: {{break}} outside {{range}}"},
      {"{{ range $i, $e, $f := . }}{{ end }}", "template: line:1: too many declarations in range"},
      {"{{ if .a }}{{ else }}{{ else }}{{ end }}",
       "template: line:1: expected end; found {{else}}"},
      {"line1\n{{ foo }}", R"(template: line:2: function "foo" not defined)"},
      {"{{ (1 }}", "template: line:1: unclosed left paren"},
      {"{{ ) }}", "template: line:1: unexpected \")\" in command"},
      {"{{ 'ab' }}", "template: line:1: malformed character constant: 'ab'"},
      {R"({{ "\q" }})", "template: line:1: invalid syntax"},
      {"{{ 99999999999999999999 }}",
       R"(template: line:1: integer overflow: "99999999999999999999")"},
      {"{{ .a:b }}", "template: line:1: expected :="},
      {"{{ .method.x | nope }}", R"(template: line:1: function "nope" not defined)"},
      {"{{ \"x\".y }}", R"(template: line:1: unexpected . after term "\"x\"")"},
      {"{{ define \"x\" }}{{ end }}", "template: line:1: {{define}} is not supported"},
      {"{{ .a € }}", "template: line:1: unrecognized character in action: U+20AC '€'"},
      {"{{ .a é }}", R"(template: line:1: function "é" not defined)"},
  };
  for (const auto& c : cases) {
    Result<Template> t = Template::Parse(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.status().message(), c.message) << c.text;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  }
  Result<Template> label = Template::Parse("{{ foo }}", "label");
  ASSERT_FALSE(label.ok());
  EXPECT_EQ(label.status().message(), R"(template: label:1: function "foo" not defined)");
}

TEST(TemplateTest, ExecutionErrors) {
  EXPECT_EQ(RunTemplate("{{ .method.foo }}"),
            "ERROR: template: line:1:3: executing \"line\" at <.method.foo>: can't evaluate "
            "field foo in type string");
  EXPECT_EQ(RunTemplate("{{ div 1 0 }}"),
            "ERROR: template: line:1:3: executing \"line\" at <div 1 0>: error calling div: "
            "runtime error: integer divide by zero");
  RunErrorCases({
      {"{{ nil }}", "nil is not a command"},
      {"{{ .method 1 }}", "method is not a method but has arguments"},
      {"{{ 1 2 }}", "can't give argument to non-function 1"},
      {"{{ trunc }}", "wrong number of args for trunc: want 2 got 0"},
      {"{{ and }}", "wrong number of args for and: want at least 1 got 0"},
      {"{{ len 3 }}", "error calling len: len of type int"},
      {"{{ index (fromJson \"[1]\") 5 }}", "error calling index: index out of range: 5"},
      {"{{ index 3 1 }}", "error calling index: can't index item of type int"},
      {"{{ range \"abc\" }}{{ end }}", "range can't iterate over abc"},
      {"{{ eq 1 \"a\" }}", "error calling eq: incompatible types for comparison"},
      {"{{ eq 1.0 1 }}", "error calling eq: incompatible types for comparison"},
      {"{{ lt true false }}", "error calling lt: invalid type for comparison"},
      {"{{ trunc (add 1 2) \"abcdef\" }}", "wrong type for value; expected int; got int64"},
      {"{{ trunc .n \"abc\" }}", "wrong type for value; expected int; got string"},
      {"{{ trunc \"3\" \"abc\" }}", "expected integer; found \"3\""},
      {"{{ lower 3 }}", "expected string; found 3"},
      {"{{ unixEpoch \"x\" }}", "can't handle \"x\" for arg of type time.Time"},
      {"{{ .date | unixEpoch }}", "wrong type for value; expected time.Time; got string"},
      {"{{ lower nil }}", "cannot assign nil to string"},
      {"{{ eq .status nil }}", "cannot assign nil to reflect.Value"},
      {"{{ (fromJson \"{}\").a | lower }}", "invalid value; expected string"},
      {"{{ repeat 100000000 \"xxxxxxxx\" }}", "error calling repeat: result exceeds"},
      {"{{ range 2000000 }}{{ end }}", "execution exceeded 1000000 steps"},
      {"{{ range $i, $e := 3 }}{{ end }}", "can't use 3 to iterate over more than one variable"},
  });
}

TEST(TemplateTest, WhatItReads) {
  auto parse = [](std::string_view text) {
    Result<Template> t = Template::Parse(text);
    EXPECT_TRUE(t.ok()) << text << ": " << t.status().message();
    return std::move(t).value();
  };
  Template t = parse("{{.a}} {{ .b | lower }} {{ if .c }}{{ .d.e }}{{ end }}{{ $.f }}");
  EXPECT_EQ(t.referenced_labels(), (std::vector<std::string>{"a", "b", "c", "d", "f"}));
  EXPECT_FALSE(t.reads_all_labels());
  EXPECT_FALSE(t.reads_line());
  EXPECT_FALSE(t.reads_timestamp());
  EXPECT_FALSE(t.is_simple());

  EXPECT_TRUE(parse("{{ . }}").reads_all_labels());
  EXPECT_TRUE(parse("{{ $ }}").reads_all_labels());
  EXPECT_TRUE(parse("{{ index . .k }}").reads_all_labels());
  EXPECT_TRUE(parse("{{ range $k, $v := . }}{{ end }}").reads_all_labels());
  EXPECT_TRUE(parse("{{ $x := . }}").reads_all_labels());
  Template index = parse("{{ index . \"x-y\" }}");
  EXPECT_FALSE(index.reads_all_labels());
  EXPECT_EQ(index.referenced_labels(), std::vector<std::string>{"x-y"});
  Template with = parse("{{ with .a }}{{ . }}{{ end }}");
  EXPECT_FALSE(with.reads_all_labels());
  EXPECT_EQ(with.referenced_labels(), std::vector<std::string>{"a"});

  EXPECT_TRUE(parse("{{ __line__ }}").reads_line());
  EXPECT_TRUE(parse("{{ __timestamp__ | unixEpoch }}").reads_timestamp());
  EXPECT_TRUE(parse("a {{.b}} c").is_simple());
  EXPECT_TRUE(parse("{{- .b -}} {{ .c }}").is_simple());
  EXPECT_TRUE(parse("just text").is_simple());
  EXPECT_FALSE(parse("{{ .b.c }}").is_simple());
  EXPECT_EQ(parse("a {{.b}} {{.b}} c").referenced_labels(), std::vector<std::string>{"b"});
}

TEST(TemplateTest, SimpleTemplatesRunWithoutEvaluation) {
  MapData data({{"a", "1"}}, "line", 0);
  EXPECT_EQ(RunTemplate("x{{ .a }}y{{ .missing }}z", data), "x1yz");
  // The output buffer is cleared first.
  Result<Template> t = Template::Parse("{{ .a }}");
  ASSERT_TRUE(t.ok());
  std::string out = "old";
  ASSERT_TRUE(t->Execute(data, &out).ok());
  EXPECT_EQ(out, "1");
}

TEST(TemplateTest, DefaultTemplateIsEmpty) {
  Template empty;
  std::string out = "x";
  ASSERT_TRUE(empty.Execute(testing::StandardData(), &out).ok());
  EXPECT_EQ(out, "");
  EXPECT_TRUE(empty.referenced_labels().empty());
  EXPECT_FALSE(empty.reads_all_labels());
}

TEST(TemplateTest, CopiesShareAndRunConcurrently) {
  Result<Template> parsed =
      Template::Parse("{{ range $i := 50 }}{{ $.a | printf \"%s-\" }}{{ end }}{{ __line__ }}");
  ASSERT_TRUE(parsed.ok());
  Template copy = *parsed;
  std::string expected;
  for (int i = 0; i < 50; ++i) expected += "v-";
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      MapData data({{"a", "v"}}, "L" + std::to_string(t), 0);
      std::string out;
      for (int i = 0; i < 200; ++i) {
        if (!copy.Execute(data, &out).ok() || out != expected + "L" + std::to_string(t)) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace otelite::logql
