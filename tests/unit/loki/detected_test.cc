// /loki/api/v1/detected_fields, /detected_field/<name>/values and /detected_labels through the
// Router over a real event store: fields of structured metadata, JSON and logfmt lines with
// their types, cardinalities and parsers; the limits; the label rules; Loki's errors.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/loki/detected_api.h"
#include "storage/logs/store.h"
#include "temp_dir.h"

namespace otelite::api::loki {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kT0 = 1700000000LL * kSecond;

std::string Url(std::string s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

LogStream Stream(std::vector<Label> labels, std::vector<LogEntry> entries) {
  LogStream stream;
  stream.labels = Labels(std::move(labels));
  stream.entries = std::move(entries);
  return stream;
}

LogEntry Entry(int64_t t, std::string line, std::vector<Label> metadata = {}) {
  return LogEntry{t, std::move(line), std::move(metadata)};
}

struct Field {
  std::string type;
  uint64_t cardinality = 0;
  std::vector<std::string> parsers;
  bool parsers_null = false;
};

class DetectedApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logs::LogStoreOptions options;
    options.retention_ns = 100LL * 365 * 24 * 3600 * kSecond;
    options.maintenance_interval_ms = 0;
    options.wal.fsync = tsdb::FsyncPolicy::kNever;
    options.now_ns = [] { return kT0 + 24LL * 3600 * kSecond; };
    auto store = logs::LogStore::Open(dir_.str(), options);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    engine_ = std::make_unique<logql::Engine>(logql::EngineOptions{});
    RegisterDetectedApi(store_.get(), engine_.get(), &router_);

    LogBatch batch;
    // checkout: JSON lines with structured metadata; `env` is also a stream label.
    batch.streams.push_back(Stream(
        {{"env", "prod"}, {"service_name", "checkout"}},
        {Entry(kT0 + 1 * kSecond,
               R"({"status":200,"latency":"1.5s","size":"10MB","ok":true,"msg":"done","env":"x"})",
               {{"retries", "3"}, {"trace_id", "abc"}}),
         Entry(kT0 + 2 * kSecond,
               R"({"status":404,"latency":"250ms","size":"512KiB","ok":false,"msg":"missing",)"
               R"("ratio":0.5})",
               {{"retries", "0"}, {"trace_id", "def"}}),
         Entry(kT0 + 3 * kSecond,
               R"({"status":200,"latency":"2s","size":"1GB","ok":true,"msg":"done","ratio":1})",
               {{"retries", "1"}, {"trace_id", "abc"}})}));
    // worker: logfmt lines; `service_name` in the line clashes with the stream label.
    batch.streams.push_back(Stream(
        {{"service_name", "worker"}},
        {Entry(kT0 + 4 * kSecond, "level=info duration=3ms user=alice count=7",
               {{"trace_id", "ghi"}}),
         Entry(kT0 + 5 * kSecond, "level=error duration=1.2s user=bob count=8 service_name=w2")}));
    // batch: streams whose labels detected_labels judges (not selected by the field queries).
    batch.streams.push_back(Stream({{"flag", "1"},
                                    {"service_name", "batch"},
                                    {"session_id", "7f1c0e5e-2b1a-4c59-9a53-0d7c2a7d9f10"}},
                                   {Entry(kT0 + 6 * kSecond, "plain text")}));
    batch.streams.push_back(Stream({{"__stream_shard__", "1"},
                                    {"flag", "0"},
                                    {"namespace", "42"},
                                    {"port", "8080"},
                                    {"service_name", "batch"},
                                    {"session_id", "0d7c2a7d-9f10-4c59-9a53-7f1c0e5e2b1a"}},
                                   {Entry(kT0 + 7 * kSecond, "more text")}));
    ASSERT_TRUE(store_->AppendLogs(batch).ok());
  }

