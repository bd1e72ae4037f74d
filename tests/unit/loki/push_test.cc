// POST /loki/api/v1/push through the Router with real Beast requests: both body formats, gzip,
// every validation rule with Loki's message and status, partial acceptance, malformed bodies.
#include <gtest/gtest.h>
#include <snappy.h>

#include <string>
#include <vector>

#include "api/loki/push_api.h"
#include "ingest/gzip.h"
#include "loki/push.pb.h"

namespace otelite::api::loki {
namespace {

// 2023-11-14T22:13:20Z.
constexpr int64_t kNow = 1700000000LL * 1000000000;
constexpr int64_t kSecond = 1000000000;
constexpr int64_t kHour = 3600 * kSecond;

class RecordingAppender : public LogAppender {
 public:
  Status AppendLogs(const LogBatch& batch) override {
    ++calls;
    if (!fail.ok()) return fail;
    for (const LogStream& s : batch.streams) streams.push_back(s);
    return Status::Ok();
  }
  size_t EntryCount() const {
    size_t n = 0;
    for (const auto& s : streams) n += s.entries.size();
    return n;
  }
  Status fail;
  int calls = 0;
  std::vector<LogStream> streams;
};

struct Pair {
  std::string name, value;
};

logproto::PushRequest Request1(const std::string& labels,
                               const std::vector<std::pair<int64_t, std::string>>& entries) {
  logproto::PushRequest request;
  auto* stream = request.add_streams();
  stream->set_labels(labels);
  for (const auto& [ts, line] : entries) {
    auto* e = stream->add_entries();
    e->mutable_timestamp()->set_seconds(ts / kSecond);
    e->mutable_timestamp()->set_nanos(static_cast<int32_t>(ts % kSecond));
    e->set_line(line);
  }
  return request;
}

Labels L(std::vector<Label> labels) { return Labels(std::move(labels)); }

std::string Snappy(const std::string& raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

std::string ProtoBody(const logproto::PushRequest& request) {
  return Snappy(request.SerializeAsString());
}

class PushApiTest : public ::testing::Test {
 protected:
  PushApiTest() {
    limits_.discover_service_name.clear();  // most messages read simpler without it
  }

  Response Post(std::string body, std::string_view content_type,
                std::string_view content_encoding = "") {
    Router router;
    RegisterPushApi(&store_, limits_, &router, [] { return kNow; });
    Request request(http::verb::post, "/loki/api/v1/push", 11);
    if (!content_type.empty()) request.set(http::field::content_type, std::string(content_type));
    if (!content_encoding.empty())
      request.set(http::field::content_encoding, std::string(content_encoding));
    request.body() = std::move(body);
    request.prepare_payload();
    const Handler* handler = nullptr;
    const StreamHandler* stream = nullptr;
    Response routed;
    router.Route(request, &handler, &stream, &routed);
    EXPECT_NE(handler, nullptr);
    if (handler == nullptr) return routed;
    return (*handler)(request);
  }
  Response PostProto(const logproto::PushRequest& request) {
    return Post(ProtoBody(request), "application/x-protobuf");
  }
  Response PostJson(std::string json) { return Post(std::move(json), "application/json"); }

  // A 400 with Loki's message: text/plain, nosniff, the message and a newline.
  static void ExpectError(const Response& r, http::status status, const std::string& message) {
    EXPECT_EQ(r.result(), status) << r.body();
    EXPECT_EQ(r.body(), message + "\n");
    EXPECT_EQ(r[http::field::content_type], "text/plain; charset=utf-8");
    EXPECT_EQ(r["X-Content-Type-Options"], "nosniff");
  }

  loki_push::PushLimits limits_;
  RecordingAppender store_;
};

// ---- decoding --------------------------------------------------------------------------------

TEST_F(PushApiTest, ProtobufBodyIsDecodedIntoTheBatch) {
  logproto::PushRequest request =
      Request1("{job=\"varlogs\", host=\"h1\"}", {{kNow - 2 * kSecond, "first"}});
  auto* entry = request.mutable_streams(0)->add_entries();
  entry->mutable_timestamp()->set_seconds(kNow / kSecond - 1);
  entry->mutable_timestamp()->set_nanos(500);
  entry->set_line("second");
  auto* sm = entry->add_structuredmetadata();
  sm->set_name("trace_id");
  sm->set_value("abc");
  sm = entry->add_structuredmetadata();
  sm->set_name("level");
  sm->set_value("info");
  auto* other = request.add_streams();
  other->set_labels("{app='web'}");
  auto* e2 = other->add_entries();
  e2->mutable_timestamp()->set_seconds(kNow / kSecond);
  e2->set_line("third");

  const Response r = PostProto(request);
  ASSERT_EQ(r.result(), http::status::no_content) << r.body();
  EXPECT_TRUE(r.body().empty());
  ASSERT_EQ(store_.streams.size(), 2u);
  const LogStream& s0 = store_.streams[0];
  EXPECT_EQ(s0.labels, L({{"host", "h1"}, {"job", "varlogs"}}));
  ASSERT_EQ(s0.entries.size(), 2u);
  EXPECT_EQ(s0.entries[0].timestamp_ns, kNow - 2 * kSecond);
  EXPECT_EQ(s0.entries[0].line, "first");
  EXPECT_TRUE(s0.entries[0].metadata.empty());
  EXPECT_EQ(s0.entries[1].timestamp_ns, kNow - kSecond + 500);
  EXPECT_EQ(s0.entries[1].line, "second");
  // Sorted by name.
  EXPECT_EQ(s0.entries[1].metadata, (std::vector<Label>{{"level", "info"}, {"trace_id", "abc"}}));
  EXPECT_EQ(store_.streams[1].labels, L({{"app", "web"}}));
  EXPECT_EQ(store_.streams[1].entries[0].line, "third");
}

// Loki's decoder takes any bytes in strings; so does otelite (one odd line must not cost the
// whole batch).
TEST_F(PushApiTest, ProtobufLinesAndLabelsNeedNotBeUtf8) {
  ASSERT_EQ(PostProto(Request1("{job=\"a\\xff\"}", {{kNow, "bad \xC3 byte"}})).result(),
            http::status::no_content);
  ASSERT_EQ(store_.EntryCount(), 1u);
  EXPECT_EQ(store_.streams[0].labels, L({{"job", "a\xff"}}));
  EXPECT_EQ(store_.streams[0].entries[0].line, "bad \xC3 byte");
}

TEST_F(PushApiTest, NoContentTypeMeansProtobufAndSnappyEncodingIsAccepted) {
  const std::string body = ProtoBody(Request1("{job=\"a\"}", {{kNow, "x"}}));
  EXPECT_EQ(Post(body, "").result(), http::status::no_content);
  EXPECT_EQ(Post(body, "application/x-protobuf", "snappy").result(), http::status::no_content);
  EXPECT_EQ(store_.EntryCount(), 2u);
}

TEST_F(PushApiTest, JsonBodyIsDecodedIntoTheBatch) {
  const Response r =
      PostJson(R"({"streams":[{"stream":{"job":"varlogs","host":"h1"},"values":[)"
               R"(["1699999998000000000","first"],)"
               R"(["1699999999000000500","second",{"trace_id":"abc","level":"info"}]]},)"
               R"({"values":[["1700000000000000000","no labels key yet"]],"stream":{"app":"web"},)"
               R"("extra":"ignored"}]})");
  ASSERT_EQ(r.result(), http::status::no_content) << r.body();
  ASSERT_EQ(store_.streams.size(), 2u);
  const LogStream& s0 = store_.streams[0];
  EXPECT_EQ(s0.labels, L({{"host", "h1"}, {"job", "varlogs"}}));
  ASSERT_EQ(s0.entries.size(), 2u);
  EXPECT_EQ(s0.entries[0].timestamp_ns, kNow - 2 * kSecond);
  EXPECT_EQ(s0.entries[1].timestamp_ns, kNow - kSecond + 500);
  EXPECT_EQ(s0.entries[1].line, "second");
  EXPECT_EQ(s0.entries[1].metadata, (std::vector<Label>{{"level", "info"}, {"trace_id", "abc"}}));
  EXPECT_EQ(store_.streams[1].labels, L({{"app", "web"}}));
  EXPECT_EQ(store_.streams[1].entries[0].line, "no labels key yet");
}

TEST_F(PushApiTest, JsonDuplicateKeysKeepTheLastAsGoMapsDo) {
  ASSERT_EQ(PostJson(R"({"streams":[{"stream":{"job":"a","host":"h","job":"b"},"values":[)"
                     R"(["1700000000000000000","x",{"k":"1","k":"2"}]]}]})")
                .result(),
            http::status::no_content);
  ASSERT_EQ(store_.EntryCount(), 1u);
  EXPECT_EQ(store_.streams[0].labels, L({{"host", "h"}, {"job", "b"}}));
  EXPECT_EQ(store_.streams[0].entries[0].metadata, (std::vector<Label>{{"k", "2"}}));
}

TEST_F(PushApiTest, JsonContentTypeWithParametersAndGzip) {
  const std::string json =
      R"({"streams":[{"stream":{"job":"a"},"values":[["1700000000000000000","zipped"]]}]})";
  const Response r = Post(Gzip(json), "application/json; charset=utf-8", "gzip");
  ASSERT_EQ(r.result(), http::status::no_content) << r.body();
  ASSERT_EQ(store_.EntryCount(), 1u);
  EXPECT_EQ(store_.streams[0].entries[0].line, "zipped");
}

TEST_F(PushApiTest, GzipAroundSnappyProtobufAsLokiAccepts) {
  const Response r = Post(Gzip(ProtoBody(Request1("{job=\"a\"}", {{kNow, "x"}}))),
                          "application/x-protobuf", "gzip");
  EXPECT_EQ(r.result(), http::status::no_content) << r.body();
  EXPECT_EQ(store_.EntryCount(), 1u);
}

TEST_F(PushApiTest, UnsupportedContentTypeAndEncodingAre415) {
  ExpectError(Post("x", "text/plain"), http::status::unsupported_media_type,
              "unsupported Content-Type \"text/plain\": push takes application/x-protobuf "
              "(snappy-compressed logproto.PushRequest) or application/json");
  ExpectError(Post("x", "application/json", "br"), http::status::unsupported_media_type,
              "Content-Encoding \"br\" not supported (push takes gzip, or none)");
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(PushApiTest, BodiesOverTheLimitAre413) {
  limits_.max_body_bytes = 100;
  const std::string json =
      R"({"streams":[{"stream":{"job":"a"},"values":[["1700000000000000000",")" +
      std::string(100, 'x') + R"("]]}]})";
  ExpectError(
      PostJson(json), http::status::payload_too_large,
      "request body too large: " + std::to_string(json.size()) + " bytes, limit: 100 bytes");
  // Snappy announces its inflated size; a small compressed body can still be too large.
  const std::string raw =
      Request1("{job=\"a\"}", {{kNow, std::string(500, 'x')}}).SerializeAsString();
  const Response snappy_r = Post(Snappy(raw), "application/x-protobuf");
  ExpectError(snappy_r, http::status::payload_too_large,
              "request body too large: " + std::to_string(raw.size()) + " bytes, limit: 100 bytes");
  EXPECT_EQ(Post(Gzip(json), "application/json", "gzip").result(), http::status::payload_too_large);
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(PushApiTest, MalformedSnappyAndProtobufAre400) {
  ExpectError(Post("\xff\xff\xff\xff\xff\xff", "application/x-protobuf"), http::status::bad_request,
              "invalid push request: the protobuf body is not snappy-compressed (block format, "
              "as Loki expects)");
  // A valid length header followed by a truncated block.
  std::string cut = Snappy(std::string(1000, 'a') + "bcdefgh");
  cut.resize(cut.size() - 3);
  ExpectError(Post(cut, "application/x-protobuf"), http::status::bad_request,
              "invalid push request: the body is not valid snappy data (corrupt block)");
  // Snappy around bytes that are no PushRequest (field 1 of wire type 7 does not exist).
  ExpectError(Post(Snappy("\x0f\x01\x02"), "application/x-protobuf"), http::status::bad_request,
              "invalid push request: the snappy-decompressed body is not a protobuf "
              "logproto.PushRequest");
  // The JSON body sent as protobuf: not snappy.
  EXPECT_EQ(Post(R"({"streams":[]})", "application/x-protobuf").result(),
            http::status::bad_request);
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(PushApiTest, InvalidProtobufTimestampIs400) {
  logproto::PushRequest request = Request1("{job=\"a\"}", {{kNow, "x"}});
  request.mutable_streams(0)->mutable_entries(0)->mutable_timestamp()->set_nanos(-1);
  ExpectError(PostProto(request), http::status::bad_request,
              "invalid push request: streams[0].entries[0].timestamp: seconds 1700000000 and "
              "nanos -1 are not a valid google.protobuf.Timestamp (years 1 to 9999, nanos 0 to "
              "999999999)");
}

TEST_F(PushApiTest, MalformedJsonNamesWhatAndWhere) {
  // A missing colon after the key "job": found at the value that stands there, byte 29.
  const std::string body = R"({"streams":[{"stream":{"job" "a"}}]})";
  const Response r = PostJson(body);
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_EQ(r.body().rfind("invalid JSON: Missing a colon after a name of object member (at byte "
                           "29, in streams[0].stream",
                           0),
            0u)
      << r.body();
  // Truncated.
  const Response truncated = PostJson(R"({"streams":[{"stream":{"job":"a"})");
  EXPECT_EQ(truncated.result(), http::status::bad_request);
  EXPECT_NE(truncated.body().find("the end of the body"), std::string::npos) << truncated.body();
}

TEST_F(PushApiTest, JsonStructureErrorsNameThePath) {
  const auto expect = [&](const std::string& body, const std::string& message) {
    ExpectError(PostJson(body), http::status::bad_request, message);
  };
  expect(R"([])",
         "invalid push request: expected a JSON object {\"streams\": […]} at the top level, got "
         "an array");
  expect(R"({"streams":{}})",
         "invalid push request: streams: must be an array of streams, got an object");
  expect(
      R"({"streams":[{"stream":{"job":"a"},"values":[["1",  "ok"], [1700000000000000000,"x"]]}]})",
      "invalid push request: streams[0].values[1][0]: the timestamp must be a string of "
      "nanoseconds since the Unix epoch (\"1700000000000000000\"), got a number");
  expect(R"({"streams":[{"stream":{"job":"a"},"values":[["17e9","x"]]}]})",
         "invalid push request: streams[0].values[0][0]: the timestamp \"17e9\" is not an "
         "integer number of nanoseconds");
  expect(R"({"streams":[{"stream":{"job":"a"},"values":[["99999999999999999999","x"]]}]})",
         "invalid push request: streams[0].values[0][0]: the timestamp \"99999999999999999999\" "
         "is not an integer number of nanoseconds that fits 64 bits");
  expect(R"({"streams":[{"stream":{"job":"a"},"values":[["1","x",{},"extra"]]}]})",
         "invalid push request: streams[0].values[0]: an entry must have 2 or 3 elements "
         "(timestamp, line, optional structured metadata), got 4");
  expect(R"({"streams":[{"stream":{"job":"a"},"values":[["1",{"line":"x"}]]}]})",
         "invalid push request: streams[0].values[0][1]: the log line must be a string, got an "
         "object");
  expect(R"({"streams":[{"stream":{"job":"a"},"values":[["1","x",{"n":1}]]}]})",
         "invalid push request: streams[0].values[0][2][\"n\"]: values must be strings, got a "
         "number");
  expect(R"({"streams":[{"stream":{"job":true},"values":[]}]})",
         "invalid push request: streams[0].stream[\"job\"]: values must be strings, got a "
         "boolean");
  expect(R"({"streams":[{"stream":{"job":"a"},"values":{}}]})",
         "invalid push request: streams[0].values: must be an array of entries, got an object");
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(PushApiTest, RequestWithoutStreamsIs422) {
  ExpectError(PostJson("{}"), http::status::unprocessable_entity,
              "error at least one valid stream is required for ingestion");
  ExpectError(PostJson(R"({"streams":[]})"), http::status::unprocessable_entity,
              "error at least one valid stream is required for ingestion");
  ExpectError(PostProto(logproto::PushRequest()), http::status::unprocessable_entity,
              "error at least one valid stream is required for ingestion");
}

TEST_F(PushApiTest, EmptyStreamsAreSkippedSilently) {
  logproto::PushRequest request = Request1("{job=\"empty\"}", {});
  auto* full = request.add_streams();
  full->set_labels("{job=\"full\"}");
  full->add_entries()->mutable_timestamp()->set_seconds(kNow / kSecond);
  EXPECT_EQ(PostProto(request).result(), http::status::no_content);
  ASSERT_EQ(store_.streams.size(), 1u);
  EXPECT_EQ(store_.streams[0].labels, L({{"job", "full"}}));
  // Only empty streams: nothing to store, still a success, the store is not called.
  store_.calls = 0;
  EXPECT_EQ(PostProto(Request1("{job=\"empty\"}", {})).result(), http::status::no_content);
  EXPECT_EQ(store_.calls, 0);
}

// ---- validation ------------------------------------------------------------------------------

TEST_F(PushApiTest, StreamWithoutLabels) {
  ExpectError(PostProto(Request1("{}", {{kNow, "x"}})), http::status::bad_request,
              "error at least one label pair is required per stream");
  // Labels with empty values are dropped: {a=""} is no label at all.
  ExpectError(
      PostJson(R"({"streams":[{"stream":{"a":""},"values":[["1700000000000000000","x"]]}]})"),
      http::status::bad_request, "error at least one label pair is required per stream");
  EXPECT_EQ(store_.calls, 0);
}

TEST_F(PushApiTest, EmptyLabelValuesAreDropped) {
  EXPECT_EQ(PostProto(Request1("{job=\"a\", empty=\"\"}", {{kNow, "x"}})).result(),
            http::status::no_content);
  ASSERT_EQ(store_.streams.size(), 1u);
  EXPECT_EQ(store_.streams[0].labels, L({{"job", "a"}}));
}

TEST_F(PushApiTest, ServiceNameIsDiscoveredAsLoki3Does) {
  limits_ = loki_push::PushLimits();  // the default discovery list
  logproto::PushRequest request = Request1("{job=\"varlogs\", container=\"c1\"}", {{kNow, "x"}});
  *request.add_streams() = Request1("{job=\"varlogs\"}", {{kNow, "y"}}).streams(0);
  *request.add_streams() = Request1("{host=\"h\"}", {{kNow, "z"}}).streams(0);
  *request.add_streams() = Request1("{service_name=\"mine\", app=\"a\"}", {{kNow, "w"}}).streams(0);
  *request.add_streams() = Request1("{}", {{kNow, "v"}}).streams(0);
  ASSERT_EQ(PostProto(request).result(), http::status::no_content);
  ASSERT_EQ(store_.streams.size(), 5u);
  // container comes before job in the list.
  EXPECT_EQ(store_.streams[0].labels,
            L({{"container", "c1"}, {"job", "varlogs"}, {"service_name", "c1"}}));
  EXPECT_EQ(store_.streams[1].labels, L({{"job", "varlogs"}, {"service_name", "varlogs"}}));
  EXPECT_EQ(store_.streams[2].labels, L({{"host", "h"}, {"service_name", "unknown_service"}}));
  EXPECT_EQ(store_.streams[3].labels, L({{"app", "a"}, {"service_name", "mine"}}));
  // A stream without labels gets service_name too, and so is accepted (as in Loki 3).
  EXPECT_EQ(store_.streams[4].labels, L({{"service_name", "unknown_service"}}));
}

std::string ManyLabels(int n) {
  std::string s = "{";
  for (int i = 0; i < n; ++i) s += (i ? ", l" : "l") + std::to_string(i + 10) + "=\"v\"";
  return s + "}";
}

TEST_F(PushApiTest, TooManyLabelNames) {
  const std::string sixteen = ManyLabels(16);
  ExpectError(PostProto(Request1(sixteen, {{kNow, "x"}})), http::status::bad_request,
              "entry for stream '" + sixteen + "' has 16 label names; limit 15");
  EXPECT_EQ(PostProto(Request1(ManyLabels(15), {{kNow, "x"}})).result(), http::status::no_content);
  // service_name does not count.
  std::string with_service = ManyLabels(15);
  with_service.insert(with_service.size() - 1, ", service_name=\"s\"");
  EXPECT_EQ(PostProto(Request1(with_service, {{kNow, "x"}})).result(), http::status::no_content);
  EXPECT_EQ(store_.EntryCount(), 2u);
}

TEST_F(PushApiTest, LabelNameAndValueLength) {
  const std::string long_name(1025, 'n');
  const std::string labels = "{" + long_name + "=\"v\"}";
  ExpectError(PostProto(Request1(labels, {{kNow, "x"}})), http::status::bad_request,
              "stream '" + labels + "' has label name too long: '" + long_name + "'");
  const std::string long_value(2049, 'v');
  const std::string labels2 = "{job=\"" + long_value + "\"}";
  ExpectError(PostProto(Request1(labels2, {{kNow, "x"}})), http::status::bad_request,
              "stream '" + labels2 + "' has label value too long: '" + long_value + "'");
  // At the limits: accepted.
  EXPECT_EQ(
      PostProto(Request1("{" + std::string(1024, 'n') + "=\"" + std::string(2048, 'v') + "\"}",
                         {{kNow, "x"}}))
          .result(),
      http::status::no_content);
}

TEST_F(PushApiTest, DuplicateLabelNames) {
  ExpectError(PostProto(Request1("{b=\"2\", a=\"1\", b=\"3\"}", {{kNow, "x"}})),
              http::status::bad_request,
              "stream '{a=\"1\", b=\"2\", b=\"3\"}' has duplicate label name: 'b'");
}

TEST_F(PushApiTest, UnparsableLabelString) {
  ExpectError(PostProto(Request1("{job=~\"a\"}", {{kNow, "x"}})), http::status::bad_request,
              "Error parsing labels '{job=~\"a\"}' with error: 1:5: parse error: unexpected \"=~\" "
              "in label set, expected \"=\" after label name \"job\" (a stream's labels take no "
              "other operator)");
  ExpectError(
      PostJson(
          R"({"streams":[{"stream":{"foo.bar":"x"},"values":[["1700000000000000000","x"]]}]})"),
      http::status::bad_request,
      "Error parsing labels '{foo.bar=\"x\"}' with error: invalid label name \"foo.bar\"");
}

TEST_F(PushApiTest, LineTooLong) {
  limits_.max_line_size = 10;
  ExpectError(PostProto(Request1("{job=\"a\"}", {{kNow, "0123456789X"}})),
              http::status::bad_request,
              "Max entry size '10' bytes exceeded for stream '{job=\"a\"}' while adding an entry "
              "with length '11' bytes");
  EXPECT_EQ(PostProto(Request1("{job=\"a\"}", {{kNow, "0123456789"}})).result(),
            http::status::no_content);
  // 0 = unlimited.
  limits_.max_line_size = 0;
  EXPECT_EQ(PostProto(Request1("{job=\"a\"}", {{kNow, std::string(300000, 'x')}})).result(),
            http::status::no_content);
}

TEST_F(PushApiTest, DefaultLineLimitIs256KiB) {
  EXPECT_EQ(PostProto(Request1("{job=\"a\"}", {{kNow, std::string(262144, 'x')}})).result(),
            http::status::no_content);
  EXPECT_EQ(PostProto(Request1("{job=\"a\"}", {{kNow, std::string(262145, 'x')}})).result(),
            http::status::bad_request);
}

TEST_F(PushApiTest, LinesAreTruncatedWhenAsked) {
  limits_.max_line_size = 10;
  limits_.max_line_size_truncate = true;
  // "é" is two bytes (C3 A9) at bytes 9-10: cutting at 10 would split it, so it goes whole.
  EXPECT_EQ(PostProto(Request1("{job=\"a\"}",
                               {{kNow, "0123456789ABC"}, {kNow + 1, "012345678\xC3\xA9Z"}}))
                .result(),
            http::status::no_content);
  ASSERT_EQ(store_.EntryCount(), 2u);
  EXPECT_EQ(store_.streams[0].entries[0].line, "0123456789");
  EXPECT_EQ(store_.streams[0].entries[1].line, "012345678");
}

TEST_F(PushApiTest, StructuredMetadataCountAndSize) {
  logproto::PushRequest many = Request1("{job=\"a\"}", {{kNow, "x"}});
  for (int i = 0; i < 129; ++i) {
    auto* sm = many.mutable_streams(0)->mutable_entries(0)->add_structuredmetadata();
    sm->set_name("k" + std::to_string(i));
    sm->set_value("v");
  }
  ExpectError(PostProto(many), http::status::bad_request,
              "stream '{job=\"a\"}' has too many structured metadata labels: '129', limit: '128'. "
              "Please see `limits_config.max_structured_metadata_entries_count` or contact your "
              "Loki administrator to increase it.");
  many.mutable_streams(0)->mutable_entries(0)->mutable_structuredmetadata()->RemoveLast();
  EXPECT_EQ(PostProto(many).result(), http::status::no_content);

  logproto::PushRequest big = Request1("{job=\"a\"}", {{kNow, "x"}});
  auto* sm = big.mutable_streams(0)->mutable_entries(0)->add_structuredmetadata();
  sm->set_name("big");
  sm->set_value(std::string(65534, 'v'));  // 3 + 65534 = 65537 bytes
  ExpectError(PostProto(big), http::status::bad_request,
              "stream '{job=\"a\"}' has structured metadata too large: '65537' bytes, limit: "
              "'65536' bytes. Please see `limits_config.max_structured_metadata_size` or contact "
              "your Loki administrator to increase it.");
  sm->set_value(std::string(65533, 'v'));
  EXPECT_EQ(PostProto(big).result(), http::status::no_content);
}

TEST_F(PushApiTest, TimestampTooOld) {
  // now - 169h; the oldest acceptable is now - 168h = 2023-11-07T22:13:20Z.
  ExpectError(PostProto(Request1("{job=\"a\"}", {{kNow - 169 * kHour, "x"}})),
              http::status::bad_request,
              "entry for stream '{job=\"a\"}' has timestamp too old: 2023-11-07T21:13:20Z, oldest "
              "acceptable timestamp is: 2023-11-07T22:13:20Z");
  EXPECT_EQ(PostProto(Request1("{job=\"a\"}", {{kNow - 168 * kHour, "x"}})).result(),
            http::status::no_content);
  limits_.reject_old_samples = false;
  EXPECT_EQ(PostProto(Request1("{job=\"a\"}", {{kNow - 10000 * kHour, "x"}})).result(),
            http::status::no_content);
  // A configured age.
  limits_.reject_old_samples = true;
  limits_.reject_old_samples_max_age_ns = kHour;
  EXPECT_EQ(PostProto(Request1("{job=\"a\"}", {{kNow - 2 * kHour, "x"}})).result(),
            http::status::bad_request);
}

TEST_F(PushApiTest, TimestampTooNew) {
  ExpectError(PostProto(Request1("{job=\"a\"}", {{kNow + 11 * 60 * kSecond, "x"}})),
              http::status::bad_request,
              "entry for stream '{job=\"a\"}' has timestamp too new: 2023-11-14T22:24:20Z");
  // The grace period's edge is accepted.
  EXPECT_EQ(PostProto(Request1("{job=\"a\"}", {{kNow + 10 * 60 * kSecond, "x"}})).result(),
            http::status::no_content);
}

TEST_F(PushApiTest, ValidEntriesAreStoredAndInvalidOnesReported) {
  logproto::PushRequest request =
      Request1("{job=\"a\"}",
               {{kNow - kSecond, "keep 1"}, {kNow - 169 * kHour, "too old"}, {kNow, "keep 2"}});
  *request.add_streams() =
      Request1("{job=\"\"}", {{kNow, "no labels"}, {kNow, "either"}}).streams(0);
  const Response r = PostProto(request);
  ExpectError(r, http::status::bad_request,
              "1 errors like: entry for stream '{job=\"a\"}' has timestamp too old: "
              "2023-11-07T21:13:20Z, oldest acceptable timestamp is: 2023-11-07T22:13:20Z; "
              "1 errors like: error at least one label pair is required per stream");
  ASSERT_EQ(store_.streams.size(), 1u);
  ASSERT_EQ(store_.streams[0].entries.size(), 2u);
  EXPECT_EQ(store_.streams[0].entries[0].line, "keep 1");
  EXPECT_EQ(store_.streams[0].entries[1].line, "keep 2");
}

TEST_F(PushApiTest, RepeatedReasonsAreGroupedAndTheListIsBounded) {
  limits_.max_line_size = 1;
  ExpectError(PostProto(Request1("{job=\"a\"}", {{kNow, "xx"}, {kNow, "yy"}, {kNow, "z"}})),
              http::status::bad_request,
              "2 errors like: Max entry size '1' bytes exceeded for stream '{job=\"a\"}' while "
              "adding an entry with length '2' bytes");
  ASSERT_EQ(store_.EntryCount(), 1u);
  // 12 distinct reasons (line lengths 2..13): the first 10 listed, the rest counted.
  std::vector<std::pair<int64_t, std::string>> entries;
  for (int n = 2; n <= 13; ++n) entries.push_back({kNow, std::string(n, 'x')});
  const Response r = PostProto(Request1("{job=\"a\"}", entries));
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_EQ(r.body().rfind("1 errors like: Max entry size '1' bytes exceeded for stream "
                           "'{job=\"a\"}' while adding an entry with length '2' bytes; ",
                           0),
            0u)
      << r.body();
  EXPECT_NE(r.body().find("with length '11' bytes; and 2 more errors\n"), std::string::npos)
      << r.body();
  EXPECT_EQ(r.body().find("length '12'"), std::string::npos);
}

TEST_F(PushApiTest, StructuredMetadataIsNormalisedAsLokiDoes) {
  logproto::PushRequest request = Request1("{job=\"a\"}", {{kNow, "x"}});
  auto* entry = request.mutable_streams(0)->mutable_entries(0);
  const std::vector<Pair> sent = {{"http.method", "GET"},
                                  {"1abc", "digit"},
                                  {"_x", "underscore"},
                                  {"__y", "reserved"},
                                  {"bad",
                                   "a\xff"
                                   "b\xEF\xBF\xBD"
                                   "c"},
                                  {"a.b", "first"},
                                  {"a_b", "second"}};
  for (const Pair& p : sent) {
    auto* sm = entry->add_structuredmetadata();
    sm->set_name(p.name);
    sm->set_value(p.value);
  }
  ASSERT_EQ(PostProto(request).result(), http::status::no_content);
  ASSERT_EQ(store_.EntryCount(), 1u);
  EXPECT_EQ(store_.streams[0].entries[0].metadata,
            (std::vector<Label>{{"__y", "reserved"},
                                {"a_b", "second"},  // a.b normalised to a_b; the later one kept
                                {"bad", "a b c"},   // invalid byte and U+FFFD become spaces
                                {"http_method", "GET"},
                                {"key_1abc", "digit"},
                                {"key_x", "underscore"}}));
}

TEST_F(PushApiTest, StoreBackpressureAndOutage) {
  const std::string body = ProtoBody(Request1("{job=\"a\"}", {{kNow, "x"}}));
  store_.fail = Status::ResourceExhausted("log store is full");
  ExpectError(Post(body, "application/x-protobuf"), http::status::too_many_requests,
              "log store is full");
  store_.fail = Status::Unavailable("shutting down");
  ExpectError(Post(body, "application/x-protobuf"), http::status::service_unavailable,
              "shutting down");
  store_.fail = Status::IoError("disk failed");
  ExpectError(Post(body, "application/x-protobuf"), http::status::internal_server_error,
              "disk failed");
}

TEST_F(PushApiTest, OnlyPostIsRouted) {
  Router router;
  RegisterPushApi(&store_, limits_, &router);
  Request get(http::verb::get, "/loki/api/v1/push", 11);
  const Handler* handler = nullptr;
  const StreamHandler* stream = nullptr;
  Response response;
  router.Route(get, &handler, &stream, &response);
  EXPECT_EQ(handler, nullptr);
  EXPECT_EQ(response.result(), http::status::method_not_allowed);
}

}  // namespace
}  // namespace otelite::api::loki