  Response Get(const std::string& target) {
    Request request(http::verb::get, target, 11);
    const Handler* handler = nullptr;
    const StreamHandler* stream = nullptr;
    Response response;
    router_.Route(request, &handler, &stream, &response);
    if (handler != nullptr) response = (*handler)(request);
    return response;
  }

  // GET with query, start and end (the whole test data), plus `extra` parameters.
  Response Ask(const std::string& path, const std::string& query, const std::string& extra = "") {
    std::string target = path + "?query=" + Url(query) + "&start=" + std::to_string(kT0) +
                         "&end=" + std::to_string(kT0 + 10 * kSecond) + extra;
    return Get(target);
  }

  // The fields of a successful detected_fields answer, by label.
  std::map<std::string, Field> Fields(const Response& response, uint64_t* limit = nullptr) {
    EXPECT_EQ(response.result(), http::status::ok) << response.body();
    rapidjson::Document doc;
    doc.Parse(response.body().c_str());
    EXPECT_FALSE(doc.HasParseError()) << response.body();
    std::map<std::string, Field> out;
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("fields")) return out;
    EXPECT_FALSE(doc.HasMember("status")) << "Loki answers detected_fields without an envelope";
    for (const auto& f : doc["fields"].GetArray()) {
      Field field;
      field.type = f["type"].GetString();
      field.cardinality = f["cardinality"].GetUint64();
      if (f["parsers"].IsNull()) {
        field.parsers_null = true;
      } else {
        for (const auto& p : f["parsers"].GetArray()) field.parsers.push_back(p.GetString());
      }
      EXPECT_EQ(out.count(f["label"].GetString()), 0u) << "label twice: " << response.body();
      out[f["label"].GetString()] = field;
    }
    if (limit != nullptr) *limit = doc.HasMember("limit") ? doc["limit"].GetUint64() : 0;
    return out;
  }

  std::vector<std::string> Values(const Response& response) {
    EXPECT_EQ(response.result(), http::status::ok) << response.body();
    rapidjson::Document doc;
    doc.Parse(response.body().c_str());
    std::vector<std::string> out;
    if (doc.HasParseError() || !doc.HasMember("values")) return out;
    for (const auto& v : doc["values"].GetArray()) out.push_back(v.GetString());
    return out;
  }

  void ExpectError(const Response& response, std::string_view text,
                   http::status status = http::status::bad_request) {
    EXPECT_EQ(response.result(), status) << response.body();
    EXPECT_NE(response.body().find(text), std::string::npos) << response.body();
  }

  testing::TempDir dir_;
  std::unique_ptr<logs::LogStore> store_;
  std::unique_ptr<logql::Engine> engine_;
  Router router_;
};

void ExpectField(const std::map<std::string, Field>& fields, const std::string& label,
                 const std::string& type, uint64_t cardinality, std::vector<std::string> parsers) {
  auto it = fields.find(label);
  ASSERT_NE(it, fields.end()) << label;
  EXPECT_EQ(it->second.type, type) << label;
  EXPECT_EQ(it->second.cardinality, cardinality) << label;
  EXPECT_EQ(it->second.parsers, parsers) << label;
  EXPECT_EQ(it->second.parsers_null, parsers.empty()) << label;
}

constexpr const char* kFieldsPath = "/loki/api/v1/detected_fields";
constexpr const char* kBoth = R"({service_name=~"checkout|worker"})";

TEST_F(DetectedApiTest, FieldsOfJsonLogfmtAndMetadata) {
  uint64_t limit = 0;
  auto fields = Fields(Ask(kFieldsPath, kBoth), &limit);
  EXPECT_EQ(limit, 1000u);
  // JSON lines of checkout.
  ExpectField(fields, "status", "int", 2, {"json"});            // 200, 404
  ExpectField(fields, "latency", "duration", 3, {"json"});      // 1.5s, 250ms, 2s
  ExpectField(fields, "size", "bytes", 3, {"json"});            // 10MB, 512KiB, 1GB
  ExpectField(fields, "ok", "boolean", 2, {"json"});            // true, false
  ExpectField(fields, "msg", "string", 2, {"json"});            // done, missing
  ExpectField(fields, "ratio", "float", 2, {"json"});           // 0.5 and 1: float fits both
  ExpectField(fields, "env_extracted", "string", 1, {"json"});  // env is a stream label
  // logfmt lines of worker.
  ExpectField(fields, "level", "string", 2, {"logfmt"});
  ExpectField(fields, "duration", "duration", 2, {"logfmt"});  // 3ms, 1.2s
  ExpectField(fields, "user", "string", 2, {"logfmt"});
  ExpectField(fields, "count", "int", 2, {"logfmt"});
  ExpectField(fields, "service_name_extracted", "string", 1, {"logfmt"});
  // Structured metadata: no parser.
  ExpectField(fields, "trace_id", "string", 3, {});  // abc, def, ghi
  ExpectField(fields, "retries", "int", 3, {});      // 3, 0, 1
  // Stream labels are not fields.
  EXPECT_EQ(fields.count("service_name"), 0u);
  EXPECT_EQ(fields.count("env"), 0u);
  EXPECT_EQ(fields.size(), 14u);
}

TEST_F(DetectedApiTest, FieldsAnswerIsLokisBareObject) {
  Response r = Ask(kFieldsPath, R"({service_name="worker"})");
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r.body(),
            R"({"fields":[)"
            R"({"label":"count","type":"int","cardinality":2,"parsers":["logfmt"]},)"
            R"({"label":"duration","type":"duration","cardinality":2,"parsers":["logfmt"]},)"
            R"({"label":"level","type":"string","cardinality":2,"parsers":["logfmt"]},)"
            R"({"label":"service_name_extracted","type":"string","cardinality":1,)"
            R"("parsers":["logfmt"]},)"
            R"({"label":"trace_id","type":"string","cardinality":1,"parsers":null},)"
            R"({"label":"user","type":"string","cardinality":2,"parsers":["logfmt"]}],)"
            R"("limit":1000})");
  EXPECT_EQ(ToStd(r[http::field::content_type]), "application/json; charset=UTF-8");
}

TEST_F(DetectedApiTest, FieldsOfTheQuerysOwnParserAndFilters) {
  // Only the 404 entry passes; the fields `| json` gave are reported once, with "json".
  auto fields = Fields(Ask(kFieldsPath, R"({service_name="checkout"} | json | status=404)"));
  ExpectField(fields, "status", "int", 1, {"json"});
  ExpectField(fields, "latency", "duration", 1, {"json"});
  ExpectField(fields, "size", "bytes", 1, {"json"});
  ExpectField(fields, "ok", "boolean", 1, {"json"});
  ExpectField(fields, "msg", "string", 1, {"json"});
  ExpectField(fields, "ratio", "float", 1, {"json"});
  ExpectField(fields, "trace_id", "string", 1, {});
  ExpectField(fields, "retries", "int", 1, {});  // "0"
  EXPECT_EQ(fields.size(), 8u);
  EXPECT_EQ(fields.count("__error__"), 0u);
}

TEST_F(DetectedApiTest, LinesThatAreNotCleanJsonObjects) {
  LogBatch batch;
  batch.streams.push_back(Stream(
      {{"service_name", "odd"}},
      {// Nested keys are flattened and sanitised; arrays and null are skipped.
       Entry(kT0 + 1 * kSecond, R"({"nested":{"k-1":"v","n":2},"arr":[1,2],"nul":null})"),
       // Malformed JSON: its leading `a` does not count; logfmt takes the line, and skips the
       // malformed first pair.
       Entry(kT0 + 2 * kSecond, R"({"a":1, x=5)"),
       // A JSON array is not an object: logfmt, which finds only an empty-valued key.
       Entry(kT0 + 3 * kSecond, "[1,2]"),
       // The same key from JSON and from logfmt: both parsers, newest first.
       Entry(kT0 + 4 * kSecond, R"({"k":"1"})"), Entry(kT0 + 5 * kSecond, "k=2 plain words")}));
  ASSERT_TRUE(store_->AppendLogs(batch).ok());
  auto fields = Fields(Ask(kFieldsPath, R"({service_name="odd"})"));
  ExpectField(fields, "nested_k_1", "string", 1, {"json"});
  ExpectField(fields, "nested_n", "int", 1, {"json"});
  ExpectField(fields, "x", "int", 1, {"logfmt"});
  ExpectField(fields, "k", "int", 2, {"logfmt", "json"});
  EXPECT_EQ(fields.size(), 4u) << "no a, arr, nul, plain, words";
}

TEST_F(DetectedApiTest, FieldLimitKeepsTheFirstNamesOfTheNewestEntries) {
  // Newest first: the worker line at +5 s gives level, duration, user, count, service_name…
  uint64_t limit = 0;
  auto fields = Fields(Ask(kFieldsPath, kBoth, "&limit=3"), &limit);
  EXPECT_EQ(limit, 3u);
  ASSERT_EQ(fields.size(), 3u);
  // ... and their cardinalities still count every entry read.
  ExpectField(fields, "level", "string", 2, {"logfmt"});
  ExpectField(fields, "duration", "duration", 2, {"logfmt"});
  ExpectField(fields, "user", "string", 2, {"logfmt"});
  // field_limit is the older name of the parameter.
  EXPECT_EQ(Fields(Ask(kFieldsPath, kBoth, "&field_limit=2")).size(), 2u);
}

TEST_F(DetectedApiTest, LineLimitReadsOnlyTheNewestEntries) {
  // The two worker entries (+5 s, +4 s) only.
  auto fields = Fields(Ask(kFieldsPath, kBoth, "&line_limit=2"));
  ExpectField(fields, "level", "string", 2, {"logfmt"});
  ExpectField(fields, "count", "int", 2, {"logfmt"});
  ExpectField(fields, "trace_id", "string", 1, {});  // ghi
  EXPECT_EQ(fields.count("status"), 0u);
  EXPECT_EQ(fields.size(), 6u);
  // One entry: the +5 s line.
  fields = Fields(Ask(kFieldsPath, kBoth, "&line_limit=1"));
  ExpectField(fields, "level", "string", 1, {"logfmt"});
  EXPECT_EQ(fields.count("trace_id"), 0u);
  EXPECT_EQ(fields.size(), 5u);
}

TEST_F(DetectedApiTest, TimeRangeSelectsEntries) {
  // [t0, t0+3s): the first two checkout entries (the end is exclusive, as in Loki's log
  // queries).
  Response r = Get(std::string(kFieldsPath) + "?query=" + Url(kBoth) +
                   "&start=" + std::to_string(kT0) + "&end=" + std::to_string(kT0 + 3 * kSecond));
  auto fields = Fields(r);
  ExpectField(fields, "status", "int", 2, {"json"});
  ExpectField(fields, "ratio", "float", 1, {"json"});  // only 0.5
  EXPECT_EQ(fields.count("level"), 0u);
}

TEST_F(DetectedApiTest, NoEntriesGiveNoFieldsAndNoLimit) {
  Response r = Ask(kFieldsPath, R"({service_name="nothing"})");
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r.body(), R"({"fields":[]})");
}

TEST_F(DetectedApiTest, FieldErrorsAreLokis) {
  ExpectError(Ask(kFieldsPath, R"(count_over_time({service_name="checkout"}[5m]))"),
              "only log selector is supported");
  ExpectError(Ask(kFieldsPath, R"({service_name="checkout")"), "parse error");
  ExpectError(Ask(kFieldsPath, R"({service_name=~".*"})"), "parse error");
  ExpectError(Get(std::string(kFieldsPath) + "?query=" + Url(kBoth) + "&start=abc"),
              "cannot parse \"abc\" to a valid timestamp");
  ExpectError(Get(std::string(kFieldsPath) + "?query=" + Url(kBoth) +
                  "&start=" + std::to_string(kT0 + 5 * kSecond) + "&end=" + std::to_string(kT0)),
              "end timestamp must not be before or equal to start time");
  ExpectError(Ask(kFieldsPath, kBoth, "&line_limit=0"), "limit must be a positive value");
  ExpectError(Ask(kFieldsPath, kBoth, "&limit=-2"), "limit must be a positive value");
  ExpectError(Ask(kFieldsPath, kBoth, "&limit=x"),
              "strconv.ParseInt: parsing \"x\": invalid syntax");
  ExpectError(Ask(kFieldsPath, kBoth, "&line_limit=6000"), "max entries limit per query exceeded");
}

TEST_F(DetectedApiTest, ValuesOfOneField) {
  const std::string path = "/loki/api/v1/detected_field/";
  EXPECT_EQ(Values(Ask(path + "status/values", kBoth)), (std::vector<std::string>{"200", "404"}));
  EXPECT_EQ(Values(Ask(path + "trace_id/values", kBoth)),
            (std::vector<std::string>{"abc", "def", "ghi"}));
  EXPECT_EQ(Values(Ask(path + "latency/values", kBoth)),
            (std::vector<std::string>{"1.5s", "250ms", "2s"}));
  // Parsed byte sizes as go-humanize writes them: 10^7 -> 10MB, 524288 -> 524kB, 10^9 -> 1.0GB.
  EXPECT_EQ(Values(Ask(path + "size/values", kBoth)),
            (std::vector<std::string>{"1.0GB", "10MB", "524kB"}));
  EXPECT_EQ(Values(Ask(path + "service_name_extracted/values", kBoth)),
            (std::vector<std::string>{"w2"}));
  // limit: newest first, +4 s gives ghi, +3 s abc, then it stops.
  EXPECT_EQ(Values(Ask(path + "trace_id/values", kBoth, "&limit=2")),
            (std::vector<std::string>{"abc", "ghi"}));
  Response none = Ask(path + "nope/values", kBoth);
  EXPECT_EQ(none.result(), http::status::ok);
  EXPECT_EQ(none.body(), R"({"values":[]})");
  Response r = Ask(path + "status/values", kBoth);
  EXPECT_NE(r.body().find(R"("limit":1000)"), std::string::npos) << r.body();
  ExpectError(Ask(path + "status/values", R"(rate({service_name="x"}[1m]))"),
              "only log selector is supported");
}

// The labels of a detected_labels answer: label -> cardinality.
std::map<std::string, uint64_t> LabelsOf(const Response& response) {
  EXPECT_EQ(response.result(), http::status::ok) << response.body();
  rapidjson::Document doc;
  doc.Parse(response.body().c_str());
  std::map<std::string, uint64_t> out;
  if (doc.HasParseError() || !doc.HasMember("detectedLabels")) return out;
  for (const auto& l : doc["detectedLabels"].GetArray()) {
    out[l["label"].GetString()] = l["cardinality"].GetUint64();
  }
  return out;
}

TEST_F(DetectedApiTest, DetectedLabelsOfEveryStream) {
  const std::string range =
      "start=" + std::to_string(kT0) + "&end=" + std::to_string(kT0 + 10 * kSecond);
  // No query: every stream. session_id (UUIDs) and port (a number) are identifiers and left
  // out; flag (0/1) and namespace (always kept) stay; __stream_shard__ is reserved.
  auto labels = LabelsOf(Get("/loki/api/v1/detected_labels?" + range));
  EXPECT_EQ(labels, (std::map<std::string, uint64_t>{
                        {"env", 1}, {"flag", 2}, {"namespace", 1}, {"service_name", 3}}));
  // An empty query is the same.
  EXPECT_EQ(LabelsOf(Get("/loki/api/v1/detected_labels?query=&" + range)), labels);
  // A selector.
  labels = LabelsOf(Get(
      "/loki/api/v1/detected_labels?query=" + Url(R"({service_name="checkout"})") + "&" + range));
  EXPECT_EQ(labels, (std::map<std::string, uint64_t>{{"env", 1}, {"service_name", 1}}));
  // One flag value that is not 0/1 makes flag an identifier again: {service_name="batch",
  // flag="1"} has flag 1 only, which is still a 0/1 flag.
  labels = LabelsOf(Get("/loki/api/v1/detected_labels?query=" +
                        Url(R"({service_name="batch", flag="1"})") + "&" + range));
  EXPECT_EQ(labels, (std::map<std::string, uint64_t>{{"flag", 1}, {"service_name", 1}}));
  // Outside the time range: nothing.
  Response r = Get("/loki/api/v1/detected_labels?start=" + std::to_string(kT0 - 100 * kSecond) +
                   "&end=" + std::to_string(kT0 - 50 * kSecond));
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r.body(), R"({"detectedLabels":[]})");
}

TEST_F(DetectedApiTest, DetectedLabelErrors) {
  ExpectError(
      Get("/loki/api/v1/detected_labels?query=" + Url(R"({service_name="checkout"} |= "x")")),
      "only label matchers are supported");
  ExpectError(Get("/loki/api/v1/detected_labels?query=" + Url(R"({service_name=~".*"})")),
              "parse error");
  ExpectError(Get("/loki/api/v1/detected_labels?start=yesterday"), "cannot parse");
}

TEST(DetectedTypeTest, TypesOfValues) {
  auto type = [](std::string_view v) { return std::string(DetectedTypeName(DetectedTypesOf(v))); };
  EXPECT_EQ(type("42"), "int");
  EXPECT_EQ(type("-7"), "int");
  EXPECT_EQ(type("+7"), "int");
  EXPECT_EQ(type("0"), "int");
  EXPECT_EQ(type("9223372036854775808"), "float");  // beyond int64
  EXPECT_EQ(type("1.5"), "float");
  EXPECT_EQ(type("1e3"), "float");
  EXPECT_EQ(type("true"), "boolean");
  EXPECT_EQ(type("False"), "boolean");
  EXPECT_EQ(type("T"), "boolean");
  EXPECT_EQ(type("1.5s"), "duration");
  EXPECT_EQ(type("250ms"), "duration");
  EXPECT_EQ(type("1h30m"), "duration");
  EXPECT_EQ(type("10MB"), "bytes");
  EXPECT_EQ(type("1.5GiB"), "bytes");
  EXPECT_EQ(type("10 KB"), "bytes");
  EXPECT_EQ(type("hello"), "string");
  EXPECT_EQ(type("1d"), "string");  // Go durations have no days
  EXPECT_EQ(type("yes"), "string");
  EXPECT_EQ(type(""), "string");
  // What a value fits besides its first type.
  EXPECT_EQ(DetectedTypesOf("1"),
            kDetectedInt | kDetectedFloat | kDetectedBoolean | kDetectedBytes);
  EXPECT_EQ(DetectedTypesOf("0") & kDetectedDuration, kDetectedDuration);  // "0" is a duration
  EXPECT_EQ(DetectedTypesOf("1s") & kDetectedBytes, 0u);
}

TEST(DetectedTypeTest, AFieldsTypeFitsAllItsValues) {
  auto common = [](std::initializer_list<std::string_view> values) {
    uint32_t types = ~0u;
    for (auto v : values) types &= DetectedTypesOf(v);
    return std::string(DetectedTypeName(types));
  };
  EXPECT_EQ(common({"1", "2"}), "int");
  EXPECT_EQ(common({"1", "2.5"}), "float");
  EXPECT_EQ(common({"1", "true"}), "boolean");
  EXPECT_EQ(common({"0", "1s"}), "duration");
  EXPECT_EQ(common({"5", "10MB"}), "bytes");
  EXPECT_EQ(common({"1s", "10MB"}), "string");
  EXPECT_EQ(common({"42", "abc"}), "string");
}

}  // namespace
}  // namespace otelite::api::loki
